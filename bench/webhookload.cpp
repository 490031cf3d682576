// SPDX-License-Identifier: GPL-3.0-or-later
#include "webhookload.h"

#include "benchsupport.h"

#include <QMetaObject>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

using namespace Qt::StringLiterals;

namespace kassa::bench {

namespace {

constexpr size_t MaxHeadSize = 64 * 1024;
constexpr size_t InitialReadBuffer = 4096;
constexpr size_t MaxEvents = 64;
// epoll_event.data of the eventfd that ends a phase early; connections are their index.
constexpr quint64 QuitToken = ~quint64(0);

qint64 monotonicNs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(strerror(error));
}

bool equalsIgnoringCase(const char *text, size_t size, const char *lowerName)
{
    const size_t nameSize = strlen(lowerName);
    if (size != nameSize)
        return false;
    for (size_t i = 0; i < size; ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        if (c != lowerName[i])
            return false;
    }
    return true;
}

// [begin, end) without the spaces and tabs around it.
void trim(const char *&begin, const char *&end)
{
    while (begin < end && (*begin == ' ' || *begin == '\t'))
        ++begin;
    while (end > begin && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        --end;
}

} // namespace

struct WebhookLoad::Connection
{
    int fd = -1;
    bool dead = false; // failed in this turn: no more requests on it until the next connect
    bool busy = false; // a request in flight
    bool haveHead = false;
    int status = 0;
    size_t bodyStart = 0;
    size_t contentLength = 0;
    qint64 sentAtNs = 0;
    std::vector<char> in = std::vector<char>(InitialReadBuffer);
    size_t inUsed = 0;
    std::vector<char> out; // the unsent rest of a request, when send() took only part of it (rare)
    size_t outSent = 0;

    ~Connection() { closeSocket(); }
    void closeSocket()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
};

// HMAC-SHA256 with a MAC context keyed once. The one-shot HMAC() fetches the digest and sets the key up on
// every call, and so does EVP_MAC_init() with the key and the digest's name: together a good part of the
// signing time. An init without them starts a new MAC with the same key and digest.
struct WebhookLoad::Signer
{
    QByteArray secret;
    EVP_MAC *mac = nullptr;
    EVP_MAC_CTX *context = nullptr;
    OSSL_PARAM params[2];
    char digestName[8] = "SHA256";
    bool keyed = false;

    explicit Signer(QByteArray whsec)
        : secret(std::move(whsec))
    {
        mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        context = mac ? EVP_MAC_CTX_new(mac) : nullptr;
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0);
        params[1] = OSSL_PARAM_construct_end();
        const auto *key = reinterpret_cast<const unsigned char *>(secret.constData());
        keyed = context && EVP_MAC_init(context, key, size_t(secret.size()), params);
    }
    ~Signer()
    {
        EVP_MAC_CTX_free(context);
        EVP_MAC_free(mac);
    }

    // Writes "t=<timestamp>,v1=<64 hex digits>" at `out` (room for 96 characters); returns its length,
    // 0 when OpenSSL fails.
    size_t sign(const char *payload, size_t size, qint64 timestamp, char *out)
    {
        char stamp[24];
        const auto written = std::to_chars(stamp, stamp + sizeof stamp, timestamp);
        const size_t stampSize = size_t(written.ptr - stamp);
        unsigned char digest[EVP_MAX_MD_SIZE];
        size_t digestSize = 0;
        if (!keyed || !EVP_MAC_init(context, nullptr, 0, nullptr) ||
            !EVP_MAC_update(context, reinterpret_cast<const unsigned char *>(stamp), stampSize) ||
            !EVP_MAC_update(context, reinterpret_cast<const unsigned char *>("."), 1) ||
            !EVP_MAC_update(context, reinterpret_cast<const unsigned char *>(payload), size) ||
            !EVP_MAC_final(context, digest, &digestSize, sizeof digest) || digestSize != 32)
            return 0;
        static constexpr char Hex[] = "0123456789abcdef";
        char *at = out;
        *at++ = 't';
        *at++ = '=';
        at = std::copy(stamp, stamp + stampSize, at);
        at = std::copy_n(",v1=", 4, at);
        for (size_t i = 0; i < digestSize; ++i) {
            *at++ = Hex[digest[i] >> 4];
            *at++ = Hex[digest[i] & 0xf];
        }
        return size_t(at - out);
    }
};

WebhookLoad::Connections::Connections() = default;

WebhookLoad::Connections::~Connections() = default;

void WebhookLoad::Connections::close()
{
    m_list.clear();
}

bool WebhookLoad::Connections::connect(quint16 port, int count, int timeoutMs, QString *error)
{
    close();
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        auto connection = std::make_unique<Connection>();
        connection->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (connection->fd < 0) {
            *error = errnoText(errno);
            return false;
        }
        if (::connect(connection->fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
            if (errno != EINPROGRESS) {
                *error = errnoText(errno);
                return false;
            }
            pollfd waitFor{connection->fd, POLLOUT, 0};
            const int ready = ::poll(&waitFor, 1, timeoutMs);
            int socketError = 0;
            socklen_t size = sizeof socketError;
            if (ready <= 0) {
                *error = ready == 0 ? u"no connection within %1 ms"_s.arg(timeoutMs) : errnoText(errno);
                return false;
            }
            if (::getsockopt(connection->fd, SOL_SOCKET, SO_ERROR, &socketError, &size) != 0 ||
                socketError != 0) {
                *error = errnoText(socketError != 0 ? socketError : errno);
                return false;
            }
        }
        const int on = 1;
        ::setsockopt(connection->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        m_list.push_back(std::move(connection));
    }
    return true;
}

WebhookLoad::WebhookLoad(QByteArray eventTemplate, QList<qsizetype> placeholderOffsets,
                         qsizetype placeholderSize, QByteArray secret, int responseTimeoutMs, int maxSamples)
    : m_template(std::move(eventTemplate))
    , m_placeholderOffsets(std::move(placeholderOffsets))
    , m_placeholderSize(placeholderSize)
    , m_responseTimeoutMs(responseTimeoutMs)
    , m_maxSamples(maxSamples)
    , m_signer(std::make_unique<Signer>(std::move(secret)))
    , m_quitFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    m_thread = std::thread([this] { threadMain(); });
}

WebhookLoad::~WebhookLoad()
{
    {
        const std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    if (m_quitFd >= 0) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t written = ::write(m_quitFd, &one, sizeof one);
    }
    m_thread.join();
    if (m_quitFd >= 0)
        ::close(m_quitFd);
}

QByteArray WebhookLoad::signForCheck(QByteArrayView payload, qint64 timestamp)
{
    // Only before the first phase: the signer is the load thread's once phases run.
    char signature[96];
    const size_t size = m_signer->sign(payload.data(), size_t(payload.size()), timestamp, signature);
    return QByteArray(signature, qsizetype(size));
}

void WebhookLoad::startPhase(Connections &connections, const Phase &phase, QObject *context,
                             std::function<void(const Result &)> done)
{
    {
        const std::lock_guard lock(m_mutex);
        m_job = std::make_unique<Job>(Job{&connections, phase, context, std::move(done)});
    }
    m_wake.notify_all();
}

void WebhookLoad::threadMain()
{
    for (;;) {
        std::unique_ptr<Job> job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || m_job; });
            if (m_quit)
                return;
            job = std::move(m_job);
        }
        const Result result = runPhase(*job->connections, job->phase);
        {
            const std::lock_guard lock(m_mutex);
            if (m_quit) // the owner is going away: nobody waits for the result
                return;
        }
        QMetaObject::invokeMethod(
            job->context, [done = std::move(job->done), result] { done(result); }, Qt::QueuedConnection);
    }
}

WebhookLoad::Result WebhookLoad::runPhase(Connections &connections, const Phase &phase)
{
    Result result;
    std::vector<std::unique_ptr<Connection>> &list = connections.m_list;
    const auto recordFailure = [&result, this](const QString &sample) {
        ++result.failures;
        if (result.failureSamples.size() < m_maxSamples)
            result.failureSamples.append(sample);
    };

    // The request: head up to "Stripe-Signature: ", the signature, the rest of the head, the event. One
    // buffer, built once but for the signature, the event and its sequence numbers.
    const QByteArray head = "POST " + phase.path +
                            " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\n"
                            "Content-Type: application/json; charset=utf-8\r\n"
                            "Stripe-Signature: ";
    const QByteArray tail = "\r\nContent-Length: " + QByteArray::number(m_template.size()) + "\r\n\r\n";
    std::vector<char> body(m_template.cbegin(), m_template.cend());
    std::vector<char> request(size_t(head.size()) + 96 + size_t(tail.size()) + body.size());
    std::copy(head.cbegin(), head.cend(), request.begin());

    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll < 0) {
        recordFailure(u"%1: epoll_create1: %2"_s.arg(phase.targetName, errnoText(errno)));
        return result;
    }
    epoll_event quitEvent{};
    quitEvent.events = EPOLLIN;
    quitEvent.data.u64 = QuitToken;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, m_quitFd, &quitEvent);

    size_t live = 0;
    size_t busy = 0;
    const auto fail = [&](size_t index, const QString &message) {
        Connection &c = *list[index];
        recordFailure(u"%1 connection %2: %3"_s.arg(phase.targetName).arg(index).arg(message));
        if (c.fd >= 0)
            ::epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        c.closeSocket();
        if (c.busy)
            --busy;
        if (!c.dead)
            --live;
        c.busy = false;
        c.dead = true;
        c.inUsed = 0;
    };
    const auto send = [&](size_t index) {
        Connection &c = *list[index];
        ++result.sent;
        c.busy = true;
        ++busy;
        c.haveHead = false;
        c.inUsed = 0;
        if (c.fd < 0) {
            fail(index, u"the connection is closed"_s);
            return;
        }
        // The next event: its sequence number in each of its ids, signed when sent (as Stripe signs each
        // delivery attempt).
        quint64 sequence = ++m_sequence;
        char digits[32];
        for (qsizetype i = m_placeholderSize; i > 0; --i) {
            digits[i - 1] = char('0' + sequence % 10);
            sequence /= 10;
        }
        for (const qsizetype at : m_placeholderOffsets)
            std::copy_n(digits, m_placeholderSize, body.begin() + at);
        char *at = request.data() + head.size();
        const size_t signatureSize = m_signer->sign(body.data(), body.size(), qint64(::time(nullptr)), at);
        if (signatureSize == 0) {
            fail(index, u"cannot sign the event (OpenSSL)"_s);
            return;
        }
        at = std::copy(tail.cbegin(), tail.cend(), at + signatureSize);
        at = std::copy(body.cbegin(), body.cend(), at);
        const size_t size = size_t(at - request.data());
        c.sentAtNs = monotonicNs();
        const ssize_t written = ::send(c.fd, request.data(), size, MSG_NOSIGNAL);
        if (written == ssize_t(size))
            return;
        if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            fail(index, u"cannot send: %1"_s.arg(errnoText(errno)));
            return;
        }
        // The socket's buffer took only part of it: the rest when it has room.
        const size_t sent = written > 0 ? size_t(written) : 0;
        c.out.assign(request.data() + sent, request.data() + size);
        c.outSent = 0;
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.u64 = index;
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
    };

    for (size_t i = 0; i < list.size(); ++i) {
        Connection &c = *list[i];
        if (c.dead)
            continue;
        ++live;
        if (c.fd < 0)
            continue; // fails at its first send, as a closed connection
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = i;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &event);
    }

    const size_t liveAtStart = live;
    const double serverCpuAtStart = processCpuSeconds(phase.serverPid);
    const qint64 startNs = monotonicNs();
    const qint64 windowEndNs = startNs + qint64(phase.durationMs) * 1'000'000;
    qint64 watchdogNs = 0;
    bool active = true;
    const auto endWindow = [&](qint64 nowNs) {
        active = false;
        if (phase.measured) {
            result.seconds = double(nowNs - startNs) / 1e9;
            result.serverCpuSeconds = processCpuSeconds(phase.serverPid) - serverCpuAtStart;
        }
        // A receiver that stops answering must not hang the benchmark.
        watchdogNs = nowNs + qint64(m_responseTimeoutMs) * 1'000'000;
    };

    // One complete response on connection `index`, at nowNs.
    const auto answered = [&](size_t index, qint64 nowNs) {
        Connection &c = *list[index];
        if (c.status >= 200 && c.status < 300) {
            ++result.answered2xx;
        } else {
            ++result.nonOkByStatus[c.status];
            const size_t shown = std::min<size_t>(c.contentLength, 600);
            recordFailure(
                u"%1: HTTP %2: %3"_s.arg(phase.targetName)
                    .arg(c.status)
                    .arg(QString::fromUtf8(c.in.data() + c.bodyStart, qsizetype(shown)).simplified()));
        }
        c.busy = false;
        --busy;
        c.inUsed = 0;
        c.haveHead = false;
        if (active && nowNs >= windowEndNs)
            endWindow(nowNs);
        if (!active)
            return;
        if (phase.measured) {
            ++result.completed;
            phase.latenciesNs->push_back(nowNs - c.sentAtNs);
        }
        send(index);
    };

    // The response head in c.in[0, headEnd): status line, Content-Length, keep-alive.
    const auto parseHead = [&](size_t index, size_t headEnd) {
        Connection &c = *list[index];
        const char *text = c.in.data();
        if (headEnd < 12 || std::memcmp(text, "HTTP/1.1 ", 9) != 0) {
            fail(index, u"not an HTTP/1.1 response: %1"_s.arg(
                            QString::fromLatin1(text, qsizetype(std::min<size_t>(headEnd, 40)))));
            return false;
        }
        int status = 0;
        const auto parsedStatus = std::from_chars(text + 9, text + 12, status);
        if (parsedStatus.ec != std::errc() || parsedStatus.ptr != text + 12) {
            fail(index, u"bad status line"_s);
            return false;
        }
        bool haveLength = false;
        size_t length = 0;
        const char *line = static_cast<const char *>(std::memchr(text, '\n', headEnd));
        const char *const end = text + headEnd;
        while (line && line + 1 < end) {
            const char *lineStart = line + 1;
            const char *lineEnd =
                static_cast<const char *>(std::memchr(lineStart, '\n', size_t(end - lineStart)));
            if (!lineEnd)
                lineEnd = end;
            const char *colon =
                static_cast<const char *>(std::memchr(lineStart, ':', size_t(lineEnd - lineStart)));
            if (colon) {
                const char *nameStart = lineStart;
                const char *nameEnd = colon;
                trim(nameStart, nameEnd);
                const char *valueStart = colon + 1;
                const char *valueEnd = lineEnd;
                trim(valueStart, valueEnd);
                if (equalsIgnoringCase(nameStart, size_t(nameEnd - nameStart), "content-length")) {
                    const auto parsed = std::from_chars(valueStart, valueEnd, length);
                    haveLength = parsed.ec == std::errc() && parsed.ptr == valueEnd && valueEnd > valueStart;
                } else if (equalsIgnoringCase(nameStart, size_t(nameEnd - nameStart), "connection") &&
                           equalsIgnoringCase(valueStart, size_t(valueEnd - valueStart), "close")) {
                    fail(index, u"the server closed the keep-alive connection (Connection: close)"_s);
                    return false;
                }
            }
            line = lineEnd < end ? lineEnd : nullptr;
        }
        if (!haveLength) {
            fail(
                index,
                u"response without a valid Content-Length (chunked responses are not read by this client)"_s);
            return false;
        }
        c.status = status;
        c.contentLength = length;
        c.bodyStart = headEnd + 4;
        c.haveHead = true;
        if (c.in.size() < c.bodyStart + length)
            c.in.resize(c.bodyStart + length);
        return true;
    };

    const auto readable = [&](size_t index) {
        Connection &c = *list[index];
        for (;;) {
            if (c.inUsed == c.in.size()) {
                if (c.in.size() >= MaxHeadSize && !c.haveHead) {
                    fail(index, u"response head larger than 64 KiB"_s);
                    return;
                }
                c.in.resize(c.in.size() * 2);
            }
            const size_t room = c.in.size() - c.inUsed;
            const ssize_t got = ::recv(c.fd, c.in.data() + c.inUsed, room, 0);
            if (got == 0) {
                if (c.busy) {
                    fail(index, u"the server closed the connection while a response was awaited"_s);
                } else {
                    // An idle connection the server closed: the next request on it fails.
                    ::epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
                    c.closeSocket();
                }
                return;
            }
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                    fail(index, u"socket error while waiting for a response: %1"_s.arg(errnoText(errno)));
                break;
            }
            c.inUsed += size_t(got);
            if (size_t(got) < room)
                break; // read all there was; level-triggered epoll reports anything that comes later
        }
        if (c.dead || c.inUsed == 0)
            return;
        if (!c.busy) {
            fail(index, u"the server sent %1 bytes nobody asked for"_s.arg(c.inUsed));
            return;
        }
        if (!c.haveHead) {
            const char *text = c.in.data();
            const void *found = memmem(text, c.inUsed, "\r\n\r\n", 4);
            if (!found) {
                if (c.inUsed > MaxHeadSize)
                    fail(index, u"response head larger than 64 KiB"_s);
                return;
            }
            if (!parseHead(index, size_t(static_cast<const char *>(found) - text)))
                return;
        }
        const size_t complete = c.bodyStart + c.contentLength;
        if (c.inUsed < complete)
            return;
        if (c.inUsed > complete) {
            fail(index, u"%1 unexpected bytes after the response"_s.arg(c.inUsed - complete));
            return;
        }
        answered(index, monotonicNs());
    };

    const auto writable = [&](size_t index) {
        Connection &c = *list[index];
        const ssize_t written =
            ::send(c.fd, c.out.data() + c.outSent, c.out.size() - c.outSent, MSG_NOSIGNAL);
        if (written < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                fail(index, u"cannot send: %1"_s.arg(errnoText(errno)));
            return;
        }
        c.outSent += size_t(written);
        if (c.outSent < c.out.size())
            return;
        c.out.clear();
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = index;
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &event);
    };

    for (size_t i = 0; i < list.size(); ++i) {
        if (!list[i]->dead)
            send(i);
    }

    epoll_event events[MaxEvents];
    for (;;) {
        if (active && live == 0) {
            // Every connection failed: nothing more can be measured in this turn. (Said once: a measured
            // phase after a warm-up that lost them all starts without any.)
            result.allConnectionsFailed = liveAtStart > 0;
            endWindow(monotonicNs());
        }
        if (!active && busy == 0)
            break;
        const qint64 nowNs = monotonicNs();
        const qint64 untilNs = (active ? windowEndNs : watchdogNs) - nowNs;
        if (untilNs <= 0) {
            if (active) {
                endWindow(nowNs);
                continue;
            }
            for (size_t i = 0; i < list.size(); ++i) {
                Connection &c = *list[i];
                if (!c.dead && c.busy) {
                    recordFailure(u"%1 connection %2: no response within %3 s"_s.arg(phase.targetName)
                                      .arg(i)
                                      .arg(m_responseTimeoutMs / 1000));
                    c.dead = true;
                    c.busy = false;
                }
            }
            break;
        }
        const int timeoutMs = int(std::min<qint64>((untilNs + 999'999) / 1'000'000, 60'000));
        const int count = ::epoll_wait(epoll, events, int(MaxEvents), timeoutMs);
        if (count < 0) {
            if (errno == EINTR)
                continue;
            recordFailure(u"%1: epoll_wait: %2"_s.arg(phase.targetName, errnoText(errno)));
            break;
        }
        bool quit = false;
        for (int e = 0; e < count; ++e) {
            if (events[e].data.u64 == QuitToken) {
                quit = true;
                continue;
            }
            const size_t index = size_t(events[e].data.u64);
            Connection &c = *list[index];
            if (c.dead || c.fd < 0)
                continue; // failed earlier in this batch
            if ((events[e].events & EPOLLOUT) && !c.out.empty())
                writable(index);
            if (!c.dead && c.fd >= 0 && (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                readable(index);
        }
        if (quit)
            break;
    }
    ::close(epoll);
    return result;
}

} // namespace kassa::bench
