// SPDX-License-Identifier: GPL-3.0-or-later
// PaymentMethodRepository on SQLite and PostgreSQL: card columns, a customer's saved methods, detach (a
// later copy with customer null), older copies stale, and a bank account's last four.
#include "storetestsupport.h"

#include "services/store/migrations.h"
#include "services/store/paymentmethodrepository.h"

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

class TestPaymentMethodRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void upsertStoresColumns();
    void attachAndDetach();
    void bankAccount();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestPaymentMethodRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestPaymentMethodRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestPaymentMethodRepository::upsertStoresColumns()
{
    PaymentMethodRepository methods(*m_db);
    const QJsonObject json = paymentMethod(u"pm_1"_s, u"cus_1"_s, u"visa"_s, u"4242"_s);
    VERIFY_RESULT(methods.upsert(json, 100));
    const PaymentMethodRow row = methods.find(u"pm_1"_s).valueOr(std::nullopt).value_or(PaymentMethodRow());
    QCOMPARE(row.id, u"pm_1"_s);
    QCOMPARE(row.customerId, u"cus_1"_s);
    QCOMPARE(row.type, u"card"_s);
    QCOMPARE(row.cardBrand, u"visa"_s);
    QCOMPARE(row.cardLast4, u"4242"_s);
    QCOMPARE(row.expMonth, 8);
    QCOMPARE(row.expYear, 2030);
    QCOMPARE(row.billingEmail, u"jenny@example.com"_s);
    QCOMPARE(row.created, 1'234'567'890);
    QCOMPARE(row.observedAt, 100);
    QCOMPARE(methods.rawJson(u"pm_1"_s).valueOr(std::nullopt).value_or(QJsonObject()), json);
}

void TestPaymentMethodRepository::attachAndDetach()
{
    PaymentMethodRepository methods(*m_db);
    QJsonObject older = paymentMethod(u"pm_a"_s, u"cus_1"_s, u"visa"_s, u"4242"_s);
    older.insert(u"created"_s, 10);
    QJsonObject newer = paymentMethod(u"pm_b"_s, u"cus_1"_s, u"mastercard"_s, u"4444"_s);
    newer.insert(u"created"_s, 20);
    VERIFY_RESULT(
        methods.upsertMany({older, newer, paymentMethod(u"pm_c"_s, u"cus_2"_s, u"amex"_s, u"0005"_s)}, 100));
    QList<PaymentMethodRow> saved = methods.forCustomer(u"cus_1"_s).valueOr({});
    QCOMPARE(saved.size(), 2);
    QCOMPARE(saved.at(0).id, u"pm_b"_s);
    // Detached later; an older attached copy that arrives afterwards changes nothing.
    QJsonObject detached = older;
    detached.insert(u"customer"_s, QJsonValue(QJsonValue::Null));
    QCOMPARE(methods.upsert(detached, 200).valueOr(UpsertOutcome::Stale), UpsertOutcome::Applied);
    QCOMPARE(methods.upsert(older, 150).valueOr(UpsertOutcome::Applied), UpsertOutcome::Stale);
    saved = methods.forCustomer(u"cus_1"_s).valueOr({});
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.at(0).id, u"pm_b"_s);
    QVERIFY(methods.find(u"pm_a"_s).valueOr(std::nullopt).value_or(PaymentMethodRow()).customerId.isEmpty());
    QVERIFY(methods.forCustomer(QString()).valueOr({PaymentMethodRow()}).isEmpty());
}

void TestPaymentMethodRepository::bankAccount()
{
    QJsonObject json = paymentMethod(u"pm_sepa"_s, u"cus_1"_s, u"visa"_s, u"4242"_s);
    json.remove(u"card"_s);
    json.insert(u"type"_s, u"sepa_debit"_s);
    json.insert(u"sepa_debit"_s, QJsonObject{{u"last4"_s, u"3000"_s}, {u"bank_code"_s, u"37040044"_s}});
    PaymentMethodRepository methods(*m_db);
    VERIFY_RESULT(methods.upsert(json, 1));
    const PaymentMethodRow row =
        methods.find(u"pm_sepa"_s).valueOr(std::nullopt).value_or(PaymentMethodRow());
    QCOMPARE(row.type, u"sepa_debit"_s);
    QCOMPARE(row.cardLast4, u"3000"_s);
    QVERIFY(row.cardBrand.isEmpty());
}

QTEST_GUILESS_MAIN(TestPaymentMethodRepository)
#include "tst_paymentmethodrepository.moc"
