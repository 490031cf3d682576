// bench_client: what Kassa's Stripe client costs per request, next to the official stripe-node package
// measured in the same run against the same kassa-stripe-sim (a separate process). Workload, as a till
// does it: N sequential create+confirm calls of a PaymentIntent with pm_card_visa, each one waiting for
// the previous answer, each with a new idempotency key, after a warm-up.
//
//   bench_client [--count 2000] [--warmup 50] [--quick] [--kassa-only] [--sim PATH] [--node PATH]
//                [--node-script PATH]
//
// Kassa's side runs in this process (StripeClient + PaymentIntents::create, client-side pace set out of
// the way); its CPU is getrusage(RUSAGE_SELF) user+sys around the measured loop. stripe-node's side is
// bench/stripe-node-client.mjs, which measures process.cpuUsage() around its own loop only (not Node's
// start-up). The simulator's CPU (/proc/<pid>/stat) during each measured loop is printed as context.
// Goal: Kassa's client spends at most a third of stripe-node's CPU per request.
//
// Every figure is printed as a human line and as one JSON line
// {"bench": "client", "metric": "...", "value": N, "unit": "..."}. Exits non-zero when any call failed on
// either side, or when stripe-node could not run and --kassa-only was not given.
#include "benchsupport.h"

#include "core/currency.h"
#include "core/money.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/stripeclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::bench;
using namespace kassa::stripe;

namespace {

constexpr auto ApiKey = "sk_test_kassabench12345678";
constexpr int MaxSamples = 5;
// The goal from the issue: Kassa's CPU per request at most this fraction of stripe-node's.
constexpr double CpuGoalRatio = 1.0 / 3.0;
// stripe-node's exit code when its package is not installed (tests/peers/support.mjs).
constexpr int NodeSkipExitCode = 77;

struct Options
{
    QString simulator;
    QString node;
    QString nodeScript;
    int count = 2000;
    int warmup = 50;
    bool kassaOnly = false;
};

struct Measured
{
    bool ran = false;
    int count = 0;
    int failures = 0;
    double wallMs = 0;
    double cpuUserUs = 0;
    double cpuSystemUs = 0;
    double simCpuUs = 0;

    double cpuUs() const { return cpuUserUs + cpuSystemUs; }
    double wallMsPerRequest() const { return count > 0 ? wallMs / count : 0; }
    double cpuUsPerRequest() const { return count > 0 ? cpuUs() / count : 0; }
    double simCpuUsPerRequest() const { return count > 0 ? simCpuUs / count : 0; }
};

class ClientBench
{
public:
    explicit ClientBench(const Options &options)
        : m_options(options)
    {
    }

    ~ClientBench() { stopSimulator(); }

    // Starts the simulator and makes the client; false (with a message printed) on failure.
    bool start();
    // Kassa's warm-up and measured loop, then stripe-node's, then the report; quits the event loop.
    void run();

private:
    void runKassa(int count, bool measured, std::function<void()> done);
    void sendKassa();
    void finishLoop();
    void runNode();
    void onNodeFinished(int exitCode, QProcess::ExitStatus status);
    void report();
    void recordFailure(QStringList &samples, const QString &sample);
    void stopSimulator();

    Options m_options;
    QTemporaryDir m_stderrDir;
    QProcess m_process;
    qint64 m_pid = 0;
    quint16 m_port = 0;
    Currency m_usd;

    QNetworkAccessManager m_network;
    std::unique_ptr<StripeClient> m_client;
    QObject m_context; // receives the client's callbacks

    // Kassa's running loop.
    int m_remaining = 0;
    bool m_measuring = false;
    quint64 m_sequence = 0;
    int m_kassaFailures = 0; // warm-up included
    QStringList m_kassaSamples;
    std::function<void()> m_loopDone;
    QElapsedTimer m_wall;
    CpuTimes m_cpuAtStart;
    double m_simCpuAtStart = 0;
    Measured m_kassa;

    // stripe-node.
    QProcess m_node;
    QTimer m_nodeWatchdog;
    Measured m_stripeNode;
    QString m_nodeProblem; // why stripe-node did not run or did not finish cleanly (not a failed call)
    QString m_nodeVersions;
    QStringList m_nodeSamples;
};

bool ClientBench::start()
{
    const std::optional<Currency> usd = Currency::fromCode(u"usd");
    if (!usd) {
        err() << "bench_client: the currency table has no usd" << Qt::endl;
        return false;
    }
    m_usd = *usd;
    // The simulator's stderr goes to a file: a per-request log must neither flood this output nor block
    // the simulator on a full pipe.
    if (!m_stderrDir.isValid()) {
        err() << "bench_client: cannot create a temporary directory: " << m_stderrDir.errorString()
              << Qt::endl;
        return false;
    }
    m_process.setStandardErrorFile(m_stderrDir.filePath(u"sim-stderr.log"_s));
    m_process.start(m_options.simulator, {u"--listen"_s, u"127.0.0.1:0"_s, u"--seed"_s, u"1"_s});
    if (!m_process.waitForStarted(10'000)) {
        err() << "bench_client: cannot start " << m_options.simulator << ": " << m_process.errorString()
              << Qt::endl;
        return false;
    }
    m_pid = m_process.processId();
    QElapsedTimer waited;
    waited.start();
    while (!m_process.canReadLine() && waited.elapsed() < 10'000 && m_process.state() == QProcess::Running)
        m_process.waitForReadyRead(int(10'000 - waited.elapsed()));
    const QByteArray line = m_process.readLine().trimmed();
    static const QByteArray Prefix = QByteArrayLiteral("listening on http://127.0.0.1:");
    bool ok = false;
    const uint port = line.startsWith(Prefix) ? line.mid(Prefix.size()).toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535) {
        err() << "bench_client: unexpected first line from the simulator: " << QString::fromUtf8(line)
              << Qt::endl;
        QFile simErr(m_stderrDir.filePath(u"sim-stderr.log"_s));
        if (simErr.open(QIODevice::ReadOnly))
            err() << QString::fromUtf8(simErr.read(4096)) << Qt::endl;
        return false;
    }
    m_port = quint16(port);

    StripeClient::Options clientOptions;
    clientOptions.apiBase = QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
    m_client = std::make_unique<StripeClient>(m_network, clientOptions);
    m_client->setApiKey(QString::fromLatin1(ApiKey));
    // The client-side pace (25/s in test mode) would measure the pace, not the client.
    m_client->setRate(100'000);
    return true;
}

void ClientBench::run()
{
    out() << "bench_client: " << m_options.count << " sequential create+confirm calls per client after "
          << m_options.warmup << " warm-up calls; simulator pid " << m_pid << ", port " << m_port << Qt::endl;
    runKassa(m_options.warmup, false, [this] {
        runKassa(m_options.count, true, [this] {
            if (m_options.kassaOnly) {
                m_nodeProblem = u"skipped: --kassa-only"_s;
                report();
            } else {
                runNode();
            }
        });
    });
}

void ClientBench::runKassa(int count, bool measured, std::function<void()> done)
{
    m_remaining = count;
    m_measuring = measured;
    m_loopDone = std::move(done);
    if (count == 0) {
        QTimer::singleShot(0, [this] { finishLoop(); });
        return;
    }
    if (measured) {
        m_simCpuAtStart = processCpuSeconds(m_pid) * 1e6;
        m_cpuAtStart = selfCpu();
        m_wall.start();
    }
    sendKassa();
}

void ClientBench::sendKassa()
{
    const quint64 sequence = ++m_sequence;
    PaymentIntents::CreateParams params;
    params.amount = Money(100 + qint64(sequence % 9900), m_usd);
    params.paymentMethodId = u"pm_card_visa"_s;
    params.confirm = true;
    // No key given: StripeClient makes a new UUID v4 for every POST, as it does in the till.
    m_client->send(PaymentIntents::create(params), &m_context, [this](const StripeResponse &response) {
        if (!response.ok()) {
            ++m_kassaFailures;
            recordFailure(m_kassaSamples, response.error.toString());
        } else if (response.json.value(u"status"_s).toString() != u"succeeded"_s) {
            ++m_kassaFailures;
            recordFailure(m_kassaSamples,
                          u"%1: status %2"_s.arg(response.json.value(u"id"_s).toString(),
                                                 response.json.value(u"status"_s).toString()));
        }
        if (--m_remaining > 0) {
            sendKassa();
            return;
        }
        if (m_measuring) {
            const double wallNs = double(m_wall.nsecsElapsed());
            const CpuTimes cpu = selfCpu();
            m_kassa.ran = true;
            m_kassa.count = m_options.count;
            m_kassa.failures = m_kassaFailures;
            m_kassa.wallMs = wallNs / 1e6;
            m_kassa.cpuUserUs = cpu.userUs - m_cpuAtStart.userUs;
            m_kassa.cpuSystemUs = cpu.systemUs - m_cpuAtStart.systemUs;
            m_kassa.simCpuUs = processCpuSeconds(m_pid) * 1e6 - m_simCpuAtStart;
        }
        // Posted: the next phase does not start inside the reply's finished() handler.
        QTimer::singleShot(0, [this] { finishLoop(); });
    });
}

// Moved out first: the callback usually starts the next loop, which sets m_loopDone again.
void ClientBench::finishLoop()
{
    const std::function<void()> done = std::move(m_loopDone);
    m_loopDone = nullptr;
    done();
}

void ClientBench::recordFailure(QStringList &samples, const QString &sample)
{
    if (samples.size() < MaxSamples)
        samples.append(sample);
}

void ClientBench::runNode()
{
    if (!QFile::exists(m_options.nodeScript)) {
        m_nodeProblem = u"%1 does not exist"_s.arg(m_options.nodeScript);
        report();
        return;
    }
    // Node's own diagnostics (a stack trace, the "not installed" message) reach the terminal directly.
    m_node.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QObject::connect(&m_node, &QProcess::errorOccurred, &m_context, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_nodeWatchdog.stop();
        m_nodeProblem = u"cannot run Node.js ('%1': %2); install Node.js 18+ and `npm ci` in tests/peers "
                        "(scripts/setup-debian.sh does both), or pass --node PATH"_s.arg(
                            m_options.node, m_node.errorString());
        report();
    });
    QObject::connect(&m_node, &QProcess::finished, &m_context,
                     [this](int exitCode, QProcess::ExitStatus status) { onNodeFinished(exitCode, status); });
    // stripe-node's own loop is measured inside the script; this bound only stops a hung run.
    m_nodeWatchdog.setSingleShot(true);
    QObject::connect(&m_nodeWatchdog, &QTimer::timeout, &m_context, [this] {
        err() << "bench_client: stripe-node did not finish in time; stopping it" << Qt::endl;
        m_node.kill();
    });
    m_nodeWatchdog.start(60'000 + m_options.count * 100);
    m_node.start(m_options.node, {m_options.nodeScript, u"--port"_s, QString::number(m_port), u"--count"_s,
                                  QString::number(m_options.count), u"--warmup"_s,
                                  QString::number(m_options.warmup), u"--sim-pid"_s, QString::number(m_pid)});
}

void ClientBench::onNodeFinished(int exitCode, QProcess::ExitStatus status)
{
    m_nodeWatchdog.stop();
    const QByteArray stdoutText = m_node.readAllStandardOutput();
    if (status != QProcess::NormalExit) {
        m_nodeProblem = u"stripe-node crashed or was killed"_s;
        report();
        return;
    }
    if (exitCode == NodeSkipExitCode) {
        m_nodeProblem = QString::fromUtf8(stdoutText).trimmed();
        report();
        return;
    }
    // The result is the last line that is a JSON object.
    QJsonObject result;
    const QList<QByteArray> lines = stdoutText.trimmed().split('\n');
    for (auto it = lines.crbegin(); it != lines.crend() && result.isEmpty(); ++it)
        result = QJsonDocument::fromJson(*it).object();
    if (result.isEmpty()) {
        const QString text = QString::fromUtf8(stdoutText.left(2000)).trimmed();
        m_nodeProblem = u"stripe-node exited with %1 without a result (its messages are above)%2"_s.arg(
            QString::number(exitCode), text.isEmpty() ? QString() : QString(u": "_s + text));
        report();
        return;
    }
    m_stripeNode.ran = true;
    m_stripeNode.count = result.value(u"count"_s).toInt();
    m_stripeNode.failures = result.value(u"failures"_s).toInt() + result.value(u"warmup_failures"_s).toInt();
    m_stripeNode.wallMs = result.value(u"wall_ms"_s).toDouble();
    m_stripeNode.cpuUserUs = result.value(u"cpu_user_us"_s).toDouble();
    m_stripeNode.cpuSystemUs = result.value(u"cpu_system_us"_s).toDouble();
    m_stripeNode.simCpuUs = result.value(u"sim_cpu_us"_s).toDouble();
    m_nodeVersions = u"stripe-node %1 on Node.js %2"_s.arg(result.value(u"stripe_version"_s).toString(),
                                                           result.value(u"node_version"_s).toString());
    const QJsonArray samples = result.value(u"failure_samples"_s).toArray();
    for (const QJsonValue &sample : samples)
        recordFailure(m_nodeSamples, sample.toString());
    if (exitCode != 0 && m_stripeNode.failures == 0)
        m_nodeProblem = u"stripe-node exited with %1 although every call succeeded"_s.arg(exitCode);
    report();
}

void ClientBench::report()
{
    const Measured &k = m_kassa;
    out() << "Kassa StripeClient (Qt " << qVersion() << "): " << k.count << " calls in "
          << QString::number(k.wallMs, 'f', 1) << " ms; CPU user "
          << QString::number(k.cpuUserUs / 1e3, 'f', 1) << " ms + sys "
          << QString::number(k.cpuSystemUs / 1e3, 'f', 1) << " ms" << Qt::endl;
    printFigure("client", u"Kassa wall time: %1 ms per request"_s.arg(k.wallMsPerRequest(), 0, 'f', 3),
                "kassa_wall_ms_per_request", k.wallMsPerRequest(), 3, "ms/request");
    printFigure("client", u"Kassa CPU: %1 us per request"_s.arg(k.cpuUsPerRequest(), 0, 'f', 1),
                "kassa_cpu_us_per_request", k.cpuUsPerRequest(), 1, "us/request");
    printFigure(
        "client",
        u"simulator CPU during Kassa's loop: %1 us per request"_s.arg(k.simCpuUsPerRequest(), 0, 'f', 1),
        "sim_cpu_us_per_request_kassa", k.simCpuUsPerRequest(), 1, "us/request");

    bool goalMet = false;
    const Measured &n = m_stripeNode;
    if (n.ran) {
        out() << m_nodeVersions << ": " << n.count << " calls in " << QString::number(n.wallMs, 'f', 1)
              << " ms; CPU user " << QString::number(n.cpuUserUs / 1e3, 'f', 1) << " ms + sys "
              << QString::number(n.cpuSystemUs / 1e3, 'f', 1) << " ms" << Qt::endl;
        printFigure("client",
                    u"stripe-node wall time: %1 ms per request"_s.arg(n.wallMsPerRequest(), 0, 'f', 3),
                    "stripe_node_wall_ms_per_request", n.wallMsPerRequest(), 3, "ms/request");
        printFigure("client", u"stripe-node CPU: %1 us per request"_s.arg(n.cpuUsPerRequest(), 0, 'f', 1),
                    "stripe_node_cpu_us_per_request", n.cpuUsPerRequest(), 1, "us/request");
        printFigure("client",
                    u"simulator CPU during stripe-node's loop: %1 us per request"_s.arg(
                        n.simCpuUsPerRequest(), 0, 'f', 1),
                    "sim_cpu_us_per_request_stripe_node", n.simCpuUsPerRequest(), 1, "us/request");
        const double wallRatio = n.wallMsPerRequest() > 0 ? k.wallMsPerRequest() / n.wallMsPerRequest() : 0;
        const double cpuRatio = n.cpuUsPerRequest() > 0 ? k.cpuUsPerRequest() / n.cpuUsPerRequest() : 0;
        printFigure("client", u"wall time ratio Kassa/stripe-node: %1"_s.arg(wallRatio, 0, 'f', 3),
                    "wall_ratio_kassa_to_stripe_node", wallRatio, 3, "ratio");
        printFigure("client", u"CPU ratio Kassa/stripe-node: %1"_s.arg(cpuRatio, 0, 'f', 3),
                    "cpu_ratio_kassa_to_stripe_node", cpuRatio, 3, "ratio");
        goalMet = cpuRatio > 0 && cpuRatio <= CpuGoalRatio;
        printFigure("client",
                    u"goal (Kassa's CPU per request at most 1/3 of stripe-node's): %1 (%2 %3 0.333)"_s.arg(
                        goalMet ? u"met"_s : u"NOT met"_s, QString::number(cpuRatio, 'f', 3),
                        goalMet ? u"<="_s : u">"_s),
                    "cpu_goal_met", goalMet ? 1 : 0, 0, "bool");
    } else {
        out() << "stripe-node: not measured: " << m_nodeProblem << Qt::endl;
    }

    QFile simErr(m_stderrDir.filePath(u"sim-stderr.log"_s));
    const bool anyFailure = k.failures > 0 || n.failures > 0;
    if (anyFailure && simErr.open(QIODevice::ReadOnly) && simErr.size() > 0) {
        simErr.seek(qMax<qint64>(0, simErr.size() - 2048));
        err() << "bench_client: the end of the simulator's stderr:\n"
              << QString::fromUtf8(simErr.readAll()) << Qt::endl;
    }
    if (k.failures > 0) {
        err() << "bench_client: " << k.failures << " of Kassa's " << k.count + m_options.warmup
              << " calls (warm-up included) failed; first ones:" << Qt::endl;
        for (const QString &sample : std::as_const(m_kassaSamples))
            err() << "  " << sample << Qt::endl;
    }
    if (n.failures > 0) {
        err() << "bench_client: " << n.failures << " of stripe-node's " << n.count + m_options.warmup
              << " calls (warm-up included) failed; first ones:" << Qt::endl;
        for (const QString &sample : std::as_const(m_nodeSamples))
            err() << "  " << sample << Qt::endl;
    }
    int exitCode = anyFailure ? 1 : 0;
    if (n.ran && !m_nodeProblem.isEmpty()) {
        err() << "bench_client: " << m_nodeProblem << Qt::endl;
        exitCode = 1;
    } else if (!n.ran && !m_options.kassaOnly) {
        err() << "bench_client: the stripe-node reference did not run (" << m_nodeProblem
              << "); pass --kassa-only to measure Kassa's client alone" << Qt::endl;
        exitCode = 1;
    }
    if (exitCode == 0)
        out() << "bench_client: every call succeeded" << Qt::endl;
    QCoreApplication::exit(exitCode);
}

void ClientBench::stopSimulator()
{
    if (m_node.state() != QProcess::NotRunning) {
        m_node.kill();
        m_node.waitForFinished(2'000);
    }
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5'000)) {
        m_process.kill();
        m_process.waitForFinished(2'000);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"bench_client"_s);
    // As kassa-cli runs the client: no per-request debug or info lines.
    QLoggingCategory::setFilterRules(u"kassa.*.debug=false\nkassa.*.info=false"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"CPU and wall time per request of Kassa's Stripe client, next to stripe-node, in one run."_s);
    parser.addHelpOption();
    const QCommandLineOption count(u"count"_s, u"Measured calls per client (default 2000)."_s, u"N"_s,
                                   u"2000"_s);
    const QCommandLineOption warmup(u"warmup"_s, u"Unmeasured warm-up calls per client (default 50)."_s,
                                    u"N"_s, u"50"_s);
    const QCommandLineOption quick(u"quick"_s, u"Smoke size for CI: 200 measured calls per client."_s);
    const QCommandLineOption kassaOnly(u"kassa-only"_s,
                                       u"Measure Kassa's client alone, without stripe-node."_s);
    const QCommandLineOption sim(u"sim"_s,
                                 u"The kassa-stripe-sim executable (default: the one built with this)."_s,
                                 u"path"_s, QStringLiteral(KASSA_SIM_EXECUTABLE));
    const QCommandLineOption node(u"node"_s, u"The Node.js executable (default: the one CMake found)."_s,
                                  u"path"_s, QStringLiteral(KASSA_NODE_EXECUTABLE));
    const QCommandLineOption nodeScript(u"node-script"_s, u"bench/stripe-node-client.mjs."_s, u"path"_s,
                                        QStringLiteral(KASSA_STRIPE_NODE_CLIENT));
    parser.addOptions({count, warmup, quick, kassaOnly, sim, node, nodeScript});
    parser.process(app);

    Options options;
    options.simulator = parser.value(sim);
    options.node = parser.value(node);
    options.nodeScript = parser.value(nodeScript);
    options.kassaOnly = parser.isSet(kassaOnly);
    bool ok1 = false;
    bool ok2 = false;
    options.count = parser.value(count).toInt(&ok1);
    options.warmup = parser.value(warmup).toInt(&ok2);
    if (parser.isSet(quick) && !parser.isSet(count))
        options.count = 200;
    if (!ok1 || !ok2 || options.count < 1 || options.count > 10'000'000 || options.warmup < 0) {
        err() << "bench_client: --count takes 1 or more, --warmup 0 or more" << Qt::endl;
        return 2;
    }

    ClientBench bench(options);
    if (!bench.start())
        return 1;
    QTimer::singleShot(0, [&bench] { bench.run(); });
    return app.exec();
}
