// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeerror.h"
#include "services/store/storeresult.h"
#include "services/store/upsertresult.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <map>

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
struct StripeResponse;
} // namespace kassa::stripe

namespace kassa::sync {

// The one processor behind the three feeds (backfill, the events poller, the webhook receiver): applies
// a Stripe event's data.object to the store and marks the event processed in the same transaction, so
// that an event applied once is never applied again whatever feed brings it back. The store never moves
// an object backwards (ObjectVersion); when the event is older than what the store holds, or its object
// cannot be read, the object is fetched again from Stripe (asynchronously) and that is written.
class EventProcessor : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        bool ok = false;
        bool duplicate = false; // processed before, by any feed: nothing done
        store::UpsertOutcome outcome = store::UpsertOutcome::Ignored;
        bool refetching = false; // the object is being fetched again
        QString error;
    };

    // Without a client, nothing is re-fetched (stale events are only skipped).
    EventProcessor(store::Database &db, stripe::StripeClient *client, QObject *parent = nullptr);
    ~EventProcessor() override;

    // Applies one event (Stripe's Event JSON).
    Result process(const QJsonObject &event);
    // Writes an object read from the API (a backfill page, a re-fetch) as of `observedAt` (0: now).
    Result applyObject(const QJsonObject &object, qint64 observedAt = 0);

    // Applies several events in one transaction (group commit): each in a savepoint of its own, so that
    // one that fails does not undo the others; one commit makes all of them durable. Results in the
    // order of `events`; when the commit fails, every one of them failed.
    QList<Result> processBatch(const QList<QJsonObject> &events);

    // The webhook receiver's fast path: keeps the events (as received, `payloads`) in the store's inbox,
    // all in one transaction, and applies nothing yet; applyInbox() does that later. A null string for
    // each event now durably queued (or applied before), else why not.
    QList<QString> enqueue(const QList<QJsonObject> &events, const QList<QByteArray> &payloads,
                           const QString &source = QStringLiteral("webhook"));
    // Applies up to `limit` of the inbox's oldest events in one transaction (processBatch), each leaving
    // the inbox as it is applied. Gives how many were applied; when one of them fails, the others are
    // still applied, the failed one stays queued for the next call, and the error names it.
    store::StoreResult<int> applyInbox(int limit);

    // A WebhookReceiver::Sink: the event is applied (durably) before the receiver answers 2xx.
    bool sink(const QJsonObject &event, const QByteArray &rawBody, QString *error);

    // Re-fetches in flight.
    int pendingRefetches() const { return int(m_refetching.size()); }
    // The API path that retrieves an object of this type and id; empty for types the store does not keep.
    static QString retrievePath(const QString &objectType, const QString &id);

signals:
    void eventApplied(const QString &eventId, const QString &type);
    void refetched(const QString &objectId, bool ok);
    // No re-fetch in flight any more.
    void idle();

private:
    struct Applied
    {
        bool fresh = false;        // not processed before: eventApplied is emitted after the commit
        bool needsRefetch = false; // fetch the object again after the commit
    };

    // Marks and applies one event inside the caller's open transaction.
    store::StoreError applyInTransaction(const QJsonObject &event, Result *result, Applied *applied);
    void afterCommit(const QJsonObject &event, Result *result, const Applied &applied);
    void refetch(const QString &objectType, const QString &id);
    void onRefetched(const QString &objectType, const QString &id, const stripe::StripeResponse &response);

    store::Database &m_db;
    stripe::StripeClient *m_client;
    std::map<QString, bool> m_refetching; // id -> fetch again when back
};

} // namespace kassa::sync
