// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "core/refundreason.h"
#include "services/security/actinguser.h"
#include "services/security/securityerror.h"
#include "services/store/refundrequestrepository.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace kassa::store {
class Database;
}
namespace kassa::sync {
class Outbox;
struct OutboxResult;
} // namespace kassa::sync
namespace kassa::security {
class AuditLog;
}

namespace kassa::refunds {

// What a request, an approval or a resumed send came to.
struct RefundRequestOutcome
{
    enum class Kind {
        Pending,  // stored, waiting for a manager
        Sent,     // approved and sent; Stripe made the refund (request.state: approved while the refund is
                  // pending at Stripe, succeeded or failed once it is final)
        Unknown,  // approved, but no final answer from Stripe yet: recover() sends it again with its key
        Failed,   // approved, and Stripe refused the refund (request.failureReason says why)
        Rejected, // reject() did it
        Refused,  // not allowed, invalid, already decided, or the store failed: nothing changed (error)
    };
    Kind kind = Kind::Refused;
    store::RefundRequestRow request;
    security::SecurityError error; // for Refused
    QString message;               // one line for the till: what happened and what to do next
};

// Refund approval (ARCHITECTURE.md §5): a cashier's refund becomes a request that every till sharing the
// store sees; a manager or owner approves it (after entering their PIN again: the caller authenticates
// them and passes the result) or rejects it with a reason. Approved requests go through the outbox to
// POST /v1/refunds with metadata kassa_request, requested_by and approved_by, under an idempotency key
// fixed by the request, so that however often it is sent there is one refund; the request then follows
// the refund to succeeded or failed (RefundRepository updates it whenever the refund is written).
//
// Two managers approving at once: the pending -> approved change is one conditional UPDATE; the second
// finds the request decided and is told by whom.
//
// The owner can let cashier refunds up to an amount pass without approval (ThresholdSetting; none by
// default). Users whose role may refund directly get their requests approved by themselves at once.
//
// Asynchronous where Stripe is involved; callbacks run in this object's thread (the Database's).
class RefundRequestService : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const RefundRequestOutcome &)>;

    struct NewRequest
    {
        QString paymentIntentId;
        std::optional<qint64> amount; // minor units; empty: what is left of the payment
        RefundReason reason = RefundReason::RequestedByCustomer;
        QString note;
    };

    // settings key: "<minor units> <currency>", e.g. "2000 eur"; absent: every cashier refund waits.
    static constexpr auto ThresholdSetting = "refunds.approval_threshold";

    // `audit` must write to `db`. `outbox` sends the approved refunds.
    RefundRequestService(store::Database &db, sync::Outbox &outbox, security::AuditLog &audit,
                         QObject *parent = nullptr);

    // What can still be refunded of a payment: received - refunded - open requests.
    security::SecurityResult<Money> refundableAmount(const security::ActingUser &actor,
                                                     const QString &paymentIntentId);

    void request(const security::ActingUser &actor, const NewRequest &request, const Callback &done);
    void approve(const security::ActingUser &actor, const QString &requestId, const Callback &done);
    RefundRequestOutcome reject(const security::ActingUser &actor, const QString &requestId,
                                const QString &reason);

    security::SecurityResult<QList<store::RefundRequestRow>> pending(const security::ActingUser &actor);
    security::SecurityResult<QList<store::RefundRequestRow>> history(const security::ActingUser &actor,
                                                                     int limit);
    security::SecurityResult<std::optional<store::RefundRequestRow>> find(const security::ActingUser &actor,
                                                                          const QString &requestId);

    security::SecurityResult<std::optional<Money>> threshold();
    security::SecurityError setThreshold(const security::ActingUser &actor,
                                         const std::optional<Money> &threshold);

    // Approved requests whose refund is not known yet: sends those that never reached the outbox (a
    // crash between the approval and the send) and fails those whose outbox row Stripe refused. Rows
    // still pending in the outbox are Outbox::recover()'s. `done` gets how many it sent.
    void resume(const std::function<void(int sent)> &done);

    static QString idempotencyKeyFor(const QString &requestId);

signals:
    // A request was added or changed state on this till.
    void requestChanged(const QString &requestId);

private:
    void send(const store::RefundRequestRow &row, const Callback &done);
    RefundRequestOutcome refused(const security::SecurityError &error) const;
    RefundRequestOutcome afterSend(const store::RefundRequestRow &row, const sync::OutboxResult &result);

    store::Database &m_db;
    sync::Outbox &m_outbox;
    security::AuditLog &m_audit;
};

} // namespace kassa::refunds
