// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/inboxwriter.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"
#include "services/stripe/stripejson.h"

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

// The same row as EventRepository::enqueue; the NOT EXISTS is its isProcessed() check.
constexpr char InsertSql[] =
    "INSERT INTO event_inbox (id, type, created, source, payload, received_at) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM events WHERE id = ?1) "
    "ON CONFLICT (created, id) DO NOTHING";

int bindText(sqlite3_stmt *statement, int index, const QString &text)
{
    // UTF-16 as QString holds it; valid until the statement is reset.
    return sqlite3_bind_text16(statement, index, text.utf16(), int(text.size() * 2), SQLITE_STATIC);
}

} // namespace

InboxWriter::InboxWriter(Database &db)
    : m_db(db)
{
}

InboxWriter::~InboxWriter()
{
    sqlite3_finalize(m_insert);
}

StoreResult<bool> InboxWriter::enqueue(const InboxEvent &event)
{
    if (!m_db.isSqlite() || !m_db.sqliteHandle())
        return EventRepository(m_db).enqueue(event);
    if (event.id.isEmpty())
        return sql::invalidData(u"an event without an id"_s);
    bool stored = false;
    const StoreError error = Transaction::run(m_db, [&]() -> StoreError {
        const StoreResult<bool> done = enqueueSqlite(event);
        if (!done.ok())
            return done.error();
        stored = done.value();
        return {};
    });
    if (error.isError())
        return error;
    return stored;
}

StoreResult<bool> InboxWriter::enqueueSqlite(const InboxEvent &event)
{
    auto *handle = static_cast<sqlite3 *>(m_db.sqliteHandle());
    const auto failed = [handle](int code) {
        return StoreError::fromSqlite(code, QString::fromUtf8(sqlite3_errmsg(handle)),
                                      u"queueing a webhook event"_s);
    };
    if (!m_insert) {
        if (const int code = sqlite3_prepare_v3(handle, InsertSql, int(sizeof InsertSql - 1),
                                                SQLITE_PREPARE_PERSISTENT, &m_insert, nullptr);
            code != SQLITE_OK)
            return failed(code);
    }
    stripe::StripeJson::blankClientSecrets(event.payload, &m_payload);
    const qint64 receivedAt = event.receivedAt > 0 ? event.receivedAt : m_db.now();
    int code = bindText(m_insert, 1, event.id);
    if (code == SQLITE_OK)
        code = bindText(m_insert, 2, event.type);
    if (code == SQLITE_OK)
        code = sqlite3_bind_int64(m_insert, 3, event.created);
    if (code == SQLITE_OK)
        code = bindText(m_insert, 4, event.source);
    if (code == SQLITE_OK)
        code = sqlite3_bind_text(m_insert, 5, m_payload.constData(), int(m_payload.size()), SQLITE_STATIC);
    if (code == SQLITE_OK)
        code = sqlite3_bind_int64(m_insert, 6, receivedAt);
    if (code == SQLITE_OK)
        code = sqlite3_step(m_insert);
    const bool inserted = code == SQLITE_DONE && sqlite3_changes(handle) == 1;
    // reset() repeats the step's error; the step's code is the one that says what went wrong.
    sqlite3_reset(m_insert);
    sqlite3_clear_bindings(m_insert);
    if (code != SQLITE_DONE)
        return failed(code);
    return inserted;
}

} // namespace kassa::store
