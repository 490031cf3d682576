// SPDX-License-Identifier: GPL-3.0-or-later
// RefundRepository on SQLite and PostgreSQL: columns (reason, failure reason, the approval trail in
// metadata), a payment's refunds, never backwards (a succeeded refund may still fail; failed and
// canceled are final), keyset paging by created and by amount with filters, and counts.
#include "storetestsupport.h"

#include "services/store/migrations.h"
#include "services/store/refundrepository.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::store;
using namespace kassa::store::test;

class TestRefundRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void upsertStoresColumns();
    void refundsOfAPayment();
    void neverBackwards_data();
    void neverBackwards();
    void paging_data();
    void paging();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestRefundRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestRefundRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestRefundRepository::upsertStoresColumns()
{
    QJsonObject json = refund({.id = u"re_1"_s,
                               .charge = u"ch_1"_s,
                               .paymentIntent = u"pi_1"_s,
                               .amount = 250,
                               .status = u"failed"_s,
                               .created = 1'700'000'050});
    json.insert(u"reason"_s, u"requested_by_customer"_s);
    json.insert(u"failure_reason"_s, u"expired_or_canceled_card"_s);
    json.insert(u"metadata"_s, QJsonObject{{u"requested_by"_s, u"anna"_s}, {u"approved_by"_s, u"max"_s}});
    RefundRepository refunds(*m_db);
    VERIFY_RESULT(refunds.upsert(json, 1'700'000'060));
    const RefundRow row = refunds.find(u"re_1"_s).valueOr(std::nullopt).value_or(RefundRow());
    QCOMPARE(row.id, u"re_1"_s);
    QCOMPARE(row.chargeId, u"ch_1"_s);
    QCOMPARE(row.paymentIntentId, u"pi_1"_s);
    QCOMPARE(row.status, u"failed"_s);
    QCOMPARE(row.amount, Money(250, Currency::fromCode(u"usd").value()));
    QCOMPARE(row.reason, u"requested_by_customer"_s);
    QCOMPARE(row.failureReason, u"expired_or_canceled_card"_s);
    QCOMPARE(row.requestedBy, u"anna"_s);
    QCOMPARE(row.approvedBy, u"max"_s);
    QCOMPARE(row.created, 1'700'000'050);
    QCOMPARE(row.observedAt, 1'700'000'060);
    QCOMPARE(refunds.rawJson(u"re_1"_s).valueOr(std::nullopt).value_or(QJsonObject()), json);
    // Stripe's "no reason" (null) is stored as ''.
    VERIFY_RESULT(refunds.upsert(refund({.id = u"re_2"_s, .charge = u"ch_1"_s}), 1));
    QCOMPARE(refunds.find(u"re_2"_s).valueOr(std::nullopt).value_or(RefundRow()).reason, QString());
}

void TestRefundRepository::refundsOfAPayment()
{
    RefundRepository refunds(*m_db);
    VERIFY_RESULT(refunds.upsertMany({refund({.id = u"re_a"_s, .paymentIntent = u"pi_1"_s, .created = 10}),
                                      refund({.id = u"re_b"_s, .paymentIntent = u"pi_1"_s, .created = 30}),
                                      refund({.id = u"re_c"_s, .paymentIntent = u"pi_2"_s, .created = 20})},
                                     40));
    const QList<RefundRow> rows = refunds.forPayment(u"pi_1"_s).valueOr({});
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).id, u"re_b"_s);
    QCOMPARE(rows.at(1).id, u"re_a"_s);
}

void TestRefundRepository::neverBackwards_data()
{
    QTest::addColumn<QString>("heldStatus");
    QTest::addColumn<qint64>("heldAt");
    QTest::addColumn<QString>("incomingStatus");
    QTest::addColumn<qint64>("incomingAt");
    QTest::addColumn<bool>("applied");
    QTest::newRow("pending, then succeeded")
        << u"pending"_s << qint64(10) << u"succeeded"_s << qint64(20) << true;
    QTest::newRow("succeeded, old pending copy")
        << u"succeeded"_s << qint64(20) << u"pending"_s << qint64(10) << false;
    QTest::newRow("succeeded, then failed")
        << u"succeeded"_s << qint64(20) << u"failed"_s << qint64(30) << true;
    QTest::newRow("failed, then an old succeeded copy")
        << u"failed"_s << qint64(30) << u"succeeded"_s << qint64(20) << false;
    QTest::newRow("failed, then a newer succeeded copy")
        << u"failed"_s << qint64(30) << u"succeeded"_s << qint64(40) << false;
    QTest::newRow("canceled is final") << u"canceled"_s << qint64(30) << u"pending"_s << qint64(40) << false;
    QTest::newRow("requires_action, then succeeded")
        << u"requires_action"_s << qint64(30) << u"succeeded"_s << qint64(30) << true;
}

void TestRefundRepository::neverBackwards()
{
    QFETCH(QString, heldStatus);
    QFETCH(qint64, heldAt);
    QFETCH(QString, incomingStatus);
    QFETCH(qint64, incomingAt);
    QFETCH(bool, applied);
    QCOMPARE(ObjectVersion::ofRefund(incomingStatus, incomingAt)
                 .supersedes(ObjectVersion::ofRefund(heldStatus, heldAt)),
             applied);
    RefundRepository refunds(*m_db);
    VERIFY_RESULT(refunds.upsert(refund({.id = u"re_1"_s, .status = heldStatus}), heldAt));
    QCOMPARE(refunds.holdsNewerThan(u"re_1"_s, ObjectVersion::ofRefund(incomingStatus, incomingAt))
                 .valueOr(applied),
             !applied);
    const StoreResult<UpsertOutcome> written =
        refunds.upsert(refund({.id = u"re_1"_s, .status = incomingStatus}), incomingAt);
    VERIFY_RESULT(written);
    QCOMPARE(written.value(), applied ? UpsertOutcome::Applied : UpsertOutcome::Stale);
    QCOMPARE(refunds.find(u"re_1"_s).valueOr(std::nullopt).value_or(RefundRow()).status,
             applied ? incomingStatus : heldStatus);
}

void TestRefundRepository::paging_data()
{
    QTest::addColumn<SortKey>("sort");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<bool>("onlySucceeded");
    QTest::newRow("created, newest first") << SortKey::Created << Qt::DescendingOrder << false;
    QTest::newRow("created, oldest first") << SortKey::Created << Qt::AscendingOrder << false;
    QTest::newRow("amount, largest first, succeeded") << SortKey::Amount << Qt::DescendingOrder << true;
    QTest::newRow("amount, smallest first") << SortKey::Amount << Qt::AscendingOrder << false;
}

void TestRefundRepository::paging()
{
    QFETCH(SortKey, sort);
    QFETCH(Qt::SortOrder, order);
    QFETCH(bool, onlySucceeded);
    struct Key
    {
        qint64 value;
        QString id;
    };
    QList<Key> expected;
    QList<QJsonObject> objects;
    for (int i = 0; i < 600; ++i) {
        const QString id = u"re_%1"_s.arg((i * 211) % 1009, 4, 10, QLatin1Char('0'));
        const qint64 created = 1000 + i / 4;
        const qint64 amount = 10 + i % 13;
        const bool succeeded = i % 4 != 0;
        objects << refund({.id = id,
                           .paymentIntent = u"pi_%1"_s.arg(i % 10),
                           .amount = amount,
                           .status = succeeded ? u"succeeded"_s : u"pending"_s,
                           .created = created});
        if (!onlySucceeded || succeeded)
            expected << Key{sort == SortKey::Amount ? amount : created, id};
    }
    RefundRepository refunds(*m_db);
    VERIFY_RESULT(refunds.upsertMany(objects, 5000));
    std::sort(expected.begin(), expected.end(), [order](const Key &a, const Key &b) {
        if (a.value != b.value)
            return order == Qt::AscendingOrder ? a.value < b.value : a.value > b.value;
        return order == Qt::AscendingOrder ? a.id < b.id : a.id > b.id;
    });
    RefundFilter filter;
    if (onlySucceeded)
        filter.statuses = {u"succeeded"_s};
    QCOMPARE(refunds.count(filter).valueOr(-1), expected.size());
    QStringList seen;
    PageRequest request{.sort = sort, .order = order, .after = std::nullopt, .limit = 47};
    for (int guard = 0; guard < 100; ++guard) {
        const StoreResult<Page<RefundRow>> page = refunds.page(filter, request);
        VERIFY_RESULT(page);
        for (const RefundRow &row : page.value().rows)
            seen << row.id;
        if (!page.value().hasMore())
            break;
        request.after = page.value().next;
    }
    QStringList expectedIds;
    for (const Key &key : expected)
        expectedIds << key.id;
    QCOMPARE(seen, expectedIds);
    RefundFilter window;
    window.paymentIntentId = u"pi_3"_s;
    window.createdFrom = 1010;
    window.createdTo = 1020;
    const qint64 inWindow = std::count_if(objects.cbegin(), objects.cend(), [](const QJsonObject &o) {
        const qint64 created = o.value(u"created"_s).toInteger();
        return o.value(u"payment_intent"_s).toString() == u"pi_3"_s && created >= 1010 && created < 1020;
    });
    QVERIFY(inWindow > 0);
    QCOMPARE(refunds.count(window).valueOr(-1), inWindow);
}

QTEST_GUILESS_MAIN(TestRefundRepository)
#include "tst_refundrepository.moc"
