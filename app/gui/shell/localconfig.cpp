// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/localconfig.h"

#include "services/security/auditlog.h"
#include "services/security/settingsservice.h"
#include "services/store/databaseconfig.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QString databaseUrlKey(const QString &profile)
{
    return u"profiles/"_s + profile + u"/database"_s;
}

} // namespace

QString LocalConfig::defaultPath(const QString &dataDir)
{
    return QDir(dataDir.isEmpty() ? store::DatabaseConfig::defaultDataDir() : dataDir)
        .filePath(u"console.ini"_s);
}

QString LocalConfig::checkDatabaseUrl(const QString &url)
{
    if (url.isEmpty())
        return {};
    const store::StoreResult<store::DatabaseConfig> parsed = store::DatabaseConfig::fromUrl(url);
    if (!parsed.ok())
        return parsed.error().message;
    if (!parsed.value().password.isEmpty())
        return u"leave the password out of the URL: this file is plain text. Keep it in the keychain "
               "(kassa-cli keys set --database-password), or in PGPASSWORD or ~/.pgpass"_s;
    return {};
}

LocalConfig::LocalConfig(const QString &path)
    : m_path(path)
{
}

QString LocalConfig::databaseUrl(const QString &profile) const
{
    const QSettings file(m_path, QSettings::IniFormat);
    const QString url = file.value(databaseUrlKey(profile)).toString().trimmed();
    return checkDatabaseUrl(url).isEmpty() ? url : QString();
}

QString LocalConfig::setDatabaseUrl(const QString &url, const QString &profile)
{
    const QString trimmed = url.trimmed();
    if (const QString why = checkDatabaseUrl(trimmed); !why.isEmpty())
        return why;
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSettings file(m_path, QSettings::IniFormat);
    if (trimmed.isEmpty())
        file.remove(databaseUrlKey(profile));
    else
        file.setValue(databaseUrlKey(profile), trimmed);
    file.sync();
    if (file.status() != QSettings::NoError)
        return u"cannot write "_s + m_path;
    return {};
}

QString applyLocaleSetting(store::Database &db, const QString &till)
{
    security::AuditLog audit(db, till);
    const QString name = security::SettingsService(db, audit).locale();
    if (!name.isEmpty())
        QLocale::setDefault(QLocale(name));
    return name;
}

} // namespace kassa::gui
