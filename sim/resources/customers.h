#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;
class PaymentMethods;

// /v1/customers: create, retrieve, update (incl. invoice_settings[default_payment_method]), delete,
// list, search, and the customer's payment methods.
class Customers
{
public:
    Customers(SimContext &context, PaymentMethods &paymentMethods);
    void registerRoutes(Router &router);

    // The live (not deleted) customer or empty.
    QJsonObject find(const QString &id) const;

private:
    ApiReply create(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply update(const ApiCall &call);
    ApiReply remove(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    ApiReply search(const ApiCall &call);
    ApiReply paymentMethods(const ApiCall &call);
    std::optional<ApiReply> applyCommon(QJsonObject &customer, const ApiCall &call, QJsonObject *previous);

    SimContext &m_context;
    PaymentMethods &m_paymentMethods;
};

} // namespace kassa::sim
