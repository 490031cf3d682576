// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/outboxrepository.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"

#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

constexpr int MaxIdempotencyKeyLength = 255; // Stripe's limit

const QString SelectColumns =
    u"id, op, method, path, params, idempotency_key, order_ref, exclusive, state, attempts, last_error, "
    "response_status, response_body, object_id, claimed_by, claimed_at, created_at, updated_at"_s;

const QString LiveStates = u"('pending', 'sending', 'done')"_s;

OutboxEntry readRow(const QSqlQuery &q)
{
    OutboxEntry entry;
    entry.id = q.value(0).toLongLong();
    entry.op = q.value(1).toString();
    entry.method = q.value(2).toString();
    entry.path = q.value(3).toString();
    entry.params = q.value(4).toString().toUtf8();
    entry.idempotencyKey = q.value(5).toString();
    entry.orderRef = q.value(6).toString();
    entry.exclusive = q.value(7).toLongLong() != 0;
    entry.state = outboxStateFromName(q.value(8).toString()).value_or(OutboxState::Pending);
    entry.attempts = int(q.value(9).toLongLong());
    entry.lastError = q.value(10).toString();
    entry.responseStatus = int(q.value(11).toLongLong());
    entry.responseBody = q.value(12).toString().toUtf8();
    entry.objectId = q.value(13).toString();
    entry.claimedBy = q.value(14).toString();
    entry.claimedAt = q.value(15).toLongLong();
    entry.createdAt = q.value(16).toLongLong();
    entry.updatedAt = q.value(17).toLongLong();
    return entry;
}

StoreError refuseOpenTransaction(Database &db, const QString &what)
{
    if (!db.inTransaction())
        return {};
    return StoreError::make(StoreError::Kind::Transaction,
                            u"%1 commits on its own, before anything is sent; it cannot run inside an open "
                            "transaction"_s.arg(what));
}

} // namespace

OutboxRepository::OutboxRepository(Database &db)
    : m_db(db)
{
}

StoreResult<OutboxInsert> OutboxRepository::insertPending(const OutboxEntry &request)
{
    if (const StoreError error = refuseOpenTransaction(m_db, u"writing an outbox row"_s); error.isError())
        return error;
    if (request.op.isEmpty() || request.method.isEmpty() || request.path.isEmpty())
        return sql::invalidData(u"an outbox row needs an op, a method and a path"_s);
    if (request.idempotencyKey.isEmpty() || request.idempotencyKey.size() > MaxIdempotencyKeyLength)
        return sql::invalidData(u"an outbox row needs an idempotency key of 1 to 255 characters"_s);
    if (request.exclusive && request.orderRef.isEmpty())
        return sql::invalidData(u"an exclusive outbox row needs an order ref"_s);

    OutboxInsert result;
    Transaction transaction(m_db);
    if (!transaction.isActive())
        return transaction.error();
    const qint64 now = m_db.now();
    // DO NOTHING on either unique index: the idempotency key, or the order's live exclusive attempt.
    const StoreError error = m_db.query(
        u"INSERT INTO outbox (op, method, path, params, idempotency_key, order_ref, exclusive, state, "
        u"attempts, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING "
        "RETURNING %1"_s.arg(SelectColumns),
        {sql::text(request.op), sql::text(request.method), sql::text(request.path),
         sql::text(QString::fromUtf8(request.params)), sql::text(request.idempotencyKey),
         sql::text(request.orderRef), request.exclusive ? 1 : 0, now, now},
        [&result](const QSqlQuery &row) {
            result.inserted = true;
            result.entry = readRow(row);
            return true;
        });
    if (error.isError())
        return error;
    if (!result.inserted) {
        StoreResult<std::optional<OutboxEntry>> existing = findByKey(request.idempotencyKey);
        if (existing.ok() && !existing.value() && request.exclusive)
            existing = liveAttemptForOrder(request.orderRef);
        if (!existing.ok())
            return existing.error();
        if (!existing.value()) {
            return StoreError::make(StoreError::Kind::Constraint,
                                    u"the outbox refused the row but holds no row that conflicts with it"_s);
        }
        result.entry = *existing.value();
    }
    if (const StoreError committed = transaction.commit(); committed.isError())
        return committed;
    return result;
}

StoreResult<QList<OutboxEntry>> OutboxRepository::claimWhere(const QString &condition,
                                                             const QVariantList &conditionParams,
                                                             const QString &owner, int limit,
                                                             qint64 staleAfterSeconds)
{
    if (const StoreError error = refuseOpenTransaction(m_db, u"claiming outbox rows"_s); error.isError())
        return error;
    if (owner.isEmpty())
        return sql::invalidData(u"claiming outbox rows needs an owner name"_s);
    const qint64 now = m_db.now();
    const qint64 staleBefore = now - std::max<qint64>(staleAfterSeconds, 0);
    const QString claimable = u"(state = 'pending' OR (state = 'sending' AND claimed_at < ?))"_s;
    // The outer condition is checked again on the row as it is when the UPDATE reaches it (PostgreSQL
    // re-evaluates it after waiting for a concurrent claim), so a row is never claimed twice. On
    // PostgreSQL the candidates are picked once, in a materialised CTE: a sub-select with SKIP LOCKED
    // inside the UPDATE's WHERE may be run again and lock more rows than its LIMIT.
    QString sqlText;
    QVariantList params;
    if (m_db.isPostgres()) {
        sqlText =
            u"WITH c AS MATERIALIZED (SELECT id FROM outbox WHERE %1 AND %2 ORDER BY id LIMIT ? "
            "FOR UPDATE SKIP LOCKED) "
            "UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1, "
            "updated_at = ? WHERE id IN (SELECT id FROM c) AND %1 RETURNING %3"_s.arg(claimable, condition,
                                                                                      SelectColumns);
        params << staleBefore << conditionParams << qint64(std::max(limit, 1)) << sql::text(owner) << now
               << now << staleBefore;
    } else {
        sqlText =
            u"UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1, "
            "updated_at = ? WHERE %1 AND id IN (SELECT id FROM outbox WHERE %1 AND %2 ORDER BY id LIMIT ?) "
            "RETURNING %3"_s.arg(claimable, condition, SelectColumns);
        params << sql::text(owner) << now << now << staleBefore << staleBefore << conditionParams
               << qint64(std::max(limit, 1));
    }
    QList<OutboxEntry> claimed;
    const StoreError error = Transaction::run(m_db, [&]() -> StoreError {
        return m_db.query(sqlText, params, [&claimed](const QSqlQuery &row) {
            claimed.append(readRow(row));
            return true;
        });
    });
    if (error.isError())
        return error;
    std::sort(claimed.begin(), claimed.end(),
              [](const OutboxEntry &a, const OutboxEntry &b) { return a.id < b.id; });
    return claimed;
}

StoreResult<QList<OutboxEntry>> OutboxRepository::claim(const QString &owner, int limit,
                                                        qint64 staleAfterSeconds)
{
    return claimWhere(u"1 = 1"_s, {}, owner, limit, staleAfterSeconds);
}

StoreResult<std::optional<OutboxEntry>> OutboxRepository::claimOne(qint64 id, const QString &owner,
                                                                   qint64 staleAfterSeconds)
{
    const StoreResult<QList<OutboxEntry>> claimed =
        claimWhere(u"id = ?"_s, {id}, owner, 1, staleAfterSeconds);
    if (!claimed.ok())
        return claimed.error();
    if (claimed.value().isEmpty())
        return std::optional<OutboxEntry>();
    return std::optional<OutboxEntry>(claimed.value().constFirst());
}

StoreResult<bool> OutboxRepository::complete(qint64 id, int responseStatus, const QByteArray &responseBody,
                                             const QString &objectId)
{
    const bool success = responseStatus >= 200 && responseStatus < 300;
    bool finished = false;
    const StoreError error = Transaction::run(m_db, [&]() -> StoreError {
        const StoreResult<qint64> changed =
            m_db.exec(u"UPDATE outbox SET state = ?, response_status = ?, response_body = ?, object_id = ?, "
                      "updated_at = ? WHERE id = ? AND state IN ('pending', 'sending')"_s,
                      {success ? u"done"_s : u"failed"_s, responseStatus,
                       sql::text(QString::fromUtf8(responseBody)), sql::text(objectId), m_db.now(), id});
        if (!changed.ok())
            return changed.error();
        finished = changed.value() == 1;
        return {};
    });
    if (error.isError())
        return error;
    return finished;
}

StoreResult<bool> OutboxRepository::release(qint64 id, const QString &error)
{
    const StoreResult<qint64> changed =
        m_db.exec(u"UPDATE outbox SET state = 'pending', last_error = ?, claimed_by = '', updated_at = ? "
                  "WHERE id = ? AND state = 'sending'"_s,
                  {sql::text(error), m_db.now(), id});
    if (!changed.ok())
        return changed.error();
    return changed.value() == 1;
}

StoreResult<bool> OutboxRepository::abandon(qint64 id, const QString &reason)
{
    const StoreResult<qint64> changed =
        m_db.exec(u"UPDATE outbox SET state = 'failed', last_error = ?, updated_at = ? "
                  "WHERE id = ? AND state IN ('pending', 'sending')"_s,
                  {sql::text(reason), m_db.now(), id});
    if (!changed.ok())
        return changed.error();
    return changed.value() == 1;
}

StoreResult<QList<OutboxEntry>> OutboxRepository::select(const QString &whereAndOrder,
                                                         const QVariantList &params)
{
    return sql::allRows<OutboxEntry>(m_db, u"SELECT %1 FROM outbox "_s.arg(SelectColumns) + whereAndOrder,
                                     params, readRow);
}

StoreResult<std::optional<OutboxEntry>> OutboxRepository::find(qint64 id)
{
    const StoreResult<QList<OutboxEntry>> rows = select(u"WHERE id = ?"_s, {id});
    if (!rows.ok())
        return rows.error();
    return rows.value().isEmpty() ? std::optional<OutboxEntry>() : std::optional(rows.value().constFirst());
}

StoreResult<std::optional<OutboxEntry>> OutboxRepository::findByKey(const QString &idempotencyKey)
{
    const StoreResult<QList<OutboxEntry>> rows =
        select(u"WHERE idempotency_key = ?"_s, {sql::text(idempotencyKey)});
    if (!rows.ok())
        return rows.error();
    return rows.value().isEmpty() ? std::optional<OutboxEntry>() : std::optional(rows.value().constFirst());
}

StoreResult<QList<OutboxEntry>> OutboxRepository::findByOrderRef(const QString &orderRef)
{
    if (orderRef.isEmpty())
        return QList<OutboxEntry>();
    return select(u"WHERE order_ref = ? ORDER BY id DESC"_s, {sql::text(orderRef)});
}

StoreResult<std::optional<OutboxEntry>> OutboxRepository::liveAttemptForOrder(const QString &orderRef)
{
    if (orderRef.isEmpty())
        return std::optional<OutboxEntry>();
    const StoreResult<QList<OutboxEntry>> rows = select(
        u"WHERE order_ref = ? AND exclusive = 1 AND state IN %1 ORDER BY id DESC LIMIT 1"_s.arg(LiveStates),
        {sql::text(orderRef)});
    if (!rows.ok())
        return rows.error();
    return rows.value().isEmpty() ? std::optional<OutboxEntry>() : std::optional(rows.value().constFirst());
}

StoreResult<QList<OutboxEntry>> OutboxRepository::listUnfinished(int limit)
{
    return select(u"WHERE state IN ('pending', 'sending') ORDER BY id LIMIT ?"_s,
                  {qint64(std::max(limit, 1))});
}

StoreResult<qint64> OutboxRepository::countInState(OutboxState state)
{
    const StoreResult<QVariant> n =
        m_db.queryValue(u"SELECT COUNT(*) FROM outbox WHERE state = ?"_s, {outboxStateName(state)});
    if (!n.ok())
        return n.error();
    return n.value().toLongLong();
}

StoreResult<qint64> OutboxRepository::pruneFinished(qint64 updatedBefore)
{
    return m_db.exec(u"DELETE FROM outbox WHERE state IN ('done', 'failed') AND updated_at < ?"_s,
                     {updatedBefore});
}

} // namespace kassa::store
