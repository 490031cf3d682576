#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;
class Charges;
class Customers;
class PaymentMethods;

// /v1/payment_intents: create (with or without confirm), retrieve, update, confirm, capture incl.
// partial amount_to_capture, cancel, list, search; 3-D Secure through next_action.redirect_to_url.
class PaymentIntents
{
public:
    PaymentIntents(SimContext &context, PaymentMethods &paymentMethods, Charges &charges,
                   Customers &customers);
    void registerRoutes(Router &router);

    struct ConfirmOptions
    {
        QString returnUrl;
        bool errorOnRequiresAction = false;
        bool authenticated = false; // 3-D Secure already passed
        QString forcedDeclineCode;  // a reader's amount-based outcome
    };
    // Confirms with a PaymentMethod object: charges it, or asks for 3-D Secure. Returns the
    // PaymentIntent (200), or a 402 card_error with the PaymentIntent in it.
    ApiReply confirmWith(QJsonObject paymentIntent, const QJsonObject &paymentMethod,
                         const ConfirmOptions &options);
    // Ends a 3-D Secure challenge (the hosted page or the test helper).
    ApiReply completeAuthentication(const QString &paymentIntentId, bool success);
    // A new PaymentIntent as the API would make it; validated by the caller.
    QJsonObject newIntent(qint64 amount, const QString &currency, const QJsonArray &paymentMethodTypes);

private:
    ApiReply create(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply update(const ApiCall &call);
    ApiReply confirm(const ApiCall &call);
    ApiReply capture(const ApiCall &call);
    ApiReply cancel(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    ApiReply search(const ApiCall &call);
    // Resolves payment_method against the intent's customer; sets `error` when it cannot be used.
    QJsonObject paymentMethodFor(const QJsonObject &paymentIntent, const QString &idOrToken, ApiReply *error);
    ApiReply reply(const ApiCall &call, const ApiReply &result);

    SimContext &m_context;
    PaymentMethods &m_paymentMethods;
    Charges &m_charges;
    Customers &m_customers;
};

} // namespace kassa::sim
