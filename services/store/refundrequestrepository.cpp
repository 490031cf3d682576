// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/refundrequestrepository.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

const QString Columns =
    u"id, payment_intent_id, amount, currency, reason, note, state, requested_by, requested_at, decided_by, "
    "decided_at, decision_reason, refund_id, idempotency_key, failure_reason, till, updated_at"_s;

RefundRequestRow readRow(const QSqlQuery &q)
{
    RefundRequestRow row;
    row.id = q.value(0).toString();
    row.paymentIntentId = q.value(1).toString();
    const std::optional<Currency> currency = Currency::fromCode(q.value(3).toString());
    row.amount = Money(q.value(2).toLongLong(), currency.value_or(Currency()));
    row.reason = q.value(4).toString();
    row.note = q.value(5).toString();
    row.state = q.value(6).toString();
    row.requestedBy = q.value(7).toString();
    row.requestedAt = q.value(8).toLongLong();
    row.decidedBy = q.value(9).toString();
    row.decidedAt = q.value(10).toLongLong();
    row.decisionReason = q.value(11).toString();
    row.refundId = q.value(12).toString();
    row.idempotencyKey = q.value(13).toString();
    row.failureReason = q.value(14).toString();
    row.till = q.value(15).toString();
    row.updatedAt = q.value(16).toLongLong();
    return row;
}

} // namespace

bool RefundRequestRow::isOpen() const
{
    return state == QLatin1StringView(Pending) ||
           (state == QLatin1StringView(Approved) && refundId.isEmpty());
}

RefundRequestRepository::RefundRequestRepository(Database &db)
    : m_db(db)
{
}

StoreError RefundRequestRepository::insert(const RefundRequestRow &row)
{
    const StoreResult<qint64> inserted = m_db.exec(
        u"INSERT INTO refund_requests (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(
            Columns),
        {sql::text(row.id), sql::text(row.paymentIntentId), row.amount.minorUnits(),
         sql::text(row.amount.currency().code().toLower()), sql::text(row.reason), sql::text(row.note),
         sql::text(row.state), sql::text(row.requestedBy), row.requestedAt, sql::text(row.decidedBy),
         row.decidedAt, sql::text(row.decisionReason), sql::text(row.refundId), sql::text(row.idempotencyKey),
         sql::text(row.failureReason), sql::text(row.till), m_db.now()});
    return inserted.ok() ? StoreError{} : inserted.error();
}

StoreResult<std::optional<RefundRequestRow>> RefundRequestRepository::find(const QString &id)
{
    return sql::firstRow<RefundRequestRow>(
        m_db, u"SELECT %1 FROM refund_requests WHERE id = ?"_s.arg(Columns), {sql::text(id)}, readRow);
}

StoreResult<QList<RefundRequestRow>> RefundRequestRepository::list(const QStringList &states, int limit)
{
    QString where;
    QVariantList params;
    if (!states.isEmpty()) {
        QStringList marks;
        for (const QString &state : states) {
            marks << u"?"_s;
            params << sql::text(state);
        }
        where = u" WHERE state IN (%1)"_s.arg(marks.join(u", "_s));
    }
    QString sqlText =
        u"SELECT %1 FROM refund_requests%2 ORDER BY requested_at DESC, id DESC"_s.arg(Columns, where);
    if (limit > 0) {
        sqlText += u" LIMIT ?"_s;
        params << qint64(limit);
    }
    return sql::allRows<RefundRequestRow>(m_db, sqlText, params, readRow);
}

StoreResult<QList<RefundRequestRow>> RefundRequestRepository::forPayment(const QString &paymentIntentId)
{
    return sql::allRows<RefundRequestRow>(
        m_db,
        u"SELECT %1 FROM refund_requests WHERE payment_intent_id = ? ORDER BY requested_at DESC, id DESC"_s
            .arg(Columns),
        {sql::text(paymentIntentId)}, readRow);
}

StoreResult<qint64> RefundRequestRepository::openAmount(const QString &paymentIntentId)
{
    const StoreResult<QVariant> sum = m_db.queryValue(
        u"SELECT COALESCE(SUM(amount), 0) FROM refund_requests WHERE payment_intent_id = ? AND "
        "(state = 'pending' OR (state = 'approved' AND refund_id = ''))"_s,
        {sql::text(paymentIntentId)});
    if (!sum.ok())
        return sum.error();
    return sum.value().toLongLong();
}

StoreResult<bool> RefundRequestRepository::decide(const QString &id, const QString &state,
                                                  const QString &decidedBy, qint64 at,
                                                  const QString &decisionReason,
                                                  const QString &idempotencyKey)
{
    // The state test is in the UPDATE itself: on PostgreSQL a second decider waits for the first one's
    // row lock and then finds the row no longer pending, so it changes nothing.
    const StoreResult<qint64> changed = m_db.exec(
        u"UPDATE refund_requests SET state = ?, decided_by = ?, decided_at = ?, decision_reason = ?, "
        "idempotency_key = ?, updated_at = ? WHERE id = ? AND state = 'pending'"_s,
        {sql::text(state), sql::text(decidedBy), at, sql::text(decisionReason), sql::text(idempotencyKey),
         m_db.now(), sql::text(id)});
    if (!changed.ok())
        return changed.error();
    return changed.value() == 1;
}

StoreResult<bool> RefundRequestRepository::failApproved(const QString &id, const QString &failureReason)
{
    const StoreResult<qint64> changed =
        m_db.exec(u"UPDATE refund_requests SET state = 'failed', failure_reason = ?, updated_at = ? "
                  "WHERE id = ? AND state = 'approved' AND refund_id = ''"_s,
                  {sql::text(failureReason), m_db.now(), sql::text(id)});
    if (!changed.ok())
        return changed.error();
    return changed.value() == 1;
}

StoreError RefundRequestRepository::followRefund(const QString &id, const QString &refundId,
                                                 const QString &status, const QString &failureReason)
{
    // The refund row was just written as not older than what the store held, so its status is the
    // newest known: the request mirrors it (a succeeded refund can still fail later at the bank).
    QString state = QString::fromLatin1(RefundRequestRow::Approved);
    if (status == u"succeeded"_s)
        state = QString::fromLatin1(RefundRequestRow::Succeeded);
    else if (status == u"failed"_s || status == u"canceled"_s)
        state = QString::fromLatin1(RefundRequestRow::Failed);
    const StoreResult<qint64> changed = m_db.exec(
        u"UPDATE refund_requests SET refund_id = ?, state = ?, failure_reason = ?, updated_at = ? "
        "WHERE id = ? AND state IN ('approved', 'succeeded', 'failed')"_s,
        {sql::text(refundId), sql::text(state),
         sql::text(state == QLatin1StringView(RefundRequestRow::Failed) ? failureReason : QString()),
         m_db.now(), sql::text(id)});
    return changed.ok() ? StoreError{} : changed.error();
}

} // namespace kassa::store
