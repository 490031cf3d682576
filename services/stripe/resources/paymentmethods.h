#pragma once

#include "services/stripe/striperequest.h"

namespace kassa::stripe {

// Requests of /v1/payment_methods and a customer's saved methods.
class PaymentMethods
{
public:
    static StripeRequest retrieve(const QString &id);
    // idOrToken may be a test token such as pm_card_visa (test mode).
    static StripeRequest attach(const QString &idOrToken, const QString &customerId,
                                const QString &idempotencyKey = {});
    static StripeRequest detach(const QString &id, const QString &idempotencyKey = {});
    // type empty: every type.
    static StripeRequest list(const QString &customerId, const QString &type = {}, int limit = 100,
                              const QString &startingAfter = {});
};
} // namespace kassa::stripe
