// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// bench_webhook's load generator: signed webhook deliveries over keep-alive HTTP/1.1 connections, driven by
// one thread of its own with an epoll loop over non-blocking sockets, one request in flight per connection.
// The main thread only starts a phase and gets its counts back: at well over 10,000 requests/s a client on
// the Qt event loop (QTcpSocket, a QByteArray or two per request) cost over 20 us of CPU per request, on a
// 2-core machine a good part of the core the receiver it measures needs. Per request the loop patches
// the sequence number into the event, signs it into a reused buffer, makes one send() and reads the
// response into the connection's reused buffer; no allocation in the steady state.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kassa::bench {

class WebhookLoad
{
public:
    struct Connection; // webhookload.cpp

    // The connections to one receiver. Touched by the load thread only while a phase runs on them.
    class Connections
    {
    public:
        Connections();
        ~Connections();
        Connections(const Connections &) = delete;
        Connections &operator=(const Connections &) = delete;

        // Closes what is open, then opens `count` connections to 127.0.0.1:port (blocking, before a phase).
        bool connect(quint16 port, int count, int timeoutMs, QString *error);
        void close();

    private:
        friend class WebhookLoad;
        std::vector<std::unique_ptr<Connection>> m_list;
    };

    struct Phase
    {
        QString targetName; // in the failure messages
        QByteArray path;    // the request target
        int durationMs = 0;
        bool measured = false;
        qint64 serverPid = 0;                       // its CPU time over the window
        std::vector<qint64> *latenciesNs = nullptr; // measured: each response's latency is appended
    };

    struct Result
    {
        qint64 sent = 0;        // requests sent (warm-up included)
        qint64 answered2xx = 0; // 2xx responses
        qint64 completed = 0;   // responses inside the window (measured phases)
        double seconds = 0;     // the window's length
        double serverCpuSeconds = 0;
        qint64 failures = 0; // non-2xx responses and failed connections
        QStringList failureSamples;
        QMap<int, qint64> nonOkByStatus;
        bool allConnectionsFailed = false;
    };

    // template: the event body with `placeholderSize` characters at each of `placeholderOffsets` where the
    // sequence number goes (zero-padded); secret: the whsec_ secret every request is signed with.
    WebhookLoad(QByteArray eventTemplate, QList<qsizetype> placeholderOffsets, qsizetype placeholderSize,
                QByteArray secret, int responseTimeoutMs, int maxSamples);
    ~WebhookLoad();
    WebhookLoad(const WebhookLoad &) = delete;
    WebhookLoad &operator=(const WebhookLoad &) = delete;

    // Runs a phase on the load thread: requests for durationMs, then the requests still in flight are
    // waited for (at most responseTimeoutMs). `done` is then called on `context`'s thread with the result.
    // One phase at a time; `connections` and phase.latenciesNs must not be touched until `done`.
    void startPhase(Connections &connections, const Phase &phase, QObject *context,
                    std::function<void(const Result &)> done);

    // The signature the load thread computes, "t=<timestamp>,v1=<hex>" (checked against WebhookSignature).
    QByteArray signForCheck(QByteArrayView payload, qint64 timestamp);

private:
    struct Job
    {
        Connections *connections = nullptr;
        Phase phase;
        QObject *context = nullptr;
        std::function<void(const Result &)> done;
    };
    struct Signer;

    void threadMain();
    Result runPhase(Connections &connections, const Phase &phase);

    const QByteArray m_template;
    const QList<qsizetype> m_placeholderOffsets;
    const qsizetype m_placeholderSize;
    const int m_responseTimeoutMs;
    const int m_maxSamples;
    std::unique_ptr<Signer> m_signer;
    quint64 m_sequence = 0; // the load thread's while a phase runs

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::unique_ptr<Job> m_job;
    bool m_quit = false;
    int m_quitFd = -1; // eventfd: wakes a phase's epoll_wait when the object goes away
    std::thread m_thread;
};

} // namespace kassa::bench
