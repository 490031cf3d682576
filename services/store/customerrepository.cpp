// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/customerrepository.h"

#include "core/customer.h"
#include "services/store/database.h"
#include "services/store/paymentrepository.h"
#include "services/store/sqlsupport.h"
#include "services/stripe/stripejson.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

const QStringList WrittenColumns{
    u"id"_s,          u"name"_s,        u"email"_s,
    u"phone"_s,       u"description"_s, u"default_payment_method_id"_s,
    u"deleted"_s,     u"status"_s,      u"status_rank"_s,
    u"progress"_s,    u"created"_s,     u"livemode"_s,
    u"observed_at"_s, u"updated_at"_s,  u"raw"_s,
};

const QString SelectColumns =
    u"id, name, email, phone, description, default_payment_method_id, deleted, created, observed_at"_s;

CustomerRow readRow(const QSqlQuery &q)
{
    CustomerRow row;
    row.id = q.value(0).toString();
    row.name = q.value(1).toString();
    row.email = q.value(2).toString();
    row.phone = q.value(3).toString();
    row.description = q.value(4).toString();
    row.defaultPaymentMethodId = q.value(5).toString();
    row.deleted = q.value(6).toLongLong() != 0;
    row.created = q.value(7).toLongLong();
    row.observedAt = q.value(8).toLongLong();
    return row;
}

void buildWhere(Dialect dialect, const QString &search, bool includeDeleted, sql::Where &where)
{
    if (!includeDeleted)
        where.add(u"deleted = 0"_s);
    const QString like = sql::likeOperator(dialect);
    for (const QString &term : sql::searchTerms(search)) {
        const QString pattern = sql::containsPattern(term);
        where.add(
            u"(name %1 ? ESCAPE '\\' OR email %1 ? ESCAPE '\\' OR phone %1 ? ESCAPE '\\' OR id = ?)"_s.arg(
                like),
            {pattern, pattern, pattern, sql::text(term)});
    }
}

} // namespace

CustomerRepository::CustomerRepository(Database &db)
    : m_db(db)
{
}

StoreResult<UpsertOutcome> CustomerRepository::upsert(const QJsonObject &customer, qint64 observedAt)
{
    return sql::upsertOne(m_db, [&]() { return write(customer, observedAt); });
}

StoreResult<BatchResult> CustomerRepository::upsertMany(const QList<QJsonObject> &customers,
                                                        qint64 observedAt)
{
    return sql::upsertBatch(m_db, customers,
                            [&](const QJsonObject &json) { return write(json, observedAt); });
}

StoreResult<UpsertOutcome> CustomerRepository::write(const QJsonObject &json, qint64 observedAt)
{
    Customer customer;
    QString parseError;
    if (!stripe::StripeJson::parse(json, &customer, &parseError))
        return sql::invalidData(parseError);
    const ObjectVersion version = ObjectVersion::ofCustomer(customer.deleted, observedAt);
    StoreResult<qint64> changed = qint64(0);
    if (customer.deleted && !json.contains(u"email"_s) && !json.contains(u"name"_s)) {
        // {"id", "object", "deleted": true}: mark the row, keep what it said about the customer.
        static const QString sqlText =
            u"INSERT INTO customers (id, deleted, status, status_rank, observed_at, updated_at, raw) "
            "VALUES (?, 1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET deleted = 1, status = "
            "excluded.status, "
            "status_rank = excluded.status_rank, observed_at = excluded.observed_at, updated_at = "
            "excluded.updated_at WHERE "_s +
            ObjectVersion::sqlCondition(u"customers"_s);
        changed = m_db.exec(sqlText, {sql::text(customer.id), version.status, version.rank, observedAt,
                                      m_db.now(), sql::json(m_db, json)});
    } else {
        static const QString sqlText = sql::versionedUpsert(u"customers"_s, WrittenColumns);
        changed = m_db.exec(sqlText, {
                                         sql::text(customer.id),
                                         sql::text(customer.name),
                                         sql::text(customer.email),
                                         sql::text(customer.phone),
                                         sql::text(customer.description),
                                         sql::text(customer.defaultPaymentMethodId),
                                         customer.deleted ? 1 : 0,
                                         version.status,
                                         version.rank,
                                         version.progress,
                                         sql::seconds(customer.created),
                                         customer.livemode ? 1 : 0,
                                         observedAt,
                                         m_db.now(),
                                         sql::json(m_db, json),
                                     });
    }
    if (!changed.ok())
        return changed.error();
    if (changed.value() == 0)
        return UpsertOutcome::Stale;
    const StoreError refreshed =
        PaymentRepository(m_db).refreshDerived(PaymentRepository::DerivedBy::CustomerId, customer.id);
    if (refreshed.isError())
        return refreshed;
    return UpsertOutcome::Applied;
}

StoreResult<std::optional<CustomerRow>> CustomerRepository::find(const QString &id)
{
    return sql::firstRow<CustomerRow>(m_db, u"SELECT %1 FROM customers WHERE id = ?"_s.arg(SelectColumns),
                                      {sql::text(id)}, readRow);
}

StoreResult<std::optional<QJsonObject>> CustomerRepository::rawJson(const QString &id)
{
    return sql::loadRaw(m_db, u"customers"_s, id);
}

StoreResult<Page<CustomerRow>> CustomerRepository::page(const QString &search, const PageRequest &request,
                                                        bool includeDeleted)
{
    sql::Where where;
    buildWhere(m_db.dialect(), search, includeDeleted, where);
    const QString column = u"created"_s;
    sql::addKeyset(where, column, request);
    QVariantList params = where.params;
    const QString sqlText = u"SELECT %1 FROM customers"_s.arg(SelectColumns) + where.sql() +
                            sql::orderAndLimit(column, request, params);
    Page<CustomerRow> page;
    const StoreError error = m_db.query(sqlText, params, [&page](const QSqlQuery &row) {
        page.rows.append(readRow(row));
        return true;
    });
    if (error.isError())
        return error;
    if (page.rows.size() > sql::limitOf(request)) {
        page.rows.removeLast();
        page.next = PageKey{page.rows.constLast().created, page.rows.constLast().id};
    }
    return page;
}

StoreResult<qint64> CustomerRepository::count(const QString &search, bool includeDeleted)
{
    sql::Where where;
    buildWhere(m_db.dialect(), search, includeDeleted, where);
    const StoreResult<QVariant> n =
        m_db.queryValue(u"SELECT COUNT(*) FROM customers"_s + where.sql(), where.params);
    if (!n.ok())
        return n.error();
    return n.value().toLongLong();
}

StoreResult<std::optional<ObjectVersion>> CustomerRepository::version(const QString &id)
{
    return sql::loadVersion(m_db, u"customers"_s, id);
}

StoreResult<bool> CustomerRepository::holdsNewerThan(const QString &id, const ObjectVersion &incoming)
{
    return sql::holdsNewerThan(m_db, u"customers"_s, id, incoming);
}

} // namespace kassa::store
