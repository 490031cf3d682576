// SPDX-License-Identifier: GPL-3.0-or-later
// PaymentRepository on SQLite and PostgreSQL: what an upsert stores, idempotence, the never-backwards
// rule (the SQL and ObjectVersion::supersedes agree on every case), the columns denormalised from
// customers, charges, payment methods and refunds, keyset paging over 5,000 rows (equal `created`
// values and equal amounts, both directions, no duplicates, no gaps, stable while rows arrive), every
// search kind with its count, the text index kept in step with updates, and searches that use indexes.
#include "storetestsupport.h"

#include "services/store/chargerepository.h"
#include "services/store/customerrepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/transaction.h"
#include "services/stripe/stripejson.h"

#include <QJsonArray>
#include <QSet>
#include <QSqlQuery>
#include <QTimeZone>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::store;
using namespace kassa::store::test;

class TestPaymentRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void upsertStoresColumns();
    void upsertIsIdempotent();
    void invalidJsonIsRejectedAlone();
    void neverBackwards_data();
    void neverBackwards();
    void derivedColumnsFollowOtherObjects();
    void expandedObjectsAreStored();
    void keysetPaging_data();
    void keysetPaging();
    void pagingIsStableWhileRowsArrive();
    void search_data();
    void search();
    void textIndexFollowsUpdates();
    void textIndexAfterOneTransaction();
    void searchesUseIndexes_data();
    void searchesUseIndexes();
    void commonAndRareTerms();
    void cashiers();

private:
    void seedSearchData();
    QStringList ids(const PaymentFilter &filter, const PageRequest &request = {});

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestPaymentRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestPaymentRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

QStringList TestPaymentRepository::ids(const PaymentFilter &filter, const PageRequest &request)
{
    QStringList result;
    PageRequest next = request;
    next.limit = 1000;
    const StoreResult<Page<PaymentRow>> page = PaymentRepository(*m_db).page(filter, next);
    if (!page.ok()) {
        qWarning("page: %s", describe(page.error()).constData());
        return {u"<error>"_s};
    }
    for (const PaymentRow &row : page.value().rows)
        result << row.id;
    return result;
}

void TestPaymentRepository::upsertStoresColumns()
{
    PaymentRepository payments(*m_db);
    QJsonObject json = paymentIntent({.id = u"pi_123"_s,
                                      .amount = 2599,
                                      .currency = u"eur"_s,
                                      .status = u"requires_capture"_s,
                                      .created = 1'700'000'123,
                                      .customer = u"cus_9"_s,
                                      .description = u"Two flat whites"_s,
                                      .orderRef = u"ORD-1001"_s,
                                      .till = u"till-2"_s,
                                      .cashier = u"anna"_s,
                                      .latestCharge = u"ch_9"_s,
                                      .paymentMethod = u"pm_9"_s});
    json.insert(u"amount_capturable"_s, 2599);
    json.insert(u"capture_method"_s, u"manual"_s);
    const StoreResult<UpsertOutcome> written = payments.upsert(json, 1'700'000'200);
    VERIFY_RESULT(written);
    QCOMPARE(written.value(), UpsertOutcome::Applied);

    const StoreResult<std::optional<PaymentRow>> found = payments.find(u"pi_123"_s);
    VERIFY_RESULT(found);
    QVERIFY(found.value().has_value());
    const PaymentRow row = *found.value();
    const Currency eur = Currency::fromCode(u"eur").value();
    QCOMPARE(row.id, u"pi_123"_s);
    QCOMPARE(row.status, u"requires_capture"_s);
    QCOMPARE(row.statusValue(), PaymentIntentStatus::RequiresCapture);
    QCOMPARE(row.amount, Money(2599, eur));
    QCOMPARE(row.amountReceived, Money(0, eur));
    QCOMPARE(row.amountCapturable, Money(2599, eur));
    QCOMPARE(row.amountRefunded, Money(0, eur));
    QCOMPARE(row.created, 1'700'000'123);
    QCOMPARE(row.createdAt(), QDateTime::fromSecsSinceEpoch(1'700'000'123, QTimeZone::utc()));
    QCOMPARE(row.customerId, u"cus_9"_s);
    QCOMPARE(row.description, u"Two flat whites"_s);
    QCOMPARE(row.orderRef, u"ORD-1001"_s);
    QCOMPARE(row.till, u"till-2"_s);
    QCOMPARE(row.cashier, u"anna"_s);
    QCOMPARE(row.latestChargeId, u"ch_9"_s);
    QCOMPARE(row.paymentMethodId, u"pm_9"_s);
    QCOMPARE(row.captureMethod, u"manual"_s);
    QCOMPARE(row.observedAt, 1'700'000'200);
    QVERIFY(row.cardLast4.isEmpty()); // no charge stored yet

    const StoreResult<std::optional<QJsonObject>> raw = payments.rawJson(u"pi_123"_s);
    VERIFY_RESULT(raw);
    // The raw JSON as Stripe sent it, less the client_secret that must not be stored.
    QVERIFY(json.contains(u"client_secret"_s));
    QVERIFY(!raw.value().value_or(QJsonObject()).contains(u"client_secret"_s));
    QCOMPARE(raw.value().value_or(QJsonObject()), kassa::stripe::StripeJson::withoutClientSecret(json));
    const StoreResult<std::optional<Payment>> record = payments.record(u"pi_123"_s);
    VERIFY_RESULT(record);
    QVERIFY(record.value().has_value());
    QCOMPARE(record.value()->metadata.value(u"order_ref"_s), u"ORD-1001"_s);
    QCOMPARE(record.value()->captureMethod, CaptureMethod::Manual);

    QVERIFY(!payments.find(u"pi_missing"_s).value().has_value());
    QVERIFY(!payments.rawJson(u"pi_missing"_s).value().has_value());
}

void TestPaymentRepository::upsertIsIdempotent()
{
    PaymentRepository payments(*m_db);
    const QJsonObject json = paymentIntent({.id = u"pi_1"_s, .description = u"Latte"_s});
    for (int i = 0; i < 3; ++i) {
        const StoreResult<UpsertOutcome> written = payments.upsert(json, 1'700'000'500);
        VERIFY_RESULT(written);
        QCOMPARE(written.value(), UpsertOutcome::Applied); // an equal version may be applied again
    }
    const StoreResult<BatchResult> batch = payments.upsertMany({json, json, json}, 1'700'000'500);
    VERIFY_RESULT(batch);
    QCOMPARE(batch.value().applied, 3);
    QCOMPARE(payments.count({}).valueOr(-1), 1);
    QCOMPARE(payments.rawJson(u"pi_1"_s).valueOr(std::nullopt).value_or(QJsonObject()),
             kassa::stripe::StripeJson::withoutClientSecret(json));
    PaymentFilter latte;
    latte.description = u"latte"_s;
    QCOMPARE(payments.count(latte).valueOr(-1), 1); // the text index holds it once
}

void TestPaymentRepository::invalidJsonIsRejectedAlone()
{
    PaymentRepository payments(*m_db);
    QJsonObject wrongType = paymentIntent({.id = u"pi_bad"_s});
    wrongType.insert(u"amount"_s, u"12.00"_s);
    QJsonObject noId = paymentIntent({.id = u"pi_x"_s});
    noId.remove(u"id"_s);
    const StoreResult<UpsertOutcome> single = payments.upsert(wrongType, 1);
    QVERIFY(!single.ok());
    QCOMPARE(single.error().kind, StoreError::Kind::InvalidData);
    QVERIFY2(single.error().message.contains(u"amount"_s), qPrintable(single.error().message));

    const StoreResult<BatchResult> batch = payments.upsertMany(
        {paymentIntent({.id = u"pi_a"_s}), wrongType, noId, paymentIntent({.id = u"pi_b"_s})}, 1);
    VERIFY_RESULT(batch);
    QCOMPARE(batch.value().applied, 2);
    QCOMPARE(batch.value().rejected, 2);
    QCOMPARE(batch.value().rejections.size(), 2);
    QCOMPARE(payments.count({}).valueOr(-1), 2);
}

void TestPaymentRepository::neverBackwards_data()
{
    QTest::addColumn<QString>("heldStatus");
    QTest::addColumn<qint64>("heldAt");
    QTest::addColumn<QString>("incomingStatus");
    QTest::addColumn<qint64>("incomingAt");
    QTest::addColumn<bool>("applied");

    QTest::newRow("newer, further on")
        << u"requires_payment_method"_s << qint64(100) << u"succeeded"_s << qint64(101) << true;
    QTest::newRow("older, not final")
        << u"requires_action"_s << qint64(200) << u"requires_payment_method"_s << qint64(100) << false;
    QTest::newRow("same second, lower rank")
        << u"processing"_s << qint64(100) << u"requires_confirmation"_s << qint64(100) << false;
    QTest::newRow("same second, higher rank")
        << u"requires_confirmation"_s << qint64(100) << u"processing"_s << qint64(100) << true;
    QTest::newRow("same second, same status")
        << u"requires_capture"_s << qint64(100) << u"requires_capture"_s << qint64(100) << true;
    QTest::newRow("newer, lower rank (3-D Secure failed)")
        << u"requires_action"_s << qint64(100) << u"requires_payment_method"_s << qint64(101) << true;
    QTest::newRow("final held, older copy")
        << u"succeeded"_s << qint64(100) << u"processing"_s << qint64(99) << false;
    QTest::newRow("final held, newer non-final")
        << u"succeeded"_s << qint64(100) << u"processing"_s << qint64(500) << false;
    QTest::newRow("final held, another final")
        << u"succeeded"_s << qint64(100) << u"canceled"_s << qint64(500) << false;
    QTest::newRow("canceled held, succeeded later")
        << u"canceled"_s << qint64(100) << u"succeeded"_s << qint64(500) << false;
    QTest::newRow("final held, same final newer")
        << u"succeeded"_s << qint64(100) << u"succeeded"_s << qint64(200) << true;
    QTest::newRow("final held, same final older")
        << u"succeeded"_s << qint64(200) << u"succeeded"_s << qint64(100) << false;
    QTest::newRow("final incoming, older than held")
        << u"processing"_s << qint64(200) << u"succeeded"_s << qint64(100) << true;
    QTest::newRow("same second: declined after confirmation")
        << u"requires_confirmation"_s << qint64(100) << u"requires_payment_method+error"_s << qint64(100)
        << true;
    QTest::newRow("same second: confirmation after the decline")
        << u"requires_payment_method+error"_s << qint64(100) << u"requires_action"_s << qint64(100) << false;
    QTest::newRow("same second: 3-D Secure failed")
        << u"requires_action"_s << qint64(100) << u"requires_payment_method+error"_s << qint64(100) << true;
    QTest::newRow("new attempt after a decline") << u"requires_payment_method+error"_s << qint64(100)
                                                 << u"requires_confirmation"_s << qint64(130) << true;
    QTest::newRow("unknown status, newer")
        << u"requires_capture"_s << qint64(100) << u"some_future_status"_s << qint64(101) << true;
    QTest::newRow("unknown status, older")
        << u"requires_capture"_s << qint64(100) << u"some_future_status"_s << qint64(99) << false;
    QTest::newRow("unknown status, same second")
        << u"requires_capture"_s << qint64(100) << u"some_future_status"_s << qint64(100) << false;
}

void TestPaymentRepository::neverBackwards()
{
    QFETCH(QString, heldStatus);
    QFETCH(qint64, heldAt);
    QFETCH(QString, incomingStatus);
    QFETCH(qint64, incomingAt);
    QFETCH(bool, applied);

    // "+error": with a last_payment_error (a declined attempt).
    auto json = [](QString status, const QString &description) {
        const bool failed = status.endsWith(u"+error"_s);
        status.remove(u"+error"_s);
        QJsonObject object = paymentIntent({.id = u"pi_1"_s, .status = status, .description = description});
        if (failed) {
            object.insert(u"last_payment_error"_s, QJsonObject{{u"type"_s, u"card_error"_s},
                                                               {u"code"_s, u"card_declined"_s},
                                                               {u"decline_code"_s, u"generic_decline"_s}});
        }
        return object;
    };
    const bool heldFailed = heldStatus.endsWith(u"+error"_s);
    const bool incomingFailed = incomingStatus.endsWith(u"+error"_s);
    const QJsonObject heldJson = json(heldStatus, u"held"_s);
    const QJsonObject incomingJson = json(incomingStatus, u"incoming"_s);
    heldStatus.remove(u"+error"_s);
    incomingStatus.remove(u"+error"_s);

    // The rule itself.
    const ObjectVersion held = ObjectVersion::ofPaymentIntent(heldStatus, heldAt, 0, heldFailed);
    const ObjectVersion incoming =
        ObjectVersion::ofPaymentIntent(incomingStatus, incomingAt, 0, incomingFailed);
    QCOMPARE(incoming.supersedes(held), applied);

    // The same rule in SQL.
    PaymentRepository payments(*m_db);
    VERIFY_RESULT(payments.upsert(heldJson, heldAt));
    const StoreResult<bool> newer = payments.holdsNewerThan(u"pi_1"_s, incoming);
    VERIFY_RESULT(newer);
    QCOMPARE(newer.value(), !applied);
    const StoreResult<UpsertOutcome> written = payments.upsert(incomingJson, incomingAt);
    VERIFY_RESULT(written);
    QCOMPARE(written.value(), applied ? UpsertOutcome::Applied : UpsertOutcome::Stale);

    const PaymentRow row = payments.find(u"pi_1"_s).valueOr(std::nullopt).value_or(PaymentRow());
    QCOMPARE(row.status, applied ? incomingStatus : heldStatus);
    QCOMPARE(row.description, applied ? u"incoming"_s : u"held"_s);
    QCOMPARE(row.observedAt, applied ? incomingAt : heldAt);
    const ObjectVersion stored = payments.version(u"pi_1"_s).valueOr(std::nullopt).value_or(ObjectVersion());
    QCOMPARE(stored.status, row.status);
    QCOMPARE(stored.observedAt, row.observedAt);
    // A stale write leaves no trace in the text index either.
    PaymentFilter incomingText;
    incomingText.description = u"incoming"_s;
    QCOMPARE(payments.count(incomingText).valueOr(-1), applied ? 1 : 0);
}

void TestPaymentRepository::derivedColumnsFollowOtherObjects()
{
    PaymentRepository payments(*m_db);
    const Currency usd = Currency::fromCode(u"usd").value();
    VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_1"_s,
                                                 .amount = 1000,
                                                 .customer = u"cus_1"_s,
                                                 .latestCharge = u"ch_1"_s,
                                                 .paymentMethod = u"pm_1"_s}),
                                  100));
    auto row = [&payments]() {
        return payments.find(u"pi_1"_s).valueOr(std::nullopt).value_or(PaymentRow());
    };
    QVERIFY(row().cardLast4.isEmpty());
    QVERIFY(row().customerName.isEmpty());

    // The payment method alone: its card, until the charge arrives.
    VERIFY_RESULT(PaymentMethodRepository(*m_db).upsert(
        paymentMethod(u"pm_1"_s, u"cus_1"_s, u"mastercard"_s, u"4444"_s), 100));
    QCOMPARE(row().cardBrand, u"mastercard"_s);
    QCOMPARE(row().cardLast4, u"4444"_s);
    ChargeRepository charges(*m_db);
    VERIFY_RESULT(charges.upsert(
        charge({.id = u"ch_1"_s, .paymentIntent = u"pi_1"_s, .brand = u"visa"_s, .last4 = u"4242"_s}), 100));
    QCOMPARE(row().cardBrand, u"visa"_s);
    QCOMPARE(row().cardBrand, toStripe(CardBrand::Visa));
    QCOMPARE(row().cardLast4, u"4242"_s);

    CustomerRepository customers(*m_db);
    VERIFY_RESULT(customers.upsert(customer(u"cus_1"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s), 100));
    QCOMPARE(row().customerName, u"Jenny Rosen"_s);
    QCOMPARE(row().customerEmail, u"jenny@example.com"_s);
    VERIFY_RESULT(
        customers.upsert(customer(u"cus_1"_s, u"Jenny Rosen-Smith"_s, u"jenny@example.org"_s), 200));
    QCOMPARE(row().customerName, u"Jenny Rosen-Smith"_s);
    PaymentFilter byName;
    byName.customerName = u"rosen-smith"_s;
    QCOMPARE(payments.count(byName).valueOr(-1), 1);
    // A deleted customer keeps the name its payments show.
    VERIFY_RESULT(customers.upsert(
        QJsonObject{{u"id"_s, u"cus_1"_s}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}}, 300));
    QCOMPARE(row().customerName, u"Jenny Rosen-Smith"_s);
    QVERIFY(customers.find(u"cus_1"_s).valueOr(std::nullopt).value_or(CustomerRow()).deleted);

    // Refunds: the live ones count, and the charge's own figure when it is higher.
    RefundRepository refunds(*m_db);
    VERIFY_RESULT(refunds.upsert(refund({.id = u"re_1"_s,
                                         .charge = u"ch_1"_s,
                                         .paymentIntent = u"pi_1"_s,
                                         .amount = 300,
                                         .status = u"pending"_s}),
                                 100));
    QCOMPARE(row().amountRefunded, Money(300, usd));
    VERIFY_RESULT(refunds.upsert(refund({.id = u"re_2"_s,
                                         .charge = u"ch_1"_s,
                                         .paymentIntent = u"pi_1"_s,
                                         .amount = 200,
                                         .status = u"failed"_s}),
                                 100));
    QCOMPARE(row().amountRefunded, Money(300, usd));
    VERIFY_RESULT(
        charges.upsert(charge({.id = u"ch_1"_s, .paymentIntent = u"pi_1"_s, .amountRefunded = 500}), 200));
    QCOMPARE(row().amountRefunded, Money(500, usd));
    // A refund without payment_intent finds it through its charge.
    VERIFY_RESULT(refunds.upsert(refund({.id = u"re_3"_s, .charge = u"ch_1"_s, .amount = 400}), 300));
    QCOMPARE(refunds.find(u"re_3"_s).valueOr(std::nullopt).value_or(RefundRow()).paymentIntentId, u"pi_1"_s);
    QCOMPARE(row().amountRefunded, Money(700, usd));

    // A newer PaymentIntent write keeps the derived columns.
    VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_1"_s,
                                                 .amount = 1000,
                                                 .customer = u"cus_1"_s,
                                                 .description = u"updated"_s,
                                                 .latestCharge = u"ch_1"_s,
                                                 .paymentMethod = u"pm_1"_s}),
                                  400));
    QCOMPARE(row().description, u"updated"_s);
    QCOMPARE(row().cardLast4, u"4242"_s);
    QCOMPARE(row().customerEmail, u"jenny@example.org"_s);
    QCOMPARE(row().amountRefunded, Money(700, usd));
}

void TestPaymentRepository::expandedObjectsAreStored()
{
    QJsonObject json = paymentIntent({.id = u"pi_x"_s, .amount = 4200});
    json.insert(u"latest_charge"_s, charge({.id = u"ch_x"_s,
                                            .paymentIntent = u"pi_x"_s,
                                            .amount = 4200,
                                            .brand = u"amex"_s,
                                            .last4 = u"0005"_s}));
    json.insert(u"customer"_s, customer(u"cus_x"_s, u"Ann Example"_s, u"ann@example.com"_s));
    json.insert(u"payment_method"_s, paymentMethod(u"pm_x"_s, u"cus_x"_s, u"amex"_s, u"0005"_s));
    PaymentRepository payments(*m_db);
    VERIFY_RESULT(payments.upsert(json, 100));
    const PaymentRow row = payments.find(u"pi_x"_s).valueOr(std::nullopt).value_or(PaymentRow());
    QCOMPARE(row.latestChargeId, u"ch_x"_s);
    QCOMPARE(row.customerId, u"cus_x"_s);
    QCOMPARE(row.paymentMethodId, u"pm_x"_s);
    QCOMPARE(row.cardBrand, u"amex"_s);
    QCOMPARE(row.cardLast4, u"0005"_s);
    QCOMPARE(row.customerName, u"Ann Example"_s);
    QVERIFY(ChargeRepository(*m_db).find(u"ch_x"_s).valueOr(std::nullopt).has_value());
    QVERIFY(CustomerRepository(*m_db).find(u"cus_x"_s).valueOr(std::nullopt).has_value());
    QCOMPARE(PaymentMethodRepository(*m_db).forCustomer(u"cus_x"_s).valueOr({}).size(), 1);
}

void TestPaymentRepository::keysetPaging_data()
{
    QTest::addColumn<SortKey>("sort");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<int>("limit");
    QTest::addColumn<bool>("filtered");
    QTest::newRow("created, newest first") << SortKey::Created << Qt::DescendingOrder << 97 << false;
    QTest::newRow("created, oldest first") << SortKey::Created << Qt::AscendingOrder << 100 << false;
    QTest::newRow("amount, largest first") << SortKey::Amount << Qt::DescendingOrder << 333 << false;
    QTest::newRow("amount, smallest first") << SortKey::Amount << Qt::AscendingOrder << 1 << false;
    QTest::newRow("status filter, newest first") << SortKey::Created << Qt::DescendingOrder << 61 << true;
    // Most rows match: SQLite walks payments_amount rather than sorting the status's rows.
    QTest::newRow("status filter, largest first") << SortKey::Amount << Qt::DescendingOrder << 59 << true;
    QTest::newRow("status filter, smallest first") << SortKey::Amount << Qt::AscendingOrder << 43 << true;
}

void TestPaymentRepository::keysetPaging()
{
    QFETCH(SortKey, sort);
    QFETCH(Qt::SortOrder, order);
    QFETCH(int, limit);
    QFETCH(bool, filtered);
    if (limit == 1 && m_fixture->isPostgres())
        limit = 7; // 5,000 round trips add nothing on PostgreSQL

    constexpr int Count = 5000;
    struct Key
    {
        qint64 created;
        qint64 amount;
        QString id;
        bool succeeded;
    };
    QList<Key> keys;
    QList<QJsonObject> objects;
    for (int i = 0; i < Count; ++i) {
        // Seven payments per second and 500 distinct amounts: plenty of equal keys. Ids are not in
        // creation order.
        const Key key{1'700'000'000 + i / 7, 100 + (i * 37) % 500,
                      u"pi_%1"_s.arg((i * 7919) % 100'003, 6, 10, QLatin1Char('0')), i % 3 != 0};
        keys << key;
        objects << paymentIntent({.id = key.id,
                                  .amount = key.amount,
                                  .status = key.succeeded ? u"succeeded"_s : u"canceled"_s,
                                  .created = key.created});
    }
    PaymentRepository payments(*m_db);
    const StoreResult<BatchResult> written = payments.upsertMany(objects, 1'800'000'000);
    VERIFY_RESULT(written);
    QCOMPARE(written.value().applied, Count);

    QList<Key> expected;
    for (const Key &key : keys) {
        if (!filtered || key.succeeded)
            expected << key;
    }
    std::sort(expected.begin(), expected.end(), [sort, order](const Key &a, const Key &b) {
        const qint64 av = sort == SortKey::Amount ? a.amount : a.created;
        const qint64 bv = sort == SortKey::Amount ? b.amount : b.created;
        if (av != bv)
            return order == Qt::AscendingOrder ? av < bv : av > bv;
        return order == Qt::AscendingOrder ? a.id < b.id : a.id > b.id;
    });
    QStringList expectedIds;
    for (const Key &key : expected)
        expectedIds << key.id;

    PaymentFilter filter;
    if (filtered)
        filter.statuses = {u"succeeded"_s};
    QCOMPARE(payments.count(filter).valueOr(-1), expected.size());

    QStringList seen;
    QList<QStringList> pages;
    PageRequest request{.sort = sort, .order = order, .after = std::nullopt, .limit = limit};
    for (int guard = 0; guard < Count + 2; ++guard) {
        const StoreResult<Page<PaymentRow>> page = payments.page(filter, request);
        VERIFY_RESULT(page);
        QVERIFY(page.value().rows.size() <= limit);
        QStringList pageIds;
        for (const PaymentRow &row : page.value().rows)
            pageIds << row.id;
        pages << pageIds;
        seen << pageIds;
        if (!page.value().hasMore())
            break;
        QCOMPARE(page.value().rows.size(), limit);
        request.after = page.value().next;
    }
    QCOMPARE(seen.size(), expectedIds.size());
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), expectedIds.size()); // no duplicates
    QCOMPARE(seen, expectedIds);                                                    // no gaps, right order

    // Back one page: the opposite order after the first row of page 3 gives page 2, reversed.
    if (pages.size() >= 3) {
        const PaymentRow first =
            payments.find(pages.at(2).constFirst()).valueOr(std::nullopt).value_or(PaymentRow());
        PageRequest back{
            .sort = sort,
            .order = order == Qt::AscendingOrder ? Qt::DescendingOrder : Qt::AscendingOrder,
            .after = PageKey{sort == SortKey::Amount ? first.amount.minorUnits() : first.created, first.id},
            .limit = limit};
        const StoreResult<Page<PaymentRow>> previous = payments.page(filter, back);
        VERIFY_RESULT(previous);
        QStringList previousIds;
        for (const PaymentRow &row : previous.value().rows)
            previousIds.prepend(row.id);
        QCOMPARE(previousIds, pages.at(1));
    }
}

void TestPaymentRepository::pagingIsStableWhileRowsArrive()
{
    PaymentRepository payments(*m_db);
    QList<QJsonObject> objects;
    for (int i = 0; i < 30; ++i)
        objects << paymentIntent({.id = u"pi_%1"_s.arg(i, 3, 10, QLatin1Char('0')), .created = 1000 + i});
    VERIFY_RESULT(payments.upsertMany(objects, 5000));
    PageRequest request{.limit = 10};
    const StoreResult<Page<PaymentRow>> first = payments.page({}, request);
    VERIFY_RESULT(first);
    QCOMPARE(first.value().rows.constFirst().id, u"pi_029"_s);
    // New payments arrive at the top, an old one changes: the next page goes on where the first ended.
    QList<QJsonObject> arriving;
    for (int i = 30; i < 40; ++i)
        arriving << paymentIntent({.id = u"pi_%1"_s.arg(i, 3, 10, QLatin1Char('0')), .created = 1000 + i});
    arriving << paymentIntent({.id = u"pi_005"_s, .created = 1005, .description = u"changed"_s});
    VERIFY_RESULT(payments.upsertMany(arriving, 6000));
    request.after = first.value().next;
    const StoreResult<Page<PaymentRow>> second = payments.page({}, request);
    VERIFY_RESULT(second);
    QCOMPARE(second.value().rows.constFirst().id, u"pi_019"_s);
    QCOMPARE(second.value().rows.constLast().id, u"pi_010"_s);
    QVERIFY(second.value().hasMore());
}

void TestPaymentRepository::seedSearchData()
{
    PaymentRepository payments(*m_db);
    CustomerRepository customers(*m_db);
    ChargeRepository charges(*m_db);
    RefundRepository refunds(*m_db);
    VERIFY_RESULT(
        customers.upsert(customer(u"cus_jenny"_s, u"Jenny Rosen"_s, u"Jenny.Rosen@Example.com"_s), 1));
    VERIFY_RESULT(customers.upsert(customer(u"cus_max"_s, u"Max Müller"_s, u"max@mueller.de"_s), 1));
    VERIFY_RESULT(customers.upsert(customer(u"cus_ann"_s, u"Ann O'Neil"_s, u"ann_100%@example.org"_s), 1));
    struct Seed
    {
        QString id;
        qint64 amount;
        QString currency;
        QString status;
        qint64 created;
        QString customer;
        QString description;
        QString orderRef;
        QString till;
        QString cashier;
        QString last4;
    };
    const QList<Seed> seeds{
        {u"pi_a1"_s, 450, u"usd"_s, u"succeeded"_s, 1'700'000'000, u"cus_jenny"_s,
         u"Flat white and croissant"_s, u"ORD-1001"_s, u"till-1"_s, u"anna"_s, u"4242"_s},
        {u"pi_a2"_s, 1299, u"usd"_s, u"succeeded"_s, 1'700'000'100, u"cus_jenny"_s, u"Espresso beans 1kg"_s,
         u"ORD-1002"_s, u"till-1"_s, u"ben"_s, u"4242"_s},
        {u"pi_a3"_s, 450, u"eur"_s, u"canceled"_s, 1'700'000'200, u"cus_max"_s, u"Flat white"_s,
         u"ORD-1003"_s, u"till-2"_s, u"anna"_s, u"5556"_s},
        {u"pi_a4"_s, 99'999, u"usd"_s, u"requires_capture"_s, 1'700'086'400, u"cus_max"_s,
         u"Espresso machine"_s, u"ORD-2001"_s, u"till-2"_s, u"ben"_s, u"0005"_s},
        {u"pi_a5"_s, 75, u"usd"_s, u"requires_payment_method"_s, 1'700'090'000, QString(), u"Cookie"_s,
         QString(), u"till-3"_s, u"cara"_s, QString()},
        {u"pi_a6"_s, 2000, u"usd"_s, u"succeeded"_s, 1'700'172'800, u"cus_ann"_s, u"Gift card 20% off_code"_s,
         u"ORD-3001"_s, u"till-1"_s, u"cara"_s, u"1881"_s},
    };
    for (const Seed &seed : seeds) {
        const QString chargeId = seed.last4.isEmpty() ? QString() : u"ch_"_s + seed.id.mid(3);
        VERIFY_RESULT(payments.upsert(paymentIntent({.id = seed.id,
                                                     .amount = seed.amount,
                                                     .currency = seed.currency,
                                                     .status = seed.status,
                                                     .created = seed.created,
                                                     .customer = seed.customer,
                                                     .description = seed.description,
                                                     .orderRef = seed.orderRef,
                                                     .till = seed.till,
                                                     .cashier = seed.cashier,
                                                     .latestCharge = chargeId}),
                                      10));
        if (!chargeId.isEmpty()) {
            QJsonObject json = charge(
                {.id = chargeId, .paymentIntent = seed.id, .amount = seed.amount, .last4 = seed.last4});
            json.insert(u"currency"_s, seed.currency);
            VERIFY_RESULT(charges.upsert(json, 10));
        }
    }
    VERIFY_RESULT(refunds.upsert(
        refund({.id = u"re_a2"_s, .charge = u"ch_a2"_s, .paymentIntent = u"pi_a2"_s, .amount = 1299}), 10));
}

void TestPaymentRepository::search_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("expected"); // newest first

    const QStringList none;
    QTest::newRow("id") << u"id"_s << u"pi_a3"_s << QStringList{u"pi_a3"_s};
    QTest::newRow("id of the latest charge") << u"id"_s << u"ch_a4"_s << QStringList{u"pi_a4"_s};
    QTest::newRow("id of a refund") << u"id"_s << u"re_a2"_s << QStringList{u"pi_a2"_s};
    QTest::newRow("unknown id") << u"id"_s << u"pi_zz"_s << none;
    QTest::newRow("last4") << u"last4"_s << u"4242"_s << QStringList{u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("email, exact") << u"email"_s << u"max@mueller.de"_s << QStringList{u"pi_a4"_s, u"pi_a3"_s};
    QTest::newRow("email, part, other case")
        << u"email"_s << u"ROSEN@example"_s << QStringList{u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("email with % and _") << u"email"_s << u"_100%@"_s << QStringList{u"pi_a6"_s};
    QTest::newRow("email, % is not a wildcard") << u"email"_s << u"ann%example"_s << none;
    QTest::newRow("customer name, part") << u"name"_s << u"jen"_s << QStringList{u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("customer name, two words")
        << u"name"_s << u"rosen jenny"_s << QStringList{u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("customer name, umlaut") << u"name"_s << u"Müller"_s << QStringList{u"pi_a4"_s, u"pi_a3"_s};
    QTest::newRow("customer name, apostrophe") << u"name"_s << u"O'Neil"_s << QStringList{u"pi_a6"_s};
    QTest::newRow("description, words")
        << u"description"_s << u"white flat"_s << QStringList{u"pi_a3"_s, u"pi_a1"_s};
    QTest::newRow("description, short word") << u"description"_s << u"kg"_s << QStringList{u"pi_a2"_s};
    QTest::newRow("description, no match") << u"description"_s << u"tea"_s << none;
    QTest::newRow("text: id") << u"text"_s << u"pi_a5"_s << QStringList{u"pi_a5"_s};
    QTest::newRow("text: last4") << u"text"_s << u"0005"_s << QStringList{u"pi_a4"_s};
    QTest::newRow("text: order ref") << u"text"_s << u"ORD-1002"_s << QStringList{u"pi_a2"_s};
    QTest::newRow("text: order ref part")
        << u"text"_s << u"ord-100"_s << QStringList{u"pi_a3"_s, u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("text: words across columns") << u"text"_s << u"espresso max"_s << QStringList{u"pi_a4"_s};
    QTest::newRow("text: email") << u"text"_s << u"example.com"_s << QStringList{u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("text: refund id") << u"text"_s << u"re_a2"_s << QStringList{u"pi_a2"_s};
    QTest::newRow("text: quotes are text") << u"text"_s << u"\"flat"_s << none;
    QTest::newRow("amount") << u"amount"_s << u"450"_s << QStringList{u"pi_a3"_s, u"pi_a1"_s};
    QTest::newRow("amount range") << u"amountRange"_s << u"100-2000"_s
                                  << QStringList{u"pi_a6"_s, u"pi_a3"_s, u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("currency") << u"currency"_s << u"EUR"_s << QStringList{u"pi_a3"_s};
    QTest::newRow("status") << u"status"_s << u"succeeded"_s
                            << QStringList{u"pi_a6"_s, u"pi_a2"_s, u"pi_a1"_s};
    QTest::newRow("statuses") << u"status"_s << u"canceled,requires_capture"_s
                              << QStringList{u"pi_a4"_s, u"pi_a3"_s};
    QTest::newRow("date range") << u"dates"_s << u"1700000100-1700089999"_s
                                << QStringList{u"pi_a4"_s, u"pi_a3"_s, u"pi_a2"_s};
    QTest::newRow("till") << u"till"_s << u"till-2"_s << QStringList{u"pi_a4"_s, u"pi_a3"_s};
    QTest::newRow("cashier") << u"cashier"_s << u"cara"_s << QStringList{u"pi_a6"_s, u"pi_a5"_s};
    QTest::newRow("order ref") << u"orderRef"_s << u"ORD-3001"_s << QStringList{u"pi_a6"_s};
    QTest::newRow("customer id") << u"customerId"_s << u"cus_max"_s << QStringList{u"pi_a4"_s, u"pi_a3"_s};
    QTest::newRow("status, till and dates")
        << u"combined"_s << QString() << QStringList{u"pi_a2"_s, u"pi_a1"_s};
}

void TestPaymentRepository::search()
{
    QFETCH(QString, kind);
    QFETCH(QString, value);
    QFETCH(QStringList, expected);
    seedSearchData();
    if (QTest::currentTestFailed())
        return;

    PaymentFilter filter;
    if (kind == u"id"_s)
        filter.id = value;
    else if (kind == u"last4"_s)
        filter.cardLast4 = value;
    else if (kind == u"email"_s)
        filter.email = value;
    else if (kind == u"name"_s)
        filter.customerName = value;
    else if (kind == u"description"_s)
        filter.description = value;
    else if (kind == u"text"_s)
        filter.text = value;
    else if (kind == u"amount"_s)
        filter.amount = value.toLongLong();
    else if (kind == u"amountRange"_s) {
        filter.amountMin = value.section(u'-', 0, 0).toLongLong();
        filter.amountMax = value.section(u'-', 1, 1).toLongLong();
    } else if (kind == u"currency"_s)
        filter.currency = value;
    else if (kind == u"status"_s)
        filter.statuses = value.split(u',');
    else if (kind == u"dates"_s) {
        filter.createdFrom = value.section(u'-', 0, 0).toLongLong();
        filter.createdTo = value.section(u'-', 1, 1).toLongLong() + 1;
    } else if (kind == u"till"_s)
        filter.till = value;
    else if (kind == u"cashier"_s)
        filter.cashier = value;
    else if (kind == u"orderRef"_s)
        filter.orderRef = value;
    else if (kind == u"customerId"_s)
        filter.customerId = value;
    else if (kind == u"combined"_s) {
        filter.statuses = {u"succeeded"_s};
        filter.till = u"till-1"_s;
        filter.createdFrom = 1'700'000'000;
        filter.createdTo = 1'700'100'000;
    } else
        QFAIL("unknown kind");
    QVERIFY(!filter.isEmpty());

    QCOMPARE(ids(filter), expected);
    QCOMPARE(PaymentRepository(*m_db).count(filter).valueOr(-1), expected.size());
    // Counted up to a cap: exact below it, "cap or more" at it.
    const StoreResult<BoundedCount> upTo = PaymentRepository(*m_db).countUpTo(filter, 100);
    VERIFY_RESULT(upTo);
    QCOMPARE(upTo.value().value, expected.size());
    QVERIFY(upTo.value().exact);
    if (expected.size() > 1) {
        const StoreResult<BoundedCount> capped = PaymentRepository(*m_db).countUpTo(filter, 1);
        VERIFY_RESULT(capped);
        QCOMPARE(capped.value().value, 1);
        QVERIFY(!capped.value().exact);
    }
    // Oldest first: the same set, reversed.
    QStringList reversed = expected;
    std::reverse(reversed.begin(), reversed.end());
    QCOMPARE(ids(filter, {.order = Qt::AscendingOrder}), reversed);
}

void TestPaymentRepository::textIndexFollowsUpdates()
{
    seedSearchData();
    if (QTest::currentTestFailed())
        return;
    PaymentRepository payments(*m_db);
    PaymentFilter croissant;
    croissant.description = u"croissant"_s;
    PaymentFilter bagel;
    bagel.description = u"bagel"_s;
    QCOMPARE(ids(croissant), QStringList{u"pi_a1"_s});
    VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_a1"_s,
                                                 .amount = 450,
                                                 .created = 1'700'000'000,
                                                 .customer = u"cus_jenny"_s,
                                                 .description = u"Flat white and bagel"_s,
                                                 .latestCharge = u"ch_a1"_s}),
                                  20));
    QCOMPARE(ids(croissant), QStringList());
    QCOMPARE(ids(bagel), QStringList{u"pi_a1"_s});

    PaymentFilter byName;
    byName.customerName = u"jenny"_s;
    VERIFY_RESULT(CustomerRepository(*m_db).upsert(
        customer(u"cus_jenny"_s, u"Jennifer Rose"_s, u"jr@example.com"_s), 20));
    QCOMPARE(ids(byName), QStringList()); // "jenny" is gone
    byName.customerName = u"jennifer"_s;
    QCOMPARE(ids(byName), (QStringList{u"pi_a2"_s, u"pi_a1"_s}));
    PaymentFilter byText;
    byText.text = u"jr@example"_s;
    QCOMPARE(ids(byText), (QStringList{u"pi_a2"_s, u"pi_a1"_s}));
    if (m_db->isSqlite())
        VERIFY_STORE(m_db->execDirect(
            u"INSERT INTO payments_fts (payments_fts, rank) VALUES ('integrity-check', 1)"_s));
}

// Many writes to the same payments in one transaction, as a backfill page or an event batch makes them:
// the text index (brought up to date once, before the commit, on SQLite) ends as the rows are; a
// rolled-back transaction leaves nothing in it.
void TestPaymentRepository::textIndexAfterOneTransaction()
{
    PaymentRepository payments(*m_db);
    CustomerRepository customers(*m_db);
    {
        Transaction transaction(*m_db);
        QVERIFY(transaction.isActive());
        VERIFY_RESULT(customers.upsert(customer(u"cus_z"_s, u"Zed Zebra"_s, u"zed@example.com"_s), 10));
        VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_t1"_s, .description = u"Espresso"_s}), 10));
        VERIFY_RESULT(payments.upsert(
            paymentIntent({.id = u"pi_t2"_s, .customer = u"cus_z"_s, .description = u"Bagel"_s}), 10));
        VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_t1"_s, .description = u"Muffin"_s}), 11));
        VERIFY_RESULT(customers.upsert(customer(u"cus_z"_s, u"Yan Yak"_s, u"yan@example.com"_s), 11));
        VERIFY_RESULT(payments.upsert(
            paymentIntent({.id = u"pi_t2"_s, .customer = u"cus_z"_s, .description = u"Bagel, toasted"_s}),
            12));
        VERIFY_STORE(transaction.commit());
    }
    {
        Transaction transaction(*m_db);
        QVERIFY(transaction.isActive());
        VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_t3"_s, .description = u"Scone"_s}), 10));
        VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_t1"_s, .description = u"Scone"_s}), 12));
        transaction.rollback();
    }
    const auto byDescription = [this](const QString &term) {
        PaymentFilter filter;
        filter.description = term;
        return ids(filter);
    };
    QCOMPARE(byDescription(u"muffin"_s), QStringList{u"pi_t1"_s});
    QCOMPARE(byDescription(u"espresso"_s), QStringList());
    QCOMPARE(byDescription(u"toasted"_s), QStringList{u"pi_t2"_s});
    QCOMPARE(byDescription(u"scone"_s), QStringList());
    PaymentFilter byName;
    byName.customerName = u"yak"_s;
    QCOMPARE(ids(byName), QStringList{u"pi_t2"_s});
    byName.customerName = u"zebra"_s;
    QCOMPARE(ids(byName), QStringList());
    PaymentFilter byText;
    byText.text = u"yan@exa"_s;
    QCOMPARE(ids(byText), QStringList{u"pi_t2"_s});
    byText.text = u"zed@exa"_s;
    QCOMPARE(ids(byText), QStringList());
    if (m_db->isSqlite() && Migrations::hasIndexedTextSearch(*m_db).valueOr(false)) {
        VERIFY_STORE(m_db->execDirect(
            u"INSERT INTO payments_fts (payments_fts, rank) VALUES ('integrity-check', 1)"_s));
        QCOMPARE(m_db->queryValue(u"SELECT COUNT(*) FROM payments_fts_queue"_s).valueOr(-1).toLongLong(), 0);
        // Through the index itself, not the scan of recent rows that a page may do first.
        QCOMPARE(m_db->queryValue(u"SELECT COUNT(*) FROM payments_fts WHERE payments_fts MATCH ?"_s,
                                  {u"\"muffin\""_s})
                     .valueOr(-1)
                     .toLongLong(),
                 1);
        QCOMPARE(m_db->queryValue(u"SELECT COUNT(*) FROM payments_fts WHERE payments_fts MATCH ?"_s,
                                  {u"\"espresso\" OR \"scone\" OR \"zebra\""_s})
                     .valueOr(-1)
                     .toLongLong(),
                 0);
    }
}

void TestPaymentRepository::searchesUseIndexes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("sqlitePlan"); // what SQLite's plan must show
    QTest::newRow("first page") << u"none"_s << u"USING INDEX payments_created"_s;
    QTest::newRow("by amount") << u"amount sort"_s << u"USING INDEX payments_amount"_s;
    QTest::newRow("id") << u"id"_s << u"SEARCH payments USING INDEX"_s;
    QTest::newRow("last4") << u"last4"_s << u"SEARCH payments USING INDEX payments_last4"_s;
    QTest::newRow("status") << u"status"_s << u"SEARCH payments USING INDEX payments_status"_s;
    QTest::newRow("till") << u"till"_s << u"SEARCH payments USING INDEX payments_till"_s;
    QTest::newRow("cashier") << u"cashier"_s << u"SEARCH payments USING INDEX payments_cashier"_s;
    QTest::newRow("customer") << u"customer"_s << u"SEARCH payments USING INDEX payments_customer"_s;
    QTest::newRow("date range") << u"dates"_s << u"SEARCH payments USING INDEX payments_created"_s;
    // Through the customers, then their payments by customer.
    QTest::newRow("email") << u"email"_s << u"SEARCH payments USING INDEX payments_customer"_s;
    QTest::newRow("customer name") << u"name"_s << u"SEARCH payments USING INDEX payments_customer"_s;
    QTest::newRow("description") << u"description"_s << u"VIRTUAL TABLE INDEX"_s;
    QTest::newRow("text") << u"text"_s << u"VIRTUAL TABLE INDEX"_s;
    QTest::newRow("order ref") << u"orderRef"_s << u"SEARCH payments USING INDEX payments_order_ref"_s;
}

void TestPaymentRepository::searchesUseIndexes()
{
    QFETCH(QString, kind);
    QFETCH(QString, sqlitePlan);
    seedSearchData();
    if (QTest::currentTestFailed())
        return;
    PaymentFilter filter;
    PageRequest request;
    if (kind == u"amount sort"_s)
        request.sort = SortKey::Amount;
    else if (kind == u"id"_s)
        filter.id = u"pi_a1"_s;
    else if (kind == u"last4"_s)
        filter.cardLast4 = u"4242"_s;
    else if (kind == u"status"_s)
        filter.statuses = {u"succeeded"_s};
    else if (kind == u"till"_s)
        filter.till = u"till-1"_s;
    else if (kind == u"cashier"_s)
        filter.cashier = u"anna"_s;
    else if (kind == u"customer"_s)
        filter.customerId = u"cus_max"_s;
    else if (kind == u"dates"_s) {
        filter.createdFrom = 1'700'000'000;
        filter.createdTo = 1'700'000'500;
    } else if (kind == u"email"_s)
        filter.email = u"example.com"_s;
    else if (kind == u"name"_s)
        filter.customerName = u"jenny"_s;
    else if (kind == u"description"_s)
        filter.description = u"espresso"_s;
    else if (kind == u"text"_s)
        filter.text = u"espresso beans"_s;
    else if (kind == u"orderRef"_s)
        filter.orderRef = u"ORD-1001"_s;
    request.after = PageKey{request.sort == SortKey::Amount ? 100'000 : 1'800'000'000, u"pi_zz"_s};

    PaymentRepository payments(*m_db);
    if (m_db->isSqlite()) {
        const StoreResult<QString> plan = payments.explain(filter, request);
        VERIFY_RESULT(plan);
        QVERIFY2(plan.value().contains(sqlitePlan), qPrintable(plan.value()));
        // Never a full scan of payments without an index.
        for (const QString &line : plan.value().split(u'\n'))
            QVERIFY2(!(line.startsWith(u"SCAN payments"_s) && !line.contains(u"INDEX"_s)),
                     qPrintable(plan.value()));
        // Filters that an index orders need no sort of their own (which would read every match).
        if (kind != u"id"_s && kind != u"email"_s && kind != u"name"_s && kind != u"description"_s &&
            kind != u"text"_s && kind != u"orderRef"_s)
            QVERIFY2(!plan.value().contains(u"TEMP B-TREE FOR ORDER BY"_s), qPrintable(plan.value()));
        return;
    }
    // PostgreSQL: with sequential scans priced out, a search that has an index never scans the table.
    // The session's statistics (not yet flushed, so read before and after) tell which scans ran.
    VERIFY_STORE(m_db->execDirect(u"SET enable_seqscan = off"_s));
    auto scans = [this](qint64 *sequential, qint64 *indexed) {
        return m_db->query(
            u"SELECT COALESCE(seq_scan, 0), COALESCE(idx_scan, 0) FROM pg_stat_xact_user_tables "
            "WHERE relname = 'payments'"_s,
            {}, [&](const QSqlQuery &row) {
                *sequential = row.value(0).toLongLong();
                *indexed = row.value(1).toLongLong();
                return false;
            });
    };
    qint64 sequentialBefore = 0;
    qint64 indexedBefore = 0;
    qint64 sequentialAfter = 0;
    qint64 indexedAfter = 0;
    Transaction transaction(*m_db);
    QVERIFY(transaction.isActive());
    VERIFY_STORE(scans(&sequentialBefore, &indexedBefore));
    VERIFY_RESULT(payments.page(filter, request));
    VERIFY_STORE(scans(&sequentialAfter, &indexedAfter));
    transaction.rollback();
    VERIFY_STORE(m_db->execDirect(u"SET enable_seqscan = on"_s));
    QCOMPARE(sequentialAfter - sequentialBefore, 0);
    QVERIFY(indexedAfter > indexedBefore);
}

void TestPaymentRepository::commonAndRareTerms()
{
    // Enough matches that the text index probe calls a term common (the recent-rows pass and, for a
    // count, the index's own count that stops at the cap), next to rare ones (rows listed from the
    // probe) and customers found first: every path gives the same rows as the plain condition.
    constexpr int Croissants = 450;
    QList<QJsonObject> objects;
    for (int i = 0; i < Croissants + 30; ++i) {
        const bool croissant = i < Croissants;
        objects << paymentIntent({.id = u"pi_%1"_s.arg(i, 4, 10, QLatin1Char('0')),
                                  .amount = 100 + i,
                                  .created = 1'700'000'000 + i,
                                  .customer = i % 3 == 0 ? u"cus_jenny"_s : u"cus_max"_s,
                                  .description = croissant ? u"Croissant"_s : u"Bagel no. %1"_s.arg(i),
                                  .orderRef = u"ORD-%1"_s.arg(i)});
    }
    PaymentRepository payments(*m_db);
    VERIFY_RESULT(payments.upsertMany(objects, 10));
    CustomerRepository customers(*m_db);
    VERIFY_RESULT(customers.upsert(customer(u"cus_jenny"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s), 10));
    VERIFY_RESULT(customers.upsert(customer(u"cus_max"_s, u"Max Mustermann"_s, u"max@example.org"_s), 10));

    PaymentFilter croissant;
    croissant.description = u"croissant"_s;
    QCOMPARE(payments.count(croissant).valueOr(-1), Croissants);
    StoreResult<BoundedCount> n = payments.countUpTo(croissant, 10'000);
    VERIFY_RESULT(n);
    QCOMPARE(n.value().value, Croissants);
    QVERIFY(n.value().exact);
    n = payments.countUpTo(croissant, 100);
    VERIFY_RESULT(n);
    QCOMPARE(n.value().value, 100);
    QVERIFY(!n.value().exact);
    // The search box with a common word: beyond the cap its index matches alone decide; below it, the
    // whole condition counts (an order ref equal to the text would be one more).
    PaymentFilter searchBox;
    searchBox.text = u"croissant"_s;
    n = payments.countUpTo(searchBox, 100);
    VERIFY_RESULT(n);
    QCOMPARE(n.value().value, 100);
    QVERIFY(!n.value().exact);
    n = payments.countUpTo(searchBox, 10'000);
    VERIFY_RESULT(n);
    QCOMPARE(n.value().value, Croissants);
    QVERIFY(n.value().exact);
    QCOMPARE(payments.count(searchBox).valueOr(-1), Croissants);
    n = payments.countUpTo({}, 1000);
    VERIFY_RESULT(n);
    QCOMPARE(n.value().value, Croissants + 30);
    QVERIFY(n.value().exact);

    // The oldest croissants: the newest rows hold none, the text index gives them.
    croissant.createdTo = 1'700'000'003;
    QCOMPARE(ids(croissant), (QStringList{u"pi_0002"_s, u"pi_0001"_s, u"pi_0000"_s}));
    QCOMPARE(payments.countUpTo(croissant, 2).valueOr({}).value, 2);

    PaymentFilter bagel;
    bagel.description = u"bagel no. 47"_s;
    QCOMPARE(ids(bagel), (QStringList{u"pi_0479"_s, u"pi_0478"_s, u"pi_0477"_s, u"pi_0476"_s, u"pi_0475"_s,
                                      u"pi_0474"_s, u"pi_0473"_s, u"pi_0472"_s, u"pi_0471"_s, u"pi_0470"_s}));
    PaymentFilter nothing;
    nothing.text = u"no such thing"_s;
    QCOMPARE(ids(nothing), QStringList());
    QCOMPARE(payments.count(nothing).valueOr(-1), 0);

    // A third of the payments are Jenny's: common through the customers.
    PaymentFilter jenny;
    jenny.email = u"JENNY@example"_s;
    QCOMPARE(payments.count(jenny).valueOr(-1), (Croissants + 30) / 3);
    jenny.amountMax = 105;
    QCOMPARE(ids(jenny), (QStringList{u"pi_0003"_s, u"pi_0000"_s}));
    PaymentFilter max;
    max.customerName = u"mustermann max"_s;
    max.createdFrom = 1'700'000'476;
    QCOMPARE(ids(max), (QStringList{u"pi_0479"_s, u"pi_0478"_s, u"pi_0476"_s}));
    QCOMPARE(payments.countUpTo(max, 10).valueOr({}).value, 3);
    PaymentFilter nobody;
    nobody.customerName = u"nobody"_s;
    QCOMPARE(ids(nobody), QStringList());
    QCOMPARE(payments.count(nobody).valueOr(-1), 0);
}

void TestPaymentRepository::cashiers()
{
    // Distinct, sorted byte-wise, payments without a cashier left out, capped by the limit.
    PaymentRepository payments(*m_db);
    QCOMPARE(payments.cashiers().valueOr({u"x"_s}), QStringList());
    QList<QJsonObject> objects;
    const QStringList names{u"ben"_s, u"Anna"_s, QString(), u"ben"_s, u"cara"_s, u"Anna"_s, u"ben"_s};
    for (int i = 0; i < names.size(); ++i)
        objects << paymentIntent(
            {.id = u"pi_cashier%1"_s.arg(i), .created = 1'700'000'000 + i, .cashier = names.at(i)});
    VERIFY_RESULT(payments.upsertMany(objects, 1'700'000'100));
    QCOMPARE(payments.cashiers().valueOr({}), (QStringList{u"Anna"_s, u"ben"_s, u"cara"_s}));
    QCOMPARE(payments.cashiers(2).valueOr({}), (QStringList{u"Anna"_s, u"ben"_s}));
}

QTEST_GUILESS_MAIN(TestPaymentRepository)
#include "tst_paymentrepository.moc"
