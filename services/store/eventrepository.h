// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeresult.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace kassa::store {

class Database;

// An event received but not yet applied (the webhook receiver's durable copy).
struct InboxEvent
{
    QString id; // evt_...
    QString type;
    qint64 created = 0;    // the event's created, Unix seconds
    QString source;        // "webhook", "poller", ...
    QByteArray payload;    // the event JSON as received (UTF-8); stored with client secrets blanked
    qint64 receivedAt = 0; // local clock

    friend bool operator==(const InboxEvent &, const InboxEvent &) = default;
};

// An event the store applied, as a payment's timeline lists it.
struct ProcessedEvent
{
    QString id;             // evt_...
    QString type;           // "charge.refunded"
    qint64 created = 0;     // the event's created, Unix seconds
    QString objectId;       // the object it was about: pi_..., ch_..., re_...
    qint64 processedAt = 0; // local clock

    friend bool operator==(const ProcessedEvent &, const ProcessedEvent &) = default;
};

// Stripe events: which ones were applied (the dedupe that makes every feed safe to replay), and an
// inbox of received events waiting to be applied.
//
// The event processor marks an event processed in the same transaction that applies it:
//
//     Transaction transaction(db);
//     const StoreResult<bool> fresh = events.markProcessed(event.id, event.type, event.created);
//     if (!fresh.ok()) return fresh.error();
//     if (fresh.value()) { ... apply the object ... }   // false: applied before, by any feed
//     events.removeFromInbox(event.id, event.created);
//     return transaction.commit();
//
// so that a crash either applies and marks, or neither.
class EventRepository
{
public:
    explicit EventRepository(Database &db);

    // Records `eventId` as applied. True when it was not yet; false when it already was (skip it).
    // Only inside the caller's transaction (Kind::Transaction otherwise): marking must commit or roll
    // back together with the change the event makes.
    // `objectId`: the id of the event's data.object, so that the object's timeline can list it.
    StoreResult<bool> markProcessed(const QString &eventId, const QString &type = {}, qint64 created = 0,
                                    const QString &objectId = {});
    // The applied events about any of `objectIds` (a payment, its charges, its refunds), oldest first (by
    // created, then id), at most `limit`. Through the events_object index: a few rows per object.
    StoreResult<QList<ProcessedEvent>> forObjects(const QStringList &objectIds, int limit = 200);
    StoreResult<bool> isProcessed(const QString &eventId);
    // Forgets processed events created before `createdBefore` (Stripe keeps 30 days of events; keep
    // more than the poller's overlap). Gives how many were removed.
    StoreResult<qint64> pruneProcessed(qint64 createdBefore);

    // Stores a received event until it is applied. False when it is already in the inbox or was already
    // processed (nothing to do). Commits on its own when no transaction is open: a webhook is answered
    // 2xx only after this returned true or false.
    StoreResult<bool> enqueue(const InboxEvent &event);
    // The oldest events of the inbox (by created, then id), at most `limit`. An event delivered again while
    // it waits (the same id and created) is queued once.
    StoreResult<QList<InboxEvent>> inbox(int limit);
    StoreResult<qint64> inboxSize();
    // True when it was in the inbox. `created` is the event's, as it was queued: the inbox is kept in
    // arrival order and found by (created, id), not by the id alone.
    StoreResult<bool> removeFromInbox(const QString &eventId, qint64 created);

private:
    Database &m_db;
};

} // namespace kassa::store
