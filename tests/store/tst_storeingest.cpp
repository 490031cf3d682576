// SPDX-License-Identifier: GPL-3.0-or-later
// StoreIngest on SQLite and PostgreSQL with realistic JSON from the simulator: customers, payments with
// cards, a decline, a manual capture and refunds, read back through the list endpoints and written in
// one batch, match what Stripe (the simulator) says; every event delivered twice in a shuffled order,
// deduplicated by id and applied with its `created` as the version, ends in the simulator's state; a
// batch rejects unreadable objects alone and ignores types the store does not keep.
#include "simtestclient.h"
#include "storetestsupport.h"

#include "services/store/chargerepository.h"
#include "services/store/customerrepository.h"
#include "services/store/eventrepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/storeingest.h"
#include "services/store/transaction.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::store;
using namespace kassa::store::test;
using kassa::sim::test::SimResponse;
using kassa::sim::test::SimTestClient;

class TestStoreIngest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void simulatorObjectsMatch();
    void eventsTwiceShuffledEndInTheSameState_data();
    void eventsTwiceShuffledEndInTheSameState();
    void batchRejectsAndIgnores();

private:
    // A small shop's morning at the simulator; returns the ids of the PaymentIntents.
    QStringList runShop();
    QList<QJsonObject> listAll(const QString &path);
    void advance(qint64 seconds);

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<SimTestClient> m_sim;
};

void TestStoreIngest::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
    m_sim = std::make_unique<SimTestClient>();
}

void TestStoreIngest::cleanup()
{
    m_sim.reset();
    m_db.reset();
    m_fixture.reset();
}

void TestStoreIngest::advance(qint64 seconds)
{
    const SimResponse response = m_sim->control(u"/_sim/advance"_s, QJsonObject{{u"seconds"_s, seconds}});
    QCOMPARE(response.status, 200);
}

QList<QJsonObject> TestStoreIngest::listAll(const QString &path)
{
    QList<QJsonObject> objects;
    QString after;
    for (int guard = 0; guard < 100; ++guard) {
        const QString separator = path.contains(u'?') ? u"&"_s : u"?"_s;
        const SimResponse page = m_sim->get(path + separator + u"limit=100"_s +
                                            (after.isEmpty() ? QString() : u"&starting_after="_s + after));
        if (page.status != 200) {
            qWarning("GET %s: %d %s", qPrintable(path), page.status, page.body.constData());
            return objects;
        }
        const QJsonArray data = page.json.value(u"data"_s).toArray();
        for (const QJsonValue &value : data)
            objects << value.toObject();
        if (!page.json.value(u"has_more"_s).toBool() || data.isEmpty())
            break;
        after = data.last().toObject().value(u"id"_s).toString();
    }
    return objects;
}

QStringList TestStoreIngest::runShop()
{
    QStringList payments;
    auto pay = [&](const QByteArray &form) {
        const SimResponse response = m_sim->post(u"/v1/payment_intents"_s, form);
        if (response.status != 200 && response.status != 402)
            qWarning("paying: %d %s", response.status, response.body.constData());
        const QString id =
            response.status == 200
                ? response.id()
                : response.error().value(u"payment_intent"_s).toObject().value(u"id"_s).toString();
        payments << id;
        return id;
    };
    const QString jenny =
        m_sim->post(u"/v1/customers"_s, "name=Jenny%20Rosen&email=jenny%40example.com").id();
    const QString max = m_sim->post(u"/v1/customers"_s, "name=Max%20M%C3%BCller&email=max%40example.de").id();
    advance(5);
    const QByteArray card = "&currency=usd&payment_method_types[]=card&confirm=true";
    const QString latte =
        pay("amount=450&payment_method=pm_card_visa&customer=" + jenny.toUtf8() +
            "&description=Latte&metadata[order_ref]=ORD-1&metadata[kassa_till]=till-1" + card);
    advance(5);
    pay("amount=1299&payment_method=pm_card_mastercard&customer=" + max.toUtf8() +
        "&description=Beans&metadata[order_ref]=ORD-2&metadata[kassa_till]=till-2" + card);
    advance(5);
    pay("amount=2000&payment_method=pm_card_visa_chargeDeclined&description=Declined&metadata[order_ref]=ORD-"
        "3" +
        card);
    advance(5);
    const QString held =
        pay("amount=5000&payment_method=pm_card_visa&capture_method=manual&description=Deposit" + card);
    advance(5);
    const SimResponse refund =
        m_sim->post(u"/v1/refunds"_s, "payment_intent=" + latte.toUtf8() + "&amount=150");
    if (refund.status != 200)
        qWarning("refund: %s", refund.body.constData());
    advance(5);
    const SimResponse capture =
        m_sim->post(u"/v1/payment_intents/%1/capture"_s.arg(held), "amount_to_capture=4000");
    if (capture.status != 200)
        qWarning("capture: %s", capture.body.constData());
    advance(5);
    m_sim->post(u"/v1/refunds"_s, "payment_intent=" + held.toUtf8());
    return payments;
}

void TestStoreIngest::simulatorObjectsMatch()
{
    const QStringList ids = runShop();
    QCOMPARE(ids.size(), 4);
    QList<QJsonObject> objects;
    objects << listAll(u"/v1/customers"_s) << listAll(u"/v1/payment_intents?expand[]=data.latest_charge"_s)
            << listAll(u"/v1/refunds"_s);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const StoreResult<BatchResult> written = StoreIngest(*m_db).upsertMany(objects, now);
    VERIFY_RESULT(written);
    QCOMPARE(written.value().rejected, 0);
    QCOMPARE(written.value().applied, objects.size());

    PaymentRepository payments(*m_db);
    QCOMPARE(payments.count({}).valueOr(-1), 4);
    for (const QJsonObject &object : objects) {
        if (object.value(u"object"_s).toString() != u"payment_intent"_s)
            continue;
        const QString id = object.value(u"id"_s).toString();
        const PaymentRow row = payments.find(id).valueOr(std::nullopt).value_or(PaymentRow());
        QCOMPARE(row.id, id);
        QCOMPARE(row.status, object.value(u"status"_s).toString());
        QCOMPARE(row.amount.minorUnits(), object.value(u"amount"_s).toInteger());
        QCOMPARE(row.amountReceived.minorUnits(), object.value(u"amount_received"_s).toInteger());
        QCOMPARE(row.description, object.value(u"description"_s).toString());
        const QJsonObject latest = object.value(u"latest_charge"_s).toObject();
        QCOMPARE(row.latestChargeId, latest.value(u"id"_s).toString());
        const QJsonObject card =
            latest.value(u"payment_method_details"_s).toObject().value(u"card"_s).toObject();
        QCOMPARE(row.cardLast4, card.value(u"last4"_s).toString());
        QCOMPARE(row.cardBrand, card.value(u"brand"_s).toString());
        if (!latest.isEmpty())
            QCOMPARE(row.amountRefunded.minorUnits(), latest.value(u"amount_refunded"_s).toInteger());
    }
    const PaymentRow latte = payments.find(ids.at(0)).valueOr(std::nullopt).value_or(PaymentRow());
    QCOMPARE(latte.status, u"succeeded"_s);
    QCOMPARE(latte.customerName, u"Jenny Rosen"_s);
    QCOMPARE(latte.customerEmail, u"jenny@example.com"_s);
    QCOMPARE(latte.cardLast4, u"4242"_s);
    QCOMPARE(latte.amountRefunded.minorUnits(), 150);
    QCOMPARE(latte.orderRef, u"ORD-1"_s);
    QCOMPARE(latte.till, u"till-1"_s);
    QCOMPARE(payments.find(ids.at(1)).valueOr(std::nullopt).value_or(PaymentRow()).customerName,
             u"Max Müller"_s);
    const PaymentRow declined = payments.find(ids.at(2)).valueOr(std::nullopt).value_or(PaymentRow());
    QCOMPARE(declined.status, u"requires_payment_method"_s);
    QCOMPARE(declined.errorCode, u"card_declined"_s);
    QCOMPARE(declined.declineCode, u"generic_decline"_s);
    const PaymentRow deposit = payments.find(ids.at(3)).valueOr(std::nullopt).value_or(PaymentRow());
    QCOMPARE(deposit.amountReceived.minorUnits(), 4000);
    QCOMPARE(deposit.amountRefunded.minorUnits(), 4000);
    QCOMPARE(RefundRepository(*m_db).count({}).valueOr(-1), 2);
    PaymentFilter search;
    search.text = u"jenny@example"_s;
    QCOMPARE(payments.count(search).valueOr(-1), 1);
}

void TestStoreIngest::eventsTwiceShuffledEndInTheSameState_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::newRow("order 1") << quint32(1);
    QTest::newRow("order 2") << quint32(2);
    QTest::newRow("order 3") << quint32(3);
}

void TestStoreIngest::eventsTwiceShuffledEndInTheSameState()
{
    QFETCH(quint32, seed);
    runShop();
    const QList<QJsonObject> events = listAll(u"/v1/events"_s);
    QVERIFY(events.size() > 10);
    QList<QJsonObject> deliveries = events + events;
    QRandomGenerator random(seed);
    std::shuffle(deliveries.begin(), deliveries.end(), random);

    EventRepository processed(*m_db);
    StoreIngest ingest(*m_db);
    int applied = 0;
    for (const QJsonObject &event : deliveries) {
        Transaction transaction(*m_db);
        QVERIFY(transaction.isActive());
        const StoreResult<bool> fresh =
            processed.markProcessed(event.value(u"id"_s).toString(), event.value(u"type"_s).toString(),
                                    event.value(u"created"_s).toInteger());
        VERIFY_RESULT(fresh);
        if (fresh.value()) {
            ++applied;
            const QJsonObject object = event.value(u"data"_s).toObject().value(u"object"_s).toObject();
            VERIFY_RESULT(ingest.upsert(object, event.value(u"created"_s).toInteger()));
        }
        VERIFY_STORE(transaction.commit());
    }
    QCOMPARE(applied, events.size());

    // The store now says what the simulator says.
    PaymentRepository payments(*m_db);
    for (const QJsonObject &pi : listAll(u"/v1/payment_intents"_s)) {
        const PaymentRow row =
            payments.find(pi.value(u"id"_s).toString()).valueOr(std::nullopt).value_or(PaymentRow());
        QCOMPARE(row.status, pi.value(u"status"_s).toString());
        QCOMPARE(row.amountReceived.minorUnits(), pi.value(u"amount_received"_s).toInteger());
        QCOMPARE(row.latestChargeId, pi.value(u"latest_charge"_s).toString());
    }
    ChargeRepository charges(*m_db);
    for (const QJsonObject &charge : listAll(u"/v1/charges"_s)) {
        const ChargeRow row =
            charges.find(charge.value(u"id"_s).toString()).valueOr(std::nullopt).value_or(ChargeRow());
        QCOMPARE(row.status, charge.value(u"status"_s).toString());
        QCOMPARE(row.amountCaptured.minorUnits(), charge.value(u"amount_captured"_s).toInteger());
        QCOMPARE(row.amountRefunded.minorUnits(), charge.value(u"amount_refunded"_s).toInteger());
    }
    RefundRepository refunds(*m_db);
    for (const QJsonObject &refund : listAll(u"/v1/refunds"_s)) {
        const RefundRow row =
            refunds.find(refund.value(u"id"_s).toString()).valueOr(std::nullopt).value_or(RefundRow());
        QCOMPARE(row.status, refund.value(u"status"_s).toString());
        QCOMPARE(row.amount.minorUnits(), refund.value(u"amount"_s).toInteger());
    }
    CustomerRepository customers(*m_db);
    for (const QJsonObject &customer : listAll(u"/v1/customers"_s)) {
        const CustomerRow row =
            customers.find(customer.value(u"id"_s).toString()).valueOr(std::nullopt).value_or(CustomerRow());
        QCOMPARE(row.email, customer.value(u"email"_s).toString());
    }
}

void TestStoreIngest::batchRejectsAndIgnores()
{
    QJsonObject broken = paymentIntent({.id = u"pi_broken"_s});
    broken.insert(u"created"_s, u"yesterday"_s);
    const QList<QJsonObject> objects{
        paymentIntent({.id = u"pi_1"_s, .latestCharge = u"ch_1"_s}),
        fixture(u"event"_s),
        broken,
        charge({.id = u"ch_1"_s, .paymentIntent = u"pi_1"_s}),
        fixture(u"refund"_s),
        customer(u"cus_1"_s, u"A"_s, u"a@example.com"_s),
        paymentMethod(u"pm_1"_s, u"cus_1"_s, u"visa"_s, u"4242"_s),
        QJsonObject{{u"object"_s, u"terminal.reader"_s}, {u"id"_s, u"tmr_1"_s}},
    };
    const StoreResult<BatchResult> written = StoreIngest(*m_db).upsertMany(objects, 100);
    VERIFY_RESULT(written);
    QCOMPARE(written.value().applied, 5);
    QCOMPARE(written.value().ignored, 2);
    QCOMPARE(written.value().rejected, 1);
    QVERIFY2(written.value().rejections.constFirst().contains(u"created"_s),
             qPrintable(written.value().rejections.join(u'\n')));
    QCOMPARE(written.value().total(), objects.size());
    QCOMPARE(PaymentRepository(*m_db).find(u"pi_1"_s).valueOr(std::nullopt).value_or(PaymentRow()).cardLast4,
             u"4242"_s);
    QCOMPARE(StoreIngest(*m_db).upsert(fixture(u"event"_s), 1).valueOr(UpsertOutcome::Applied),
             UpsertOutcome::Ignored);
}

QTEST_GUILESS_MAIN(TestStoreIngest)
#include "tst_storeingest.moc"
