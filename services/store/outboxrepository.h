// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/outboxentry.h"
#include "services/store/storeresult.h"

#include <QList>
#include <QString>
#include <QVariantList>

#include <optional>

namespace kassa::store {

class Database;

// What insertPending() did.
struct OutboxInsert
{
    bool inserted = false;
    // The new row; or, when not inserted, the row that prevented it: the one with the same idempotency
    // key (the same request, written before), or the order's live or succeeded exclusive attempt.
    OutboxEntry entry;
};

// The outbox: every Stripe call that moves money or changes a saved card is first written here with its
// idempotency key and committed, then sent, then its answer is recorded in the transaction that marks it
// done. After a crash, the pending rows are sent again with the same keys and Stripe replays the first
// answer: nobody is charged twice. (Stripe keeps keys for at least 24 hours: a sender should look an
// older pending row up at Stripe before re-sending it; createdAt says how old it is.)
//
// The sending itself is not here (pos/ and the recovery code do it); this is the storage, with the
// guarantees they rely on:
//   - a row is committed before insertPending() returns;
//   - claim() gives each row to one sender only, also across processes and tills;
//   - an order has at most one pending, sending or succeeded exclusive attempt.
class OutboxRepository
{
public:
    explicit OutboxRepository(Database &db);

    // Writes `request` as a pending row (op, method, path, params, idempotencyKey, orderRef, exclusive;
    // the other fields are ignored) and commits it. See OutboxInsert for when it is not inserted.
    // Refuses (Kind::Transaction) to run inside an open transaction: the row must be committed before
    // the request leaves. InvalidData for a missing op, method, path or key, a key over 255 characters,
    // or exclusive without an order ref.
    StoreResult<OutboxInsert> insertPending(const OutboxEntry &request);

    // Claims up to `limit` rows for `owner` (a name for this till and process), oldest first: pending
    // rows, and rows still `sending` whose claim is older than `staleAfterSeconds` (their sender crashed
    // or hung; sending again with the same key is safe). Sets state sending, claimedBy, claimedAt, and
    // counts an attempt. Concurrent claims never get the same row (a conditional UPDATE; PostgreSQL adds
    // FOR UPDATE SKIP LOCKED). Commits; refuses an open transaction.
    StoreResult<QList<OutboxEntry>> claim(const QString &owner, int limit, qint64 staleAfterSeconds = 300);
    // Claims row `id` only (the row a till has just written and now sends). None when it cannot be
    // claimed: finished, or being sent by another sender.
    StoreResult<std::optional<OutboxEntry>> claimOne(qint64 id, const QString &owner,
                                                     qint64 staleAfterSeconds = 300);

    // Records Stripe's final answer and finishes the row: done for a 2xx status, failed for any other.
    // Joins the caller's transaction, so that the object Stripe answered with can be written in the same
    // one. False when the row was already finished (another sender recorded the same replayed answer).
    StoreResult<bool> complete(qint64 id, int responseStatus, const QByteArray &responseBody,
                               const QString &objectId = {});
    // No final answer (connection lost, 5xx, 409, 429): back to pending with `error`, to be sent again
    // with the same key. False when the row is not being sent.
    StoreResult<bool> release(qint64 id, const QString &error);
    // Gives up on a row that got no final answer: failed, with `reason`. False when already finished.
    StoreResult<bool> abandon(qint64 id, const QString &reason);

    StoreResult<std::optional<OutboxEntry>> find(qint64 id);
    StoreResult<std::optional<OutboxEntry>> findByKey(const QString &idempotencyKey);
    // Every row of an order, newest first: what to show the cashier before a new attempt.
    StoreResult<QList<OutboxEntry>> findByOrderRef(const QString &orderRef);
    // The order's pending, sending or done exclusive row: "is there already a pending or succeeded
    // attempt for this order?". None when a new attempt may start.
    StoreResult<std::optional<OutboxEntry>> liveAttemptForOrder(const QString &orderRef);
    // Pending and sending rows, oldest first: what recovery has to look at.
    StoreResult<QList<OutboxEntry>> listUnfinished(int limit = 1000);
    StoreResult<qint64> countInState(OutboxState state);
    // Deletes done and failed rows last updated before `updatedBefore`; gives how many.
    StoreResult<qint64> pruneFinished(qint64 updatedBefore);

private:
    StoreResult<QList<OutboxEntry>> claimWhere(const QString &condition, const QVariantList &conditionParams,
                                               const QString &owner, int limit, qint64 staleAfterSeconds);
    StoreResult<QList<OutboxEntry>> select(const QString &whereAndOrder, const QVariantList &params);
    Database &m_db;
};

} // namespace kassa::store
