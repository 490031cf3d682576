// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/upsertresult.h"

#include <QJsonObject>
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
    void refetch(const QString &objectType, const QString &id);
    void onRefetched(const QString &objectType, const QString &id, const stripe::StripeResponse &response);

    store::Database &m_db;
    stripe::StripeClient *m_client;
    std::map<QString, bool> m_refetching; // id -> fetch again when back
};

} // namespace kassa::sync
