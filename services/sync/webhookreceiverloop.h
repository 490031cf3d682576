// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// WebhookReceiver's socket thread, for webhookreceiver.cpp and webhookreceiverloop.cpp only.
#include "services/sync/webhookreceiver.h"

#include "net/persecondlimit.h"
#include "services/stripe/webhooksignature.h"

#include <QLoggingCategory>

#include <atomic>
#include <future>
#include <iterator>
#include <limits>
#include <mutex>
#include <sys/epoll.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcWebhook)

namespace kassa::sync {

namespace detail {

// Moves every item of `from` to the end of `to`; takes `from`'s buffer when `to` is empty.
template<typename T>
void appendAll(std::vector<T> &to, std::vector<T> &from)
{
    if (to.empty())
        to.swap(from);
    else
        std::move(from.begin(), from.end(), std::back_inserter(to));
}

} // namespace detail

// What the socket thread hands over for one complete request: a verified delivery (status 0) or the
// reason it is refused, so that the refusal is counted and signalled on the receiver's thread.
struct WebhookReceiver::Inbound
{
    quint64 connection = 0;
    quint64 sequence = 0;
    int status = 0;
    QString reason;
    Delivery delivery;
    QString id;
    QString type;
    qint64 created = 0;
};

// The socket side: one thread, one epoll instance (edge-triggered), every connection of the receiver.
// A wakeup reads what each ready socket has, parses and verifies every complete request in it, and hands
// the lot to the receiver's thread at once; the answers come back in groups through an eventfd.
class WebhookReceiver::Loop
{
public:
    struct Outbound
    {
        quint64 connection = 0;
        quint64 sequence = 0;
        int status = 200;
        QByteArray text; // for anything but 200
        QByteArrayView extraHeader;
    };

    Loop(WebhookReceiver *receiver, const Options &options)
        : m_receiver(receiver)
        , m_options(options)
    {
    }
    ~Loop() { stop(); }

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    // With a factory, the sink is made on the loop's thread before the loop runs; false with `error`
    // when the factory gave none (the loop runs without it).
    bool start(const ThreadSinkFactory &factory, QString *error)
    {
        if (!factory) {
            m_thread = std::thread([this] { run(); });
            return false;
        }
        std::promise<QString> made;
        std::future<QString> madeResult = made.get_future();
        m_thread = std::thread([this, &factory, &made] {
            QString why;
            m_sink = factory(&why);
            if (!m_sink && why.isEmpty())
                why = QStringLiteral("no sink");
            made.set_value(m_sink ? QString() : why);
            run();
        });
        *error = madeResult.get();
        return error->isEmpty();
    }
    void stop();
    bool isListening() const { return m_listenFd >= 0; }
    quint16 port() const { return m_port; }
    bool hasSink() const { return m_sink != nullptr; }
    // Counted on the loop's thread, read anywhere.
    qint64 stored() const { return m_stored.load(std::memory_order_relaxed); }
    qint64 storeFailures() const { return m_storeFailures.load(std::memory_order_relaxed); }
    // Receiver's thread: the notice of new commits is taken; the next commit posts another.
    void storedSeen() { m_storedPosted.store(false, std::memory_order_release); }

    void setSecrets(const QList<QByteArray> &secrets)
    {
        const std::lock_guard lock(m_secretsMutex);
        m_sharedSecrets = secrets;
        ++m_secretsGeneration;
    }

    // Receiver's thread: what has been verified since the last call.
    std::vector<Inbound> takeInbound()
    {
        m_wakePosted.store(false, std::memory_order_release);
        const std::lock_guard lock(m_inboundMutex);
        return std::exchange(m_inbound, {});
    }
    // Receiver's thread: answers to send; written by the loop after wake().
    void respond(Outbound &&answer)
    {
        const std::lock_guard lock(m_outboundMutex);
        m_outbound.push_back(std::move(answer));
    }
    // Receiver's thread: handled requests go back to be freed where they were allocated. A body or an
    // event freed on another thread goes to the allocator arena of the loop under its lock, which the
    // loop holds while it allocates the next ones.
    void retire(std::vector<Inbound> &&items)
    {
        const std::lock_guard lock(m_outboundMutex);
        detail::appendAll(m_retired, items);
    }
    void wake()
    {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t written = ::write(m_wakeFd, &one, sizeof one);
    }

private:
    enum class State { ReadingHead, ReadingBody, Waiting, Closing };
    static constexpr quint64 ListenId = 0;
    static constexpr quint64 WakeId = 1;
    static constexpr qint64 NoDeadline = std::numeric_limits<qint64>::max();
    static constexpr int LingerMs = 2000;
    static constexpr qsizetype ReadChunk = 16 * 1024;
    static constexpr qint64 NoticeIntervalMs = 10;

    struct Connection
    {
        int fd = -1;
        quint64 id = 0;
        QByteArray peer; // raw address bytes, the rate limit's key
        QByteArray in;
        qsizetype consumed = 0; // bytes of `in` already handled
        QByteArray out;
        qsizetype written = 0;
        State state = State::ReadingHead;
        qint64 contentLength = 0;
        bool expectContinue = false;
        bool readPaused = false; // stopped reading while waiting for an answer
        QByteArray method;
        QByteArray path;
        QByteArray signature;
        bool keepAlive = true;
        bool closeAfterWrite = false;
        bool peerClosed = false;
        quint64 sequence = 0;
        qint64 requestDeadline = NoDeadline;
        qint64 idleDeadline = NoDeadline;
    };

    void run();
    void handle(const epoll_event *events, int ready);
    void accept();
    void onReadable(Connection &connection, bool hangUp);
    void processBuffer(Connection &connection);
    bool parseHead(Connection &connection, qsizetype headEnd);
    void dispatch(Connection &connection, QByteArray &&body);
    Inbound verify(Connection &connection, QByteArray &&body);
    bool admit(const QByteArray &peer);
    void writeOut(Connection &connection, QByteArrayView bytes);
    void flushOut(Connection &connection);
    void watchWritable(Connection &connection, bool on)
    {
        epoll_event event{};
        event.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0u);
        event.data.u64 = connection.id;
        ::epoll_ctl(m_epollFd, EPOLL_CTL_MOD, connection.fd, &event);
    }
    void fail(Connection &connection, int status, QByteArrayView message);
    void beginClose(Connection &connection);
    void destroy(quint64 id);
    void sendAnswers();
    void sweep(qint64 now);
    void setDeadline(qint64 &field, qint64 value)
    {
        field = value;
        m_nextSweep = std::min(m_nextSweep, value);
    }
    void startRequestTimer(Connection &connection, qint64 now)
    {
        if (m_options.requestTimeoutMs > 0 && connection.requestDeadline == NoDeadline &&
            connection.in.size() > connection.consumed &&
            (connection.state == State::ReadingHead || connection.state == State::ReadingBody))
            setDeadline(connection.requestDeadline, now + m_options.requestTimeoutMs);
    }
    void handOver();
    void storePending();
    void notice();
    void answer(quint64 id, quint64 sequence, int status, QByteArrayView text, QByteArrayView extraHeader);

    WebhookReceiver *m_receiver;
    Options m_options;
    int m_listenFd = -1;
    int m_epollFd = -1;
    int m_wakeFd = -1;
    quint16 m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_stopping = false;

    std::mutex m_secretsMutex;
    QList<QByteArray> m_sharedSecrets;
    std::atomic<quint64> m_secretsGeneration = 1;
    // The loop's own keys, made again when the generation moves.
    std::vector<std::unique_ptr<stripe::WebhookSignature::Key>> m_keys;
    quint64 m_secretsSeen = 0;

    std::mutex m_inboundMutex;
    std::vector<Inbound> m_inbound;
    std::atomic<bool> m_wakePosted = false;
    std::vector<Inbound> m_verified; // this wakeup's, handed over at its end

    std::mutex m_outboundMutex;
    std::vector<Outbound> m_outbound;
    std::vector<Inbound> m_retired;

    // With a ThreadSink: this wakeup's verified deliveries, stored together at its end. Both vectors keep
    // their capacity from one wakeup to the next.
    std::unique_ptr<ThreadSink> m_sink;
    std::vector<Inbound> m_pending;
    std::vector<Inbound> m_storing;
    std::vector<ThreadSink::Event> m_events;
    std::atomic<qint64> m_stored = 0;
    std::atomic<qint64> m_storeFailures = 0;
    std::atomic<bool> m_storedPosted = false;
    bool m_noticeOwed = false; // committed since the last notice to the receiver's thread
    qint64 m_lastNotice = 0;

    std::unordered_map<quint64, std::unique_ptr<Connection>> m_connections;
    quint64 m_nextId = 2;
    qint64 m_nextSweep = NoDeadline;
    qint64 m_now = 0;
    net::PerSecondLimit<QByteArray> m_rateLimit;
};

} // namespace kassa::sync
