// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace kassa::gui {

// What this computer remembers about where its store is, outside the store: a profile whose store is a
// shared PostgreSQL database keeps its URL here (never the password, which is the keychain's), so that
// `kassa` finds it again without --database. A profile that keeps the default SQLite file needs nothing.
// An INI file, console.ini, in Kassa's data folder.
class LocalConfig
{
public:
    // `dataDir` empty: DatabaseConfig::defaultDataDir().
    explicit LocalConfig(const QString &dataDir);

    QString path() const { return m_path; }
    // The profile's PostgreSQL URL, empty when it uses SQLite.
    QString databaseUrl(const QString &profile) const;
    // Empty `url`: back to SQLite. False, with `error`, when the file cannot be written.
    bool setDatabaseUrl(const QString &profile, const QString &url, QString *error = nullptr);

private:
    QString m_path;
};

} // namespace kassa::gui
