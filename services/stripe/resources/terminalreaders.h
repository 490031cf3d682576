#pragma once

#include "services/stripe/striperequest.h"

namespace kassa::stripe {

// Requests of /v1/terminal/readers (server-driven Terminal) and its test helper.
class TerminalReaders
{
public:
    static StripeRequest list(int limit = 100);
    static StripeRequest retrieve(const QString &id);
    static StripeRequest processPaymentIntent(const QString &readerId, const QString &paymentIntentId,
                                              const QString &idempotencyKey = {});
    static StripeRequest processSetupIntent(const QString &readerId, const QString &setupIntentId,
                                            const QString &idempotencyKey = {});
    static StripeRequest cancelAction(const QString &readerId, const QString &idempotencyKey = {});
    // Test mode: taps a card on a simulated reader. cardNumber empty: the default test card.
    static StripeRequest presentPaymentMethod(const QString &readerId, const QString &cardNumber = {},
                                              const QString &idempotencyKey = {});
};
} // namespace kassa::stripe
