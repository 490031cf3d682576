// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/cardbrand.h"
#include "core/paymentmethodtype.h"

#include <QDate>
#include <QDateTime>
#include <QMap>
#include <QString>

namespace kassa {

// A saved or presented way to pay (Stripe's PaymentMethod). A plain value. Only the sub-struct that
// matches `type` is filled in; the others stay empty. Never more of a card number than its last four
// digits.
struct PaymentMethod
{
    struct Card // type card
    {
        CardBrand brand = CardBrand::Unknown;
        CardBrand displayBrand =
            CardBrand::Unknown; // display_brand: the brand the customer chose, if co-badged
        QString last4;
        int expMonth = 0;   // 1-12, 0 if unknown
        int expYear = 0;    // four digits, 0 if unknown
        QString funding;    // credit, debit, prepaid, unknown
        QString country;    // ISO 3166-1 alpha-2 of the issuer
        QString walletType; // wallet.type: apple_pay, google_pay, link, ...; empty if none

        friend bool operator==(const Card &, const Card &) = default;
    };
    struct CardPresent // type card_present and interac_present
    {
        CardBrand brand = CardBrand::Unknown;
        QString last4;
        int expMonth = 0;
        int expYear = 0;
        QString readMethod; // contactless_emv, contact_emv, magnetic_stripe_track2, ...

        friend bool operator==(const CardPresent &, const CardPresent &) = default;
    };
    struct Paypal // type paypal
    {
        QString payerEmail;
        friend bool operator==(const Paypal &, const Paypal &) = default;
    };
    struct Link // type link
    {
        QString email;
        friend bool operator==(const Link &, const Link &) = default;
    };
    struct BankAccount // sepa_debit, us_bank_account, acss_debit, bacs_debit, au_becs_debit
    {
        QString bankName; // us_bank_account.bank_name, acss_debit.bank_name; empty if Stripe gives none
        QString last4;
        friend bool operator==(const BankAccount &, const BankAccount &) = default;
    };
    struct BillingDetails
    {
        QString name;
        QString email;
        QString phone;
        friend bool operator==(const BillingDetails &, const BillingDetails &) = default;
    };

    QString id; // pm_...
    PaymentMethodType type = PaymentMethodType::Unknown;
    QString customerId; // cus_..., empty if not attached
    QMap<QString, QString> metadata;
    QDateTime created; // UTC
    bool livemode = false;
    Card card;
    CardPresent cardPresent;
    Paypal paypal;
    Link link;
    BankAccount bankAccount;
    BillingDetails billingDetails;

    // "Visa •••• 4242", "Interac •••• 1234", "PayPal (jenny@example.com)", "STRIPE TEST BANK •••• 6789",
    // "SEPA Direct Debit •••• 3000", "Card" when nothing more is known.
    QString displayName() const;
    // True when the card's expiry month (cards are valid through the end of it) is before `today`'s
    // month. False for methods without an expiry date, unknown expiry, or an invalid `today`.
    bool isExpired(QDate today) const;

    friend bool operator==(const PaymentMethod &, const PaymentMethod &) = default;
};

} // namespace kassa
