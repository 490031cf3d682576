// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/settingsrepository.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

SettingsRepository::SettingsRepository(Database &db)
    : m_db(db)
{
}

StoreResult<std::optional<QString>> SettingsRepository::value(const QString &key)
{
    std::optional<QString> found;
    const StoreError error = m_db.query(u"SELECT value FROM settings WHERE key = ?"_s, {sql::text(key)},
                                        [&found](const QSqlQuery &row) {
                                            found = row.value(0).toString();
                                            return false;
                                        });
    if (error.isError())
        return error;
    return found;
}

StoreError SettingsRepository::setValue(const QString &key, const std::optional<QString> &value,
                                        const QString &updatedBy)
{
    if (!value) {
        const StoreResult<qint64> removed =
            m_db.exec(u"DELETE FROM settings WHERE key = ?"_s, {sql::text(key)});
        return removed.ok() ? StoreError{} : removed.error();
    }
    const StoreResult<qint64> written = m_db.exec(
        u"INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO "
        "UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by"_s,
        {sql::text(key), sql::text(*value), m_db.now(), sql::text(updatedBy)});
    return written.ok() ? StoreError{} : written.error();
}

} // namespace kassa::store
