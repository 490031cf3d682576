// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/settingsservice.h"

#include "services/security/auditlog.h"
#include "services/security/idlelock.h"
#include "services/store/settingsrepository.h"
#include "services/store/transaction.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace kassa::security {

SettingsService::SettingsService(store::Database &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{
}

SecurityResult<QString> SettingsService::value(const QString &key, const QString &fallback)
{
    const store::StoreResult<std::optional<store::Setting>> found = store::SettingsRepository(m_db).find(key);
    if (!found.ok())
        return SecurityError::fromStore(found.error());
    return found.value() ? found.value()->value : fallback;
}

SecurityError SettingsService::setValue(const ActingUser &actor, const QString &key, const QString &value)
{
    if (SecurityError refused = require(actor, Permission::ManageSettings); refused.isError())
        return refused;
    if (key.isEmpty())
        return SecurityError::make(SecurityError::Kind::Invalid, u"a setting needs a key"_s);
    const store::StoreError error = store::Transaction::run(m_db, [&]() -> store::StoreError {
        store::SettingsRepository settings(m_db);
        const store::StoreResult<std::optional<store::Setting>> before = settings.find(key);
        if (!before.ok())
            return before.error();
        if (before.value() && before.value()->value == value)
            return {};
        if (const store::StoreError written = settings.setValue(key, value, actor.name); written.isError())
            return written;
        QJsonObject details{{u"key"_s, key}, {u"value"_s, value}};
        if (before.value())
            details.insert(u"previous"_s, before.value()->value);
        return m_audit.record(actor, u"setting.set"_s, {u"setting:"_s + key}, details);
    });
    return error.isError() ? SecurityError::fromStore(error) : SecurityError();
}

int SettingsService::idleLockSeconds()
{
    const SecurityResult<QString> text = value(IdleLock::SettingKey);
    if (!text.ok())
        return IdleLock::DefaultSeconds;
    bool ok = false;
    const int seconds = text.value().toInt(&ok);
    return ok && seconds >= 0 ? seconds : IdleLock::DefaultSeconds;
}

} // namespace kassa::security
