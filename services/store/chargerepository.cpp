// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/chargerepository.h"

#include "core/charge.h"
#include "services/store/database.h"
#include "services/store/paymentrepository.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"
#include "services/stripe/stripejson.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

const QStringList WrittenColumns{
    u"id"_s,
    u"payment_intent_id"_s,
    u"customer_id"_s,
    u"status"_s,
    u"status_rank"_s,
    u"progress"_s,
    u"amount"_s,
    u"amount_captured"_s,
    u"amount_refunded"_s,
    u"currency"_s,
    u"refunded"_s,
    u"captured"_s,
    u"paid"_s,
    u"disputed"_s,
    u"payment_method_id"_s,
    u"payment_method_type"_s,
    u"card_brand"_s,
    u"card_last4"_s,
    u"failure_code"_s,
    u"created"_s,
    u"livemode"_s,
    u"observed_at"_s,
    u"updated_at"_s,
    u"raw"_s,
};

const QString SelectColumns =
    u"id, payment_intent_id, customer_id, status, amount, amount_captured, amount_refunded, currency, "
    u"refunded, "
    "captured, paid, disputed, payment_method_id, payment_method_type, card_brand, card_last4, failure_code, "
    "created, observed_at"_s;

ChargeRow readRow(const QSqlQuery &q)
{
    ChargeRow row;
    const Currency currency = Currency::fromCode(q.value(7).toString()).value_or(Currency());
    row.id = q.value(0).toString();
    row.paymentIntentId = q.value(1).toString();
    row.customerId = q.value(2).toString();
    row.status = q.value(3).toString();
    row.amount = Money(q.value(4).toLongLong(), currency);
    row.amountCaptured = Money(q.value(5).toLongLong(), currency);
    row.amountRefunded = Money(q.value(6).toLongLong(), currency);
    row.refunded = q.value(8).toLongLong() != 0;
    row.captured = q.value(9).toLongLong() != 0;
    row.paid = q.value(10).toLongLong() != 0;
    row.disputed = q.value(11).toLongLong() != 0;
    row.paymentMethodId = q.value(12).toString();
    row.paymentMethodType = q.value(13).toString();
    row.cardBrand = q.value(14).toString();
    row.cardLast4 = q.value(15).toString();
    row.failureCode = q.value(16).toString();
    row.created = q.value(17).toLongLong();
    row.observedAt = q.value(18).toLongLong();
    return row;
}

} // namespace

ChargeRepository::ChargeRepository(Database &db)
    : m_db(db)
{
}

StoreResult<UpsertOutcome> ChargeRepository::upsert(const QJsonObject &charge, qint64 observedAt)
{
    return sql::upsertOne(m_db, [&]() { return write(charge, observedAt); });
}

StoreResult<BatchResult> ChargeRepository::upsertMany(const QList<QJsonObject> &charges, qint64 observedAt)
{
    return sql::upsertBatch(m_db, charges, [&](const QJsonObject &json) { return write(json, observedAt); });
}

StoreResult<UpsertOutcome> ChargeRepository::write(const QJsonObject &json, qint64 observedAt)
{
    Charge charge;
    QString parseError;
    if (!stripe::StripeJson::parse(json, &charge, &parseError))
        return sql::invalidData(parseError);
    const QString status = json.value(u"status"_s).toString();
    const ObjectVersion version = ObjectVersion::ofCharge(
        status, observedAt, charge.amountCaptured.minorUnits(), charge.amountRefunded.minorUnits());
    const QJsonObject details = json.value(u"payment_method_details"_s).toObject();
    const QString methodType = details.value(u"type"_s).toString();
    const QJsonObject method = details.value(methodType).toObject();
    static const QString sqlText = sql::versionedUpsert(u"charges"_s, WrittenColumns);
    const StoreResult<qint64> changed = m_db.exec(sqlText, {
                                                               sql::text(charge.id),
                                                               sql::text(charge.paymentIntentId),
                                                               sql::text(charge.customerId),
                                                               sql::text(status),
                                                               version.rank,
                                                               version.progress,
                                                               charge.amount.minorUnits(),
                                                               charge.amountCaptured.minorUnits(),
                                                               charge.amountRefunded.minorUnits(),
                                                               sql::text(charge.currency().code()),
                                                               charge.refunded ? 1 : 0,
                                                               charge.captured ? 1 : 0,
                                                               charge.paid ? 1 : 0,
                                                               charge.disputed ? 1 : 0,
                                                               sql::text(charge.paymentMethodId),
                                                               sql::text(methodType),
                                                               sql::text(method.value(u"brand"_s).toString()),
                                                               sql::text(charge.paymentMethodDetails.last4),
                                                               sql::text(charge.failureCode),
                                                               sql::seconds(charge.created),
                                                               charge.livemode ? 1 : 0,
                                                               observedAt,
                                                               m_db.now(),
                                                               sql::json(m_db, json),
                                                           });
    if (!changed.ok())
        return changed.error();
    if (changed.value() == 0)
        return UpsertOutcome::Stale;
    const StoreError refreshed =
        PaymentRepository(m_db).refreshDerived(PaymentRepository::DerivedBy::LatestChargeId, charge.id);
    if (refreshed.isError())
        return refreshed;
    return UpsertOutcome::Applied;
}

StoreResult<std::optional<ChargeRow>> ChargeRepository::find(const QString &id)
{
    return sql::firstRow<ChargeRow>(m_db, u"SELECT %1 FROM charges WHERE id = ?"_s.arg(SelectColumns),
                                    {sql::text(id)}, readRow);
}

StoreResult<std::optional<QJsonObject>> ChargeRepository::rawJson(const QString &id)
{
    return sql::loadRaw(m_db, u"charges"_s, id);
}

StoreResult<QList<ChargeRow>> ChargeRepository::forPayment(const QString &paymentIntentId)
{
    return sql::allRows<ChargeRow>(
        m_db,
        u"SELECT %1 FROM charges WHERE payment_intent_id = ? ORDER BY created DESC, id DESC"_s.arg(
            SelectColumns),
        {sql::text(paymentIntentId)}, readRow);
}

StoreResult<std::optional<ObjectVersion>> ChargeRepository::version(const QString &id)
{
    return sql::loadVersion(m_db, u"charges"_s, id);
}

StoreResult<bool> ChargeRepository::holdsNewerThan(const QString &id, const ObjectVersion &incoming)
{
    return sql::holdsNewerThan(m_db, u"charges"_s, id, incoming);
}

} // namespace kassa::store
