// SPDX-License-Identifier: GPL-3.0-or-later
// TillRepository on SQLite and PostgreSQL: add, rename, touch, list.
#include "storetestsupport.h"

#include "services/store/migrations.h"
#include "services/store/tillrepository.h"

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

class TestTillRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void addRenameTouchList();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestTillRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestTillRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestTillRepository::addRenameTouchList()
{
    qint64 now = 1000;
    m_db->setClock([&now]() { return now; });
    TillRepository tills(*m_db);
    VERIFY_STORE(tills.upsert(u"till-2"_s, u"Window"_s));
    VERIFY_STORE(tills.upsert(u"till-1"_s, u"Front counter"_s));
    now = 2000;
    VERIFY_STORE(tills.upsert(u"till-2"_s, u"Back counter"_s));
    QCOMPARE(tills.find(u"till-2"_s).valueOr(std::nullopt).value_or(Till()),
             (Till{u"till-2"_s, u"Back counter"_s, 2000}));
    now = 3000;
    QVERIFY(tills.touch(u"till-1"_s).valueOr(false));
    QVERIFY(!tills.touch(u"till-9"_s).valueOr(true));
    const QList<Till> all = tills.list().valueOr({});
    QCOMPARE(all,
             (QList<Till>{{u"till-2"_s, u"Back counter"_s, 2000}, {u"till-1"_s, u"Front counter"_s, 3000}}));
    QCOMPARE(tills.upsert(QString(), u"x"_s).kind, StoreError::Kind::InvalidData);
}

QTEST_GUILESS_MAIN(TestTillRepository)
#include "tst_tillrepository.moc"
