// SPDX-License-Identifier: GPL-3.0-or-later
//
// bench_console: the console over a big store, timed the way a person meets it.
//
// - Start: from starting the process to the main window shown (the log-in screen painted), and from
//   the log-in to the Transactions page painted with its first rows. The program starts itself again
//   (--child) for every run, so a run includes exec, loading the libraries, Qt's start-up, opening and
//   checking the store and building the window, as `kassa` does; the child stamps CLOCK_MONOTONIC, which
//   parent and child share, when its window has painted.
// - Search: from a keystroke in the Transactions search field to the table painted with the new rows,
//   the search delay (TransactionsPage::SearchDelayMs) included: the last character of a last4, an
//   email, a customer name, a payment id, an order ref or a menu item is typed, then the event loop runs
//   until the view has painted after the model's reset.
//
//   The store is read on the page's own thread (TransactionsModel::readInBackground()), so the call
//   returns at once: the time runs until the rows of the new search have replaced the old ones (the
//   model's reset) and the view has painted them. Beside it, the longest the GUI thread did not answer
//   during a search (a timer that should tick every millisecond, and the keystroke's own handling):
//   what the person feels as a frozen window; and the time until the total ("10,000+ payments") follows.
// - Typing: a menu word typed at a quick typist's pace (--type-interval ms between keys), from its last
//   key to the table painted with that word's rows: searches started by earlier keys are outdated by
//   then (interrupted, or with --no-interrupt left to finish and dropped). Keys that follow each other
//   within TransactionsPage::SearchDelayMs are gathered into one search after the last, so the goal
//   here is that delay plus 100 ms.
//
//   bench_console [--store FILE --payments N --refunds M] [--runs 10] [--reps 20] [--quick]
//                 [--type-interval 80] [--no-interrupt]
//
// Without --store, a fresh SQLite store is filled with --payments payments (the shop of storebench.h);
// --store takes a file that bench_store --keep filled with the same sizes, renamed DIR/kassa.sqlite (it is
// migrated to this build's schema in place and gets a bench owner: use a copy). The console is ConsoleApp
// as `kassa --data-dir DIR` starts it, every page built, with a test key in a keychain held in memory and
// kassa-stripe-sim (started beside this program) as Stripe.
// QT_QPA_PLATFORM decides where it draws (offscreen when unset and there is no DISPLAY).
//
// Every figure is printed as a human line and a JSON line {"bench": "console", ...}. Exits non-zero only
// when something is wrong (a search that finds nothing, a child that fails), never because of a time.
#include "storebench.h"

#include "app/gui/models/backgroundreader.h"
#include "app/gui/models/transactionsmodel.h"
#include "app/gui/pages/transactionspage.h"
#include "app/gui/shell/consoleapp.h"
#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "services/security/auditlog.h"
#include "services/security/memorysecretstore.h"
#include "services/security/userservice.h"
#include "services/store/migrations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QRandomGenerator>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWindow>

#include <time.h>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::bench;

namespace {

constexpr double StartGoalMs = 500;
constexpr double KeystrokeGoalMs = 100;
const QString BenchOwner = u"bench"_s;
const QString BenchKey = u"sk_test_benchconsole0123456789"_s;

qint64 monotonicNs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

double msSince(qint64 startNs)
{
    return double(monotonicNs() - startNs) / 1e6;
}

// Runs the event loop until `done` holds; false after `timeoutMs`.
template<typename Predicate>
bool spinUntil(Predicate done, int timeoutMs = 30'000)
{
    const qint64 deadline = monotonicNs() + qint64(timeoutMs) * 1'000'000;
    while (!done()) {
        if (monotonicNs() > deadline)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
    }
    return true;
}

// Counts the paint events a widget receives.
class PaintCounter : public QObject
{
public:
    explicit PaintCounter(QWidget *widget)
        : QObject(widget)
    {
        widget->installEventFilter(this);
    }
    int count() const { return m_count; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++m_count;
        return QObject::eventFilter(watched, event);
    }

private:
    int m_count = 0;
};

store::DatabaseConfig storeConfig(const QString &path)
{
    return store::DatabaseConfig::sqlite(path);
}

// A search and what must come back for it.
struct Search
{
    QString kind;
    QString text;
};

QList<Search> searches(const Shop &shop, int reps)
{
    QRandomGenerator rng(42);
    auto pick = [&](auto usable) {
        for (;;) {
            const Shop::Facts facts = shop.payment(qint64(rng.bounded(quint32(shop.presentCount()))));
            if (usable(facts))
                return facts;
        }
    };
    QList<Search> list;
    for (int rep = 0; rep < reps; ++rep) {
        const Shop::Facts withCard = pick([](const Shop::Facts &f) { return !f.last4.isEmpty(); });
        list.append({u"last4"_s, withCard.last4});
        const Shop::Facts withCustomer = pick([](const Shop::Facts &f) { return f.customer >= 0; });
        list.append({u"email"_s, shop.customerEmail(withCustomer.customer)});
        list.append({u"customer name"_s, shop.customerName(withCustomer.customer)});
        list.append({u"payment id"_s, pick([](const Shop::Facts &) { return true; }).id});
        const Shop::Facts withRef = pick([](const Shop::Facts &f) { return !f.orderRef.isEmpty(); });
        list.append({u"order ref"_s, withRef.orderRef});
        list.append({u"description"_s, Shop::menu().at((rep * 7 + 3) % Shop::menu().size())});
    }
    return list;
}

// --child: one start of the console, then (on the first run only) the keystroke searches. Prints
// "shown <ns>", "transactions <ms>", "search <kind> <ms> <rows>" and "rss <MiB>" lines for the parent.
// The longest the event loop went without running a timer that should tick every millisecond.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_timer.setInterval(1);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = monotonicNs();
            m_longestNs = std::max(m_longestNs, now - m_lastNs);
            m_lastNs = now;
        });
    }
    void start()
    {
        m_longestNs = 0;
        m_lastNs = monotonicNs();
        m_timer.start();
    }
    // Stops, and gives the longest gap in ms (the time since the last tick included).
    double stop()
    {
        m_timer.stop();
        m_longestNs = std::max(m_longestNs, monotonicNs() - m_lastNs);
        return double(m_longestNs) / 1e6;
    }

private:
    QTimer m_timer;
    qint64 m_lastNs = 0;
    qint64 m_longestNs = 0;
};

int runChild(const QString &path, const QUrl &apiBase, qint64 ownerId, const Shop &shop, qint64 parentStartNs,
             int searchReps, int typeIntervalMs, bool interrupting)
{
    int argc = 1;
    char name[] = "bench_console";
    char *argv[] = {name, nullptr};
    QApplication app(argc, argv);
    QTextStream lines(stdout);

    // The console as `kassa --data-dir DIR` starts it: ConsoleApp opens and migrates the store, reads the
    // users and the key (from a keychain in memory, so that no Secret Service is timed), builds every
    // page and shows the window; Stripe is a simulator the parent runs.
    security::MemorySecretStore keychain;
    keychain.write({gui::ConsoleOptions().profile, security::SecretKind::StripeSecretKey}, BenchKey, &app,
                   [](const security::SecretError &) {});
    gui::ConsoleOptions options;
    options.dataDir = QFileInfo(path).absolutePath();
    gui::ConsoleApp console(options);
    console.setKeychain(&keychain);
    console.setApiBase(apiBase);
    int exitCode = -1;
    QObject::connect(&console, &gui::ConsoleApp::exitRequested, [&exitCode](int code) { exitCode = code; });
    console.start();
    if (!spinUntil([&] {
            return exitCode >= 0 || (console.window() && console.window()->windowHandle() &&
                                     console.window()->windowHandle()->isExposed());
        }) ||
        exitCode >= 0) {
        err() << "child: the console did not open its window" << Qt::endl;
        return 1;
    }
    gui::MainWindow &window = *console.window();
    // Whatever the expose has painted already, the window is on screen once a full paint has run.
    window.repaint();
    lines << "shown " << (monotonicNs() - parentStartNs) << Qt::endl;

    // The log-in itself hashes a PIN (a deliberate quarter of a second): the bench owner is taken as logged
    // in.
    const security::ActingUser owner{ownerId, BenchOwner, Role::Owner, u"bench"_s};
    auto *page = qobject_cast<gui::TransactionsPage *>(window.page(gui::Section::Transactions));
    if (!owner.isValid() || !page) {
        err() << "child: no owner or no Transactions page" << Qt::endl;
        return 1;
    }

    // What follows the log-in is timed.
    PaintCounter viewPaints(page->table()->viewport());
    const qint64 loginNs = monotonicNs();
    emit window.loginScreen()->loggedIn(owner);
    window.showSection(gui::Section::Transactions);
    if (!spinUntil([&] { return viewPaints.count() > 0; }) || page->model()->rowCount() == 0) {
        err() << "child: the Transactions page showed no rows after the log-in" << Qt::endl;
        return 1;
    }
    lines << "transactions " << msSince(loginNs) << Qt::endl;

    if (searchReps > 0) {
        QLineEdit *field = page->searchField();
        gui::TransactionsModel *model = page->model();
        if (gui::BackgroundReader *reader = model->backgroundReader())
            reader->setInterrupting(interrupting);
        StallMeter stalls;
        // The view's paint count when the model was last reset: the table is updated once it paints again.
        int paintsAtReset = -1;
        QObject::connect(model, &QAbstractItemModel::modelReset,
                         [&paintsAtReset, &viewPaints] { paintsAtReset = viewPaints.count(); });
        for (Search &search : searches(shop, searchReps)) {
            // Everything but the last character, and let that search finish.
            field->setText(search.text.chopped(1));
            QTest::qWait(gui::TransactionsPage::SearchDelayMs + 100);
            // It runs in the background: some take longer than the pause (three digits of a last4).
            spinUntil([&] { return !model->isLoading(); });
            paintsAtReset = -1;
            stalls.start();
            const qint64 keyNs = monotonicNs();
            QTest::keyClick(field, search.text.back().toLatin1());
            const bool updated =
                spinUntil([&] { return paintsAtReset >= 0 && viewPaints.count() > paintsAtReset; });
            const double ms = msSince(keyNs);
            // The total follows the rows; the next search starts once it is there.
            spinUntil([&] { return !model->isLoading(); });
            const double counted = msSince(keyNs);
            const double stalled = stalls.stop();
            if (!updated) {
                err() << "child: no update after typing " << search.kind << " " << search.text << Qt::endl;
                return 1;
            }
            lines << "search " << search.kind.replace(u' ', u'_') << ' ' << ms << ' ' << model->rowCount()
                  << Qt::endl;
            lines << "stall " << stalled << Qt::endl;
            lines << "total " << counted << Qt::endl;
        }
        // Words typed a key at a time: the searches of earlier keys are outdated by the last one.
        for (int rep = 0; rep < searchReps; ++rep) {
            const QString word = Shop::menu().at((rep * 5 + 1) % Shop::menu().size()).toLower();
            field->clear();
            QTest::qWait(gui::TransactionsPage::SearchDelayMs + 100);
            spinUntil([&] { return !model->isLoading(); });
            qint64 lastKeyNs = 0;
            for (qsizetype i = 0; i < word.size(); ++i) {
                if (i > 0)
                    QTest::qWait(typeIntervalMs);
                paintsAtReset = -1;
                lastKeyNs = monotonicNs();
                QTest::keyClick(field, word.at(i).toLatin1());
            }
            const bool updated = spinUntil([&] {
                return model->filter().text == word && !model->isReloading() && paintsAtReset >= 0 &&
                       viewPaints.count() > paintsAtReset;
            });
            if (!updated) {
                err() << "child: no update after typing " << word << Qt::endl;
                return 1;
            }
            lines << "typed " << msSince(lastKeyNs) << ' ' << model->rowCount() << Qt::endl;
            spinUntil([&] { return !model->isLoading(); });
        }
        if (gui::BackgroundReader *reader = model->backgroundReader())
            lines << "interrupted " << reader->interrupted() << ' ' << reader->skipped() << Qt::endl;
    }
    lines << "rss " << peakRssMiB() << Qt::endl;
    return 0;
}

// Gives the store the owner the child logs in as (the child does not hash a PIN).
// Gives the store the owner the child acts as (the child does not hash a PIN); its id, 0 on failure.
qint64 ensureOwner(const QString &path, QString *error)
{
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(storeConfig(path));
    if (!opened.ok()) {
        *error = opened.error().toString();
        return 0;
    }
    std::unique_ptr<store::Database> db = std::move(opened).value();
    if (const store::StoreError migrated = store::Migrations::migrate(*db); migrated.isError()) {
        *error = migrated.toString();
        return 0;
    }
    security::AuditLog audit(*db, u"bench"_s);
    security::UserService users(*db, audit, security::PinHasher::insecureForTests(1000));
    const security::SecurityResult<QList<security::User>> all = users.list();
    if (!all.ok()) {
        *error = all.error().message;
        return 0;
    }
    for (const security::User &user : all.value()) {
        if (user.name == BenchOwner)
            return user.id;
    }
    if (!all.value().isEmpty()) {
        *error = u"the store has users but no %1 owner"_s.arg(BenchOwner);
        return 0;
    }
    const security::SecurityResult<security::User> added =
        users.addUser({}, {BenchOwner, u"Bench Owner"_s, Role::Owner}, u"bench-owner-passphrase"_s);
    if (!added.ok()) {
        *error = added.error().message;
        return 0;
    }
    return added.value().id;
}

struct ChildFigures
{
    double shownMs = 0;
    double transactionsMs = 0;
    QMap<QString, std::vector<double>> searchMs;
    std::vector<double> stallMs;
    std::vector<double> totalMs;
    std::vector<double> typedMs;
    QString interrupted; // "<interrupted reads> <dropped jobs>"
    double rssMiB = 0;
};

bool startChild(const QStringList &arguments, ChildFigures *figures)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!environment.contains(u"QT_QPA_PLATFORM"_s) && !environment.contains(u"DISPLAY"_s))
        environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    child.setProcessEnvironment(environment);
    const qint64 startNs = monotonicNs();
    child.start(QCoreApplication::applicationFilePath(),
                QStringList(arguments) << u"--child-start"_s << QString::number(startNs));
    if (!child.waitForFinished(600'000) || child.exitStatus() != QProcess::NormalExit ||
        child.exitCode() != 0) {
        err() << "child failed: " << child.errorString() << Qt::endl;
        return false;
    }
    const QStringList output =
        QString::fromUtf8(child.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : output) {
        const QStringList parts = line.split(u' ');
        if (parts.first() == u"shown"_s)
            figures->shownMs = double(parts.value(1).toLongLong()) / 1e6;
        else if (parts.first() == u"transactions"_s)
            figures->transactionsMs = parts.value(1).toDouble();
        else if (parts.first() == u"search"_s) {
            if (parts.value(3).toInt() == 0) {
                err() << "WRONG RESULT: the " << parts.value(1) << " search found nothing" << Qt::endl;
                return false;
            }
            figures->searchMs[parts.value(1)].push_back(parts.value(2).toDouble());
        } else if (parts.first() == u"stall"_s) {
            figures->stallMs.push_back(parts.value(1).toDouble());
        } else if (parts.first() == u"total"_s) {
            figures->totalMs.push_back(parts.value(1).toDouble());
        } else if (parts.first() == u"typed"_s) {
            figures->typedMs.push_back(parts.value(1).toDouble());
        } else if (parts.first() == u"interrupted"_s) {
            figures->interrupted = parts.mid(1).join(u' ');
        } else if (parts.first() == u"rss"_s)
            figures->rssMiB = parts.value(1).toDouble();
    }
    return figures->shownMs > 0;
}

void reportPercentiles(const QString &metric, const std::vector<double> &samples, double goalMs)
{
    const double p95 = percentile(samples, 0.95);
    report(u"console"_s, metric + u" p50"_s, percentile(samples, 0.5), u"ms"_s);
    report(u"console"_s, metric + u" p95"_s, p95, u"ms"_s,
           u"<= %1 ms: %2"_s.arg(goalMs).arg(p95 <= goalMs ? u"met"_s : u"MISSED"_s));
}

} // namespace

int main(int argc, char **argv)
{
    // The child makes its QApplication itself (a process has one application object): its arguments are
    // read here, before the parent's QCoreApplication would exist.
    const auto argument = [argc, argv](const char *name) {
        for (int i = 1; i + 1 < argc; ++i) {
            if (qstrcmp(argv[i], name) == 0)
                return QByteArray(argv[i + 1]);
        }
        return QByteArray();
    };
    if (const QByteArray childStart = argument("--child-start"); !childStart.isEmpty()) {
        const Shop shop(argument("--payments").toLongLong(), argument("--refunds").toLongLong(),
                        DefaultShopEnd);
        return runChild(QString::fromLocal8Bit(argument("--store")),
                        QUrl(QString::fromLatin1(argument("--api-base"))),
                        argument("--owner-id").toLongLong(), shop, childStart.toLongLong(),
                        argument("--child-searches").toInt(), argument("--type-interval").toInt(),
                        argument("--interrupt") != "0");
    }

    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Times the console's start and search over a big store."_s);
    parser.addHelpOption();
    const QCommandLineOption storeOption(u"store"_s, u"A SQLite file bench_store --keep filled."_s,
                                         u"FILE"_s);
    const QCommandLineOption paymentsOption(u"payments"_s, u"Payments in the store."_s, u"N"_s, u"1000000"_s);
    const QCommandLineOption refundsOption(u"refunds"_s, u"Refunds in the store."_s, u"N"_s, u"100000"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"Starts to time."_s, u"N"_s, u"10"_s);
    const QCommandLineOption repsOption(u"reps"_s, u"Searches of each kind."_s, u"N"_s, u"20"_s);
    const QCommandLineOption quick(u"quick"_s, u"Smoke run: 3,000 payments, 2 starts, 2 searches each."_s);
    const QCommandLineOption typeIntervalOption(u"type-interval"_s, u"Milliseconds between typed keys."_s,
                                                u"MS"_s, u"80"_s);
    const QCommandLineOption noInterrupt(
        u"no-interrupt"_s, u"Let an outdated search finish (and drop it) instead of interrupting it."_s);
    parser.addOptions({storeOption, paymentsOption, refundsOption, runsOption, repsOption, quick,
                       typeIntervalOption, noInterrupt});
    parser.process(app);

    qint64 payments = parser.value(paymentsOption).toLongLong();
    qint64 refunds = parser.value(refundsOption).toLongLong();
    int runs = parser.value(runsOption).toInt();
    int reps = parser.value(repsOption).toInt();
    if (parser.isSet(quick)) {
        payments = 3'000;
        refunds = 300;
        runs = 2;
        reps = 2;
    }
    QString path = parser.value(storeOption);
    QTemporaryDir temp;
    if (path.isEmpty()) {
        path = temp.filePath(u"kassa.sqlite"_s);
        out() << "== filling " << payments << " payments into " << path << " ==" << Qt::endl;
        QString fillError;
        std::unique_ptr<BenchStore> store = BenchStore::sqlite(path, &fillError);
        if (!store || !fillShop(*store, Shop(payments, refunds, DefaultShopEnd), &fillError)) {
            err() << "fill: " << fillError << Qt::endl;
            return 1;
        }
    }
    if (QFileInfo(path).fileName() != u"kassa.sqlite"_s) {
        err() << "--store: the console opens DIR/kassa.sqlite; name the file so" << Qt::endl;
        return 2;
    }
    QString error;
    const qint64 ownerId = ensureOwner(path, &error);
    if (ownerId <= 0) {
        err() << path << ": " << error << Qt::endl;
        return 1;
    }
    // Stripe for the console: the simulator, in a process of its own (the parent blocks while a child runs).
    QProcess simulator;
    simulator.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    simulator.start(QDir(QCoreApplication::applicationDirPath()).filePath(u"kassa-stripe-sim"_s),
                    {u"--listen"_s, u"127.0.0.1:0"_s});
    QString apiBase;
    if (simulator.waitForStarted(10'000) && simulator.waitForReadyRead(10'000))
        apiBase = QString::fromUtf8(simulator.readLine()).trimmed().section(u' ', -1);
    if (!apiBase.startsWith(u"http://"_s)) {
        err() << "cannot start kassa-stripe-sim beside bench_console: " << simulator.errorString()
              << Qt::endl;
        return 1;
    }

    out() << "== console over " << payments << " payments (" << path << "), " << runs
          << " starts ==" << Qt::endl;
    const QStringList childArgs{u"--store"_s,         path,
                                u"--payments"_s,      QString::number(payments),
                                u"--refunds"_s,       QString::number(refunds),
                                u"--api-base"_s,      apiBase,
                                u"--owner-id"_s,      QString::number(ownerId),
                                u"--type-interval"_s, parser.value(typeIntervalOption),
                                u"--interrupt"_s,     parser.isSet(noInterrupt) ? u"0"_s : u"1"_s};
    std::vector<double> shown;
    std::vector<double> transactions;
    ChildFigures searched;
    double rss = 0;
    for (int run = 0; run < runs; ++run) {
        ChildFigures figures;
        // The searches run in the last start, after the others have warmed the file cache alike.
        const int childReps = run == runs - 1 ? reps : 0;
        if (!startChild(QStringList(childArgs) << u"--child-searches"_s << QString::number(childReps),
                        &figures))
            return 1;
        shown.push_back(figures.shownMs);
        transactions.push_back(figures.transactionsMs);
        rss = std::max(rss, figures.rssMiB);
        if (childReps > 0)
            searched = figures;
    }
    reportPercentiles(u"start to main window shown"_s, shown, StartGoalMs);
    reportPercentiles(u"log-in to Transactions page painted"_s, transactions, StartGoalMs);
    std::vector<double> allSearches;
    for (auto it = searched.searchMs.cbegin(); it != searched.searchMs.cend(); ++it) {
        reportPercentiles(u"keystroke to table, "_s + QString(it.key()).replace(u'_', u' '), it.value(),
                          KeystrokeGoalMs);
        allSearches.insert(allSearches.end(), it.value().begin(), it.value().end());
    }
    reportPercentiles(u"keystroke to table, all searches"_s, allSearches, KeystrokeGoalMs);
    if (!searched.totalMs.empty())
        reportPercentiles(u"keystroke to the total counted, all searches"_s, searched.totalMs,
                          KeystrokeGoalMs);
    if (!searched.stallMs.empty())
        reportPercentiles(u"longest GUI stall during a search"_s, searched.stallMs, KeystrokeGoalMs);
    if (!searched.typedMs.empty())
        reportPercentiles(u"last typed key to table, a word at %1 ms a key (%2)"_s.arg(
                              parser.value(typeIntervalOption), parser.isSet(noInterrupt)
                                                                    ? u"outdated searches finish"_s
                                                                    : u"outdated searches interrupted"_s),
                          searched.typedMs, gui::TransactionsPage::SearchDelayMs + KeystrokeGoalMs);
    if (!searched.interrupted.isEmpty())
        out() << "  outdated reads interrupted, jobs dropped unstarted: " << searched.interrupted << Qt::endl;
    report(u"console"_s, u"peak RSS of the console"_s, rss, u"MiB"_s);
    simulator.kill();
    simulator.waitForFinished(5'000);
    return 0;
}
