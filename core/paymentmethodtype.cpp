// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/paymentmethodtype.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace kassa {
namespace {

constexpr detail::StripeName<PaymentMethodType> Names[] = {
    {PaymentMethodType::Card, u"card"},
    {PaymentMethodType::CardPresent, u"card_present"},
    {PaymentMethodType::InteracPresent, u"interac_present"},
    {PaymentMethodType::Paypal, u"paypal"},
    {PaymentMethodType::Link, u"link"},
    {PaymentMethodType::SepaDebit, u"sepa_debit"},
    {PaymentMethodType::UsBankAccount, u"us_bank_account"},
    {PaymentMethodType::AcssDebit, u"acss_debit"},
    {PaymentMethodType::BacsDebit, u"bacs_debit"},
    {PaymentMethodType::AuBecsDebit, u"au_becs_debit"},
    {PaymentMethodType::Bancontact, u"bancontact"},
    {PaymentMethodType::Ideal, u"ideal"},
    {PaymentMethodType::Klarna, u"klarna"},
    {PaymentMethodType::Affirm, u"affirm"},
    {PaymentMethodType::AfterpayClearpay, u"afterpay_clearpay"},
    {PaymentMethodType::Alipay, u"alipay"},
    {PaymentMethodType::WechatPay, u"wechat_pay"},
    {PaymentMethodType::CashApp, u"cashapp"},
    {PaymentMethodType::CustomerBalance, u"customer_balance"},
};

QString tr(const char *text)
{
    return QCoreApplication::translate("kassa::PaymentMethodType", text);
}

} // namespace

template<>
PaymentMethodType fromStripe<PaymentMethodType>(QStringView text)
{
    return detail::enumFromStripe(Names, text, PaymentMethodType::Unknown);
}

QString toStripe(PaymentMethodType value)
{
    return detail::enumToStripe(Names, value);
}

QString displayName(PaymentMethodType value)
{
    switch (value) {
    case PaymentMethodType::Unknown:
        return tr("Payment method");
    case PaymentMethodType::Card:
        return tr("Card");
    case PaymentMethodType::CardPresent:
        return tr("Card (in person)");
    case PaymentMethodType::InteracPresent:
        return u"Interac"_s;
    case PaymentMethodType::Paypal:
        return u"PayPal"_s;
    case PaymentMethodType::Link:
        return u"Link"_s;
    case PaymentMethodType::SepaDebit:
        return tr("SEPA Direct Debit");
    case PaymentMethodType::UsBankAccount:
        return tr("Bank account");
    case PaymentMethodType::AcssDebit:
        return tr("Pre-authorized debit");
    case PaymentMethodType::BacsDebit:
        return tr("Bacs Direct Debit");
    case PaymentMethodType::AuBecsDebit:
        return tr("BECS Direct Debit");
    case PaymentMethodType::Bancontact:
        return u"Bancontact"_s;
    case PaymentMethodType::Ideal:
        return u"iDEAL"_s;
    case PaymentMethodType::Klarna:
        return u"Klarna"_s;
    case PaymentMethodType::Affirm:
        return u"Affirm"_s;
    case PaymentMethodType::AfterpayClearpay:
        return u"Afterpay / Clearpay"_s;
    case PaymentMethodType::Alipay:
        return u"Alipay"_s;
    case PaymentMethodType::WechatPay:
        return u"WeChat Pay"_s;
    case PaymentMethodType::CashApp:
        return u"Cash App Pay"_s;
    case PaymentMethodType::CustomerBalance:
        return tr("Customer balance");
    }
    return tr("Payment method");
}

} // namespace kassa
