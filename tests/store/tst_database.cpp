// SPDX-License-Identifier: GPL-3.0-or-later
// Database and Transaction on SQLite and PostgreSQL: the connection settings (WAL, foreign keys, busy
// timeout, synchronous; lock_timeout), one connection per object, commit and rollback, nesting refused,
// a failed statement dooming its transaction, savepoints, bound values that round-trip whatever they
// hold, and clear errors for a locked database, a full disk, a file that is no database, a lost
// connection and use from the wrong thread.
#include "storetestsupport.h"

#include "services/store/migrations.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrepository.h"
#include "services/store/transaction.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSqlQuery>

#include <thread>

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

class TestDatabase : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void openAppliesSettings();
    void connectionsAreSeparate();
    void transactionOutcome_data();
    void transactionOutcome();
    void nestedTransactionIsRefused();
    void failedStatementDoomsTransaction();
    void savepointUndoesOnlyItsPart();
    void boundValuesRoundTrip_data();
    void boundValuesRoundTrip();
    void lockedDatabaseGivesBusy_data();
    void lockedDatabaseGivesBusy();
    void fullDiskKeepsCommittedData();
    void openFailureIsClear();
    void lostConnectionIsReported();
    void otherThreadIsRefused();

private:
    std::unique_ptr<Database> openDb(int busyTimeoutMs = 5000);
    qint64 countRows(Database &db, const QString &table = u"t"_s);

    std::unique_ptr<TestStore> m_fixture;
};

void TestDatabase::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
}

void TestDatabase::cleanup()
{
    m_fixture.reset();
}

std::unique_ptr<Database> TestDatabase::openDb(int busyTimeoutMs)
{
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open(busyTimeoutMs);
    if (!opened.ok()) {
        qWarning("open: %s", describe(opened.error()).constData());
        return nullptr;
    }
    return std::move(opened).value();
}

qint64 TestDatabase::countRows(Database &db, const QString &table)
{
    const StoreResult<QVariant> n = db.queryValue(u"SELECT COUNT(*) FROM "_s + table);
    return n.ok() ? n.valueOr(QVariant()).toLongLong() : -1;
}

void TestDatabase::openAppliesSettings()
{
    const std::unique_ptr<Database> db = openDb(1234);
    QVERIFY(db);
    QCOMPARE(db->isPostgres(), m_fixture->isPostgres());
    if (db->isSqlite()) {
        QCOMPARE(db->queryValue(u"PRAGMA journal_mode"_s).valueOr(QVariant()).toString(), u"wal"_s);
        QCOMPARE(db->queryValue(u"PRAGMA foreign_keys"_s).valueOr(QVariant()).toLongLong(), 1);
        QCOMPARE(db->queryValue(u"PRAGMA busy_timeout"_s).valueOr(QVariant()).toLongLong(), 1234);
        QCOMPARE(db->queryValue(u"PRAGMA synchronous"_s).valueOr(QVariant()).toLongLong(), 1); // NORMAL
        QVERIFY(QFile::exists(m_fixture->path()));
        QVERIFY(db->displayName().startsWith(u"SQLite "_s));
    } else {
        QCOMPARE(db->queryValue(u"SELECT current_setting('lock_timeout')"_s).valueOr(QVariant()).toString(),
                 u"1234ms"_s);
        QCOMPARE(
            db->queryValue(u"SELECT current_setting('application_name')"_s).valueOr(QVariant()).toString(),
            u"kassa-tests"_s);
        QVERIFY(db->displayName().startsWith(u"PostgreSQL "_s));
    }
}

void TestDatabase::connectionsAreSeparate()
{
    const std::unique_ptr<Database> a = openDb();
    const std::unique_ptr<Database> b = openDb();
    QVERIFY(a && b);
    QVERIFY(a->connectionName() != b->connectionName());
    VERIFY_STORE(a->execDirect(u"CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL)"_s));
    {
        Transaction transaction(*a);
        QVERIFY(transaction.isActive());
        VERIFY_RESULT(a->exec(u"INSERT INTO t (id, s) VALUES (?, ?)"_s, {1, u"one"_s}));
        QCOMPARE(countRows(*a), 1);
        QCOMPARE(countRows(*b), 0); // not committed yet
        VERIFY_STORE(transaction.commit());
    }
    QCOMPARE(countRows(*b), 1);
    QVERIFY(!b->inTransaction());
}

void TestDatabase::transactionOutcome_data()
{
    QTest::addColumn<QString>("end");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("commit") << u"commit"_s << qint64(2);
    QTest::newRow("rollback") << u"rollback"_s << qint64(0);
    QTest::newRow("destroyed without commit") << u"destroy"_s << qint64(0);
}

void TestDatabase::transactionOutcome()
{
    QFETCH(QString, end);
    QFETCH(qint64, expected);
    const std::unique_ptr<Database> db = openDb();
    QVERIFY(db);
    VERIFY_STORE(db->execDirect(u"CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL)"_s));
    {
        Transaction transaction(*db);
        QVERIFY(transaction.isActive());
        QVERIFY(db->inTransaction());
        VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s) VALUES (?, ?)"_s, {1, u"a"_s}));
        VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s) VALUES (?, ?)"_s, {2, u"b"_s}));
        if (end == u"commit"_s)
            VERIFY_STORE(transaction.commit());
        else if (end == u"rollback"_s)
            transaction.rollback();
        QCOMPARE(transaction.isActive(), end == u"destroy"_s);
    }
    QVERIFY(!db->inTransaction());
    QCOMPARE(countRows(*db), expected);
    // A second commit is an error, not a crash.
    Transaction again(*db);
    VERIFY_STORE(again.commit());
    QCOMPARE(again.commit().kind, StoreError::Kind::Transaction);
}

void TestDatabase::nestedTransactionIsRefused()
{
    const std::unique_ptr<Database> db = openDb();
    QVERIFY(db);
    VERIFY_STORE(db->execDirect(u"CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL)"_s));
    Transaction outer(*db);
    QVERIFY(outer.isActive());
    {
        Transaction inner(*db);
        QVERIFY(!inner.isActive());
        QCOMPARE(inner.error().kind, StoreError::Kind::Transaction);
        QVERIFY2(inner.error().message.contains(u"do not nest"_s), qPrintable(inner.error().message));
    } // the refused inner guard must not roll the outer transaction back
    QVERIFY(db->inTransaction());
    VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s) VALUES (1, 'x')"_s));
    // Transaction::run joins the open transaction instead.
    VERIFY_STORE(Transaction::run(*db, [&db]() -> StoreError {
        const StoreResult<qint64> n = db->exec(u"INSERT INTO t (id, s) VALUES (2, 'y')"_s);
        return n.ok() ? StoreError{} : n.error();
    }));
    QVERIFY(db->inTransaction());
    VERIFY_STORE(outer.commit());
    QCOMPARE(countRows(*db), 2);
}

void TestDatabase::failedStatementDoomsTransaction()
{
    const std::unique_ptr<Database> db = openDb();
    QVERIFY(db);
    VERIFY_STORE(db->execDirect(u"CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL)"_s));
    Transaction transaction(*db);
    QVERIFY(transaction.isActive());
    VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s) VALUES (?, ?)"_s, {1, u"first"_s}));
    const StoreResult<qint64> duplicate = db->exec(u"INSERT INTO t (id, s) VALUES (?, ?)"_s, {1, u"again"_s});
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().kind, StoreError::Kind::Constraint);
    QVERIFY(!duplicate.error().driverMessage.isEmpty());
    // Later statements are refused, on both databases alike.
    const StoreResult<qint64> later = db->exec(u"INSERT INTO t (id, s) VALUES (?, ?)"_s, {2, u"later"_s});
    QVERIFY(!later.ok());
    QCOMPARE(later.error().kind, StoreError::Kind::Transaction);
    const StoreError committed = transaction.commit();
    QCOMPARE(committed.kind, StoreError::Kind::Constraint);
    QVERIFY2(committed.message.contains(u"nothing was saved"_s), qPrintable(committed.message));
    QCOMPARE(countRows(*db), 0);
    // The connection is fine afterwards; the cached statement that failed works again.
    VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s) VALUES (?, ?)"_s, {1, u"after"_s}));
    QCOMPARE(countRows(*db), 1);
}

void TestDatabase::savepointUndoesOnlyItsPart()
{
    const std::unique_ptr<Database> db = openDb();
    QVERIFY(db);
    VERIFY_STORE(db->execDirect(u"CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL)"_s));
    QCOMPARE(db->savepoint(u"outside"_s, [] { return StoreError{}; }).kind, StoreError::Kind::Transaction);
    Transaction transaction(*db);
    QVERIFY(transaction.isActive());
    VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s) VALUES (1, 'kept')"_s));
    const StoreError failed = db->savepoint(u"try_it"_s, [&db]() -> StoreError {
        const StoreResult<qint64> inserted = db->exec(u"INSERT INTO t (id, s) VALUES (2, 'undone')"_s);
        if (!inserted.ok())
            return inserted.error();
        const StoreResult<qint64> duplicate = db->exec(u"INSERT INTO t (id, s) VALUES (1, 'clash')"_s);
        return duplicate.ok() ? StoreError{} : duplicate.error();
    });
    QCOMPARE(failed.kind, StoreError::Kind::Constraint);
    // The transaction goes on.
    VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s) VALUES (3, 'after')"_s));
    VERIFY_STORE(db->savepoint(u"fine"_s, [&db]() -> StoreError {
        const StoreResult<qint64> n = db->exec(u"INSERT INTO t (id, s) VALUES (4, 'in savepoint')"_s);
        return n.ok() ? StoreError{} : n.error();
    }));
    VERIFY_STORE(transaction.commit());
    QStringList rows;
    VERIFY_STORE(db->query(u"SELECT s FROM t ORDER BY id"_s, {}, [&rows](const QSqlQuery &row) {
        rows << row.value(0).toString();
        return true;
    }));
    QCOMPARE(rows, (QStringList{u"kept"_s, u"after"_s, u"in savepoint"_s}));
}

void TestDatabase::boundValuesRoundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("number");
    QTest::newRow("plain") << u"hello"_s << qint64(42);
    QTest::newRow("empty") << u""_s << qint64(0);
    QTest::newRow("quotes") << u"O'Brien \"the\" `till`"_s << qint64(-1);
    QTest::newRow("injection") << u"x'); DROP TABLE t; --"_s << qint64(1);
    QTest::newRow("placeholders") << u"? $1 :name %s %1"_s << qint64(2);
    QTest::newRow("backslashes") << u"C:\\till\\n \\' \\\\"_s << qint64(3);
    QTest::newRow("unicode") << u"Müller · 東京 · 😀 · \u202e"_s << qint64(4);
    QTest::newRow("newlines and tabs") << u"a\nb\r\nc\td"_s << qint64(5);
    QTest::newRow("long") << QString(100'000, u'x') << qint64(6);
    QTest::newRow("largest amount") << u"max"_s << std::numeric_limits<qint64>::max();
    QTest::newRow("smallest") << u"min"_s << std::numeric_limits<qint64>::min();
}

void TestDatabase::boundValuesRoundTrip()
{
    QFETCH(QString, text);
    QFETCH(qint64, number);
    const std::unique_ptr<Database> db = openDb();
    QVERIFY(db);
    VERIFY_STORE(
        db->execDirect(u"CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL, n BIGINT NOT NULL)"_s));
    VERIFY_RESULT(db->exec(u"INSERT INTO t (id, s, n) VALUES (?, ?, ?)"_s, {1, text, number}));
    QString readText;
    qint64 readNumber = 0;
    VERIFY_STORE(
        db->query(u"SELECT s, n FROM t WHERE s = ? AND n = ?"_s, {text, number}, [&](const QSqlQuery &row) {
            readText = row.value(0).toString();
            readNumber = row.value(1).toLongLong();
            return false;
        }));
    QCOMPARE(readText, text);
    QCOMPARE(readNumber, number);
    QCOMPARE(countRows(*db), 1);
}

void TestDatabase::lockedDatabaseGivesBusy_data()
{
    QTest::addColumn<bool>("inTransaction");
    QTest::newRow("single statement") << false;
    QTest::newRow("transaction") << true;
}

void TestDatabase::lockedDatabaseGivesBusy()
{
    QFETCH(bool, inTransaction);
    const std::unique_ptr<Database> holder = openDb(5000);
    const std::unique_ptr<Database> waiter = openDb(200);
    QVERIFY(holder && waiter);
    VERIFY_STORE(holder->execDirect(u"CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL)"_s));
    VERIFY_RESULT(holder->exec(u"INSERT INTO t (id, s) VALUES (1, 'committed')"_s));

    Transaction holding(*holder);
    QVERIFY(holding.isActive());
    VERIFY_RESULT(holder->exec(u"UPDATE t SET s = 'held' WHERE id = 1"_s));

    QElapsedTimer timer;
    timer.start();
    StoreError error;
    if (inTransaction) {
        error = Transaction::run(*waiter, [&waiter]() -> StoreError {
            const StoreResult<qint64> n = waiter->exec(u"UPDATE t SET s = 'waiter' WHERE id = 1"_s);
            return n.ok() ? StoreError{} : n.error();
        });
    } else {
        const StoreResult<qint64> n = waiter->exec(u"UPDATE t SET s = 'waiter' WHERE id = 1"_s);
        error = n.ok() ? StoreError{} : n.error();
    }
    const qint64 waited = timer.elapsed();
    QCOMPARE(error.kind, StoreError::Kind::Busy);
    QVERIFY2(error.message.contains(u"lock"_s), qPrintable(error.message));
    QVERIFY2(!error.driverMessage.isEmpty(), qPrintable(error.toString()));
    QVERIFY2(waited >= 150 && waited < 4000, qPrintable(QString::number(waited)));
    QVERIFY(!waiter->inTransaction());

    // Readers are not blocked, and see the committed value.
    QCOMPARE(waiter->queryValue(u"SELECT s FROM t WHERE id = 1"_s).valueOr(QVariant()).toString(),
             u"committed"_s);

    VERIFY_STORE(holding.commit());
    VERIFY_RESULT(waiter->exec(u"UPDATE t SET s = 'waiter' WHERE id = 1"_s));
    QCOMPARE(holder->queryValue(u"SELECT s FROM t WHERE id = 1"_s).valueOr(QVariant()).toString(),
             u"waiter"_s);
}

void TestDatabase::fullDiskKeepsCommittedData()
{
    if (m_fixture->isPostgres())
        QSKIP("SQLite only: PostgreSQL has no per-database size limit to provoke a full disk with");
    const std::unique_ptr<Database> db = openDb();
    QVERIFY(db);
    VERIFY_STORE(Migrations::migrate(*db));
    PaymentRepository payments(*db);
    QList<QJsonObject> committed;
    for (int i = 0; i < 10; ++i)
        committed << paymentIntent({.id = u"pi_committed_%1"_s.arg(i), .description = u"committed"_s});
    const StoreResult<BatchResult> first = payments.upsertMany(committed, 1'700'000'100);
    VERIFY_RESULT(first);
    QCOMPARE(first.value().applied, 10);

    // The "disk" gets a few pages more; the next batch needs far more.
    const qint64 pages = db->queryValue(u"PRAGMA page_count"_s).valueOr(QVariant()).toLongLong();
    VERIFY_STORE(db->execDirect(u"PRAGMA max_page_count = %1"_s.arg(pages + 4)));
    QList<QJsonObject> batch;
    for (int i = 0; i < 2000; ++i) {
        batch << paymentIntent({.id = u"pi_batch_%1"_s.arg(i),
                                .description = u"a long description to fill pages %1 "_s.arg(i).repeated(8)});
    }
    const StoreResult<BatchResult> second = payments.upsertMany(batch, 1'700'000'200);
    QVERIFY(!second.ok());
    QCOMPARE(second.error().kind, StoreError::Kind::Full);
    QVERIFY2(second.error().message.contains(u"full"_s), qPrintable(second.error().toString()));
    QVERIFY(!db->inTransaction());

    // Nothing of the failed batch, everything committed before.
    QCOMPARE(payments.count({}).valueOr(-1), 10);
    PaymentFilter filter;
    filter.description = u"committed"_s;
    QCOMPARE(payments.count(filter).valueOr(-1), 10);
    QCOMPARE(db->queryValue(u"PRAGMA integrity_check"_s).valueOr(QVariant()).toString(), u"ok"_s);

    // A single statement fails the same way, and once there is room again writes work.
    const StoreResult<UpsertOutcome> one = payments.upsert(batch.constFirst(), 1'700'000'300);
    QVERIFY(!one.ok() || one.value() == UpsertOutcome::Applied); // it may just fit
    VERIFY_STORE(db->execDirect(u"PRAGMA max_page_count = 1073741823"_s));
    VERIFY_RESULT(payments.upsertMany(batch, 1'700'000'400));
    QCOMPARE(payments.count({}).valueOr(-1), 2010);
}

void TestDatabase::openFailureIsClear()
{
    if (!m_fixture->isPostgres()) {
        // A file that is not a database.
        QFile garbage(m_fixture->path());
        QVERIFY(QDir().mkpath(QFileInfo(garbage).absolutePath()));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(8192, 'x'));
        garbage.close();
        const StoreResult<std::unique_ptr<Database>> notADatabase = m_fixture->open();
        QVERIFY(!notADatabase.ok());
        QCOMPARE(notADatabase.error().kind, StoreError::Kind::Corrupt);
        QVERIFY2(notADatabase.error().message.contains(u"not a Kassa database"_s),
                 qPrintable(notADatabase.error().toString()));
        // A directory that cannot be made (a file is in its way).
        const StoreResult<std::unique_ptr<Database>> noDirectory =
            Database::open(DatabaseConfig::sqlite(m_fixture->path() + u"/sub/kassa.sqlite"_s));
        QVERIFY(!noDirectory.ok());
        QCOMPARE(noDirectory.error().kind, StoreError::Kind::Open);
        return;
    }
    DatabaseConfig missing = m_fixture->config();
    missing.databaseName = u"kassa_no_such_database"_s;
    const StoreResult<std::unique_ptr<Database>> noDatabase = Database::open(missing);
    QVERIFY(!noDatabase.ok());
    QCOMPARE(noDatabase.error().kind, StoreError::Kind::Open);
    QVERIFY2(noDatabase.error().driverMessage.contains(u"kassa_no_such_database"_s),
             qPrintable(noDatabase.error().toString()));
    DatabaseConfig wrongPassword = m_fixture->config();
    wrongPassword.password = u"not-the-password"_s;
    const StoreResult<std::unique_ptr<Database>> refused = Database::open(wrongPassword);
    if (refused.ok())
        QSKIP("this server trusts local connections: no password check to test");
    QCOMPARE(refused.error().kind, StoreError::Kind::Open);
    QVERIFY(!refused.error().toString().contains(u"not-the-password"_s));
}

void TestDatabase::lostConnectionIsReported()
{
    if (!m_fixture->isPostgres())
        QSKIP("PostgreSQL only: a SQLite file has no connection to lose");
    const std::unique_ptr<Database> db = openDb();
    const std::unique_ptr<Database> killer = openDb();
    QVERIFY(db && killer);
    const qint64 pid = db->queryValue(u"SELECT pg_backend_pid()"_s).valueOr(QVariant()).toLongLong();
    QVERIFY(pid > 0);
    VERIFY_RESULT(killer->queryValue(u"SELECT pg_terminate_backend(CAST(? AS INTEGER))"_s, {pid}));
    const StoreResult<QVariant> after = db->queryValue(u"SELECT 1"_s);
    QVERIFY(!after.ok());
    QCOMPARE(after.error().kind, StoreError::Kind::Connection);
}

void TestDatabase::otherThreadIsRefused()
{
    const std::unique_ptr<Database> db = openDb();
    QVERIFY(db);
    StoreError error;
    std::thread other([&]() {
        const StoreResult<QVariant> value = db->queryValue(u"SELECT 1"_s);
        error = value.ok() ? StoreError{} : value.error();
    });
    other.join();
    QCOMPARE(error.kind, StoreError::Kind::Thread);
    QCOMPARE(db->queryValue(u"SELECT 1"_s).valueOr(QVariant()).toLongLong(),
             1); // still fine on its own thread
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
