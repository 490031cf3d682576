// SPDX-License-Identifier: GPL-3.0-or-later
// The outbox: every payment exactly once through lost replies, 5xx, 429 and recovery.
#include "services/store/outboxrepository.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrepository.h"
#include "services/sync/outbox.h"
#include "sim/faults.h"
#include "synctestsupport.h"

#include <QDateTime>
#include <QHash>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::sync::Outbox;
using kassa::sync::OutboxResult;
using kassa::sync::RecoveryReport;
using kassa::sync::test::succeededByOrderRef;

namespace {

// A sale of 12.50 unless the test says otherwise.
kassa::stripe::StripeRequest sale(const QString &orderRef, qint64 amount = 1250,
                                  const QString &method = u"pm_card_visa"_s)
{
    return kassa::sync::test::saleRequest(orderRef, amount, method);
}

} // namespace

class TestOutbox : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { kassa::store::test::addBackendData(); }
    void init();
    void cleanup();

    void decodeFormRoundTrips();
    void submitSendsAndRecordsInTheStore();
    void secondAttemptForAnOrderIsNotSent();
    void declineFailsTheRowAndAllowsANewAttempt();
    void lostReplyStaysPendingAndRecoverFinishesIt();
    void oldRowIsLookedUpInsteadOfSentAgain();
    void chaosSalesExactlyOnce();
    void concurrentRecoveryOnTwoConnections();

private:
    OutboxResult submitAndWait(Outbox &outbox, const QString &orderRef,
                               const kassa::stripe::StripeRequest &request);
    RecoveryReport recoverAndWait(Outbox &outbox);
    kassa::sim::Faults loseEveryReply();

    std::unique_ptr<kassa::sync::test::SyncFixture> m_fixture;
};

void TestOutbox::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<kassa::sync::test::SyncFixture>();
    KASSA_SET_UP_FIXTURE(*m_fixture, backend);
}

void TestOutbox::cleanup()
{
    m_fixture.reset();
}

OutboxResult TestOutbox::submitAndWait(Outbox &outbox, const QString &orderRef,
                                       const kassa::stripe::StripeRequest &request)
{
    std::optional<OutboxResult> result;
    outbox.submit(QString::fromLatin1(Outbox::OpCreatePayment), request, orderRef,
                  [&result](const OutboxResult &r) { result = r; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 60'000))
        return {};
    return *result;
}

RecoveryReport TestOutbox::recoverAndWait(Outbox &outbox)
{
    std::optional<RecoveryReport> report;
    outbox.recover([&report](const RecoveryReport &r) { report = r; });
    if (!QTest::qWaitFor([&] { return report.has_value(); }, 80'000))
        return {};
    return *report;
}

// Every reply lost after the simulator committed, and none retried: each sale ends unknown, its row
// pending. The faults, for a test to change further.
kassa::sim::Faults TestOutbox::loseEveryReply()
{
    m_fixture->client->setMaxRetries(0);
    kassa::sim::Faults faults;
    faults.dropAfterCommitRate = 1.0;
    m_fixture->simulator->setFaults(faults);
    return faults;
}

void TestOutbox::decodeFormRoundTrips()
{
    const kassa::stripe::StripeRequest request = sale(u"ORD 1&2=3 ü"_s);
    kassa::store::OutboxEntry entry;
    entry.method = u"POST"_s;
    entry.path = request.path;
    entry.params = request.params.encode();
    entry.idempotencyKey = u"k1"_s;
    const kassa::stripe::StripeRequest rebuilt = Outbox::requestFor(entry);
    QCOMPARE(rebuilt.params.encode(), request.params.encode());
    QCOMPARE(rebuilt.params.items(), request.params.items());
    QCOMPARE(rebuilt.idempotencyKey, u"k1"_s);
    QCOMPARE(rebuilt.method, kassa::stripe::StripeRequest::Method::Post);
}

void TestOutbox::submitSendsAndRecordsInTheStore()
{
    Outbox outbox(*m_fixture->db, *m_fixture->client);
    const OutboxResult result = submitAndWait(outbox, u"ORD-1"_s, sale(u"ORD-1"_s));
    QCOMPARE(OutboxResult::outcomeName(result.outcome), u"done"_s);
    QVERIFY(result.entry.objectId.startsWith(u"pi_"_s));
    QCOMPARE(result.response.json.value(u"status"_s).toString(), u"succeeded"_s);

    kassa::store::OutboxRepository rows(*m_fixture->db);
    const auto row = rows.findByKey(result.entry.idempotencyKey);
    QVERIFY(row.ok() && row.value().has_value());
    QCOMPARE(row.value()->state, kassa::store::OutboxState::Done);
    QCOMPARE(row.value()->objectId, result.entry.objectId);

    kassa::store::PaymentRepository payments(*m_fixture->db);
    const auto stored = payments.rawJson(result.entry.objectId);
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->value(u"status"_s).toString(), u"succeeded"_s);
}

void TestOutbox::secondAttemptForAnOrderIsNotSent()
{
    Outbox outbox(*m_fixture->db, *m_fixture->client);
    const OutboxResult first = submitAndWait(outbox, u"ORD-2"_s, sale(u"ORD-2"_s));
    QCOMPARE(first.outcome, OutboxResult::Outcome::Done);
    const OutboxResult second = submitAndWait(outbox, u"ORD-2"_s, sale(u"ORD-2"_s, 999));
    QCOMPARE(OutboxResult::outcomeName(second.outcome), u"earlier"_s);
    QCOMPARE(second.entry.idempotencyKey, first.entry.idempotencyKey);
    QCOMPARE(second.entry.objectId, first.entry.objectId);
    QCOMPARE(second.response.httpStatus, 0); // nothing was sent
    QCOMPARE(succeededByOrderRef(*m_fixture->client).value(u"ORD-2"_s).size(), 1);
}

void TestOutbox::declineFailsTheRowAndAllowsANewAttempt()
{
    Outbox outbox(*m_fixture->db, *m_fixture->client);
    const OutboxResult declined =
        submitAndWait(outbox, u"ORD-3"_s, sale(u"ORD-3"_s, 1250, u"pm_card_visa_chargeDeclined"_s));
    QCOMPARE(OutboxResult::outcomeName(declined.outcome), u"failed"_s);
    QCOMPARE(declined.response.error.kind, kassa::stripe::StripeError::Kind::Card);
    QCOMPARE(declined.entry.state, kassa::store::OutboxState::Failed);
    const OutboxResult retried = submitAndWait(outbox, u"ORD-3"_s, sale(u"ORD-3"_s));
    QCOMPARE(OutboxResult::outcomeName(retried.outcome), u"done"_s);
    QVERIFY(retried.entry.idempotencyKey != declined.entry.idempotencyKey);
}

void TestOutbox::lostReplyStaysPendingAndRecoverFinishesIt()
{
    loseEveryReply();
    Outbox::Options options;
    options.staleAfterSeconds = 0;
    Outbox outbox(*m_fixture->db, *m_fixture->client, options);
    const OutboxResult lost = submitAndWait(outbox, u"ORD-4"_s, sale(u"ORD-4"_s));
    QCOMPARE(OutboxResult::outcomeName(lost.outcome), u"unknown"_s);
    kassa::store::OutboxRepository rows(*m_fixture->db);
    QCOMPARE(rows.findByKey(lost.entry.idempotencyKey).value()->state, kassa::store::OutboxState::Pending);
    // The order has a pending attempt: a new one is refused.
    QCOMPARE(submitAndWait(outbox, u"ORD-4"_s, sale(u"ORD-4"_s)).outcome, OutboxResult::Outcome::Earlier);

    m_fixture->simulator->setFaults({});
    const RecoveryReport report = recoverAndWait(outbox);
    QCOMPARE(report.claimed, 1);
    QCOMPARE(report.done, 1);
    QCOMPARE(report.stillPending, 0);
    QCOMPARE(report.rows.size(), 1);
    QVERIFY(report.rows.first().response.idempotentReplayed);
    const QStringList ids = succeededByOrderRef(*m_fixture->client).value(u"ORD-4"_s);
    QCOMPARE(ids.size(), 1);
    QCOMPARE(rows.findByKey(lost.entry.idempotencyKey).value()->objectId, ids.first());
}

void TestOutbox::oldRowIsLookedUpInsteadOfSentAgain()
{
    kassa::sim::Faults faults = loseEveryReply();
    Outbox::Options options;
    options.staleAfterSeconds = 0;
    Outbox outbox(*m_fixture->db, *m_fixture->client, options);
    const OutboxResult lost = submitAndWait(outbox, u"OLD-1"_s, sale(u"OLD-1"_s));
    QCOMPARE(lost.outcome, OutboxResult::Outcome::Unknown);
    // An unanswered row whose first send never reached Stripe, too.
    faults.dropAfterCommitRate = 0;
    faults.error500Rate = 1.0;
    m_fixture->simulator->setFaults(faults);
    const OutboxResult never = submitAndWait(outbox, u"OLD-2"_s, sale(u"OLD-2"_s));
    QCOMPARE(never.outcome, OutboxResult::Outcome::Unknown);
    m_fixture->simulator->setFaults({});

    // A day later (by the store's clock): the keys may be gone at Stripe.
    m_fixture->db->setClock([] { return QDateTime::currentSecsSinceEpoch() + 25 * 3600; });
    const RecoveryReport report = recoverAndWait(outbox);
    QCOMPARE(report.done, 2);
    QCOMPARE(report.stillPending, 0);
    for (const OutboxResult &row : report.rows) {
        if (row.entry.orderRef == u"OLD-1"_s) {
            QVERIFY(row.foundByLookup); // found at Stripe, not sent again
            QVERIFY(!row.response.idempotentReplayed);
        } else {
            QVERIFY(!row.foundByLookup); // nothing found: sent
        }
    }
    const QHash<QString, QStringList> byOrder = succeededByOrderRef(*m_fixture->client);
    QCOMPARE(byOrder.value(u"OLD-1"_s).size(), 1);
    QCOMPARE(byOrder.value(u"OLD-2"_s).size(), 1);
    kassa::store::OutboxRepository rows(*m_fixture->db);
    QCOMPARE(rows.findByKey(lost.entry.idempotencyKey).value()->objectId, byOrder.value(u"OLD-1"_s).first());
}

void TestOutbox::chaosSalesExactlyOnce()
{
    constexpr int Sales = 200;
    kassa::sim::Faults faults;
    faults.dropAfterCommitRate = 0.3;
    faults.error500Rate = 0.1;
    faults.rateLimit429Rate = 0.1;
    faults.seed = 4242;
    m_fixture->simulator->setFaults(faults);
    m_fixture->client->setTimeoutMs(20'000);

    Outbox::Options options;
    options.staleAfterSeconds = 0;
    options.maxRounds = 20;
    Outbox outbox(*m_fixture->db, *m_fixture->client, options);
    int answered = 0;
    QHash<OutboxResult::Outcome, int> outcomes;
    for (int i = 0; i < Sales; ++i) {
        const QString ref = u"CHAOS-%1"_s.arg(i);
        outbox.submit(QString::fromLatin1(Outbox::OpCreatePayment), sale(ref, 1000 + i), ref,
                      [&](const OutboxResult &r) {
                          ++outcomes[r.outcome];
                          ++answered;
                      });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, Sales, 60'000);
    QCOMPARE(outcomes.value(OutboxResult::Outcome::Failed), 0);
    QCOMPARE(outcomes.value(OutboxResult::Outcome::StoreError), 0);
    qInfo() << "before recovery: done" << outcomes.value(OutboxResult::Outcome::Done) << "unknown"
            << outcomes.value(OutboxResult::Outcome::Unknown);

    const RecoveryReport report = recoverAndWait(outbox);
    QVERIFY2(report.storeError.isEmpty(), qPrintable(report.storeError));
    qInfo() << "recovery: rounds" << report.rounds << "sends" << report.claimed << "done" << report.done
            << "still pending" << report.stillPending;
    QCOMPARE(report.stillPending, 0);
    QCOMPARE(report.failed, 0);

    m_fixture->simulator->setFaults({});
    const QHash<QString, QStringList> byOrder = succeededByOrderRef(*m_fixture->client);
    QCOMPARE(byOrder.size(), Sales);
    kassa::store::PaymentRepository payments(*m_fixture->db);
    kassa::store::OutboxRepository rows(*m_fixture->db);
    for (int i = 0; i < Sales; ++i) {
        const QString ref = u"CHAOS-%1"_s.arg(i);
        const QStringList ids = byOrder.value(ref);
        QVERIFY2(ids.size() == 1, qPrintable(ref + u": "_s + ids.join(u',')));
        const auto attempts = rows.findByOrderRef(ref);
        QVERIFY(attempts.ok());
        QCOMPARE(attempts.value().size(), 1);
        QCOMPARE(attempts.value().first().state, kassa::store::OutboxState::Done);
        QCOMPARE(attempts.value().first().objectId, ids.first());
        const auto stored = payments.rawJson(ids.first());
        QVERIFY(stored.ok() && stored.value().has_value());
        QCOMPARE(stored.value()->value(u"status"_s).toString(), u"succeeded"_s);
    }
    kassa::store::PaymentFilter succeeded;
    succeeded.statuses = {u"succeeded"_s};
    QCOMPARE(payments.count(succeeded).valueOr(-1), qint64(Sales));
}

void TestOutbox::concurrentRecoveryOnTwoConnections()
{
    constexpr int Sales = 40;
    kassa::sim::Faults faults = loseEveryReply();
    Outbox::Options options;
    options.staleAfterSeconds = 0;
    Outbox writer(*m_fixture->db, *m_fixture->client, options);
    int answered = 0;
    for (int i = 0; i < Sales; ++i) {
        const QString ref = u"TWO-%1"_s.arg(i);
        writer.submit(QString::fromLatin1(Outbox::OpCreatePayment), sale(ref, 500 + i), ref,
                      [&answered](const OutboxResult &r) {
                          QCOMPARE(r.outcome, OutboxResult::Outcome::Unknown);
                          ++answered;
                      });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, Sales, 30'000);
    // Two tills (two connections, two owners) recover the same rows at once, under lighter faults.
    faults.dropAfterCommitRate = 0.3;
    faults.error500Rate = 0.1;
    m_fixture->simulator->setFaults(faults);
    auto other = m_fixture->store.open();
    QVERIFY(other.ok());
    std::unique_ptr<kassa::store::Database> otherDb = std::move(other).value();
    {
        // A claim gives at most `limit` rows, also on PostgreSQL.
        kassa::store::OutboxRepository probe(*otherDb);
        const auto claimed = probe.claim(u"probe"_s, 1, 0);
        QVERIFY(claimed.ok());
        for (const kassa::store::OutboxEntry &entry : claimed.value())
            QVERIFY(probe.release(entry.id, u"probe"_s).valueOr(false));
        QCOMPARE(claimed.value().size(), 1);
    }
    Outbox::Options first = options;
    first.owner = u"till-1"_s;
    first.maxRounds = 30;
    first.batchSize = 5;           // small rounds, so that the two interleave
    first.staleAfterSeconds = 300; // a row being sent by the other till is left to it
    Outbox::Options second = first;
    second.owner = u"till-2"_s;
    Outbox a(*m_fixture->db, *m_fixture->client, first);
    Outbox b(*otherDb, *m_fixture->client, second);
    std::optional<RecoveryReport> reportA;
    std::optional<RecoveryReport> reportB;
    a.recover([&reportA](const RecoveryReport &r) { reportA = r; });
    b.recover([&reportB](const RecoveryReport &r) { reportB = r; });
    QTRY_VERIFY_WITH_TIMEOUT(reportA && reportB, 80'000);
    QVERIFY2(reportA->storeError.isEmpty() && reportB->storeError.isEmpty(),
             qPrintable(reportA->storeError + reportB->storeError));
    qInfo() << "till-1 sent" << reportA->claimed << "done" << reportA->done << "; till-2 sent"
            << reportB->claimed << "done" << reportB->done;
    QCOMPARE(reportA->done + reportB->done, Sales);
    kassa::store::OutboxRepository rows(*m_fixture->db);
    QCOMPARE(rows.countInState(kassa::store::OutboxState::Pending).valueOr(-1), qint64(0));
    QCOMPARE(rows.countInState(kassa::store::OutboxState::Sending).valueOr(-1), qint64(0));
    QCOMPARE(rows.countInState(kassa::store::OutboxState::Done).valueOr(-1), qint64(Sales));

    m_fixture->simulator->setFaults({});
    const QHash<QString, QStringList> byOrder = succeededByOrderRef(*m_fixture->client);
    QCOMPARE(byOrder.size(), Sales);
    for (const QStringList &ids : byOrder)
        QCOMPARE(ids.size(), 1);
}

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
