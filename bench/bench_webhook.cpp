// bench_webhook: signed Stripe webhook events per second, and their latency, through Kassa's receiver
// next to a receiver built on the official stripe npm package, in the same run with the same client.
//
//   bench_webhook [--connections 8] [--duration 10] [--warmup 1] [--rounds 2] [--quick]
//                 [--kassa-cli PATH] [--node PATH] [--node-script PATH]
//
// Kassa's side is the product as it runs: the `kassa-cli webhook serve` process (WebhookInbox: the
// receiver's socket thread reads, verifies (WebhookSignature) and writes each event into the SQLite
// store's inbox through a connection of its own, the deliveries of one wakeup in one transaction, before
// their 200s; the main thread applies the events from the inbox between deliveries), with a store in a
// temporary folder and `--rate-limit 0` (the per-address limit would otherwise refuse a loopback client
// above 100 events/s). After each of its turns the benchmark waits until Kassa has applied everything it
// queued (reported as its own figure), so that this work does not fall into the reference's turn.
// The reference is bench/stripe-node-webhook-receiver.mjs: node:http, stripe.webhooks.constructEvent, the
// raw event appended to a file with writeSync before the 200 (the same durability as the store's WAL
// with synchronous=NORMAL; the script says why).
//
// The load: keep-alive HTTP/1.1 connections, one request in flight on each, every request a
// payment_intent.succeeded event with its own event id and PaymentIntent id, signed with the shared whsec_
// secret at the time it is sent. They are driven by a thread of their own (WebhookLoad: an epoll loop over
// non-blocking sockets, reused buffers, one send() per request), not by the Qt event loop: on a 2-core
// machine this client costs about 10 us of CPU per request, most of it the kernel's loopback TCP and the
// thread's wakeups, where the QTcpSocket client cost over 20 us, a good part of the core a receiver needs.
// The main thread starts each phase and gets its counts and latencies back. Rounds alternate between the two
// receivers (Kassa, then the reference, then Kassa again, ...), so that other load on the machine falls on
// both; each round has an unmeasured warm-up. After its last turn Kassa is killed with SIGKILL while events
// are still queued, its store counted (applied + queued = answered 200), and started again on the same store,
// which must apply them all. At the end both receivers are killed with SIGKILL and their stores counted:
// Kassa's `events` and `payments` tables and its empty inbox, the reference's lines (each a distinct event).
//
// Every figure is printed as a human line and as one JSON line
// {"bench": "webhook", "metric": "...", "value": N, "unit": "..."}. Exits 1 when a response was not 2xx,
// a connection failed, a store does not hold exactly the events sent, or a receiver could not run (Node.js
// or the stripe package missing included); never because of the timings.
#include "benchsupport.h"
#include "webhookload.h"

#include "services/stripe/webhooksignature.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace kassa::bench;

namespace {

constexpr auto Secret = "whsec_kassabench0123456789abcdefghij";
constexpr int MaxSamples = 5;
constexpr int ResponseTimeoutMs = 10'000;
constexpr int StartTimeoutMs = 20'000;
// The goal from the issue: Kassa at least this many times the reference's events/s, at a lower p99.
constexpr double GoalThroughputRatio = 2.0;
// Where the sequence number goes in the event template: as many digits as the placeholder has characters.
constexpr QByteArrayView SequencePlaceholder = "@@@@@@@@@@@@";

struct Options
{
    QString kassaCli;
    QString node;
    QString nodeScript;
    int connections = 8;
    int durationMs = 10'000;
    int warmupMs = 1'000;
    int rounds = 2;
};

struct Figures
{
    qint64 completed = 0; // responses that arrived inside the measured windows
    double seconds = 0;
    std::vector<qint64> latenciesNs;
    double serverCpuSeconds = 0;
};

// A payment_intent.succeeded event as Stripe sends it (API version 2024-06-20, the one Kassa pins), compact
// JSON with SequencePlaceholder wherever an id must differ from one event to the next.
QByteArray eventTemplate(const QByteArray &nonce, qint64 created)
{
    const QString seq = QString::fromLatin1(nonce + SequencePlaceholder.toByteArray());
    const QJsonObject intent{
        {u"id"_s, QString(u"pi_3Bn"_s + seq)},
        {u"object"_s, u"payment_intent"_s},
        {u"amount"_s, 1250},
        {u"amount_capturable"_s, 0},
        {u"amount_details"_s, QJsonObject{{u"tip"_s, QJsonObject()}}},
        {u"amount_received"_s, 1250},
        {u"application"_s, QJsonValue::Null},
        {u"application_fee_amount"_s, QJsonValue::Null},
        {u"automatic_payment_methods"_s, QJsonValue::Null},
        {u"canceled_at"_s, QJsonValue::Null},
        {u"cancellation_reason"_s, QJsonValue::Null},
        {u"capture_method"_s, u"automatic"_s},
        {u"client_secret"_s, QString(u"pi_3Bn"_s + seq + u"_secret_kassabench"_s)},
        {u"confirmation_method"_s, u"automatic"_s},
        {u"created"_s, created},
        {u"currency"_s, u"eur"_s},
        {u"customer"_s, QJsonValue::Null},
        {u"description"_s, u"Till 2, 1x espresso, 1x croissant"_s},
        {u"invoice"_s, QJsonValue::Null},
        {u"last_payment_error"_s, QJsonValue::Null},
        {u"latest_charge"_s, QString(u"ch_3Bn"_s + seq)},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject{{u"order_ref"_s, QString(u"ORD-"_s + seq)},
                                    {u"kassa_till"_s, u"till-2"_s},
                                    {u"kassa_cashier"_s, u"anna"_s}}},
        {u"next_action"_s, QJsonValue::Null},
        {u"on_behalf_of"_s, QJsonValue::Null},
        {u"payment_method"_s, QString(u"pm_1Bn"_s + seq)},
        {u"payment_method_configuration_details"_s, QJsonValue::Null},
        {u"payment_method_options"_s,
         QJsonObject{{u"card"_s, QJsonObject{{u"installments"_s, QJsonValue::Null},
                                             {u"mandate_options"_s, QJsonValue::Null},
                                             {u"network"_s, QJsonValue::Null},
                                             {u"request_three_d_secure"_s, u"automatic"_s}}}}},
        {u"payment_method_types"_s, QJsonArray{u"card"_s}},
        {u"processing"_s, QJsonValue::Null},
        {u"receipt_email"_s, QJsonValue::Null},
        {u"review"_s, QJsonValue::Null},
        {u"setup_future_usage"_s, QJsonValue::Null},
        {u"shipping"_s, QJsonValue::Null},
        {u"source"_s, QJsonValue::Null},
        {u"statement_descriptor"_s, QJsonValue::Null},
        {u"statement_descriptor_suffix"_s, QJsonValue::Null},
        {u"status"_s, u"succeeded"_s},
        {u"transfer_data"_s, QJsonValue::Null},
        {u"transfer_group"_s, QJsonValue::Null},
    };
    const QJsonObject event{
        {u"id"_s, QString(u"evt_3Bn"_s + seq)},
        {u"object"_s, u"event"_s},
        {u"api_version"_s, u"2024-06-20"_s},
        {u"created"_s, created},
        {u"data"_s, QJsonObject{{u"object"_s, intent}}},
        {u"livemode"_s, false},
        {u"pending_webhooks"_s, 1},
        {u"request"_s, QJsonObject{{u"id"_s, QString(u"req_Bn"_s + seq)},
                                   {u"idempotency_key"_s, QString(u"bench-"_s + seq)}}},
        {u"type"_s, u"payment_intent.succeeded"_s},
    };
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

// One receiver under test: its process, its connections and what it answered.
struct Target
{
    QString name;    // "kassa", "stripe-node"
    QString label;   // for the human lines
    QByteArray path; // request target
    QProcess process;
    qint64 pid = 0;
    quint16 port = 0;
    QString stderrPath;
    QString versions; // the reference's first line says which stripe and Node versions ran
    WebhookLoad::Connections connections;
    qint64 sent = 0;
    qint64 answered2xx = 0;
    qint64 stored = -1; // counted after the run
    Figures figures;
};

class WebhookBench
{
public:
    explicit WebhookBench(const Options &options)
        : m_options(options)
        , m_nonce(QByteArray::number(QRandomGenerator::global()->generate() % 0xfffffff + 0x10000000, 16))
    {
        m_kassa.name = u"kassa"_s;
        m_kassa.label = u"Kassa (kassa-cli webhook serve, SQLite store)"_s;
        m_node.name = u"stripe-node"_s;
        m_node.label = u"stripe-node reference (constructEvent, append to a file)"_s;
    }

    ~WebhookBench()
    {
        m_load.reset(); // its thread first: it may be using the connections
        stop(m_kassa);
        stop(m_node);
    }

    bool start();
    void run();

private:
    bool startProcess(Target &target, const QString &program, const QStringList &arguments);
    bool connect(Target &target);
    struct StoreCounts
    {
        qint64 events = -1;   // applied (processed) events
        qint64 payments = -1; // one per event in this workload
        qint64 inbox = -1;    // answered 200, not applied yet
        QString integrity;
    };
    struct Drain
    {
        qint64 applied = 0;
        double seconds = 0;
        double cpuSeconds = 0;
    };

    bool startKassa();
    void runRound(int round);
    void afterKassa(int round, std::function<void()> next);
    void waitForDrain(std::function<void()> next);
    StoreCounts readKassaStore(bool check);
    void runPhase(Target &target, int durationMs, bool measured, std::function<void()> done);
    void finish();
    void countKassaStore();
    void countNodeFile();
    void report();
    void stop(Target &target);
    void recordFailure(const QString &sample);

    Options m_options;
    QByteArray m_nonce;
    QTemporaryDir m_dir;
    QByteArray m_template;
    QList<qsizetype> m_placeholderOffsets;
    Target m_kassa;
    Target m_node;
    Drain m_drain;
    qint64 m_inboxAtCrash = -1;
    double m_kassaRss = -1;

    // The phases' results arrive here, queued from the load thread; declared before m_load, which goes first.
    QObject m_context;
    std::unique_ptr<WebhookLoad> m_load;

    qint64 m_failures = 0;
    QStringList m_failureSamples;
    QMap<int, qint64> m_nonOkByStatus;
};

bool WebhookBench::start()
{
    if (!m_dir.isValid()) {
        err() << "bench_webhook: cannot create a temporary directory: " << m_dir.errorString() << Qt::endl;
        return false;
    }
    m_template = eventTemplate(m_nonce, QDateTime::currentSecsSinceEpoch());
    for (qsizetype at = m_template.indexOf(SequencePlaceholder); at >= 0;
         at = m_template.indexOf(SequencePlaceholder, at + SequencePlaceholder.size()))
        m_placeholderOffsets.append(at);
    m_load = std::make_unique<WebhookLoad>(m_template, m_placeholderOffsets, SequencePlaceholder.size(),
                                           QByteArray(Secret), ResponseTimeoutMs, MaxSamples);
    // The load thread signs with an HMAC context of its own, reused from one event to the next; it must say
    // exactly what WebhookSignature says, the second time as well as the first.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (const qint64 stamp : {now, now + 1}) {
        if (m_load->signForCheck(m_template, stamp) !=
            kassa::stripe::WebhookSignature::sign(m_template, Secret, stamp)) {
            err() << "bench_webhook: the load's signature differs from WebhookSignature::sign" << Qt::endl;
            return false;
        }
    }

    if (!QFileInfo::exists(m_options.nodeScript)) {
        err() << "bench_webhook: the reference receiver " << m_options.nodeScript << " does not exist"
              << Qt::endl;
        return false;
    }
    QDir().mkpath(m_dir.filePath(u"kassa"_s));
    if (!startKassa())
        return false;
    if (!startProcess(m_node, m_options.node,
                      {m_options.nodeScript, u"--out"_s, m_dir.filePath(u"stripe-node-events.jsonl"_s)}))
        return false;
    m_kassa.path = "/webhook";
    m_node.path = "/webhook";
    return true;
}

bool WebhookBench::startKassa()
{
    return startProcess(m_kassa, m_options.kassaCli,
                        {u"--data-dir"_s, m_dir.filePath(u"kassa"_s), u"webhook"_s, u"serve"_s,
                         u"--secret-stdin"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s, u"0"_s});
}

bool WebhookBench::startProcess(Target &target, const QString &program, const QStringList &arguments)
{
    // stderr goes to a file: a receiver's log must neither flood this output nor block it on a full pipe.
    target.stderrPath = m_dir.filePath(target.name + u"-stderr.log"_s);
    target.process.setStandardErrorFile(target.stderrPath, QIODevice::Append);
    target.process.start(program, arguments);
    if (!target.process.waitForStarted(StartTimeoutMs)) {
        err() << "bench_webhook: cannot start " << target.name << " ('" << program
              << "'): " << target.process.errorString() << Qt::endl;
        if (target.name == u"stripe-node"_s)
            err() << "bench_webhook: the reference needs Node.js 18+ and the stripe package in "
                     "tests/peers/node_modules (scripts/setup-debian.sh installs both), or pass --node PATH"
                  << Qt::endl;
        return false;
    }
    target.pid = target.process.processId();
    target.process.write(QByteArray(Secret) + '\n');
    target.process.closeWriteChannel();
    QElapsedTimer waited;
    waited.start();
    while (!target.process.canReadLine() && waited.elapsed() < StartTimeoutMs &&
           target.process.state() == QProcess::Running)
        target.process.waitForReadyRead(int(StartTimeoutMs - waited.elapsed()));
    const QByteArray line = target.process.readLine().trimmed();
    static const QByteArray Prefix = QByteArrayLiteral("listening on http://127.0.0.1:");
    bool ok = false;
    const qsizetype slash = line.indexOf('/', Prefix.size());
    const uint port =
        line.startsWith(Prefix) ? line.mid(Prefix.size(), slash - Prefix.size()).toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535) {
        // The reference prints why (Node too old, the stripe package not installed) on stdout or stderr.
        err() << "bench_webhook: " << target.name << " did not start; it said: "
              << QString::fromUtf8(line + target.process.readAllStandardOutput()).trimmed() << Qt::endl;
        target.process.waitForFinished(2'000);
        QFile log(target.stderrPath);
        if (log.open(QIODevice::ReadOnly))
            err() << QString::fromUtf8(log.read(4096)) << Qt::endl;
        return false;
    }
    target.port = quint16(port);
    target.versions = QString::fromUtf8(line.mid(slash)).section(u' ', 1);
    return true;
}

bool WebhookBench::connect(Target &target)
{
    QString error;
    if (!target.connections.connect(target.port, m_options.connections, 5'000, &error)) {
        err() << "bench_webhook: cannot connect to " << target.name << ": " << error << Qt::endl;
        return false;
    }
    return true;
}

void WebhookBench::run()
{
    out() << "bench_webhook: " << m_options.connections << " keep-alive connections, " << m_options.rounds
          << " round(s) per receiver of " << m_options.warmupMs / 1000.0 << " s warm-up + "
          << m_options.durationMs / 1000.0 << " s measured, events of " << m_template.size()
          << " bytes; Kassa pid " << m_kassa.pid << ", stripe-node pid " << m_node.pid << " ("
          << m_node.versions << ')' << Qt::endl;
    runRound(0);
}

void WebhookBench::runRound(int round)
{
    if (round >= m_options.rounds) {
        finish();
        return;
    }
    // Kassa and the reference take turns, each with its own warm-up. Kassa applies what it queued in its
    // inbox before the reference's turn, so that neither works while the other is measured.
    runPhase(m_kassa, m_options.warmupMs, false, [this, round] {
        runPhase(m_kassa, m_options.durationMs, true, [this, round] {
            afterKassa(round, [this, round] {
                runPhase(m_node, m_options.warmupMs, false, [this, round] {
                    runPhase(m_node, m_options.durationMs, true, [this, round] { runRound(round + 1); });
                });
            });
        });
    });
}

void WebhookBench::afterKassa(int round, std::function<void()> next)
{
    if (round + 1 < m_options.rounds) {
        waitForDrain(std::move(next));
        return;
    }
    // The last round: Kassa is killed while its inbox still holds what it answered 200 for, and started
    // again on the same store, which must then apply every one of them.
    m_kassaRss = peakRssMiB(m_kassa.pid);
    m_kassa.connections.close();
    m_kassa.process.kill();
    if (!m_kassa.process.waitForFinished(10'000))
        recordFailure(u"Kassa did not exit after SIGKILL"_s);
    const StoreCounts counts = readKassaStore(true);
    m_inboxAtCrash = counts.inbox;
    if (counts.events + counts.inbox != m_kassa.sent || counts.payments != counts.events)
        recordFailure(u"after SIGKILL under load Kassa's store holds %1 applied events, %2 payments and %3 "
                      "queued events; %4 events were answered"_s.arg(counts.events)
                          .arg(counts.payments)
                          .arg(counts.inbox)
                          .arg(m_kassa.sent));
    if (!startKassa()) {
        recordFailure(u"Kassa could not be started again on its store"_s);
        next();
        return;
    }
    waitForDrain(std::move(next));
}

void WebhookBench::waitForDrain(std::function<void()> next)
{
    const qint64 queued = readKassaStore(false).inbox;
    const double cpuAtStart = processCpuSeconds(m_kassa.pid);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    // Generous: the store applies a few thousand events per second even on a busy machine.
    const qint64 timeoutMs = 60'000 + 5 * std::max<qint64>(queued, 0);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, queued, cpuAtStart, clock, timeoutMs, poll, next = std::move(next)] {
        const qint64 left = readKassaStore(false).inbox;
        if (left > 0 && clock->elapsed() < timeoutMs && m_kassa.process.state() == QProcess::Running) {
            QTimer::singleShot(20, *poll);
            return;
        }
        if (left != 0)
            recordFailure(
                u"Kassa's inbox still holds %1 events after %2 s"_s.arg(left).arg(clock->elapsed() / 1000));
        m_drain.applied += std::max<qint64>(queued, 0);
        m_drain.seconds += double(clock->nsecsElapsed()) / 1e9;
        m_drain.cpuSeconds += processCpuSeconds(m_kassa.pid) - cpuAtStart;
        const auto done = next;
        *poll = nullptr; // breaks the cycle: the lambda held itself
        done();
    };
    QTimer::singleShot(20, *poll);
}

void WebhookBench::runPhase(Target &target, int durationMs, bool measured, std::function<void()> done)
{
    // Fresh connections at the start of each turn: the other receiver's turn (and Kassa's applying) may
    // have left them idle longer than a receiver keeps an idle connection.
    if (!measured && !connect(target)) {
        recordFailure(u"cannot connect to %1 again"_s.arg(target.name));
        QTimer::singleShot(0, std::move(done));
        return;
    }
    if (durationMs <= 0) {
        QTimer::singleShot(0, std::move(done));
        return;
    }
    if (measured)
        target.figures.latenciesNs.reserve(target.figures.latenciesNs.size() + size_t(durationMs) * 30);
    WebhookLoad::Phase phase;
    phase.targetName = target.name;
    phase.path = target.path;
    phase.durationMs = durationMs;
    phase.measured = measured;
    phase.serverPid = target.pid;
    phase.latenciesNs = &target.figures.latenciesNs;
    // The load thread does the requests; this thread waits in its event loop (the receivers' pipes are
    // still read) until the result is posted back.
    m_load->startPhase(target.connections, phase, &m_context,
                       [this, &target, done = std::move(done)](const WebhookLoad::Result &result) {
                           target.sent += result.sent;
                           target.answered2xx += result.answered2xx;
                           target.figures.completed += result.completed;
                           target.figures.seconds += result.seconds;
                           target.figures.serverCpuSeconds += result.serverCpuSeconds;
                           m_failures += result.failures;
                           for (const QString &sample : result.failureSamples) {
                               if (m_failureSamples.size() < MaxSamples)
                                   m_failureSamples.append(sample);
                           }
                           for (auto it = result.nonOkByStatus.cbegin(); it != result.nonOkByStatus.cend();
                                ++it)
                               m_nonOkByStatus[it.key()] += it.value();
                           if (result.allConnectionsFailed)
                               err() << "bench_webhook: every connection to " << target.name
                                     << " failed; stopping the phase" << Qt::endl;
                           done();
                       });
}

void WebhookBench::recordFailure(const QString &sample)
{
    ++m_failures;
    if (m_failureSamples.size() < MaxSamples)
        m_failureSamples.append(sample);
}

void WebhookBench::finish()
{
    const double kassaRss = std::max(m_kassaRss, peakRssMiB(m_kassa.pid));
    const double nodeRss = peakRssMiB(m_node.pid);
    // Killed, not asked to stop: what was answered 200 must be in the store after a crash.
    for (Target *target : {&m_kassa, &m_node}) {
        target->connections.close();
        target->process.kill();
        if (!target->process.waitForFinished(10'000))
            recordFailure(u"%1 did not exit after SIGKILL"_s.arg(target->name));
    }
    countKassaStore();
    countNodeFile();
    printFigure("webhook", u"Kassa receiver peak RSS (VmHWM): %1 MiB"_s.arg(kassaRss, 0, 'f', 1),
                u"kassa_peak_rss_mib"_s, kassaRss, 1, "MiB");
    printFigure("webhook", u"stripe-node receiver peak RSS (VmHWM): %1 MiB"_s.arg(nodeRss, 0, 'f', 1),
                u"stripe_node_peak_rss_mib"_s, nodeRss, 1, "MiB");
    report();
}

WebhookBench::StoreCounts WebhookBench::readKassaStore(bool check)
{
    const QString path = QDir(m_dir.filePath(u"kassa"_s)).filePath(u"kassa.sqlite"_s);
    const QString connection = u"bench_webhook_store"_s;
    StoreCounts counts;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
        if (db.open()) {
            // After a SIGKILL, opening recovers the WAL the process left, as Kassa's next start would.
            QSqlQuery query(db);
            const auto count = [&query](const QString &sql) {
                return query.exec(sql) && query.next() ? query.value(0).toLongLong() : -1;
            };
            counts.inbox = count(u"SELECT COUNT(*) FROM event_inbox"_s);
            if (check) {
                counts.events = count(u"SELECT COUNT(*) FROM events"_s);
                counts.payments = count(u"SELECT COUNT(*) FROM payments"_s);
                if (query.exec(u"PRAGMA quick_check"_s) && query.next())
                    counts.integrity = query.value(0).toString();
            }
        } else {
            recordFailure(u"cannot open Kassa's store %1: %2"_s.arg(path, db.lastError().text()));
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return counts;
}

void WebhookBench::countKassaStore()
{
    const StoreCounts counts = readKassaStore(true);
    m_kassa.stored = counts.events;
    if (counts.events != m_kassa.sent || counts.payments != m_kassa.sent || counts.inbox != 0)
        recordFailure(u"Kassa's store holds %1 applied events, %2 payments and %3 still queued; %4 events "
                      "were sent"_s.arg(counts.events)
                          .arg(counts.payments)
                          .arg(counts.inbox)
                          .arg(m_kassa.sent));
    if (counts.integrity != u"ok"_s)
        recordFailure(u"Kassa's store after SIGKILL: quick_check says '%1'"_s.arg(counts.integrity));
}

void WebhookBench::countNodeFile()
{
    QFile file(m_dir.filePath(u"stripe-node-events.jsonl"_s));
    if (!file.open(QIODevice::ReadOnly)) {
        recordFailure(u"cannot read the reference's events file: %1"_s.arg(file.errorString()));
        return;
    }
    QSet<QString> ids;
    qint64 lines = 0;
    qint64 unreadable = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (line.trimmed().isEmpty())
            continue;
        ++lines;
        const QString id = QJsonDocument::fromJson(line).object().value(u"id"_s).toString();
        if (id.startsWith(u"evt_"_s))
            ids.insert(id);
        else
            ++unreadable;
    }
    m_node.stored = ids.size();
    if (lines != m_node.sent || ids.size() != m_node.sent || unreadable > 0)
        recordFailure(
            u"the reference's file holds %1 lines (%2 distinct events, %3 unreadable); %4 events were "
            "sent"_s.arg(lines)
                .arg(ids.size())
                .arg(unreadable)
                .arg(m_node.sent));
}

void WebhookBench::report()
{
    struct Summary
    {
        double rps = 0;
        double p50 = 0;
        double p99 = 0;
        double p999 = 0;
        double cpuUs = 0;
    };
    const auto summarise = [](const Figures &f) {
        Summary s;
        s.rps = f.seconds > 0 ? double(f.completed) / f.seconds : 0;
        s.p50 = percentileMs(f.latenciesNs, 0.50);
        s.p99 = percentileMs(f.latenciesNs, 0.99);
        s.p999 = percentileMs(f.latenciesNs, 0.999);
        s.cpuUs = f.completed > 0 ? f.serverCpuSeconds * 1e6 / double(f.completed) : 0;
        return s;
    };
    const Summary kassa = summarise(m_kassa.figures);
    const Summary node = summarise(m_node.figures);
    for (const auto &[target, s] : {std::pair{&m_kassa, kassa}, std::pair{&m_node, node}}) {
        const QString key = target->name == u"kassa"_s ? u"kassa"_s : u"stripe_node"_s;
        printFigure("webhook",
                    u"%1: %2 events/s (%3 in %4 s)"_s.arg(target->label)
                        .arg(s.rps, 0, 'f', 1)
                        .arg(target->figures.completed)
                        .arg(target->figures.seconds, 0, 'f', 2),
                    key + u"_events_per_s"_s, s.rps, 1, "events/s");
        printFigure("webhook", u"%1: latency p50 %2 ms"_s.arg(target->label).arg(s.p50, 0, 'f', 3),
                    key + u"_p50_ms"_s, s.p50, 3, "ms");
        printFigure("webhook", u"%1: latency p99 %2 ms"_s.arg(target->label).arg(s.p99, 0, 'f', 3),
                    key + u"_p99_ms"_s, s.p99, 3, "ms");
        printFigure("webhook", u"%1: latency p99.9 %2 ms"_s.arg(target->label).arg(s.p999, 0, 'f', 3),
                    key + u"_p999_ms"_s, s.p999, 3, "ms");
        printFigure("webhook", u"%1: server CPU %2 us per event"_s.arg(target->label).arg(s.cpuUs, 0, 'f', 1),
                    key + u"_server_cpu_us"_s, s.cpuUs, 1, "us/event");
        out() << target->label << ": " << target->sent << " events sent (warm-up included), "
              << target->answered2xx << " answered 2xx, " << target->stored << " in its store after SIGKILL"
              << Qt::endl;
    }
    const double applyRate = m_drain.seconds > 0 ? double(m_drain.applied) / m_drain.seconds : 0;
    const double applyCpu = m_drain.applied > 0 ? m_drain.cpuSeconds * 1e6 / double(m_drain.applied) : 0;
    printFigure("webhook",
                u"Kassa applied the %1 events still queued after its turns in %2 s: %3 events/s, %4 us CPU "
                "per event"_s.arg(m_drain.applied)
                    .arg(m_drain.seconds, 0, 'f', 2)
                    .arg(applyRate, 0, 'f', 1)
                    .arg(applyCpu, 0, 'f', 1),
                u"kassa_apply_events_per_s"_s, applyRate, 1, "events/s");
    out() << "Kassa killed with SIGKILL after its last turn with " << m_inboxAtCrash
          << " events answered 200 but not applied yet; started again, it applied them all" << Qt::endl;
    const double ratio = node.rps > 0 ? kassa.rps / node.rps : 0;
    const bool met = ratio >= GoalThroughputRatio && kassa.p99 < node.p99;
    printFigure(
        "webhook",
        u"throughput ratio Kassa / stripe-node: %1 (goal >= %2 at a lower p99: %3)"_s.arg(ratio, 0, 'f', 2)
            .arg(GoalThroughputRatio, 0, 'f', 1)
            .arg(met ? u"met"_s : u"MISSED"_s),
        u"throughput_ratio"_s, ratio, 2, "ratio");
    const double p99Ratio = node.p99 > 0 ? kassa.p99 / node.p99 : 0;
    printFigure("webhook", u"p99 ratio Kassa / stripe-node: %1"_s.arg(p99Ratio, 0, 'f', 2), u"p99_ratio"_s,
                p99Ratio, 2, "ratio");

    if (m_failures > 0) {
        for (const Target *target : {&m_kassa, &m_node}) {
            QFile log(target->stderrPath);
            if (log.open(QIODevice::ReadOnly) && log.size() > 0) {
                log.seek(qMax<qint64>(0, log.size() - 2048));
                err() << "bench_webhook: the end of " << target->name << "'s stderr:\n"
                      << QString::fromUtf8(log.readAll()) << Qt::endl;
            }
        }
        err() << "bench_webhook: " << m_failures << " failed responses or checks; first ones:" << Qt::endl;
        for (auto it = m_nonOkByStatus.cbegin(); it != m_nonOkByStatus.cend(); ++it)
            err() << "  HTTP " << it.key() << ": " << it.value() << " responses" << Qt::endl;
        for (const QString &sample : std::as_const(m_failureSamples))
            err() << "  " << sample << Qt::endl;
    } else {
        out() << "bench_webhook: every response was 2xx and both stores hold exactly the events sent"
              << Qt::endl;
    }
    QCoreApplication::exit(m_failures > 0 ? 1 : 0);
}

void WebhookBench::stop(Target &target)
{
    target.connections.close();
    if (target.process.state() == QProcess::NotRunning)
        return;
    target.process.kill();
    target.process.waitForFinished(5'000);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"bench_webhook"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Signed Stripe webhook events per second and latency: Kassa's receiver "
                                     "and a stripe-node reference, over keep-alive HTTP/1.1."_s);
    parser.addHelpOption();
    const QCommandLineOption connections(u"connections"_s,
                                         u"Concurrent keep-alive connections (default 8)."_s, u"C"_s, u"8"_s);
    const QCommandLineOption duration(
        u"duration"_s, u"Measured seconds per round and receiver (default 10)."_s, u"D"_s, u"10"_s);
    const QCommandLineOption warmup(u"warmup"_s, u"Unmeasured seconds before each (default 1)."_s, u"S"_s,
                                    u"1"_s);
    const QCommandLineOption rounds(u"rounds"_s, u"Rounds; the receivers take turns (default 2)."_s, u"N"_s,
                                    u"2"_s);
    const QCommandLineOption quick(u"quick"_s,
                                   u"Smoke size for CI: 1 round of 0.2 s warm-up + 1 s, 4 connections."_s);
    const QCommandLineOption kassaCli(u"kassa-cli"_s, u"The kassa-cli executable (default: the one built)."_s,
                                      u"path"_s, QStringLiteral(KASSA_CLI_EXECUTABLE));
    const QCommandLineOption node(u"node"_s, u"The Node.js executable (default: the one CMake found)."_s,
                                  u"path"_s, QStringLiteral(KASSA_NODE_EXECUTABLE));
    const QCommandLineOption nodeScript(u"node-script"_s, u"The reference receiver script."_s, u"path"_s,
                                        QStringLiteral(KASSA_STRIPE_NODE_RECEIVER));
    parser.addOptions({connections, duration, warmup, rounds, quick, kassaCli, node, nodeScript});
    parser.process(app);

    Options options;
    options.kassaCli = parser.value(kassaCli);
    options.node = parser.value(node);
    options.nodeScript = parser.value(nodeScript);
    bool ok1 = false;
    bool ok2 = false;
    bool ok3 = false;
    bool ok4 = false;
    options.connections = parser.value(connections).toInt(&ok1);
    options.durationMs = int(parser.value(duration).toDouble(&ok2) * 1000);
    options.warmupMs = int(parser.value(warmup).toDouble(&ok3) * 1000);
    options.rounds = parser.value(rounds).toInt(&ok4);
    if (parser.isSet(quick)) {
        options.connections = parser.isSet(connections) ? options.connections : 4;
        options.durationMs = parser.isSet(duration) ? options.durationMs : 1'000;
        options.warmupMs = parser.isSet(warmup) ? options.warmupMs : 200;
        options.rounds = parser.isSet(rounds) ? options.rounds : 1;
    }
    if (!ok1 || !ok2 || !ok3 || !ok4 || options.connections < 1 || options.connections > 1000 ||
        options.durationMs < 100 || options.warmupMs < 0 || options.rounds < 1) {
        err() << "bench_webhook: --connections takes 1..1000, --duration at least 0.1 s, --warmup 0 or more, "
                 "--rounds 1 or more"
              << Qt::endl;
        return 2;
    }

    WebhookBench bench(options);
    if (!bench.start())
        return 1;
    QTimer::singleShot(0, [&bench] { bench.run(); });
    return app.exec();
}
