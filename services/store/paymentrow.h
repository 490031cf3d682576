// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/cardbrand.h"
#include "core/money.h"
#include "core/paymentintentstatus.h"

#include <QDateTime>
#include <QString>

namespace kassa::store {

// One payment as the transactions list shows it: a PaymentIntent's columns in the store, including what
// is denormalised from its customer, latest charge and refunds. The full object is
// PaymentRepository::rawJson(). Every Money is in the payment's currency.
struct PaymentRow
{
    QString id;     // pi_...
    QString status; // Stripe's text, also for statuses this version does not know
    Money amount;
    Money amountReceived;
    Money amountCapturable;
    Money amountRefunded; // the latest charge's amount_refunded, or the sum of live refunds if more
    qint64 created = 0;   // Unix seconds
    QString customerId;
    QString customerName;  // from the customer record, when the store holds it
    QString customerEmail; // idem
    QString description;
    QString orderRef; // metadata.order_ref
    QString till;     // metadata.kassa_till
    QString cashier;  // metadata.kassa_cashier
    QString paymentMethodId;
    QString cardBrand; // Stripe's brand text ("visa"); from the latest charge, else the payment method
    QString cardLast4;
    QString latestChargeId;
    QString captureMethod;
    QString errorCode; // last_payment_error.code of the last failed attempt: card_declined, expired_card, ...
    QString declineCode; // last_payment_error.decline_code: insufficient_funds, generic_decline, ...
    bool livemode = false;
    qint64 observedAt = 0; // see ObjectVersion
    qint64 updatedAt = 0;  // when the store last changed this row (local clock)

    PaymentIntentStatus statusValue() const { return fromStripe<PaymentIntentStatus>(status); }
    CardBrand cardBrandValue() const { return fromStripe<CardBrand>(cardBrand); }
    QDateTime createdAt() const; // UTC

    friend bool operator==(const PaymentRow &, const PaymentRow &) = default;
};

} // namespace kassa::store
