// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/objectversion.h"
#include "services/store/page.h"
#include "services/store/storeresult.h"
#include "services/store/upsertresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace kassa::store {

class Database;

struct CustomerRow
{
    QString id; // cus_...
    QString name;
    QString email;
    QString phone;
    QString description;
    QString defaultPaymentMethodId;
    bool deleted = false;
    qint64 created = 0;
    qint64 observedAt = 0;

    friend bool operator==(const CustomerRow &, const CustomerRow &) = default;
};

// Customers: written from Stripe JSON. A deleted customer ({"id", "deleted": true}, or the object of a
// customer.deleted event) keeps its row, marked deleted, with the name and email it had, so that old
// payments still show who paid; deleted is final (ObjectVersion). Writing a customer refreshes the
// customer name and email shown beside its payments.
//
// Every method runs on the caller's open transaction when there is one, else in its own.
class CustomerRepository
{
public:
    explicit CustomerRepository(Database &db);

    StoreResult<UpsertOutcome> upsert(const QJsonObject &customer, qint64 observedAt);
    StoreResult<BatchResult> upsertMany(const QList<QJsonObject> &customers, qint64 observedAt);

    StoreResult<std::optional<CustomerRow>> find(const QString &id);
    StoreResult<std::optional<QJsonObject>> rawJson(const QString &id);
    // Customers, newest first (or by request.order), optionally only those whose name, email or phone
    // contains every word of `search` (case-insensitive). Deleted customers are left out unless
    // `includeDeleted`. Sorted by created only (request.sort is ignored).
    StoreResult<Page<CustomerRow>> page(const QString &search, const PageRequest &request,
                                        bool includeDeleted = false);
    StoreResult<qint64> count(const QString &search, bool includeDeleted = false);
    StoreResult<std::optional<ObjectVersion>> version(const QString &id);
    StoreResult<bool> holdsNewerThan(const QString &id, const ObjectVersion &incoming);

private:
    StoreResult<UpsertOutcome> write(const QJsonObject &json, qint64 observedAt);
    Database &m_db;
};

} // namespace kassa::store
