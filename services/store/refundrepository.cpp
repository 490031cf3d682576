// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/refundrepository.h"

#include "core/refund.h"
#include "services/store/database.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrequestrepository.h"
#include "services/store/sqlsupport.h"
#include "services/stripe/stripejson.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

const QStringList WrittenColumns{
    u"id"_s,           u"charge_id"_s,   u"payment_intent_id"_s, u"status"_s,      u"status_rank"_s,
    u"progress"_s,     u"amount"_s,      u"currency"_s,          u"reason"_s,      u"failure_reason"_s,
    u"requested_by"_s, u"approved_by"_s, u"created"_s,           u"observed_at"_s, u"updated_at"_s,
    u"raw"_s,
};

const QString SelectColumns =
    u"id, charge_id, payment_intent_id, status, amount, currency, reason, failure_reason, "
    "requested_by, approved_by, created, observed_at"_s;

RefundRow readRow(const QSqlQuery &q)
{
    RefundRow row;
    row.id = q.value(0).toString();
    row.chargeId = q.value(1).toString();
    row.paymentIntentId = q.value(2).toString();
    row.status = q.value(3).toString();
    row.amount =
        Money(q.value(4).toLongLong(), Currency::fromCode(q.value(5).toString()).value_or(Currency()));
    row.reason = q.value(6).toString();
    row.failureReason = q.value(7).toString();
    row.requestedBy = q.value(8).toString();
    row.approvedBy = q.value(9).toString();
    row.created = q.value(10).toLongLong();
    row.observedAt = q.value(11).toLongLong();
    return row;
}

void buildWhere(const RefundFilter &filter, sql::Where &where)
{
    if (!filter.paymentIntentId.isEmpty())
        where.add(u"payment_intent_id = ?"_s, {sql::text(filter.paymentIntentId)});
    if (!filter.chargeId.isEmpty())
        where.add(u"charge_id = ?"_s, {sql::text(filter.chargeId)});
    if (!filter.statuses.isEmpty()) {
        QStringList marks;
        QVariantList values;
        for (const QString &status : filter.statuses) {
            marks << u"?"_s;
            values << sql::text(status);
        }
        where.add(u"status IN (%1)"_s.arg(marks.join(u", "_s)), values);
    }
    if (filter.createdFrom)
        where.add(u"created >= ?"_s, {*filter.createdFrom});
    if (filter.createdTo)
        where.add(u"created < ?"_s, {*filter.createdTo});
}

} // namespace

RefundRepository::RefundRepository(Database &db)
    : m_db(db)
{
}

StoreResult<UpsertOutcome> RefundRepository::upsert(const QJsonObject &refund, qint64 observedAt)
{
    return sql::upsertOne(m_db, [&]() { return write(refund, observedAt); });
}

StoreResult<BatchResult> RefundRepository::upsertMany(const QList<QJsonObject> &refunds, qint64 observedAt)
{
    return sql::upsertBatch(m_db, refunds, [&](const QJsonObject &json) { return write(json, observedAt); });
}

StoreResult<UpsertOutcome> RefundRepository::write(const QJsonObject &json, qint64 observedAt)
{
    Refund refund;
    QString parseError;
    if (!stripe::StripeJson::parse(json, &refund, &parseError))
        return sql::invalidData(parseError);
    // Refunds made through a charge may name no PaymentIntent: take the charge's, when the store has it.
    QString paymentIntentId = refund.paymentIntentId;
    if (paymentIntentId.isEmpty() && !refund.chargeId.isEmpty()) {
        const StoreResult<QVariant> fromCharge = m_db.queryValue(
            u"SELECT payment_intent_id FROM charges WHERE id = ?"_s, {sql::text(refund.chargeId)});
        if (!fromCharge.ok())
            return fromCharge.error();
        paymentIntentId = fromCharge.value().toString();
    }
    const QString status = json.value(u"status"_s).toString();
    const ObjectVersion version = ObjectVersion::ofRefund(status, observedAt);
    static const QString sqlText = sql::versionedUpsert(u"refunds"_s, WrittenColumns);
    const StoreResult<qint64> changed =
        m_db.exec(sqlText, {
                               sql::text(refund.id),
                               sql::text(refund.chargeId),
                               sql::text(paymentIntentId),
                               sql::text(status),
                               version.rank,
                               version.progress,
                               refund.amount.minorUnits(),
                               sql::text(refund.currency().code()),
                               sql::text(toStripe(refund.reason)),
                               sql::text(refund.failureReason),
                               sql::text(refund.metadata.value(u"requested_by"_s)),
                               sql::text(refund.metadata.value(u"approved_by"_s)),
                               sql::seconds(refund.created),
                               observedAt,
                               m_db.now(),
                               sql::json(m_db, json),
                           });
    if (!changed.ok())
        return changed.error();
    if (changed.value() == 0)
        return UpsertOutcome::Stale;
    const StoreError refreshed =
        PaymentRepository(m_db).refreshDerived(PaymentRepository::DerivedBy::PaymentId, paymentIntentId);
    if (refreshed.isError())
        return refreshed;
    // A refund a manager approved names its request: the request follows it, in this transaction.
    if (const QString request = refund.metadata.value(u"kassa_request"_s); !request.isEmpty()) {
        const StoreError followed =
            RefundRequestRepository(m_db).followRefund(request, refund.id, status, refund.failureReason);
        if (followed.isError())
            return followed;
    }
    return UpsertOutcome::Applied;
}

StoreResult<std::optional<RefundRow>> RefundRepository::find(const QString &id)
{
    return sql::firstRow<RefundRow>(m_db, u"SELECT %1 FROM refunds WHERE id = ?"_s.arg(SelectColumns),
                                    {sql::text(id)}, readRow);
}

StoreResult<std::optional<QJsonObject>> RefundRepository::rawJson(const QString &id)
{
    return sql::loadRaw(m_db, u"refunds"_s, id);
}

StoreResult<QList<RefundRow>> RefundRepository::forPayment(const QString &paymentIntentId)
{
    return sql::allRows<RefundRow>(
        m_db,
        u"SELECT %1 FROM refunds WHERE payment_intent_id = ? ORDER BY created DESC, id DESC"_s.arg(
            SelectColumns),
        {sql::text(paymentIntentId)}, readRow);
}

StoreResult<Page<RefundRow>> RefundRepository::page(const RefundFilter &filter, const PageRequest &request)
{
    sql::Where where;
    buildWhere(filter, where);
    const QString column = request.sort == SortKey::Amount ? u"amount"_s : u"created"_s;
    sql::addKeyset(where, column, request);
    QVariantList params = where.params;
    const QString sqlText = u"SELECT %1 FROM refunds"_s.arg(SelectColumns) + where.sql() +
                            sql::orderAndLimit(column, request, params);
    Page<RefundRow> page;
    const StoreError error = m_db.query(sqlText, params, [&page](const QSqlQuery &row) {
        page.rows.append(readRow(row));
        return true;
    });
    if (error.isError())
        return error;
    if (page.rows.size() > sql::limitOf(request)) {
        page.rows.removeLast();
        const RefundRow &last = page.rows.constLast();
        page.next =
            PageKey{request.sort == SortKey::Amount ? last.amount.minorUnits() : last.created, last.id};
    }
    return page;
}

StoreResult<qint64> RefundRepository::count(const RefundFilter &filter)
{
    sql::Where where;
    buildWhere(filter, where);
    const StoreResult<QVariant> n =
        m_db.queryValue(u"SELECT COUNT(*) FROM refunds"_s + where.sql(), where.params);
    if (!n.ok())
        return n.error();
    return n.value().toLongLong();
}

StoreResult<std::optional<ObjectVersion>> RefundRepository::version(const QString &id)
{
    return sql::loadVersion(m_db, u"refunds"_s, id);
}

StoreResult<bool> RefundRepository::holdsNewerThan(const QString &id, const ObjectVersion &incoming)
{
    return sql::holdsNewerThan(m_db, u"refunds"_s, id, incoming);
}

} // namespace kassa::store
