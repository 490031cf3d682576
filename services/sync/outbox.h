// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/outboxentry.h"
#include "services/store/storeerror.h"
#include "services/stripe/striperequest.h"
#include "services/stripe/striperesponse.h"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
}

namespace kassa::sync {

// What one outbox send came to.
struct OutboxResult
{
    enum class Outcome {
        Done,       // Stripe answered 2xx; the object is in the store; the row is done
        Failed,     // Stripe gave a final error (a decline, an invalid request); the row is failed
        Unknown,    // no final answer (connection lost, 5xx, 409, 429, canceled): the row stays pending
                    // and recover() sends it again with the same key
        Earlier,    // not sent: the order already has a pending, sending or succeeded attempt (`entry`)
        StoreError, // the store refused (nothing was sent, or the answer could not be recorded)
    };

    Outcome outcome = Outcome::StoreError;
    store::OutboxEntry entry;        // the row as written (for Earlier: the earlier attempt)
    stripe::StripeResponse response; // when a request was sent
    QString error;                   // for Unknown, Failed and StoreError: why
    // recover(): the row was older than Stripe keeps idempotency keys, and its payment was found at
    // Stripe by its order ref (and recorded) instead of being sent again.
    bool foundByLookup = false;

    static QString outcomeName(Outcome outcome); // "done", "failed", "unknown", "earlier", "store_error"
};

// What recover() did.
struct RecoveryReport
{
    int claimed = 0; // sends made (a row re-sent in a later round counts again)
    int done = 0;
    int failed = 0;
    int stillPending = 0; // rows left pending or sending at the end
    int rounds = 0;
    QString storeError; // when the store refused a claim
    QList<OutboxResult> rows;
};

// The exactly-once path of every Stripe call that moves money or changes a saved card (ARCHITECTURE.md
// §2): submit() writes the request with its idempotency key to the outbox and commits, then sends it
// with that key; the answer is recorded, and the row finished, in the transaction that also writes the
// returned object to the store. recover() sends the unfinished rows again with their keys; Stripe replays
// the first answer, so nothing is applied twice.
//
// Asynchronous; callbacks run in the Outbox's thread, which must be the Database's.
class Outbox : public QObject
{
    Q_OBJECT
public:
    // The op of each kind of row: what the outbox table and `recover` show.
    static constexpr auto OpCreatePayment = "create_payment";
    static constexpr auto OpCapturePayment = "capture_payment";
    static constexpr auto OpCancelPayment = "cancel_payment";
    static constexpr auto OpCreateRefund = "create_refund";
    static constexpr auto OpAttachPaymentMethod = "attach_payment_method";
    static constexpr auto OpDetachPaymentMethod = "detach_payment_method";
    static constexpr auto OpSetDefaultPaymentMethod = "set_default_payment_method";

    struct Options
    {
        QString owner;                  // who claims rows ("till-1:4242"); default host:pid
        qint64 staleAfterSeconds = 300; // a `sending` row older than this is taken over by recover()
        int maxRounds = 5;              // recover(): rounds while rows come back pending
        int batchSize = 200;            // recover(): rows claimed per round
        // Stripe keeps idempotency keys for at least 24 hours. recover() first looks a payment row older
        // than this up at Stripe by its order ref, and records what it finds instead of sending it again.
        qint64 keyLifetimeSeconds = 23 * 3600;
    };

    using Callback = std::function<void(const OutboxResult &)>;
    using RecoveryCallback = std::function<void(const RecoveryReport &)>;

    Outbox(store::Database &db, stripe::StripeClient &client, QObject *parent = nullptr);
    Outbox(store::Database &db, stripe::StripeClient &client, const Options &options,
           QObject *parent = nullptr);
    ~Outbox() override;

    const Options &options() const { return m_options; }

    // Writes `request` (a POST; a new idempotency key when it has none) as a pending row and sends it.
    // With an order ref and op OpCreatePayment the row is the order's exclusive payment attempt: when
    // the order already has a pending, sending or succeeded one, nothing is sent and `done` gets
    // Earlier with that row. The same idempotency key submitted again sends the same row again.
    void submit(const QString &op, const stripe::StripeRequest &request, const QString &orderRef,
                const Callback &done);

    // Claims pending rows (and `sending` rows older than staleAfterSeconds) and sends each again with
    // its key, in rounds until none comes back pending or maxRounds is reached.
    void recover(const RecoveryCallback &done);

    // The request that a row sends, rebuilt byte for byte from its method, path and form body.
    static stripe::StripeRequest requestFor(const store::OutboxEntry &entry);
    static stripe::StripeParams decodeForm(const QByteArray &form);

private:
    struct Recovery;
    void send(const store::OutboxEntry &entry, const Callback &done);
    void lookUpThenSend(const store::OutboxEntry &entry, const Callback &done);
    OutboxResult record(const store::OutboxEntry &entry, const stripe::StripeResponse &response);
    // One try at recording a final answer and the object it carries, in one transaction.
    store::StoreError writeAnswer(qint64 rowId, int status, const QByteArray &body, const QString &objectId,
                                  const QJsonObject &object);
    void recoverRound(const std::shared_ptr<Recovery> &recovery);

    store::Database &m_db;
    stripe::StripeClient &m_client;
    Options m_options;
};

} // namespace kassa::sync
