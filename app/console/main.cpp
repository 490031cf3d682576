// SPDX-License-Identifier: GPL-3.0-or-later
// kassa: the console. Everything but argument parsing lives in kassa_gui (ConsoleApp).
#include "app/gui/shell/consoleapp.h"
#include "services/security/logfilter.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLoggingCategory>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    // Keys and card numbers never reach the log, whoever writes it.
    kassa::security::LogFilter::install();
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"kassa"_s);
    QApplication::setApplicationDisplayName(u"Kassa"_s);
    QApplication::setApplicationVersion(QStringLiteral(KASSA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Kassa: point of sale and merchant console for Stripe."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(u"demo"_s,
                                  u"Run on a simulated Stripe account with a shop's demo data, in a "
                                  "fresh demo store (DIR/demo with --data-dir, else a temporary "
                                  "folder). No Stripe account and no network needed."_s);
    const QCommandLineOption dataDir(
        u"data-dir"_s,
        u"Kassa's data folder, shared with kassa-cli: the store is DIR/kassa.sqlite "
        "(default: $KASSA_DATA_DIR, else ~/.local/share/kassa)."_s,
        u"DIR"_s);
    const QCommandLineOption database(
        u"database"_s, u"The store in PostgreSQL instead: postgresql://user@host:port/dbname."_s, u"URL"_s);
    const QCommandLineOption profile(u"profile"_s, u"Whose keys the keychain gives (default \"default\")."_s,
                                     u"NAME"_s, u"default"_s);
    const QCommandLineOption screenshot(
        u"screenshot"_s,
        u"Save the log-in screen as login.png in DIR and, in demo mode, every page as the owner sees it "
        "(sale.png, transactions.png = main.png, refunds.png, ...), then quit."_s,
        u"DIR"_s);
    const QCommandLineOption verbose(
        u"verbose"_s, u"Log each Stripe request (method, path, status, Request-Id; never keys)."_s);
    parser.addOptions({demo, dataDir, database, profile, screenshot, verbose});
    parser.process(app);
    // A request line per call (and the simulator's own, in demo mode) is for whoever debugs, not for the
    // terminal the console was started from; warnings still show.
    QLoggingCategory::setFilterRules(parser.isSet(verbose) ? u"kassa.*=true"_s
                                                           : u"kassa.*.debug=false\nkassa.*.info=false"_s);
    if (parser.isSet(demo) && parser.isSet(database)) {
        fputs("kassa: --demo keeps its own store; it does not take --database\n", stderr);
        return 2;
    }

    kassa::gui::ConsoleOptions options;
    options.demo = parser.isSet(demo);
    options.dataDir = parser.value(dataDir);
    options.databaseUrl = parser.value(database);
    options.profile = parser.value(profile);
    options.screenshotDir = parser.value(screenshot);
    kassa::gui::ConsoleApp console(options);
    QObject::connect(&console, &kassa::gui::ConsoleApp::exitRequested, &app,
                     [](int code) { QApplication::exit(code); });
    console.start();
    return app.exec();
}
