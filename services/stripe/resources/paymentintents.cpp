#include "services/stripe/resources/paymentintents.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {
const auto Collection = u"/v1/payment_intents"_s;
}

StripeRequest PaymentIntents::create(const CreateParams &p, const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"amount"_s, p.amount.minorUnits());
    params.add(u"currency"_s, p.amount.currency().code());
    params.addList(u"payment_method_types"_s, p.paymentMethodTypes);
    params.addIfSet(u"customer"_s, p.customerId);
    params.addIfSet(u"payment_method"_s, p.paymentMethodId);
    if (p.captureMethod == CaptureMethod::Manual)
        params.add(u"capture_method"_s, u"manual"_s);
    params.addIfSet(u"description"_s, p.description);
    params.addIfSet(u"receipt_email"_s, p.receiptEmail);
    params.addMap(u"metadata"_s, p.metadata);
    if (p.confirm) {
        params.add(u"confirm"_s, true);
        params.addIfSet(u"return_url"_s, p.returnUrl);
        if (p.errorOnRequiresAction)
            params.add(u"error_on_requires_action"_s, true);
    }
    for (const QString &path : p.expand)
        params.expand(path);
    return StripeRequest::post(Collection, params, idempotencyKey);
}

StripeRequest PaymentIntents::retrieve(const QString &id, const QStringList &expand)
{
    StripeParams params;
    for (const QString &path : expand)
        params.expand(path);
    return StripeRequest::get(StripeRequest::resourcePath(Collection, id), params);
}

StripeRequest PaymentIntents::update(const QString &id, const UpdateParams &p, const QString &idempotencyKey)
{
    StripeParams params;
    if (p.amount) {
        params.add(u"amount"_s, p.amount->minorUnits());
        params.add(u"currency"_s, p.amount->currency().code());
    }
    params.addIfSet(u"description"_s, p.description);
    params.addIfSet(u"customer"_s, p.customerId);
    params.addIfSet(u"payment_method"_s, p.paymentMethodId);
    params.addMap(u"metadata"_s, p.metadata);
    return StripeRequest::post(StripeRequest::resourcePath(Collection, id), params, idempotencyKey);
}

StripeRequest PaymentIntents::confirm(const QString &id, const QString &paymentMethodId,
                                      const QString &returnUrl, const QString &idempotencyKey)
{
    StripeParams params;
    params.addIfSet(u"payment_method"_s, paymentMethodId);
    params.addIfSet(u"return_url"_s, returnUrl);
    return StripeRequest::post(StripeRequest::resourcePath(Collection, id, u"/confirm"_s), params,
                               idempotencyKey);
}

StripeRequest PaymentIntents::capture(const QString &id, std::optional<qint64> amountToCapture,
                                      const QString &idempotencyKey)
{
    StripeParams params;
    if (amountToCapture)
        params.add(u"amount_to_capture"_s, *amountToCapture);
    return StripeRequest::post(StripeRequest::resourcePath(Collection, id, u"/capture"_s), params,
                               idempotencyKey);
}

StripeRequest PaymentIntents::cancel(const QString &id, const QString &reason, const QString &idempotencyKey)
{
    StripeParams params;
    params.addIfSet(u"cancellation_reason"_s, reason);
    return StripeRequest::post(StripeRequest::resourcePath(Collection, id, u"/cancel"_s), params,
                               idempotencyKey);
}

StripeRequest PaymentIntents::list(const ListParams &p)
{
    StripeParams params;
    params.add(u"limit"_s, p.limit);
    params.addIfSet(u"customer"_s, p.customerId);
    if (p.createdGte > 0)
        params.add(u"created[gte]"_s, p.createdGte);
    if (p.createdLt > 0)
        params.add(u"created[lt]"_s, p.createdLt);
    params.addIfSet(u"starting_after"_s, p.startingAfter);
    for (const QString &path : p.expand)
        params.expand(path);
    return StripeRequest::get(Collection, params);
}

StripeRequest PaymentIntents::search(const QString &query, int limit, const QString &page)
{
    StripeParams params;
    params.add(u"query"_s, query);
    params.add(u"limit"_s, limit);
    params.addIfSet(u"page"_s, page);
    return StripeRequest::get(Collection + u"/search"_s, params);
}

} // namespace kassa::stripe
