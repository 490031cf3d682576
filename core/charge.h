// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/cardbrand.h"
#include "core/chargestatus.h"
#include "core/money.h"
#include "core/paymentmethodtype.h"

#include <QDateTime>
#include <QString>
#include <QUrl>

#include <optional>

namespace kassa {

// A charge: one attempt to move money for a PaymentIntent (Payment::latestChargeId). A plain value.
// Every Money is in the charge's currency. Only the last four digits of a card are kept.
struct Charge
{
    // Charge.outcome: what the card network and Stripe's risk checks said.
    struct Outcome
    {
        QString type;          // authorized, issuer_declined, blocked, ...
        QString networkStatus; // approved_by_network, declined_by_network, not_sent_to_network, ...
        QString sellerMessage; // an explanation meant for the merchant
        QString reason;        // e.g. highest_risk_level, generic_decline
        QString riskLevel;     // normal, elevated, highest

        friend bool operator==(const Outcome &, const Outcome &) = default;
    };

    // A summary of Charge.payment_method_details, enough for a receipt and the transactions list.
    struct PaymentMethodDetails
    {
        PaymentMethodType type = PaymentMethodType::Unknown;
        CardBrand brand = CardBrand::Unknown; // card, card_present, interac_present
        QString last4;
        int expMonth = 0;   // 1-12, 0 if unknown
        int expYear = 0;    // four digits, 0 if unknown
        QString walletType; // card.wallet.type: apple_pay, google_pay, link, ...; empty if none
        QString readMethod; // card_present.read_method: contactless_emv, contact_emv, ...

        friend bool operator==(const PaymentMethodDetails &, const PaymentMethodDetails &) = default;
    };

    QString id;              // ch_...
    QString paymentIntentId; // pi_..., empty if none
    QString customerId;
    QString paymentMethodId;
    Money amount;
    Money amountCaptured;
    Money amountRefunded;
    bool refunded = false; // fully refunded
    bool captured = false;
    bool paid = false;
    bool disputed = false;
    ChargeStatus status = ChargeStatus::Unknown;
    QString failureCode;
    QString failureMessage;
    Outcome outcome;
    QUrl receiptUrl;
    PaymentMethodDetails paymentMethodDetails;
    QDateTime created; // UTC
    bool livemode = false;

    Currency currency() const { return amount.currency(); }
    // What can still be refunded: amountCaptured - amountRefunded, never below zero (an uncaptured
    // charge has nothing to refund: cancel its PaymentIntent instead). std::nullopt when the amounts'
    // currencies do not match.
    std::optional<Money> amountRefundable() const;

    friend bool operator==(const Charge &, const Charge &) = default;
};

} // namespace kassa
