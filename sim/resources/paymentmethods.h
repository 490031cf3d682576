#pragma once

#include "sim/router.h"
#include "sim/testcards.h"

#include <optional>

namespace kassa::sim {

class SimContext;

// /v1/payment_methods: test tokens (pm_card_visa, ...; every use makes a new pm_ as Stripe does),
// retrieve, update, attach, detach, list by customer and type.
class PaymentMethods
{
public:
    explicit PaymentMethods(SimContext &context);
    void registerRoutes(Router &router);

    // A PaymentMethod by id, or a new one made from a test token. On failure returns empty and sets `error`.
    QJsonObject resolve(const QString &idOrToken, const QString &param, ApiReply *error);
    // A new card PaymentMethod (type card, or card_present as a reader reads it).
    QJsonObject createFromCard(const TestCard &card, bool cardPresent);
    // A new PaymentMethod of another type (paypal, link) for demo data.
    QJsonObject createWallet(const QString &type, const QString &email, qint64 created);
    // Attaches (idOrToken may be a test token). Returns the PaymentMethod or an error reply.
    ApiReply attach(const QString &idOrToken, const QString &customerId, const QString &param,
                    bool emitEvent);
    void detachAllOf(const QString &customerId, bool emitEvents);
    ApiReply listFor(const ApiCall &call, const QString &customerId, const QString &url);
    // The test card behind a card or card_present PaymentMethod.
    std::optional<TestCard> cardOf(const QJsonObject &paymentMethod) const;

private:
    ApiReply create(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply update(const ApiCall &call);
    ApiReply attachRoute(const ApiCall &call);
    ApiReply detach(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    QJsonObject detachObject(QJsonObject paymentMethod, bool emitEvent);

    SimContext &m_context;
};

} // namespace kassa::sim
