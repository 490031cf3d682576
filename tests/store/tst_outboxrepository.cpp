// SPDX-License-Identifier: GPL-3.0-or-later
// OutboxRepository on SQLite and PostgreSQL: a pending row is committed before insertPending() returns
// (another connection sees it); the same key twice gives the first row back; an order has one live or
// succeeded exclusive attempt; two connections claiming at once never get the same row; stale claims
// are taken over; complete/release/abandon move rows as documented; complete joins the caller's
// transaction; listing and lookup by order ref.
#include "storetestsupport.h"

#include "services/store/migrations.h"
#include "services/store/outboxrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/transaction.h"

#include <QSet>

#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;

Q_DECLARE_METATYPE(kassa::store::OutboxState)

namespace {

OutboxEntry request(const QString &key, const QString &orderRef = {}, bool exclusive = false)
{
    OutboxEntry entry;
    entry.op = u"create_payment"_s;
    entry.method = u"POST"_s;
    entry.path = u"/v1/payment_intents"_s;
    entry.params =
        "amount=1250&currency=usd&payment_method_types[0]=card&metadata[order_ref]=" + orderRef.toUtf8();
    entry.idempotencyKey = key;
    entry.orderRef = orderRef;
    entry.exclusive = exclusive;
    return entry;
}

} // namespace

class TestOutboxRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void insertIsCommittedAtOnce();
    void sameKeyGivesTheFirstRow();
    void oneLiveAttemptPerOrder_data();
    void oneLiveAttemptPerOrder();
    void insertRefusals_data();
    void insertRefusals();
    void concurrentClaimsGetDistinctRows();
    void claimOneAndStaleClaims();
    void completion_data();
    void completion();
    void releaseAndAbandon();
    void completeJoinsTheCallersTransaction();
    void listingAndPruning();

private:
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestOutboxRepository::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestOutboxRepository::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestOutboxRepository::insertIsCommittedAtOnce()
{
    OutboxRepository outbox(*m_db);
    const StoreResult<OutboxInsert> inserted = outbox.insertPending(request(u"key-1"_s, u"ORD-1"_s, true));
    VERIFY_RESULT(inserted);
    QVERIFY(inserted.value().inserted);
    const OutboxEntry &entry = inserted.value().entry;
    QVERIFY(entry.id > 0);
    QCOMPARE(entry.state, OutboxState::Pending);
    QCOMPARE(entry.attempts, 0);
    QCOMPARE(entry.idempotencyKey, u"key-1"_s);
    QCOMPARE(entry.params, request(u"key-1"_s, u"ORD-1"_s).params);
    QVERIFY(entry.exclusive);
    QVERIFY(entry.createdAt > 0);
    QVERIFY(!m_db->inTransaction());

    // Another till (connection) sees it right away: it was committed before insertPending() returned.
    StoreResult<std::unique_ptr<Database>> other = m_fixture->open();
    VERIFY_RESULT(other);
    const std::optional<OutboxEntry> seen =
        OutboxRepository(*other.value()).find(entry.id).valueOr(std::nullopt);
    QVERIFY(seen.has_value());
    QCOMPARE(*seen, entry);
}

void TestOutboxRepository::sameKeyGivesTheFirstRow()
{
    OutboxRepository outbox(*m_db);
    const OutboxEntry first = outbox.insertPending(request(u"key-1"_s, u"ORD-1"_s)).valueOr({}).entry;
    OutboxEntry again = request(u"key-1"_s, u"ORD-2"_s);
    again.params = "amount=999";
    const StoreResult<OutboxInsert> second = outbox.insertPending(again);
    VERIFY_RESULT(second);
    QVERIFY(!second.value().inserted);
    QCOMPARE(second.value().entry, first);
    QCOMPARE(outbox.findByKey(u"key-1"_s).valueOr(std::nullopt).value_or(OutboxEntry()), first);
    QCOMPARE(outbox.countInState(OutboxState::Pending).valueOr(-1), 1);
}

void TestOutboxRepository::oneLiveAttemptPerOrder_data()
{
    QTest::addColumn<QString>("firstEnds"); // what happened to the first attempt
    QTest::addColumn<bool>("secondAllowed");
    QTest::newRow("still pending") << u"pending"_s << false;
    QTest::newRow("being sent") << u"sending"_s << false;
    QTest::newRow("succeeded") << u"done"_s << false;
    QTest::newRow("declined") << u"failed"_s << true;
    QTest::newRow("given up") << u"abandoned"_s << true;
}

void TestOutboxRepository::oneLiveAttemptPerOrder()
{
    QFETCH(QString, firstEnds);
    QFETCH(bool, secondAllowed);
    OutboxRepository outbox(*m_db);
    const OutboxEntry first = outbox.insertPending(request(u"key-1"_s, u"ORD-7"_s, true)).valueOr({}).entry;
    QVERIFY(first.id > 0);
    if (firstEnds != u"pending"_s)
        QVERIFY(outbox.claimOne(first.id, u"till-1"_s).valueOr(std::nullopt).has_value());
    if (firstEnds == u"done"_s)
        QVERIFY(outbox.complete(first.id, 200, R"({"id":"pi_1"})", u"pi_1"_s).valueOr(false));
    else if (firstEnds == u"failed"_s)
        QVERIFY(outbox.complete(first.id, 402, R"({"error":{"code":"card_declined"}})").valueOr(false));
    else if (firstEnds == u"abandoned"_s)
        QVERIFY(
            outbox.abandon(first.id, u"key older than 24 h; no PaymentIntent at Stripe"_s).valueOr(false));

    const std::optional<OutboxEntry> live = outbox.liveAttemptForOrder(u"ORD-7"_s).valueOr(std::nullopt);
    QCOMPARE(live.has_value(), !secondAllowed);
    const StoreResult<OutboxInsert> second = outbox.insertPending(request(u"key-2"_s, u"ORD-7"_s, true));
    VERIFY_RESULT(second);
    QCOMPARE(second.value().inserted, secondAllowed);
    if (!secondAllowed)
        QCOMPARE(second.value().entry.id, first.id); // what the cashier is shown
    // Rows that do not ask for exclusivity (a refund of the same order) are never held back.
    QVERIFY(outbox.insertPending(request(u"key-3"_s, u"ORD-7"_s, false)).valueOr({}).inserted);
    const QList<OutboxEntry> attempts = outbox.findByOrderRef(u"ORD-7"_s).valueOr({});
    QCOMPARE(attempts.size(), secondAllowed ? 3 : 2);
    QCOMPARE(attempts.constLast().id, first.id); // newest first
}

void TestOutboxRepository::insertRefusals_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<StoreError::Kind>("kind");
    QTest::newRow("no key") << u"no key"_s << StoreError::Kind::InvalidData;
    QTest::newRow("key too long") << u"long key"_s << StoreError::Kind::InvalidData;
    QTest::newRow("no path") << u"no path"_s << StoreError::Kind::InvalidData;
    QTest::newRow("exclusive without order") << u"exclusive"_s << StoreError::Kind::InvalidData;
    QTest::newRow("inside a transaction") << u"transaction"_s << StoreError::Kind::Transaction;
}

void TestOutboxRepository::insertRefusals()
{
    QFETCH(QString, what);
    QFETCH(StoreError::Kind, kind);
    OutboxEntry entry = request(u"key-1"_s, u"ORD-1"_s);
    if (what == u"no key"_s)
        entry.idempotencyKey.clear();
    else if (what == u"long key"_s)
        entry.idempotencyKey = QString(256, u'k');
    else if (what == u"no path"_s)
        entry.path.clear();
    else if (what == u"exclusive"_s) {
        entry.orderRef.clear();
        entry.exclusive = true;
    }
    std::optional<Transaction> transaction;
    if (what == u"transaction"_s)
        transaction.emplace(*m_db);
    OutboxRepository outbox(*m_db);
    const StoreResult<OutboxInsert> inserted = outbox.insertPending(entry);
    QVERIFY(!inserted.ok());
    QCOMPARE(inserted.error().kind, kind);
    transaction.reset();
    QCOMPARE(outbox.listUnfinished().valueOr({OutboxEntry()}).size(), 0);
    QCOMPARE(outbox.insertPending(request(QString(255, u'k'))).valueOr({}).inserted, true);
}

void TestOutboxRepository::concurrentClaimsGetDistinctRows()
{
    constexpr int Rows = 150;
    OutboxRepository outbox(*m_db);
    for (int i = 0; i < Rows; ++i)
        QVERIFY(
            outbox.insertPending(request(u"key-%1"_s.arg(i), u"ORD-%1"_s.arg(i), true)).valueOr({}).inserted);

    // Two tills recover at once, each claiming small batches until nothing is left.
    const DatabaseConfig config = m_fixture->config(20'000);
    std::mutex mutex;
    QList<qint64> claimedBy[2];
    QStringList errors;
    auto recover = [&](int till) {
        StoreResult<std::unique_ptr<Database>> opened = Database::open(config);
        if (!opened.ok()) {
            const std::lock_guard lock(mutex);
            errors << opened.error().toString();
            return;
        }
        OutboxRepository mine(*opened.value());
        for (int round = 0; round < Rows; ++round) {
            const StoreResult<QList<OutboxEntry>> claimed = mine.claim(u"till-%1"_s.arg(till), 4);
            if (!claimed.ok()) {
                const std::lock_guard lock(mutex);
                errors << claimed.error().toString();
                return;
            }
            if (claimed.value().isEmpty())
                return;
            for (const OutboxEntry &entry : claimed.value()) {
                claimedBy[till] << entry.id;
                if (entry.state != OutboxState::Sending || entry.claimedBy != u"till-%1"_s.arg(till) ||
                    entry.attempts != 1) {
                    const std::lock_guard lock(mutex);
                    errors << u"row %1 came back as %2 by %3, attempt %4"_s.arg(entry.id)
                                  .arg(outboxStateName(entry.state), entry.claimedBy)
                                  .arg(entry.attempts);
                }
            }
        }
    };
    std::thread first(recover, 0);
    std::thread second(recover, 1);
    first.join();
    second.join();
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
    const QSet<qint64> a(claimedBy[0].cbegin(), claimedBy[0].cend());
    const QSet<qint64> b(claimedBy[1].cbegin(), claimedBy[1].cend());
    QCOMPARE(a.size(), claimedBy[0].size());
    QCOMPARE(b.size(), claimedBy[1].size());
    QVERIFY2(!a.intersects(b), "a row was claimed by both tills");
    QCOMPARE(a.size() + b.size(), Rows);
    QCOMPARE(outbox.countInState(OutboxState::Sending).valueOr(-1), Rows);
    QCOMPARE(outbox.claim(u"till-3"_s, 10).valueOr({OutboxEntry()}).size(), 0);
}

void TestOutboxRepository::claimOneAndStaleClaims()
{
    qint64 now = 10'000;
    m_db->setClock([&now]() { return now; });
    OutboxRepository outbox(*m_db);
    const OutboxEntry entry = outbox.insertPending(request(u"key-1"_s)).valueOr({}).entry;
    const std::optional<OutboxEntry> mine = outbox.claimOne(entry.id, u"till-1"_s, 300).valueOr(std::nullopt);
    QVERIFY(mine.has_value());
    QCOMPARE(mine->state, OutboxState::Sending);
    QCOMPARE(mine->claimedBy, u"till-1"_s);
    QCOMPARE(mine->claimedAt, 10'000);
    QCOMPARE(mine->attempts, 1);
    // Another till cannot take it while the claim is fresh...
    now += 299;
    QVERIFY(!outbox.claimOne(entry.id, u"till-2"_s, 300).valueOr(mine).has_value());
    QVERIFY(outbox.claim(u"till-2"_s, 10, 300).valueOr({OutboxEntry()}).isEmpty());
    // ...but once it is stale (till-1 crashed), it may: sending again with the same key is safe.
    now += 2;
    const QList<OutboxEntry> taken = outbox.claim(u"till-2"_s, 10, 300).valueOr({});
    QCOMPARE(taken.size(), 1);
    QCOMPARE(taken.at(0).claimedBy, u"till-2"_s);
    QCOMPARE(taken.at(0).attempts, 2);
    QCOMPARE(taken.at(0).idempotencyKey, u"key-1"_s);
    QVERIFY(!outbox.claimOne(999'999, u"till-2"_s).valueOr(mine).has_value());
    QCOMPARE(outbox.claim(QString(), 1).error().kind, StoreError::Kind::InvalidData);
}

void TestOutboxRepository::completion_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<OutboxState>("state");
    QTest::newRow("200") << 200 << OutboxState::Done;
    QTest::newRow("402 declined") << 402 << OutboxState::Failed;
    QTest::newRow("400 invalid") << 400 << OutboxState::Failed;
}

void TestOutboxRepository::completion()
{
    QFETCH(int, status);
    QFETCH(OutboxState, state);
    OutboxRepository outbox(*m_db);
    const OutboxEntry entry = outbox.insertPending(request(u"key-1"_s, u"ORD-1"_s, true)).valueOr({}).entry;
    QVERIFY(outbox.claimOne(entry.id, u"till-1"_s).valueOr(std::nullopt).has_value());
    const QByteArray body = R"({"id":"pi_123","object":"payment_intent","description":"Ümlaut"})";
    QVERIFY(outbox.complete(entry.id, status, body, u"pi_123"_s).valueOr(false));
    const OutboxEntry done = outbox.find(entry.id).valueOr(std::nullopt).value_or(OutboxEntry());
    QCOMPARE(done.state, state);
    QVERIFY(done.isFinished());
    QCOMPARE(done.responseStatus, status);
    QCOMPARE(done.responseBody, body);
    QCOMPARE(done.objectId, u"pi_123"_s);
    // The same replayed answer recorded by another sender: already finished.
    QVERIFY(!outbox.complete(entry.id, status, body, u"pi_123"_s).valueOr(true));
    QVERIFY(!outbox.release(entry.id, u"late"_s).valueOr(true));
    QVERIFY(outbox.listUnfinished().valueOr({OutboxEntry()}).isEmpty());
}

void TestOutboxRepository::releaseAndAbandon()
{
    OutboxRepository outbox(*m_db);
    const OutboxEntry entry = outbox.insertPending(request(u"key-1"_s)).valueOr({}).entry;
    QVERIFY(!outbox.release(entry.id, u"not sending"_s).valueOr(true)); // only a claimed row goes back
    QVERIFY(outbox.claimOne(entry.id, u"till-1"_s).valueOr(std::nullopt).has_value());
    QVERIFY(outbox.release(entry.id, u"connection reset after 80 s"_s).valueOr(false));
    OutboxEntry row = outbox.find(entry.id).valueOr(std::nullopt).value_or(OutboxEntry());
    QCOMPARE(row.state, OutboxState::Pending);
    QCOMPARE(row.lastError, u"connection reset after 80 s"_s);
    QCOMPARE(row.attempts, 1);
    QVERIFY(row.claimedBy.isEmpty());
    const QList<OutboxEntry> again = outbox.claim(u"till-1"_s, 5).valueOr({});
    QCOMPARE(again.size(), 1);
    QCOMPARE(again.at(0).attempts, 2);
    QCOMPARE(again.at(0).idempotencyKey, u"key-1"_s);
    QVERIFY(outbox.abandon(entry.id, u"gave up"_s).valueOr(false));
    row = outbox.find(entry.id).valueOr(std::nullopt).value_or(OutboxEntry());
    QCOMPARE(row.state, OutboxState::Failed);
    QCOMPARE(row.lastError, u"gave up"_s);
    QVERIFY(!outbox.abandon(entry.id, u"twice"_s).valueOr(true));
}

void TestOutboxRepository::completeJoinsTheCallersTransaction()
{
    OutboxRepository outbox(*m_db);
    PaymentRepository payments(*m_db);
    const OutboxEntry entry = outbox.insertPending(request(u"key-1"_s, u"ORD-1"_s, true)).valueOr({}).entry;
    QVERIFY(outbox.claimOne(entry.id, u"till-1"_s).valueOr(std::nullopt).has_value());
    const QJsonObject answer = paymentIntent({.id = u"pi_1"_s, .orderRef = u"ORD-1"_s});
    {
        // The answer and the payment it describes are written together, or neither (a crash between them
        // leaves the row pending, and re-sending it replays the same answer).
        Transaction transaction(*m_db);
        QVERIFY(outbox.complete(entry.id, 200, "{}", u"pi_1"_s).valueOr(false));
        VERIFY_RESULT(payments.upsert(answer, 100));
        transaction.rollback();
    }
    QCOMPARE(outbox.find(entry.id).valueOr(std::nullopt).value_or(OutboxEntry()).state, OutboxState::Sending);
    QVERIFY(!payments.find(u"pi_1"_s).valueOr(std::nullopt).has_value());
    Transaction transaction(*m_db);
    QVERIFY(outbox.complete(entry.id, 200, "{}", u"pi_1"_s).valueOr(false));
    VERIFY_RESULT(payments.upsert(answer, 100));
    VERIFY_STORE(transaction.commit());
    QCOMPARE(outbox.find(entry.id).valueOr(std::nullopt).value_or(OutboxEntry()).state, OutboxState::Done);
    QCOMPARE(payments.find(u"pi_1"_s).valueOr(std::nullopt).value_or(PaymentRow()).orderRef, u"ORD-1"_s);
}

void TestOutboxRepository::listingAndPruning()
{
    qint64 now = 1000;
    m_db->setClock([&now]() { return now; });
    OutboxRepository outbox(*m_db);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids << outbox.insertPending(request(u"key-%1"_s.arg(i), u"ORD-%1"_s.arg(i % 2))).valueOr({}).entry.id;
    QVERIFY(outbox.claimOne(ids[1], u"till"_s).valueOr(std::nullopt).has_value());
    QVERIFY(outbox.claimOne(ids[2], u"till"_s).valueOr(std::nullopt).has_value());
    QVERIFY(outbox.complete(ids[2], 200, "{}").valueOr(false));
    now = 5000;
    QVERIFY(outbox.claimOne(ids[3], u"till"_s).valueOr(std::nullopt).has_value());
    QVERIFY(outbox.complete(ids[3], 402, "{}").valueOr(false));

    const QList<OutboxEntry> unfinished = outbox.listUnfinished().valueOr({});
    QList<qint64> unfinishedIds;
    for (const OutboxEntry &entry : unfinished)
        unfinishedIds << entry.id;
    QCOMPARE(unfinishedIds, (QList<qint64>{ids[0], ids[1], ids[4]}));
    QCOMPARE(outbox.countInState(OutboxState::Pending).valueOr(-1), 2);
    QCOMPARE(outbox.countInState(OutboxState::Sending).valueOr(-1), 1);
    QCOMPARE(outbox.countInState(OutboxState::Done).valueOr(-1), 1);
    QCOMPARE(outbox.countInState(OutboxState::Failed).valueOr(-1), 1);
    QCOMPARE(outbox.findByOrderRef(u"ORD-0"_s).valueOr({}).size(), 3);
    QVERIFY(outbox.findByOrderRef(QString()).valueOr({OutboxEntry()}).isEmpty());
    QCOMPARE(outbox.pruneFinished(2000).valueOr(-1), 1); // the done row, not the later failed one
    QVERIFY(!outbox.find(ids[2]).valueOr(std::nullopt).has_value());
    QVERIFY(outbox.find(ids[3]).valueOr(std::nullopt).has_value());
}

QTEST_GUILESS_MAIN(TestOutboxRepository)
#include "tst_outboxrepository.moc"
