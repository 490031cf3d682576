// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/userservice.h"

#include "services/security/auditlog.h"
#include "services/security/pinpolicy.h"
#include "services/security/securitylogging.h"
#include "services/store/database.h"
#include "services/store/transaction.h"

#include <QDateTime>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

using Kind = SecurityError::Kind;

QString userObject(const QString &name)
{
    return u"user:"_s + name;
}

ActingUser actingUserOf(const User &user, const QString &till)
{
    return ActingUser{user.id, user.name, user.role, till};
}

// Somebody who is not logged in, named for the audit log.
ActingUser nobody(const QString &name, const QString &till)
{
    return ActingUser{0, name, Role::Cashier, till};
}

} // namespace

UserService::UserService(store::Database &db, AuditLog &audit, PinHasher hasher)
    : UserService(db, audit, hasher, Options())
{
}

UserService::UserService(store::Database &db, AuditLog &audit, PinHasher hasher, Options options)
    : m_db(db)
    , m_audit(audit)
    , m_hasher(hasher)
    , m_users(db)
    , m_options(options)
{
}

QString UserService::normalizeName(const QString &name)
{
    return name.trimmed().toLower();
}

QString UserService::checkName(const QString &name)
{
    static const QRegularExpression Valid(u"^[a-z0-9][a-z0-9._-]{0,31}$"_s);
    if (!Valid.match(name).hasMatch()) {
        return u"a user name has 1 to 32 letters a-z, digits, '.', '_' or '-', and starts with a letter or "
               "digit"_s;
    }
    return {};
}

QString UserService::lockTimeText(qint64 unixSeconds, qint64 now)
{
    const QDateTime until = QDateTime::fromSecsSinceEpoch(unixSeconds);
    const QDateTime current = QDateTime::fromSecsSinceEpoch(now);
    return until.date() == current.date() ? until.toString(u"HH:mm"_s)
                                          : until.toString(u"yyyy-MM-dd HH:mm"_s);
}

SecurityError UserService::transact(const std::function<store::StoreError(SecurityError &)> &work)
{
    SecurityError outcome;
    const store::StoreError error = store::Transaction::run(m_db, [&]() -> store::StoreError {
        // The audit head first, always: every change here also appends to the log, and taking the two
        // locks (the head, a user's row) in one order keeps two tills from deadlocking on PostgreSQL.
        // It also makes the checks in `work` (the first user, the last owner) race-free.
        if (const store::StoreError locked = m_audit.lockHead(); locked.isError())
            return locked;
        return work(outcome);
    });
    if (error.isError())
        return SecurityError::fromStore(error);
    return outcome;
}

SecurityResult<bool> UserService::hasUsers()
{
    const store::StoreResult<qint64> count = m_users.count();
    if (!count.ok())
        return SecurityError::fromStore(count.error());
    return count.value() > 0;
}

SecurityResult<QList<User>> UserService::list()
{
    store::StoreResult<QList<User>> users = m_users.list();
    if (!users.ok())
        return SecurityError::fromStore(users.error());
    QList<User> all = std::move(users).value();
    for (User &user : all)
        user.pinHash.clear();
    return all;
}

SecurityResult<User> UserService::target(const QString &name)
{
    const store::StoreResult<std::optional<User>> found = m_users.findByName(normalizeName(name));
    if (!found.ok())
        return SecurityError::fromStore(found.error());
    if (!found.value())
        return SecurityError::make(Kind::NotFound, u"no user named '%1'"_s.arg(normalizeName(name)));
    return *found.value();
}

SecurityResult<User> UserService::addUser(const ActingUser &actor, const NewUser &user, const QString &pin)
{
    User row;
    row.name = normalizeName(user.name);
    row.displayName = user.displayName.trimmed().isEmpty() ? user.name.trimmed() : user.displayName.trimmed();
    row.role = user.role;
    if (const QString why = checkName(row.name); !why.isEmpty())
        return SecurityError::make(Kind::Invalid, why);
    if (const QString why = PinPolicy::check(pin, user.role); !why.isEmpty())
        return SecurityError::make(Kind::Invalid, why);
    // Refuse early, before the slow hash; checked again below under the lock.
    if (actor.isValid()) {
        if (SecurityError refused = require(actor, Permission::ManageUsers); refused.isError())
            return refused;
    }
    row.pinKind = PinPolicy::kindName(PinPolicy::kindOf(pin));
    row.pinHash = m_hasher.hash(pin);
    if (row.pinHash.isEmpty())
        return SecurityError::make(Kind::Store, u"the PIN could not be hashed (OpenSSL failed)"_s);

    const SecurityError outcome = transact([&](SecurityError &result) -> store::StoreError {
        // Under the audit head's lock (transact()): two tills adding "the first user" at once cannot
        // both see an empty store.
        const store::StoreResult<qint64> count = m_users.count();
        if (!count.ok())
            return count.error();
        const bool first = count.value() == 0;
        if (first && row.role != Role::Owner) {
            result = SecurityError::make(Kind::Invalid, u"the first user of a store must be an owner"_s);
            return {};
        }
        if (!first) {
            if (!actor.isValid()) {
                result = SecurityError::make(Kind::Refused,
                                             u"the store has users: log in as its owner to add another"_s);
                return {};
            }
            if (SecurityError refused = require(actor, Permission::ManageUsers); refused.isError()) {
                result = refused;
                return {};
            }
        }
        const store::StoreResult<std::optional<User>> existing = m_users.findByName(row.name);
        if (!existing.ok())
            return existing.error();
        if (existing.value()) {
            result = SecurityError::make(Kind::Exists, u"a user named '%1' exists"_s.arg(row.name));
            return {};
        }
        const store::StoreResult<qint64> id = m_users.insert(row);
        if (!id.ok())
            return id.error();
        row.id = id.value();
        row.createdAt = row.updatedAt = m_db.now();
        return m_audit.record(actor, u"user.add"_s, {userObject(row.name)},
                              {{u"role"_s, roleName(row.role)},
                               {u"display_name"_s, row.displayName},
                               {u"first_user"_s, first}});
    });
    if (outcome.isError())
        return outcome;
    qCInfo(lcSecurity).noquote() << "added" << roleName(row.role) << row.name;
    row.pinHash.clear();
    return row;
}

SecurityError UserService::setDisabled(const ActingUser &actor, const QString &name, bool disabled)
{
    if (SecurityError refused = require(actor, Permission::ManageUsers); refused.isError())
        return refused;
    return transact([&](SecurityError &result) -> store::StoreError {
        const SecurityResult<User> user = target(name);
        if (!user.ok()) {
            result = user.error();
            return {};
        }
        if (user.value().disabled == disabled)
            return {};
        if (disabled && user.value().id == actor.id) {
            result = SecurityError::make(Kind::Invalid, u"you cannot disable yourself"_s);
            return {};
        }
        if (disabled && user.value().role == Role::Owner) {
            const store::StoreResult<qint64> owners = m_users.countActive(Role::Owner);
            if (!owners.ok())
                return owners.error();
            if (owners.value() <= 1) {
                result = SecurityError::make(
                    Kind::Invalid,
                    u"'%1' is the last owner: add another owner first"_s.arg(user.value().name));
                return {};
            }
        }
        const store::StoreResult<bool> changed = m_users.setDisabled(user.value().id, disabled);
        if (!changed.ok())
            return changed.error();
        return m_audit.record(actor, disabled ? u"user.disable"_s : u"user.enable"_s,
                              {userObject(user.value().name)}, {{u"role"_s, roleName(user.value().role)}});
    });
}

SecurityError UserService::setRole(const ActingUser &actor, const QString &name, Role role)
{
    if (SecurityError refused = require(actor, Permission::ManageUsers); refused.isError())
        return refused;
    return transact([&](SecurityError &result) -> store::StoreError {
        const SecurityResult<User> user = target(name);
        if (!user.ok()) {
            result = user.error();
            return {};
        }
        const User &row = user.value();
        if (row.role == role)
            return {};
        if (row.id == actor.id) {
            result = SecurityError::make(Kind::Invalid, u"you cannot change your own role"_s);
            return {};
        }
        if (row.role == Role::Owner && !row.disabled) {
            const store::StoreResult<qint64> owners = m_users.countActive(Role::Owner);
            if (!owners.ok())
                return owners.error();
            if (owners.value() <= 1) {
                result = SecurityError::make(
                    Kind::Invalid, u"'%1' is the last owner: add another owner first"_s.arg(row.name));
                return {};
            }
        }
        if (role != Role::Owner && row.pinKind == PinPolicy::kindName(PinPolicy::Kind::Passphrase)) {
            result = SecurityError::make(
                Kind::Invalid,
                u"'%1' logs in with a passphrase, which only an owner may have: give them a PIN "
                "of digits first"_s.arg(row.name));
            return {};
        }
        const store::StoreResult<bool> changed = m_users.setRole(row.id, role);
        if (!changed.ok())
            return changed.error();
        return m_audit.record(actor, u"user.set_role"_s, {userObject(row.name)},
                              {{u"role"_s, roleName(role)}, {u"previous"_s, roleName(row.role)}});
    });
}

SecurityError UserService::setPin(const ActingUser &actor, const QString &name, const QString &pin)
{
    const SecurityResult<User> user = target(name);
    if (!user.ok())
        return user.error();
    const bool self = actor.isValid() && actor.id == user.value().id;
    if (!self) {
        if (SecurityError refused = require(actor, Permission::ManageUsers); refused.isError()) {
            refused.message += u" (anyone may change their own PIN)"_s;
            return refused;
        }
    }
    if (const QString why = PinPolicy::check(pin, user.value().role); !why.isEmpty())
        return SecurityError::make(Kind::Invalid, why);
    const QString hash = m_hasher.hash(pin);
    if (hash.isEmpty())
        return SecurityError::make(Kind::Store, u"the PIN could not be hashed (OpenSSL failed)"_s);
    return transact([&](SecurityError &) -> store::StoreError {
        const store::StoreResult<bool> changed =
            m_users.setPin(user.value().id, hash, PinPolicy::kindName(PinPolicy::kindOf(pin)));
        if (!changed.ok())
            return changed.error();
        return m_audit.record(actor, u"user.set_pin"_s, {userObject(user.value().name)},
                              {{u"own"_s, self}, {u"kind"_s, PinPolicy::kindName(PinPolicy::kindOf(pin))}});
    });
}

SecurityResult<User> UserService::checkPin(const QString &name, const QString &pin, const QString &till,
                                           const QString &context, const OnSuccess &onSuccess)
{
    const qint64 now = m_db.now();
    const QString login = normalizeName(name);
    const SecurityResult<User> found = target(login);
    if (!found.ok()) {
        if (found.error().kind == Kind::NotFound) {
            const store::StoreError logged =
                m_audit.record(nobody(login, till), context + u".failed"_s, {userObject(login)},
                               {{u"reason"_s, u"unknown user"_s}});
            if (logged.isError())
                return SecurityError::fromStore(logged);
        }
        return found.error();
    }
    const User &user = found.value();
    if (user.disabled || user.lockedUntil > now) {
        const QString reason = user.disabled ? u"disabled"_s : u"locked"_s;
        const store::StoreError logged =
            m_audit.record(nobody(user.name, till), context + u".refused"_s, {userObject(user.name)},
                           {{u"reason"_s, reason}, {u"locked_until"_s, user.lockedUntil}});
        if (logged.isError())
            return SecurityError::fromStore(logged);
        if (user.disabled)
            return SecurityError::make(Kind::Disabled, u"%1 is disabled: ask the owner"_s.arg(user.name));
        SecurityError locked =
            SecurityError::make(Kind::Locked, u"%1 is locked until %2 (too many wrong PINs)"_s.arg(
                                                  user.name, lockTimeText(user.lockedUntil, now)));
        locked.lockedUntil = user.lockedUntil;
        return locked;
    }

    if (!m_hasher.verify(pin, user.pinHash)) {
        SecurityError wrong;
        const SecurityError outcome = transact([&](SecurityError &) -> store::StoreError {
            const store::StoreResult<std::optional<User>> after = m_users.recordFailure(
                user.id, m_options.maxAttempts, m_options.lockSeconds, m_options.maxLockSeconds);
            if (!after.ok())
                return after.error();
            const User counted = after.value().value_or(user);
            if (counted.lockedUntil > now) {
                wrong =
                    SecurityError::make(Kind::Locked, u"wrong PIN: %1 is now locked until %2"_s.arg(
                                                          user.name, lockTimeText(counted.lockedUntil, now)));
                wrong.lockedUntil = counted.lockedUntil;
                qCWarning(lcSecurity).noquote()
                    << user.name << "locked after" << m_options.maxAttempts << "wrong PINs";
                return m_audit.record(nobody(user.name, till), u"user.locked"_s, {userObject(user.name)},
                                      {{u"locked_until"_s, counted.lockedUntil},
                                       {u"lockouts"_s, counted.lockoutCount},
                                       {u"seconds"_s, counted.lockedUntil - now}});
            }
            const int left = std::max(0, m_options.maxAttempts - counted.failedAttempts);
            wrong = SecurityError::make(Kind::WrongPin, left == 1 ? u"wrong PIN, 1 try left"_s
                                                                  : u"wrong PIN, %1 tries left"_s.arg(left));
            wrong.triesLeft = left;
            return m_audit.record(nobody(user.name, till), context + u".failed"_s, {userObject(user.name)},
                                  {{u"reason"_s, u"wrong PIN"_s}, {u"tries_left"_s, left}});
        });
        return outcome.isError() ? outcome : wrong;
    }

    // Right PIN. Read the row again in the transaction: another till may have locked or disabled the
    // user while the hash was being computed.
    User current = user;
    // A hash with weaker parameters is replaced while the PIN is at hand; hashed before the transaction,
    // which holds the audit head that other tills wait for.
    const QString stronger = m_hasher.needsRehash(user.pinHash) ? m_hasher.hash(pin) : QString();
    const SecurityError outcome = transact([&](SecurityError &result) -> store::StoreError {
        const SecurityResult<User> again = target(user.name);
        if (!again.ok()) {
            result = again.error();
            return {};
        }
        current = again.value();
        if (current.disabled || current.lockedUntil > now || current.pinHash != user.pinHash) {
            result = SecurityError::make(
                Kind::Refused,
                u"%1 was changed on another till while logging in: try again"_s.arg(user.name));
            return {};
        }
        const store::StoreResult<bool> reset = m_users.recordSuccess(user.id);
        if (!reset.ok())
            return reset.error();
        if (!stronger.isEmpty()) {
            const store::StoreResult<bool> rehashed = m_users.rehash(user.id, stronger);
            if (!rehashed.ok())
                return rehashed.error();
        }
        return onSuccess(current, result);
    });
    if (outcome.isError())
        return outcome;
    return current;
}

SecurityResult<ActingUser> UserService::authenticate(const QString &name, const QString &pin,
                                                     const QString &till)
{
    const SecurityResult<User> user =
        checkPin(name, pin, till, u"login"_s, [&](const User &found, SecurityError &) -> store::StoreError {
            return m_audit.record(actingUserOf(found, till), u"login"_s, {userObject(found.name)},
                                  {{u"role"_s, roleName(found.role)}});
        });
    if (!user.ok())
        return user.error();
    return actingUserOf(user.value(), till);
}

SecurityResult<OverrideGrant> UserService::authorizeOverride(const ActingUser &session,
                                                             const QString &approverName, const QString &pin,
                                                             Permission permission, const QString &objectId)
{
    if (!session.isValid())
        return SecurityError::make(Kind::Invalid, u"an override is given for a logged-in user's session"_s);
    if (normalizeName(approverName) == session.name)
        return SecurityError::make(Kind::Invalid, u"an override needs another user's PIN"_s);
    const QJsonObject details{{u"permission"_s, permissionKey(permission)},
                              {u"session_user"_s, session.name},
                              {u"session_user_id"_s, session.id}};
    QStringList objects{userObject(session.name)};
    if (!objectId.isEmpty())
        objects << objectId;
    const SecurityResult<User> approver = checkPin(
        approverName, pin, session.till, u"override"_s,
        [&](const User &found, SecurityError &outcome) -> store::StoreError {
            const ActingUser manager = actingUserOf(found, session.till);
            // The PIN was right, but the approver's role must have the permission too.
            outcome = require(manager, permission);
            return m_audit.record(manager, outcome.isError() ? u"override.refused"_s : u"override.granted"_s,
                                  objects, details);
        });
    if (!approver.ok())
        return approver.error();
    const ActingUser manager = actingUserOf(approver.value(), session.till);
    qCInfo(lcSecurity).noquote() << manager.describe() << "approved" << permissionKey(permission) << "for"
                                 << session.name;
    return OverrideGrant(manager, session, permission, objectId, QDateTime::currentSecsSinceEpoch());
}

} // namespace kassa::security
