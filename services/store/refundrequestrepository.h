// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "services/store/storeresult.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace kassa::store {

class Database;

// A refund someone asked for, as the refund_requests table holds it. Every till sharing the store sees
// the same rows: the approval queue is this table.
struct RefundRequestRow
{
    // pending: waiting for a manager. approved: decided, sent (or about to be sent) through the outbox.
    // rejected: a manager said no (decision_reason). succeeded / failed: what became of the refund.
    // canceled: withdrawn before a decision.
    static constexpr auto Pending = "pending";
    static constexpr auto Approved = "approved";
    static constexpr auto Rejected = "rejected";
    static constexpr auto Succeeded = "succeeded";
    static constexpr auto Failed = "failed";
    static constexpr auto Canceled = "canceled";

    QString id; // rr_...
    QString paymentIntentId;
    Money amount;
    QString reason; // Stripe's refund reason ("requested_by_customer", ...) or empty
    QString note;   // the cashier's words for the manager
    QString state = QString::fromLatin1(Pending);
    QString requestedBy; // user name
    qint64 requestedAt = 0;
    QString decidedBy; // user name; "threshold" when the owner's limit let it pass
    qint64 decidedAt = 0;
    QString decisionReason; // why it was rejected
    QString refundId;       // re_..., once Stripe made it
    QString idempotencyKey; // the key of its POST /v1/refunds: one request, one refund
    QString failureReason;
    QString till;
    qint64 updatedAt = 0;

    bool isOpen() const; // pending or approved: its amount is spoken for
    friend bool operator==(const RefundRequestRow &, const RefundRequestRow &) = default;
};

class RefundRequestRepository
{
public:
    explicit RefundRequestRepository(Database &db);

    StoreError insert(const RefundRequestRow &row);
    StoreResult<std::optional<RefundRequestRow>> find(const QString &id);
    // Newest first; every state when `states` is empty. `limit` 0: all.
    StoreResult<QList<RefundRequestRow>> list(const QStringList &states, int limit = 0);
    StoreResult<QList<RefundRequestRow>> forPayment(const QString &paymentIntentId);
    // What open requests (pending, or approved without a refund yet) hold of a payment, in minor units.
    StoreResult<qint64> openAmount(const QString &paymentIntentId);

    // pending -> approved or rejected, only if it is still pending: of two managers deciding at once,
    // one gets true and the other false (then find() tells who was first).
    StoreResult<bool> decide(const QString &id, const QString &state, const QString &decidedBy, qint64 at,
                             const QString &decisionReason, const QString &idempotencyKey);
    // approved -> failed before a refund exists (Stripe refused the POST).
    StoreResult<bool> failApproved(const QString &id, const QString &failureReason);
    // The refund of request `id` was written to the store with `status` (Stripe's): the request takes
    // its id and follows it to succeeded or failed. Called by RefundRepository in its transaction.
    StoreError followRefund(const QString &id, const QString &refundId, const QString &status,
                            const QString &failureReason);

private:
    Database &m_db;
};

} // namespace kassa::store
