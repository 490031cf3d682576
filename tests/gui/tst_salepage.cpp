// SPDX-License-Identifier: GPL-3.0-or-later
// The Sale page (offscreen) against the in-process simulator on SQLite: the amount from the keyboard and
// the keypad, an approved and a declined test card, a reader sale, and a double Enter that charges once.
#include "app/gui/pages/salepage.h"
#include "app/gui/widgets/qrcodewidget.h"
#include "services/sale/saleservice.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/sync/outbox.h"
#include "synctestsupport.h"

#include <QApplication>
#include <QComboBox>
#include <QEventLoop>
#include <QJsonObject>
#include <QLineEdit>
#include <QNetworkReply>
#include <QPushButton>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::gui::SalePage;
using kassa::sale::Sale;

namespace {

const kassa::security::ActingUser Ada{7, u"ada"_s, kassa::Role::Cashier, u"till-7"_s};

// The customer's answer on the simulator's 3-D Secure page, as their browser would post it; the status.
int postForm(const QUrl &url, const QByteArray &form)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
    request.setTransferTimeout(10'000);
    QNetworkReply *reply = network.post(request, form);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    delete reply;
    return status;
}

} // namespace

class TestSalePage : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void keyboardAmountEntry();
    void keypadNeverTakesFocus();
    void approvedShowsBrandAndLast4();
    void declinedShowsReason();
    void doubleEnterChargesOnce();
    void readerSale();
    void threeDSecureShowsQrAndLink();
    void checkoutShowsQrAndCancelExpiresIt();

private:
    void typeAmount(const QString &digits);
    void enter();
    bool waitForState(Sale::State state, int timeoutMs = 20'000);
    int intentsOf(const QString &orderRef);

    std::unique_ptr<kassa::sync::test::SyncFixture> m_fixture;
    std::unique_ptr<kassa::sync::Outbox> m_outbox;
    std::unique_ptr<kassa::sale::SaleService> m_service;
    std::unique_ptr<SalePage> m_page;
};

void TestSalePage::init()
{
    m_fixture = std::make_unique<kassa::sync::test::SyncFixture>();
    QString message;
    bool skip = false;
    if (!m_fixture->setUp(u"sqlite"_s, &message, &skip)) {
        if (skip)
            QSKIP(qPrintable(message));
        QFAIL(qPrintable(message));
    }
    m_outbox = std::make_unique<kassa::sync::Outbox>(*m_fixture->db, *m_fixture->client);
    kassa::sale::SaleOptions options;
    options.pollInitialMs = 30;
    options.pollMaxMs = 150;
    options.unknownRecheckMs = 0;
    options.checkoutSuccessUrl = u"https://shop.example/thanks"_s;
    m_service =
        std::make_unique<kassa::sale::SaleService>(*m_fixture->db, *m_fixture->client, *m_outbox, options);
    SalePage::Options pageOptions;
    pageOptions.testMode = true;
    pageOptions.till = u"till-7"_s;
    m_page = std::make_unique<SalePage>(*m_service, *m_fixture->client, *m_fixture->db, pageOptions);
    m_page->setUser(Ada);
    m_page->resize(1000, 700);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    // The F-keys are the page's shortcuts: they need the page's window active.
    m_page->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_page.get()));
    // The reader list arrives from the simulator.
    QVERIFY(QTest::qWaitFor([this] { return m_page->readerBox()->count() > 0; }, 10'000));
    m_page->amountDisplay()->setFocus();
}

void TestSalePage::cleanup()
{
    m_page.reset();
    m_service.reset();
    m_outbox.reset();
    m_fixture.reset();
}

void TestSalePage::typeAmount(const QString &digits)
{
    QTest::keyClicks(m_page->amountDisplay(), digits);
}

void TestSalePage::enter()
{
    QTest::keyClick(m_page->amountDisplay(), Qt::Key_Return);
}

bool TestSalePage::waitForState(Sale::State state, int timeoutMs)
{
    const bool reached = QTest::qWaitFor(
        [&] { return m_page->currentSale() && m_page->currentSale()->state() == state; }, timeoutMs);
    if (!reached && m_page->currentSale())
        qWarning() << "sale is" << Sale::stateName(m_page->currentSale()->state()) << "not"
                   << Sale::stateName(state) << m_page->currentSale()->lastRefusal();
    return reached;
}

int TestSalePage::intentsOf(const QString &orderRef)
{
    int count = 0;
    for (const QJsonObject &pi : kassa::sync::test::listAll(*m_fixture->client, u"/v1/payment_intents"_s)) {
        if (pi.value(u"metadata"_s).toObject().value(u"order_ref"_s).toString() == orderRef)
            ++count;
    }
    return count;
}

void TestSalePage::keyboardAmountEntry()
{
    kassa::gui::AmountDisplay *amount = m_page->amountDisplay();
    QCOMPARE(m_page->currencyBox()->currentData().toString(), u"usd"_s); // no payments yet: USD
    QVERIFY(!m_page->testCardButton()->isEnabled());                     // nothing to charge yet
    typeAmount(u"1250"_s);
    QCOMPARE(amount->minorUnits(), 1250);
    QVERIFY(m_page->testCardButton()->isEnabled());
    QTest::keyClick(amount, Qt::Key_Backspace);
    QCOMPARE(amount->minorUnits(), 125);
    typeAmount(u"x."_s); // not digits: ignored
    QCOMPARE(amount->minorUnits(), 125);
    typeAmount(u"999999999"_s); // never more than Stripe takes
    QVERIFY(amount->minorUnits() <= kassa::Money::StripeMaximumAmount);
    QTest::keyClick(amount, Qt::Key_Escape);
    QCOMPARE(amount->minorUnits(), 0);
    QVERIFY(!amount->accessibleName().isEmpty());

    // Enter with no amount starts nothing and says why.
    enter();
    QVERIFY(!m_page->currentSale());
    QCOMPARE(m_page->screen(), SalePage::Screen::Entry);
}

void TestSalePage::keypadNeverTakesFocus()
{
    auto *seven = m_page->findChild<QPushButton *>(u"saleKey7"_s);
    auto *zero = m_page->findChild<QPushButton *>(u"saleKey0"_s);
    QVERIFY(seven && zero);
    QVERIFY(seven->minimumHeight() >= 44 && seven->minimumWidth() >= 44);
    QCOMPARE(seven->focusPolicy(), Qt::NoFocus);
    QVERIFY(!seven->accessibleName().isEmpty());
    QTest::mouseClick(seven, Qt::LeftButton);
    QTest::mouseClick(zero, Qt::LeftButton);
    QCOMPARE(m_page->amountDisplay()->minorUnits(), 70);
    QVERIFY(m_page->amountDisplay()->hasFocus());
    QTest::mouseClick(m_page->findChild<QPushButton *>(u"saleKeyBackspace"_s), Qt::LeftButton);
    QCOMPARE(m_page->amountDisplay()->minorUnits(), 7);
}

void TestSalePage::approvedShowsBrandAndLast4()
{
    typeAmount(u"1250"_s);
    m_page->descriptionField()->setText(u"Order 17"_s);
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa"_s));
    QTest::mouseClick(m_page->testCardButton(), Qt::LeftButton);
    QVERIFY(waitForState(Sale::State::Approved));
    QCOMPARE(m_page->screen(), SalePage::Screen::Result);
    QCOMPARE(m_page->resultTitle(), u"Approved"_s);
    QVERIFY2(m_page->resultText().contains(u"Visa"_s), qPrintable(m_page->resultText()));
    QVERIFY2(m_page->resultText().contains(u"4242"_s), qPrintable(m_page->resultText()));
    QVERIFY2(m_page->resultText().contains(u"12.50"_s), qPrintable(m_page->resultText()));
    QCOMPARE(m_page->currentSale()->order().description, u"Order 17"_s);

    // New sale: an empty amount again, ready for the keyboard.
    QVERIFY(m_page->newSaleButton()->isEnabled());
    QTest::mouseClick(m_page->newSaleButton(), Qt::LeftButton);
    QCOMPARE(m_page->screen(), SalePage::Screen::Entry);
    QVERIFY(!m_page->currentSale());
    QCOMPARE(m_page->amountDisplay()->minorUnits(), 0);
    QVERIFY(m_page->descriptionField()->text().isEmpty());
}

void TestSalePage::declinedShowsReason()
{
    typeAmount(u"2000"_s);
    m_page->testCardBox()->setCurrentIndex(
        m_page->testCardBox()->findData(u"pm_card_visa_chargeDeclinedInsufficientFunds"_s));
    enter();
    QVERIFY(waitForState(Sale::State::Declined));
    QCOMPARE(m_page->screen(), SalePage::Screen::Result);
    QCOMPARE(m_page->resultTitle(), u"Declined"_s);
    QVERIFY2(m_page->resultText().contains(u"insufficient funds"_s), qPrintable(m_page->resultText()));
    QVERIFY(!m_page->resultText().contains(u"insufficient_funds"_s)); // words, not codes
    QVERIFY(m_page->resultText().contains(m_page->currentSale()->result().nextStep));

    // Try again with another card: the same sale, the same amount, approved once.
    auto *retry = m_page->findChild<QPushButton *>(u"saleRetry"_s);
    QVERIFY(retry && retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    QCOMPARE(m_page->screen(), SalePage::Screen::Entry);
    QVERIFY(m_page->amountDisplay()->isLocked()); // the order's amount stays
    typeAmount(u"5"_s);
    QCOMPARE(m_page->amountDisplay()->minorUnits(), 2000);
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa"_s));
    enter(); // Enter still pays
    QVERIFY(waitForState(Sale::State::Approved));
    QCOMPARE(m_page->currentSale()->result().amount.minorUnits(), 2000);
}

void TestSalePage::doubleEnterChargesOnce()
{
    typeAmount(u"990"_s);
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa"_s));
    enter();
    QVERIFY(m_page->currentSale());
    Sale *first = m_page->currentSale();
    // The second Enter lands wherever the focus is now, and on the field too.
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : m_page.get(), Qt::Key_Return);
    enter();
    QTest::mouseClick(m_page->testCardButton(), Qt::LeftButton);
    QVERIFY(!m_page->testCardButton()->isEnabled() || m_page->screen() != SalePage::Screen::Entry);
    QCOMPARE(m_page->currentSale(), first);
    QVERIFY(waitForState(Sale::State::Approved));
    enter(); // and once more on the result screen
    QCOMPARE(intentsOf(first->orderRef()), 1);
}

void TestSalePage::threeDSecureShowsQrAndLink()
{
    typeAmount(u"4100"_s);
    m_page->testCardBox()->setCurrentIndex(
        m_page->testCardBox()->findData(u"pm_card_authenticationRequired"_s));
    enter();
    QVERIFY(waitForState(Sale::State::WaitingForAuthentication));
    QCOMPARE(m_page->screen(), SalePage::Screen::Waiting);
    const QUrl url = m_page->currentSale()->actionUrl();
    QCOMPARE(m_page->qrCode()->text(), url.toString());
    QVERIFY(m_page->qrCode()->isVisible());
    auto *link = m_page->findChild<QLabel *>(u"saleLink"_s);
    QVERIFY(link && link->isVisible() && link->text().contains(url.path()));
    QVERIFY(m_page->cancelButton()->isEnabled());

    QCOMPARE(postForm(url, "result=succeed"), 200);
    QVERIFY(waitForState(Sale::State::Approved));
    QVERIFY(m_page->resultText().contains(u"3184"_s));
    QVERIFY(!m_page->qrCode()->isVisible());
}

void TestSalePage::readerSale()
{
    // F1 lists the keys.
    auto *help = m_page->findChild<QLabel *>(u"saleHelp"_s);
    QVERIFY(help && !help->isVisible());
    QTest::keyClick(m_page.get(), Qt::Key_F1);
    QVERIFY(help->isVisible());
    QVERIFY(help->text().contains(u"F3"_s));
    typeAmount(u"2350"_s);
    QVERIFY(m_page->readerButton()->isEnabled());
    QTest::keyClick(m_page.get(), Qt::Key_F3);
    QVERIFY(waitForState(Sale::State::WaitingForReader));
    QCOMPARE(m_page->screen(), SalePage::Screen::Waiting);
    QVERIFY(m_page->waitingText().contains(u"reader"_s));
    QVERIFY(m_page->cancelButton()->isEnabled());

    const QString reader = m_page->readerBox()->currentData().toString();
    std::optional<kassa::stripe::StripeResponse> presented;
    m_fixture->client->send(kassa::stripe::TerminalReaders::presentPaymentMethod(reader), this,
                            [&presented](const kassa::stripe::StripeResponse &r) { presented = r; });
    QVERIFY(QTest::qWaitFor([&] { return presented.has_value(); }, 10'000));
    QVERIFY2(presented->ok(), qPrintable(presented->error.toString()));
    QVERIFY(waitForState(Sale::State::Approved));
    QVERIFY(m_page->resultText().contains(u"4242"_s));
}

void TestSalePage::checkoutShowsQrAndCancelExpiresIt()
{
    typeAmount(u"500"_s);
    QTest::keyClick(m_page.get(), Qt::Key_F4);
    QVERIFY(waitForState(Sale::State::WaitingForCustomer));
    QCOMPARE(m_page->screen(), SalePage::Screen::Waiting);
    QVERIFY(m_page->qrCode()->isValid());
    QCOMPARE(m_page->qrCode()->text(), m_page->currentSale()->actionUrl().toString());
    QTest::mouseClick(m_page->cancelButton(), Qt::LeftButton);
    QVERIFY(waitForState(Sale::State::Canceled)); // the session was expired: nothing can be paid on it
    QCOMPARE(m_page->screen(), SalePage::Screen::Result);
    QCOMPARE(m_page->resultTitle(), u"Canceled"_s);
    QVERIFY(m_page->newSaleButton()->isEnabled());
}

QTEST_MAIN(TestSalePage)
#include "tst_salepage.moc"
