// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/webhookreceiverloop.h"

#include "net/httprequesthead.h"
#include "services/stripe/eventenvelope.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <iterator>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

using namespace Qt::StringLiterals;

namespace kassa::sync {

namespace {

qint64 monotonicMs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

// The answer to every stored delivery, whole: no formatting and no allocation per event.
constexpr QByteArrayView StoredKeepAlive = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                           "Content-Length: 17\r\n\r\n{\"received\":true}";
constexpr QByteArrayView StoredClose = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                       "Content-Length: 17\r\nConnection: close\r\n\r\n{\"received\":true}";

QByteArray textResponse(int status, QByteArrayView text, bool closeAfter, QByteArrayView extraHeader = {})
{
    QByteArray out;
    out.reserve(160 + text.size());
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += net::reasonPhrase(status);
    out += "\r\nContent-Type: text/plain; charset=utf-8\r\n";
    if (!extraHeader.isEmpty()) {
        out += extraHeader;
        out += "\r\n";
    }
    out += "Content-Length: ";
    out += QByteArray::number(text.size() + 1);
    out += "\r\n";
    if (closeAfter)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += text;
    out += '\n';
    return out;
}

} // namespace

bool WebhookReceiver::Loop::listen(const QHostAddress &address, quint16 port, QString *error)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
    bool dualStack = false;
    if (address == QHostAddress::Any || address.protocol() == QAbstractSocket::IPv6Protocol) {
        family = AF_INET6;
        dualStack = address == QHostAddress::Any;
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = dualStack ? Q_IPV6ADDR{} : address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        in6->sin6_scope_id = address.scopeId().toUInt();
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const auto failed = [&](const char *what) {
        *error = QString::fromLatin1(what) + u": "_s + QString::fromLocal8Bit(std::strerror(errno));
        if (m_listenFd >= 0)
            ::close(m_listenFd);
        m_listenFd = -1;
        return false;
    };
    m_listenFd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_listenFd < 0)
        return failed("socket");
    const int on = 1;
    const int off = 0;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (dualStack)
        ::setsockopt(m_listenFd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (::bind(m_listenFd, reinterpret_cast<const sockaddr *>(&storage), length) != 0)
        return failed("bind");
    if (::listen(m_listenFd, SOMAXCONN) != 0)
        return failed("listen");
    sockaddr_storage bound{};
    socklen_t boundLength = sizeof bound;
    ::getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&bound), &boundLength);
    m_port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6 *>(&bound)->sin6_port
                                               : reinterpret_cast<const sockaddr_in *>(&bound)->sin_port);
    m_epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epollFd < 0 || m_wakeFd < 0)
        return failed("epoll");
    epoll_event event{};
    event.events = EPOLLIN | EPOLLET;
    event.data.u64 = ListenId;
    ::epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_listenFd, &event);
    event.data.u64 = WakeId;
    ::epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &event);
    return true;
}

void WebhookReceiver::Loop::stop()
{
    if (m_thread.joinable()) {
        m_stopping.store(true);
        wake();
        m_thread.join();
    }
    for (const int fd : {m_listenFd, m_epollFd, m_wakeFd}) {
        if (fd >= 0)
            ::close(fd);
    }
    m_listenFd = m_epollFd = m_wakeFd = -1;
}

void WebhookReceiver::Loop::run()
{
    pthread_setname_np(pthread_self(), "kassa-webhook");
    epoll_event events[64];
    while (true) {
        m_now = monotonicMs();
        const qint64 wakeAt =
            m_noticeOwed ? std::min(m_nextSweep, m_lastNotice + NoticeIntervalMs) : m_nextSweep;
        const int timeout = wakeAt == NoDeadline ? -1 : int(std::max<qint64>(0, wakeAt - m_now) + 1);
        int ready = ::epoll_wait(m_epollFd, events, 64, timeout);
        m_now = monotonicMs();
        handle(events, ready);
        // What arrived while this wakeup's requests were read and verified shares their commit: one
        // more look, without waiting. Under load that makes the groups larger, and a commit costs about
        // the same for one event as for several (the WAL frames of the same pages).
        if (m_sink && !m_pending.empty() && (ready = ::epoll_wait(m_epollFd, events, 64, 0)) > 0)
            handle(events, ready);
        // One transaction for what this wakeup verified, then its answers.
        if (m_sink)
            storePending();
        notice();
        // Answers are sent whatever woke the loop: the receiver's thread may have queued some meanwhile
        // (refusals). Their connections go on with what they pipelined after them: stored and answered
        // now, since nothing else may wake the loop for it before the next tick.
        sendAnswers();
        while (m_sink && !m_pending.empty()) {
            storePending();
            sendAnswers();
        }
        handOver();
        if (m_now >= m_nextSweep)
            sweep(m_now);
        if (m_stopping.load()) {
            sendAnswers();
            break;
        }
    }
    for (auto &[id, connection] : m_connections)
        ::close(connection->fd);
    m_connections.clear();
    // Its database connection is closed on the thread that opened it.
    m_sink.reset();
}

void WebhookReceiver::Loop::handle(const epoll_event *events, int ready)
{
    for (int i = 0; i < ready; ++i) {
        const quint64 id = events[i].data.u64;
        if (id == ListenId) {
            accept();
            continue;
        }
        if (id == WakeId) {
            quint64 count = 0;
            [[maybe_unused]] const ssize_t got = ::read(m_wakeFd, &count, sizeof count);
            continue;
        }
        const auto it = m_connections.find(id);
        if (it == m_connections.end())
            continue;
        Connection &connection = *it->second;
        const quint32 flags = events[i].events;
        if (flags & EPOLLERR) {
            destroy(id);
            continue;
        }
        if (flags & EPOLLOUT && connection.written < connection.out.size())
            flushOut(connection);
        if (m_connections.count(id) && (flags & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)))
            onReadable(connection, flags & (EPOLLRDHUP | EPOLLHUP));
    }
}

void WebhookReceiver::Loop::accept()
{
    while (true) {
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof peer;
        const int fd = ::accept4(m_listenFd, reinterpret_cast<sockaddr *>(&peer), &peerLength,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return; // EAGAIN, or out of descriptors: the listener stays armed for the next edge
        }
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto connection = std::make_unique<Connection>();
        connection->fd = fd;
        connection->id = m_nextId++;
        if (peer.ss_family == AF_INET6) {
            const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(&peer);
            connection->peer = QByteArray(reinterpret_cast<const char *>(&in6->sin6_addr), 16);
        } else {
            const auto *in4 = reinterpret_cast<const sockaddr_in *>(&peer);
            connection->peer = QByteArray(reinterpret_cast<const char *>(&in4->sin_addr), 4);
        }
        setDeadline(connection->idleDeadline, m_now + m_options.idleTimeoutMs);
        epoll_event event{};
        // EPOLLOUT only while an answer waits for room (watchWritable): otherwise every ACK of an answer
        // would wake the loop for nothing.
        event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
        event.data.u64 = connection->id;
        if (::epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &event) != 0) {
            ::close(fd);
            continue;
        }
        // Data that came with the connection is announced by epoll as soon as it is registered.
        const quint64 id = connection->id;
        m_connections.emplace(id, std::move(connection));
    }
}

void WebhookReceiver::Loop::onReadable(Connection &connection, bool hangUp)
{
    const quint64 id = connection.id;
    bool gotData = false;
    while (true) {
        // While a request waits for its answer, what follows it stays in the kernel up to a bound (a
        // client cannot make this buffer grow without end): the loop reads it after answering.
        if (connection.state == State::Waiting &&
            connection.in.size() - connection.consumed > m_options.maxBodyBytes + 16 * 1024) {
            connection.readPaused = true;
            break;
        }
        const qsizetype before = connection.in.size();
        connection.in.resize(before + ReadChunk);
        const ssize_t got = ::read(connection.fd, connection.in.data() + before, size_t(ReadChunk));
        connection.in.resize(before + std::max<qsizetype>(0, got));
        if (got > 0) {
            gotData = true;
            if (connection.state == State::Closing)
                connection.in.clear(), connection.consumed = 0; // drained, not handled
            if (got < ReadChunk)
                break; // the socket is empty now: the next byte brings a new edge
            continue;
        }
        if (got == 0) {
            connection.peerClosed = true;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            destroy(id);
            return;
        }
        break;
    }
    if (hangUp)
        connection.peerClosed = true; // nothing more will come, even if the last read was not empty
    if (connection.state == State::Closing) {
        if (connection.peerClosed)
            destroy(id);
        return;
    }
    if (gotData && connection.state != State::Waiting) {
        setDeadline(connection.idleDeadline, m_now + m_options.idleTimeoutMs);
        startRequestTimer(connection, m_now);
        processBuffer(connection);
        if (!m_connections.count(id))
            return;
    }
    // A client gone in the middle of a request: nothing of it is handled. One that closed its side after
    // a complete request still gets its answer.
    if (connection.peerClosed && connection.state != State::Waiting && connection.state != State::Closing)
        destroy(id);
}

void WebhookReceiver::Loop::processBuffer(Connection &connection)
{
    const quint64 id = connection.id;
    if (connection.consumed > 0 && connection.consumed >= connection.in.size() / 2) {
        connection.in.remove(0, connection.consumed);
        connection.consumed = 0;
    }
    while (connection.state == State::ReadingHead || connection.state == State::ReadingBody) {
        if (connection.state == State::ReadingHead) {
            // Tolerate empty lines between requests (RFC 9112 2.2).
            while (QByteArrayView(connection.in).sliced(connection.consumed).startsWith("\r\n"))
                connection.consumed += 2;
            if (connection.consumed == connection.in.size()) {
                connection.in.resize(0); // keeps its capacity for the next request
                connection.consumed = 0;
                return;
            }
            const QByteArrayView rest = QByteArrayView(connection.in).sliced(connection.consumed);
            const qsizetype headEnd = rest.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                if (rest.size() > 16 * 1024)
                    fail(connection, 431, "request head too large");
                return;
            }
            if (headEnd > 16 * 1024) {
                fail(connection, 431, "request head too large");
                return;
            }
            if (!parseHead(connection, headEnd))
                return;
            connection.consumed += headEnd + 4;
            connection.state = State::ReadingBody;
            if (connection.expectContinue && connection.contentLength > 0 &&
                connection.consumed == connection.in.size()) {
                writeOut(connection, "HTTP/1.1 100 Continue\r\n\r\n");
                if (!m_connections.count(id))
                    return;
            }
        }
        if (connection.in.size() - connection.consumed < connection.contentLength)
            return;
        QByteArray body(connection.in.constData() + connection.consumed, connection.contentLength);
        connection.consumed += connection.contentLength;
        if (connection.consumed == connection.in.size()) {
            connection.in.resize(0);
            connection.consumed = 0;
        }
        dispatch(connection, std::move(body));
    }
}

bool WebhookReceiver::Loop::parseHead(Connection &connection, qsizetype headEnd)
{
    // Of the headers only Stripe-Signature is kept (the first of repeated ones): no copy of the others.
    QByteArrayView signature;
    bool haveSignature = false;
    const net::HttpRequestHead head = net::parseRequestHead(
        QByteArrayView(connection.in).sliced(connection.consumed, headEnd),
        [&](QByteArrayView name, QByteArrayView value) {
            if (!haveSignature && name.compare("stripe-signature", Qt::CaseInsensitive) == 0) {
                haveSignature = true;
                signature = value;
            }
        });
    if (!head.ok()) {
        fail(connection, head.status, head.error);
        return false;
    }
    connection.method = head.method.toByteArray();
    connection.path = head.path.toByteArray();
    connection.signature = signature.toByteArray();
    connection.keepAlive = head.keepAlive;
    connection.contentLength = head.contentLength;
    if (connection.contentLength > m_options.maxBodyBytes) {
        // Refused from the head alone: the body is never buffered.
        fail(connection, 413, "request body too large");
        return false;
    }
    connection.expectContinue = head.expectContinue;
    return true;
}

bool WebhookReceiver::Loop::admit(const QByteArray &peer)
{
    return m_rateLimit.admit(peer, m_now, m_options.perClientRate);
}

void WebhookReceiver::Loop::dispatch(Connection &connection, QByteArray &&body)
{
    connection.state = State::Waiting;
    connection.idleDeadline = NoDeadline;
    connection.requestDeadline = NoDeadline;
    const quint64 sequence = ++connection.sequence;
    if (!admit(connection.peer)) {
        const quint64 id = connection.id;
        writeOut(connection, textResponse(429, "too many requests", !connection.keepAlive, "Retry-After: 1"));
        if (!m_connections.count(id))
            return;
        connection.state = State::ReadingHead;
        if (!connection.keepAlive)
            beginClose(connection);
        else
            setDeadline(connection.idleDeadline, m_now + m_options.idleTimeoutMs);
        return;
    }
    Inbound inbound = verify(connection, std::move(body));
    inbound.connection = connection.id;
    inbound.sequence = sequence;
    if (m_sink && inbound.status == 0)
        m_pending.push_back(std::move(inbound));
    else
        m_verified.push_back(std::move(inbound));
}

WebhookReceiver::Inbound WebhookReceiver::Loop::verify(Connection &connection, QByteArray &&body)
{
    Inbound inbound;
    if (connection.path != "/webhook") {
        inbound.status = 404;
        inbound.reason = u"not found; Stripe's events go to POST /webhook"_s;
        return inbound;
    }
    if (connection.method != "POST") {
        inbound.status = 405;
        inbound.reason = u"method %1"_s.arg(QString::fromLatin1(connection.method));
        return inbound;
    }
    if (m_secretsSeen != m_secretsGeneration) {
        const std::lock_guard lock(m_secretsMutex);
        m_keys.clear();
        for (const QByteArray &secret : std::as_const(m_sharedSecrets))
            m_keys.push_back(std::make_unique<stripe::WebhookSignature::Key>(secret));
        m_secretsSeen = m_secretsGeneration;
    }
    if (m_keys.empty()) {
        inbound.status = 500;
        inbound.reason = u"no webhook secret is configured"_s;
        return inbound;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    stripe::WebhookSignature::Result result = stripe::WebhookSignature::Result::MissingHeader;
    for (const std::unique_ptr<stripe::WebhookSignature::Key> &key : m_keys) {
        result = key->verify(body, connection.signature, now, m_options.toleranceSeconds);
        if (result == stripe::WebhookSignature::Result::Valid)
            break;
    }
    if (result != stripe::WebhookSignature::Result::Valid) {
        inbound.status = 400;
        inbound.reason = u"signature: "_s + stripe::WebhookSignature::describe(result);
        return inbound;
    }
    // The thread's sink stores the bytes, so one pass over them says whether they are an event; the
    // receiver's thread applies a document, which it gets here.
    stripe::EventEnvelope envelope;
    QString notJson;
    const bool json = stripe::EventEnvelope::read(body, &envelope, &notJson);
    inbound.id = std::move(envelope.id);
    inbound.type = std::move(envelope.type);
    inbound.created = envelope.created;
    if (!json || !envelope.isObject || !envelope.isEvent || !inbound.id.startsWith(u"evt_"_s) ||
        inbound.type.isEmpty() || !envelope.hasDataObject) {
        inbound.status = 400;
        inbound.reason =
            !json ? u"the body is not JSON: "_s + notJson
                  : u"the body is not a Stripe event (object \"event\", id evt_..., type, data.object)"_s;
        return inbound;
    }
    QJsonObject event;
    if (!m_sink)
        event = QJsonDocument::fromJson(body).object();
    inbound.delivery = Delivery{m_sink ? QJsonObject() : std::move(event), std::move(body)};
    return inbound;
}

void WebhookReceiver::Loop::storePending()
{
    // Answering a request goes on with what its connection sent after it (pipelining), which may add to
    // m_pending: those are stored in the next round.
    while (!m_pending.empty()) {
        m_storing.swap(m_pending);
        const size_t batch = size_t(std::max(1, m_options.maxBatch));
        for (size_t from = 0; from < m_storing.size(); from += batch) {
            const size_t to = std::min(m_storing.size(), from + batch);
            m_events.resize(to - from);
            for (size_t i = from; i < to; ++i) {
                Inbound &item = m_storing[i];
                ThreadSink::Event &event = m_events[i - from];
                event.body = std::move(item.delivery.rawBody);
                event.id = std::move(item.id);
                event.type = std::move(item.type);
                event.created = item.created;
            }
            QString error;
            const ThreadSink::Outcome outcome = m_sink->store(m_events, &error);
            const qint64 count = qint64(to - from);
            if (outcome == ThreadSink::Outcome::Stored) {
                m_stored.fetch_add(count, std::memory_order_relaxed);
            } else {
                m_storeFailures.fetch_add(count, std::memory_order_relaxed);
                qCWarning(lcWebhook).noquote() << "could not store" << count << "events:" << error;
            }
            // Only now, after the commit, does any of them hear 2xx.
            for (size_t i = from; i < to; ++i) {
                const Inbound &item = m_storing[i];
                switch (outcome) {
                case ThreadSink::Outcome::Stored:
                    answer(item.connection, item.sequence, 200, {}, {});
                    break;
                case ThreadSink::Outcome::Busy:
                    answer(item.connection, item.sequence, 503, "the store is busy; deliver again later",
                           "Retry-After: 1");
                    break;
                case ThreadSink::Outcome::Failed:
                    answer(item.connection, item.sequence, 500, "not stored; deliver again later", {});
                    break;
                }
            }
            for (ThreadSink::Event &event : m_events)
                event.body.clear(); // the bodies go now; the vector keeps its capacity
        }
        m_storing.clear();
    }
    m_noticeOwed = true;
    notice();
}

void WebhookReceiver::Loop::notice()
{
    // The receiver's thread applies the inbox between deliveries; it needs to hear of new rows, not of
    // every commit: at most one queued call per NoticeIntervalMs (the loop wakes up for the last one),
    // and none while one is still waiting there. Each would wake that thread and restart its timers.
    if (!m_noticeOwed || m_now - m_lastNotice < NoticeIntervalMs)
        return;
    m_noticeOwed = false;
    m_lastNotice = m_now;
    if (!m_storedPosted.exchange(true, std::memory_order_acq_rel))
        QMetaObject::invokeMethod(
            m_receiver, [receiver = m_receiver] { receiver->threadStored(); }, Qt::QueuedConnection);
}

void WebhookReceiver::Loop::handOver()
{
    if (m_verified.empty())
        return;
    {
        const std::lock_guard lock(m_inboundMutex);
        detail::appendAll(m_inbound, m_verified);
    }
    m_verified.clear();
    // One queued call per group, however many arrive while the receiver's thread is busy storing.
    if (!m_wakePosted.exchange(true, std::memory_order_acq_rel))
        QMetaObject::invokeMethod(
            m_receiver, [receiver = m_receiver] { receiver->takeInbound(); }, Qt::QueuedConnection);
}

void WebhookReceiver::Loop::sendAnswers()
{
    std::vector<Outbound> answers;
    std::vector<Inbound> retired;
    {
        const std::lock_guard lock(m_outboundMutex);
        if (m_outbound.empty() && m_retired.empty())
            return;
        answers.swap(m_outbound);
        retired.swap(m_retired);
    }
    for (const Outbound &outbound : answers)
        answer(outbound.connection, outbound.sequence, outbound.status, outbound.text, outbound.extraHeader);
}

void WebhookReceiver::Loop::answer(quint64 id, quint64 sequence, int status, QByteArrayView text,
                                   QByteArrayView extraHeader)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return; // the client went away
    Connection &connection = *it->second;
    if (connection.sequence != sequence || connection.state != State::Waiting)
        return;
    const bool closeAfter = !connection.keepAlive;
    if (status == 200)
        writeOut(connection, closeAfter ? StoredClose : StoredKeepAlive);
    else
        writeOut(connection, textResponse(status, text, closeAfter, extraHeader));
    if (!m_connections.count(id))
        return;
    if (closeAfter) {
        beginClose(connection);
        return;
    }
    connection.state = State::ReadingHead;
    setDeadline(connection.idleDeadline, m_now + m_options.idleTimeoutMs);
    startRequestTimer(connection, m_now);
    // Pipelined requests already read, then whatever waited in the kernel meanwhile.
    processBuffer(connection);
    if (m_connections.count(id) && connection.readPaused && connection.state != State::Waiting) {
        connection.readPaused = false;
        onReadable(connection, false);
    }
    if (m_connections.count(id) && connection.state != State::Waiting && connection.state != State::Closing &&
        connection.peerClosed)
        destroy(id);
}

void WebhookReceiver::Loop::writeOut(Connection &connection, QByteArrayView bytes)
{
    if (connection.written < connection.out.size()) {
        connection.out.append(bytes);
        return;
    }
    ssize_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n =
            ::send(connection.fd, bytes.data() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
        if (n > 0) {
            sent += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        destroy(connection.id);
        return;
    }
    if (sent < bytes.size()) {
        // The rest goes out on the next EPOLLOUT edge.
        connection.out = bytes.sliced(sent).toByteArray();
        watchWritable(connection, true);
        connection.written = 0;
    }
}

void WebhookReceiver::Loop::flushOut(Connection &connection)
{
    while (connection.written < connection.out.size()) {
        const ssize_t n = ::send(connection.fd, connection.out.constData() + connection.written,
                                 size_t(connection.out.size() - connection.written), MSG_NOSIGNAL);
        if (n > 0) {
            connection.written += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        destroy(connection.id);
        return;
    }
    connection.out.clear();
    watchWritable(connection, false);
    connection.written = 0;
    if (connection.closeAfterWrite)
        ::shutdown(connection.fd, SHUT_WR);
}

void WebhookReceiver::Loop::fail(Connection &connection, int status, QByteArrayView message)
{
    const quint64 id = connection.id;
    writeOut(connection, textResponse(status, message, true));
    if (m_connections.count(id))
        beginClose(connection);
}

void WebhookReceiver::Loop::beginClose(Connection &connection)
{
    // The answer is sent, then our side closed; what the client still sends is read and dropped until
    // it closes too (closing with unread data would reset the connection and could lose the answer).
    connection.state = State::Closing;
    connection.in.clear();
    connection.consumed = 0;
    connection.requestDeadline = NoDeadline;
    setDeadline(connection.idleDeadline, m_now + LingerMs);
    connection.closeAfterWrite = true;
    if (connection.written >= connection.out.size())
        ::shutdown(connection.fd, SHUT_WR);
    if (connection.peerClosed)
        destroy(connection.id);
}

void WebhookReceiver::Loop::destroy(quint64 id)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    ::close(it->second->fd); // also leaves the epoll set
    m_connections.erase(it);
}

void WebhookReceiver::Loop::sweep(qint64 now)
{
    m_nextSweep = NoDeadline;
    std::vector<quint64> expired;
    for (auto &[id, connection] : m_connections) {
        if (connection->requestDeadline <= now || connection->idleDeadline <= now)
            expired.push_back(id);
        else
            m_nextSweep = std::min({m_nextSweep, connection->requestDeadline, connection->idleDeadline});
    }
    for (const quint64 id : expired) {
        const auto it = m_connections.find(id);
        if (it == m_connections.end())
            continue;
        Connection &connection = *it->second;
        const bool requestExpired = connection.requestDeadline <= now;
        connection.requestDeadline = NoDeadline;
        connection.idleDeadline = NoDeadline;
        switch (connection.state) {
        case State::Closing:
            destroy(id);
            break;
        case State::Waiting:
            break; // its answer is on the way
        case State::ReadingHead:
        case State::ReadingBody:
            // A client that trickles a request (slow loris), or sends part of one and stops, does not
            // hold the connection; one that sends nothing is closed quietly.
            if (requestExpired)
                fail(connection, 408, "request not completed in time");
            else if (connection.state == State::ReadingBody || connection.in.size() > connection.consumed)
                fail(connection, 408, "request timed out");
            else
                destroy(id);
            break;
        }
    }
}

} // namespace kassa::sync
