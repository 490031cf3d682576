#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;
class Customers;
class PaymentMethods;

// /v1/setup_intents: save a card for later (create, retrieve, update, list, confirm, cancel), as
// Checkout in setup mode and readers (process_setup_intent) use them.
class SetupIntents
{
public:
    SetupIntents(SimContext &context, PaymentMethods &paymentMethods, Customers &customers);
    void registerRoutes(Router &router);

    QJsonObject newIntent(const QString &customerId, const QJsonArray &paymentMethodTypes);
    // Sets the PaymentMethod up: attaches it to the intent's customer, or asks for 3-D Secure.
    ApiReply confirmWith(QJsonObject setupIntent, const QJsonObject &paymentMethod, bool authenticated);
    ApiReply completeAuthentication(const QString &setupIntentId, bool success);

private:
    ApiReply create(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply update(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    ApiReply confirm(const ApiCall &call);
    ApiReply cancel(const ApiCall &call);

    SimContext &m_context;
    PaymentMethods &m_paymentMethods;
    Customers &m_customers;
};

} // namespace kassa::sim
