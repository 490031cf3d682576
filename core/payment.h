// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/capturemethod.h"
#include "core/money.h"
#include "core/paymentintentstatus.h"

#include <QDateTime>
#include <QMap>
#include <QString>

namespace kassa {

// A payment: Stripe's PaymentIntent, as the till keeps it. A plain value; reading it from JSON is the
// services layer's job. Every Money is in the PaymentIntent's currency. Times are UTC; a null QDateTime
// means Stripe sent null.
struct Payment
{
    // PaymentIntent.last_payment_error: why the last attempt failed (a decline puts the intent back to
    // requires_payment_method with this filled in).
    struct LastError
    {
        QString type;        // card_error, invalid_request_error, ...
        QString code;        // card_declined, expired_card, ...
        QString declineCode; // generic_decline, insufficient_funds, ...
        QString message;     // Stripe's message, safe to show the cashier

        bool isEmpty() const
        {
            return type.isEmpty() && code.isEmpty() && declineCode.isEmpty() && message.isEmpty();
        }
        friend bool operator==(const LastError &, const LastError &) = default;
    };

    QString id; // pi_...
    Money amount;
    Money amountReceived;
    Money amountCapturable;
    PaymentIntentStatus status = PaymentIntentStatus::Unknown;
    CaptureMethod captureMethod = CaptureMethod::Unknown;
    QString customerId;      // cus_..., empty if none
    QString paymentMethodId; // pm_..., empty if none
    QString latestChargeId;  // ch_..., empty if none
    QString description;
    QMap<QString, QString> metadata;
    QDateTime created;          // UTC
    QDateTime canceledAt;       // UTC; null unless canceled
    QString cancellationReason; // abandoned, automatic, duplicate, fraudulent, requested_by_customer, ...
    LastError lastPaymentError;
    bool livemode = false;

    Currency currency() const { return amount.currency(); }
    // Succeeded or canceled: Stripe will not move it to another status.
    bool isFinal() const;

    friend bool operator==(const Payment &, const Payment &) = default;
};

} // namespace kassa
