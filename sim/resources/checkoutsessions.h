#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;
class Customers;
class PaymentIntents;
class PaymentMethods;
class SetupIntents;
struct TestCard;

// /v1/checkout/sessions: mode=payment (line_items with price_data) and mode=setup (for a customer);
// create, retrieve, list, expire, line_items. The hosted page (HostedPages) pays or saves a card
// through pay(); sessions expire at expires_at on the simulator's clock.
class CheckoutSessions
{
public:
    CheckoutSessions(SimContext &context, Customers &customers, PaymentIntents &paymentIntents,
                     SetupIntents &setupIntents, PaymentMethods &paymentMethods);
    void registerRoutes(Router &router);

    // What the customer did on the hosted page: returns the PaymentIntent/SetupIntent reply (a 402 on a
    // decline; requires_action when 3-D Secure is needed), or an error reply for a session that is not open.
    ApiReply pay(const QString &sessionId, const TestCard &card, const QString &email);
    // Completes the session of an intent that has just succeeded (after 3-D Secure).
    void intentSucceeded(const QString &intentId);
    QList<QJsonObject> lineItems(const QString &sessionId) const;

private:
    ApiReply create(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    ApiReply expire(const ApiCall &call);
    ApiReply lineItemsRoute(const ApiCall &call);
    void expireSession(QJsonObject session);
    void complete(QJsonObject session);

    SimContext &m_context;
    Customers &m_customers;
    PaymentIntents &m_paymentIntents;
    SetupIntents &m_setupIntents;
    PaymentMethods &m_paymentMethods;
};

} // namespace kassa::sim
