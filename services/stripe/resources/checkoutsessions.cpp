#include "services/stripe/resources/checkoutsessions.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest CheckoutSessions::createPayment(const PaymentParams &p, const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"mode"_s, u"payment"_s);
    params.add(u"line_items[0][price_data][currency]"_s, p.amount.currency().code());
    params.add(u"line_items[0][price_data][unit_amount]"_s, p.amount.minorUnits());
    params.add(u"line_items[0][price_data][product_data][name]"_s,
               p.itemName.isEmpty() ? u"Purchase"_s : p.itemName);
    params.add(u"line_items[0][quantity]"_s, 1);
    params.addList(u"payment_method_types"_s, {u"card"_s});
    params.addIfSet(u"customer"_s, p.customerId);
    params.add(u"success_url"_s, p.successUrl);
    params.addIfSet(u"cancel_url"_s, p.cancelUrl);
    params.addMap(u"metadata"_s, p.metadata);
    params.addMap(u"payment_intent_data[metadata]"_s, p.metadata);
    if (p.expiresAt > 0)
        params.add(u"expires_at"_s, p.expiresAt);
    return StripeRequest::post(u"/v1/checkout/sessions"_s, params, idempotencyKey);
}

StripeRequest CheckoutSessions::createSetup(const QString &customerId, const QString &currency,
                                            const QString &successUrl, const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"mode"_s, u"setup"_s);
    params.add(u"customer"_s, customerId);
    params.addIfSet(u"currency"_s, currency);
    params.addList(u"payment_method_types"_s, {u"card"_s});
    params.add(u"success_url"_s, successUrl);
    return StripeRequest::post(u"/v1/checkout/sessions"_s, params, idempotencyKey);
}

StripeRequest CheckoutSessions::retrieve(const QString &id)
{
    return StripeRequest::get(StripeRequest::resourcePath(u"/v1/checkout/sessions"_s, id));
}

StripeRequest CheckoutSessions::expire(const QString &id, const QString &idempotencyKey)
{
    return StripeRequest::post(StripeRequest::resourcePath(u"/v1/checkout/sessions"_s, id, u"/expire"_s), {},
                               idempotencyKey);
}
} // namespace kassa::stripe
