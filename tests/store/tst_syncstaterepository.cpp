// SPDX-License-Identifier: GPL-3.0-or-later
// SyncStateRepository on SQLite and PostgreSQL: set, overwrite, read, integers, prefixes, removal, and a
// watermark that commits or rolls back with the caller's transaction.
#include "storetestsupport.h"

#include "services/store/migrations.h"
#include "services/store/syncstaterepository.h"
#include "services/store/transaction.h"

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

class TestSyncStateRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void values_data();
    void values();
    void integers();
    void prefixes();
    void followsTheTransaction();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestSyncStateRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestSyncStateRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestSyncStateRepository::values_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::newRow("cursor") << u"backfill.payment_intents.cursor"_s << u"pi_3MtwBwLkdIwHu7ix28a3tqPa"_s;
    QTest::newRow("empty value") << u"backfill.refunds.cursor"_s << QString();
    QTest::newRow("json") << u"backfill.progress"_s << u"{\"done\": 300, \"total\": 1200}"_s;
}

void TestSyncStateRepository::values()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    SyncStateRepository state(*m_db);
    QVERIFY(!state.value(key).valueOr(u"x"_s).has_value());
    VERIFY_STORE(state.setValue(key, u"first"_s));
    VERIFY_STORE(state.setValue(key, value));
    QCOMPARE(state.value(key).valueOr(std::nullopt).value_or(u"<none>"_s), value.isNull() ? u""_s : value);
    QVERIFY(state.remove(key).valueOr(false));
    QVERIFY(!state.remove(key).valueOr(true));
    QVERIFY(!state.value(key).valueOr(u"x"_s).has_value());
    QCOMPARE(state.setValue(QString(), u"v"_s).kind, StoreError::Kind::InvalidData);
}

void TestSyncStateRepository::integers()
{
    SyncStateRepository state(*m_db);
    VERIFY_STORE(state.setInteger(u"events.watermark"_s, 1'700'000'123));
    QCOMPARE(state.integer(u"events.watermark"_s).valueOr(std::nullopt).value_or(-1), 1'700'000'123);
    VERIFY_STORE(state.setValue(u"events.watermark"_s, u"not a number"_s));
    QVERIFY(!state.integer(u"events.watermark"_s).valueOr(0).has_value());
    QVERIFY(!state.integer(u"missing"_s).valueOr(0).has_value());
}

void TestSyncStateRepository::prefixes()
{
    SyncStateRepository state(*m_db);
    VERIFY_STORE(state.setValue(u"backfill.a"_s, u"1"_s));
    VERIFY_STORE(state.setValue(u"backfill.b"_s, u"2"_s));
    VERIFY_STORE(state.setValue(u"backfill_x"_s, u"3"_s)); // '_' is no wildcard
    VERIFY_STORE(state.setValue(u"events.watermark"_s, u"4"_s));
    const QMap<QString, QString> backfill = state.values(u"backfill."_s).valueOr({});
    QCOMPARE(backfill.keys(), (QStringList{u"backfill.a"_s, u"backfill.b"_s}));
    QCOMPARE(backfill.value(u"backfill.b"_s), u"2"_s);
    QCOMPARE(state.values().valueOr({}).size(), 4);
}

void TestSyncStateRepository::followsTheTransaction()
{
    SyncStateRepository state(*m_db);
    {
        Transaction transaction(*m_db);
        VERIFY_STORE(state.setInteger(u"events.watermark"_s, 100));
    } // rolled back: the events below the watermark were not applied either
    QVERIFY(!state.integer(u"events.watermark"_s).valueOr(0).has_value());
    Transaction transaction(*m_db);
    VERIFY_STORE(state.setInteger(u"events.watermark"_s, 200));
    VERIFY_STORE(transaction.commit());
    QCOMPARE(state.integer(u"events.watermark"_s).valueOr(std::nullopt).value_or(-1), 200);
}

QTEST_GUILESS_MAIN(TestSyncStateRepository)
#include "tst_syncstaterepository.moc"
