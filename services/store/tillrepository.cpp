// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/tillrepository.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::store {

TillRepository::TillRepository(Database &db)
    : m_db(db)
{
}

StoreError TillRepository::upsert(const QString &id, const QString &name)
{
    if (id.isEmpty())
        return sql::invalidData(u"a till needs an id"_s);
    const StoreResult<qint64> written =
        m_db.exec(u"INSERT INTO tills (id, name, last_seen) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                  "name = excluded.name, last_seen = excluded.last_seen"_s,
                  {sql::text(id), sql::text(name), m_db.now()});
    return written.ok() ? StoreError{} : written.error();
}

StoreResult<bool> TillRepository::touch(const QString &id)
{
    const StoreResult<qint64> changed =
        m_db.exec(u"UPDATE tills SET last_seen = ? WHERE id = ?"_s, {m_db.now(), sql::text(id)});
    if (!changed.ok())
        return changed.error();
    return changed.value() > 0;
}

StoreResult<std::optional<Till>> TillRepository::find(const QString &id)
{
    std::optional<Till> found;
    const StoreError error = m_db.query(
        u"SELECT id, name, last_seen FROM tills WHERE id = ?"_s, {sql::text(id)},
        [&found](const QSqlQuery &row) {
            found = Till{row.value(0).toString(), row.value(1).toString(), row.value(2).toLongLong()};
            return false;
        });
    if (error.isError())
        return error;
    return found;
}

StoreResult<QList<Till>> TillRepository::list()
{
    QList<Till> tills;
    const StoreError error = m_db.query(
        u"SELECT id, name, last_seen FROM tills ORDER BY name, id"_s, {}, [&tills](const QSqlQuery &row) {
            tills.append(Till{row.value(0).toString(), row.value(1).toString(), row.value(2).toLongLong()});
            return true;
        });
    if (error.isError())
        return error;
    return tills;
}

} // namespace kassa::store
