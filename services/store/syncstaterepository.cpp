// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/syncstaterepository.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

SyncStateRepository::SyncStateRepository(Database &db)
    : m_db(db)
{
}

StoreResult<std::optional<QString>> SyncStateRepository::value(const QString &key)
{
    std::optional<QString> found;
    const StoreError error = m_db.query(u"SELECT value FROM sync_state WHERE key = ?"_s, {sql::text(key)},
                                        [&found](const QSqlQuery &row) {
                                            found = row.value(0).toString();
                                            return false;
                                        });
    if (error.isError())
        return error;
    return found;
}

StoreError SyncStateRepository::setValue(const QString &key, const QString &value)
{
    if (key.isEmpty())
        return sql::invalidData(u"a sync state value needs a key"_s);
    const StoreResult<qint64> written = m_db.exec(
        u"INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
        "SET value = excluded.value, updated_at = excluded.updated_at"_s,
        {sql::text(key), sql::text(value), m_db.now()});
    return written.ok() ? StoreError{} : written.error();
}

StoreResult<std::optional<qint64>> SyncStateRepository::integer(const QString &key)
{
    const StoreResult<std::optional<QString>> text = value(key);
    if (!text.ok())
        return text.error();
    if (!text.value())
        return std::optional<qint64>();
    bool ok = false;
    const qint64 number = text.value()->toLongLong(&ok);
    return ok ? std::optional<qint64>(number) : std::optional<qint64>();
}

StoreError SyncStateRepository::setInteger(const QString &key, qint64 value)
{
    return setValue(key, QString::number(value));
}

StoreResult<bool> SyncStateRepository::remove(const QString &key)
{
    const StoreResult<qint64> removed =
        m_db.exec(u"DELETE FROM sync_state WHERE key = ?"_s, {sql::text(key)});
    if (!removed.ok())
        return removed.error();
    return removed.value() > 0;
}

StoreResult<QMap<QString, QString>> SyncStateRepository::values(const QString &prefix)
{
    QMap<QString, QString> all;
    // A prefix as a range (key >= prefix AND key < prefix + U+FFFF) rather than LIKE: no escaping, and
    // the primary key's index serves it.
    const StoreError error =
        m_db.query(u"SELECT key, value FROM sync_state WHERE key >= ? AND key < ? ORDER BY key"_s,
                   {sql::text(prefix), QString(prefix + QChar(0xffff))}, [&all](const QSqlQuery &row) {
                       all.insert(row.value(0).toString(), row.value(1).toString());
                       return true;
                   });
    if (error.isError())
        return error;
    return all;
}

} // namespace kassa::store
