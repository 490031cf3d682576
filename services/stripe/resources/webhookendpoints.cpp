#include "services/stripe/resources/webhookendpoints.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest WebhookEndpoints::create(const QString &url, const QStringList &enabledEvents,
                                       const QString &description, const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"url"_s, url);
    params.addList(u"enabled_events"_s, enabledEvents);
    params.addIfSet(u"description"_s, description);
    return StripeRequest::post(u"/v1/webhook_endpoints"_s, params, idempotencyKey);
}

StripeRequest WebhookEndpoints::list(int limit)
{
    StripeParams params;
    params.add(u"limit"_s, limit);
    return StripeRequest::get(u"/v1/webhook_endpoints"_s, params);
}

StripeRequest WebhookEndpoints::remove(const QString &id)
{
    return StripeRequest::del(StripeRequest::resourcePath(u"/v1/webhook_endpoints"_s, id));
}
} // namespace kassa::stripe
