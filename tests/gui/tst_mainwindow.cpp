// SPDX-License-Identifier: GPL-3.0-or-later
// The console's frame on a demo shop (offscreen): log-in by keyboard and by the PIN pad, the wrong-PIN
// and lock-out messages UserService writes, the navigation per role from the permission table, the
// TEST MODE banner, the idle lock back to the log-in screen, the status bar, and the Transactions page
// over the store (QAbstractItemModelTester watching its model).
#include "app/gui/demo/demosession.h"
#include "app/gui/models/transactionsmodel.h"
#include "app/gui/pages/transactionspage.h"
#include "app/gui/shell/consolestatusbar.h"
#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "app/gui/shell/pinpad.h"
#include "services/security/auditlog.h"
#include "services/security/idlelock.h"
#include "services/security/userservice.h"
#include "services/store/paymentrepository.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;

namespace {

const security::PinHasher TestHasher = security::PinHasher::insecureForTests(1000);

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void logInByKeyboard();
    void logInByPinPad();
    void wrongPinAndLockout();
    void navigationPerRole_data();
    void navigationPerRole();
    void sectionsFollowThePermissionTable();
    void sectionIconsRender();
    void testModeBanner();
    void demoPinsOnlyInDemo();
    void idleLockLocksBack();
    void statusBar();
    void transactionsSearch();

private:
    ConsoleContext context(bool demo = true) const;
    bool logIn(const QString &name, const QString &pin);

    std::unique_ptr<DemoSession> m_demo;
    std::unique_ptr<MainWindow> m_window;
};

ConsoleContext TestMainWindow::context(bool demo) const
{
    ConsoleContext c;
    c.db = &m_demo->database();
    c.databaseConfig = m_demo->databaseConfig();
    c.client = &m_demo->client();
    c.till = DemoSession::tillId();
    c.hasher = TestHasher;
    c.testMode = demo;
    c.demo = demo;
    if (demo)
        c.demoUsers = DemoSession::users();
    c.stripeDescription = u"simulator"_s;
    return c;
}

void TestMainWindow::initTestCase()
{
    DemoSession::Options options;
    options.payments = 300;
    options.hasher = TestHasher;
    m_demo = std::make_unique<DemoSession>(options);
    QSignalSpy ready(m_demo.get(), &DemoSession::ready);
    QSignalSpy failed(m_demo.get(), &DemoSession::failed);
    m_demo->start();
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 60'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
}

void TestMainWindow::init()
{
    m_window = std::make_unique<MainWindow>(context());
    // Every section gets a page, so that what the navigation leaves out is the role's doing.
    m_window->addPage(Section::Transactions, new TransactionsPage(m_demo->database()));
    for (const Section section : AllSections) {
        if (!m_window->page(section))
            m_window->addPage(section, new QLabel(sectionTitle(section)));
    }
    m_window->resize(1024, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanup()
{
    m_window.reset();
}

void TestMainWindow::cleanupTestCase()
{
    m_demo.reset();
}

bool TestMainWindow::logIn(const QString &name, const QString &pin)
{
    LoginScreen *login = m_window->loginScreen();
    login->selectUser(name);
    QTest::keyClicks(login->pinField(), pin);
    QTest::keyClick(login->pinField(), Qt::Key_Return);
    return QTest::qWaitFor(
               [&] { return !m_window->isLocked() || (!login->isChecking() && !login->message().isEmpty()); },
               10'000) &&
           !m_window->isLocked();
}

void TestMainWindow::logInByKeyboard()
{
    LoginScreen *login = m_window->loginScreen();
    QVERIFY(m_window->isLocked());
    QVERIFY(m_window->visibleSections().isEmpty());
    // Tab to the tile and Space picks the user; the digits typed on the tile go to the PIN; Enter.
    QToolButton *tile = login->tile(u"cara"_s);
    QVERIFY(tile);
    QTest::keyClick(tile, Qt::Key_Space);
    QCOMPARE(login->selectedUser(), u"cara"_s);
    QTest::keyClicks(tile, u"335"_s);
    QTest::keyClick(tile, Qt::Key_Backspace);
    QCOMPARE(login->pinField()->text(), u"33"_s);
    QTest::keyClicks(login->pinField(), u"33"_s);
    QCOMPARE(login->pinField()->text(), u"3333"_s);
    QTest::keyClick(login->pinField(), Qt::Key_Return);
    QVERIFY(login->isChecking()); // the hash runs on a worker; the screen still answers
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isLocked(), 10'000);
    QCOMPARE(m_window->currentUser().name, u"cara"_s);
    QCOMPARE(m_window->currentUser().role, Role::Cashier);
    QVERIFY(login->pinField()->text().isEmpty());

    // Ctrl+L (the Lock button) goes back to the log-in screen.
    QPushButton *lockButton = m_window->findChild<QPushButton *>(u"lockButton"_s);
    QVERIFY(lockButton);
    lockButton->click();
    QVERIFY(m_window->isLocked());
    QVERIFY(m_window->visibleSections().isEmpty());
}

void TestMainWindow::logInByPinPad()
{
    LoginScreen *login = m_window->loginScreen();
    QTest::mouseClick(login->tile(u"max"_s), Qt::LeftButton);
    for (const QString &button : {u"pinDigit2"_s, u"pinDigit2"_s, u"pinDigit2"_s, u"pinDigit9"_s})
        QTest::mouseClick(login->findChild<QPushButton *>(button), Qt::LeftButton);
    QTest::mouseClick(login->findChild<QPushButton *>(u"pinBackspace"_s), Qt::LeftButton);
    QTest::mouseClick(login->findChild<QPushButton *>(u"pinDigit2"_s), Qt::LeftButton);
    // Touch targets of at least 44 px.
    const QList<QPushButton *> pad = login->findChild<PinPad *>()->findChildren<QPushButton *>();
    QCOMPARE(pad.size(), 12);
    for (const QPushButton *button : pad) {
        QVERIFY2(button->width() >= 44 && button->height() >= 44, qPrintable(button->objectName()));
        QCOMPARE(button->focusPolicy(), Qt::NoFocus);
    }
    QTest::mouseClick(login->findChild<QPushButton *>(u"pinEnter"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isLocked(), 10'000);
    QCOMPARE(m_window->currentUser().name, u"max"_s);
}

void TestMainWindow::wrongPinAndLockout()
{
    LoginScreen *login = m_window->loginScreen();
    QVERIFY(!logIn(u"olga"_s, u"9999"_s));
    QVERIFY(m_window->isLocked());
    QVERIFY2(login->message().contains(u"wrong PIN"_s, Qt::CaseInsensitive), qPrintable(login->message()));
    QVERIFY2(login->message().contains(u"4 tries left"_s), qPrintable(login->message()));
    QVERIFY(login->pinField()->text().isEmpty());
    // Four more: the fifth locks her out, and the screen says until when.
    for (int i = 0; i < 4; ++i)
        QVERIFY(!logIn(u"olga"_s, u"9998"_s));
    QVERIFY2(login->message().contains(u"locked until"_s), qPrintable(login->message()));
    // Even the right PIN waits for the lock to pass.
    QVERIFY(!logIn(u"olga"_s, u"1111"_s));
    QVERIFY2(login->message().contains(u"locked until"_s), qPrintable(login->message()));

    // The owner's set-pin lifts a lock (the later tests log her in).
    security::AuditLog audit(m_demo->database(), DemoSession::tillId());
    security::UserService users(m_demo->database(), audit, TestHasher);
    const auto listed = users.list();
    QVERIFY(listed.ok());
    const auto olga = std::find_if(listed.value().begin(), listed.value().end(),
                                   [](const security::User &u) { return u.name == u"olga"_s; });
    QVERIFY(olga != listed.value().end());
    const security::ActingUser owner{olga->id, olga->name, olga->role, DemoSession::tillId()};
    QVERIFY(!users.setPin(owner, u"olga"_s, u"1111"_s).isError());
    QVERIFY(logIn(u"olga"_s, u"1111"_s));
}

void TestMainWindow::navigationPerRole_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("pin");
    QTest::addColumn<QList<Section>>("expected");
    QTest::newRow("cashier") << u"cara"_s << u"3333"_s
                             << QList<Section>{Section::Sale, Section::Transactions, Section::Refunds,
                                               Section::Customers};
    QTest::newRow("manager") << u"max"_s << u"2222"_s
                             << QList<Section>{Section::Sale, Section::Transactions, Section::Refunds,
                                               Section::Customers, Section::Reports};
    QTest::newRow("owner") << u"olga"_s << u"1111"_s
                           << QList<Section>{Section::Sale,      Section::Transactions, Section::Refunds,
                                             Section::Customers, Section::Reports,      Section::Settings};
}

void TestMainWindow::navigationPerRole()
{
    QFETCH(QString, user);
    QFETCH(QString, pin);
    QFETCH(QList<Section>, expected);
    QVERIFY2(logIn(user, pin), qPrintable(m_window->loginScreen()->message()));
    QCOMPARE(m_window->visibleSections(), expected);
    if (user == u"cara"_s) {
        QVERIFY(!m_window->visibleSections().contains(Section::Settings));
        QVERIFY(!m_window->visibleSections().contains(Section::Reports));
    }
    // A cashier after a manager sees the cashier's navigation, not what was left from before.
    m_window->lock();
    QVERIFY(logIn(u"cara"_s, u"3333"_s));
    QVERIFY(!m_window->visibleSections().contains(Section::Settings));
}

void TestMainWindow::sectionsFollowThePermissionTable()
{
    for (const Role role : AllRoles) {
        const QList<Section> sections = sectionsFor(role);
        for (const Section section : AllSections)
            QCOMPARE(sections.contains(section), allows(role, sectionPermission(section)));
    }
}

// The icons are SVG resources drawn by Qt's svg icon engine plugin. A missing plugin would leave the
// navigation silently bare, so this fails rather than skips: it means the install is broken.
void TestMainWindow::sectionIconsRender()
{
    const auto drawsSomething = [](const QImage &image) {
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                if (qAlpha(image.pixel(x, y)) > 0)
                    return true;
            }
        }
        return false;
    };
    QList<std::pair<QString, QIcon>> icons;
    for (const Section section : AllSections)
        icons.emplaceBack(sectionTitle(section), sectionIcon(section));
    icons.emplaceBack(u"Lock"_s, lockIcon());
    for (const auto &[name, icon] : icons) {
        QVERIFY2(!icon.isNull(), qPrintable(name));
        const QPixmap pixmap = icon.pixmap(24);
        QVERIFY2(!pixmap.isNull(), qPrintable(u"%1: no pixmap; is the Qt SVG plugin installed?"_s.arg(name)));
        QVERIFY2(drawsSomething(pixmap.toImage()), qPrintable(name));
        // High-DPI: drawn at the device's resolution, not a 24 px image scaled up.
        const QPixmap sharp = icon.pixmap(QSize(24, 24), 2.0);
        QCOMPARE(sharp.size(), QSize(48, 48));
        QVERIFY2(drawsSomething(sharp.toImage()), qPrintable(name));
    }

    QVERIFY(logIn(u"olga"_s, u"1111"_s));
    auto *navigation = m_window->findChild<QListWidget *>(u"navigation"_s);
    QVERIFY(navigation);
    QVERIFY(navigation->count() > 0);
    for (int row = 0; row < navigation->count(); ++row)
        QVERIFY2(!navigation->item(row)->icon().isNull(), qPrintable(navigation->item(row)->text()));
    auto *lockButton = m_window->findChild<QPushButton *>(u"lockButton"_s);
    QVERIFY(lockButton);
    QVERIFY(!lockButton->icon().isNull());
}

void TestMainWindow::testModeBanner()
{
    QLabel *banner = m_window->testModeBanner();
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QVERIFY(banner->text().startsWith(u"TEST MODE"_s));
    // Seen on the log-in screen and after it.
    QVERIFY(logIn(u"cara"_s, u"3333"_s));
    QVERIFY(banner->isVisible());

    // A live key: no banner.
    ConsoleContext live = context(false);
    MainWindow liveWindow(live);
    QVERIFY(!liveWindow.testModeBanner());
    QVERIFY(!liveWindow.findChild<QLabel *>(u"testModeBanner"_s));
}

void TestMainWindow::demoPinsOnlyInDemo()
{
    QLabel *pins = m_window->findChild<QLabel *>(u"demoPins"_s);
    QVERIFY(pins);
    for (const DemoUser &user : DemoSession::users())
        QVERIFY(pins->text().contains(user.pin));
    MainWindow notDemo(context(false));
    QVERIFY(!notDemo.findChild<QLabel *>(u"demoPins"_s));
}

void TestMainWindow::idleLockLocksBack()
{
    QVERIFY(logIn(u"max"_s, u"2222"_s));
    QVERIFY(m_window->idleLock().isActive());
    m_window->idleLock().setTimeout(std::chrono::milliseconds(300));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isLocked(), 5'000);
    LoginScreen *login = m_window->loginScreen();
    QCOMPARE(login->selectedUser(), u"max"_s);
    QVERIFY(login->message().contains(u"locked"_s));
    // A user added meanwhile (on another till) has a tile at the next lock.
    {
        security::AuditLog audit(m_demo->database(), DemoSession::tillId());
        security::UserService users(m_demo->database(), audit, TestHasher);
        const security::ActingUser owner{users.list().value().at(2).id, u"olga"_s, Role::Owner,
                                         DemoSession::tillId()};
        QVERIFY(users.addUser(owner, {u"nina"_s, u"Nina New"_s, Role::Cashier}, u"4444"_s).ok());
    }
    QVERIFY(!login->tile(u"nina"_s));
    QVERIFY(logIn(u"max"_s, u"2222"_s));
    m_window->lock();
    QVERIFY(login->tile(u"nina"_s));
    // Another user may take over.
    QVERIFY(logIn(u"cara"_s, u"3333"_s));
    QCOMPARE(m_window->currentUser().name, u"cara"_s);
}

void TestMainWindow::statusBar()
{
    ConsoleStatusBar *bar = m_window->consoleStatusBar();
    QVERIFY(bar->connectionText().contains(u"Stripe"_s));
    QCOMPARE(bar->outboxText(), u"Outbox: nothing waiting"_s);
    QVERIFY(bar->webhookText().startsWith(u"Webhooks: not listening"_s));
    QCOMPARE(bar->lastSyncText(), u"Last sync: never"_s);
    bar->setConnected(true);
    QVERIFY(bar->connectionText().contains(u"connected"_s));
    bar->setConnected(false, u"connection refused"_s);
    QVERIFY(bar->connectionText().contains(u"no connection"_s));
    bar->setLastSync(1'700'000'000);
    QVERIFY(bar->lastSyncText() != u"Last sync: never"_s);
}

void TestMainWindow::transactionsSearch()
{
    QVERIFY(logIn(u"cara"_s, u"3333"_s));
    m_window->showSection(Section::Transactions);
    auto *page = qobject_cast<TransactionsPage *>(m_window->page(Section::Transactions));
    QVERIFY(page);
    QAbstractItemModelTester tester(page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const qint64 all = store::PaymentRepository(m_demo->database()).count({}).valueOr(-1);
    QVERIFY(all >= 300);
    QCOMPARE(page->model()->totalCount(), all);
    QCOMPARE(page->summaryText(), u"%1 payments"_s.arg(QLocale().toString(all)));
    const QString id = m_demo->pendingRefundPaymentId();
    QVERIFY(id.startsWith(u"pi_"_s));
    QTest::keyClicks(page->searchField(), id);
    QTRY_COMPARE_WITH_TIMEOUT(page->model()->totalCount(), qint64(1), 5'000);
    QCOMPARE(page->model()->data(page->model()->index(0, 0), TransactionsModel::PaymentIdRole).toString(),
             id);
    QCOMPARE(page->summaryText(), u"1 payment"_s);
    page->searchField()->clear();
    QTRY_COMPARE_WITH_TIMEOUT(page->model()->totalCount(), all, 5'000);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
