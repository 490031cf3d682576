#include "services/stripe/resources/terminalreaders.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {
const auto Collection = u"/v1/terminal/readers"_s;
}

StripeRequest TerminalReaders::list(int limit)
{
    StripeParams params;
    params.add(u"limit"_s, limit);
    return StripeRequest::get(Collection, params);
}

StripeRequest TerminalReaders::retrieve(const QString &id)
{
    return StripeRequest::get(StripeRequest::resourcePath(Collection, id));
}

StripeRequest TerminalReaders::processPaymentIntent(const QString &readerId, const QString &paymentIntentId,
                                                    const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"payment_intent"_s, paymentIntentId);
    return StripeRequest::post(
        StripeRequest::resourcePath(Collection, readerId, u"/process_payment_intent"_s), params,
        idempotencyKey);
}

StripeRequest TerminalReaders::processSetupIntent(const QString &readerId, const QString &setupIntentId,
                                                  const QString &idempotencyKey)
{
    StripeParams params;
    params.add(u"setup_intent"_s, setupIntentId);
    params.add(u"allow_redisplay"_s, u"always"_s);
    return StripeRequest::post(StripeRequest::resourcePath(Collection, readerId, u"/process_setup_intent"_s),
                               params, idempotencyKey);
}

StripeRequest TerminalReaders::cancelAction(const QString &readerId, const QString &idempotencyKey)
{
    return StripeRequest::post(StripeRequest::resourcePath(Collection, readerId, u"/cancel_action"_s), {},
                               idempotencyKey);
}

StripeRequest TerminalReaders::presentPaymentMethod(const QString &readerId, const QString &cardNumber,
                                                    const QString &idempotencyKey)
{
    StripeParams params;
    if (!cardNumber.isEmpty()) {
        params.add(u"type"_s, u"card_present"_s);
        params.add(u"card_present[number]"_s, cardNumber);
    }
    return StripeRequest::post(StripeRequest::resourcePath(u"/v1/test_helpers/terminal/readers"_s, readerId,
                                                           u"/present_payment_method"_s),
                               params, idempotencyKey);
}
} // namespace kassa::stripe
