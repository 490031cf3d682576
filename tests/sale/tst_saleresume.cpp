// SPDX-License-Identifier: GPL-3.0-or-later
// Sales the till stopped in the middle of after their request was answered: the customer at the reader,
// on the Checkout page, or paying just as the till went down. SaleService::interruptedOrders offers them
// at the next start, resuming finds out where each stands, and sales that ended on screen are not offered.
#include "services/sale/saleservice.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/sync/outbox.h"
#include "synctestsupport.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::sale::Sale;
using kassa::sale::SaleContext;
using kassa::sale::SaleOrder;
using kassa::sale::SaleService;

namespace {

const kassa::security::ActingUser Ada{7, u"ada"_s, kassa::Role::Cashier, u"till-7"_s};
const SaleContext Till{u"till-7"_s, u"Ada"_s, Ada};

SaleOrder order(qint64 amount, const QString &description = u"Coffee beans"_s)
{
    return SaleOrder{kassa::Money(amount, kassa::Currency::fromCode(u"usd"_s).value()), description, {}};
}

} // namespace

class TestSaleResume : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { kassa::store::test::addBackendData(); }
    void init();
    void cleanup();

    void readerSaleOfferedAndFinished();
    void readerPaidWhileTheTillWasDown();
    void checkoutSaleOffered();
    void salesThatEndedAreNotOffered();

private:
    SaleService &restart();
    kassa::stripe::StripeResponse call(const kassa::stripe::StripeRequest &request);
    bool waitFor(Sale &sale, Sale::State state, int timeoutMs = 20'000);
    QString readerId();
    // A sale brought to `state` by `pay`, then dropped as a stopped till drops it; its order ref.
    QString interrupted(const std::function<bool(Sale &)> &pay, Sale::State state,
                        QString *objectId = nullptr);

    std::unique_ptr<kassa::sync::test::TillFixture> m_fixture;
    std::unique_ptr<SaleService> m_service;
};

void TestSaleResume::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<kassa::sync::test::TillFixture>();
    KASSA_SET_UP_FIXTURE(*m_fixture, backend);
    restart();
}

void TestSaleResume::cleanup()
{
    m_service.reset();
    m_fixture.reset();
}

SaleService &TestSaleResume::restart()
{
    m_service.reset();
    m_service = std::make_unique<SaleService>(*m_fixture->db, *m_fixture->client, *m_fixture->outbox,
                                              kassa::sync::test::fastSaleOptions());
    return *m_service;
}

kassa::stripe::StripeResponse TestSaleResume::call(const kassa::stripe::StripeRequest &request)
{
    return m_fixture->call(request, 30'000);
}

bool TestSaleResume::waitFor(Sale &sale, Sale::State state, int timeoutMs)
{
    return kassa::sync::test::waitForSale(sale, state, timeoutMs);
}

QString TestSaleResume::readerId()
{
    return m_fixture->readerId(30'000);
}

QString TestSaleResume::interrupted(const std::function<bool(Sale &)> &pay, Sale::State state,
                                    QString *objectId)
{
    std::unique_ptr<Sale> sale = m_service->start(Till, order(2350, u"Lamp"_s));
    if (!sale || !pay(*sale) || !waitFor(*sale, state))
        return {};
    if (objectId)
        *objectId =
            sale->method() == Sale::Method::Checkout ? sale->checkoutSessionId() : sale->paymentIntentId();
    // While a sale waits, nothing of it is unfinished in the outbox: its request was answered.
    if (!m_service->unfinishedOrders().isEmpty())
        return {};
    return sale->orderRef(); // the Sale goes with the stopped till
}

void TestSaleResume::readerSaleOfferedAndFinished()
{
    const QString reader = readerId();
    QVERIFY(!reader.isEmpty());
    const QString orderRef =
        interrupted([&](Sale &sale) { return sale.payWithReader(reader); }, Sale::State::WaitingForReader);
    QVERIFY(!orderRef.isEmpty());

    SaleService &service = restart();
    QString error;
    QCOMPARE(service.interruptedOrders(&error), QStringList{orderRef});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    std::unique_ptr<Sale> resumed = service.resume(Till, orderRef, &error);
    QVERIFY2(resumed, qPrintable(error));
    QCOMPARE(resumed->method(), Sale::Method::Reader);
    QCOMPARE(resumed->order().description, u"Lamp"_s);
    // The reader still shows the payment: the resumed sale waits for it as the first one did.
    QVERIFY(waitFor(*resumed, Sale::State::WaitingForReader));
    QVERIFY(call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader)).ok());
    QVERIFY(waitFor(*resumed, Sale::State::Approved));
    QCOMPARE(resumed->result().amount.minorUnits(), 2350);
    // Its outcome is on record now: not offered again.
    QVERIFY(service.interruptedOrders(&error).isEmpty());
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestSaleResume::readerPaidWhileTheTillWasDown()
{
    const QString reader = readerId();
    QString paymentIntent;
    const QString orderRef = interrupted([&](Sale &sale) { return sale.payWithReader(reader); },
                                         Sale::State::WaitingForReader, &paymentIntent);
    QVERIFY(!orderRef.isEmpty());
    // The customer taps the card while the till is down.
    QVERIFY(call(kassa::stripe::TerminalReaders::presentPaymentMethod(reader)).ok());

    SaleService &service = restart();
    QCOMPARE(service.interruptedOrders(), QStringList{orderRef});
    std::unique_ptr<Sale> resumed = service.resume(Till, orderRef);
    QVERIFY(resumed);
    QVERIFY(waitFor(*resumed, Sale::State::Approved));
    QCOMPARE(resumed->paymentIntentId(), paymentIntent);
    QCOMPARE(resumed->result().last4, u"4242"_s);
    QVERIFY(service.interruptedOrders().isEmpty());
}

void TestSaleResume::checkoutSaleOffered()
{
    QString session;
    const QString orderRef = interrupted([](Sale &sale) { return sale.payWithCheckout(); },
                                         Sale::State::WaitingForCustomer, &session);
    QVERIFY(!orderRef.isEmpty());
    QVERIFY(session.startsWith(u"cs_"_s));

    SaleService &service = restart();
    QCOMPARE(service.interruptedOrders(), QStringList{orderRef});
    std::unique_ptr<Sale> resumed = service.resume(Till, orderRef);
    QVERIFY(resumed);
    QCOMPARE(resumed->method(), Sale::Method::Checkout);
    // The same page again, for the customer who is still on it.
    QVERIFY(waitFor(*resumed, Sale::State::WaitingForCustomer));
    QCOMPARE(resumed->checkoutSessionId(), session);
    const QUrl url = resumed->actionUrl();
    QVERIFY2(url.path().endsWith(session), qPrintable(url.toString()));
    QVERIFY(kassa::sync::test::postHostedForm(QUrl(url.toString() + u"/pay"_s), "card=4242424242424242") /
                100 <=
            3);
    QVERIFY(waitFor(*resumed, Sale::State::Approved));
    QVERIFY(service.interruptedOrders().isEmpty());
}

void TestSaleResume::salesThatEndedAreNotOffered()
{
    // Approved, declined and canceled on screen: the cashier saw each outcome.
    for (const auto &[card, outcome] : {std::pair{u"pm_card_visa"_s, Sale::State::Approved},
                                        std::pair{u"pm_card_visa_chargeDeclined"_s, Sale::State::Declined}}) {
        std::unique_ptr<Sale> sale = m_service->start(Till, order(1200));
        QVERIFY(sale->payWithTestCard(card));
        QVERIFY(waitFor(*sale, outcome));
    }
    std::unique_ptr<Sale> canceled = m_service->start(Till, order(1300));
    QVERIFY(canceled->payWithReader(readerId()));
    QVERIFY(waitFor(*canceled, Sale::State::WaitingForReader));
    QVERIFY(canceled->cancel());
    QVERIFY(waitFor(*canceled, Sale::State::Canceled));
    canceled.reset();

    SaleService &service = restart();
    QString error;
    QVERIFY(service.interruptedOrders(&error).isEmpty());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // A waiting sale older than the window is not offered either (Stripe ends such waits within a day).
    const QString reader = readerId();
    const QString orderRef =
        interrupted([&](Sale &sale) { return sale.payWithReader(reader); }, Sale::State::WaitingForReader);
    QVERIFY(!orderRef.isEmpty());
    QCOMPARE(restart().interruptedOrders(), QStringList{orderRef});
    const qint64 dayLater = m_fixture->db->now() + 24 * 3600 + 60;
    m_fixture->db->setClock([dayLater] { return dayLater; });
    QVERIFY(m_service->interruptedOrders(&error).isEmpty());
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestSaleResume)
#include "tst_saleresume.moc"
