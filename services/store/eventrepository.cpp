// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/eventrepository.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"
#include "services/stripe/stripejson.h"

#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::store {

EventRepository::EventRepository(Database &db)
    : m_db(db)
{
}

StoreResult<bool> EventRepository::markProcessed(const QString &eventId, const QString &type, qint64 created,
                                                 const QString &objectId)
{
    if (!m_db.inTransaction()) {
        return StoreError::make(StoreError::Kind::Transaction,
                                u"marking an event processed needs the transaction that applies it"_s);
    }
    if (eventId.isEmpty())
        return sql::invalidData(u"an event without an id"_s);
    const StoreResult<qint64> inserted =
        m_db.exec(u"INSERT INTO events (id, type, created, processed_at, object_id) VALUES (?, ?, ?, ?, ?) "
                  "ON CONFLICT (id) DO NOTHING"_s,
                  {sql::text(eventId), sql::text(type), created, m_db.now(), sql::text(objectId)});
    if (!inserted.ok())
        return inserted.error();
    return inserted.value() == 1;
}

StoreResult<bool> EventRepository::isProcessed(const QString &eventId)
{
    const StoreResult<QVariant> found =
        m_db.queryValue(u"SELECT COUNT(*) FROM events WHERE id = ?"_s, {sql::text(eventId)});
    if (!found.ok())
        return found.error();
    return found.value().toLongLong() > 0;
}

StoreResult<QList<ProcessedEvent>> EventRepository::forObjects(const QStringList &objectIds, int limit)
{
    QList<ProcessedEvent> events;
    QStringList ids;
    for (const QString &id : objectIds) {
        if (!id.isEmpty() && !ids.contains(id))
            ids << id;
    }
    if (ids.isEmpty())
        return events;
    QVariantList params;
    QStringList marks;
    for (const QString &id : std::as_const(ids)) {
        params << sql::text(id);
        marks << u"?"_s;
    }
    params << qint64(std::max(limit, 1));
    const StoreError error =
        m_db.query(u"SELECT id, type, created, object_id, processed_at FROM events WHERE object_id IN (%1) "
                   "ORDER BY created, id LIMIT ?"_s.arg(marks.join(u", "_s)),
                   params, [&events](const QSqlQuery &row) {
                       events.append(ProcessedEvent{row.value(0).toString(), row.value(1).toString(),
                                                    row.value(2).toLongLong(), row.value(3).toString(),
                                                    row.value(4).toLongLong()});
                       return true;
                   });
    if (error.isError())
        return error;
    return events;
}

StoreResult<qint64> EventRepository::pruneProcessed(qint64 createdBefore)
{
    return m_db.exec(u"DELETE FROM events WHERE created < ?"_s, {createdBefore});
}

StoreResult<bool> EventRepository::enqueue(const InboxEvent &event)
{
    if (event.id.isEmpty())
        return sql::invalidData(u"an event without an id"_s);
    bool stored = false;
    const StoreError error = Transaction::run(m_db, [&]() -> StoreError {
        const StoreResult<bool> done = isProcessed(event.id);
        if (!done.ok())
            return done.error();
        if (done.value())
            return {};
        const StoreResult<qint64> inserted =
            m_db.exec(u"INSERT INTO event_inbox (id, type, created, source, payload, received_at) VALUES (?, "
                      u"?, ?, ?, ?, ?) "
                      "ON CONFLICT (created, id) DO NOTHING"_s,
                      {sql::text(event.id), sql::text(event.type), event.created, sql::text(event.source),
                       sql::text(QString::fromUtf8(stripe::StripeJson::blankClientSecrets(event.payload))),
                       event.receivedAt > 0 ? event.receivedAt : m_db.now()});
        if (!inserted.ok())
            return inserted.error();
        stored = inserted.value() == 1;
        return {};
    });
    if (error.isError())
        return error;
    return stored;
}

StoreResult<QList<InboxEvent>> EventRepository::inbox(int limit)
{
    QList<InboxEvent> events;
    const StoreError error = m_db.query(
        u"SELECT id, type, created, source, payload, received_at FROM event_inbox ORDER BY created, id LIMIT ?"_s,
        {qint64(std::max(limit, 1))}, [&events](const QSqlQuery &row) {
            events.append(InboxEvent{row.value(0).toString(), row.value(1).toString(),
                                     row.value(2).toLongLong(), row.value(3).toString(),
                                     row.value(4).toString().toUtf8(), row.value(5).toLongLong()});
            return true;
        });
    if (error.isError())
        return error;
    return events;
}

StoreResult<qint64> EventRepository::inboxSize()
{
    const StoreResult<QVariant> n = m_db.queryValue(u"SELECT COUNT(*) FROM event_inbox"_s);
    if (!n.ok())
        return n.error();
    return n.value().toLongLong();
}

StoreResult<bool> EventRepository::removeFromInbox(const QString &eventId, qint64 created)
{
    const StoreResult<qint64> removed =
        m_db.exec(u"DELETE FROM event_inbox WHERE created = ? AND id = ?"_s, {created, sql::text(eventId)});
    if (!removed.ok())
        return removed.error();
    return removed.value() > 0;
}

} // namespace kassa::store
