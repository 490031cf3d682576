// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/capturemethod.h"
#include "core/cardbrand.h"
#include "core/charge.h"
#include "core/chargestatus.h"
#include "core/customer.h"
#include "core/payment.h"
#include "core/paymentintentstatus.h"
#include "core/paymentmethod.h"
#include "core/paymentmethodtype.h"
#include "core/refund.h"
#include "core/refundreason.h"
#include "core/refundstatus.h"

#include "coretestsupport.h"

#include <QTest>

#include <type_traits>

using namespace Qt::StringLiterals;
using namespace kassa;

namespace {

// One row of an enum table: Stripe's spelling and the enum value as an int (QTest columns need one type).
template<typename Enum>
void addEnumRows(std::initializer_list<std::pair<const char16_t *, Enum>> rows)
{
    for (const auto &[text, value] : rows) {
        const QString s = QString::fromUtf16(text);
        QTest::addRow("%s", qPrintable(s)) << s << static_cast<int>(value);
    }
}

// Every enumerator from Unknown (0) to `last` converts to a string and back, and no two share a string.
template<typename Enum>
bool roundTripsAll(Enum last, QString *failure)
{
    QStringList seen;
    for (int i = 0; i <= static_cast<int>(last); ++i) {
        const auto value = static_cast<Enum>(i);
        const QString text = toStripe(value);
        if (fromStripe<Enum>(text) != value) {
            *failure =
                u"value %1 → \"%2\" → %3"_s.arg(i).arg(text).arg(static_cast<int>(fromStripe<Enum>(text)));
            return false;
        }
        if (seen.contains(text)) {
            *failure = u"\"%1\" written for two values"_s.arg(text);
            return false;
        }
        seen << text;
    }
    return true;
}

PaymentMethod card(CardBrand brand, const QString &last4, int month = 12, int year = 2030)
{
    PaymentMethod pm;
    pm.id = u"pm_1"_s;
    pm.type = PaymentMethodType::Card;
    pm.card.brand = brand;
    pm.card.last4 = last4;
    pm.card.expMonth = month;
    pm.card.expYear = year;
    return pm;
}

} // namespace

class tst_ValueTypes : public QObject
{
    Q_OBJECT

private slots:
    void paymentIntentStatus_data();
    void paymentIntentStatus();
    void captureMethod_data();
    void captureMethod();
    void chargeStatus_data();
    void chargeStatus();
    void refundStatus_data();
    void refundStatus();
    void refundReason_data();
    void refundReason();
    void paymentMethodType_data();
    void paymentMethodType();
    void cardBrand_data();
    void cardBrand();
    void enumsRoundTrip();
    void unknownValues_data();
    void unknownValues();
    void cardBrandDisplayName_data();
    void cardBrandDisplayName();
    void paymentMethodTypeDisplayName();

    void paymentMethodDisplayName_data();
    void paymentMethodDisplayName();
    void paymentMethodIsExpired_data();
    void paymentMethodIsExpired();

    void paymentIsFinal_data();
    void paymentIsFinal();
    void chargeAmountRefundable_data();
    void chargeAmountRefundable();
    void customerDisplayName_data();
    void customerDisplayName();
    void equality();
};

#define ENUM_TEST(Enum, function)                                                                            \
    void tst_ValueTypes::function()                                                                          \
    {                                                                                                        \
        QFETCH(QString, text);                                                                               \
        QFETCH(int, value);                                                                                  \
        QCOMPARE(static_cast<int>(fromStripe<Enum>(text)), value);                                           \
        QCOMPARE(toStripe(static_cast<Enum>(value)), text);                                                  \
    }

void tst_ValueTypes::paymentIntentStatus_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("value");
    addEnumRows<PaymentIntentStatus>({
        {u"requires_payment_method", PaymentIntentStatus::RequiresPaymentMethod},
        {u"requires_confirmation", PaymentIntentStatus::RequiresConfirmation},
        {u"requires_action", PaymentIntentStatus::RequiresAction},
        {u"processing", PaymentIntentStatus::Processing},
        {u"requires_capture", PaymentIntentStatus::RequiresCapture},
        {u"canceled", PaymentIntentStatus::Canceled},
        {u"succeeded", PaymentIntentStatus::Succeeded},
    });
}
ENUM_TEST(PaymentIntentStatus, paymentIntentStatus)

void tst_ValueTypes::captureMethod_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("value");
    addEnumRows<CaptureMethod>({
        {u"automatic", CaptureMethod::Automatic},
        {u"automatic_async", CaptureMethod::AutomaticAsync},
        {u"manual", CaptureMethod::Manual},
    });
}
ENUM_TEST(CaptureMethod, captureMethod)

void tst_ValueTypes::chargeStatus_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("value");
    addEnumRows<ChargeStatus>({
        {u"succeeded", ChargeStatus::Succeeded},
        {u"pending", ChargeStatus::Pending},
        {u"failed", ChargeStatus::Failed},
    });
}
ENUM_TEST(ChargeStatus, chargeStatus)

void tst_ValueTypes::refundStatus_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("value");
    addEnumRows<RefundStatus>({
        {u"pending", RefundStatus::Pending},
        {u"requires_action", RefundStatus::RequiresAction},
        {u"succeeded", RefundStatus::Succeeded},
        {u"failed", RefundStatus::Failed},
        {u"canceled", RefundStatus::Canceled},
    });
}
ENUM_TEST(RefundStatus, refundStatus)

void tst_ValueTypes::refundReason_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("value");
    addEnumRows<RefundReason>({
        {u"", RefundReason::None},
        {u"duplicate", RefundReason::Duplicate},
        {u"fraudulent", RefundReason::Fraudulent},
        {u"requested_by_customer", RefundReason::RequestedByCustomer},
        {u"expired_uncaptured_charge", RefundReason::ExpiredUncapturedCharge},
    });
}
ENUM_TEST(RefundReason, refundReason)

void tst_ValueTypes::paymentMethodType_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("value");
    addEnumRows<PaymentMethodType>({
        {u"card", PaymentMethodType::Card},
        {u"card_present", PaymentMethodType::CardPresent},
        {u"interac_present", PaymentMethodType::InteracPresent},
        {u"paypal", PaymentMethodType::Paypal},
        {u"link", PaymentMethodType::Link},
        {u"sepa_debit", PaymentMethodType::SepaDebit},
        {u"us_bank_account", PaymentMethodType::UsBankAccount},
        {u"acss_debit", PaymentMethodType::AcssDebit},
        {u"bacs_debit", PaymentMethodType::BacsDebit},
        {u"au_becs_debit", PaymentMethodType::AuBecsDebit},
        {u"bancontact", PaymentMethodType::Bancontact},
        {u"ideal", PaymentMethodType::Ideal},
        {u"klarna", PaymentMethodType::Klarna},
        {u"affirm", PaymentMethodType::Affirm},
        {u"afterpay_clearpay", PaymentMethodType::AfterpayClearpay},
        {u"alipay", PaymentMethodType::Alipay},
        {u"wechat_pay", PaymentMethodType::WechatPay},
        {u"cashapp", PaymentMethodType::CashApp},
        {u"customer_balance", PaymentMethodType::CustomerBalance},
    });
}
ENUM_TEST(PaymentMethodType, paymentMethodType)

void tst_ValueTypes::cardBrand_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("value");
    addEnumRows<CardBrand>({
        {u"unknown", CardBrand::Unknown},
        {u"amex", CardBrand::Amex},
        {u"diners", CardBrand::Diners},
        {u"discover", CardBrand::Discover},
        {u"eftpos_au", CardBrand::EftposAu},
        {u"jcb", CardBrand::Jcb},
        {u"mastercard", CardBrand::Mastercard},
        {u"unionpay", CardBrand::UnionPay},
        {u"visa", CardBrand::Visa},
        {u"interac", CardBrand::Interac},
        {u"cartes_bancaires", CardBrand::CartesBancaires},
    });
}
ENUM_TEST(CardBrand, cardBrand)

void tst_ValueTypes::enumsRoundTrip()
{
    QString failure;
    // Unknown (0) writes "" (CardBrand: "unknown"), which reads back as Unknown; every other value has its
    // own string.
    QVERIFY2(roundTripsAll(PaymentIntentStatus::Succeeded, &failure), qPrintable(failure));
    QVERIFY2(roundTripsAll(CaptureMethod::Manual, &failure), qPrintable(failure));
    QVERIFY2(roundTripsAll(ChargeStatus::Failed, &failure), qPrintable(failure));
    QVERIFY2(roundTripsAll(RefundStatus::Canceled, &failure), qPrintable(failure));
    QVERIFY2(roundTripsAll(PaymentMethodType::CustomerBalance, &failure), qPrintable(failure));
    QVERIFY2(roundTripsAll(CardBrand::CartesBancaires, &failure), qPrintable(failure));

    // RefundReason: Unknown writes "" like None, and "" reads as None (Stripe's null), so Unknown is the one
    // value that does not survive the trip; every other value does.
    for (int i = static_cast<int>(RefundReason::None);
         i <= static_cast<int>(RefundReason::ExpiredUncapturedCharge); ++i) {
        const auto value = static_cast<RefundReason>(i);
        QCOMPARE(fromStripe<RefundReason>(toStripe(value)), value);
    }
    QCOMPARE(toStripe(RefundReason::Unknown), QString());
}

void tst_ValueTypes::unknownValues_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << QString();
    QTest::newRow("new value") << u"requires_reauthorization"_s;
    QTest::newRow("uppercase") << u"SUCCEEDED"_s;
    QTest::newRow("capitalised") << u"Succeeded"_s;
    QTest::newRow("leading space") << u" succeeded"_s;
    QTest::newRow("trailing space") << u"succeeded "_s;
    QTest::newRow("prefix") << u"succeed"_s;
    QTest::newRow("hyphen") << u"requires-action"_s;
    QTest::newRow("null literal") << u"null"_s;
}

void tst_ValueTypes::unknownValues()
{
    QFETCH(QString, text);

    QCOMPARE(fromStripe<PaymentIntentStatus>(text), PaymentIntentStatus::Unknown);
    QCOMPARE(fromStripe<CaptureMethod>(text), CaptureMethod::Unknown);
    QCOMPARE(fromStripe<ChargeStatus>(text), ChargeStatus::Unknown);
    QCOMPARE(fromStripe<RefundStatus>(text), RefundStatus::Unknown);
    QCOMPARE(fromStripe<PaymentMethodType>(text), PaymentMethodType::Unknown);
    QCOMPARE(fromStripe<CardBrand>(text), CardBrand::Unknown);
    // For RefundReason an empty string is Stripe's null: None, not Unknown.
    QCOMPARE(fromStripe<RefundReason>(text), text.isEmpty() ? RefundReason::None : RefundReason::Unknown);

    QCOMPARE(toStripe(PaymentIntentStatus::Unknown), QString());
    QCOMPARE(toStripe(CaptureMethod::Unknown), QString());
    QCOMPARE(toStripe(ChargeStatus::Unknown), QString());
    QCOMPARE(toStripe(RefundStatus::Unknown), QString());
    QCOMPARE(toStripe(PaymentMethodType::Unknown), QString());
    QCOMPARE(toStripe(CardBrand::Unknown), u"unknown"_s);
}

void tst_ValueTypes::cardBrandDisplayName_data()
{
    QTest::addColumn<QString>("text"); // card.brand or card.display_brand
    QTest::addColumn<QString>("name");

    QTest::newRow("visa") << u"visa"_s << u"Visa"_s;
    QTest::newRow("amex") << u"amex"_s << u"American Express"_s;
    QTest::newRow("american_express") << u"american_express"_s << u"American Express"_s;
    QTest::newRow("mastercard") << u"mastercard"_s << u"Mastercard"_s;
    QTest::newRow("diners") << u"diners"_s << u"Diners Club"_s;
    QTest::newRow("diners_club") << u"diners_club"_s << u"Diners Club"_s;
    QTest::newRow("discover") << u"discover"_s << u"Discover"_s;
    QTest::newRow("eftpos_au") << u"eftpos_au"_s << u"eftpos Australia"_s;
    QTest::newRow("eftpos_australia") << u"eftpos_australia"_s << u"eftpos Australia"_s;
    QTest::newRow("jcb") << u"jcb"_s << u"JCB"_s;
    QTest::newRow("unionpay") << u"unionpay"_s << u"UnionPay"_s;
    QTest::newRow("union_pay") << u"union_pay"_s << u"UnionPay"_s;
    QTest::newRow("interac") << u"interac"_s << u"Interac"_s;
    QTest::newRow("cartes_bancaires") << u"cartes_bancaires"_s << u"Cartes Bancaires"_s;
    QTest::newRow("unknown") << u"unknown"_s << u"Card"_s;
    QTest::newRow("other") << u"other"_s << u"Card"_s;
    QTest::newRow("new brand") << u"maestro"_s << u"Card"_s;
}

void tst_ValueTypes::cardBrandDisplayName()
{
    QFETCH(QString, text);
    QFETCH(QString, name);

    QCOMPARE(displayName(fromStripe<CardBrand>(text)), name);
}

void tst_ValueTypes::paymentMethodTypeDisplayName()
{
    QStringList names;
    for (int i = 0; i <= static_cast<int>(PaymentMethodType::CustomerBalance); ++i) {
        const QString name = displayName(static_cast<PaymentMethodType>(i));
        QVERIFY2(!name.isEmpty(), qPrintable(QString::number(i)));
        QVERIFY2(!names.contains(name), qPrintable(name));
        names << name;
    }
    QCOMPARE(displayName(PaymentMethodType::Paypal), u"PayPal"_s);
    QCOMPARE(displayName(PaymentMethodType::Card), u"Card"_s);
}

void tst_ValueTypes::paymentMethodDisplayName_data()
{
    QTest::addColumn<PaymentMethod>("method");
    QTest::addColumn<QString>("name");

    QTest::newRow("visa") << card(CardBrand::Visa, u"4242"_s) << u"Visa \u2022\u2022\u2022\u2022 4242"_s;
    QTest::newRow("amex") << card(CardBrand::Amex, u"0005"_s)
                          << u"American Express \u2022\u2022\u2022\u2022 0005"_s;
    QTest::newRow("unknown brand") << card(CardBrand::Unknown, u"1234"_s)
                                   << u"Card \u2022\u2022\u2022\u2022 1234"_s;
    QTest::newRow("no last4") << card(CardBrand::Mastercard, QString()) << u"Mastercard"_s;

    PaymentMethod cobadged = card(CardBrand::Visa, u"0003"_s);
    cobadged.card.displayBrand = CardBrand::CartesBancaires;
    QTest::newRow("display brand wins") << cobadged << u"Cartes Bancaires \u2022\u2022\u2022\u2022 0003"_s;

    PaymentMethod present;
    present.type = PaymentMethodType::CardPresent;
    present.cardPresent.brand = CardBrand::Mastercard;
    present.cardPresent.last4 = u"0004"_s;
    QTest::newRow("card_present") << present << u"Mastercard \u2022\u2022\u2022\u2022 0004"_s;

    PaymentMethod interac;
    interac.type = PaymentMethodType::InteracPresent;
    interac.cardPresent.last4 = u"9999"_s;
    QTest::newRow("interac_present without brand") << interac << u"Interac \u2022\u2022\u2022\u2022 9999"_s;

    PaymentMethod paypal;
    paypal.type = PaymentMethodType::Paypal;
    paypal.paypal.payerEmail = u"jenny@example.com"_s;
    QTest::newRow("paypal") << paypal << u"PayPal (jenny@example.com)"_s;
    paypal.paypal.payerEmail.clear();
    QTest::newRow("paypal without email") << paypal << u"PayPal"_s;

    PaymentMethod link;
    link.type = PaymentMethodType::Link;
    link.link.email = u"jenny@example.com"_s;
    QTest::newRow("link") << link << u"Link (jenny@example.com)"_s;

    PaymentMethod bank;
    bank.type = PaymentMethodType::UsBankAccount;
    bank.bankAccount.bankName = u"STRIPE TEST BANK"_s;
    bank.bankAccount.last4 = u"6789"_s;
    QTest::newRow("us_bank_account") << bank << u"STRIPE TEST BANK \u2022\u2022\u2022\u2022 6789"_s;
    bank.bankAccount.bankName.clear();
    QTest::newRow("us_bank_account without bank") << bank << u"Bank account \u2022\u2022\u2022\u2022 6789"_s;

    PaymentMethod sepa;
    sepa.type = PaymentMethodType::SepaDebit;
    sepa.bankAccount.last4 = u"3000"_s;
    QTest::newRow("sepa_debit") << sepa << u"SEPA Direct Debit \u2022\u2022\u2022\u2022 3000"_s;

    PaymentMethod klarna;
    klarna.type = PaymentMethodType::Klarna;
    QTest::newRow("klarna") << klarna << u"Klarna"_s;
    QTest::newRow("unknown type") << PaymentMethod() << u"Payment method"_s;
}

void tst_ValueTypes::paymentMethodDisplayName()
{
    QFETCH(PaymentMethod, method);
    QFETCH(QString, name);

    QCOMPARE(method.displayName(), name);
}

void tst_ValueTypes::paymentMethodIsExpired_data()
{
    QTest::addColumn<PaymentMethod>("method");
    QTest::addColumn<QDate>("today");
    QTest::addColumn<bool>("expired");

    const PaymentMethod aug2030 = card(CardBrand::Visa, u"4242"_s, 8, 2030);
    QTest::newRow("years before") << aug2030 << QDate(2025, 1, 1) << false;
    QTest::newRow("first day of expiry month") << aug2030 << QDate(2030, 8, 1) << false;
    QTest::newRow("last day of expiry month") << aug2030 << QDate(2030, 8, 31) << false;
    QTest::newRow("first day after") << aug2030 << QDate(2030, 9, 1) << true;
    QTest::newRow("next year, earlier month") << aug2030 << QDate(2031, 2, 1) << true;
    QTest::newRow("earlier month, same year") << aug2030 << QDate(2030, 7, 31) << false;

    const PaymentMethod dec2029 = card(CardBrand::Visa, u"4242"_s, 12, 2029);
    QTest::newRow("december, last day") << dec2029 << QDate(2029, 12, 31) << false;
    QTest::newRow("december, new year") << dec2029 << QDate(2030, 1, 1) << true;

    QTest::newRow("invalid today") << aug2030 << QDate() << false;
    QTest::newRow("unknown expiry") << card(CardBrand::Visa, u"4242"_s, 0, 0) << QDate(2030, 1, 1) << false;
    QTest::newRow("bad month") << card(CardBrand::Visa, u"4242"_s, 13, 2020) << QDate(2030, 1, 1) << false;

    PaymentMethod present;
    present.type = PaymentMethodType::CardPresent;
    present.cardPresent.expMonth = 3;
    present.cardPresent.expYear = 2024;
    QTest::newRow("card_present expired") << present << QDate(2024, 4, 1) << true;
    QTest::newRow("card_present valid") << present << QDate(2024, 3, 31) << false;

    // The card sub-struct is only read for type card: a stale expiry left in it does not count.
    PaymentMethod paypal = card(CardBrand::Visa, u"4242"_s, 1, 2000);
    paypal.type = PaymentMethodType::Paypal;
    QTest::newRow("paypal never expires") << paypal << QDate(2030, 1, 1) << false;
}

void tst_ValueTypes::paymentMethodIsExpired()
{
    QFETCH(PaymentMethod, method);
    QFETCH(QDate, today);
    QFETCH(bool, expired);

    QCOMPARE(method.isExpired(today), expired);
}

void tst_ValueTypes::paymentIsFinal_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("final");

    QTest::newRow("unknown") << static_cast<int>(PaymentIntentStatus::Unknown) << false;
    QTest::newRow("requires_payment_method")
        << static_cast<int>(PaymentIntentStatus::RequiresPaymentMethod) << false;
    QTest::newRow("requires_confirmation")
        << static_cast<int>(PaymentIntentStatus::RequiresConfirmation) << false;
    QTest::newRow("requires_action") << static_cast<int>(PaymentIntentStatus::RequiresAction) << false;
    QTest::newRow("processing") << static_cast<int>(PaymentIntentStatus::Processing) << false;
    QTest::newRow("requires_capture") << static_cast<int>(PaymentIntentStatus::RequiresCapture) << false;
    QTest::newRow("canceled") << static_cast<int>(PaymentIntentStatus::Canceled) << true;
    QTest::newRow("succeeded") << static_cast<int>(PaymentIntentStatus::Succeeded) << true;
}

void tst_ValueTypes::paymentIsFinal()
{
    QFETCH(int, status);
    QFETCH(bool, final);

    Payment payment;
    payment.status = static_cast<PaymentIntentStatus>(status);
    QCOMPARE(payment.isFinal(), final);
}

void tst_ValueTypes::chargeAmountRefundable_data()
{
    QTest::addColumn<Money>("captured");
    QTest::addColumn<Money>("refunded");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<Money>("refundable");

    const auto usd = [](qint64 minor) { return test::money(minor, "usd"); };
    QTest::newRow("nothing refunded") << usd(1000) << usd(0) << true << usd(1000);
    QTest::newRow("partly refunded") << usd(1000) << usd(250) << true << usd(750);
    QTest::newRow("fully refunded") << usd(1000) << usd(1000) << true << usd(0);
    QTest::newRow("uncaptured, released") << usd(0) << usd(1000) << true << usd(0);
    QTest::newRow("currency mismatch") << usd(1000) << test::money(0, "eur") << false << Money();
}

void tst_ValueTypes::chargeAmountRefundable()
{
    QFETCH(Money, captured);
    QFETCH(Money, refunded);
    QFETCH(bool, valid);
    QFETCH(Money, refundable);

    Charge charge;
    charge.amount = captured;
    charge.amountCaptured = captured;
    charge.amountRefunded = refunded;
    const std::optional<Money> result = charge.amountRefundable();
    QCOMPARE(result.has_value(), valid);
    if (result)
        QCOMPARE(*result, refundable);
}

void tst_ValueTypes::customerDisplayName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("phone");
    QTest::addColumn<QString>("expected");

    QTest::newRow("name") << u"Jenny Rosen"_s << u"jenny@example.com"_s << u"+15555555555"_s
                          << u"Jenny Rosen"_s;
    QTest::newRow("email") << QString() << u"jenny@example.com"_s << u"+15555555555"_s
                           << u"jenny@example.com"_s;
    QTest::newRow("blank name") << u"  "_s << u"jenny@example.com"_s << QString() << u"jenny@example.com"_s;
    QTest::newRow("phone") << QString() << QString() << u"+15555555555"_s << u"+15555555555"_s;
    QTest::newRow("id") << QString() << QString() << QString() << u"cus_123"_s;
}

void tst_ValueTypes::customerDisplayName()
{
    QFETCH(QString, name);
    QFETCH(QString, email);
    QFETCH(QString, phone);
    QFETCH(QString, expected);

    Customer customer;
    customer.id = u"cus_123"_s;
    customer.name = name;
    customer.email = email;
    customer.phone = phone;
    QCOMPARE(customer.displayName(), expected);
}

void tst_ValueTypes::equality()
{
    Payment a;
    a.id = u"pi_1"_s;
    a.amount = test::money(1099, "usd");
    a.status = PaymentIntentStatus::RequiresCapture;
    a.metadata.insert(u"order"_s, u"42"_s);
    a.created = QDateTime::fromSecsSinceEpoch(1234567890, Qt::UTC);
    Payment b = a;
    QVERIFY(a == b);
    b.metadata.insert(u"order"_s, u"43"_s);
    QVERIFY(a != b);
    b = a;
    b.lastPaymentError.declineCode = u"insufficient_funds"_s;
    QVERIFY(a != b);
    QVERIFY(a.lastPaymentError.isEmpty());
    QVERIFY(!b.lastPaymentError.isEmpty());
    b = a;
    b.amount = test::money(1099, "eur");
    QVERIFY(a != b);
    QCOMPARE(a.currency(), test::currency("usd"));

    Refund r1;
    r1.id = u"re_1"_s;
    r1.amount = test::money(100, "usd");
    Refund r2 = r1;
    QVERIFY(r1 == r2);
    QCOMPARE(r1.reason, RefundReason::None);
    r2.status = RefundStatus::Failed;
    QVERIFY(r1 != r2);

    Charge c1;
    c1.paymentMethodDetails.last4 = u"4242"_s;
    Charge c2 = c1;
    QVERIFY(c1 == c2);
    c2.outcome.networkStatus = u"approved_by_network"_s;
    QVERIFY(c1 != c2);

    const PaymentMethod pm1 = card(CardBrand::Visa, u"4242"_s);
    PaymentMethod pm2 = pm1;
    QVERIFY(pm1 == pm2);
    pm2.card.expYear = 2031;
    QVERIFY(pm1 != pm2);

    Customer cu1;
    cu1.id = u"cus_1"_s;
    Customer cu2 = cu1;
    QVERIFY(cu1 == cu2);
    cu2.deleted = true;
    QVERIFY(cu1 != cu2);

    // Records are plain values.
    static_assert(std::is_nothrow_move_constructible_v<Payment>);
    static_assert(std::is_copy_assignable_v<Charge>);
    static_assert(std::is_default_constructible_v<PaymentMethod>);
}

QTEST_GUILESS_MAIN(tst_ValueTypes)
#include "tst_valuetypes.moc"
