// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/localconfig.h"

#include "services/store/databaseconfig.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QString keyFor(const QString &profile)
{
    return u"profiles/"_s + profile + u"/database"_s;
}

} // namespace

LocalConfig::LocalConfig(const QString &dataDir)
    : m_path(QDir(dataDir.isEmpty() ? store::DatabaseConfig::defaultDataDir() : dataDir)
                 .filePath(u"console.ini"_s))
{
}

QString LocalConfig::databaseUrl(const QString &profile) const
{
    const QSettings settings(m_path, QSettings::IniFormat);
    return settings.value(keyFor(profile)).toString();
}

bool LocalConfig::setDatabaseUrl(const QString &profile, const QString &url, QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSettings settings(m_path, QSettings::IniFormat);
    if (url.isEmpty())
        settings.remove(keyFor(profile));
    else
        settings.setValue(keyFor(profile), url);
    settings.sync();
    if (settings.status() == QSettings::NoError)
        return true;
    if (error)
        *error = u"cannot write "_s + m_path;
    return false;
}

} // namespace kassa::gui
