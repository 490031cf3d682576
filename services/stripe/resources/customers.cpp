#include "services/stripe/resources/customers.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

StripeParams customerParams(const Customers::Params &p)
{
    StripeParams params;
    params.addIfSet(u"name"_s, p.name);
    params.addIfSet(u"email"_s, p.email);
    params.addIfSet(u"phone"_s, p.phone);
    params.addIfSet(u"description"_s, p.description);
    params.addIfSet(u"invoice_settings[default_payment_method]"_s, p.defaultPaymentMethodId);
    params.addMap(u"metadata"_s, p.metadata);
    return params;
}

} // namespace

StripeRequest Customers::create(const Params &params, const QString &idempotencyKey)
{
    return StripeRequest::post(u"/v1/customers"_s, customerParams(params), idempotencyKey);
}

StripeRequest Customers::retrieve(const QString &id)
{
    return StripeRequest::get(StripeRequest::resourcePath(u"/v1/customers"_s, id));
}

StripeRequest Customers::update(const QString &id, const Params &params, const QString &idempotencyKey)
{
    return StripeRequest::post(StripeRequest::resourcePath(u"/v1/customers"_s, id), customerParams(params),
                               idempotencyKey);
}

StripeRequest Customers::setDefaultPaymentMethod(const QString &id, const QString &paymentMethodId,
                                                 const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"invoice_settings[default_payment_method]"_s, paymentMethodId);
    return StripeRequest::post(StripeRequest::resourcePath(u"/v1/customers"_s, id), params, idempotencyKey);
}

StripeRequest Customers::remove(const QString &id)
{
    return StripeRequest::del(StripeRequest::resourcePath(u"/v1/customers"_s, id));
}

StripeRequest Customers::list(const QString &email, int limit, const QString &startingAfter)
{
    StripeParams params;
    params.add(u"limit"_s, limit);
    params.addIfSet(u"email"_s, email);
    params.addIfSet(u"starting_after"_s, startingAfter);
    return StripeRequest::get(u"/v1/customers"_s, params);
}

StripeRequest Customers::search(const QString &query, int limit, const QString &page)
{
    StripeParams params;
    params.add(u"query"_s, query);
    params.add(u"limit"_s, limit);
    params.addIfSet(u"page"_s, page);
    return StripeRequest::get(u"/v1/customers/search"_s, params);
}
} // namespace kassa::stripe
