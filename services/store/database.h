// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/databaseconfig.h"
#include "services/store/dialect.h"
#include "services/store/storeerror.h"
#include "services/store/storeresult.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QVariant>
#include <QVariantList>

#include <atomic>
#include <functional>
#include <memory>
#include <unordered_map>

class QSqlQuery;
class QThread;

namespace kassa::store {

// Called once per result row; return false to stop early. It must not run statements on the same
// Database (PostgreSQL streams the rows over the one connection).
using RowHandler = std::function<bool(const QSqlQuery &row)>;

// One connection to the store: a SQLite file (the default: WAL journal, foreign keys on, busy timeout,
// synchronous=NORMAL) or a PostgreSQL database (lock_timeout set to the busy timeout).
//
// Threads: a Database belongs to the thread that opened it and refuses (StoreError::Kind::Thread) to be
// used from another. A thread that needs the store opens its own Database; each gets its own connection
// under a unique connection name. There is no shared or global instance: app/ opens one and passes it
// down by reference.
//
// Statements: parameters are always bound ('?' placeholders, positional), never formatted into SQL
// text. Prepared statements are cached per SQL text and reused, which is what makes batches fast.
//
// Errors: every failure comes back as a StoreError carrying the driver's message and code; a full disk
// (SQLITE_FULL) is Kind::Full, a lock held beyond the busy timeout is Kind::Busy. In a transaction,
// the first failing statement dooms it: later statements are refused and Transaction::commit() rolls
// back and returns that first error, the same on SQLite and PostgreSQL, so that nothing is half-saved.
// A PostgreSQL connection that breaks (Kind::Connection) is not re-established behind the caller's
// back, since a statement may or may not have run: drop this Database and open a new one.
class Database
{
public:
    // Opens the database (creating the SQLite file and its directory when missing) and applies the
    // connection settings. Does not migrate: call Migrations::migrate() next.
    static StoreResult<std::unique_ptr<Database>> open(const DatabaseConfig &config);
    ~Database();

    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    Dialect dialect() const { return m_config.dialect; }
    bool isPostgres() const { return m_config.dialect == Dialect::Postgres; }
    bool isSqlite() const { return m_config.dialect == Dialect::Sqlite; }
    // Unique per Database object ("kassa.store.3").
    QString connectionName() const { return m_connectionName; }
    // DatabaseConfig::toDisplayString(): where this is, without the password.
    QString displayName() const { return m_config.toDisplayString(); }
    const DatabaseConfig &config() const { return m_config; }
    int busyTimeoutMs() const { return m_config.busyTimeoutMs; }
    // PostgreSQL: whether migrations may create extensions (DatabaseConfig::allowExtensions).
    bool allowExtensions() const { return m_config.allowExtensions; }

    // Runs one statement; gives the number of rows it changed.
    StoreResult<qint64> exec(const QString &sql, const QVariantList &params = {});
    // Runs one statement that returns rows (SELECT, or INSERT/UPDATE ... RETURNING) and calls `onRow`
    // for each. Statements with RETURNING are always read to the end, even when `onRow` stops early.
    StoreError query(const QString &sql, const QVariantList &params, const RowHandler &onRow);
    // The first column of the first row; an invalid QVariant when there is no row.
    StoreResult<QVariant> queryValue(const QString &sql, const QVariantList &params = {});
    // Runs a statement without parameters and without caching it: DDL, PRAGMA, SET. For migrations.
    StoreError execDirect(const QString &sql);

    // True between Transaction's BEGIN and its COMMIT or ROLLBACK.
    bool inTransaction() const { return m_inTransaction; }
    // Inside a transaction: runs `work` in a savepoint. When `work` fails, only what it did is rolled
    // back and the transaction goes on (the failure does not doom it); the error is returned. For
    // statements that may fail on their own, e.g. CREATE EXTENSION. `name` is [a-z_]+.
    StoreError savepoint(const QString &name, const std::function<StoreError()> &work);
    // Inside a transaction: runs `work` once, as the transaction's last statements before its COMMIT
    // (later registrations under the same `key` are dropped; a failure rolls the transaction back).
    // For index work that costs the same for one row as for a hundred (SQLite's text index). Outside a
    // transaction: runs `work` at once.
    StoreError beforeCommit(const QString &key, const std::function<StoreError()> &work);

    // The time the store writes into updated_at/processed_at/... columns, Unix seconds. The system
    // clock unless a test sets another.
    qint64 now() const;
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

    // Drops every cached prepared statement (they are re-prepared on next use).
    void clearStatementCache();

    // For a read whose answer nobody wants any more: the statement running now fails soon with an
    // "interrupted" error (SQLite: sqlite3_interrupt; PostgreSQL: it runs to its end), and so does every
    // statement started after it (Kind::Query, "interrupted"), until clearInterrupt(). The one call that
    // may come from another thread than the owner's: a read of several statements stops at the next one
    // even when the call falls between two of them.
    void interrupt();
    void clearInterrupt() { m_interrupted = false; }
    bool isInterrupted() const { return m_interrupted.load(); }

    // SQLite: the connection's sqlite3 *, for the few statements that go to SQLite's C API (UTF-8 text
    // bound as it is, WAL checkpoint counts); null on PostgreSQL. Same thread rules as the Database.
    void *sqliteHandle() const { return m_sqliteHandle; }

private:
    friend class Transaction;

    Database(const DatabaseConfig &config, const QString &connectionName);
    StoreError openConnection();
    StoreError configureSqlite();
    StoreError configurePostgres();
    StoreError checkUsable(const QString &sql);
    StoreResult<QSqlQuery *> prepared(const QString &sql);
    void dropPrepared(const QString &sql);
    StoreError fail(const StoreError &error);
    StoreError execControl(const QString &sql); // BEGIN/COMMIT/ROLLBACK/SAVEPOINT: not cached, not dooming

    // Transaction's side.
    StoreError beginTransaction();
    StoreError commitTransaction();
    void rollbackTransaction();

    DatabaseConfig m_config;
    QString m_connectionName;
    QSqlDatabase m_connection;
    void *m_sqliteHandle = nullptr; // the driver's sqlite3 *, for interrupt()
    std::atomic<bool> m_interrupted{false};
    QThread *m_thread = nullptr;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements;
    std::function<qint64()> m_clock;
    bool m_inTransaction = false;
    StoreError m_transactionFailure; // the first error in the open transaction
    QList<std::pair<QString, std::function<StoreError()>>> m_beforeCommit; // of the open transaction
};

} // namespace kassa::store
