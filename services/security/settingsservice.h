// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/actinguser.h"
#include "services/security/securityerror.h"

#include <QString>

namespace kassa::store {
class Database;
}

namespace kassa::security {

class AuditLog;

// The shop's settings, shared by every till: anyone may read them, Permission::ManageSettings (the
// owner) changes them, and every change is audited with its old and new value.
class SettingsService
{
public:
    // `audit` must write to `db`.
    SettingsService(store::Database &db, AuditLog &audit);

    // The stored value, or `fallback` when it was never set.
    SecurityResult<QString> value(const QString &key, const QString &fallback = {});
    SecurityError setValue(const ActingUser &actor, const QString &key, const QString &value);

    // IdleLock's time: the setting IdleLock::SettingKey in seconds, IdleLock::DefaultSeconds when unset or
    // unreadable; 0 turns the lock off.
    int idleLockSeconds();

private:
    store::Database &m_db;
    AuditLog &m_audit;
};

} // namespace kassa::security
