// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/eventrepository.h"
#include "services/store/storeresult.h"

#include <QByteArray>

struct sqlite3_stmt;

namespace kassa::store {

class Database;

// The webhook receiver's write: EventRepository::enqueue for a writer that queues events one after
// another on the same connection. On SQLite it keeps one statement prepared for its lifetime and binds the
// payload as the UTF-8 it arrived in (the driver would bind a QString, which SQLite turns back into
// UTF-8: two conversions of every body), and it asks "queued or applied already?" in the same statement.
// On PostgreSQL it is EventRepository::enqueue.
class InboxWriter
{
public:
    explicit InboxWriter(Database &db);
    ~InboxWriter();
    InboxWriter(const InboxWriter &) = delete;
    InboxWriter &operator=(const InboxWriter &) = delete;

    // True when `event` is queued now; false when it was queued or applied before (as good as stored).
    // In the caller's transaction when there is one, else in its own.
    StoreResult<bool> enqueue(const InboxEvent &event);

private:
    StoreResult<bool> enqueueSqlite(const InboxEvent &event);

    Database &m_db;
    sqlite3_stmt *m_insert = nullptr;
    QByteArray m_payload; // reused: the body with client secrets blanked
};

} // namespace kassa::store
