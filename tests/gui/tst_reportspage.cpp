// SPDX-License-Identifier: GPL-3.0-or-later
// The Reports page over a SQLite store seeded with a known shop day (Friday 2026-11-20 in Berlin): the
// figures per currency, the breakdowns by method and brand and by cashier, the hourly chart, a shift
// from the log-ins, a range of dates, a refresh after a new sale, the CSV and the PDF of what is shown,
// and a cashier, whom the service refuses. Offscreen; QAbstractItemModelTester watches every model.
#include "storetestsupport.h"

#include "app/gui/demo/demosession.h"
#include "app/gui/models/reportlinesmodel.h"
#include "app/gui/pages/reportspage.h"
#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "app/gui/widgets/hourlysaleschart.h"
#include "app/gui/widgets/reportcurrencysection.h"
#include "services/reports/reportcsv.h"
#include "services/security/auditlog.h"
#include "services/store/chargerepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

const QTimeZone Berlin(QByteArrayLiteral("Europe/Berlin"));
// 2026-11-20 00:00 CET.
constexpr qint64 Day = 1'795'129'200;
constexpr qint64 PreviousDay = Day - 86'400;

constexpr qint64 at(int hour, int minute = 0)
{
    return Day + hour * 3600 + minute * 60;
}

const security::ActingUser Manager{3, u"max"_s, Role::Manager, u"T2"_s};
const security::ActingUser Cashier{4, u"cara"_s, Role::Cashier, u"T2"_s};

Currency eur()
{
    return Currency::fromCode(u"eur").value();
}

Currency jpy()
{
    return Currency::fromCode(u"jpy").value();
}

QString money(qint64 minorUnits, Currency currency)
{
    return Money(minorUnits, currency).format(QLocale());
}

struct Sale
{
    QString id;
    qint64 amount = 0;
    QString currency = u"eur"_s;
    QString status = u"succeeded"_s;
    qint64 created = 0;
    QString till;
    QString cashier;
    QString method;
    QString brand;
};

} // namespace

class TestReportsPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void todayShowsTheFigures();
    void shiftFromLogIns();
    void rangeOfDates();
    void refreshShowsNewSales();
    void csvExport();
    void pdfSummary();
    void cashierIsRefused();
    void lockClearsTheFigures();
    void cancelDropsTheResult();
    void dialogsCloseWithThePage();
    void demoScreenshots();

private:
    void write(const Sale &sale);
    void writeRefund(const QString &id, const QString &payment, qint64 amount, const QString &currency,
                     const QString &status, qint64 created);
    void logIn(const QString &name, const QString &till, qint64 when);
    bool waitForReport(const std::function<void()> &trigger);
    void watchModels();

    TestStore m_store;
    std::unique_ptr<Database> m_db;
    qint64 m_clock = at(18);
    std::unique_ptr<ReportsPage> m_page;
};

void TestReportsPage::write(const Sale &sale)
{
    const QString chargeId = u"ch_"_s + sale.id.mid(3);
    QJsonObject json = paymentIntent({.id = sale.id,
                                      .amount = sale.amount,
                                      .currency = sale.currency,
                                      .status = sale.status,
                                      .created = sale.created,
                                      .till = sale.till,
                                      .cashier = sale.cashier,
                                      .latestCharge = sale.method.isEmpty() ? QString() : chargeId});
    if (sale.status != u"succeeded"_s) {
        json.insert(u"amount_received"_s, 0);
        json.insert(u"last_payment_error"_s, QJsonObject{{u"type"_s, u"card_error"_s},
                                                         {u"code"_s, u"card_declined"_s},
                                                         {u"message"_s, u"Your card was declined."_s}});
    }
    VERIFY_RESULT(PaymentRepository(*m_db).upsert(json, sale.created + 1));
    if (sale.method.isEmpty())
        return;
    QJsonObject chargeJson = charge({.id = chargeId,
                                     .paymentIntent = sale.id,
                                     .amount = sale.amount,
                                     .brand = sale.brand,
                                     .created = sale.created});
    chargeJson.insert(u"currency"_s, sale.currency);
    chargeJson.insert(
        u"payment_method_details"_s,
        QJsonObject{{u"type"_s, sale.method},
                    {sale.method, QJsonObject{{u"brand"_s, sale.brand}, {u"last4"_s, u"4242"_s}}}});
    VERIFY_RESULT(ChargeRepository(*m_db).upsert(chargeJson, sale.created + 1));
}

void TestReportsPage::writeRefund(const QString &id, const QString &payment, qint64 amount,
                                  const QString &currency, const QString &status, qint64 created)
{
    QJsonObject json = refund({.id = id,
                               .charge = u"ch_"_s + payment.mid(3),
                               .paymentIntent = payment,
                               .amount = amount,
                               .status = status,
                               .created = created});
    json.insert(u"currency"_s, currency);
    VERIFY_RESULT(RefundRepository(*m_db).upsert(json, created + 1));
}

void TestReportsPage::logIn(const QString &name, const QString &till, qint64 when)
{
    m_clock = when;
    security::AuditLog audit(*m_db);
    VERIFY_STORE(audit.record(security::ActingUser{9, name, Role::Cashier, till}, u"login"_s));
    m_clock = at(18);
}

// The shop's Friday. EUR: 12.50 (anna, T1, online Visa), 30.00 (anna, T2, reader Mastercard), 7.99 (ben,
// T2, reader Visa), a decline; a refund of 2.50 of the first and a pending one of 3.00 of the third.
// JPY: 1500 (ben, T2, online JCB) and a refund of 500. Yesterday: 50.00 (anna, T1). Anna logged in at
// T2 at 08:00, ben took over at 14:00.
void TestReportsPage::initTestCase()
{
    QString message;
    QCOMPARE(m_store.create(u"sqlite"_s, &message), TestStore::Status::Ready);
    StoreResult<std::unique_ptr<Database>> opened = m_store.open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    m_db->setClock([this] { return m_clock; });
    VERIFY_STORE(Migrations::migrate(*m_db));
    const QList<Sale> sales{
        {u"pi_a"_s, 1250, u"eur"_s, u"succeeded"_s, at(9, 15), u"T1"_s, u"anna"_s, u"card"_s, u"visa"_s},
        {u"pi_b"_s, 3000, u"eur"_s, u"succeeded"_s, at(9, 40), u"T2"_s, u"anna"_s, u"card_present"_s,
         u"mastercard"_s},
        {u"pi_c"_s, 799, u"eur"_s, u"succeeded"_s, at(14, 5), u"T2"_s, u"ben"_s, u"card_present"_s,
         u"visa"_s},
        {u"pi_d"_s, 1500, u"jpy"_s, u"succeeded"_s, at(14, 30), u"T2"_s, u"ben"_s, u"card"_s, u"jcb"_s},
        {u"pi_e"_s, 500, u"eur"_s, u"requires_payment_method"_s, at(10), u"T1"_s, u"anna"_s, {}, {}},
        {u"pi_old"_s, 5000, u"eur"_s, u"succeeded"_s, PreviousDay + 15 * 3600, u"T1"_s, u"anna"_s, u"card"_s,
         u"visa"_s},
    };
    for (const Sale &sale : sales) {
        write(sale);
        if (QTest::currentTestFailed())
            return;
    }
    writeRefund(u"re_1"_s, u"pi_a"_s, 250, u"eur"_s, u"succeeded"_s, at(12));
    writeRefund(u"re_2"_s, u"pi_c"_s, 300, u"eur"_s, u"pending"_s, at(15));
    writeRefund(u"re_3"_s, u"pi_d"_s, 500, u"jpy"_s, u"succeeded"_s, at(15, 30));
    logIn(u"anna"_s, u"T2"_s, at(8));
    logIn(u"ben"_s, u"T2"_s, at(14));
}

void TestReportsPage::init()
{
    ConsoleContext context;
    context.db = m_db.get();
    context.databaseConfig = m_store.config();
    context.till = u"T2"_s;
    context.testMode = true;
    m_page = std::make_unique<ReportsPage>(context);
    m_page->setTimeZone(Berlin);
    m_page->resize(1100, 800);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestReportsPage::cleanup()
{
    m_page.reset();
}

bool TestReportsPage::waitForReport(const std::function<void()> &trigger)
{
    QSignalSpy ready(m_page.get(), &ReportsPage::reportReady);
    trigger();
    return QTest::qWaitFor([&] { return !ready.isEmpty(); }, 10'000) && !m_page->isBusy();
}

void TestReportsPage::watchModels()
{
    for (ReportCurrencySection *section : m_page->sections()) {
        new QAbstractItemModelTester(section->methodModel(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest, section);
        new QAbstractItemModelTester(section->cashierModel(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest, section);
    }
}

void TestReportsPage::todayShowsTheFigures()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QVERIFY2(m_page->message().isEmpty(), qPrintable(m_page->message()));
    QVERIFY(m_page->report().has_value());
    QCOMPARE(m_page->report()->request.from, Day);
    QCOMPARE(m_page->sections().size(), 2);
    watchModels();

    ReportCurrencySection *euros = m_page->section(eur());
    QVERIFY(euros);
    QCOMPARE(euros->figure(u"gross"_s), money(5049, eur()));
    QCOMPARE(euros->figure(u"refunds"_s), money(250, eur()));
    QCOMPARE(euros->figure(u"net"_s), money(4799, eur()));
    QCOMPARE(euros->figure(u"sales"_s), u"3"_s);
    QCOMPARE(euros->figure(u"declined"_s), u"1 declined"_s);
    ReportCurrencySection *yen = m_page->section(jpy());
    QVERIFY(yen);
    QCOMPARE(yen->figure(u"gross"_s), money(1500, jpy()));
    QCOMPARE(yen->figure(u"net"_s), money(1000, jpy()));

    // By method and brand, then by cashier: the service's lines of this currency.
    ReportLinesModel *methods = euros->methodModel();
    QCOMPARE(methods->rowCount(), 3);
    const int visa = methods->rowOf(u"card"_s, u"visa"_s);
    QVERIFY(visa >= 0);
    QCOMPARE(methods->index(visa, ReportLinesModel::Name).data().toString(), u"Card (online)"_s);
    QCOMPARE(methods->index(visa, ReportLinesModel::Brand).data().toString(), u"Visa"_s);
    QCOMPARE(methods->index(visa, ReportLinesModel::Net).data().toString(), money(1000, eur()));
    QCOMPARE(methods->index(visa, ReportLinesModel::Net).data(ReportLinesModel::MinorUnitsRole).toLongLong(),
             1000);
    const int master = methods->rowOf(u"card_present"_s, u"mastercard"_s);
    QVERIFY(master >= 0);
    QCOMPARE(methods->index(master, ReportLinesModel::Gross).data().toString(), money(3000, eur()));
    ReportLinesModel *cashiers = euros->cashierModel();
    QCOMPARE(cashiers->rowCount(), 2);
    const int anna = cashiers->rowOf(u"anna"_s);
    QVERIFY(anna >= 0);
    QCOMPARE(cashiers->index(anna, ReportLinesModel::Sales).data().toString(), u"2"_s);
    QCOMPARE(cashiers->index(anna, ReportLinesModel::Net).data().toString(), money(4000, eur()));
    QCOMPARE(yen->cashierModel()->rowCount(), 1);

    // Sales per hour: 09:00 (two sales, 42.50) and 14:00 (7.99), on an axis from 08:00.
    HourlySalesChart *chart = euros->chart();
    QCOMPARE(chart->firstHour(), 8);
    QCOMPARE(chart->lastHour(), 19);
    QCOMPARE(chart->minorUnits().value(9 - 8), 4250);
    QCOMPARE(chart->minorUnits().value(14 - 8), 799);
    QCOMPARE(chart->minorUnits().value(10 - 8), 0);

    QVERIFY(m_page->exportButton()->isEnabled());
    QVERIFY(m_page->pdfButton()->isEnabled());

    // A refresh resets the same models under the testers.
    QVERIFY(waitForReport([this] { m_page->refresh(); }));
    QCOMPARE(m_page->section(eur()), euros);
    QCOMPARE(euros->methodModel()->rowCount(), 3);
}

void TestReportsPage::shiftFromLogIns()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QVERIFY(waitForReport([this] { m_page->setPeriod(ReportsPage::Period::Shift); }));
    QVERIFY(m_page->shiftBox()->isVisible());
    QCOMPARE(m_page->shifts().size(), 2);
    // Newest first, and this till's open shift picked: ben's since 14:00.
    QCOMPARE(m_page->shifts().at(0).cashier, u"ben"_s);
    QVERIFY(m_page->shifts().at(0).isOpen());
    QCOMPARE(m_page->shiftBox()->currentIndex(), 0);
    QCOMPARE(m_page->report()->request.cashier, u"ben"_s);
    QCOMPARE(m_page->report()->request.till, u"T2"_s);
    QCOMPARE(m_page->section(eur())->figure(u"gross"_s), money(799, eur()));

    // Anna's shift at T2, 08:00 to 14:00: her sale at T2 only (the one at T1 is not this till's).
    QCOMPARE(m_page->shifts().at(1).cashier, u"anna"_s);
    QCOMPARE(m_page->shifts().at(1).end, std::optional<qint64>(at(14)));
    QVERIFY(waitForReport([this] { m_page->selectShift(1); }));
    QCOMPARE(m_page->sections().size(), 1);
    ReportCurrencySection *euros = m_page->section(eur());
    QVERIFY(euros);
    watchModels();
    QCOMPARE(euros->figure(u"gross"_s), money(3000, eur()));
    QCOMPARE(euros->figure(u"net"_s), money(3000, eur()));
    QVERIFY(m_page->summaryTitle().contains(u"shift"_s));
    QVERIFY(m_page->summaryHtml().contains(u"Cashier: anna"_s));
}

void TestReportsPage::rangeOfDates()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QVERIFY(waitForReport([this] { m_page->setDates(QDate(2026, 11, 19), QDate(2026, 11, 20)); }));
    QCOMPARE(m_page->period(), ReportsPage::Period::Dates);
    QCOMPARE(m_page->report()->request.from, PreviousDay);
    ReportCurrencySection *euros = m_page->section(eur());
    QVERIFY(euros);
    QCOMPARE(euros->figure(u"gross"_s), money(10049, eur()));
    QCOMPARE(euros->figure(u"sales"_s), u"4"_s);
    // Over several days the chart adds up each hour of the day.
    QCOMPARE(euros->chart()->minorUnits().value(15 - 8), 5000);
}

void TestReportsPage::refreshShowsNewSales()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QCOMPARE(m_page->section(eur())->figure(u"gross"_s), money(5049, eur()));
    write({u"pi_new"_s, 500, u"eur"_s, u"succeeded"_s, at(16), u"T2"_s, u"ben"_s, u"card"_s, u"visa"_s});
    // What the events poller's batchApplied does.
    QVERIFY(waitForReport([this] { m_page->refresh(); }));
    QCOMPARE(m_page->section(eur())->figure(u"gross"_s), money(5549, eur()));
    // The other tests count on the day as seeded.
    VERIFY_RESULT(m_db->exec(u"DELETE FROM payments WHERE id = ?"_s, {u"pi_new"_s}));
}

void TestReportsPage::csvExport()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"day.csv"_s);
    QVERIFY2(m_page->exportCsv(file), qPrintable(m_page->message()));
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray bytes = written.readAll();
    QCOMPARE(bytes, reports::ReportCsv::toCsv(*m_page->report()));
    QVERIFY(bytes.contains("total,,,EUR,3,50.49,1,2.50"));
}

void TestReportsPage::pdfSummary()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    // The document as it prints: marked TEST, with the heading, the totals and the signature line.
    QTextDocument document;
    document.setHtml(m_page->summaryHtml());
    const QString text = document.toPlainText();
    QVERIFY2(text.startsWith(u"TEST"_s), qPrintable(text));
    QVERIFY(text.contains(u"TEST MODE"_s));
    QVERIFY(text.contains(u"Printed at till: T2"_s));
    QVERIFY(text.contains(u"Printed by: max"_s));
    QVERIFY(text.contains(money(5049, eur())));
    QVERIFY(text.contains(money(4799, eur())));
    QVERIFY(text.contains(money(1000, jpy())));
    QVERIFY(text.contains(u"Signature"_s));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"summary.pdf"_s);
    QVERIFY2(m_page->savePdf(file), qPrintable(m_page->message()));
    QFile pdf(file);
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    const QByteArray bytes = pdf.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY2(bytes.size() > 2000, QByteArray::number(bytes.size()).constData());
}

void TestReportsPage::cashierIsRefused()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Cashier); }));
    QVERIFY(!m_page->report().has_value());
    QVERIFY(m_page->sections().isEmpty());
    QVERIFY2(m_page->message().contains(u"managers and the owner"_s), qPrintable(m_page->message()));
    QVERIFY(!m_page->exportButton()->isEnabled());
    QVERIFY(!m_page->exportCsv(QDir::temp().filePath(u"never.csv"_s)));
}

void TestReportsPage::lockClearsTheFigures()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QVERIFY(!m_page->sections().isEmpty());
    m_page->setUser({});
    QVERIFY(!m_page->report().has_value());
    QVERIFY(m_page->sections().isEmpty());
    QVERIFY(!m_page->pdfButton()->isEnabled());
}

// Cancel while a report is computed: the bar goes at once, the figures from before stay, and the late
// result is dropped when it arrives.
void TestReportsPage::cancelDropsTheResult()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QVERIFY(m_page->report().has_value());
    QVERIFY(waitForReport([this] { m_page->setDates(QDate(2026, 11, 19), QDate(2026, 11, 20)); }));
    const qint64 shownFrom = m_page->report()->request.from;
    QSignalSpy ready(m_page.get(), &ReportsPage::reportReady);
    m_page->setPeriod(ReportsPage::Period::Today);
    QVERIFY(m_page->isBusy());
    QVERIFY(m_page->cancelButton()->isVisible());
    QTest::mouseClick(m_page->cancelButton(), Qt::LeftButton);
    QVERIFY(!m_page->isBusy());
    QVERIFY(!m_page->cancelButton()->isVisible());
    QVERIFY(m_page->message().startsWith(u"Stopped"_s));
    QTest::qWait(1500);
    QVERIFY(ready.isEmpty());
    QCOMPARE(m_page->report()->request.from, shownFrom);
}

// The file dialog of Export opens window-modal; when the page hides (the till locks) it goes.
void TestReportsPage::dialogsCloseWithThePage()
{
    QVERIFY(waitForReport([this] { m_page->setUser(Manager); }));
    QTest::mouseClick(m_page->exportButton(), Qt::LeftButton);
    QPointer<QDialog> dialog = m_page->openDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowModality(), Qt::WindowModal);
    m_page->hide();
    QTRY_VERIFY(!dialog);
    QVERIFY(!m_page->openDialog());
}

// With KASSA_SCREENSHOT_DIR set: the page over the demo shop (the simulator's history of about 2,000
// payments over 90 days, backfilled as `kassa --demo` does) as the owner sees it, today and over the
// last 30 days, saved as PNG for a person to look at. Skipped otherwise.
void TestReportsPage::demoScreenshots()
{
    const QString dir = qEnvironmentVariable("KASSA_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set KASSA_SCREENSHOT_DIR to save pictures of the page over the demo shop");
    QDir().mkpath(dir);
    DemoSession::Options options;
    options.hasher = security::PinHasher::insecureForTests(1000);
    DemoSession demo(options);
    QSignalSpy readySpy(&demo, &DemoSession::ready);
    QSignalSpy failedSpy(&demo, &DemoSession::failed);
    demo.start();
    QVERIFY(QTest::qWaitFor([&] { return !readySpy.isEmpty() || !failedSpy.isEmpty(); }, 120'000));
    QVERIFY(failedSpy.isEmpty());
    ConsoleContext context;
    context.db = &demo.database();
    context.databaseConfig = demo.databaseConfig();
    context.till = DemoSession::tillId();
    context.testMode = true;
    context.demo = true;
    {
        security::AuditLog audit(demo.database());
        VERIFY_STORE(
            audit.record(security::ActingUser{1, u"olga"_s, Role::Owner, DemoSession::tillId()}, u"login"_s));
    }
    m_page.reset();
    m_page = std::make_unique<ReportsPage>(context);
    m_page->resize(1060, 700);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    const security::ActingUser owner{1, u"olga"_s, Role::Owner, DemoSession::tillId()};
    QVERIFY(waitForReport([&] { m_page->setUser(owner); }));
    QTest::qWait(200);
    QVERIFY(m_page->grab().save(QDir(dir).filePath(u"reports-today.png"_s)));
    const QDate today = QDate::currentDate();
    QVERIFY(waitForReport([&] { m_page->setDates(today.addDays(-29), today); }));
    QTest::qWait(200);
    QVERIFY(m_page->grab().save(QDir(dir).filePath(u"reports-30days.png"_s)));
    QVERIFY(m_page->savePdf(QDir(dir).filePath(u"reports-30days.pdf"_s)));
    {
        // The summary as it prints, on a page-wide image (no PDF viewer needed to look at it).
        QTextDocument summary;
        summary.setHtml(m_page->summaryHtml());
        summary.setTextWidth(640);
        QImage image(QSize(680, int(summary.size().height()) + 40), QImage::Format_RGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.translate(20, 20);
        summary.drawContents(&painter);
        painter.end();
        QVERIFY(image.save(QDir(dir).filePath(u"reports-summary.png"_s)));
    }
    QVERIFY(waitForReport([&] { m_page->setPeriod(ReportsPage::Period::Shift); }));
    QTest::qWait(200);
    QVERIFY(m_page->grab().save(QDir(dir).filePath(u"reports-shift.png"_s)));
    m_page.reset();

    // In the console's frame, at the console's size, after Olga's log-in by PIN as at the till.
    context.hasher = options.hasher;
    context.demoUsers = DemoSession::users();
    MainWindow window(context);
    auto *page = new ReportsPage(context);
    window.addPage(Section::Reports, page);
    connect(&window, &MainWindow::userChanged, page, &ReportsPage::setUser);
    window.resize(1280, 760);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    LoginScreen *login = window.loginScreen();
    login->selectUser(u"olga"_s);
    QTest::keyClicks(login->pinField(), u"1111"_s);
    QSignalSpy ready(page, &ReportsPage::reportReady);
    QTest::keyClick(login->pinField(), Qt::Key_Return);
    QVERIFY(QTest::qWaitFor([&] { return !window.isLocked(); }, 20'000));
    window.showSection(Section::Reports);
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() && !page->isBusy(); }, 20'000));
    QTest::qWait(300);
    QVERIFY(window.grab().save(QDir(dir).filePath(u"reports-window.png"_s)));
}

QTEST_MAIN(TestReportsPage)
#include "tst_reportspage.moc"
