#include "sim/testcards.h"

#include <QCryptographicHash>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

TestCard card(const QString &token, const QString &number, const QString &brand,
              const QString &funding = u"credit"_s, const QString &country = u"US"_s)
{
    TestCard c;
    c.token = token;
    c.number = number;
    c.brand = brand;
    c.funding = funding;
    c.country = country;
    return c;
}

TestCard declined(TestCard c, const QString &errorCode, const QString &declineCode)
{
    c.outcome = TestCard::Outcome::Decline;
    c.errorCode = errorCode;
    c.declineCode = declineCode;
    return c;
}

} // namespace

QString TestCard::fingerprint() const
{
    // Stable per card number, as Stripe's fingerprints are; never reversible to the number.
    const QByteArray digest = QCryptographicHash::hash(
        QByteArray(QByteArray("kassa-sim-fingerprint:") + number.toLatin1()), QCryptographicHash::Sha256);
    QString out;
    static constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 16; ++i)
        out.append(QChar::fromLatin1(Alphabet[quint8(digest.at(i)) % 62]));
    return out;
}

QJsonObject TestCard::cardJson(int expMonth, int expYear) const
{
    return QJsonObject{
        {u"brand"_s, brand},
        {u"display_brand"_s, brand == u"amex"_s ? u"american_express"_s : brand},
        {u"checks"_s, QJsonObject{{u"address_line1_check"_s, QJsonValue::Null},
                                  {u"address_postal_code_check"_s, QJsonValue::Null},
                                  {u"cvc_check"_s, u"pass"_s}}},
        {u"country"_s, country},
        {u"exp_month"_s, expMonth},
        {u"exp_year"_s, expYear},
        {u"fingerprint"_s, fingerprint()},
        {u"funding"_s, funding},
        {u"generated_from"_s, QJsonValue::Null},
        {u"last4"_s, last4()},
        {u"networks"_s, QJsonObject{{u"available"_s, QJsonArray{brand}}, {u"preferred"_s, QJsonValue::Null}}},
        {u"three_d_secure_usage"_s, QJsonObject{{u"supported"_s, true}}},
        {u"wallet"_s, QJsonValue::Null},
        {u"regulated_status"_s, QJsonValue::Null},
    };
}

TestCards::TestCards()
{
    m_cards = {
        card(u"pm_card_visa"_s, u"4242424242424242"_s, u"visa"_s),
        card(u"pm_card_visa_debit"_s, u"4000056655665556"_s, u"visa"_s, u"debit"_s),
        card(u"pm_card_mastercard"_s, u"5555555555554444"_s, u"mastercard"_s),
        card(u"pm_card_mastercard_debit"_s, u"5200828282828210"_s, u"mastercard"_s, u"debit"_s),
        card(u"pm_card_mastercard_prepaid"_s, u"5105105105105100"_s, u"mastercard"_s, u"prepaid"_s),
        card(u"pm_card_amex"_s, u"378282246310005"_s, u"amex"_s),
        card(u"pm_card_discover"_s, u"6011111111111117"_s, u"discover"_s),
        card(u"pm_card_diners"_s, u"3056930009020004"_s, u"diners"_s),
        card(u"pm_card_jcb"_s, u"3566002020360505"_s, u"jcb"_s, u"credit"_s, u"JP"_s),
        card(u"pm_card_unionpay"_s, u"6200000000000005"_s, u"unionpay"_s, u"credit"_s, u"CN"_s),
        card(u"pm_card_de"_s, u"4000002760000016"_s, u"visa"_s, u"credit"_s, u"DE"_s),
        declined(card(u"pm_card_visa_chargeDeclined"_s, u"4000000000000002"_s, u"visa"_s), u"card_declined"_s,
                 u"generic_decline"_s),
        declined(card(u"pm_card_visa_chargeDeclinedInsufficientFunds"_s, u"4000000000009995"_s, u"visa"_s),
                 u"card_declined"_s, u"insufficient_funds"_s),
        declined(card(u"pm_card_visa_chargeDeclinedLostCard"_s, u"4000000000009987"_s, u"visa"_s),
                 u"card_declined"_s, u"lost_card"_s),
        declined(card(u"pm_card_visa_chargeDeclinedStolenCard"_s, u"4000000000009979"_s, u"visa"_s),
                 u"card_declined"_s, u"stolen_card"_s),
        declined(card(u"pm_card_chargeDeclinedExpiredCard"_s, u"4000000000000069"_s, u"visa"_s),
                 u"expired_card"_s, u"expired_card"_s),
        declined(card(u"pm_card_chargeDeclinedIncorrectCvc"_s, u"4000000000000127"_s, u"visa"_s),
                 u"incorrect_cvc"_s, u"incorrect_cvc"_s),
        declined(card(u"pm_card_chargeDeclinedProcessingError"_s, u"4000000000000119"_s, u"visa"_s),
                 u"processing_error"_s, u"processing_error"_s),
        declined(card(u"pm_card_chargeDeclinedFraudulent"_s, u"4100000000000019"_s, u"visa"_s),
                 u"card_declined"_s, u"fraudulent"_s),
    };
    TestCard auth =
        card(u"pm_card_authenticationRequired"_s, u"4000002760003184"_s, u"visa"_s, u"credit"_s, u"DE"_s);
    auth.outcome = TestCard::Outcome::RequireAuthentication;
    m_cards.append(auth);
    TestCard threeDS2 = card(u"pm_card_threeDSecure2Required"_s, u"4000000000003220"_s, u"visa"_s);
    threeDS2.outcome = TestCard::Outcome::RequireAuthentication;
    m_cards.append(threeDS2);
    TestCard pending = card(u"pm_card_pendingRefund"_s, u"4000000000007726"_s, u"visa"_s);
    pending.refund = TestCard::RefundBehaviour::PendingThenSucceed;
    m_cards.append(pending);
    TestCard refundFail = card(u"pm_card_refundFail"_s, u"4000000000005126"_s, u"visa"_s);
    refundFail.refund = TestCard::RefundBehaviour::SucceedThenFail;
    m_cards.append(refundFail);
}

std::optional<TestCard> TestCards::byToken(QStringView token) const
{
    for (const TestCard &c : m_cards) {
        if (c.token == token)
            return c;
    }
    return std::nullopt;
}

std::optional<TestCard> TestCards::byNumber(QStringView number) const
{
    QString digits;
    for (QChar ch : number) {
        if (ch.isDigit())
            digits.append(ch);
        else if (ch != u' ' && ch != u'-')
            return std::nullopt;
    }
    for (const TestCard &c : m_cards) {
        if (c.number == digits)
            return c;
    }
    return std::nullopt;
}

std::optional<TestCard> TestCards::byFingerprint(QStringView fingerprint) const
{
    for (const TestCard &c : m_cards) {
        if (c.fingerprint() == fingerprint)
            return c;
    }
    return std::nullopt;
}

QString TestCards::declineMessage(QStringView errorCode, QStringView declineCode)
{
    if (errorCode == u"expired_card")
        return u"Your card has expired."_s;
    if (errorCode == u"incorrect_cvc")
        return u"Your card's security code is incorrect."_s;
    if (errorCode == u"processing_error")
        return u"An error occurred while processing your card. Try again in a little bit."_s;
    if (declineCode == u"insufficient_funds")
        return u"Your card has insufficient funds."_s;
    if (declineCode == u"incorrect_pin")
        return u"The PIN entered is incorrect."_s;
    if (declineCode == u"pin_try_exceeded")
        return u"The allowable number of PIN tries has been exceeded."_s;
    if (declineCode == u"withdrawal_count_limit_exceeded")
        return u"The customer has exceeded the balance or credit limit available on their card."_s;
    return u"Your card was declined."_s;
}

QString TestCards::terminalDeclineCodeForAmount(qint64 amount)
{
    switch (amount % 100) {
    case 1:
        return u"call_issuer"_s;
    case 5:
        return u"generic_decline"_s;
    case 55:
        return u"incorrect_pin"_s;
    case 65:
        return u"withdrawal_count_limit_exceeded"_s;
    case 75:
        return u"pin_try_exceeded"_s;
    default:
        return {};
    }
}

} // namespace kassa::sim
