// SPDX-License-Identifier: GPL-3.0-or-later
// EventRepository on SQLite and PostgreSQL: markProcessed() only inside a transaction, true once and
// false after, undone with its transaction; two connections marking one event at once: one wins; the
// inbox (enqueue, order, duplicates, already processed, remove; also through InboxWriter); pruning; the
// events of one object and its relatives (a payment's timeline).
#include "storetestsupport.h"

#include "services/store/eventrepository.h"
#include "services/store/inboxwriter.h"
#include "services/store/migrations.h"
#include "services/store/transaction.h"
#include "services/stripe/stripejson.h"

#include <QSqlQuery>

#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

class TestEventRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void markProcessedNeedsTransaction();
    void dedupe_data();
    void dedupe();
    void rollbackForgetsTheMark();
    void concurrentMarksOneWins();
    void inbox_data();
    void inbox();
    void prune();
    void forObjects();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestEventRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestEventRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestEventRepository::markProcessedNeedsTransaction()
{
    EventRepository events(*m_db);
    const StoreResult<bool> outside = events.markProcessed(u"evt_1"_s, u"payment_intent.succeeded"_s, 100);
    QVERIFY(!outside.ok());
    QCOMPARE(outside.error().kind, StoreError::Kind::Transaction);
    QVERIFY(!events.isProcessed(u"evt_1"_s).valueOr(true));
}

void TestEventRepository::dedupe_data()
{
    QTest::addColumn<QStringList>("deliveries");
    QTest::addColumn<QList<bool>>("fresh");
    QTest::newRow("once") << QStringList{u"evt_1"_s} << QList<bool>{true};
    QTest::newRow("twice") << QStringList{u"evt_1"_s, u"evt_1"_s} << QList<bool>{true, false};
    QTest::newRow("interleaved replays")
        << QStringList{u"evt_1"_s, u"evt_2"_s, u"evt_1"_s, u"evt_3"_s, u"evt_2"_s, u"evt_2"_s}
        << QList<bool>{true, true, false, true, false, false};
}

void TestEventRepository::dedupe()
{
    QFETCH(QStringList, deliveries);
    QFETCH(QList<bool>, fresh);
    EventRepository events(*m_db);
    for (qsizetype i = 0; i < deliveries.size(); ++i) {
        Transaction transaction(*m_db); // one transaction per delivery, as the processor does
        QVERIFY(transaction.isActive());
        const StoreResult<bool> marked =
            events.markProcessed(deliveries.at(i), u"charge.refunded"_s, 1000 + i);
        VERIFY_RESULT(marked);
        QCOMPARE(marked.value(), fresh.at(i));
        VERIFY_STORE(transaction.commit());
    }
    for (const QString &id : deliveries)
        QVERIFY(events.isProcessed(id).valueOr(false));
    QVERIFY(!events.isProcessed(u"evt_never"_s).valueOr(true));
}

void TestEventRepository::rollbackForgetsTheMark()
{
    EventRepository events(*m_db);
    {
        Transaction transaction(*m_db);
        QVERIFY(transaction.isActive());
        QVERIFY(events.markProcessed(u"evt_1"_s).valueOr(false));
        // Applying the event failed: the transaction rolls back, and the event must be applied again.
    }
    QVERIFY(!events.isProcessed(u"evt_1"_s).valueOr(true));
    Transaction again(*m_db);
    QVERIFY(again.isActive());
    QVERIFY(events.markProcessed(u"evt_1"_s).valueOr(false));
    VERIFY_STORE(again.commit());
}

void TestEventRepository::concurrentMarksOneWins()
{
    // Two tills take the same event from two feeds at the same moment.
    constexpr int Events = 40;
    const DatabaseConfig config = m_fixture->config(20'000);
    std::atomic<int> wins{0};
    std::atomic<int> errors{0};
    auto feed = [&]() {
        StoreResult<std::unique_ptr<Database>> opened = Database::open(config);
        if (!opened.ok()) {
            ++errors;
            return;
        }
        Database &db = *opened.value();
        EventRepository events(db);
        for (int i = 0; i < Events; ++i) {
            Transaction transaction(db);
            if (!transaction.isActive()) {
                ++errors;
                continue;
            }
            const StoreResult<bool> marked = events.markProcessed(u"evt_%1"_s.arg(i));
            if (!marked.ok() || transaction.commit().isError())
                ++errors;
            else if (marked.value())
                ++wins;
        }
    };
    std::thread a(feed);
    std::thread b(feed);
    a.join();
    b.join();
    QCOMPARE(errors.load(), 0);
    QCOMPARE(wins.load(), Events);
}

void TestEventRepository::inbox_data()
{
    QTest::addColumn<bool>("writer");
    QTest::newRow("EventRepository") << false;
    QTest::newRow("InboxWriter") << true; // the webhook receiver's: its own statement on SQLite
}

void TestEventRepository::inbox()
{
    QFETCH(bool, writer);
    EventRepository events(*m_db);
    InboxWriter inboxWriter(*m_db);
    const auto enqueue = [&](const InboxEvent &event) {
        return writer ? inboxWriter.enqueue(event) : events.enqueue(event);
    };
    QCOMPARE(enqueue({u"evt_b"_s, u"charge.succeeded"_s, 200, u"webhook"_s, R"({"id":"evt_b"})", 0})
                 .valueOr(false),
             true);
    QCOMPARE(
        enqueue({u"evt_a"_s, u"payment_intent.created"_s, 100, u"poller"_s, R"({"id":"evt_a","x":"ü"})", 5})
            .valueOr(false),
        true);
    QCOMPARE(enqueue({u"evt_c"_s, u"refund.created"_s, 200, u"webhook"_s, "{}", 0}).valueOr(false), true);
    // The same event again, from another feed: nothing to do.
    QCOMPARE(enqueue({u"evt_a"_s, u"payment_intent.created"_s, 100, u"webhook"_s, "{}", 0}).valueOr(true),
             false);
    // An event already processed is not queued.
    {
        Transaction transaction(*m_db);
        QVERIFY(events.markProcessed(u"evt_done"_s).valueOr(false));
        VERIFY_STORE(transaction.commit());
    }
    QCOMPARE(enqueue({u"evt_done"_s, u"x"_s, 1, u"webhook"_s, "{}", 0}).valueOr(true), false);
    QCOMPARE(events.inboxSize().valueOr(-1), 3);

    const QList<InboxEvent> queued = events.inbox(10).valueOr({});
    QCOMPARE(queued.size(), 3);
    QCOMPARE(queued.at(0).id, u"evt_a"_s); // oldest first, then by id
    QCOMPARE(queued.at(1).id, u"evt_b"_s);
    QCOMPARE(queued.at(2).id, u"evt_c"_s);
    QCOMPARE(queued.at(0).payload, QByteArray(R"({"id":"evt_a","x":"ü"})"));
    QCOMPARE(queued.at(0).source, u"poller"_s);
    QCOMPARE(queued.at(0).receivedAt, 5);
    QVERIFY(queued.at(1).receivedAt > 0);
    QCOMPARE(events.inbox(1).valueOr({}).size(), 1);

    // Applied: marked and removed in one transaction.
    Transaction transaction(*m_db);
    QVERIFY(events.markProcessed(u"evt_a"_s).valueOr(false));
    QVERIFY(events.removeFromInbox(u"evt_a"_s, queued.at(0).created).valueOr(false));
    VERIFY_STORE(transaction.commit());
    QVERIFY(!events.removeFromInbox(u"evt_a"_s, queued.at(0).created).valueOr(true));
    QCOMPARE(events.inboxSize().valueOr(-1), 2);
    // A PaymentIntent's client secret is not kept.
    const QByteArray withSecret =
        R"({"id":"evt_s","data":{"object":{"id":"pi_1","client_secret":"pi_1_secret_abc"}}})";
    QCOMPARE(
        enqueue({u"evt_s"_s, u"payment_intent.created"_s, 300, u"webhook"_s, withSecret, 0}).valueOr(false),
        true);
    const QList<InboxEvent> all = events.inbox(10).valueOr({});
    QCOMPARE(all.size(), 3);
    QCOMPARE(all.at(2).id, u"evt_s"_s);
    QVERIFY(!all.at(2).payload.contains("pi_1_secret_abc"));
    QCOMPARE(all.at(2).payload, kassa::stripe::StripeJson::blankClientSecrets(withSecret));
    QCOMPARE(enqueue({u""_s, u"x"_s, 1, u"webhook"_s, "{}", 0}).error().kind, StoreError::Kind::InvalidData);
}

void TestEventRepository::prune()
{
    EventRepository events(*m_db);
    Transaction transaction(*m_db);
    for (int i = 0; i < 10; ++i)
        QVERIFY(events.markProcessed(u"evt_%1"_s.arg(i), u"t"_s, 100 * i).valueOr(false));
    VERIFY_STORE(transaction.commit());
    QCOMPARE(events.pruneProcessed(500).valueOr(-1), 5);
    QVERIFY(!events.isProcessed(u"evt_4"_s).valueOr(true));
    QVERIFY(events.isProcessed(u"evt_5"_s).valueOr(false));
}

void TestEventRepository::forObjects()
{
    // A payment's timeline: the events about it, its charge and its refund, oldest first, nothing of
    // other objects; events marked without an object never show.
    EventRepository events(*m_db);
    Transaction transaction(*m_db);
    QVERIFY(events.markProcessed(u"evt_refund"_s, u"charge.refund.updated"_s, 300, u"re_1"_s).valueOr(false));
    QVERIFY(
        events.markProcessed(u"evt_created"_s, u"payment_intent.created"_s, 100, u"pi_1"_s).valueOr(false));
    QVERIFY(events.markProcessed(u"evt_charge"_s, u"charge.succeeded"_s, 200, u"ch_1"_s).valueOr(false));
    QVERIFY(events.markProcessed(u"evt_ok"_s, u"payment_intent.succeeded"_s, 200, u"pi_1"_s).valueOr(false));
    QVERIFY(events.markProcessed(u"evt_other"_s, u"payment_intent.created"_s, 150, u"pi_2"_s).valueOr(false));
    QVERIFY(events.markProcessed(u"evt_none"_s, u"payment_intent.created"_s, 150).valueOr(false));
    VERIFY_STORE(transaction.commit());

    const StoreResult<QList<ProcessedEvent>> found =
        events.forObjects({u"pi_1"_s, u"ch_1"_s, u"re_1"_s, u"pi_1"_s, QString()});
    VERIFY_RESULT(found);
    QStringList ids;
    for (const ProcessedEvent &event : found.value())
        ids << event.id;
    QCOMPARE(ids, (QStringList{u"evt_created"_s, u"evt_charge"_s, u"evt_ok"_s, u"evt_refund"_s}));
    QCOMPARE(found.value().first().type, u"payment_intent.created"_s);
    QCOMPARE(found.value().first().created, 100);
    QCOMPARE(found.value().last().objectId, u"re_1"_s);
    QCOMPARE(events.forObjects({u"pi_1"_s}, 1).valueOr({}).size(), 1);
    QVERIFY(events.forObjects({}).valueOr({{}}).isEmpty());
}

QTEST_GUILESS_MAIN(TestEventRepository)
#include "tst_eventrepository.moc"
