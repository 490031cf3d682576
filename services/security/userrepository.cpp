// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/userrepository.h"

#include "services/store/database.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"

#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

const QString Columns = u"id, name, display_name, role, pin_hash, pin_kind, disabled, failed_attempts, "
                        "lockout_count, locked_until, created_at, updated_at"_s;

User readUser(const QSqlQuery &row)
{
    User user;
    user.id = row.value(0).toLongLong();
    user.name = row.value(1).toString();
    user.displayName = row.value(2).toString();
    user.role = roleFromName(row.value(3).toString()).value_or(Role::Cashier);
    user.pinHash = row.value(4).toString();
    user.pinKind = row.value(5).toString();
    user.disabled = row.value(6).toLongLong() != 0;
    user.failedAttempts = int(row.value(7).toLongLong());
    user.lockoutCount = int(row.value(8).toLongLong());
    user.lockedUntil = row.value(9).toLongLong();
    user.createdAt = row.value(10).toLongLong();
    user.updatedAt = row.value(11).toLongLong();
    return user;
}

store::StoreResult<bool> changed(const store::StoreResult<qint64> &result)
{
    if (!result.ok())
        return result.error();
    return result.value() > 0;
}

} // namespace

UserRepository::UserRepository(store::Database &db)
    : m_db(db)
{
}

store::StoreResult<qint64> UserRepository::count()
{
    const store::StoreResult<QVariant> value = m_db.queryValue(u"SELECT COUNT(*) FROM users"_s);
    if (!value.ok())
        return value.error();
    return value.value().toLongLong();
}

store::StoreResult<qint64> UserRepository::countActive(Role role)
{
    const store::StoreResult<QVariant> value =
        m_db.queryValue(u"SELECT COUNT(*) FROM users WHERE role = ? AND disabled = 0"_s, {roleName(role)});
    if (!value.ok())
        return value.error();
    return value.value().toLongLong();
}

store::StoreResult<std::optional<User>> UserRepository::findByName(const QString &name)
{
    return store::sql::firstRow<User>(m_db, u"SELECT %1 FROM users WHERE name = ?"_s.arg(Columns),
                                      {store::sql::text(name)}, readUser);
}

store::StoreResult<QList<User>> UserRepository::list()
{
    return store::sql::allRows<User>(m_db, u"SELECT %1 FROM users ORDER BY name"_s.arg(Columns), {},
                                     readUser);
}

store::StoreResult<qint64> UserRepository::insert(const User &user)
{
    const qint64 now = m_db.now();
    std::optional<qint64> id;
    const store::StoreError error = m_db.query(
        u"INSERT INTO users (name, display_name, role, pin_hash, pin_kind, disabled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
        {store::sql::text(user.name), store::sql::text(user.displayName), roleName(user.role),
         store::sql::text(user.pinHash), store::sql::text(user.pinKind), user.disabled ? 1 : 0, now, now},
        [&id](const QSqlQuery &row) {
            id = row.value(0).toLongLong();
            return false;
        });
    if (error.isError())
        return error;
    if (!id)
        return store::sql::invalidData(u"the new user has no id"_s);
    return *id;
}

store::StoreResult<bool> UserRepository::setDisabled(qint64 id, bool disabled)
{
    return changed(m_db.exec(u"UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?"_s,
                             {disabled ? 1 : 0, m_db.now(), id}));
}

store::StoreResult<bool> UserRepository::setRole(qint64 id, Role role)
{
    return changed(m_db.exec(u"UPDATE users SET role = ?, updated_at = ? WHERE id = ?"_s,
                             {roleName(role), m_db.now(), id}));
}

store::StoreResult<bool> UserRepository::setPin(qint64 id, const QString &pinHash, const QString &pinKind)
{
    return changed(m_db.exec(u"UPDATE users SET pin_hash = ?, pin_kind = ?, failed_attempts = 0, "
                             "lockout_count = 0, locked_until = 0, updated_at = ? WHERE id = ?"_s,
                             {store::sql::text(pinHash), store::sql::text(pinKind), m_db.now(), id}));
}

store::StoreResult<bool> UserRepository::rehash(qint64 id, const QString &pinHash)
{
    return changed(m_db.exec(u"UPDATE users SET pin_hash = ?, updated_at = ? WHERE id = ?"_s,
                             {store::sql::text(pinHash), m_db.now(), id}));
}

store::StoreResult<std::optional<User>> UserRepository::recordFailure(qint64 id, int maxAttempts,
                                                                      qint64 baseSeconds, qint64 maxSeconds)
{
    std::optional<User> after;
    const store::StoreError error = store::Transaction::run(m_db, [&]() -> store::StoreError {
        const qint64 now = m_db.now();
        // The increment happens in the database (and locks the row on PostgreSQL until the transaction
        // ends), so two tills that fail at once count two failures.
        int failed = 0;
        int lockouts = 0;
        bool found = false;
        const store::StoreError updated =
            m_db.query(u"UPDATE users SET failed_attempts = failed_attempts + 1, updated_at = ? WHERE id = ? "
                       "RETURNING failed_attempts, lockout_count"_s,
                       {now, id}, [&](const QSqlQuery &row) {
                           failed = int(row.value(0).toLongLong());
                           lockouts = int(row.value(1).toLongLong());
                           found = true;
                           return false;
                       });
        if (updated.isError())
            return updated;
        if (!found)
            return {};
        if (failed >= maxAttempts) {
            qint64 seconds = baseSeconds;
            for (int i = 0; i < lockouts && seconds < maxSeconds; ++i)
                seconds *= 2;
            seconds = std::min(seconds, maxSeconds);
            const store::StoreResult<qint64> locked =
                m_db.exec(u"UPDATE users SET failed_attempts = 0, lockout_count = lockout_count + 1, "
                          "locked_until = ? WHERE id = ?"_s,
                          {now + seconds, id});
            if (!locked.ok())
                return locked.error();
        }
        const store::StoreResult<std::optional<User>> row = store::sql::firstRow<User>(
            m_db, u"SELECT %1 FROM users WHERE id = ?"_s.arg(Columns), {id}, readUser);
        if (!row.ok())
            return row.error();
        after = row.value();
        return {};
    });
    if (error.isError())
        return error;
    return after;
}

store::StoreResult<bool> UserRepository::recordSuccess(qint64 id)
{
    return changed(m_db.exec(u"UPDATE users SET failed_attempts = 0, lockout_count = 0, locked_until = 0, "
                             "updated_at = ? WHERE id = ? AND (failed_attempts <> 0 OR lockout_count <> 0 OR "
                             "locked_until <> 0)"_s,
                             {m_db.now(), id}));
}

} // namespace kassa::security
