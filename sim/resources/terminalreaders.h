#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;
class PaymentIntents;
class PaymentMethods;
class SetupIntents;

// Server-driven Terminal: simulated readers (list, retrieve), process_payment_intent,
// process_setup_intent, cancel_action, and the test helper present_payment_method with
// card_present[number] and Stripe's amount-based outcomes.
class TerminalReaders
{
public:
    TerminalReaders(SimContext &context, PaymentIntents &paymentIntents, SetupIntents &setupIntents,
                    PaymentMethods &paymentMethods);
    void registerRoutes(Router &router);

    // A simulated reader; returns its id.
    QString addReader(const QString &label);
    // Makes sure there is at least one reader (a fresh or reset simulator has one).
    void ensureReader();

private:
    ApiReply list(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply processPaymentIntent(const ApiCall &call);
    ApiReply processSetupIntent(const ApiCall &call);
    ApiReply cancelAction(const ApiCall &call);
    ApiReply presentPaymentMethod(const ApiCall &call);
    QJsonObject finishAction(QJsonObject reader, bool succeeded, const QString &failureCode,
                             const QString &failureMessage);
    // The reader, or an error reply when it is missing or busy.
    QJsonObject idleReader(const QString &id, ApiReply *error) const;

    SimContext &m_context;
    PaymentIntents &m_paymentIntents;
    SetupIntents &m_setupIntents;
    PaymentMethods &m_paymentMethods;
};

} // namespace kassa::sim
