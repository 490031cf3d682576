// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "services/store/objectversion.h"
#include "services/store/page.h"
#include "services/store/storeresult.h"
#include "services/store/upsertresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace kassa::store {

class Database;

struct RefundRow
{
    QString id; // re_...
    QString chargeId;
    QString paymentIntentId; // from the refund, else from its charge when the store holds it
    QString status;
    Money amount;
    QString reason;
    QString failureReason;
    QString requestedBy; // metadata.requested_by
    QString approvedBy;  // metadata.approved_by
    qint64 created = 0;
    qint64 observedAt = 0;

    friend bool operator==(const RefundRow &, const RefundRow &) = default;
};

struct RefundFilter
{
    QString paymentIntentId;
    QString chargeId;
    QStringList statuses;
    std::optional<qint64> createdFrom; // inclusive
    std::optional<qint64> createdTo;   // exclusive
};

// Refunds: written from Stripe JSON, never moving backwards (ObjectVersion: pending 10, succeeded 20,
// failed and canceled final: a refund may fail after it succeeded). Writing a refund refreshes its
// payment's amount_refunded. Lists page by key (created or amount, then id).
//
// Every method runs on the caller's open transaction when there is one, else in its own.
class RefundRepository
{
public:
    explicit RefundRepository(Database &db);

    StoreResult<UpsertOutcome> upsert(const QJsonObject &refund, qint64 observedAt);
    StoreResult<BatchResult> upsertMany(const QList<QJsonObject> &refunds, qint64 observedAt);

    StoreResult<std::optional<RefundRow>> find(const QString &id);
    StoreResult<std::optional<QJsonObject>> rawJson(const QString &id);
    // Every refund of a PaymentIntent, newest first.
    StoreResult<QList<RefundRow>> forPayment(const QString &paymentIntentId);
    StoreResult<Page<RefundRow>> page(const RefundFilter &filter, const PageRequest &request);
    StoreResult<qint64> count(const RefundFilter &filter);
    StoreResult<std::optional<ObjectVersion>> version(const QString &id);
    StoreResult<bool> holdsNewerThan(const QString &id, const ObjectVersion &incoming);

private:
    StoreResult<UpsertOutcome> write(const QJsonObject &json, qint64 observedAt);
    Database &m_db;
};

} // namespace kassa::store
