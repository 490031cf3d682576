// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/storeingest.h"

#include "services/store/chargerepository.h"
#include "services/store/customerrepository.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/sqlsupport.h"

using namespace Qt::StringLiterals;

namespace kassa::store {

StoreIngest::StoreIngest(Database &db)
    : m_db(db)
{
}

StoreResult<UpsertOutcome> StoreIngest::upsert(const QJsonObject &object, qint64 observedAt)
{
    return sql::upsertOne(m_db, [&]() { return write(object, observedAt); });
}

StoreResult<BatchResult> StoreIngest::upsertMany(const QList<QJsonObject> &objects, qint64 observedAt)
{
    return sql::upsertBatch(m_db, objects, [&](const QJsonObject &json) { return write(json, observedAt); });
}

StoreResult<UpsertOutcome> StoreIngest::write(const QJsonObject &object, qint64 observedAt)
{
    const QString type = object.value(u"object"_s).toString();
    // Each repository's upsert joins the transaction upsertOne()/upsertBatch() opened.
    if (type == u"payment_intent"_s)
        return PaymentRepository(m_db).upsert(object, observedAt);
    if (type == u"charge"_s)
        return ChargeRepository(m_db).upsert(object, observedAt);
    if (type == u"refund"_s)
        return RefundRepository(m_db).upsert(object, observedAt);
    if (type == u"payment_method"_s)
        return PaymentMethodRepository(m_db).upsert(object, observedAt);
    if (type == u"customer"_s)
        return CustomerRepository(m_db).upsert(object, observedAt);
    return UpsertOutcome::Ignored;
}

} // namespace kassa::store
