// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"
#include "services/store/storeresult.h"

#include <QList>
#include <QString>

#include <optional>

namespace kassa::store {
class Database;
}

namespace kassa::security {

// A row of the users table. pinHash is PinHasher's stored form; it never leaves the security services.
struct User
{
    qint64 id = 0;
    QString name; // the login: lower case, unique
    QString displayName;
    Role role = Role::Cashier;
    QString pinHash;
    QString pinKind; // "pin" or "passphrase"
    bool disabled = false;
    int failedAttempts = 0; // wrong PINs since the last success or lock
    int lockoutCount = 0;   // locks since the last success: the next lock lasts twice as long
    qint64 lockedUntil = 0; // Unix seconds; 0 or past: not locked
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// The users table. Plain reads and writes; the rules (who may, PIN policy, lock-out) are UserService's.
class UserRepository
{
public:
    explicit UserRepository(store::Database &db);

    store::StoreResult<qint64> count();
    // Users that are not disabled and have role `role`.
    store::StoreResult<qint64> countActive(Role role);
    store::StoreResult<std::optional<User>> findByName(const QString &name);
    // Every user, by name.
    store::StoreResult<QList<User>> list();
    // Inserts `user` (id, created_at and updated_at are set); gives the new id. A taken name is
    // StoreError::Kind::Constraint.
    store::StoreResult<qint64> insert(const User &user);
    store::StoreResult<bool> setDisabled(qint64 id, bool disabled);
    store::StoreResult<bool> setRole(qint64 id, Role role);
    // A new PIN: also clears the failed attempts and any lock.
    store::StoreResult<bool> setPin(qint64 id, const QString &pinHash, const QString &pinKind);
    // The same hash parameters raised, after a log-in (the lock-out state stays as it is).
    store::StoreResult<bool> rehash(qint64 id, const QString &pinHash);
    // One more wrong PIN, counted in the database (two tills failing at once both count). When that
    // makes `maxAttempts`, the user is locked: lockedUntil = now + baseSeconds * 2^lockoutCount
    // (capped at maxSeconds), lockoutCount + 1, failedAttempts back to 0. Gives the row after the change.
    store::StoreResult<std::optional<User>> recordFailure(qint64 id, int maxAttempts, qint64 baseSeconds,
                                                          qint64 maxSeconds);
    // A successful log-in: failed attempts, lock-out count and lock cleared.
    store::StoreResult<bool> recordSuccess(qint64 id);

private:
    store::Database &m_db;
};

} // namespace kassa::security
