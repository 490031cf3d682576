// bench_sim: throughput and latency of kassa-stripe-sim, driven over keep-alive HTTP/1.1 from a separate
// process. Workload: create+confirm of a PaymentIntent with pm_card_visa (one Idempotency-Key each);
// reference in the same run: GET /v1/events?limit=1, a cheap authenticated request through the same path.
//
//   bench_sim [--connections 8] [--duration 10] [--warmup 1] [--quick] [--sim PATH]
//
// Every figure is printed as a human line and as one JSON line
// {"bench": "sim", "metric": "...", "value": N, "unit": "..."}. Exits non-zero when any response was not a
// 200 (or a 200 without a succeeded PaymentIntent), a connection failed, or the simulator's object count
// disagrees with the number of successful creates.
#include "benchsupport.h"
#include "httploadconnection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace kassa::bench;

namespace {

constexpr auto ApiKey = "sk_test_kassabench12345678";
constexpr int MaxSamples = 5;
constexpr int ResponseTimeoutMs = 10'000;

struct Options
{
    QString simulator;
    int connections = 8;
    int durationMs = 10'000;
    int warmupMs = 1'000;
};

enum class Workload { CreateConfirm, CheapGet };

struct PhaseResult
{
    qint64 completed = 0; // responses that arrived inside the measured window
    double seconds = 0;
    std::vector<qint64> latenciesNs;
    double serverCpuSeconds = 0;
};

class SimBench
{
public:
    explicit SimBench(const Options &options)
        : m_options(options)
        , m_nonce(QByteArray::number(QRandomGenerator::global()->generate(), 16))
    {
    }

    ~SimBench() { stopSimulator(); }

    // Starts the simulator and opens the connections; false (with a message printed) on failure.
    bool start();
    // Runs warm-up, the two measured phases and the final checks, then quits the event loop.
    void run();

private:
    void runPhase(Workload workload, int durationMs, bool measured, std::function<void(PhaseResult)> done);
    void sendNext(int index);
    void onResponse(int index, const HttpLoadConnection::Response &response);
    void onError(int index, const QString &message);
    void maybeFinishPhase();
    QByteArray nextRequest();
    void finish();
    void report(qint64 intents);
    void stopSimulator();
    void recordFailure(const QString &sample);

    Options m_options;
    QByteArray m_nonce;
    QByteArray m_host;
    QTemporaryDir m_stderrDir;
    QProcess m_process;
    qint64 m_pid = 0;
    std::vector<std::unique_ptr<HttpLoadConnection>> m_connections;
    std::vector<bool> m_dead;

    // The running phase.
    Workload m_workload = Workload::CreateConfirm;
    bool m_active = false;
    bool m_measured = false;
    bool m_phaseOpen = false;
    int m_phase = 0;
    QElapsedTimer m_phaseClock;
    PhaseResult m_current;
    double m_serverCpuAtStart = 0;
    std::function<void(PhaseResult)> m_phaseDone;

    // Whole run.
    quint64 m_sequence = 0;
    qint64 m_createdOk = 0;
    qint64 m_responses = 0;
    qint64 m_failures = 0;
    QStringList m_failureSamples;
    QMap<int, qint64> m_nonOkByStatus;
    PhaseResult m_createConfirm;
    PhaseResult m_cheapGet;
    double m_clientCpuAtStart = 0;
    double m_clientCpu = 0;
    std::unique_ptr<HttpLoadConnection> m_statsConnection;
    bool m_reported = false;
};

bool SimBench::start()
{
    // The simulator's stderr goes to a file: a per-request log must neither flood this output nor block
    // the simulator on a full pipe. Its size is reported, and its tail when something failed.
    if (!m_stderrDir.isValid()) {
        err() << "bench_sim: cannot create a temporary directory: " << m_stderrDir.errorString() << Qt::endl;
        return false;
    }
    m_process.setStandardErrorFile(m_stderrDir.filePath(u"sim-stderr.log"_s));
    m_process.start(m_options.simulator, {u"--listen"_s, u"127.0.0.1:0"_s, u"--seed"_s, u"1"_s});
    if (!m_process.waitForStarted(10'000)) {
        err() << "bench_sim: cannot start " << m_options.simulator << ": " << m_process.errorString()
              << Qt::endl;
        return false;
    }
    m_pid = m_process.processId();
    QByteArray line;
    QElapsedTimer waited;
    waited.start();
    while (!m_process.canReadLine() && waited.elapsed() < 10'000 && m_process.state() == QProcess::Running)
        m_process.waitForReadyRead(int(10'000 - waited.elapsed()));
    line = m_process.readLine().trimmed();
    static const QByteArray Prefix = QByteArrayLiteral("listening on http://127.0.0.1:");
    bool ok = false;
    const uint port = line.startsWith(Prefix) ? line.mid(Prefix.size()).toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535) {
        err() << "bench_sim: unexpected first line from the simulator: " << QString::fromUtf8(line)
              << Qt::endl;
        QFile simErr(m_stderrDir.filePath(u"sim-stderr.log"_s));
        if (simErr.open(QIODevice::ReadOnly))
            err() << QString::fromUtf8(simErr.read(4096)) << Qt::endl;
        return false;
    }
    m_host = "127.0.0.1:" + QByteArray::number(port);
    for (int i = 0; i < m_options.connections; ++i) {
        auto connection = std::make_unique<HttpLoadConnection>(
            [this, i](const HttpLoadConnection::Response &response) { onResponse(i, response); },
            [this, i](const QString &message) { onError(i, message); });
        QString error;
        if (!connection->connectTo(quint16(port), 5'000, &error)) {
            err() << "bench_sim: cannot connect to the simulator: " << error << Qt::endl;
            return false;
        }
        m_connections.push_back(std::move(connection));
        m_dead.push_back(false);
    }
    return true;
}

void SimBench::run()
{
    out() << "bench_sim: " << m_options.connections << " keep-alive connections, "
          << m_options.warmupMs / 1000.0 << " s warm-up, " << m_options.durationMs / 1000.0
          << " s per figure, simulator pid " << m_pid << Qt::endl;
    m_clientCpuAtStart = selfCpu().seconds();
    runPhase(Workload::CreateConfirm, m_options.warmupMs, false, [this](PhaseResult) {
        runPhase(Workload::CreateConfirm, m_options.durationMs, true, [this](PhaseResult createConfirm) {
            m_createConfirm = std::move(createConfirm);
            runPhase(Workload::CheapGet, m_options.durationMs, true, [this](PhaseResult cheapGet) {
                m_cheapGet = std::move(cheapGet);
                finish();
            });
        });
    });
}

QByteArray SimBench::nextRequest()
{
    static const QByteArray Auth = "Authorization: Bearer " + QByteArray(ApiKey) + "\r\n";
    const quint64 sequence = ++m_sequence;
    if (m_workload == Workload::CheapGet)
        return HttpLoadConnection::buildRequest("GET", "/v1/events?limit=1", m_host, Auth, {});
    const QByteArray headers = Auth +
                               "Content-Type: application/x-www-form-urlencoded\r\nIdempotency-Key: bench-" +
                               m_nonce + '-' + QByteArray::number(sequence) + "\r\n";
    const QByteArray body =
        "amount=" + QByteArray::number(100 + sequence % 9900) +
        "&currency=usd&payment_method=pm_card_visa&confirm=true&payment_method_types[]=card";
    return HttpLoadConnection::buildRequest("POST", "/v1/payment_intents", m_host, headers, body);
}

void SimBench::runPhase(Workload workload, int durationMs, bool measured,
                        std::function<void(PhaseResult)> done)
{
    m_workload = workload;
    m_measured = measured;
    m_phaseDone = std::move(done);
    m_current = PhaseResult{};
    if (measured)
        m_current.latenciesNs.reserve(size_t(durationMs) * 10);
    m_serverCpuAtStart = processCpuSeconds(m_pid);
    m_active = true;
    m_phaseOpen = true;
    m_phaseClock.start();
    const int phase = ++m_phase;
    QTimer::singleShot(durationMs, Qt::PreciseTimer, [this, phase] {
        m_active = false;
        m_current.seconds = double(m_phaseClock.nsecsElapsed()) / 1e9;
        m_current.serverCpuSeconds = processCpuSeconds(m_pid) - m_serverCpuAtStart;
        maybeFinishPhase();
        // A simulator that stops answering must not hang the benchmark.
        QTimer::singleShot(ResponseTimeoutMs, [this, phase] {
            if (phase != m_phase || !m_phaseOpen)
                return;
            for (size_t i = 0; i < m_connections.size(); ++i) {
                if (!m_dead[i] && m_connections[i]->busy()) {
                    recordFailure(
                        u"connection %1: no response within %2 s"_s.arg(i).arg(ResponseTimeoutMs / 1000));
                    m_dead[i] = true;
                }
            }
            maybeFinishPhase();
        });
    });
    for (int i = 0; i < int(m_connections.size()); ++i)
        sendNext(i);
}

void SimBench::sendNext(int index)
{
    if (!m_active || m_dead[size_t(index)])
        return;
    m_connections[size_t(index)]->send(nextRequest());
}

void SimBench::recordFailure(const QString &sample)
{
    ++m_failures;
    if (m_failureSamples.size() < MaxSamples)
        m_failureSamples.append(sample);
}

void SimBench::onResponse(int index, const HttpLoadConnection::Response &response)
{
    if (m_dead[size_t(index)]) // given up on already (a late answer after the watchdog)
        return;
    ++m_responses;
    if (response.status != 200) {
        ++m_nonOkByStatus[response.status];
        recordFailure(u"HTTP %1: %2"_s.arg(response.status)
                          .arg(QString::fromUtf8(response.body.left(600)).simplified()));
    } else if (m_workload == Workload::CreateConfirm) {
        if (response.body.contains("\"succeeded\""))
            ++m_createdOk;
        else
            recordFailure(u"HTTP 200 without a succeeded PaymentIntent: %1"_s.arg(
                QString::fromUtf8(response.body.left(600)).simplified()));
    }
    if (m_active && m_measured) {
        ++m_current.completed;
        m_current.latenciesNs.push_back(response.latencyNs);
    }
    if (m_active)
        sendNext(index);
    else
        maybeFinishPhase();
}

void SimBench::onError(int index, const QString &message)
{
    recordFailure(u"connection %1: %2"_s.arg(index).arg(message));
    m_dead[size_t(index)] = true;
    if (std::all_of(m_dead.cbegin(), m_dead.cend(), [](bool dead) { return dead; })) {
        err() << "bench_sim: every connection failed; stopping" << Qt::endl;
        m_active = false;
    }
    maybeFinishPhase();
}

void SimBench::maybeFinishPhase()
{
    if (m_active || !m_phaseOpen)
        return;
    for (size_t i = 0; i < m_connections.size(); ++i) {
        if (!m_dead[i] && m_connections[i]->busy())
            return;
    }
    m_phaseOpen = false;
    if (m_current.seconds == 0) // every connection died before the timer
        m_current.seconds = double(m_phaseClock.nsecsElapsed()) / 1e9;
    // Posted, so that the next phase does not start inside a socket's readyRead handler.
    QTimer::singleShot(0,
                       [this, result = std::move(m_current)]() mutable { m_phaseDone(std::move(result)); });
}

void SimBench::finish()
{
    m_clientCpu = selfCpu().seconds() - m_clientCpuAtStart;
    // The simulator's own count of PaymentIntents, over a fresh connection of the same client.
    QString error;
    m_statsConnection = std::make_unique<HttpLoadConnection>(
        [this](const HttpLoadConnection::Response &response) {
            const QJsonObject stats = QJsonDocument::fromJson(response.body).object();
            const qint64 intents =
                stats.value(u"objects"_s).toObject().value(u"payment_intent"_s).toInteger(-1);
            // Posted: report() deletes this connection, which is inside its own readyRead handler here.
            QTimer::singleShot(0, [this, intents] { report(intents); });
        },
        [this](const QString &message) {
            recordFailure(u"GET /_sim/stats failed: %1"_s.arg(message));
            QTimer::singleShot(0, [this] { report(-1); });
        });
    if (!m_statsConnection->connectTo(quint16(m_host.mid(m_host.indexOf(':') + 1).toUInt()), 5'000, &error)) {
        recordFailure(u"cannot connect for GET /_sim/stats: %1"_s.arg(error));
        report(-1);
        return;
    }
    m_statsConnection->send(HttpLoadConnection::buildRequest("GET", "/_sim/stats", m_host, {}, {}));
    QTimer::singleShot(ResponseTimeoutMs, [this] {
        if (m_reported)
            return;
        recordFailure(u"GET /_sim/stats: no response within %1 s"_s.arg(ResponseTimeoutMs / 1000));
        report(-1);
    });
}

void SimBench::report(qint64 intents)
{
    if (m_reported)
        return;
    m_reported = true;
    if (intents >= 0 && intents != m_createdOk)
        recordFailure(u"the simulator holds %1 PaymentIntents, the client saw %2 succeed"_s.arg(intents).arg(
            m_createdOk));
    const double rss = peakRssMiB(m_pid);
    stopSimulator();

    const PhaseResult &cc = m_createConfirm;
    const PhaseResult &ref = m_cheapGet;
    const double ccRps = cc.seconds > 0 ? double(cc.completed) / cc.seconds : 0;
    const double refRps = ref.seconds > 0 ? double(ref.completed) / ref.seconds : 0;
    const double ccP50 = percentileMs(cc.latenciesNs, 0.50);
    const double ccP99 = percentileMs(cc.latenciesNs, 0.99);
    const double refP50 = percentileMs(ref.latenciesNs, 0.50);
    const double refP99 = percentileMs(ref.latenciesNs, 0.99);
    const double cpuPerCreate = cc.completed > 0 ? cc.serverCpuSeconds * 1e6 / double(cc.completed) : 0;
    const double cpuPerGet = ref.completed > 0 ? ref.serverCpuSeconds * 1e6 / double(ref.completed) : 0;

    printFigure("sim",
                u"create+confirm: %1 requests/s (%2 in %3 s; goal >= 2000/s: %4)"_s.arg(ccRps, 0, 'f', 1)
                    .arg(cc.completed)
                    .arg(cc.seconds, 0, 'f', 2)
                    .arg(ccRps >= 2000 ? u"met"_s : u"MISSED"_s),
                "create_confirm_rps", ccRps, 1, "requests/s");
    printFigure("sim", u"create+confirm latency p50: %1 ms"_s.arg(ccP50, 0, 'f', 3), "create_confirm_p50_ms",
                ccP50, 3, "ms");
    printFigure("sim", u"create+confirm latency p99: %1 ms"_s.arg(ccP99, 0, 'f', 3), "create_confirm_p99_ms",
                ccP99, 3, "ms");
    printFigure("sim",
                u"create+confirm server CPU: %1 us per request (%2 s of %3 s)"_s.arg(cpuPerCreate, 0, 'f', 1)
                    .arg(cc.serverCpuSeconds, 0, 'f', 2)
                    .arg(cc.seconds, 0, 'f', 2),
                "create_confirm_server_cpu_us", cpuPerCreate, 1, "us/request");
    printFigure("sim",
                u"reference GET /v1/events?limit=1: %1 requests/s (%2 in %3 s)"_s.arg(refRps, 0, 'f', 1)
                    .arg(ref.completed)
                    .arg(ref.seconds, 0, 'f', 2),
                "cheap_get_rps", refRps, 1, "requests/s");
    printFigure("sim", u"reference latency p50: %1 ms"_s.arg(refP50, 0, 'f', 3), "cheap_get_p50_ms", refP50,
                3, "ms");
    printFigure("sim", u"reference latency p99: %1 ms"_s.arg(refP99, 0, 'f', 3), "cheap_get_p99_ms", refP99,
                3, "ms");
    printFigure("sim", u"reference server CPU: %1 us per request"_s.arg(cpuPerGet, 0, 'f', 1),
                "cheap_get_server_cpu_us", cpuPerGet, 1, "us/request");
    printFigure(
        "sim",
        u"simulator peak RSS (VmHWM): %1 MiB, holding %2 PaymentIntents"_s.arg(rss, 0, 'f', 1).arg(intents),
        "server_peak_rss_mib", rss, 1, "MiB");
    out() << "client CPU: " << QString::number(m_clientCpu, 'f', 2) << " s for " << m_responses
          << " responses" << Qt::endl;
    QFile simErr(m_stderrDir.filePath(u"sim-stderr.log"_s));
    if (simErr.open(QIODevice::ReadOnly) && simErr.size() > 0) {
        out() << "the simulator wrote " << simErr.size() << " bytes to stderr during the run" << Qt::endl;
        if (m_failures > 0) {
            simErr.seek(qMax<qint64>(0, simErr.size() - 2048));
            err() << "bench_sim: the end of the simulator's stderr:\n"
                  << QString::fromUtf8(simErr.readAll()) << Qt::endl;
        }
    }
    if (m_failures > 0) {
        err() << "bench_sim: " << m_failures << " failed responses or checks, of " << m_responses
              << " responses; first ones:" << Qt::endl;
        for (auto it = m_nonOkByStatus.cbegin(); it != m_nonOkByStatus.cend(); ++it)
            err() << "  HTTP " << it.key() << ": " << it.value() << " responses" << Qt::endl;
        for (const QString &sample : std::as_const(m_failureSamples))
            err() << "  " << sample << Qt::endl;
    } else {
        out() << "bench_sim: all " << m_responses << " responses were 200" << Qt::endl;
    }
    QCoreApplication::exit(m_failures > 0 ? 1 : 0);
}

void SimBench::stopSimulator()
{
    m_connections.clear();
    m_statsConnection.reset();
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
    QCoreApplication::setApplicationName(u"bench_sim"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Throughput and latency of kassa-stripe-sim over keep-alive HTTP/1.1."_s);
    parser.addHelpOption();
    const QCommandLineOption connections(u"connections"_s,
                                         u"Concurrent keep-alive connections (default 8)."_s, u"C"_s, u"8"_s);
    const QCommandLineOption duration(u"duration"_s, u"Seconds per measured figure (default 10)."_s, u"D"_s,
                                      u"10"_s);
    const QCommandLineOption warmup(u"warmup"_s, u"Seconds of unmeasured warm-up (default 1)."_s, u"S"_s,
                                    u"1"_s);
    const QCommandLineOption quick(u"quick"_s, u"Smoke size for CI: 2 s per figure, 2 connections."_s);
    const QCommandLineOption sim(u"sim"_s,
                                 u"The kassa-stripe-sim executable (default: the one built with this)."_s,
                                 u"path"_s, QStringLiteral(KASSA_SIM_EXECUTABLE));
    parser.addOptions({connections, duration, warmup, quick, sim});
    parser.process(app);

    Options options;
    options.simulator = parser.value(sim);
    bool ok1 = false;
    bool ok2 = false;
    bool ok3 = false;
    options.connections = parser.value(connections).toInt(&ok1);
    options.durationMs = int(parser.value(duration).toDouble(&ok2) * 1000);
    options.warmupMs = int(parser.value(warmup).toDouble(&ok3) * 1000);
    if (parser.isSet(quick)) {
        options.connections = parser.isSet(connections) ? options.connections : 2;
        options.durationMs = parser.isSet(duration) ? options.durationMs : 2'000;
    }
    if (!ok1 || !ok2 || !ok3 || options.connections < 1 || options.connections > 1000 ||
        options.durationMs < 100 || options.warmupMs < 0) {
        err() << "bench_sim: --connections takes 1..1000, --duration at least 0.1 s, --warmup 0 or more"
              << Qt::endl;
        return 2;
    }

    SimBench bench(options);
    if (!bench.start())
        return 1;
    QTimer::singleShot(0, [&bench] { bench.run(); });
    return app.exec();
}
