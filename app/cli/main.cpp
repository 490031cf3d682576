// kassa-cli: Kassa's command line.
#include "app/cli/clirunner.h"
#include "services/security/logfilter.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>

int main(int argc, char *argv[])
{
    // Before anything can log: keys, Authorization headers and card numbers are masked in every line.
    kassa::security::LogFilter::install();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kassa-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KASSA_VERSION));
    // Requests are logged only with --verbose; errors are printed by the commands themselves.
    QLoggingCategory::setFilterRules(QStringLiteral("kassa.*.debug=false\nkassa.*.info=false"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    kassa::cli::CliRunner runner(QCoreApplication::arguments(), out, err);
    QObject::connect(
        &runner, &kassa::cli::CliRunner::finished, &app, [](int code) { QCoreApplication::exit(code); },
        Qt::QueuedConnection);
    QTimer::singleShot(0, &runner, &kassa::cli::CliRunner::start);
    return app.exec();
}
