#pragma once

#include "services/stripe/stripeparams.h"

#include <QString>

namespace kassa::stripe {

// One call to Stripe as a value: what to send, not how.
struct StripeRequest
{
    enum class Method { Get, Post, Delete };

    Method method = Method::Get;
    QString path; // "/v1/payment_intents/pi_123/confirm"; ids are percent-encoded by the builder
    StripeParams params;
    // POSTs always carry one: the caller's (the outbox passes its own), or a new UUID v4. Every retry
    // of this request sends the same key.
    QString idempotencyKey;
    int timeoutMs = 0; // 0: the client's default

    static StripeRequest get(const QString &path, const StripeParams &params = {});
    static StripeRequest post(const QString &path, const StripeParams &params = {},
                              const QString &idempotencyKey = {});
    static StripeRequest del(const QString &path, const StripeParams &params = {});
    // "/v1/payment_intents/" + encoded id + suffix
    static QString resourcePath(const QString &collection, const QString &id, const QString &suffix = {});
    static QString methodName(Method method);
};

} // namespace kassa::stripe
