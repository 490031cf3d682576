// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeresult.h"
#include "services/store/upsertresult.h"

#include <QJsonObject>
#include <QList>

namespace kassa::store {

class Database;

// Writes Stripe objects of any kind the store keeps, chosen by their `object` field: payment_intent,
// charge, refund, payment_method, customer. Others (events, readers, ...) are Ignored. This is the entry
// point of the sync feeds: a backfill page, an event's data.object, a POST's answer.
//
// The batch form writes all in one transaction (the caller's, when one is open), reusing prepared
// statements: the fast way to ingest. Writes obey ObjectVersion (never backwards).
class StoreIngest
{
public:
    explicit StoreIngest(Database &db);

    // `observedAt`: when Stripe produced these states, Unix seconds (see ObjectVersion).
    StoreResult<UpsertOutcome> upsert(const QJsonObject &object, qint64 observedAt);
    StoreResult<BatchResult> upsertMany(const QList<QJsonObject> &objects, qint64 observedAt);

private:
    StoreResult<UpsertOutcome> write(const QJsonObject &object, qint64 observedAt);
    Database &m_db;
};

} // namespace kassa::store
