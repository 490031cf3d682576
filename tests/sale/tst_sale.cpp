// SPDX-License-Identifier: GPL-3.0-or-later
// Sales against the in-process simulator: every way to pay, declines in words, 3-D Secure, the reader
// with its cancel races, the Checkout QR, and the order's payment exactly once through double clicks,
// lost answers and restarts.
#include "services/sale/saleservice.h"
#include "services/security/auditlog.h"
#include "services/store/outboxrepository.h"
#include "services/store/paymentrepository.h"
#include "services/stripe/declinemessages.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/resources/paymentmethods.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/sync/outbox.h"
#include "sim/faults.h"
#include "synctestsupport.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using kassa::sale::Sale;
using kassa::sale::SaleContext;
using kassa::sale::SaleOptions;
using kassa::sale::SaleOrder;
using kassa::sale::SaleResult;
using kassa::sale::SaleService;

namespace {

const kassa::security::ActingUser Ada{7, u"ada"_s, kassa::Role::Cashier, u"till-7"_s};
const SaleContext Till{u"till-7"_s, u"Ada"_s, Ada};

SaleOrder order(qint64 amount, const QString &description = u"Coffee beans"_s, const QString &customer = {})
{
    return SaleOrder{kassa::Money(amount, kassa::Currency::fromCode(u"usd"_s).value()), description,
                     customer};
}

} // namespace

class TestSale : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { kassa::store::test::addBackendData(); }
    void init();
    void cleanup();

    void testCardApproved();
    void testCardDeclined_data();
    void testCardDeclined();
    void threeDSecure_data();
    void threeDSecure();
    void savedCard();
    void readerSale();
    void readerDeclineThenRetry();
    void readerCancel();
    void readerCancelRacingSuccess();
    void readerBusy();
    void readerCanceledOnTheReader();
    void checkoutCompleted();
    void checkoutExpiredOnCancel();
    void doubleSubmitChargesOnce();
    void connectionDropThenRecover();
    void restartMidSaleResumes();
    void unknownIsCheckedAgainByItself();
    void permissionSeamRefuses();
    void nobodyMayNotSell();

private:
    SaleService &service(const SaleOptions &options = fastOptions());
    static SaleOptions fastOptions();
    kassa::stripe::StripeResponse call(const kassa::stripe::StripeRequest &request);
    bool waitFor(Sale &sale, Sale::State state, int timeoutMs = 20'000);
    QString readerId();
    QStringList intentsOfOrder(const QString &orderRef, const QString &status = {});
    QString storedStatus(const QString &paymentIntentId);

    std::unique_ptr<kassa::sync::test::TillFixture> m_fixture;
    std::unique_ptr<SaleService> m_service;
};

void TestSale::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<kassa::sync::test::TillFixture>();
    kassa::sync::Outbox::Options options;
    options.staleAfterSeconds = 0; // a restarted till takes over its own unanswered rows at once
    KASSA_SET_UP_FIXTURE(*m_fixture, backend, options);
}

void TestSale::cleanup()
{
    m_service.reset();
    m_fixture.reset();
}

SaleOptions TestSale::fastOptions()
{
    SaleOptions options = kassa::sync::test::fastSaleOptions();
    options.earlierAttemptWaitMs = 5000;
    return options;
}

SaleService &TestSale::service(const SaleOptions &options)
{
    m_service =
        std::make_unique<SaleService>(*m_fixture->db, *m_fixture->client, *m_fixture->outbox, options);
    return *m_service;
}

kassa::stripe::StripeResponse TestSale::call(const kassa::stripe::StripeRequest &request)
{
    return m_fixture->call(request, 30'000);
}

bool TestSale::waitFor(Sale &sale, Sale::State state, int timeoutMs)
{
    return kassa::sync::test::waitForSale(sale, state, timeoutMs);
}

QString TestSale::readerId()
{
    return m_fixture->readerId(30'000);
}

QStringList TestSale::intentsOfOrder(const QString &orderRef, const QString &status)
{
    QStringList ids;
    for (const QJsonObject &pi : kassa::sync::test::listAll(*m_fixture->client, u"/v1/payment_intents"_s)) {
        if (pi.value(u"metadata"_s).toObject().value(u"order_ref"_s).toString() != orderRef)
            continue;
        if (status.isEmpty() || pi.value(u"status"_s).toString() == status)
            ids.append(pi.value(u"id"_s).toString());
    }
    return ids;
}

QString TestSale::storedStatus(const QString &paymentIntentId)
{
    kassa::store::PaymentRepository payments(*m_fixture->db);
    const auto stored = payments.rawJson(paymentIntentId);
    if (!stored.ok() || !stored.value())
        return {};
    return stored.value()->value(u"status"_s).toString();
}

// --- Cards ----------------------------------------------------------------------------------------------

void TestSale::testCardApproved()
{
    std::unique_ptr<Sale> sale = service().start(Till, order(1250));
    QVERIFY(sale);
    QVERIFY(sale->orderRef().startsWith(u"till-7-"_s));
    QSignalSpy states(sale.get(), &Sale::stateChanged);
    QVERIFY(sale->payWithTestCard(u"pm_card_visa"_s));
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    const SaleResult &result = sale->result();
    QCOMPARE(SaleResult::outcomeName(result.outcome), u"approved"_s);
    QCOMPARE(result.amount.minorUnits(), 1250);
    QCOMPARE(result.brand, u"visa"_s);
    QCOMPARE(result.last4, u"4242"_s);
    QVERIFY(result.paymentIntentId.startsWith(u"pi_"_s));
    QVERIFY(sale->isFinal());
    QVERIFY(!sale->payWithTestCard(u"pm_card_visa"_s)); // finished: nothing more is charged
    QVERIFY(!states.isEmpty());

    // The store has it with the till and the cashier.
    kassa::store::PaymentRepository payments(*m_fixture->db);
    const auto stored = payments.rawJson(result.paymentIntentId);
    QVERIFY(stored.ok() && stored.value());
    QCOMPARE(stored.value()->value(u"status"_s).toString(), u"succeeded"_s);
    const QJsonObject metadata = stored.value()->value(u"metadata"_s).toObject();
    QCOMPARE(metadata.value(u"order_ref"_s).toString(), sale->orderRef());
    QCOMPARE(metadata.value(u"kassa_till"_s).toString(), u"till-7"_s);
    QCOMPARE(metadata.value(u"kassa_cashier"_s).toString(), u"Ada"_s);
    QCOMPARE(intentsOfOrder(sale->orderRef()).size(), 1);

    // The audit log has the sale as Ada's, with its outcome and card, and the chain holds.
    kassa::security::AuditLog audit(*m_fixture->db, u"till-7"_s);
    const auto entries = audit.latest(0);
    QVERIFY(entries.ok());
    QVERIFY(!entries.value().isEmpty());
    const kassa::security::AuditEntry &last = entries.value().constLast();
    QCOMPARE(last.action, u"sale.approved"_s);
    QCOMPARE(last.userName, u"ada"_s);
    QVERIFY(last.objectIds().contains(result.paymentIntentId));
    QCOMPARE(last.details().value(u"last4"_s).toString(), u"4242"_s);
    QVERIFY(audit.verify().value().intact);
}

void TestSale::testCardDeclined_data()
{
    QTest::addColumn<QString>("card");
    QTest::addColumn<QString>("declineCode");

    QTest::newRow("declined") << u"pm_card_visa_chargeDeclined"_s << u"generic_decline"_s;
    QTest::newRow("insufficient funds")
        << u"pm_card_visa_chargeDeclinedInsufficientFunds"_s << u"insufficient_funds"_s;
}

void TestSale::testCardDeclined()
{
    QFETCH(QString, card);
    QFETCH(QString, declineCode);

    std::unique_ptr<Sale> sale = service().start(Till, order(2000));
    QVERIFY(sale->payWithTestCard(card));
    QVERIFY(waitFor(*sale, Sale::State::Declined));
    const SaleResult &result = sale->result();
    QCOMPARE(result.declineCode, declineCode);
    const auto advice = kassa::stripe::DeclineMessages::forCode(declineCode);
    QCOMPARE(result.reason, advice.reason);
    QCOMPARE(result.nextStep, advice.nextStep);
    QVERIFY(!result.reason.contains(declineCode)); // words, not codes
    if (declineCode == u"insufficient_funds"_s)
        QVERIFY(result.reason.contains(u"insufficient funds"_s));
    QCOMPARE(result.amount.minorUnits(), 2000);

    // Another card for the same sale: the declined attempt charged nothing, so a new one may go.
    QVERIFY(sale->canPay());
    QVERIFY(sale->payWithTestCard(u"pm_card_mastercard"_s));
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(sale->result().brand, u"mastercard"_s);
    QCOMPARE(intentsOfOrder(sale->orderRef(), u"succeeded"_s).size(), 1);
}

void TestSale::threeDSecure_data()
{
    QTest::addColumn<bool>("authenticates");
    QTest::newRow("authenticated") << true;
    QTest::newRow("authentication failed, then another card") << false;
}

void TestSale::threeDSecure()
{
    QFETCH(bool, authenticates);

    std::unique_ptr<Sale> sale = service().start(Till, order(4100));
    QSignalSpy urls(sale.get(), &Sale::actionUrlChanged);
    QVERIFY(sale->payWithTestCard(u"pm_card_authenticationRequired"_s));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForAuthentication));
    const QUrl url = sale->actionUrl();
    QVERIFY2(url.path().startsWith(u"/_sim/3ds/pi_"_s), qPrintable(url.toString()));
    QCOMPARE(urls.size(), 1);
    QVERIFY(!sale->payWithTestCard(u"pm_card_visa"_s)); // waiting: a second Enter does nothing

    QCOMPARE(kassa::sync::test::postHostedForm(url, authenticates ? "result=succeed" : "result=fail"), 200);
    if (authenticates) {
        QVERIFY(waitFor(*sale, Sale::State::Approved));
        QCOMPARE(sale->result().last4, u"3184"_s);
        QVERIFY(sale->actionUrl().isEmpty());
        QCOMPARE(storedStatus(sale->paymentIntentId()), u"succeeded"_s); // the polled state is stored
        return;
    }
    QVERIFY(waitFor(*sale, Sale::State::Declined));
    QCOMPARE(sale->result().errorCode, u"payment_intent_authentication_failure"_s);
    QCOMPARE(sale->result().reason,
             kassa::stripe::DeclineMessages::forCode({}, u"payment_intent_authentication_failure"_s).reason);
    // The same PaymentIntent, confirmed with another card.
    const QString first = sale->paymentIntentId();
    QVERIFY(sale->payWithTestCard(u"pm_card_visa"_s));
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(sale->paymentIntentId(), first);
    QCOMPARE(intentsOfOrder(sale->orderRef()), QStringList{first});
}

void TestSale::savedCard()
{
    const kassa::stripe::StripeResponse customer = call(kassa::stripe::StripeRequest::post(
        u"/v1/customers"_s, kassa::stripe::StripeParams().add(u"email"_s, u"ann@example.com"_s)));
    QVERIFY(customer.ok());
    const QString customerId = customer.json.value(u"id"_s).toString();
    const kassa::stripe::StripeResponse attached =
        call(kassa::stripe::PaymentMethods::attach(u"pm_card_mastercard"_s, customerId));
    QVERIFY2(attached.ok(), qPrintable(attached.error.toString()));
    const QString pm = attached.json.value(u"id"_s).toString();

    std::unique_ptr<Sale> withoutCustomer = service().start(Till, order(990));
    QVERIFY(!withoutCustomer->payWithSavedCard(pm));
    QVERIFY(!withoutCustomer->lastRefusal().isEmpty());

    std::unique_ptr<Sale> sale = service().start(Till, order(990, u"Tea"_s, customerId));
    QVERIFY(sale->payWithSavedCard(pm));
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(sale->method(), Sale::Method::SavedCard);
    QCOMPARE(sale->result().brand, u"mastercard"_s);
    QCOMPARE(sale->result().last4, u"4444"_s);
    const auto stored = kassa::store::PaymentRepository(*m_fixture->db).rawJson(sale->paymentIntentId());
    QCOMPARE(stored.value()->value(u"customer"_s).toString(), customerId);
}

// --- Reader ---------------------------------------------------------------------------------------------

void TestSale::readerSale()
{
    const QString reader = readerId();
    QVERIFY(!reader.isEmpty());
    std::unique_ptr<Sale> sale = service().start(Till, order(2350));
    QVERIFY(sale->payWithReader(reader));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForReader));
    QVERIFY(!sale->payWithReader(reader)); // a second click while the reader waits
    QCOMPARE(storedStatus(sale->paymentIntentId()), u"requires_payment_method"_s);

    const auto presented = call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader));
    QVERIFY2(presented.ok(), qPrintable(presented.error.toString()));
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(sale->result().amount.minorUnits(), 2350);
    QCOMPARE(sale->result().brand, u"visa"_s);
    QCOMPARE(sale->result().last4, u"4242"_s);
    QCOMPARE(storedStatus(sale->paymentIntentId()), u"succeeded"_s);
    QCOMPARE(intentsOfOrder(sale->orderRef()).size(), 1);
}

void TestSale::readerDeclineThenRetry()
{
    const QString reader = readerId();
    std::unique_ptr<Sale> sale = service().start(Till, order(1800));
    QVERIFY(sale->payWithReader(reader));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForReader));
    QVERIFY(call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader, u"4000000000000002"_s)).ok());
    QVERIFY(waitFor(*sale, Sale::State::Declined));
    QCOMPARE(sale->result().reason, kassa::stripe::DeclineMessages::forCode(u"generic_decline"_s).reason);
    const QString first = sale->paymentIntentId();

    // A card of another kind is refused: this sale's payment is on the reader.
    QVERIFY(!sale->payWithTestCard(u"pm_card_visa"_s));
    QVERIFY(sale->payWithReader(reader));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForReader));
    QVERIFY(call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader)).ok());
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(sale->paymentIntentId(), first);
    QCOMPARE(intentsOfOrder(sale->orderRef()), QStringList{first});
}

void TestSale::readerCancel()
{
    const QString reader = readerId();
    std::unique_ptr<Sale> sale = service().start(Till, order(4200));
    QVERIFY(sale->payWithReader(reader));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForReader));
    QVERIFY(sale->cancel());
    QVERIFY(waitFor(*sale, Sale::State::Canceled));
    QCOMPARE(SaleResult::outcomeName(sale->result().outcome), u"canceled"_s);
    const auto pi =
        call(kassa::stripe::StripeRequest::get(u"/v1/payment_intents/"_s + sale->paymentIntentId()));
    QCOMPARE(pi.json.value(u"status"_s).toString(), u"canceled"_s);
    QCOMPARE(storedStatus(sale->paymentIntentId()), u"canceled"_s);
    // The reader is free again.
    const auto polled = call(kassa::stripe::TerminalReaders::retrieve(reader));
    QVERIFY(polled.json.value(u"action"_s).toObject().value(u"status"_s).toString() != u"in_progress"_s);
}

void TestSale::readerCancelRacingSuccess()
{
    SaleOptions slow = fastOptions();
    slow.pollInitialMs = 60'000; // the sale does not see the tap before the cashier's cancel
    slow.pollMaxMs = 60'000;
    const QString reader = readerId();
    std::unique_ptr<Sale> sale = service(slow).start(Till, order(3100));
    QVERIFY(sale->payWithReader(reader));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForReader));
    QVERIFY(call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader)).ok()); // the tap wins
    QCOMPARE(sale->state(), Sale::State::WaitingForReader);
    QVERIFY(sale->cancel());
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(SaleResult::outcomeName(sale->result().outcome), u"approved"_s);
    QCOMPARE(sale->result().last4, u"4242"_s);
    QCOMPARE(intentsOfOrder(sale->orderRef(), u"succeeded"_s).size(), 1);
}

void TestSale::readerBusy()
{
    const QString reader = readerId();
    std::unique_ptr<Sale> first = service().start(Till, order(1200));
    QVERIFY(first->payWithReader(reader));
    QVERIFY(waitFor(*first, Sale::State::WaitingForReader));

    std::unique_ptr<Sale> second = m_service->start(Till, order(1300));
    QVERIFY(second->payWithReader(reader));
    QVERIFY(waitFor(*second, Sale::State::Failed));
    QCOMPARE(second->result().errorCode, u"terminal_reader_busy"_s);
    QVERIFY(!second->result().reason.isEmpty());
    QVERIFY(second->canPay()); // try again once the reader is free

    QVERIFY(first->cancel());
    QVERIFY(waitFor(*first, Sale::State::Canceled));
    QVERIFY(second->payWithReader(reader));
    QVERIFY(waitFor(*second, Sale::State::WaitingForReader));
    QVERIFY(call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader)).ok());
    QVERIFY(waitFor(*second, Sale::State::Approved));
}

void TestSale::readerCanceledOnTheReader()
{
    const QString reader = readerId();
    std::unique_ptr<Sale> sale = service().start(Till, order(2200));
    QVERIFY(sale->payWithReader(reader));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForReader));
    // The customer (or the reader's own screen) stops it: nothing charged, the sale may try again.
    QVERIFY(call(kassa::stripe::TerminalReaders::cancelAction(reader)).ok());
    QVERIFY(waitFor(*sale, Sale::State::Failed));
    QCOMPARE(sale->result().errorCode, u"canceled"_s);
    QVERIFY(sale->canPay());
    QVERIFY(sale->payWithReader(reader));
    QVERIFY(waitFor(*sale, Sale::State::WaitingForReader));
    QVERIFY(call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader)).ok());
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(intentsOfOrder(sale->orderRef()).size(), 1);
}

// --- Checkout -------------------------------------------------------------------------------------------

void TestSale::checkoutCompleted()
{
    std::unique_ptr<Sale> sale = service().start(Till, order(2950, u"Gift box"_s));
    QVERIFY(sale->payWithCheckout());
    QVERIFY(waitFor(*sale, Sale::State::WaitingForCustomer));
    const QUrl url = sale->actionUrl();
    QVERIFY2(url.path().startsWith(u"/_sim/checkout/cs_"_s), qPrintable(url.toString()));
    const auto session = call(kassa::stripe::CheckoutSessions::retrieve(sale->checkoutSessionId()));
    QCOMPARE(session.json.value(u"client_reference_id"_s).toString(), sale->orderRef());
    QCOMPARE(session.json.value(u"amount_total"_s).toInteger(), 2950);

    QVERIFY(kassa::sync::test::postHostedForm(QUrl(url.toString() + u"/pay"_s), "card=4242424242424242") /
                100 <=
            3);
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(sale->result().amount.minorUnits(), 2950);
    QCOMPARE(sale->result().last4, u"4242"_s);
    QVERIFY(sale->actionUrl().isEmpty());
    QCOMPARE(storedStatus(sale->paymentIntentId()), u"succeeded"_s);
    QCOMPARE(intentsOfOrder(sale->orderRef(), u"succeeded"_s).size(), 1);
}

void TestSale::checkoutExpiredOnCancel()
{
    std::unique_ptr<Sale> sale = service().start(Till, order(1500));
    QVERIFY(sale->payWithCheckout());
    QVERIFY(waitFor(*sale, Sale::State::WaitingForCustomer));
    QVERIFY(sale->cancel());
    QVERIFY(waitFor(*sale, Sale::State::Canceled));
    const auto session = call(kassa::stripe::CheckoutSessions::retrieve(sale->checkoutSessionId()));
    QCOMPARE(session.json.value(u"status"_s).toString(), u"expired"_s);
    QVERIFY(!sale->payWithCheckout()); // a canceled sale stays canceled; start a new one
}

// --- Exactly once ---------------------------------------------------------------------------------------

void TestSale::doubleSubmitChargesOnce()
{
    std::unique_ptr<Sale> sale = service().start(Till, order(1700));
    QVERIFY(sale->payWithTestCard(u"pm_card_visa"_s));
    QVERIFY(!sale->payWithTestCard(u"pm_card_visa"_s)); // the second Enter
    QVERIFY(!sale->lastRefusal().isEmpty());

    // The page rebuilt for the same order while the first request is on its way: its Pay meets the
    // first attempt in the outbox (Earlier) and follows it.
    std::unique_ptr<Sale> again = m_service->open(Till, sale->order(), sale->orderRef());
    QVERIFY(again->payWithTestCard(u"pm_card_visa"_s));
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QVERIFY(waitFor(*again, Sale::State::Approved));
    QCOMPARE(again->paymentIntentId(), sale->paymentIntentId());
    QCOMPARE(again->result().last4, u"4242"_s);

    // And once more after it finished.
    std::unique_ptr<Sale> late = m_service->open(Till, sale->order(), sale->orderRef());
    QVERIFY(late->payWithTestCard(u"pm_card_mastercard"_s));
    QVERIFY(waitFor(*late, Sale::State::Approved));
    QCOMPARE(late->paymentIntentId(), sale->paymentIntentId());
    QCOMPARE(intentsOfOrder(sale->orderRef()), QStringList{sale->paymentIntentId()});
}

void TestSale::connectionDropThenRecover()
{
    m_fixture->client->setMaxRetries(0);
    kassa::sim::Faults faults;
    faults.dropAfterCommitRate = 1.0;
    m_fixture->simulator->setFaults(faults);

    std::unique_ptr<Sale> sale = service().start(Till, order(2600));
    QVERIFY(sale->payWithTestCard(u"pm_card_visa"_s));
    QVERIFY(waitFor(*sale, Sale::State::Unknown));
    QCOMPARE(SaleResult::outcomeName(sale->result().outcome), u"unknown"_s);
    QVERIFY(!sale->result().reason.isEmpty());
    QVERIFY(!sale->payWithTestCard(u"pm_card_visa"_s)); // never charged again while unknown
    QVERIFY(!sale->cancel());
    QCOMPARE(m_service->unfinishedOrders(), QStringList{sale->orderRef()});
    kassa::store::OutboxRepository rows(*m_fixture->db);
    const auto live = rows.liveAttemptForOrder(sale->orderRef());
    QVERIFY(live.ok() && live.value());
    QCOMPARE(live.value()->state, kassa::store::OutboxState::Pending);

    m_fixture->simulator->setFaults({});
    QVERIFY(sale->recover());
    QVERIFY(waitFor(*sale, Sale::State::Approved));
    QCOMPARE(sale->result().last4, u"4242"_s);
    QCOMPARE(intentsOfOrder(sale->orderRef()), QStringList{sale->paymentIntentId()});
    QVERIFY(m_service->unfinishedOrders().isEmpty());
    QCOMPARE(storedStatus(sale->paymentIntentId()), u"succeeded"_s);
}

void TestSale::restartMidSaleResumes()
{
    m_fixture->client->setMaxRetries(0);
    kassa::sim::Faults faults;
    faults.dropAfterCommitRate = 1.0;
    m_fixture->simulator->setFaults(faults);

    QString orderRef;
    {
        std::unique_ptr<Sale> sale = service().start(Till, order(3300, u"Lamp"_s));
        orderRef = sale->orderRef();
        QVERIFY(sale->payWithTestCard(u"pm_card_visa"_s));
        QVERIFY(waitFor(*sale, Sale::State::Unknown));
    }
    // The till restarts: a new service finds the unfinished order and takes it up.
    m_service.reset();
    m_fixture->simulator->setFaults({});
    SaleService &restarted = service();
    QCOMPARE(restarted.unfinishedOrders(), QStringList{orderRef});
    QString error;
    std::unique_ptr<Sale> resumed = restarted.resume(Till, orderRef, &error);
    QVERIFY2(resumed, qPrintable(error));
    QCOMPARE(resumed->order().amount.minorUnits(), 3300);
    QCOMPARE(resumed->order().description, u"Lamp"_s);
    QCOMPARE(resumed->method(), Sale::Method::TestCard);
    QVERIFY(waitFor(*resumed, Sale::State::Approved));
    QCOMPARE(intentsOfOrder(orderRef), QStringList{resumed->paymentIntentId()});

    // Resuming a finished sale shows its result again; an unknown order is refused.
    std::unique_ptr<Sale> shown = restarted.resume(Till, orderRef);
    QVERIFY(waitFor(*shown, Sale::State::Approved));
    QCOMPARE(shown->paymentIntentId(), resumed->paymentIntentId());
    QVERIFY(!restarted.resume(Till, u"no-such-order"_s, &error));
    QVERIFY(!error.isEmpty());
}

void TestSale::unknownIsCheckedAgainByItself()
{
    m_fixture->client->setMaxRetries(0);
    kassa::sim::Faults faults;
    faults.dropAfterCommitRate = 1.0;
    m_fixture->simulator->setFaults(faults);
    SaleOptions options = fastOptions();
    options.unknownRecheckMs = 300;
    std::unique_ptr<Sale> sale = service(options).start(Till, order(1450));
    QVERIFY(sale->payWithTestCard(u"pm_card_visa"_s));
    QVERIFY(waitFor(*sale, Sale::State::Unknown));
    m_fixture->simulator->setFaults({});
    QVERIFY(waitFor(*sale, Sale::State::Approved)); // with no recover() call
    QCOMPARE(intentsOfOrder(sale->orderRef()), QStringList{sale->paymentIntentId()});
}

void TestSale::permissionSeamRefuses()
{
    SaleOptions options = fastOptions();
    options.authorize = [](const SaleContext &context, kassa::sale::SaleAction action) {
        if (context.cashier == u"Trainee"_s && action == kassa::sale::SaleAction::PayWithTestCard)
            return u"Trainees may not use test cards."_s;
        return QString();
    };
    SaleService &gated = service(options);
    const kassa::security::ActingUser trainee{8, u"tim"_s, kassa::Role::Cashier, u"till-7"_s};
    std::unique_ptr<Sale> sale = gated.start(SaleContext{u"till-7"_s, u"Trainee"_s, trainee}, order(500));
    QVERIFY(sale);
    QVERIFY(!sale->payWithTestCard(u"pm_card_visa"_s));
    QCOMPARE(sale->lastRefusal(), u"Trainees may not use test cards."_s);
    QCOMPARE(sale->state(), Sale::State::Ready);
    QString refusal;
    QVERIFY(!gated.start(Till, order(0), &refusal));
    QVERIFY(!refusal.isEmpty());
}

// The permission table applies to every entry point: nobody (no log-in) may sell, and a sale opened by
// a user cannot be cancelled or checked by nobody either.
void TestSale::nobodyMayNotSell()
{
    SaleService &plain = service(fastOptions());
    QString refusal;
    QVERIFY(!plain.start(SaleContext{u"till-7"_s, u"Nobody"_s, {}}, order(500), &refusal));
    QVERIFY2(refusal.contains(u"may not"_s) || refusal.contains(u"log"_s), qPrintable(refusal));
    for (const kassa::Role role : kassa::AllRoles) {
        const kassa::security::ActingUser user{9, u"someone"_s, role, u"till-7"_s};
        std::unique_ptr<Sale> sale = plain.start(SaleContext{u"till-7"_s, u"Someone"_s, user}, order(500));
        QVERIFY2(sale, "every role may take payments");
    }
}

QTEST_MAIN(TestSale)
#include "tst_sale.moc"
