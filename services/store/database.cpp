// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/database.h"

#include "services/store/storelogging.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <sqlite3.h>

#include <atomic>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

// Enough for every statement the repositories use; filters combine into at most a few dozen more.
constexpr std::size_t MaxCachedStatements = 256;

QString nextConnectionName()
{
    static std::atomic<quint64> counter{0};
    return u"kassa.store.%1"_s.arg(++counter);
}

} // namespace

Database::Database(const DatabaseConfig &config, const QString &connectionName)
    : m_config(config)
    , m_connectionName(connectionName)
    , m_thread(QThread::currentThread())
{
}

Database::~Database()
{
    if (m_inTransaction) {
        qCWarning(lcStore) << "closing" << m_connectionName << "with an open transaction: rolling it back";
        rollbackTransaction();
    }
    m_statements.clear();
    m_sqliteHandle = nullptr;
    if (m_connection.isValid())
        m_connection.close();
    m_connection = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

StoreResult<std::unique_ptr<Database>> Database::open(const DatabaseConfig &config)
{
    if (config.dialect == Dialect::Sqlite && config.sqlitePath.isEmpty())
        return StoreError::make(StoreError::Kind::InvalidConfig, u"no SQLite database file given"_s);
    if (config.busyTimeoutMs < 0)
        return StoreError::make(StoreError::Kind::InvalidConfig, u"the busy timeout must not be negative"_s);
    std::unique_ptr<Database> db(new Database(config, nextConnectionName()));
    if (const StoreError error = db->openConnection(); error.isError()) {
        qCWarning(lcStore).noquote() << "cannot open" << config.toDisplayString() << "-" << error.toString();
        return error;
    }
    qCDebug(lcStore).noquote() << "opened" << db->displayName() << "as" << db->m_connectionName;
    return db;
}

StoreError Database::openConnection()
{
    const bool sqlite = isSqlite();
    const QString driver = sqlite ? u"QSQLITE"_s : u"QPSQL"_s;
    m_connection = QSqlDatabase::addDatabase(driver, m_connectionName);
    if (!m_connection.isValid()) {
        return StoreError::make(StoreError::Kind::Open,
                                sqlite ? u"the Qt SQLite driver (QSQLITE) is not installed"_s
                                       : u"the Qt PostgreSQL driver (QPSQL) is not installed (Debian: "
                                         "libqt6sql6-psql)"_s);
    }
    if (sqlite) {
        const QFileInfo file(m_config.sqlitePath);
        if (!QDir().mkpath(file.absolutePath())) {
            return StoreError::make(
                StoreError::Kind::Open,
                u"cannot create the directory %1"_s.arg(QDir::toNativeSeparators(file.absolutePath())));
        }
        m_connection.setDatabaseName(m_config.sqlitePath);
        m_connection.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(m_config.busyTimeoutMs));
    } else {
        if (!m_config.host.isEmpty())
            m_connection.setHostName(m_config.host);
        if (m_config.port > 0)
            m_connection.setPort(m_config.port);
        if (!m_config.user.isEmpty())
            m_connection.setUserName(m_config.user);
        if (!m_config.databaseName.isEmpty())
            m_connection.setDatabaseName(m_config.databaseName);
        if (!m_config.password.isEmpty())
            m_connection.setPassword(m_config.password);
        m_connection.setConnectOptions(m_config.libpqOptions());
    }
    if (!m_connection.open()) {
        StoreError error = StoreError::fromSql(m_connection.lastError(), dialect(),
                                               u"opening %1"_s.arg(m_config.toDisplayString()));
        // Whatever the driver says (PostgreSQL gives no SQLSTATE before it is connected), the database
        // could not be opened.
        if (error.kind != StoreError::Kind::Corrupt && error.kind != StoreError::Kind::ReadOnly)
            error.kind = StoreError::Kind::Open;
        error.message =
            u"opening %1: the database cannot be opened or reached"_s.arg(m_config.toDisplayString());
        return error;
    }
    // The password is not needed any more; do not keep it in memory longer than the driver does.
    m_config.password.clear();
    return sqlite ? configureSqlite() : configurePostgres();
}

StoreError Database::configureSqlite()
{
    // QSQLITE hands out its sqlite3 * as a QVariant holding that pointer type.
    if (const QVariant handle = m_connection.driver()->handle();
        handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_sqliteHandle = *static_cast<void *const *>(handle.constData());
    // busy_timeout first: the statements after it may have to wait for another connection.
    // cache_size: 32 MiB of pages rather than SQLite's 2 MiB, so that the indexes a list and an ingest
    // walk (and the text index's segments) stay in this connection instead of being read again from
    // the OS; memory for it is taken as pages are used. temp_store: the sorts of an ORDER BY without
    // an index, and FTS5's merges, in memory rather than in temporary files. journal_size_limit: a WAL
    // file that a long run of writes made larger is cut back to 64 MiB when the WAL starts over.
    const QStringList pragmas{u"PRAGMA busy_timeout = %1"_s.arg(m_config.busyTimeoutMs),
                              u"PRAGMA foreign_keys = ON"_s,
                              u"PRAGMA synchronous = NORMAL"_s,
                              u"PRAGMA cache_size = -32768"_s,
                              u"PRAGMA temp_store = MEMORY"_s,
                              u"PRAGMA journal_size_limit = 67108864"_s};
    for (const QString &pragma : pragmas) {
        if (const StoreError error = execDirect(pragma); error.isError())
            return error;
    }
    // The first read of the file: a file that is not a database fails here (SQLITE_NOTADB).
    const StoreResult<QVariant> mode = queryValue(u"PRAGMA journal_mode = WAL"_s);
    if (!mode.ok())
        return mode.error();
    const QString journal = mode.value().toString().toLower();
    if (journal != u"wal"_s && m_config.sqlitePath != u":memory:"_s) {
        return StoreError::make(
            StoreError::Kind::Open,
            u"SQLite refused WAL mode for %1 (journal mode stays \"%2\"); is it on a network "
            "file system?"_s.arg(QDir::toNativeSeparators(m_config.sqlitePath), journal));
    }
    return {};
}

StoreError Database::configurePostgres()
{
    // lock_timeout is the PostgreSQL side of SQLite's busy timeout: a statement that waits longer for
    // a lock fails with 55P03 (Kind::Busy) instead of hanging the till.
    if (const StoreError error = execDirect(u"SET lock_timeout = %1"_s.arg(m_config.busyTimeoutMs));
        error.isError())
        return error;
    // Statements are prepared once and run with very different values: a status that is 86 % of the
    // payments or 1 %, a common word or a rare one. After five runs PostgreSQL may switch a prepared
    // statement to one generic plan for all values, which walks the wrong index for some of them (a
    // sort by amount over a week of one status: 134 ms at p95 instead of 12 ms at 1,000,000 payments).
    // Planning with the values each time costs well under a millisecond here.
    if (const StoreError error = execDirect(u"SET plan_cache_mode = force_custom_plan"_s); error.isError())
        return error;
    // NOTICEs ("relation already exists, skipping") would go to stderr through libpq.
    return execDirect(u"SET client_min_messages = warning"_s);
}

qint64 Database::now() const
{
    return m_clock ? m_clock() : QDateTime::currentSecsSinceEpoch();
}

void Database::clearStatementCache()
{
    m_statements.clear();
}

void Database::interrupt()
{
    m_interrupted = true;
    // sqlite3_interrupt() is safe from any thread while the connection is open; the handle is set once,
    // when the connection opens, before another thread can know this Database. Its effect ends with the
    // statements running now (SQLite forgets it when the next one starts): m_interrupted stops those.
    if (m_sqliteHandle)
        sqlite3_interrupt(static_cast<sqlite3 *>(m_sqliteHandle));
}

StoreError Database::checkUsable(const QString &sql)
{
    if (QThread::currentThread() != m_thread) {
        return StoreError::make(
            StoreError::Kind::Thread,
            u"%1 belongs to another thread; open a Database per thread"_s.arg(m_connectionName));
    }
    if (m_interrupted.load()) {
        return StoreError::make(StoreError::Kind::Query,
                                u"interrupted: \"%1\" was not run, its answer is not wanted any more"_s.arg(
                                    sql.simplified().left(60)));
    }
    if (m_inTransaction && m_transactionFailure.isError()) {
        StoreError error = m_transactionFailure;
        error.kind = StoreError::Kind::Transaction;
        error.message = u"refused \"%1\": an earlier statement of this transaction failed (%2)"_s.arg(
            sql.simplified().left(60), m_transactionFailure.message);
        return error;
    }
    return {};
}

StoreResult<QSqlQuery *> Database::prepared(const QString &sql)
{
    if (const auto it = m_statements.find(sql); it != m_statements.end())
        return it->second.get();
    if (m_statements.size() >= MaxCachedStatements)
        m_statements.clear();
    auto statement = std::make_unique<QSqlQuery>(m_connection);
    statement->setForwardOnly(true);
    if (!statement->prepare(sql))
        return fail(StoreError::fromSql(statement->lastError(), dialect(), u"preparing a statement"_s));
    QSqlQuery *raw = statement.get();
    m_statements.emplace(sql, std::move(statement));
    return raw;
}

void Database::dropPrepared(const QString &sql)
{
    // After a failure SQLite's statement reports the error again on its next reset, and QSQLite then
    // finalizes it: prepare it afresh next time. PostgreSQL's prepared statements survive errors (and
    // could not be deallocated inside the failed transaction anyway).
    if (isSqlite())
        m_statements.erase(sql);
}

StoreError Database::fail(const StoreError &error)
{
    // An interrupted read was asked to stop: nothing went wrong.
    if (m_interrupted.load())
        qCDebug(lcStore).noquote() << m_connectionName << error.toString();
    else
        qCWarning(lcStore).noquote() << m_connectionName << error.toString();
    if (m_inTransaction && !m_transactionFailure.isError())
        m_transactionFailure = error;
    return error;
}

StoreResult<qint64> Database::exec(const QString &sql, const QVariantList &params)
{
    if (const StoreError error = checkUsable(sql); error.isError())
        return error;
    const StoreResult<QSqlQuery *> statement = prepared(sql);
    if (!statement.ok())
        return statement.error();
    QSqlQuery *query = statement.value();
    for (int i = 0; i < params.size(); ++i)
        query->bindValue(i, params.at(i));
    if (!query->exec()) {
        const QSqlError sqlError = query->lastError();
        query->finish();
        dropPrepared(sql);
        return fail(StoreError::fromSql(sqlError, dialect(), u"running a statement"_s));
    }
    const qint64 rows = query->numRowsAffected();
    query->finish();
    return rows;
}

StoreError Database::query(const QString &sql, const QVariantList &params, const RowHandler &onRow)
{
    if (const StoreError error = checkUsable(sql); error.isError())
        return error;
    const StoreResult<QSqlQuery *> statement = prepared(sql);
    if (!statement.ok())
        return statement.error();
    QSqlQuery *query = statement.value();
    for (int i = 0; i < params.size(); ++i)
        query->bindValue(i, params.at(i));
    if (!query->exec()) {
        const QSqlError sqlError = query->lastError();
        query->finish();
        dropPrepared(sql);
        return fail(StoreError::fromSql(sqlError, dialect(), u"running a query"_s));
    }
    // RETURNING statements apply their change as they are stepped: never stop those early.
    const bool readAll = sql.contains(u"RETURNING"_s, Qt::CaseInsensitive);
    bool wanted = true;
    while (query->next()) {
        if (wanted && onRow)
            wanted = onRow(*query);
        if (!wanted && !readAll)
            break;
    }
    const QSqlError sqlError = query->lastError();
    query->finish();
    if (sqlError.isValid()) {
        dropPrepared(sql);
        return fail(StoreError::fromSql(sqlError, dialect(), u"reading query results"_s));
    }
    return {};
}

StoreResult<QVariant> Database::queryValue(const QString &sql, const QVariantList &params)
{
    QVariant value;
    const StoreError error = query(sql, params, [&value](const QSqlQuery &row) {
        value = row.value(0);
        return false;
    });
    if (error.isError())
        return error;
    return value;
}

StoreError Database::execDirect(const QString &sql)
{
    if (const StoreError error = checkUsable(sql); error.isError())
        return error;
    QSqlQuery query(m_connection);
    query.setForwardOnly(true);
    if (!query.exec(sql)) {
        return fail(StoreError::fromSql(query.lastError(), dialect(),
                                        u"running \"%1\""_s.arg(sql.simplified().left(80))));
    }
    while (query.next()) {
    }
    if (query.lastError().isValid()) {
        return fail(StoreError::fromSql(query.lastError(), dialect(),
                                        u"running \"%1\""_s.arg(sql.simplified().left(80))));
    }
    return {};
}

StoreError Database::execControl(const QString &sql)
{
    if (QThread::currentThread() != m_thread) {
        return StoreError::make(
            StoreError::Kind::Thread,
            u"%1 belongs to another thread; open a Database per thread"_s.arg(m_connectionName));
    }
    QSqlQuery query(m_connection);
    if (!query.exec(sql)) {
        const StoreError error = StoreError::fromSql(query.lastError(), dialect(), u"running %1"_s.arg(sql));
        qCWarning(lcStore).noquote() << m_connectionName << error.toString();
        return error;
    }
    return {};
}

StoreError Database::beginTransaction()
{
    if (m_inTransaction) {
        return StoreError::make(
            StoreError::Kind::Transaction,
            u"a transaction is already open on %1; transactions do not nest (join the open "
            "one, or use Database::savepoint for a part that may fail on its own)"_s.arg(m_connectionName));
    }
    // SQLite: IMMEDIATE takes the write lock now, so that a transaction that reads and then writes
    // cannot fail half-way with SQLITE_BUSY_SNAPSHOT; it waits up to the busy timeout for it.
    if (const StoreError error = execControl(isSqlite() ? u"BEGIN IMMEDIATE"_s : u"BEGIN"_s); error.isError())
        return error;
    m_inTransaction = true;
    m_transactionFailure = {};
    m_beforeCommit.clear();
    return {};
}

StoreError Database::commitTransaction()
{
    if (!m_inTransaction)
        return StoreError::make(StoreError::Kind::Transaction, u"no transaction is open"_s);
    if (m_transactionFailure.isError()) {
        StoreError error = m_transactionFailure;
        rollbackTransaction();
        error.message = u"rolled back, nothing was saved: "_s + error.message;
        return error;
    }
    // Work registered while running may register more (it joins the same list).
    for (qsizetype i = 0; i < m_beforeCommit.size(); ++i) {
        const std::function<StoreError()> work = m_beforeCommit.at(i).second;
        StoreError error = work();
        if (!error.isError() && m_transactionFailure.isError())
            error = m_transactionFailure;
        if (error.isError()) {
            rollbackTransaction();
            error.message = u"rolled back, nothing was saved: "_s + error.message;
            return error;
        }
    }
    m_beforeCommit.clear();
    const StoreError error = execControl(u"COMMIT"_s);
    if (error.isError()) {
        rollbackTransaction();
        StoreError failed = error;
        failed.message = u"the commit failed and was rolled back, nothing was saved: "_s + error.message;
        return failed;
    }
    m_inTransaction = false;
    return {};
}

void Database::rollbackTransaction()
{
    if (!m_inTransaction)
        return;
    // SQLite may already have rolled back by itself (after SQLITE_FULL, for instance): then ROLLBACK
    // says "no transaction is active", which is what we want anyway.
    QSqlQuery query(m_connection);
    if (!query.exec(u"ROLLBACK"_s))
        qCDebug(lcStore).noquote() << m_connectionName << "ROLLBACK:" << query.lastError().text();
    m_inTransaction = false;
    m_transactionFailure = {};
    m_beforeCommit.clear();
}

StoreError Database::beforeCommit(const QString &key, const std::function<StoreError()> &work)
{
    if (!m_inTransaction)
        return work();
    for (const auto &registered : std::as_const(m_beforeCommit)) {
        if (registered.first == key)
            return {};
    }
    m_beforeCommit.emplaceBack(key, work);
    return {};
}

StoreError Database::savepoint(const QString &name, const std::function<StoreError()> &work)
{
    static const QRegularExpression valid(u"^[a-z_]+$"_s);
    if (!valid.match(name).hasMatch())
        return StoreError::make(StoreError::Kind::Query, u"invalid savepoint name \"%1\""_s.arg(name));
    if (!m_inTransaction)
        return StoreError::make(StoreError::Kind::Transaction, u"a savepoint needs an open transaction"_s);
    if (const StoreError error = checkUsable(name); error.isError())
        return error;
    if (const StoreError error = execControl(u"SAVEPOINT "_s + name); error.isError())
        return fail(error);
    const StoreError result = work();
    if (!result.isError()) {
        if (const StoreError error = execControl(u"RELEASE SAVEPOINT "_s + name); error.isError())
            return fail(error);
        return {};
    }
    const StoreError rollback = execControl(u"ROLLBACK TO SAVEPOINT "_s + name);
    if (rollback.isError()) {
        // The whole transaction is gone (SQLite rolls back by itself after some errors): it stays doomed.
        if (!m_transactionFailure.isError())
            m_transactionFailure = result;
        return result;
    }
    if (execControl(u"RELEASE SAVEPOINT "_s + name).isError())
        return result;
    m_transactionFailure = {};
    return result;
}

} // namespace kassa::store
