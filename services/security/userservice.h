// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"
#include "services/security/actinguser.h"
#include "services/security/overridegrant.h"
#include "services/security/pinhasher.h"
#include "services/security/securityerror.h"
#include "services/security/userrepository.h"
#include "services/store/storeerror.h"

#include <QList>
#include <QString>

#include <functional>

namespace kassa::store {
class Database;
}

namespace kassa::security {

class AuditLog;

// Users, PINs and log-ins, on the store that every till shares.
//
// Rules: the first user of a store must be an owner, and only then may a user be added with nobody
// logged in; after that, adding and disabling users and setting another user's PIN need
// Permission::ManageUsers (the owner). Anyone may change their own PIN. PINs follow PinPolicy and are
// stored as PinHasher hashes. Five wrong PINs in a row lock the user for LockSeconds, doubling with each
// lock since the last successful log-in (capped at MaxLockSeconds); the count and the lock are in the
// database, so every till sees them. Everything that changes a user, every log-in, failure, lock and
// override goes into the audit log (never the PIN or its hash).
//
// Synchronous by design: authenticate() and anything that hashes takes a good fraction of a second
// (PinHasher), so the console calls these from a worker thread with that thread's own Database and
// AuditLog. Nothing here touches a GUI object.
class UserService
{
public:
    struct Options
    {
        int maxAttempts = 5;
        qint64 lockSeconds = 60;
        qint64 maxLockSeconds = 24 * 3600;
    };

    struct NewUser
    {
        QString name;
        QString displayName;
        Role role = Role::Cashier;
    };

    // `audit` must write to `db`: its entries commit with the changes they record.
    UserService(store::Database &db, AuditLog &audit, PinHasher hasher = PinHasher());
    UserService(store::Database &db, AuditLog &audit, PinHasher hasher, Options options);

    // Lower case, trimmed: how names are stored and looked up.
    static QString normalizeName(const QString &name);
    // Why `name` (normalized) cannot be a user's name, or empty.
    static QString checkName(const QString &name);

    SecurityResult<bool> hasUsers();
    // Every user, by name, without their PIN hashes.
    SecurityResult<QList<User>> list();

    // Adds a user. `actor` may be nobody only while the store has no users (then `user` must be an owner).
    SecurityResult<User> addUser(const ActingUser &actor, const NewUser &user, const QString &pin);
    SecurityError setDisabled(const ActingUser &actor, const QString &name, bool disabled);
    // ManageUsers. Not one's own role (an owner cannot lock themselves out of Settings by a slip), not the
    // last active owner's, and not to a role whose PIN rules the user's PIN breaks (a passphrase is an
    // owner's only: set a PIN first).
    SecurityError setRole(const ActingUser &actor, const QString &name, Role role);
    // `actor` sets their own PIN, or (ManageUsers) anyone's. Clears the target's failures and lock.
    SecurityError setPin(const ActingUser &actor, const QString &name, const QString &pin);

    // Logs `name` in at `till`. WrongPin says how many tries are left; Locked until when.
    SecurityResult<ActingUser> authenticate(const QString &name, const QString &pin, const QString &till);

    // Manager override: `approverName` enters their PIN at `session`'s till to allow one `permission`
    // (on `objectId`, when given) for that session, which stays `session`'s. The approver's role must have
    // the permission; wrong PINs count towards the approver's lock-out like any log-in.
    SecurityResult<OverrideGrant> authorizeOverride(const ActingUser &session, const QString &approverName,
                                                    const QString &pin, Permission permission,
                                                    const QString &objectId = {});

    // "10:42" today, else "2026-11-27 10:42" (local time).
    static QString lockTimeText(qint64 unixSeconds, qint64 now);

private:
    // Runs `work` in the caller's transaction or its own; `work` reports the security outcome through its
    // argument and returns store errors (which roll back).
    SecurityError transact(const std::function<store::StoreError(SecurityError &outcome)> &work);
    // Steps shared by authenticate() and authorizeOverride(): the checks, the PIN, the failure
    // counting and its audit entries (actions prefixed by `context`: "login" or "override"). On the
    // right PIN, `onSuccess` runs in the transaction that clears the failures, so that its audit entry
    // commits with it; it may set a refusal in its second argument.
    using OnSuccess = std::function<store::StoreError(const User &user, SecurityError &outcome)>;
    SecurityResult<User> checkPin(const QString &name, const QString &pin, const QString &till,
                                  const QString &context, const OnSuccess &onSuccess);
    SecurityResult<User> target(const QString &name);

    store::Database &m_db;
    AuditLog &m_audit;
    PinHasher m_hasher;
    UserRepository m_users;
    Options m_options;
};

} // namespace kassa::security
