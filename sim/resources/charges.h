#pragma once

#include "sim/router.h"
#include "sim/testcards.h"

namespace kassa::sim {

class SimContext;

// /v1/charges (retrieve, list, search) and the making of charges when a PaymentIntent is confirmed.
class Charges
{
public:
    explicit Charges(SimContext &context);
    void registerRoutes(Router &router);

    struct Outcome
    {
        bool succeeded = true;
        QString errorCode;   // card_declined, expired_card, ...
        QString declineCode; // generic_decline, insufficient_funds, ...
        bool threeDSecureAuthenticated = false;
    };
    // A new charge for the PaymentIntent paid with the PaymentMethod; stored, no events emitted.
    QJsonObject create(const QJsonObject &paymentIntent, const QJsonObject &paymentMethod,
                       const Outcome &outcome);

private:
    ApiReply retrieve(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    ApiReply search(const ApiCall &call);

    SimContext &m_context;
};

} // namespace kassa::sim
