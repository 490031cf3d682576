// SPDX-License-Identifier: GPL-3.0-or-later
// The Transactions page over a SQLite store of generated payments, with QAbstractItemModelTester on its
// model: each filter of the bar (status, cashier, date range, amount range, text) narrows the rows to
// what the store counts for it; the total beyond the cap reads "N+ payments"; the detail pane of a
// seeded payment shows its charge, refunds, event timeline (its own, its charge's and its refund's
// events, oldest first, no one else's) and receipts; the actions' targets (clipboard, Dashboard URL).
#include "app/gui/pages/transactionspage.h"

#include "storetestsupport.h"

#include "app/gui/demo/demosession.h"
#include "app/gui/models/transactionsmodel.h"
#include "app/gui/pages/transactiondetailpane.h"
#include "app/gui/receipts/receiptdocument.h"
#include "services/store/chargerepository.h"
#include "services/store/eventrepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/transaction.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

constexpr int PaymentCount = 600;
// Noon UTC, 20 Nov 2026: a payment every 20 minutes from here, so that local days hold many.
constexpr qint64 FirstCreated = 1'795'176'000;

PaymentSpec generated(int i)
{
    return PaymentSpec{.id = u"pi_gen%1"_s.arg(i, 5, 10, QLatin1Char('0')),
                       .amount = 500 + (i % 10) * 250, // $5.00 ... $27.50
                       .status = i % 4 == 0 ? u"canceled"_s : u"succeeded"_s,
                       .created = FirstCreated + i * 1200,
                       .description = u"Espresso"_s,
                       .cashier = i % 3 == 0 ? u"anna"_s : (i % 3 == 1 ? u"ben"_s : u"cara"_s)};
}

template<typename Set>
PaymentFilter makeFilter(Set set)
{
    PaymentFilter filter;
    set(filter);
    return filter;
}

} // namespace

class TestTransactionsPage : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void columnsAndSummary();
    void statusFilter();
    void cashierFilter();
    void dateRange();
    void amountRange();
    void filtersCombineAndClear();
    void cappedCount();
    void detailPaneOfASeededPayment();
    void receiptOfARefund();
    void actions();
    void demoShop();
    void typingEndsWithTheLastSearch();
    void slowSearchKeepsRowsAndShowsBusy();
    void failedSearchSaysWhy();
    void closedWhileSearching();

private:
    // Waits for the model's background reads to end.
    bool settled();
    void makePage();
    // Applies the bar at once and checks the model against the store's own count of `expected`.
    void expectRows(const PaymentFilter &expected);
    int rowOf(const QString &paymentIntentId);

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<TransactionsPage> m_page;
};

void TestTransactionsPage::init()
{
    m_fixture = std::make_unique<TestStore>();
    QString message;
    QCOMPARE(m_fixture->create(u"sqlite"_s, &message), TestStore::Status::Ready);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));

    QList<QJsonObject> objects;
    for (int i = 0; i < PaymentCount; ++i)
        objects << paymentIntent(generated(i));
    // The seeded payment: the newest, with a charge, a refund and events.
    objects << paymentIntent({.id = u"pi_seeded"_s,
                              .amount = 4200,
                              .created = FirstCreated + PaymentCount * 1200,
                              .description = u"Birthday cake"_s,
                              .cashier = u"ben"_s,
                              .latestCharge = u"ch_seeded"_s});
    VERIFY_RESULT(PaymentRepository(*m_db).upsertMany(objects, FirstCreated + PaymentCount * 1200 + 10));
    QJsonObject paid = charge({.id = u"ch_seeded"_s,
                               .paymentIntent = u"pi_seeded"_s,
                               .amount = 4200,
                               .amountRefunded = 1000,
                               .created = FirstCreated + PaymentCount * 1200 + 1});
    paid.insert(u"receipt_url"_s, u"https://pay.stripe.com/receipts/payment/seeded"_s);
    paid.insert(u"outcome"_s, QJsonObject{{u"type"_s, u"authorized"_s},
                                          {u"network_status"_s, u"approved_by_network"_s},
                                          {u"risk_level"_s, u"normal"_s},
                                          {u"risk_score"_s, 12},
                                          {u"seller_message"_s, u"Payment complete."_s}});
    VERIFY_RESULT(ChargeRepository(*m_db).upsert(paid, FirstCreated + PaymentCount * 1200 + 10));
    VERIFY_RESULT(
        RefundRepository(*m_db).upsert(refund({.id = u"re_seeded"_s,
                                               .charge = u"ch_seeded"_s,
                                               .paymentIntent = u"pi_seeded"_s,
                                               .amount = 1000,
                                               .created = FirstCreated + PaymentCount * 1200 + 500}),
                                       FirstCreated + PaymentCount * 1200 + 510));
    EventRepository events(*m_db);
    Transaction transaction(*m_db);
    const qint64 t = FirstCreated + PaymentCount * 1200;
    QVERIFY(events.markProcessed(u"evt_3"_s, u"charge.refunded"_s, t + 500, u"ch_seeded"_s).valueOr(false));
    QVERIFY(events.markProcessed(u"evt_1"_s, u"payment_intent.created"_s, t, u"pi_seeded"_s).valueOr(false));
    QVERIFY(events.markProcessed(u"evt_2"_s, u"payment_intent.succeeded"_s, t + 1, u"pi_seeded"_s)
                .valueOr(false));
    QVERIFY(events.markProcessed(u"evt_4"_s, u"refund.created"_s, t + 501, u"re_seeded"_s).valueOr(false));
    QVERIFY(
        events.markProcessed(u"evt_x"_s, u"payment_intent.created"_s, t, u"pi_gen00001"_s).valueOr(false));
    VERIFY_STORE(transaction.commit());
    makePage();
}

void TestTransactionsPage::cleanup()
{
    m_page.reset();
    m_db.reset();
    m_fixture.reset();
}

void TestTransactionsPage::makePage()
{
    m_page = std::make_unique<TransactionsPage>(*m_db);
    new QAbstractItemModelTester(m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_page.get());
    m_page->model()->setLocale(QLocale(QLocale::English, QLocale::UnitedStates));
    m_page->detailPane()->setLocale(QLocale(QLocale::English, QLocale::UnitedStates));
    m_page->resize(1280, 760);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

bool TestTransactionsPage::settled()
{
    return QTest::qWaitFor([this] { return !m_page->model()->isLoading(); }, 5000);
}

void TestTransactionsPage::expectRows(const PaymentFilter &expected)
{
    m_page->applyFilters();
    QVERIFY(settled());
    const qint64 count = PaymentRepository(*m_db).count(expected).valueOr(-1);
    QVERIFY(count >= 0);
    QCOMPARE(m_page->model()->totalCount(), count);
    QCOMPARE(m_page->summaryText(),
             count == 1 ? u"1 payment"_s : u"%1 payments"_s.arg(QLocale().toString(count)));
    QAbstractItemModel *model = m_page->model();
    while (model->canFetchMore({})) {
        model->fetchMore({});
        QVERIFY(settled());
    }
    QCOMPARE(model->rowCount(), count);
}

int TestTransactionsPage::rowOf(const QString &paymentIntentId)
{
    QAbstractItemModel *model = m_page->model();
    for (;;) {
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data(TransactionsModel::PaymentIdRole).toString() == paymentIntentId)
                return row;
        }
        if (!model->canFetchMore({}))
            return -1;
        model->fetchMore({});
        if (!settled())
            return -1;
    }
}

void TestTransactionsPage::columnsAndSummary()
{
    QAbstractItemModel *model = m_page->model();
    const QStringList expected{u"Date"_s,     u"Amount"_s,      u"Status"_s,  u"Method"_s,
                               u"Customer"_s, u"Description"_s, u"Cashier"_s, u"Refunded"_s};
    QCOMPARE(model->columnCount(), expected.size());
    for (int column = 0; column < expected.size(); ++column)
        QCOMPARE(model->headerData(column, Qt::Horizontal).toString(), expected.at(column));
    QCOMPARE(m_page->summaryText(), u"%1 payments"_s.arg(QLocale().toString(PaymentCount + 1)));
    QVERIFY(m_page->detailPane()->paymentId().isEmpty());
    QVERIFY(!m_page->detailPane()->isVisible());
    // The cashiers the filter offers: every one the payments name.
    QStringList cashiers;
    for (int i = 0; i < m_page->cashierFilter()->count(); ++i)
        cashiers << m_page->cashierFilter()->itemData(i).toString();
    QCOMPARE(cashiers, (QStringList{QString(), u"anna"_s, u"ben"_s, u"cara"_s}));
}

void TestTransactionsPage::statusFilter()
{
    m_page->statusFilter()->setCurrentIndex(m_page->statusFilter()->findText(u"Canceled"_s));
    expectRows(makeFilter([](PaymentFilter &f) { f.statuses = {u"canceled"_s}; }));
    QCOMPARE(m_page->model()->totalCount(), PaymentCount / 4);
    for (int row = 0; row < m_page->model()->rowCount(); ++row)
        QCOMPARE(m_page->model()->index(row, 0).data(TransactionsModel::StatusRole).toString(),
                 u"canceled"_s);
}

void TestTransactionsPage::cashierFilter()
{
    m_page->cashierFilter()->setCurrentIndex(m_page->cashierFilter()->findData(u"ben"_s));
    expectRows(makeFilter([](PaymentFilter &f) { f.cashier = u"ben"_s; }));
    QCOMPARE(m_page->model()->totalCount(), PaymentCount / 3 + 1); // and pi_seeded
    for (int row = 0; row < m_page->model()->rowCount(); ++row)
        QCOMPARE(m_page->model()->index(row, TransactionsModel::CashierColumn).data().toString(), u"ben"_s);
}

void TestTransactionsPage::dateRange()
{
    const QDate day = QDateTime::fromSecsSinceEpoch(FirstCreated + 2 * 86400).date();
    m_page->fromDate()->setDate(day);
    m_page->toDate()->setDate(day);
    expectRows(makeFilter([&](PaymentFilter &f) {
        f.createdFrom = day.startOfDay().toSecsSinceEpoch();
        f.createdTo = day.addDays(1).startOfDay().toSecsSinceEpoch();
    }));
    QCOMPARE(m_page->model()->totalCount(), 72); // one a 20 minutes
    // Only a start: everything from then on.
    m_page->toDate()->setDate(m_page->toDate()->minimumDate());
    QCOMPARE(m_page->toDate()->text(), u"Any"_s);
    expectRows(makeFilter([&](PaymentFilter &f) { f.createdFrom = day.startOfDay().toSecsSinceEpoch(); }));
}

void TestTransactionsPage::amountRange()
{
    QTest::keyClicks(m_page->minAmountField(), u"10"_s);
    QTest::keyClicks(m_page->maxAmountField(), u"15.00"_s);
    expectRows(makeFilter([](PaymentFilter &f) {
        f.amountMin = 1000;
        f.amountMax = 1500;
        f.currency = u"usd"_s;
    }));
    QCOMPARE(m_page->model()->totalCount(), 3 * PaymentCount / 10); // $10.00, $12.50, $15.00
    // What does not read as money is marked, and ignored.
    m_page->maxAmountField()->setText(u"12,34,5x"_s);
    m_page->applyFilters();
    QVERIFY(!m_page->maxAmountField()->styleSheet().isEmpty());
    QVERIFY(!m_page->maxAmountField()->toolTip().isEmpty());
    QVERIFY(!m_page->model()->filter().amountMax.has_value());
    QCOMPARE(m_page->model()->filter().currency, u"usd"_s); // the minimum still holds
    m_page->minAmountField()->clear();
    m_page->maxAmountField()->clear();
    m_page->applyFilters();
    QVERIFY(m_page->model()->filter().currency.isEmpty());
}

void TestTransactionsPage::filtersCombineAndClear()
{
    m_page->statusFilter()->setCurrentIndex(m_page->statusFilter()->findText(u"Succeeded"_s));
    m_page->cashierFilter()->setCurrentIndex(m_page->cashierFilter()->findData(u"anna"_s));
    m_page->searchField()->setText(u"espresso"_s);
    expectRows(makeFilter([](PaymentFilter &f) {
        f.statuses = {u"succeeded"_s};
        f.cashier = u"anna"_s;
        f.text = u"espresso"_s;
    }));
    QVERIFY(m_page->model()->totalCount() > 0);
    QVERIFY(m_page->model()->totalCount() < PaymentCount / 3);
    // The search box alone waits for the typing to stop.
    m_page->searchField()->setText(u"birthday"_s);
    QTRY_COMPARE(m_page->model()->totalCount(), 0); // pi_seeded is ben's
    QTest::mouseClick(m_page->clearFiltersButton(), Qt::LeftButton);
    QVERIFY(settled());
    QCOMPARE(m_page->model()->totalCount(), PaymentCount + 1);
    QVERIFY(m_page->searchField()->text().isEmpty());
    QCOMPARE(m_page->cashierFilter()->currentIndex(), 0);
}

void TestTransactionsPage::cappedCount()
{
    // Beyond the cap the total is a lower bound, and says so.
    m_page->model()->setCountCap(100);
    m_page->model()->reload();
    QVERIFY(settled());
    QVERIFY(!m_page->model()->isTotalExact());
    QCOMPARE(m_page->summaryText(), u"100+ payments"_s);
    m_page->cashierFilter()->setCurrentIndex(m_page->cashierFilter()->findData(u"anna"_s));
    m_page->applyFilters();
    QVERIFY(settled());
    QCOMPARE(m_page->summaryText(), u"100+ payments"_s);
    m_page->statusFilter()->setCurrentIndex(m_page->statusFilter()->findText(u"Canceled"_s));
    m_page->applyFilters();
    QVERIFY(settled());
    QVERIFY(m_page->model()->isTotalExact());
    QCOMPARE(m_page->summaryText(), u"50 payments"_s); // every 12th payment
    QCOMPARE(TransactionsModel::DefaultCountCap, 10'000);
}

void TestTransactionsPage::detailPaneOfASeededPayment()
{
    const int row = rowOf(u"pi_seeded"_s);
    QCOMPARE(row, 0); // the newest
    m_page->table()->selectRow(row);
    TransactionDetailPane *pane = m_page->detailPane();
    QCOMPARE(pane->paymentId(), u"pi_seeded"_s);
    QVERIFY(pane->isVisible());

    QVERIFY(pane->summaryText().contains(u"pi_seeded"_s));
    QVERIFY(pane->summaryText().contains(u"Birthday cake"_s));
    QVERIFY(pane->summaryText().contains(u"ben"_s));
    const QString chargeText = pane->chargeText();
    QVERIFY2(chargeText.contains(u"ch_seeded"_s), qPrintable(chargeText));
    QVERIFY(chargeText.contains(u"Authorized"_s));
    QVERIFY(chargeText.contains(u"Approved by network"_s));
    QVERIFY(chargeText.contains(u"Normal (score 12)"_s));
    QVERIFY(chargeText.contains(u"Visa •••• 4242"_s));
    QVERIFY(chargeText.contains(u"expires 08/2030"_s));

    QCOMPARE(pane->refundLines().size(), 1);
    QVERIFY(pane->refundLines().first().contains(u"re_seeded"_s));
    QVERIFY(pane->refundLines().first().contains(u"$10.00"_s));

    // Its own events, its charge's and its refund's, oldest first; not pi_gen00001's.
    QStringList types;
    for (const QString &line : pane->eventLines())
        types << line.section(u"  "_s, -1);
    QCOMPARE(types, (QStringList{u"payment_intent.created"_s, u"payment_intent.succeeded"_s,
                                 u"charge.refunded"_s, u"refund.created"_s}));

    QVERIFY(pane->receipt());
    QCOMPARE(pane->receipt()->kind, receipts::ReceiptData::Kind::Sale);
    const QString preview = pane->receiptPreview()->toPlainText();
    QVERIFY2(preview.contains(u"SALE (TEST)"_s), qPrintable(preview));
    QVERIFY(preview.contains(u"$42.00"_s));
    QVERIFY(preview.contains(u"TEST MODE"_s));

    // A payment with no events says where it came from.
    m_page->table()->selectRow(1);
    QVERIFY(pane->paymentId() != u"pi_seeded"_s);
    QVERIFY(pane->eventLines().isEmpty());
    QVERIFY(pane->refundLines().isEmpty());
    // No selection: no pane, the table has the whole width.
    m_page->table()->clearSelection();
    QVERIFY(pane->paymentId().isEmpty());
    QVERIFY(!pane->isVisible());
}

void TestTransactionsPage::receiptOfARefund()
{
    m_page->table()->selectRow(rowOf(u"pi_seeded"_s));
    TransactionDetailPane *pane = m_page->detailPane();
    QComboBox *choice = pane->receiptChoice();
    QCOMPARE(choice->count(), 2);
    choice->setCurrentIndex(choice->findData(u"re_seeded"_s));
    QVERIFY(pane->receipt());
    QCOMPARE(pane->receipt()->kind, receipts::ReceiptData::Kind::Refund);
    QCOMPARE(pane->receipt()->originalPaymentId, u"pi_seeded"_s);
    const QString preview = pane->receiptPreview()->toPlainText();
    QVERIFY2(preview.contains(u"REFUND (TEST)"_s), qPrintable(preview));
    QVERIFY(preview.contains(u"Refund of the sale pi_seeded"_s));
    choice->setCurrentIndex(0);
    QCOMPARE(pane->receipt()->kind, receipts::ReceiptData::Kind::Sale);
}

void TestTransactionsPage::actions()
{
    TransactionDetailPane *pane = m_page->detailPane();
    QCOMPARE(TransactionDetailPane::dashboardUrl(u"pi_1"_s, true),
             QUrl(u"https://dashboard.stripe.com/test/payments/pi_1"_s));
    QCOMPARE(TransactionDetailPane::dashboardUrl(u"pi_1"_s, false),
             QUrl(u"https://dashboard.stripe.com/payments/pi_1"_s));
    m_page->setTestMode(true);
    m_page->table()->selectRow(rowOf(u"pi_seeded"_s));
    QCOMPARE(pane->dashboardButton()->toolTip(), u"https://dashboard.stripe.com/test/payments/pi_seeded"_s);
    for (QPushButton *button :
         {pane->printButton(), pane->pdfButton(), pane->copyIdButton(), pane->dashboardButton()}) {
        QVERIFY(button->isEnabled());
        QVERIFY(!button->accessibleName().isEmpty());
    }
    QTest::mouseClick(pane->copyIdButton(), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), u"pi_seeded"_s);
}

void TestTransactionsPage::demoShop()
{
    // The page over the demo shop, as `kassa --demo` shows it: a refunded payment's details and receipts.
    // With KASSA_SCREENSHOT_DIR set, the page and the receipts are saved there as PNGs (and a PDF) to
    // be looked at.
    m_page.reset();
    DemoSession::Options options;
    options.payments = 300;
    options.hasher = security::PinHasher::insecureForTests(1000);
    DemoSession demo(options);
    QSignalSpy ready(&demo, &DemoSession::ready);
    QSignalSpy failed(&demo, &DemoSession::failed);
    demo.start();
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 60'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));

    QString refunded;
    PaymentFilter succeeded;
    succeeded.statuses = {u"succeeded"_s};
    PageRequest request;
    request.limit = 100;
    const StoreResult<Page<PaymentRow>> page = PaymentRepository(demo.database()).page(succeeded, request);
    VERIFY_RESULT(page);
    for (const PaymentRow &row : page.value().rows) {
        if (row.amountRefunded.isPositive() && row.amountRefunded < row.amountReceived &&
            !row.cardLast4.isEmpty()) {
            refunded = row.id;
            break;
        }
    }
    QVERIFY2(!refunded.isEmpty(), "the demo shop has no partially refunded card payment among its newest");

    TransactionsPage transactions(demo.database());
    new QAbstractItemModelTester(transactions.model(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 &transactions);
    transactions.setTestMode(true);
    transactions.setRefundsEnabled(true);
    // The page as the main window holds it at 1280 × 760, beside the navigation.
    transactions.resize(1100, 640);
    transactions.show();
    QVERIFY(QTest::qWaitForWindowExposed(&transactions));
    QCOMPARE(transactions.cashierFilter()->count() > 1, true);
    int row = -1;
    for (int i = 0; i < transactions.model()->rowCount() && row < 0; ++i) {
        if (transactions.model()->index(i, 0).data(TransactionsModel::PaymentIdRole).toString() == refunded)
            row = i;
    }
    QVERIFY(row >= 0);
    transactions.table()->selectRow(row);
    TransactionDetailPane *pane = transactions.detailPane();
    QCOMPARE(pane->paymentId(), refunded);
    QVERIFY(!pane->refundLines().isEmpty());
    QVERIFY(pane->receipt());
    QVERIFY(pane->receipt()->testMode);
    QVERIFY(!pane->receipt()->receiptUrl.isEmpty());
    QVERIFY(!pane->receipt()->cashier.isEmpty());
    QVERIFY(pane->receiptPreview()->toPlainText().contains(u"TEST MODE"_s));

    const QString dir = qEnvironmentVariable("KASSA_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QTest::qWait(200);
    QVERIFY(transactions.grab().save(QDir(dir).filePath(u"transactions.png"_s)));
    QVERIFY(ReceiptDocument::toImage(*pane->receipt(), 150).save(QDir(dir).filePath(u"receipt-sale.png"_s)));
    QVERIFY(ReceiptDocument::savePdf(QDir(dir).filePath(u"receipt-sale.pdf"_s), *pane->receipt()));
    pane->receiptChoice()->setCurrentIndex(1);
    QCOMPARE(pane->receipt()->kind, receipts::ReceiptData::Kind::Refund);
    QVERIFY(
        ReceiptDocument::toImage(*pane->receipt(), 150).save(QDir(dir).filePath(u"receipt-refund.png"_s)));
    QVERIFY(transactions.grab().save(QDir(dir).filePath(u"transactions-refund-receipt.png"_s)));
    transactions.statusFilter()->setCurrentIndex(1);
    transactions.cashierFilter()->setCurrentIndex(1);
    QTest::qWait(100); // the splitter lays out again without the pane
    QVERIFY(transactions.grab().save(QDir(dir).filePath(u"transactions-filtered.png"_s)));
}

void TestTransactionsPage::typingEndsWithTheLastSearch()
{
    QVERIFY(m_page->model()->readsInBackground());
    // Typed quickly, with a pause in the middle: each search may replace one still running.
    for (const QString &text : {u"esp"_s, u"espr"_s, u"espre"_s}) {
        m_page->searchField()->setText(text);
        QTest::qWait(5);
    }
    QTest::qWait(TransactionsPage::SearchDelayMs + 50);
    for (const QString &text : {u"bir"_s, u"birt"_s, u"birthday"_s})
        m_page->searchField()->setText(text);
    QVERIFY(QTest::qWaitFor([this] { return m_page->model()->filter().text == u"birthday"_s; }, 5000));
    QVERIFY(settled());
    QCOMPARE(m_page->model()->rowCount(), 1);
    QCOMPARE(m_page->model()->index(0, 0).data(TransactionsModel::PaymentIdRole).toString(), u"pi_seeded"_s);
    QCOMPARE(m_page->summaryText(), u"1 payment"_s);
    QVERIFY(m_page->table()->isEnabled());
    QVERIFY(!m_page->busyIndicator()->isVisible());
}

void TestTransactionsPage::slowSearchKeepsRowsAndShowsBusy()
{
    m_page->model()->setReadHookForTests([](const PaymentFilter &filter) {
        if (filter.text == u"birthday"_s)
            QThread::msleep(600);
        return StoreError();
    });
    const int shown = m_page->model()->rowCount();
    QVERIFY(shown > 0);
    m_page->searchField()->setText(u"birthday"_s);
    m_page->applyFilters();
    // The rows stay, greyed out once the search takes longer than a moment, with the busy bar.
    QVERIFY(m_page->model()->isReloading());
    QCOMPARE(m_page->model()->rowCount(), shown);
    QTest::qWait(TransactionsPage::BusyDelayMs + 80);
    QCOMPARE(m_page->model()->rowCount(), shown);
    QVERIFY(m_page->busyIndicator()->isVisible());
    QVERIFY(!m_page->table()->isEnabled());
    const QString dir = qEnvironmentVariable("KASSA_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        QVERIFY(m_page->grab().save(QDir(dir).filePath(u"transactions-searching.png"_s)));
    }
    QVERIFY(settled());
    QCOMPARE(m_page->model()->rowCount(), 1);
    QVERIFY(!m_page->busyIndicator()->isVisible());
    QVERIFY(m_page->table()->isEnabled());
    QCOMPARE(m_page->summaryText(), u"1 payment"_s);
    if (!dir.isEmpty())
        QVERIFY(m_page->grab().save(QDir(dir).filePath(u"transactions-searched.png"_s)));
}

void TestTransactionsPage::failedSearchSaysWhy()
{
    m_page->model()->setReadHookForTests([](const PaymentFilter &) {
        return StoreError::make(StoreError::Kind::Busy, u"database is locked"_s);
    });
    m_page->searchField()->setText(u"espresso"_s);
    m_page->applyFilters();
    QVERIFY(settled());
    // Not an empty table without a word: the table itself says what went wrong, and so does the total.
    QCOMPARE(m_page->model()->rowCount(), 0);
    QVERIFY2(m_page->tableMessage().contains(u"database is locked"_s), qPrintable(m_page->tableMessage()));
    QCOMPARE(m_page->summaryText(), u"Not read"_s);
    QVERIFY(!m_page->busyIndicator()->isVisible());
    const QString dir = qEnvironmentVariable("KASSA_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        QVERIFY(m_page->grab().save(QDir(dir).filePath(u"transactions-error.png"_s)));
    }
    // The next search that works takes the message away.
    m_page->model()->setReadHookForTests({});
    m_page->searchField()->setText(u"birthday"_s);
    m_page->applyFilters();
    QVERIFY(settled());
    QCOMPARE(m_page->model()->rowCount(), 1);
    QVERIFY(m_page->tableMessage().isEmpty());
    QCOMPARE(m_page->summaryText(), u"1 payment"_s);
}

void TestTransactionsPage::closedWhileSearching()
{
    m_page->model()->setReadHookForTests([](const PaymentFilter &) {
        QThread::msleep(300);
        return StoreError();
    });
    m_page->searchField()->setText(u"espresso"_s);
    m_page->applyFilters();
    m_page->searchField()->setText(u"birthday"_s);
    m_page->applyFilters();
    QTest::qWait(30);
    QElapsedTimer timer;
    timer.start();
    m_page.reset();
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QTest::qWait(400); // nothing arrives for the closed page
}

QTEST_MAIN(TestTransactionsPage)
#include "tst_transactionspage.moc"
