#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;
class PaymentMethods;

// /v1/refunds: by payment_intent or charge; amount defaults to what is left; over-refund and
// already-refunded errors; pending -> succeeded (pm_card_pendingRefund) and succeeded -> failed
// (pm_card_refundFail) as jobs on the simulator's clock.
class Refunds
{
public:
    Refunds(SimContext &context, PaymentMethods &paymentMethods);
    void registerRoutes(Router &router);

    // Seconds after which a pending refund settles, or a failing refund fails.
    static constexpr qint64 TransitionDelaySeconds = 5;

private:
    ApiReply create(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply update(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    ApiReply cancel(const ApiCall &call);
    void settle(const QString &refundId);
    void fail(const QString &refundId);

    SimContext &m_context;
    PaymentMethods &m_paymentMethods;
};

} // namespace kassa::sim
