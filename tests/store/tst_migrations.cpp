// SPDX-License-Identifier: GPL-3.0-or-later
// Migrations on SQLite and PostgreSQL: an empty database to the latest schema; a database made by the
// first schema, with data in it, to the latest (its payments become searchable through the new index);
// step 1 frozen (its schema's fingerprint is recorded here); re-running is harmless; a newer schema is
// refused; a failing step leaves the previous version whole; two tills migrating at once agree; events
// waiting in a version-6 webhook inbox are kept by step 7.
#include "storetestsupport.h"

#include "services/store/eventrepository.h"
#include "services/store/inboxwriter.h"
#include "services/store/migrations.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrepository.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"

#include <QCryptographicHash>
#include <QSqlQuery>

#include <thread>

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

class TestMigrations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void fromEmptyToLatest();
    void firstSchemaIsFrozen();
    void fromFirstSchemaToLatest();
    void textIndexQueueKeepsTheIndex();
    void inboxQueueKeepsWaitingEvents();
    void newerSchemaIsRefused();
    void failingStepRollsBack();
    void insideTransactionIsRefused();
    void concurrentMigrationsAgree();
    void withoutExtensionsSearchStillWorks();

private:
    QList<qint64> appliedVersions(Database &db);
    QString schemaFingerprint(Database &db);

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestMigrations::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
}

void TestMigrations::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

QList<qint64> TestMigrations::appliedVersions(Database &db)
{
    QList<qint64> versions;
    const StoreError error = db.query(u"SELECT version FROM schema_version ORDER BY version"_s, {},
                                      [&versions](const QSqlQuery &row) {
                                          versions << row.value(0).toLongLong();
                                          return true;
                                      });
    if (error.isError())
        qWarning("%s", describe(error).constData());
    return versions;
}

// Tables, columns, types, defaults and indexes, as the database describes them.
QString TestMigrations::schemaFingerprint(Database &db)
{
    QStringList lines;
    const QString sql =
        db.isSqlite() ? u"SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master "
                        "WHERE name <> 'schema_version' AND name NOT LIKE 'sqlite_%' ORDER BY name"_s
                      : u"SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || "
                        "COALESCE(collation_name, '') || ' ' || is_nullable || ' ' || "
                        "COALESCE(column_default, '') FROM information_schema.columns WHERE table_schema = "
                        "current_schema() AND table_name <> 'schema_version' "
                        "UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                        "AND tablename <> 'schema_version' ORDER BY 1"_s;
    const StoreError error = db.query(sql, {}, [&lines](const QSqlQuery &row) {
        lines << row.value(0).toString().simplified();
        return true;
    });
    if (error.isError())
        return error.toString();
    return QString::fromLatin1(
        QCryptographicHash::hash(lines.join(u'\n').toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}

void TestMigrations::fromEmptyToLatest()
{
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), 0);
    VERIFY_STORE(Migrations::migrate(*m_db));
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), Migrations::latestVersion());
    QList<qint64> expected;
    for (const Migrations::Step &step : Migrations::steps())
        expected << step.version;
    QCOMPARE(appliedVersions(*m_db), expected);
    const QStringList tables{u"payments"_s,   u"charges"_s,  u"refunds"_s,        u"payment_methods"_s,
                             u"customers"_s,  u"events"_s,   u"event_inbox"_s,    u"outbox"_s,
                             u"sync_state"_s, u"tills"_s,    u"users"_s,          u"audit_log"_s,
                             u"audit_head"_s, u"settings"_s, u"refund_requests"_s};
    for (const QString &table : tables)
        QVERIFY2(m_db->queryValue(u"SELECT COUNT(*) FROM "_s + table).ok(), qPrintable(table));
    QVERIFY(Migrations::hasIndexedTextSearch(*m_db).valueOr(false));

    // Again: nothing to do, nothing changes.
    const QString before = schemaFingerprint(*m_db);
    VERIFY_STORE(Migrations::migrate(*m_db));
    QCOMPARE(appliedVersions(*m_db), expected);
    QCOMPARE(schemaFingerprint(*m_db), before);
}

void TestMigrations::firstSchemaIsFrozen()
{
    // Step 1 has shipped: its SQL must never change, or databases made by it would differ from new ones.
    // A deliberate change to the schema is a new step; this fingerprint stays. (SQLite: the DDL text as
    // sqlite_master keeps it; PostgreSQL: columns and index definitions as PostgreSQL 15 prints them.)
    VERIFY_STORE(Migrations::migrateTo(*m_db, 1));
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), 1);
    const QString fingerprint = schemaFingerprint(*m_db);
    const QString expected = m_db->isSqlite() ? u"2b0cd3d1f6fcc108"_s : u"fab945ec0064920a"_s;
    QCOMPARE(fingerprint, expected);
}

void TestMigrations::fromFirstSchemaToLatest()
{
    VERIFY_STORE(Migrations::migrateTo(*m_db, 1));
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), 1);
    QVERIFY(!Migrations::hasIndexedTextSearch(*m_db).valueOr(true));

    // An older till wrote payments into the first schema.
    PaymentRepository payments(*m_db);
    QList<QJsonObject> old;
    for (int i = 0; i < 50; ++i) {
        old << paymentIntent(
            {.id = u"pi_old_%1"_s.arg(i, 3, 10, QLatin1Char('0')),
             .created = 1'700'000'000 + i,
             .description = i % 5 == 0 ? u"Espresso doppio %1"_s.arg(i) : u"Croissant %1"_s.arg(i),
             .cashier = u"anna"_s});
    }
    const StoreResult<BatchResult> written = payments.upsertMany(old, 1'700'000'100);
    VERIFY_RESULT(written);
    QCOMPARE(written.value().applied, 50);
    PaymentFilter espresso;
    espresso.description = u"presso dop"_s;
    QCOMPARE(payments.count(espresso).valueOr(-1), 10); // by scanning, before

    VERIFY_STORE(Migrations::migrate(*m_db));
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), Migrations::latestVersion());
    QVERIFY(Migrations::hasIndexedTextSearch(*m_db).valueOr(false));
    // The rows the first schema held are found through the new index.
    QCOMPARE(payments.count(espresso).valueOr(-1), 10);
    PaymentFilter byCashier;
    byCashier.cashier = u"anna"_s;
    QCOMPARE(payments.count(byCashier).valueOr(-1), 50);
    if (m_db->isSqlite()) {
        VERIFY_STORE(m_db->execDirect(
            u"INSERT INTO payments_fts (payments_fts, rank) VALUES ('integrity-check', 1)"_s));
        // The index is in use: a full-text match, not a scan of payments.
        QString plan;
        VERIFY_STORE(
            m_db->query(u"EXPLAIN QUERY PLAN SELECT id FROM payments WHERE row_id IN (SELECT rowid FROM "
                        "payments_fts WHERE payments_fts MATCH ?)"_s,
                        {u"\"espresso\""_s}, [&plan](const QSqlQuery &row) {
                            plan += row.value(3).toString() + u'\n';
                            return true;
                        }));
        QVERIFY2(plan.contains(u"VIRTUAL TABLE INDEX"_s), qPrintable(plan));
    }
    // And new writes keep it in step.
    VERIFY_RESULT(
        payments.upsert(paymentIntent({.id = u"pi_new"_s, .description = u"Espresso new"_s}), 1'700'000'200));
    QCOMPARE(payments.count(espresso).valueOr(-1), 10);
    espresso.description = u"espresso"_s;
    QCOMPARE(payments.count(espresso).valueOr(-1), 11);
}

// Step 6 replaces the text index's triggers by a queue applied before each commit (SQLite): payments
// indexed by the triggers of a version-5 store are still found, and changes to them after the step
// leave the index in step.
void TestMigrations::textIndexQueueKeepsTheIndex()
{
    VERIFY_STORE(Migrations::migrateTo(*m_db, 5));
    PaymentRepository payments(*m_db);
    QList<QJsonObject> old;
    for (int i = 0; i < 20; ++i) {
        old << paymentIntent(
            {.id = u"pi_v4_%1"_s.arg(i, 2, 10, QLatin1Char('0')),
             .created = 1'700'000'000 + i,
             .description = i % 4 == 0 ? u"Espresso %1"_s.arg(i) : u"Croissant %1"_s.arg(i)});
    }
    VERIFY_RESULT(payments.upsertMany(old, 100));
    VERIFY_STORE(Migrations::migrate(*m_db));
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), Migrations::latestVersion());
    PaymentFilter espresso;
    espresso.description = u"espresso"_s;
    PaymentFilter tea;
    tea.description = u"green tea"_s;
    QCOMPARE(payments.count(espresso).valueOr(-1), 5);
    QList<QJsonObject> changed;
    for (int i = 0; i < 20; i += 2) {
        changed << paymentIntent({.id = u"pi_v4_%1"_s.arg(i, 2, 10, QLatin1Char('0')),
                                  .created = 1'700'000'000 + i,
                                  .description = u"Green tea %1"_s.arg(i)});
    }
    VERIFY_RESULT(payments.upsertMany(changed, 200));
    QCOMPARE(payments.count(espresso).valueOr(-1), 0);
    QCOMPARE(payments.count(tea).valueOr(-1), 10);
    if (m_db->isSqlite()) {
        VERIFY_STORE(m_db->execDirect(
            u"INSERT INTO payments_fts (payments_fts, rank) VALUES ('integrity-check', 1)"_s));
        QCOMPARE(m_db->queryValue(u"SELECT COUNT(*) FROM payments_fts_queue"_s).valueOr(-1).toLongLong(), 0);
        QCOMPARE(m_db->queryValue(u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
                                  "'payments_fts_%'"_s)
                     .valueOr(-1)
                     .toLongLong(),
                 3);
    }
}

// Step 7 gives the webhook inbox an arrival number as its key: the events a version-6 store had received
// and not applied yet are still there, oldest first, a repeated delivery is still queued once, and a
// stored event no longer writes into an index of event ids.
void TestMigrations::inboxQueueKeepsWaitingEvents()
{
    VERIFY_STORE(Migrations::migrateTo(*m_db, 6));
    for (const auto &[id, created] :
         {std::pair{u"evt_late"_s, 300}, {u"evt_early"_s, 100}, {u"evt_mid"_s, 200}}) {
        const StoreResult<qint64> inserted =
            m_db->exec(u"INSERT INTO event_inbox (id, type, created, source, payload, received_at) "
                       "VALUES (?, 'charge.succeeded', ?, 'webhook', ?, 7)"_s,
                       {sql::text(id), qint64(created), sql::text(u"{\"id\":\"%1\"}"_s.arg(id))});
        VERIFY_RESULT(inserted);
    }
    VERIFY_STORE(Migrations::migrate(*m_db));
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), Migrations::latestVersion());

    EventRepository events(*m_db);
    const QList<InboxEvent> kept = events.inbox(10).valueOr({});
    QCOMPARE(kept.size(), 3);
    QCOMPARE(kept.at(0), (InboxEvent{u"evt_early"_s, u"charge.succeeded"_s, 100, u"webhook"_s,
                                     R"({"id":"evt_early"})", 7}));
    QCOMPARE(kept.at(1).id, u"evt_mid"_s);
    QCOMPARE(kept.at(2).id, u"evt_late"_s);
    // The same delivery again, through either writer: still one row.
    InboxWriter writer(*m_db);
    QCOMPARE(writer.enqueue({u"evt_mid"_s, u"charge.succeeded"_s, 200, u"webhook"_s, "{}", 0}).valueOr(true),
             false);
    QCOMPARE(events.enqueue({u"evt_mid"_s, u"charge.succeeded"_s, 200, u"poller"_s, "{}", 0}).valueOr(true),
             false);
    QCOMPARE(writer.enqueue({u"evt_new"_s, u"charge.succeeded"_s, 50, u"webhook"_s, "{}", 0}).valueOr(false),
             true);
    QCOMPARE(events.inboxSize().valueOr(-1), 4);
    QCOMPARE(events.inbox(1).valueOr({}).value(0).id, u"evt_new"_s);
    QVERIFY(events.removeFromInbox(u"evt_mid"_s, 200).valueOr(false));
    QCOMPARE(events.inboxSize().valueOr(-1), 3);

    // One index, on (created, id); the rows' key is their arrival number.
    QStringList indexes;
    const QString sql =
        m_db->isSqlite()
            ? u"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_inbox' "
              "ORDER BY name"_s
            : u"SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND "
              "tablename = 'event_inbox' AND indexname <> 'event_inbox_queue_pkey' ORDER BY 1"_s;
    VERIFY_STORE(m_db->query(sql, {}, [&indexes](const QSqlQuery &row) {
        indexes << row.value(0).toString();
        return true;
    }));
    QCOMPARE(indexes, QStringList{u"event_inbox_created"_s});
}

void TestMigrations::newerSchemaIsRefused()
{
    VERIFY_STORE(Migrations::migrate(*m_db));
    VERIFY_RESULT(
        m_db->exec(u"INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"_s,
                   {Migrations::latestVersion() + 7, u"from the future"_s, 0}));
    const StoreError error = Migrations::migrate(*m_db);
    QCOMPARE(error.kind, StoreError::Kind::Schema);
    QVERIFY2(error.message.contains(u"newer Kassa"_s), qPrintable(error.message));
    QCOMPARE(Migrations::migrateTo(*m_db, Migrations::latestVersion() + 1).kind, StoreError::Kind::Schema);
}

void TestMigrations::failingStepRollsBack()
{
    const QList<Migrations::Step> steps{
        {1, u"table a"_s,
         [](Database &db) { return db.execDirect(u"CREATE TABLE a (id INTEGER PRIMARY KEY)"_s); }},
        {2, u"table b, then a mistake"_s,
         [](Database &db) -> StoreError {
             if (const StoreError error = db.execDirect(u"CREATE TABLE b (id INTEGER PRIMARY KEY)"_s);
                 error.isError())
                 return error;
             if (const StoreError error = db.execDirect(u"INSERT INTO a (id) VALUES (1)"_s); error.isError())
                 return error;
             return db.execDirect(u"CREATE TABLE broken (id INTEGR PRIMARY KEY PRIMARY KEY)"_s);
         }},
    };
    const StoreError error = Migrations::apply(*m_db, steps, 2);
    QCOMPARE(error.kind, StoreError::Kind::Schema);
    QVERIFY2(error.message.contains(u"version 2"_s), qPrintable(error.message));
    QVERIFY(!m_db->inTransaction());
    QCOMPARE(Migrations::currentVersion(*m_db).valueOr(-1), 1);
    QCOMPARE(m_db->queryValue(u"SELECT COUNT(*) FROM a"_s).valueOr(-1).toLongLong(),
             0);                                                  // step 2's insert undone
    QVERIFY(!m_db->queryValue(u"SELECT COUNT(*) FROM b"_s).ok()); // and its table
}

void TestMigrations::insideTransactionIsRefused()
{
    Transaction transaction(*m_db);
    QVERIFY(transaction.isActive());
    QCOMPARE(Migrations::migrate(*m_db).kind, StoreError::Kind::Transaction);
}

void TestMigrations::concurrentMigrationsAgree()
{
    const DatabaseConfig config = m_fixture->config(20'000);
    StoreError errors[2];
    auto migrateIn = [&config](StoreError *error) {
        StoreResult<std::unique_ptr<Database>> db = Database::open(config);
        *error = db.ok() ? Migrations::migrate(*db.value()) : db.error();
    };
    std::thread first(migrateIn, &errors[0]);
    std::thread second(migrateIn, &errors[1]);
    first.join();
    second.join();
    VERIFY_STORE(errors[0]);
    VERIFY_STORE(errors[1]);
    QList<qint64> expected;
    for (const Migrations::Step &step : Migrations::steps())
        expected << step.version;
    QCOMPARE(appliedVersions(*m_db), expected);
}

void TestMigrations::withoutExtensionsSearchStillWorks()
{
    if (!m_fixture->isPostgres())
        QSKIP("PostgreSQL only: SQLite needs no extension for its full-text index");
    m_db.reset();
    DatabaseConfig config = m_fixture->config();
    config.allowExtensions = false;
    StoreResult<std::unique_ptr<Database>> opened = Database::open(config);
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
    QVERIFY(!Migrations::hasIndexedTextSearch(*m_db).valueOr(true));
    PaymentRepository payments(*m_db);
    VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_1"_s, .description = u"Flat white"_s}), 1));
    PaymentFilter filter;
    filter.description = u"AT WHI"_s;
    QCOMPARE(payments.count(filter).valueOr(-1), 1);
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
