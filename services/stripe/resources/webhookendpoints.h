#pragma once

#include "services/stripe/striperequest.h"

namespace kassa::stripe {

// Requests of /v1/webhook_endpoints.
class WebhookEndpoints
{
public:
    // The answer carries the endpoint's whsec_ secret; it is the only time Stripe shows it.
    static StripeRequest create(const QString &url, const QStringList &enabledEvents,
                                const QString &description = {}, const QString &idempotencyKey = {});
    static StripeRequest list(int limit = 100);
    static StripeRequest remove(const QString &id);
};
} // namespace kassa::stripe
