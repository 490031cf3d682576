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

StoreResult<std::optional<Setting>> SettingsRepository::find(const QString &key)
{
    return sql::firstRow<Setting>(m_db,
                                  u"SELECT key, value, updated_at, updated_by FROM settings WHERE key = ?"_s,
                                  {sql::text(key)}, [](const QSqlQuery &row) {
                                      return Setting{row.value(0).toString(), row.value(1).toString(),
                                                     row.value(2).toLongLong(), row.value(3).toString()};
                                  });
}

StoreError SettingsRepository::setValue(const QString &key, const QString &value, const QString &updatedBy)
{
    if (key.isEmpty())
        return sql::invalidData(u"a setting needs a key"_s);
    const StoreResult<qint64> written = m_db.exec(
        u"INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO "
        "UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by"_s,
        {sql::text(key), sql::text(value), m_db.now(), sql::text(updatedBy)});
    return written.ok() ? StoreError{} : written.error();
}

} // namespace kassa::store
