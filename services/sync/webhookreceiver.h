#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace kassa::sync {

// Receives Stripe's webhooks (or `stripe listen --forward-to`): POST /webhook, verified against the
// endpoint's whsec_ secret(s), handed to a sink that stores the event durably, and only then answered 2xx
// so that Stripe retries anything not safely stored. Bad input is refused and nothing is stored:
// 400 for a bad signature or body, 413 above 1 MiB (from Content-Length, before the body is read),
// 405 for other methods, 404 for other paths, 408 for a request not completed in time, 429 above the
// per-client rate. Listens on loopback unless told otherwise.
//
// The sockets live on a thread of their own (one epoll loop, edge-triggered): it reads, parses, verifies
// the signature and checks the event there (stripe::EventEnvelope: one pass over the body, which must be
// JSON with an evt_ id, a type and data.object; a QJsonObject only for a Sink). With a ThreadSink
// (setThreadSink) it also stores the deliveries there, through a database connection of its own, one
// transaction for all the requests that one wakeup of the loop found, and writes their answers after the
// commit: no request crosses a thread, and this object's thread only hears that there is something new (for
// the background work). Otherwise it hands the verified deliveries to this object's thread in groups, where
// the Sink or BatchSink stores them, and the answers go back to the loop, which writes them. Refused requests
// are counted and signalled on this object's thread either way.
class WebhookReceiver : public QObject
{
    Q_OBJECT
public:
    // Stores the verified event durably (or recognises it as already stored) and says so. Return false
    // with an error when it could not be stored: the receiver answers 500 and Stripe delivers again.
    using Sink = std::function<bool(const QJsonObject &event, const QByteArray &rawBody, QString *error)>;

    // A verified event waiting to be stored.
    struct Delivery
    {
        QJsonObject event;
        QByteArray rawBody;
    };
    // Group commit: stores every event of `deliveries` durably in one go (one transaction, one commit)
    // and gives, for each in the same order, a null string when it is stored (or was already) or why it
    // is not. The receiver collects what its socket thread verified while the previous
    // call ran (at most Options::maxBatch) and answers each delivery only after this returned, so every 2xx
    // still follows a durable write, and one commit serves all the deliveries that were waiting for it.
    using BatchSink = std::function<QList<QString>(const QList<Delivery> &deliveries)>;

    // Stores on the socket thread itself (see setThreadSink). Made on that thread, used and destroyed
    // there, so that a database connection it opens belongs to that thread.
    class ThreadSink
    {
    public:
        struct Event
        {
            QByteArray body; // as received and verified
            QString id;
            QString type;
            qint64 created = 0;
        };
        enum class Outcome {
            Stored, // every event is durably stored (or was already)
            Busy,   // the store stayed locked beyond its timeout: 503, Stripe delivers again later
            Failed, // 500, Stripe delivers again later
        };
        virtual ~ThreadSink() = default;
        // Stores all of `events` in one transaction (one commit), or none of them; `error` says why not.
        virtual Outcome store(const std::vector<Event> &events, QString *error) = 0;
    };
    // Called on the socket thread when listening starts; null with `error` when no sink can be made
    // there (the receiver then stores through its Sink or BatchSink on its own thread, as without one).
    using ThreadSinkFactory = std::function<std::unique_ptr<ThreadSink>(QString *error)>;

    struct Options
    {
        int toleranceSeconds = 300;
        qint64 maxBodyBytes = 1024 * 1024;
        int requestTimeoutMs = 10'000;
        int idleTimeoutMs = 30'000;
        int perClientRate = 100; // requests per second from one address
        int maxBatch = 64;       // with a BatchSink: at most this many events per call
        // Background work (setBackgroundWork): steps run once no delivery came for quietMs, and one
        // small step every busyStepIntervalMs under constant load.
        int quietMs = 50;
        int busyStepIntervalMs = 200;
    };
    // One step of background work; `busy`: deliveries are coming in, keep the step short. Returns true
    // while there is more to do.
    using BackgroundStep = std::function<bool(bool busy)>;
    struct Stats
    {
        qint64 accepted = 0;
        qint64 rejected = 0;
        qint64 sinkFailures = 0;
    };

    explicit WebhookReceiver(Sink sink, QObject *parent = nullptr);
    WebhookReceiver(Sink sink, const Options &options, QObject *parent = nullptr);
    WebhookReceiver(BatchSink sink, const Options &options, QObject *parent = nullptr);
    ~WebhookReceiver() override;

    // Work done between deliveries (kassa-cli applies the events that a BatchSink queued): answering
    // comes first, so steps run while the receiver is quiet, one after another until the work is done,
    // and under constant load one short step every Options::busyStepIntervalMs so that the work still
    // moves. Runs a first step soon after it is set (work left from an earlier run).
    void setBackgroundWork(BackgroundStep step);
    // Store on the socket thread (from the next listen()). The background work then runs after every
    // commit there, as it does after the Sink's.
    void setThreadSink(ThreadSinkFactory factory) { m_threadSinkFactory = std::move(factory); }
    // Whether the receiver stores on its socket thread (a ThreadSink was made when listening started).
    bool storesOnSocketThread() const;

    // Every secret that may have signed a delivery (two while a secret is being rolled).
    void setSecrets(const QList<QByteArray> &secrets);
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    // Stores what is still waiting for a group commit, then closes every connection.
    void close();
    bool isListening() const;
    quint16 port() const;
    QString errorString() const;
    Stats stats() const;

signals:
    void eventStored(const QString &eventId, const QString &type);
    void deliveryRejected(int httpStatus, const QString &reason);

private:
    class Loop;
    struct Inbound;

    void takeInbound();
    void threadStored();
    void store(std::vector<Inbound> &items);
    void deliveryDone();
    void backgroundStep();

    Sink m_sink;
    BatchSink m_batchSink;
    ThreadSinkFactory m_threadSinkFactory;
    BackgroundStep m_backgroundStep;
    QTimer m_backgroundTimer;
    QElapsedTimer m_clock;
    qint64 m_lastStepMs = 0;
    qint64 m_lastDeliveryMs = -1;
    Options m_options;
    QList<QByteArray> m_secrets;
    std::unique_ptr<Loop> m_loop;
    QString m_errorString;
    Stats m_stats;
};

} // namespace kassa::sync
