// SPDX-License-Identifier: GPL-3.0-or-later
// CustomerRepository on SQLite and PostgreSQL: columns, deletion (both shapes Stripe sends; final; the
// row and its name are kept), never backwards by time, search by name/email/phone words with paging and
// counts, deleted customers left out unless asked for.
#include "storetestsupport.h"

#include "services/store/customerrepository.h"
#include "services/store/migrations.h"

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

class TestCustomerRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void upsertStoresColumns();
    void deletion_data();
    void deletion();
    void olderCopyIsStale();
    void searchAndPaging_data();
    void searchAndPaging();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestCustomerRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestCustomerRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestCustomerRepository::upsertStoresColumns()
{
    QJsonObject json = customer(u"cus_1"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s, 1'690'000'001);
    json.insert(u"phone"_s, u"+15555550100"_s);
    json.insert(u"description"_s, u"Regular"_s);
    json.insert(u"invoice_settings"_s, QJsonObject{{u"default_payment_method"_s, u"pm_1"_s}});
    CustomerRepository customers(*m_db);
    VERIFY_RESULT(customers.upsert(json, 1'700'000'000));
    const CustomerRow row = customers.find(u"cus_1"_s).valueOr(std::nullopt).value_or(CustomerRow());
    QCOMPARE(row.id, u"cus_1"_s);
    QCOMPARE(row.name, u"Jenny Rosen"_s);
    QCOMPARE(row.email, u"jenny@example.com"_s);
    QCOMPARE(row.phone, u"+15555550100"_s);
    QCOMPARE(row.description, u"Regular"_s);
    QCOMPARE(row.defaultPaymentMethodId, u"pm_1"_s);
    QVERIFY(!row.deleted);
    QCOMPARE(row.created, 1'690'000'001);
    QCOMPARE(customers.rawJson(u"cus_1"_s).valueOr(std::nullopt).value_or(QJsonObject()), json);
}

void TestCustomerRepository::deletion_data()
{
    QTest::addColumn<bool>("fullObject"); // customer.deleted events carry the whole object
    QTest::newRow("{id, deleted}") << false;
    QTest::newRow("whole object, deleted") << true;
}

void TestCustomerRepository::deletion()
{
    QFETCH(bool, fullObject);
    CustomerRepository customers(*m_db);
    VERIFY_RESULT(customers.upsert(customer(u"cus_1"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s), 100));
    QJsonObject deleted{{u"id"_s, u"cus_1"_s}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}};
    if (fullObject) {
        deleted = customer(u"cus_1"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s);
        deleted.insert(u"deleted"_s, true);
    }
    QCOMPARE(customers.upsert(deleted, 200).valueOr(UpsertOutcome::Stale), UpsertOutcome::Applied);
    CustomerRow row = customers.find(u"cus_1"_s).valueOr(std::nullopt).value_or(CustomerRow());
    QVERIFY(row.deleted);
    QCOMPARE(row.name, u"Jenny Rosen"_s);
    QCOMPARE(customers.version(u"cus_1"_s).valueOr(std::nullopt).value_or(ObjectVersion()).status,
             u"deleted"_s);
    // Final: a later copy of the live customer does not bring it back.
    QCOMPARE(customers.upsert(customer(u"cus_1"_s, u"Jenny"_s, u"j@example.com"_s), 300)
                 .valueOr(UpsertOutcome::Applied),
             UpsertOutcome::Stale);
    QVERIFY(customers.find(u"cus_1"_s).valueOr(std::nullopt).value_or(CustomerRow()).deleted);
    QCOMPARE(customers.count({}).valueOr(-1), 0);
    QCOMPARE(customers.count({}, true).valueOr(-1), 1);
    // Deleting one the store never saw leaves a marked row.
    VERIFY_RESULT(customers.upsert(
        QJsonObject{{u"id"_s, u"cus_2"_s}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}}, 1));
    QVERIFY(customers.find(u"cus_2"_s).valueOr(std::nullopt).value_or(CustomerRow()).deleted);
}

void TestCustomerRepository::olderCopyIsStale()
{
    CustomerRepository customers(*m_db);
    VERIFY_RESULT(customers.upsert(customer(u"cus_1"_s, u"New Name"_s, u"new@example.com"_s), 200));
    QCOMPARE(customers.upsert(customer(u"cus_1"_s, u"Old Name"_s, u"old@example.com"_s), 100)
                 .valueOr(UpsertOutcome::Applied),
             UpsertOutcome::Stale);
    QCOMPARE(customers.find(u"cus_1"_s).valueOr(std::nullopt).value_or(CustomerRow()).name, u"New Name"_s);
    QVERIFY(customers.holdsNewerThan(u"cus_1"_s, ObjectVersion::ofCustomer(false, 150)).valueOr(false));
    QVERIFY(!customers.holdsNewerThan(u"cus_1"_s, ObjectVersion::ofCustomer(false, 250)).valueOr(true));
}

void TestCustomerRepository::searchAndPaging_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<int>("expected");
    QTest::newRow("everyone") << QString() << 120;
    QTest::newRow("name part") << u"ROSE"_s << 40;
    QTest::newRow("email domain") << u"@shop.example"_s << 60;
    QTest::newRow("two words") << u"rose shop.example"_s << 20;
    QTest::newRow("phone") << u"555-0107"_s << 1;
    QTest::newRow("id") << u"cus_0042"_s << 1;
    QTest::newRow("wildcards are literal") << u"%"_s << 0;
}

void TestCustomerRepository::searchAndPaging()
{
    QFETCH(QString, search);
    QFETCH(int, expected);
    QList<QJsonObject> objects;
    for (int i = 0; i < 120; ++i) {
        QJsonObject json = customer(u"cus_%1"_s.arg(i, 4, 10, QLatin1Char('0')),
                                    i % 3 == 0 ? u"Rose %1"_s.arg(i) : u"Max %1"_s.arg(i),
                                    i % 2 == 0 ? u"c%1@shop.example"_s.arg(i) : u"c%1@other.example"_s.arg(i),
                                    1'690'000'000 + i / 2);
        json.insert(u"phone"_s, u"+1 555-%1"_s.arg(i, 4, 10, QLatin1Char('0')));
        objects << json;
    }
    objects << QJsonObject{{u"id"_s, u"cus_gone"_s}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}};
    CustomerRepository customers(*m_db);
    VERIFY_RESULT(customers.upsertMany(objects, 1));
    QCOMPARE(customers.count(search).valueOr(-1), expected);
    QStringList seen;
    PageRequest request{.limit = 7};
    for (int guard = 0; guard < 100; ++guard) {
        const StoreResult<Page<CustomerRow>> page = customers.page(search, request);
        VERIFY_RESULT(page);
        for (const CustomerRow &row : page.value().rows) {
            QVERIFY(!row.deleted);
            seen << row.id;
        }
        if (!page.value().hasMore())
            break;
        request.after = page.value().next;
    }
    QCOMPARE(seen.size(), expected);
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), expected);
}

QTEST_GUILESS_MAIN(TestCustomerRepository)
#include "tst_customerrepository.moc"
