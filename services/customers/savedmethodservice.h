// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/actinguser.h"
#include "services/sync/outbox.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
}
namespace kassa::security {
class AuditLog;
}

namespace kassa::customers {

class MethodSetup;

// What attach, detach or set-default came to.
struct SavedMethodOutcome
{
    enum class Kind {
        Done,    // Stripe answered; the object (payment method or customer) is in the store
        Failed,  // Stripe refused (no such customer, a declined card, ...): nothing changed
        Unknown, // no final answer: the call stays in the outbox and `kassa-cli recover` settles it
        Refused, // not allowed, not valid, or the store failed: nothing was sent
    };
    Kind kind = Kind::Refused;
    bool sent = false; // it went through the outbox: `result` says what came of it
    sync::OutboxResult result;
    QJsonObject object; // for Done: what Stripe answered with
    QString message;    // one line for the till: what happened (and what to do next)

    bool ok() const { return kind == Kind::Done; }
};

// A customer's saved payment methods (issue 6): attach one (a pm_ id, or a test token such as pm_card_visa
// in test mode), detach one, make one the default (invoice_settings.default_payment_method), or save a new
// card by a setup-mode Checkout page shown as a QR code or by a card reader (MethodSetup). Every entry
// point checks Permission::ManageSavedMethods against the acting user first, so hiding a button is never
// the only guard. Every POST goes through the outbox under its idempotency key, and every outbox call is
// written to the audit log with its outcome, as kassa-cli's payments are; the objects Stripe answers with
// land in the store, so the console's lists show the change at once.
//
// Shared by the console's Customers page and kassa-cli's `methods` commands. Asynchronous; callbacks run
// in this object's thread, which must be the Database's.
class SavedMethodService : public QObject
{
    Q_OBJECT
public:
    // Ops of the outbox rows this service writes besides Outbox's own attach, detach and default.
    static constexpr auto OpCreateSetupSession = "create_setup_session";
    static constexpr auto OpExpireSetupSession = "expire_setup_session";
    static constexpr auto OpCreateSetupIntent = "create_setup_intent";
    static constexpr auto OpCancelSetupIntent = "cancel_setup_intent";

    struct Options
    {
        // Test tokens (pm_card_visa, ...) are offered and accepted only with a test key.
        bool testMode = false;
        // kassa-cli on a store without users: one operator, no roles yet (CliSession::permit's rule).
        // Nobody may act otherwise.
        bool singleOperator = false;
        // Where the customer's phone goes once the card is saved on the Checkout page. Stripe needs one
        // for a hosted setup page: without it the QR code path is refused.
        QString checkoutSuccessUrl;
        // A QR code on the counter should not stay usable for a day. Stripe accepts 30 min to 24 h (a
        // little more than 30 min: the clocks of the till and Stripe differ).
        qint64 checkoutLifetimeSeconds = 3600;
        // Polling of a Checkout Session or a reader: first wait, then 1.5 times the last, up to the max.
        int pollInitialMs = 1000;
        int pollMaxMs = 5000;
    };

    // A test token the console offers, with its words.
    struct TestToken
    {
        QString token;
        QString label;
    };

    using Callback = std::function<void(const SavedMethodOutcome &)>;

    // `audit` must write to `db`; `outbox` must send with `client`.
    SavedMethodService(store::Database &db, stripe::StripeClient &client, sync::Outbox &outbox,
                       security::AuditLog &audit, const Options &options, QObject *parent = nullptr);
    ~SavedMethodService() override;

    const Options &options() const { return m_options; }
    void setOptions(const Options &options) { m_options = options; }
    store::Database &database() const { return m_db; }
    stripe::StripeClient &client() const { return m_client; }

    // Whether `actor` may change saved methods: empty when so, else why not in words.
    QString refusal(const security::ActingUser &actor) const;

    // Saves `paymentMethod` (a pm_ id, or in test mode a test token) for `customerId`.
    void attach(const security::ActingUser &actor, const QString &customerId, const QString &paymentMethod,
                const Callback &done, const QString &idempotencyKey = {});
    // Takes a saved method off its customer.
    void detach(const security::ActingUser &actor, const QString &paymentMethodId, const Callback &done,
                const QString &idempotencyKey = {});
    // Makes `paymentMethodId` the customer's default (invoice_settings.default_payment_method).
    void setDefault(const security::ActingUser &actor, const QString &customerId,
                    const QString &paymentMethodId, const Callback &done, const QString &idempotencyKey = {});

    // A new card saved on a setup-mode Checkout page (the QR code) or on a card reader. Null, with
    // `refusal`, when the actor may not or the service cannot (no success URL, no reader).
    std::unique_ptr<MethodSetup> startCheckout(const security::ActingUser &actor, const QString &customerId,
                                               QString *refusal = nullptr);
    std::unique_ptr<MethodSetup> startReader(const security::ActingUser &actor, const QString &customerId,
                                             const QString &readerId, QString *refusal = nullptr);

    // The test tokens offered in test mode: cards that save, one that is declined.
    static QList<TestToken> testTokens();
    static bool isTestToken(const QString &paymentMethod);

    // The audit action of an outbox op ("method.attach", ...), and what an outbox call records: the
    // outcome, the key, the objects' ids and codes (never a card number or a key).
    static QString auditAction(const QString &op);
    static QJsonObject auditDetails(const sync::OutboxResult &result);

private:
    friend class MethodSetup;
    // Sends `request` through the outbox as `op` for `actor` (whose permission was checked), audits it,
    // and tells `done` in the till's words.
    void submit(const security::ActingUser &actor, const QString &op, const stripe::StripeRequest &request,
                const Callback &done);
    void audit(const security::ActingUser &actor, const QString &action, const QStringList &ids,
               const QJsonObject &details);
    SavedMethodOutcome refused(const QString &message) const;

    store::Database &m_db;
    stripe::StripeClient &m_client;
    sync::Outbox &m_outbox;
    security::AuditLog &m_audit;
    Options m_options;
};

} // namespace kassa::customers
