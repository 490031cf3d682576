// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/paymentmethodrepository.h"

#include "core/paymentmethod.h"
#include "services/store/database.h"
#include "services/store/paymentrepository.h"
#include "services/store/sqlsupport.h"
#include "services/stripe/stripejson.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

const QStringList WrittenColumns{
    u"id"_s,           u"customer_id"_s,   u"type"_s,       u"status"_s,    u"status_rank"_s,
    u"progress"_s,     u"card_brand"_s,    u"card_last4"_s, u"exp_month"_s, u"exp_year"_s,
    u"billing_name"_s, u"billing_email"_s, u"created"_s,    u"livemode"_s,  u"observed_at"_s,
    u"updated_at"_s,   u"raw"_s,
};

const QString SelectColumns =
    u"id, customer_id, type, card_brand, card_last4, exp_month, exp_year, billing_name, "
    "billing_email, created, observed_at"_s;

PaymentMethodRow readRow(const QSqlQuery &q)
{
    PaymentMethodRow row;
    row.id = q.value(0).toString();
    row.customerId = q.value(1).toString();
    row.type = q.value(2).toString();
    row.cardBrand = q.value(3).toString();
    row.cardLast4 = q.value(4).toString();
    row.expMonth = int(q.value(5).toLongLong());
    row.expYear = int(q.value(6).toLongLong());
    row.billingName = q.value(7).toString();
    row.billingEmail = q.value(8).toString();
    row.created = q.value(9).toLongLong();
    row.observedAt = q.value(10).toLongLong();
    return row;
}

} // namespace

PaymentMethodRepository::PaymentMethodRepository(Database &db)
    : m_db(db)
{
}

StoreResult<UpsertOutcome> PaymentMethodRepository::upsert(const QJsonObject &paymentMethod,
                                                           qint64 observedAt)
{
    return sql::upsertOne(m_db, [&]() { return write(paymentMethod, observedAt); });
}

StoreResult<BatchResult> PaymentMethodRepository::upsertMany(const QList<QJsonObject> &paymentMethods,
                                                             qint64 observedAt)
{
    return sql::upsertBatch(m_db, paymentMethods,
                            [&](const QJsonObject &json) { return write(json, observedAt); });
}

StoreResult<UpsertOutcome> PaymentMethodRepository::write(const QJsonObject &json, qint64 observedAt)
{
    PaymentMethod method;
    QString parseError;
    if (!stripe::StripeJson::parse(json, &method, &parseError))
        return sql::invalidData(parseError);
    const QString type = json.value(u"type"_s).toString();
    // The card-like part of whatever type this is (card, card_present, interac_present; bank accounts
    // have a last4 too).
    const QJsonObject details = json.value(type).toObject();
    QString last4 = details.value(u"last4"_s).toString();
    QString brand = details.value(u"brand"_s).toString();
    const ObjectVersion version = ObjectVersion::ofPaymentMethod(observedAt);
    static const QString sqlText = sql::versionedUpsert(u"payment_methods"_s, WrittenColumns);
    const StoreResult<qint64> changed =
        m_db.exec(sqlText, {
                               sql::text(method.id),
                               sql::text(method.customerId),
                               sql::text(type),
                               version.status,
                               version.rank,
                               version.progress,
                               sql::text(brand),
                               sql::text(last4),
                               qint64(details.value(u"exp_month"_s).toInteger()),
                               qint64(details.value(u"exp_year"_s).toInteger()),
                               sql::text(method.billingDetails.name),
                               sql::text(method.billingDetails.email),
                               sql::seconds(method.created),
                               method.livemode ? 1 : 0,
                               observedAt,
                               m_db.now(),
                               sql::json(m_db, json),
                           });
    if (!changed.ok())
        return changed.error();
    if (changed.value() == 0)
        return UpsertOutcome::Stale;
    const StoreError refreshed =
        PaymentRepository(m_db).refreshDerived(PaymentRepository::DerivedBy::PaymentMethodId, method.id);
    if (refreshed.isError())
        return refreshed;
    return UpsertOutcome::Applied;
}

StoreResult<std::optional<PaymentMethodRow>> PaymentMethodRepository::find(const QString &id)
{
    return sql::firstRow<PaymentMethodRow>(
        m_db, u"SELECT %1 FROM payment_methods WHERE id = ?"_s.arg(SelectColumns), {sql::text(id)}, readRow);
}

StoreResult<std::optional<QJsonObject>> PaymentMethodRepository::rawJson(const QString &id)
{
    return sql::loadRaw(m_db, u"payment_methods"_s, id);
}

StoreResult<QList<PaymentMethodRow>> PaymentMethodRepository::forCustomer(const QString &customerId)
{
    QList<PaymentMethodRow> rows;
    if (customerId.isEmpty())
        return rows;
    const StoreError error = m_db.query(
        u"SELECT %1 FROM payment_methods WHERE customer_id = ? ORDER BY created DESC, id DESC"_s.arg(
            SelectColumns),
        {sql::text(customerId)}, [&rows](const QSqlQuery &row) {
            rows.append(readRow(row));
            return true;
        });
    if (error.isError())
        return error;
    return rows;
}

StoreResult<std::optional<ObjectVersion>> PaymentMethodRepository::version(const QString &id)
{
    return sql::loadVersion(m_db, u"payment_methods"_s, id);
}

StoreResult<bool> PaymentMethodRepository::holdsNewerThan(const QString &id, const ObjectVersion &incoming)
{
    return sql::holdsNewerThan(m_db, u"payment_methods"_s, id, incoming);
}

} // namespace kassa::store
