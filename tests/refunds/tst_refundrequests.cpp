// SPDX-License-Identifier: GPL-3.0-or-later
// Refund approval against the in-process simulator: a cashier's request waits for a manager, who
// approves or rejects it; the refund Stripe makes carries the request and its people in metadata, and
// the request follows it. Permissions per role, the owner's threshold, amounts, two deciders at once,
// a crash between the approval and the send, and Stripe refusing the refund.
#include "services/refunds/refundrequestservice.h"
#include "services/security/auditlog.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrequestrepository.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/refunds.h"
#include "synctestsupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace Qt::StringLiterals;
using kassa::Money;
using kassa::Role;
using kassa::refunds::RefundRequestOutcome;
using kassa::refunds::RefundRequestService;
using kassa::security::ActingUser;
using kassa::store::RefundRequestRow;

namespace {

const ActingUser Cashier{11, u"cara"_s, Role::Cashier, u"till-1"_s};
const ActingUser Manager{12, u"max"_s, Role::Manager, u"till-2"_s};
const ActingUser SecondManager{13, u"mia"_s, Role::Manager, u"till-3"_s};
const ActingUser Owner{14, u"olga"_s, Role::Owner, u"till-1"_s};

Money usd(qint64 minor)
{
    return Money(minor, kassa::Currency::fromCode(u"usd"_s).value());
}

} // namespace

class TestRefundRequests : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { kassa::store::test::addBackendData(); }
    void init();
    void cleanup();

    void cashierRequestWaitsForManager();
    void managerApprovesAndStripeRefunds();
    void managerRejectsWithReason();
    void permissionsPerRole();
    void directRefundByManager();
    void ownerThreshold();
    void amounts();
    void twoDecidersAtOnce();
    void crashBetweenApprovalAndSend();
    void stripeRefusesTheRefund();

private:
    kassa::stripe::StripeResponse call(const kassa::stripe::StripeRequest &request);
    QString paidPayment(qint64 amount);
    RefundRequestOutcome requestRefund(const ActingUser &actor,
                                       const RefundRequestService::NewRequest &request);
    RefundRequestOutcome approve(const ActingUser &actor, const QString &id);
    QList<QJsonObject> simRefunds(const QString &paymentIntentId);

    std::unique_ptr<kassa::sync::test::TillFixture> m_fixture;
    std::unique_ptr<kassa::security::AuditLog> m_audit;
    std::unique_ptr<RefundRequestService> m_service;
};

void TestRefundRequests::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<kassa::sync::test::TillFixture>();
    KASSA_SET_UP_FIXTURE(*m_fixture, backend);
    m_audit = std::make_unique<kassa::security::AuditLog>(*m_fixture->db, u"till-1"_s);
    m_service = std::make_unique<RefundRequestService>(*m_fixture->db, *m_fixture->outbox, *m_audit);
}

void TestRefundRequests::cleanup()
{
    m_service.reset();
    m_audit.reset();
    m_fixture.reset();
}

kassa::stripe::StripeResponse TestRefundRequests::call(const kassa::stripe::StripeRequest &request)
{
    return m_fixture->call(request, 30'000);
}

// A succeeded card payment at the simulator, written to the store as a sync would.
QString TestRefundRequests::paidPayment(qint64 amount)
{
    kassa::stripe::PaymentIntents::CreateParams params;
    params.amount = usd(amount);
    params.paymentMethodId = u"pm_card_visa"_s;
    params.confirm = true;
    params.description = u"Espresso machine"_s;
    params.expand = {u"latest_charge"_s};
    const kassa::stripe::StripeResponse response = call(kassa::stripe::PaymentIntents::create(params));
    if (!response.ok() || response.json.value(u"status"_s).toString() != u"succeeded"_s) {
        qWarning() << "payment failed" << response.error.toString() << response.json;
        return {};
    }
    const auto written =
        kassa::store::StoreIngest(*m_fixture->db).upsert(response.json, m_fixture->db->now());
    if (!written.ok()) {
        qWarning() << written.error().toString();
        return {};
    }
    return response.json.value(u"id"_s).toString();
}

RefundRequestOutcome TestRefundRequests::requestRefund(const ActingUser &actor,
                                                       const RefundRequestService::NewRequest &request)
{
    std::optional<RefundRequestOutcome> out;
    m_service->request(actor, request, [&out](const RefundRequestOutcome &o) { out = o; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 30'000))
        return {};
    return *out;
}

RefundRequestOutcome TestRefundRequests::approve(const ActingUser &actor, const QString &id)
{
    std::optional<RefundRequestOutcome> out;
    m_service->approve(actor, id, [&out](const RefundRequestOutcome &o) { out = o; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 30'000))
        return {};
    return *out;
}

QList<QJsonObject> TestRefundRequests::simRefunds(const QString &paymentIntentId)
{
    const kassa::stripe::StripeResponse response = call(kassa::stripe::Refunds::list(paymentIntentId));
    QList<QJsonObject> refunds;
    for (const QJsonValue &refund : response.json.value(u"data"_s).toArray())
        refunds << refund.toObject();
    return refunds;
}

void TestRefundRequests::cashierRequestWaitsForManager()
{
    const QString pi = paidPayment(2500);
    QVERIFY(!pi.isEmpty());
    QSignalSpy changed(m_service.get(), &RefundRequestService::requestChanged);
    const RefundRequestOutcome outcome = requestRefund(
        Cashier, {pi, std::nullopt, kassa::RefundReason::RequestedByCustomer, u"wrong colour"_s});
    QCOMPARE(outcome.kind, RefundRequestOutcome::Kind::Pending);
    QCOMPARE(outcome.request.amount, usd(2500)); // what is left, by default
    QCOMPARE(outcome.request.state, u"pending"_s);
    QCOMPARE(outcome.request.requestedBy, u"cara"_s);
    QCOMPARE(outcome.request.note, u"wrong colour"_s);
    QVERIFY(outcome.request.id.startsWith(u"rr_"_s));
    QCOMPARE(changed.count(), 1);
    // Nothing was sent to Stripe.
    QVERIFY(simRefunds(pi).isEmpty());

    // Every till sharing the store sees it in the queue: a second connection reads it.
    auto other = m_fixture->store.open();
    QVERIFY(other.ok());
    const auto seen = kassa::store::RefundRequestRepository(*other.value()).list({u"pending"_s});
    QVERIFY(seen.ok());
    QCOMPARE(seen.value().size(), 1);
    QCOMPARE(seen.value().first(), outcome.request);

    const auto pending = m_service->pending(Manager);
    QVERIFY(pending.ok());
    QCOMPARE(pending.value().size(), 1);
    // The open request holds the amount: nothing is left for a second one.
    const auto left = m_service->refundableAmount(Cashier, pi);
    QVERIFY(left.ok());
    QCOMPARE(left.value(), usd(0));
    QCOMPARE(requestRefund(Cashier, {pi, std::nullopt, kassa::RefundReason::None, {}}).kind,
             RefundRequestOutcome::Kind::Refused);
}

void TestRefundRequests::managerApprovesAndStripeRefunds()
{
    const QString pi = paidPayment(4000);
    QVERIFY(!pi.isEmpty());
    const RefundRequestOutcome requested =
        requestRefund(Cashier, {pi, 1500, kassa::RefundReason::Duplicate, u"charged twice"_s});
    QCOMPARE(requested.kind, RefundRequestOutcome::Kind::Pending);

    const RefundRequestOutcome approved = approve(Manager, requested.request.id);
    QCOMPARE(approved.kind, RefundRequestOutcome::Kind::Sent);
    QCOMPARE(approved.request.state, u"succeeded"_s);
    QCOMPARE(approved.request.decidedBy, u"max"_s);
    QVERIFY(approved.request.refundId.startsWith(u"re_"_s));
    QVERIFY2(approved.message.contains(approved.request.refundId), qPrintable(approved.message));

    // Stripe's refund carries the request and its people.
    const QList<QJsonObject> refunds = simRefunds(pi);
    QCOMPARE(refunds.size(), 1);
    const QJsonObject refund = refunds.first();
    QCOMPARE(refund.value(u"id"_s).toString(), approved.request.refundId);
    QCOMPARE(refund.value(u"amount"_s).toInteger(), 1500);
    QCOMPARE(refund.value(u"reason"_s).toString(), u"duplicate"_s);
    const QJsonObject metadata = refund.value(u"metadata"_s).toObject();
    QCOMPARE(metadata.value(u"kassa_request"_s).toString(), requested.request.id);
    QCOMPARE(metadata.value(u"requested_by"_s).toString(), u"cara"_s);
    QCOMPARE(metadata.value(u"approved_by"_s).toString(), u"max"_s);

    // The store's payment counts the refund; what is left is the rest.
    const auto left = m_service->refundableAmount(Cashier, pi);
    QVERIFY(left.ok());
    QCOMPARE(left.value(), usd(2500));

    // Approving again is refused and names who decided.
    const RefundRequestOutcome again = approve(SecondManager, requested.request.id);
    QCOMPARE(again.kind, RefundRequestOutcome::Kind::Refused);
    QVERIFY2(again.message.contains(u"max"_s), qPrintable(again.message));
    QCOMPARE(simRefunds(pi).size(), 1);

    // The audit log holds the request and the approval, and its chain is intact.
    const auto entries = m_audit->latest(0);
    QVERIFY(entries.ok());
    QStringList actions;
    for (const auto &entry : entries.value())
        actions << entry.action;
    QVERIFY2(actions.contains(u"refund.request"_s) && actions.contains(u"refund.approve"_s) &&
                 actions.contains(u"refund.result"_s),
             qPrintable(actions.join(u", "_s)));
    const auto verified = m_audit->verify();
    QVERIFY(verified.ok());
    QVERIFY2(verified.value().intact, qPrintable(verified.value().message()));
}

void TestRefundRequests::managerRejectsWithReason()
{
    const QString pi = paidPayment(1800);
    QVERIFY(!pi.isEmpty());
    const RefundRequestOutcome requested = requestRefund(Cashier, {pi, 800, kassa::RefundReason::None, {}});
    QCOMPARE(requested.kind, RefundRequestOutcome::Kind::Pending);

    QCOMPARE(m_service->reject(Manager, requested.request.id, u"  "_s).kind,
             RefundRequestOutcome::Kind::Refused);
    const RefundRequestOutcome rejected =
        m_service->reject(Manager, requested.request.id, u"item was used"_s);
    QCOMPARE(rejected.kind, RefundRequestOutcome::Kind::Rejected);
    QCOMPARE(rejected.request.state, u"rejected"_s);
    QCOMPARE(rejected.request.decisionReason, u"item was used"_s);
    QCOMPARE(rejected.request.decidedBy, u"max"_s);

    // A rejected request cannot be approved afterwards, and its amount is free again.
    QCOMPARE(approve(Owner, requested.request.id).kind, RefundRequestOutcome::Kind::Refused);
    QVERIFY(simRefunds(pi).isEmpty());
    const auto left = m_service->refundableAmount(Cashier, pi);
    QVERIFY(left.ok());
    QCOMPARE(left.value(), usd(1800));
    QCOMPARE(m_service->pending(Manager).value().size(), 0);
    QCOMPARE(m_service->history(Manager, 10).value().size(), 1);
}

void TestRefundRequests::permissionsPerRole()
{
    const QString pi = paidPayment(1000);
    QVERIFY(!pi.isEmpty());
    const RefundRequestOutcome requested = requestRefund(Cashier, {pi, 100, kassa::RefundReason::None, {}});
    QCOMPARE(requested.kind, RefundRequestOutcome::Kind::Pending);

    // A cashier may not decide, not even their own request; nobody may do anything.
    const RefundRequestOutcome byCashier = approve(Cashier, requested.request.id);
    QCOMPARE(byCashier.kind, RefundRequestOutcome::Kind::Refused);
    QCOMPARE(byCashier.error.kind, kassa::security::SecurityError::Kind::Refused);
    QCOMPARE(m_service->reject(Cashier, requested.request.id, u"no"_s).error.kind,
             kassa::security::SecurityError::Kind::Refused);
    QCOMPARE(requestRefund(ActingUser{}, {pi, 100, kassa::RefundReason::None, {}}).error.kind,
             kassa::security::SecurityError::Kind::Refused);
    QCOMPARE(m_service->pending(ActingUser{}).error().kind, kassa::security::SecurityError::Kind::Refused);
    QCOMPARE(m_service->setThreshold(Cashier, usd(100)).kind, kassa::security::SecurityError::Kind::Refused);
    QCOMPARE(m_service->setThreshold(Manager, usd(100)).kind, kassa::security::SecurityError::Kind::Refused);
    QCOMPARE(m_service->find(Cashier, requested.request.id).value()->state, u"pending"_s);
    QVERIFY(simRefunds(pi).isEmpty());

    // The owner may decide.
    QCOMPARE(approve(Owner, requested.request.id).kind, RefundRequestOutcome::Kind::Sent);
}

void TestRefundRequests::directRefundByManager()
{
    const QString pi = paidPayment(3000);
    QVERIFY(!pi.isEmpty());
    const RefundRequestOutcome outcome = requestRefund(Manager, {pi, 1000, kassa::RefundReason::None, {}});
    QCOMPARE(outcome.kind, RefundRequestOutcome::Kind::Sent);
    QCOMPARE(outcome.request.state, u"succeeded"_s);
    QCOMPARE(outcome.request.decidedBy, u"max"_s);
    const QList<QJsonObject> refunds = simRefunds(pi);
    QCOMPARE(refunds.size(), 1);
    QCOMPARE(refunds.first().value(u"metadata"_s).toObject().value(u"approved_by"_s).toString(), u"max"_s);
}

void TestRefundRequests::ownerThreshold()
{
    const QString pi = paidPayment(5000);
    QVERIFY(!pi.isEmpty());
    QVERIFY(!m_service->threshold().value().has_value()); // none by default
    QVERIFY(!m_service->setThreshold(Owner, usd(500)).isError());
    QCOMPARE(m_service->threshold().value(), std::optional<Money>(usd(500)));

    const RefundRequestOutcome small = requestRefund(Cashier, {pi, 500, kassa::RefundReason::None, {}});
    QCOMPARE(small.kind, RefundRequestOutcome::Kind::Sent);
    QCOMPARE(small.request.decidedBy, u"threshold"_s);
    QCOMPARE(small.request.state, u"succeeded"_s);

    const RefundRequestOutcome large = requestRefund(Cashier, {pi, 501, kassa::RefundReason::None, {}});
    QCOMPARE(large.kind, RefundRequestOutcome::Kind::Pending);
    QCOMPARE(simRefunds(pi).size(), 1);

    // Another currency's refunds are not covered by a threshold in dollars.
    QVERIFY(!m_service->setThreshold(Owner, Money(100000, kassa::Currency::fromCode(u"eur"_s).value()))
                 .isError());
    QCOMPARE(requestRefund(Cashier, {pi, 100, kassa::RefundReason::None, {}}).kind,
             RefundRequestOutcome::Kind::Pending);
    QVERIFY(!m_service->setThreshold(Owner, std::nullopt).isError());
    QVERIFY(!m_service->threshold().value().has_value());
}

void TestRefundRequests::amounts()
{
    const QString pi = paidPayment(1000);
    QVERIFY(!pi.isEmpty());
    QCOMPARE(requestRefund(Cashier, {pi, 0, kassa::RefundReason::None, {}}).kind,
             RefundRequestOutcome::Kind::Refused);
    QCOMPARE(requestRefund(Cashier, {pi, -5, kassa::RefundReason::None, {}}).kind,
             RefundRequestOutcome::Kind::Refused);
    const RefundRequestOutcome tooMuch = requestRefund(Cashier, {pi, 1001, kassa::RefundReason::None, {}});
    QCOMPARE(tooMuch.kind, RefundRequestOutcome::Kind::Refused);
    QVERIFY2(tooMuch.message.contains(u"more than"_s), qPrintable(tooMuch.message));
    QCOMPARE(requestRefund(Cashier, {pi, 600, kassa::RefundReason::None, {}}).kind,
             RefundRequestOutcome::Kind::Pending);
    // 400 left while the first request is open.
    QCOMPARE(requestRefund(Cashier, {pi, 401, kassa::RefundReason::None, {}}).kind,
             RefundRequestOutcome::Kind::Refused);
    const RefundRequestOutcome rest =
        requestRefund(Cashier, {pi, std::nullopt, kassa::RefundReason::None, {}});
    QCOMPARE(rest.kind, RefundRequestOutcome::Kind::Pending);
    QCOMPARE(rest.request.amount, usd(400));
    // Unknown payments and payments that did not succeed have nothing to refund.
    const RefundRequestOutcome unknown =
        requestRefund(Cashier, {u"pi_notinthestore"_s, 100, kassa::RefundReason::None, {}});
    QCOMPARE(unknown.error.kind, kassa::security::SecurityError::Kind::NotFound);
}

// Two tills decide the same requests at the same moment, each on its own connection: every request gets
// exactly one decision.
void TestRefundRequests::twoDecidersAtOnce()
{
    const QString pi = paidPayment(9000);
    QVERIFY(!pi.isEmpty());
    QStringList ids;
    for (int i = 0; i < 30; ++i) {
        const RefundRequestOutcome requested =
            requestRefund(Cashier, {pi, 100, kassa::RefundReason::None, {}});
        QCOMPARE(requested.kind, RefundRequestOutcome::Kind::Pending);
        ids << requested.request.id;
    }
    std::atomic<int> wins[2] = {0, 0};
    std::atomic<int> errors = 0;
    std::atomic<bool> go = false;
    auto decider = [&](int who) {
        auto db = m_fixture->store.open(20'000);
        if (!db.ok()) {
            ++errors;
            return;
        }
        while (!go.load())
            QThread::yieldCurrentThread();
        for (const QString &id : std::as_const(ids)) {
            const auto won =
                kassa::store::RefundRequestRepository(*db.value())
                    .decide(id, who == 0 ? u"approved"_s : u"rejected"_s, who == 0 ? u"max"_s : u"mia"_s, 1,
                            QString(), RefundRequestService::idempotencyKeyFor(id));
            if (!won.ok())
                ++errors;
            else if (won.value())
                ++wins[who];
        }
    };
    std::unique_ptr<QThread> first(QThread::create(decider, 0));
    std::unique_ptr<QThread> second(QThread::create(decider, 1));
    first->start();
    second->start();
    go = true;
    QVERIFY(first->wait(60'000));
    QVERIFY(second->wait(60'000));
    QCOMPARE(errors.load(), 0);
    QCOMPARE(wins[0].load() + wins[1].load(), int(ids.size()));
    const auto rows = kassa::store::RefundRequestRepository(*m_fixture->db).list({});
    QVERIFY(rows.ok());
    int approved = 0;
    for (const RefundRequestRow &row : rows.value()) {
        QVERIFY(row.state == u"approved"_s || row.state == u"rejected"_s);
        QCOMPARE(row.decidedBy, row.state == u"approved"_s ? u"max"_s : u"mia"_s);
        approved += row.state == u"approved"_s;
    }
    QCOMPARE(approved, wins[0].load());
}

// The approval committed, then the till died before the refund reached the outbox: resume() sends it,
// and sending it again (a second till resuming too) makes no second refund.
void TestRefundRequests::crashBetweenApprovalAndSend()
{
    const QString pi = paidPayment(2000);
    QVERIFY(!pi.isEmpty());
    const RefundRequestOutcome requested = requestRefund(Cashier, {pi, 700, kassa::RefundReason::None, {}});
    QCOMPARE(requested.kind, RefundRequestOutcome::Kind::Pending);
    const QString id = requested.request.id;
    const auto decided = kassa::store::RefundRequestRepository(*m_fixture->db)
                             .decide(id, u"approved"_s, u"max"_s, m_fixture->db->now(), QString(),
                                     RefundRequestService::idempotencyKeyFor(id));
    QVERIFY(decided.ok() && decided.value());

    std::optional<int> sent;
    m_service->resume([&sent](int n) { sent = n; });
    QVERIFY(QTest::qWaitFor([&] { return sent.has_value(); }, 30'000));
    QCOMPARE(*sent, 1);
    const auto row = kassa::store::RefundRequestRepository(*m_fixture->db).find(id);
    QVERIFY(row.ok() && row.value());
    QCOMPARE(row.value()->state, u"succeeded"_s);
    QCOMPARE(simRefunds(pi).size(), 1);

    // Nothing left to resume; and the same request sent again by hand reuses the key: still one refund.
    sent.reset();
    m_service->resume([&sent](int n) { sent = n; });
    QVERIFY(QTest::qWaitFor([&] { return sent.has_value(); }, 30'000));
    QCOMPARE(*sent, 0);
    kassa::stripe::Refunds::CreateParams params;
    params.paymentIntentId = pi;
    params.amount = 700;
    params.metadata = {{u"kassa_request"_s, id},
                       {u"requested_by"_s, u"cara"_s},
                       {u"approved_by"_s, u"max"_s},
                       {u"kassa_till"_s, u"till-1"_s}};
    const kassa::stripe::StripeResponse replay =
        call(kassa::stripe::Refunds::create(params, RefundRequestService::idempotencyKeyFor(id)));
    QVERIFY2(replay.ok(), qPrintable(replay.error.toString()));
    QCOMPARE(replay.json.value(u"id"_s).toString(), row.value()->refundId);
    QCOMPARE(simRefunds(pi).size(), 1);
}

// The store believes more is left than Stripe does (a refund made elsewhere, not synced yet): Stripe
// refuses the approved refund, and the request says so.
void TestRefundRequests::stripeRefusesTheRefund()
{
    const QString pi = paidPayment(1200);
    QVERIFY(!pi.isEmpty());
    kassa::stripe::Refunds::CreateParams elsewhere;
    elsewhere.paymentIntentId = pi;
    QVERIFY(
        call(kassa::stripe::Refunds::create(elsewhere)).ok()); // the whole amount, behind the store's back
    const RefundRequestOutcome requested = requestRefund(Cashier, {pi, 1200, kassa::RefundReason::None, {}});
    QCOMPARE(requested.kind, RefundRequestOutcome::Kind::Pending);
    const RefundRequestOutcome approved = approve(Manager, requested.request.id);
    QCOMPARE(approved.kind, RefundRequestOutcome::Kind::Failed);
    QCOMPARE(approved.request.state, u"failed"_s);
    QVERIFY(!approved.request.failureReason.isEmpty());
    QVERIFY2(approved.message.contains(u"refused"_s), qPrintable(approved.message));
    QCOMPARE(simRefunds(pi).size(), 1);
}

QTEST_GUILESS_MAIN(TestRefundRequests)
#include "tst_refundrequests.moc"
