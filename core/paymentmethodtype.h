// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/stripeenum.h"

namespace kassa {

// The type of a PaymentMethod (and of a Charge's payment_method_details). Types a till meets in person
// or on file; every other Stripe type reads as Unknown.
enum class PaymentMethodType {
    Unknown,
    Card,             // card
    CardPresent,      // card_present (Terminal)
    InteracPresent,   // interac_present (Terminal, Canada)
    Paypal,           // paypal
    Link,             // link
    SepaDebit,        // sepa_debit
    UsBankAccount,    // us_bank_account
    AcssDebit,        // acss_debit
    BacsDebit,        // bacs_debit
    AuBecsDebit,      // au_becs_debit
    Bancontact,       // bancontact
    Ideal,            // ideal
    Klarna,           // klarna
    Affirm,           // affirm
    AfterpayClearpay, // afterpay_clearpay
    Alipay,           // alipay
    WechatPay,        // wechat_pay
    CashApp,          // cashapp
    CustomerBalance,  // customer_balance
};

template<>
PaymentMethodType fromStripe<PaymentMethodType>(QStringView text);
QString toStripe(PaymentMethodType value);
// "Card", "PayPal", "SEPA Direct Debit": for lists and receipts. Brand names are not translated; generic
// names ("Card", "Bank account", "Payment method") are.
QString displayName(PaymentMethodType value);

} // namespace kassa
