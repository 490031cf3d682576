// kassa-stripe-sim: a stateful local Stripe API for Kassa's demo mode, tests and benchmarks.
#include "services/security/logfilter.h"
#include "sim/simulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <QSocketNotifier>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// SIGINT/SIGTERM end the event loop through a pipe: a signal handler may only write to it.
int g_signalPipe[2] = {-1, -1};

void writeToSignalPipe(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
}

bool quitOnTermination(QCoreApplication &app)
{
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] { QCoreApplication::quit(); });
    struct sigaction action = {};
    action.sa_handler = writeToSignalPipe;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGINT, &action, nullptr) == 0 && ::sigaction(SIGTERM, &action, nullptr) == 0;
}

bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint value = text.mid(colon + 1).toUInt(&ok);
    if (!ok || value > 65535 || !address->setAddress(host))
        return false;
    *port = quint16(value);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    // Clients send their keys and test card numbers here: the log shows neither.
    kassa::security::LogFilter::install();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"kassa-stripe-sim"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(KASSA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"A stateful local Stripe API (test mode) for Kassa's demo mode, tests and benchmarks.\n"
        "Prints \"listening on http://HOST:PORT\" as its first line. Simulator endpoints: POST /_sim/faults, "
        "POST /_sim/advance, GET /_sim/stats, POST /_sim/reset."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listen(u"listen"_s,
                                    u"Address and port to listen on (default 127.0.0.1:0, any free port)."_s,
                                    u"host:port"_s, u"127.0.0.1:0"_s);
    const QCommandLineOption seedDemo(u"seed-demo"_s,
                                      u"Create N demo payments over the last 90 days, with customers, "
                                      "saved cards and a reader (skipped when --state holds data)."_s,
                                      u"N"_s);
    const QCommandLineOption seed(u"seed"_s, u"Random seed for ids and demo data (default: random)."_s,
                                  u"number"_s);
    const QCommandLineOption state(u"state"_s, u"Keep the simulator's state in this file across restarts."_s,
                                   u"file"_s);
    const QCommandLineOption webhook(
        u"webhook"_s, u"Deliver every event to this URL, signed with --webhook-secret."_s, u"url"_s);
    const QCommandLineOption webhookSecret(u"webhook-secret"_s, u"The whsec_ secret for --webhook."_s,
                                           u"whsec_..."_s);
    const QCommandLineOption rateLimit(u"rate-limit"_s, u"Answer 429 above N API requests per second."_s,
                                       u"N"_s);
    const QCommandLineOption publicUrl(
        u"public-url"_s,
        u"Base URL that hosted pages (Checkout, 3-D Secure) announce, e.g. the shop "
        "network address when listening on 0.0.0.0."_s,
        u"url"_s);
    parser.addOptions({listen, seedDemo, seed, state, webhook, webhookSecret, rateLimit, publicUrl});
    parser.process(app);

    QTextStream err(stderr);
    QHostAddress address;
    quint16 port = 0;
    if (!parseListen(parser.value(listen), &address, &port)) {
        err << "kassa-stripe-sim: --listen takes host:port, e.g. 127.0.0.1:12111 or [::1]:0\n";
        return 2;
    }
    if (parser.isSet(webhook) != parser.isSet(webhookSecret)) {
        err << "kassa-stripe-sim: --webhook and --webhook-secret go together\n";
        return 2;
    }
    if (parser.isSet(webhookSecret) && !parser.value(webhookSecret).startsWith(u"whsec_"_s)) {
        err << "kassa-stripe-sim: --webhook-secret must start with whsec_\n";
        return 2;
    }
    const QUrl webhookUrl(parser.value(webhook), QUrl::StrictMode);
    if (parser.isSet(webhook) && (!webhookUrl.isValid() || !webhookUrl.scheme().startsWith(u"http"_s))) {
        err << "kassa-stripe-sim: --webhook must be an http:// or https:// URL\n";
        return 2;
    }
    bool ok = true;
    const int demoPayments = parser.isSet(seedDemo) ? parser.value(seedDemo).toInt(&ok) : 0;
    if (!ok || demoPayments < 0 || demoPayments > 1'000'000) {
        err << "kassa-stripe-sim: --seed-demo takes a number of payments from 0 to 1000000\n";
        return 2;
    }
    const int limit = parser.isSet(rateLimit) ? parser.value(rateLimit).toInt(&ok) : 0;
    if (!ok || limit < 0) {
        err << "kassa-stripe-sim: --rate-limit takes a positive number of requests per second\n";
        return 2;
    }

    kassa::sim::Simulator simulator;
    if (parser.isSet(seed)) {
        const uint value = parser.value(seed).toUInt(&ok);
        if (!ok) {
            err << "kassa-stripe-sim: --seed takes an unsigned number\n";
            return 2;
        }
        simulator.setRandomSeed(value);
    }
    if (parser.isSet(state)) {
        QString error;
        if (!simulator.setStateFile(parser.value(state), &error)) {
            err << "kassa-stripe-sim: " << error << '\n';
            return 1;
        }
    }
    simulator.setRateLimit(limit);
    if (!simulator.listen(address, port)) {
        err << "kassa-stripe-sim: cannot listen on " << parser.value(listen) << ": "
            << simulator.errorString() << '\n';
        return 1;
    }
    if (parser.isSet(publicUrl))
        simulator.setPublicUrl(QUrl(parser.value(publicUrl)));
    if (demoPayments > 0)
        simulator.seedDemo(demoPayments);
    if (parser.isSet(webhook))
        simulator.addWebhookEndpoint(webhookUrl, parser.value(webhookSecret));

    QTextStream out(stdout);
    out << "listening on " << simulator.baseUrl().toString() << Qt::endl;
    if (demoPayments > 0)
        out << "demo data: "
            << simulator.stats().value(u"objects"_s).toObject().value(u"payment_intent"_s).toInteger()
            << " payments; use any key of the form sk_test_... (e.g. sk_test_kassademo12345678)" << Qt::endl;

    if (!quitOnTermination(app))
        err << "kassa-stripe-sim: cannot handle SIGTERM; stop it with SIGKILL\n";
    return app.exec();
}
