// SPDX-License-Identifier: GPL-3.0-or-later
// ChargeRepository on SQLite and PostgreSQL: the columns of a card charge and of a Terminal
// (card_present) charge, a PaymentIntent's charges, never backwards (pending → succeeded → refunded
// amounts; failed is final), unreadable JSON.
#include "storetestsupport.h"

#include "services/store/chargerepository.h"
#include "services/store/migrations.h"

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::store;
using namespace kassa::store::test;

class TestChargeRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void upsertStoresColumns();
    void cardPresentCharge();
    void chargesOfAPayment();
    void neverBackwards_data();
    void neverBackwards();
    void invalidJson();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestChargeRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestChargeRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestChargeRepository::upsertStoresColumns()
{
    ChargeRepository charges(*m_db);
    QJsonObject json = charge({.id = u"ch_1"_s,
                               .paymentIntent = u"pi_1"_s,
                               .amount = 1500,
                               .amountRefunded = 500,
                               .brand = u"mastercard"_s,
                               .last4 = u"4444"_s,
                               .created = 1'700'000'001});
    json.insert(u"customer"_s, u"cus_1"_s);
    json.insert(u"failure_code"_s, QJsonValue(QJsonValue::Null));
    const StoreResult<UpsertOutcome> written = charges.upsert(json, 1'700'000'010);
    VERIFY_RESULT(written);
    QCOMPARE(written.value(), UpsertOutcome::Applied);
    const ChargeRow row = charges.find(u"ch_1"_s).valueOr(std::nullopt).value_or(ChargeRow());
    const Currency usd = Currency::fromCode(u"usd").value();
    QCOMPARE(row.id, u"ch_1"_s);
    QCOMPARE(row.paymentIntentId, u"pi_1"_s);
    QCOMPARE(row.customerId, u"cus_1"_s);
    QCOMPARE(row.status, u"succeeded"_s);
    QCOMPARE(row.amount, Money(1500, usd));
    QCOMPARE(row.amountCaptured, Money(1500, usd));
    QCOMPARE(row.amountRefunded, Money(500, usd));
    QVERIFY(!row.refunded);
    QVERIFY(row.captured);
    QVERIFY(row.paid);
    QCOMPARE(row.paymentMethodType, u"card"_s);
    QCOMPARE(row.cardBrand, u"mastercard"_s);
    QCOMPARE(row.cardLast4, u"4444"_s);
    QCOMPARE(row.created, 1'700'000'001);
    QCOMPARE(row.observedAt, 1'700'000'010);
    QCOMPARE(charges.rawJson(u"ch_1"_s).valueOr(std::nullopt).value_or(QJsonObject()), json);
    QVERIFY(!charges.find(u"ch_2"_s).valueOr(std::nullopt).has_value());
}

void TestChargeRepository::cardPresentCharge()
{
    QJsonObject json = charge({.id = u"ch_tap"_s, .paymentIntent = u"pi_tap"_s});
    json.insert(u"payment_method_details"_s,
                QJsonObject{{u"type"_s, u"card_present"_s},
                            {u"card_present"_s, QJsonObject{{u"brand"_s, u"interac"_s},
                                                            {u"last4"_s, u"9995"_s},
                                                            {u"read_method"_s, u"contactless_emv"_s}}}});
    ChargeRepository charges(*m_db);
    VERIFY_RESULT(charges.upsert(json, 1));
    const ChargeRow row = charges.find(u"ch_tap"_s).valueOr(std::nullopt).value_or(ChargeRow());
    QCOMPARE(row.paymentMethodType, u"card_present"_s);
    QCOMPARE(row.cardBrand, u"interac"_s);
    QCOMPARE(row.cardLast4, u"9995"_s);
}

void TestChargeRepository::chargesOfAPayment()
{
    ChargeRepository charges(*m_db);
    const StoreResult<BatchResult> written = charges.upsertMany(
        {charge({.id = u"ch_a"_s, .paymentIntent = u"pi_1"_s, .status = u"failed"_s, .created = 100}),
         charge({.id = u"ch_b"_s, .paymentIntent = u"pi_1"_s, .created = 200}),
         charge({.id = u"ch_c"_s, .paymentIntent = u"pi_2"_s, .created = 150})},
        300);
    VERIFY_RESULT(written);
    QCOMPARE(written.value().applied, 3);
    const QList<ChargeRow> rows = charges.forPayment(u"pi_1"_s).valueOr({});
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).id, u"ch_b"_s); // newest first
    QCOMPARE(rows.at(1).id, u"ch_a"_s);
    QVERIFY(charges.forPayment(u"pi_none"_s).valueOr({ChargeRow()}).isEmpty());
}

void TestChargeRepository::neverBackwards_data()
{
    QTest::addColumn<QString>("heldStatus");
    QTest::addColumn<qint64>("heldAt");
    QTest::addColumn<qint64>("heldRefunded");
    QTest::addColumn<QString>("incomingStatus");
    QTest::addColumn<qint64>("incomingAt");
    QTest::addColumn<qint64>("incomingRefunded");
    QTest::addColumn<bool>("applied");
    QTest::newRow("pending, then succeeded")
        << u"pending"_s << qint64(10) << qint64(0) << u"succeeded"_s << qint64(20) << qint64(0) << true;
    QTest::newRow("succeeded, then an old pending copy")
        << u"succeeded"_s << qint64(20) << qint64(0) << u"pending"_s << qint64(10) << qint64(0) << false;
    QTest::newRow("same second: pending after succeeded")
        << u"succeeded"_s << qint64(20) << qint64(0) << u"pending"_s << qint64(20) << qint64(0) << false;
    QTest::newRow("refunded later") << u"succeeded"_s << qint64(20) << qint64(0) << u"succeeded"_s
                                    << qint64(30) << qint64(400) << true;
    QTest::newRow("same second: refunded after succeeded")
        << u"succeeded"_s << qint64(20) << qint64(0) << u"succeeded"_s << qint64(20) << qint64(400) << true;
    QTest::newRow("same second: succeeded after refunded")
        << u"succeeded"_s << qint64(20) << qint64(400) << u"succeeded"_s << qint64(20) << qint64(0) << false;
    QTest::newRow("refund failed later")
        << u"succeeded"_s << qint64(20) << qint64(400) << u"succeeded"_s << qint64(90) << qint64(0) << true;
    QTest::newRow("failed is final") << u"failed"_s << qint64(20) << qint64(0) << u"succeeded"_s << qint64(30)
                                     << qint64(0) << false;
    QTest::newRow("failed beats a newer pending")
        << u"pending"_s << qint64(30) << qint64(0) << u"failed"_s << qint64(20) << qint64(0) << true;
}

void TestChargeRepository::neverBackwards()
{
    QFETCH(QString, heldStatus);
    QFETCH(qint64, heldAt);
    QFETCH(qint64, heldRefunded);
    QFETCH(QString, incomingStatus);
    QFETCH(qint64, incomingAt);
    QFETCH(qint64, incomingRefunded);
    QFETCH(bool, applied);
    const qint64 amount = 1000;
    const ObjectVersion incoming =
        ObjectVersion::ofCharge(incomingStatus, incomingAt, amount, incomingRefunded);
    QCOMPARE(incoming.supersedes(ObjectVersion::ofCharge(heldStatus, heldAt, amount, heldRefunded)), applied);
    ChargeRepository charges(*m_db);
    VERIFY_RESULT(charges.upsert(
        charge({.id = u"ch_1"_s, .amount = amount, .amountRefunded = heldRefunded, .status = heldStatus}),
        heldAt));
    QCOMPARE(charges.holdsNewerThan(u"ch_1"_s, incoming).valueOr(applied), !applied);
    const StoreResult<UpsertOutcome> written = charges.upsert(charge({.id = u"ch_1"_s,
                                                                      .amount = amount,
                                                                      .amountRefunded = incomingRefunded,
                                                                      .status = incomingStatus}),
                                                              incomingAt);
    VERIFY_RESULT(written);
    QCOMPARE(written.value(), applied ? UpsertOutcome::Applied : UpsertOutcome::Stale);
    const ChargeRow row = charges.find(u"ch_1"_s).valueOr(std::nullopt).value_or(ChargeRow());
    QCOMPARE(row.status, applied ? incomingStatus : heldStatus);
    QCOMPARE(row.amountRefunded.minorUnits(), applied ? incomingRefunded : heldRefunded);
}

void TestChargeRepository::invalidJson()
{
    QJsonObject wrong = charge({.id = u"ch_1"_s});
    wrong.insert(u"currency"_s, u"xyz"_s);
    const StoreResult<UpsertOutcome> written = ChargeRepository(*m_db).upsert(wrong, 1);
    QVERIFY(!written.ok());
    QCOMPARE(written.error().kind, StoreError::Kind::InvalidData);
    QVERIFY2(written.error().message.contains(u"currency"_s), qPrintable(written.error().message));
    QJsonObject notACharge = fixture(u"refund"_s);
    QCOMPARE(ChargeRepository(*m_db).upsert(notACharge, 1).error().kind, StoreError::Kind::InvalidData);
}

QTEST_GUILESS_MAIN(TestChargeRepository)
#include "tst_chargerepository.moc"
