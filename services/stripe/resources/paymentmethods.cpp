#include "services/stripe/resources/paymentmethods.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest PaymentMethods::retrieve(const QString &id)
{
    return StripeRequest::get(StripeRequest::resourcePath(u"/v1/payment_methods"_s, id));
}

StripeRequest PaymentMethods::attach(const QString &idOrToken, const QString &customerId,
                                     const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"customer"_s, customerId);
    return StripeRequest::post(StripeRequest::resourcePath(u"/v1/payment_methods"_s, idOrToken, u"/attach"_s),
                               params, idempotencyKey);
}

StripeRequest PaymentMethods::detach(const QString &id, const QString &idempotencyKey)
{
    return StripeRequest::post(StripeRequest::resourcePath(u"/v1/payment_methods"_s, id, u"/detach"_s), {},
                               idempotencyKey);
}

StripeRequest PaymentMethods::list(const QString &customerId, const QString &type, int limit,
                                   const QString &startingAfter)
{
    StripeParams params;
    params.add(u"limit"_s, limit);
    params.addIfSet(u"type"_s, type);
    params.addIfSet(u"starting_after"_s, startingAfter);
    return StripeRequest::get(
        StripeRequest::resourcePath(u"/v1/customers"_s, customerId, u"/payment_methods"_s), params);
}
} // namespace kassa::stripe
