#include "services/stripe/resources/refunds.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest Refunds::create(const CreateParams &p, const QString &idempotencyKey)
{
    StripeParams params;
    params.addIfSet(u"payment_intent"_s, p.paymentIntentId);
    params.addIfSet(u"charge"_s, p.chargeId);
    if (p.amount)
        params.add(u"amount"_s, *p.amount);
    params.addIfSet(u"reason"_s, toStripe(p.reason));
    params.addMap(u"metadata"_s, p.metadata);
    return StripeRequest::post(u"/v1/refunds"_s, params, idempotencyKey);
}

StripeRequest Refunds::retrieve(const QString &id)
{
    return StripeRequest::get(StripeRequest::resourcePath(u"/v1/refunds"_s, id));
}

StripeRequest Refunds::list(const QString &paymentIntentId, int limit, const QString &startingAfter)
{
    StripeParams params;
    params.add(u"limit"_s, limit);
    params.addIfSet(u"payment_intent"_s, paymentIntentId);
    params.addIfSet(u"starting_after"_s, startingAfter);
    return StripeRequest::get(u"/v1/refunds"_s, params);
}

StripeRequest Refunds::cancel(const QString &id, const QString &idempotencyKey)
{
    return StripeRequest::post(StripeRequest::resourcePath(u"/v1/refunds"_s, id, u"/cancel"_s), {},
                               idempotencyKey);
}
} // namespace kassa::stripe
