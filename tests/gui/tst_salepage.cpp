// SPDX-License-Identifier: GPL-3.0-or-later
// The Sale page (offscreen) against the in-process simulator on SQLite: the amount from the keyboard and
// the keypad, an approved and a declined test card, 3-D Secure, a reader sale, a customer's saved card
// found with the picker, a double Enter that charges once, and a restart in the middle of a sale that
// resumes it instead of charging again.
#include "app/gui/models/customersmodel.h"
#include "app/gui/pages/customerpicker.h"
#include "app/gui/pages/salepage.h"
#include "app/gui/widgets/qrcodewidget.h"
#include "services/sale/saleservice.h"
#include "services/store/paymentrepository.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/paymentmethods.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/sync/outbox.h"
#include "sim/faults.h"
#include "synctestsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QEventLoop>
#include <QJsonObject>
#include <QLineEdit>
#include <QNetworkReply>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::gui::SalePage;
using kassa::sale::Sale;

namespace {

const kassa::security::ActingUser Ada{7, u"ada"_s, kassa::Role::Cashier, u"till-7"_s};

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
    void savedCardSaleWithThePicker();
    void customerChosenAfterADecline();
    void printReceiptAsksForTheApprovedPayment();
    void restartMidSaleResumesWithoutASecondCharge();
    void restartDuringThreeDSecureResumesTheWait();
    void touchTargetsAndAccessibleNames();

private:
    static kassa::sale::SaleOptions saleOptions();
    void makePage();
    // Page, sale service and outbox made again over the same store and simulator, as after a restart.
    void restartTill();
    // With KASSA_SALE_SHOTS=DIR: the page (or `widget`) as a PNG in DIR, to look at.
    void shot(const QString &name, QWidget *widget = nullptr);
    void typeAmount(const QString &digits);
    kassa::stripe::StripeResponse call(const kassa::stripe::StripeRequest &request);
    // A customer on the simulator with a saved Mastercard (their default) and an expired Visa, both
    // written into the store as the sync would: the customer's id.
    QString customerWithSavedCards(const QString &name);
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
    m_service = std::make_unique<kassa::sale::SaleService>(*m_fixture->db, *m_fixture->client, *m_outbox,
                                                           saleOptions());
    makePage();
}

void TestSalePage::shot(const QString &name, QWidget *widget)
{
    const QString dir = qEnvironmentVariable("KASSA_SALE_SHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(50); // layouts settle
    QWidget *target = widget ? widget : m_page.get();
    if (!target->grab().save(dir + u'/' + name + u".png"_s))
        qWarning() << "cannot save" << name;
}

void TestSalePage::restartTill()
{
    // Page, sales and outbox gone; the store and Stripe stay.
    m_page.reset();
    m_service.reset();
    m_outbox.reset();
    m_outbox = std::make_unique<kassa::sync::Outbox>(*m_fixture->db, *m_fixture->client);
    m_service = std::make_unique<kassa::sale::SaleService>(*m_fixture->db, *m_fixture->client, *m_outbox,
                                                           saleOptions());
    makePage();
}

kassa::sale::SaleOptions TestSalePage::saleOptions()
{
    kassa::sale::SaleOptions options;
    options.pollInitialMs = 30;
    options.pollMaxMs = 150;
    options.unknownRecheckMs = 0;
    options.checkoutSuccessUrl = u"https://shop.example/thanks"_s;
    return options;
}

void TestSalePage::makePage()
{
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

kassa::stripe::StripeResponse TestSalePage::call(const kassa::stripe::StripeRequest &request)
{
    std::optional<kassa::stripe::StripeResponse> answer;
    m_fixture->client->send(request, this, [&answer](const kassa::stripe::StripeResponse &r) { answer = r; });
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10'000))
        return {};
    return *answer;
}

QString TestSalePage::customerWithSavedCards(const QString &name)
{
    kassa::stripe::Customers::Params params;
    params.name = name;
    params.email = u"ann.lee@example.com"_s;
    const kassa::stripe::StripeResponse customer = call(kassa::stripe::Customers::create(params));
    if (!customer.ok())
        return {};
    const QString customerId = customer.json.value(u"id"_s).toString();
    const kassa::stripe::StripeResponse mastercard =
        call(kassa::stripe::PaymentMethods::attach(u"pm_card_mastercard"_s, customerId));
    const kassa::stripe::StripeResponse visa =
        call(kassa::stripe::PaymentMethods::attach(u"pm_card_visa"_s, customerId));
    if (!mastercard.ok() || !visa.ok())
        return {};
    const kassa::stripe::StripeResponse updated = call(kassa::stripe::Customers::setDefaultPaymentMethod(
        customerId, mastercard.json.value(u"id"_s).toString()));
    if (!updated.ok())
        return {};
    // The Visa ran out last year: listed, not offered.
    QJsonObject expiredVisa = visa.json;
    QJsonObject card = expiredVisa.value(u"card"_s).toObject();
    card.insert(u"exp_year"_s, QDate::currentDate().year() - 1);
    expiredVisa.insert(u"card"_s, card);
    kassa::store::StoreIngest ingest(*m_fixture->db);
    for (const QJsonObject &object : {updated.json, mastercard.json, expiredVisa}) {
        if (!ingest.upsert(object, m_fixture->db->now()).ok())
            return {};
    }
    return customerId;
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
    shot(u"entry"_s);
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
    shot(u"result-approved"_s);
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
    shot(u"result-declined"_s);

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
    shot(u"waiting-3ds"_s);
    QVERIFY(m_page->cancelButton()->isEnabled());

    QCOMPARE(kassa::sync::test::postHostedForm(url, "result=succeed"), 200);
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
    shot(u"entry-help"_s);
    QVERIFY(m_page->readerButton()->isEnabled());
    QTest::keyClick(m_page.get(), Qt::Key_F3);
    QVERIFY(waitForState(Sale::State::WaitingForReader));
    QCOMPARE(m_page->screen(), SalePage::Screen::Waiting);
    QVERIFY(m_page->waitingText().contains(u"reader"_s));
    // In test mode the waiting screen can tap a test card itself (for the demo); here the test helper does.
    QVERIFY(m_page->waitingScreen()->testTapButton()->isVisible());
    shot(u"waiting-reader"_s);
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
    shot(u"waiting-checkout"_s);
    QTest::mouseClick(m_page->cancelButton(), Qt::LeftButton);
    QVERIFY(waitForState(Sale::State::Canceled)); // the session was expired: nothing can be paid on it
    QCOMPARE(m_page->screen(), SalePage::Screen::Result);
    QCOMPARE(m_page->resultTitle(), u"Canceled"_s);
    QVERIFY(m_page->newSaleButton()->isEnabled());
}

void TestSalePage::savedCardSaleWithThePicker()
{
    const QString customerId = customerWithSavedCards(u"Ann Lee"_s);
    QVERIFY(!customerId.isEmpty());
    QVERIFY(!m_page->savedCardButton()->isVisible()); // no customer, no saved card

    // F7 opens the picker; typing narrows the list, Enter takes the highlighted customer.
    QTest::keyClick(m_page.get(), Qt::Key_F7);
    auto *picker = m_page->findChild<kassa::gui::CustomerPicker *>();
    QVERIFY(picker);
    QVERIFY(QTest::qWaitForWindowExposed(picker));
    QAbstractItemModelTester tester(picker->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTest::keyClicks(picker->searchField(), u"ann lee"_s);
    picker->applySearch();
    QCOMPARE(picker->model()->rowCount(), 1);
    shot(u"customer-picker"_s, picker);
    QTest::keyClick(picker->searchField(), Qt::Key_Return);
    QCOMPARE(m_page->customerId(), customerId);
    QVERIFY(QTest::qWaitFor([&] { return !m_page->findChild<kassa::gui::CustomerPicker *>(); }, 2'000));
    QVERIFY(QTest::qWaitForWindowActive(m_page.get()));

    // The default card first; the expired one listed but not chosen.
    QComboBox *cards = m_page->savedCardBox();
    QCOMPARE(cards->count(), 2);
    QVERIFY2(cards->itemText(0).contains(u"4444"_s) && cards->itemText(0).contains(u"default"_s),
             qPrintable(cards->itemText(0)));
    QVERIFY2(cards->itemText(1).contains(u"expired"_s), qPrintable(cards->itemText(1)));
    QCOMPARE(cards->currentIndex(), 0);
    QVERIFY(m_page->savedCardButton()->isVisible());
    QVERIFY(!m_page->savedCardButton()->isEnabled()); // nothing to charge yet

    typeAmount(u"1875"_s);
    QVERIFY(m_page->savedCardButton()->isEnabled());
    shot(u"entry-saved-card"_s);
    QTest::keyClick(m_page.get(), Qt::Key_F6);
    QVERIFY(waitForState(Sale::State::Approved));
    QCOMPARE(m_page->currentSale()->method(), Sale::Method::SavedCard);
    QVERIFY2(m_page->resultText().contains(u"Mastercard"_s), qPrintable(m_page->resultText()));
    QVERIFY(m_page->resultText().contains(u"4444"_s));
    const auto stored =
        kassa::store::PaymentRepository(*m_fixture->db).rawJson(m_page->currentSale()->paymentIntentId());
    QVERIFY(stored.ok() && stored.value());
    QCOMPARE(stored.value()->value(u"customer"_s).toString(), customerId);
    QCOMPARE(intentsOf(m_page->currentSale()->orderRef()), 1);

    // The next sale starts without a customer. The till locks (the page hides) with the picker open: the
    // picker closes, and nobody sees the list.
    QTest::mouseClick(m_page->newSaleButton(), Qt::LeftButton);
    QVERIFY(m_page->customerId().isEmpty());
    m_page->chooseCustomer();
    QPointer<kassa::gui::CustomerPicker> open = m_page->findChild<kassa::gui::CustomerPicker *>();
    QVERIFY(open && open->isVisible());
    m_page->hide();
    QVERIFY(!open || !open->isVisible());
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QVERIFY(m_page->customerId().isEmpty());
    QVERIFY(!m_page->savedCardButton()->isVisible());
}

void TestSalePage::customerChosenAfterADecline()
{
    const QString customerId = customerWithSavedCards(u"Bo Chan"_s);
    QVERIFY(!customerId.isEmpty());
    typeAmount(u"640"_s);
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa_chargeDeclined"_s));
    enter();
    QVERIFY(waitForState(Sale::State::Declined));
    const QString orderRef = m_page->currentSale()->orderRef();
    QTest::mouseClick(m_page->findChild<QPushButton *>(u"saleRetry"_s), Qt::LeftButton);
    // The declined attempt holds nothing: the customer can still be added to the same order.
    QVERIFY(m_page->chooseCustomerButton()->isEnabled());
    m_page->setCustomer(customerId, u"Bo Chan"_s);
    QCOMPARE(m_page->currentSale()->order().customerId, customerId);
    QCOMPARE(m_page->currentSale()->orderRef(), orderRef);
    enter(); // Enter pays by the saved card once there is one
    QVERIFY(waitForState(Sale::State::Approved));
    QCOMPARE(m_page->currentSale()->method(), Sale::Method::SavedCard);
    QCOMPARE(m_page->currentSale()->result().amount.minorUnits(), 640);
    // Once approved, the customer is fixed.
    QVERIFY(!m_page->chooseCustomerButton()->isEnabled());
}

void TestSalePage::printReceiptAsksForTheApprovedPayment()
{
    QSignalSpy receipts(m_page.get(), &SalePage::receiptRequested);
    typeAmount(u"300"_s);
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa_chargeDeclined"_s));
    enter();
    QVERIFY(waitForState(Sale::State::Declined));
    QVERIFY(!m_page->receiptButton()->isVisible()); // nothing to print for a decline
    QTest::keyClick(m_page.get(), Qt::Key_P, Qt::ControlModifier);
    QCOMPARE(receipts.count(), 0);

    QTest::mouseClick(m_page->findChild<QPushButton *>(u"saleRetry"_s), Qt::LeftButton);
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa"_s));
    enter();
    QVERIFY(waitForState(Sale::State::Approved));
    QVERIFY(m_page->receiptButton()->isVisible());
    QTest::mouseClick(m_page->receiptButton(), Qt::LeftButton);
    QCOMPARE(receipts.count(), 1);
    QCOMPARE(receipts.at(0).at(0).toString(), m_page->currentSale()->paymentIntentId());
    QVERIFY(receipts.at(0).at(0).toString().startsWith(u"pi_"_s));
    QTest::keyClick(m_page.get(), Qt::Key_P, Qt::ControlModifier);
    QCOMPARE(receipts.count(), 2);
}

void TestSalePage::restartMidSaleResumesWithoutASecondCharge()
{
    // The charge reaches Stripe, the answer never comes back: the till cannot know it was paid.
    m_fixture->client->setMaxRetries(0);
    kassa::sim::Faults faults;
    faults.dropAfterCommitRate = 1.0;
    m_fixture->simulator->setFaults(faults);
    typeAmount(u"3300"_s);
    m_page->descriptionField()->setText(u"Lamp"_s);
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa"_s));
    enter();
    QVERIFY(waitForState(Sale::State::Unknown));
    const QString orderRef = m_page->currentSale()->orderRef();
    QVERIFY(!m_page->newSaleButton()->isEnabled()); // no new sale while it may have been paid
    shot(u"result-unknown"_s);

    // The till restarts and the network is back.
    m_fixture->simulator->setFaults({});
    QCOMPARE(intentsOf(orderRef), 1); // Stripe made it
    restartTill();
    QCOMPARE(m_page->interruptedOrders(), QStringList{orderRef});
    QVERIFY(m_page->resumeButton()->isVisible());
    auto *bannerText = m_page->findChild<QLabel *>(u"saleInterruptedText"_s);
    QVERIFY2(bannerText->text().contains(u"$33.00 (Lamp)"_s), qPrintable(bannerText->text()));
    shot(u"entry-interrupted"_s);

    QTest::keyClick(m_page.get(), Qt::Key_F8);
    QVERIFY(m_page->currentSale());
    QCOMPARE(m_page->currentSale()->orderRef(), orderRef);
    QCOMPARE(m_page->amountDisplay()->minorUnits(), 3300);
    QCOMPARE(m_page->descriptionField()->text(), u"Lamp"_s);
    QVERIFY(waitForState(Sale::State::Approved));
    QVERIFY(m_page->resultText().contains(u"4242"_s));
    QCOMPARE(intentsOf(orderRef), 1);
    enter(); // and Enter on the result charges nothing more
    QCOMPARE(intentsOf(orderRef), 1);

    // Done: nothing left to resume.
    QTest::mouseClick(m_page->newSaleButton(), Qt::LeftButton);
    QVERIFY(m_page->interruptedOrders().isEmpty());
    QVERIFY(!m_page->resumeButton()->isVisible());
}

void TestSalePage::restartDuringThreeDSecureResumesTheWait()
{
    typeAmount(u"4100"_s);
    m_page->testCardBox()->setCurrentIndex(
        m_page->testCardBox()->findData(u"pm_card_authenticationRequired"_s));
    enter();
    QVERIFY(waitForState(Sale::State::WaitingForAuthentication));
    const QString orderRef = m_page->currentSale()->orderRef();
    const QUrl url = m_page->currentSale()->actionUrl();

    // The till restarts while the customer still holds the bank's page: the outbox has nothing
    // unfinished, the customer can still pay, so the page offers the sale.
    restartTill();
    QCOMPARE(m_page->interruptedOrders(), QStringList{orderRef});
    QTest::mouseClick(m_page->resumeButton(), Qt::LeftButton);
    QVERIFY(waitForState(Sale::State::WaitingForAuthentication));
    QCOMPARE(m_page->qrCode()->text(), url.toString());
    QCOMPARE(kassa::sync::test::postHostedForm(url, "result=succeed"), 200);
    QVERIFY(waitForState(Sale::State::Approved));
    QCOMPARE(intentsOf(orderRef), 1);
    QTest::mouseClick(m_page->newSaleButton(), Qt::LeftButton);
    QVERIFY(m_page->interruptedOrders().isEmpty());
}

void TestSalePage::touchTargetsAndAccessibleNames()
{
    const QString customerId = customerWithSavedCards(u"Cy Dee"_s);
    m_page->setCustomer(customerId, u"Cy Dee"_s);
    typeAmount(u"100"_s);
    QApplication::processEvents();
    auto check = [](QWidget *screen) {
        for (QWidget *control : screen->findChildren<QWidget *>()) {
            if (!control->isVisible())
                continue;
            const bool tappable = qobject_cast<QPushButton *>(control) ||
                                  qobject_cast<QComboBox *>(control) || qobject_cast<QLineEdit *>(control);
            if (!tappable)
                continue;
            QVERIFY2(control->height() >= 44, qPrintable(control->objectName()));
            QVERIFY2(control->width() >= 44, qPrintable(control->objectName()));
            QVERIFY2(!control->accessibleName().isEmpty(), qPrintable(control->objectName()));
        }
    };
    check(m_page.get());
    m_page->testCardBox()->setCurrentIndex(m_page->testCardBox()->findData(u"pm_card_visa"_s));
    QTest::keyClick(m_page.get(), Qt::Key_F2);
    QVERIFY(waitForState(Sale::State::Approved));
    check(m_page.get());

    // Tab order on the entry screen: amount, currency, description, then the customer.
    QTest::mouseClick(m_page->newSaleButton(), Qt::LeftButton);
    QVERIFY(m_page->amountDisplay()->hasFocus());
    const QList<QWidget *> order{m_page->currencyBox(), m_page->descriptionField(),
                                 m_page->chooseCustomerButton()};
    for (QWidget *next : order) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), next);
    }
}

QTEST_MAIN(TestSalePage)
#include "tst_salepage.moc"
