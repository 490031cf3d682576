#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace kassa::sim {

// Stripe's test payment methods and card numbers, and what each one does.
struct TestCard
{
    enum class Outcome { Succeed, Decline, RequireAuthentication };
    enum class RefundBehaviour { Succeed, PendingThenSucceed, SucceedThenFail };

    QString token;  // pm_card_visa
    QString number; // 4242424242424242 (the simulator never stores it, only last4)
    QString brand;  // visa
    QString funding;
    QString country;
    Outcome outcome = Outcome::Succeed;
    QString declineCode; // generic_decline, insufficient_funds, ...
    QString errorCode;   // card_declined, expired_card, incorrect_cvc, processing_error
    RefundBehaviour refund = RefundBehaviour::Succeed;

    QString last4() const { return number.right(4); }
    QString fingerprint() const;
    // The "card" hash of a PaymentMethod made from this card.
    QJsonObject cardJson(int expMonth, int expYear) const;
};

class TestCards
{
public:
    TestCards();

    std::optional<TestCard> byToken(QStringView token) const;
    std::optional<TestCard> byNumber(QStringView number) const;
    // The card a PaymentMethod was made from, by its fingerprint.
    std::optional<TestCard> byFingerprint(QStringView fingerprint) const;
    const QList<TestCard> &all() const { return m_cards; }

    // The message Stripe gives a customer for a decline code.
    static QString declineMessage(QStringView errorCode, QStringView declineCode);
    // Terminal test outcome by the amount's last two digits (physical test card amounts):
    // 00 approves; 01 call_issuer, 05 generic_decline, 55 incorrect_pin, 65 withdrawal_count_limit_exceeded,
    // 75 pin_try_exceeded decline. Empty when the amount approves.
    static QString terminalDeclineCodeForAmount(qint64 amount);

private:
    QList<TestCard> m_cards;
};

} // namespace kassa::sim
