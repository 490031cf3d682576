// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/dialect.h"
#include "services/store/storeresult.h"

#include <QMap>
#include <QString>

namespace kassa::store {

// Where the store lives: a SQLite file (one till, nothing to set up: the default) or a PostgreSQL
// database that several tills share. A plain value; Database::open() uses it.
//
// It may carry a PostgreSQL password: never log it, never write it anywhere. toDisplayString() leaves it
// out.
struct DatabaseConfig
{
    Dialect dialect = Dialect::Sqlite;

    // SQLite: the database file; its directory is created when missing. WAL mode adds "-wal" and "-shm"
    // files beside it.
    QString sqlitePath;

    // PostgreSQL. An empty field (0 for the port) leaves the value to libpq's defaults: PGHOST (or the
    // local socket), PGPORT (or 5432), PGUSER (or the login name), PGDATABASE (or the user name).
    QString host; // a name, an IP address, or the directory of a Unix socket (starting with '/')
    int port = 0;
    QString user;
    QString databaseName;
    // Empty: libpq finds it itself (PGPASSWORD, ~/.pgpass, PGPASSFILE). The caller passes the one it
    // keeps in the OS keychain.
    QString password;
    // Further libpq connection parameters given in the URL (sslmode, connect_timeout, ...).
    QMap<QString, QString> options;

    // How long a statement waits for a lock another connection holds before it fails with
    // StoreError::Kind::Busy: SQLite's busy_timeout, PostgreSQL's lock_timeout.
    int busyTimeoutMs = 5000;
    // PostgreSQL: whether migrations may run CREATE EXTENSION pg_trgm for fast text search. Without
    // the extension (not installed, not allowed, or this set to false) text search still works, by
    // scanning.
    bool allowExtensions = true;

    // A SQLite database in `filePath`.
    static DatabaseConfig sqlite(const QString &filePath);
    // kassa.sqlite in defaultDataDir().
    static QString defaultSqlitePath();
    // Kassa's data folder, shared by the console and kassa-cli: $KASSA_DATA_DIR when set, else
    // "kassa" in the user's data location (~/.local/share/kassa).
    static QString defaultDataDir();

    // Reads `postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]` (also
    // `postgres://`), as libpq does: every part percent-decoded (a Unix socket directory is written
    // percent-encoded as the host, "%2Fvar%2Frun%2Fpostgresql", or as ?host=/var/run/postgresql), IPv6
    // addresses in brackets. Parameters: host, port, user, dbname, sslmode, sslrootcert, sslcert, sslkey,
    // sslcrl, connect_timeout, application_name, target_session_attrs, gssencmode, channel_binding;
    // others are refused rather than ignored. One host only. A `password` argument that is not empty
    // wins over one in the URL (which works, but a URL shows in process lists). Any other scheme, a
    // malformed port or percent sign, or several hosts give InvalidConfig with a message that says what
    // to write instead.
    static StoreResult<DatabaseConfig> fromUrl(const QString &url, const QString &password = {});

    // The libpq parameters beyond host, port, user, dbname and password, as QPSQL takes them:
    // ';'-separated keyword='value' pairs, with connect_timeout=10 and application_name=kassa unless
    // the URL set them.
    QString libpqOptions() const;

    // "SQLite /home/till/.local/share/kassa/kassa.sqlite", "PostgreSQL kassa@db.shop:5432/kassa"; never
    // the password.
    QString toDisplayString() const;
};

} // namespace kassa::store
