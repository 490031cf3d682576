#pragma once

#include "services/stripe/striperequest.h"

#include "core/money.h"

#include <QMap>

namespace kassa::stripe {

// Requests of /v1/checkout/sessions: a hosted payment page (shown as a QR code), or a page that saves a
// card for a customer (mode=setup).
class CheckoutSessions
{
public:
    struct PaymentParams
    {
        Money amount;
        QString itemName;
        QString customerId;
        QString successUrl;
        QString cancelUrl;
        QMap<QString, QString> metadata; // also set on the PaymentIntent
        qint64 expiresAt = 0;            // 0: Stripe's default (24 h)
    };
    static StripeRequest createPayment(const PaymentParams &params, const QString &idempotencyKey = {});
    static StripeRequest createSetup(const QString &customerId, const QString &currency,
                                     const QString &successUrl, const QString &idempotencyKey = {});
    static StripeRequest retrieve(const QString &id);
    static StripeRequest expire(const QString &id, const QString &idempotencyKey = {});
};
} // namespace kassa::stripe
