// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace kassa::store {
class Database;
}

namespace kassa::gui {

// What one till keeps for itself, beside the store every till shares: which database each profile opens
// at the next start (the store cannot say where the store is), written by the first-run wizard and by
// Settings. A small INI file in the data folder; never a password (the keychain keeps the PostgreSQL
// password: SecretKind::DatabasePassword). A profile on the default SQLite file needs no entry.
class LocalConfig
{
public:
    // console.ini in `dataDir`, or in DatabaseConfig::defaultDataDir() when that is empty.
    static QString defaultPath(const QString &dataDir);
    // Why `url` cannot be the next start's database, or empty. Empty means SQLite in the data folder.
    static QString checkDatabaseUrl(const QString &url);

    explicit LocalConfig(const QString &path);

    const QString &path() const { return m_path; }
    // The URL the profile's next start opens when no --database is given; empty: SQLite.
    QString databaseUrl(const QString &profile = DefaultProfile) const;
    // Says why not (checkDatabaseUrl, or the file could not be written), or empty.
    QString setDatabaseUrl(const QString &url, const QString &profile = DefaultProfile);

    static inline const QString DefaultProfile = QStringLiteral("default");

private:
    QString m_path;
};

// Sets the application's default locale (QLocale::setDefault) from the shop's setting ui.locale, so that
// amounts, dates and numbers follow it on every page built afterwards. Called at start-up, before the
// window; an unset or unknown setting leaves the system's locale. Gives the name applied, or empty.
QString applyLocaleSetting(store::Database &db, const QString &till);

} // namespace kassa::gui
