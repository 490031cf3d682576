#pragma once

#include "net/persecondlimit.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>
#include <utility>

class QTcpServer;

namespace kassa::net {

class HttpConnection;

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method;
    QByteArray path;     // percent-encoded path, without the query
    QByteArray query;    // raw query string, without '?'
    HttpHeaders headers; // names in lower case, in arrival order
    QByteArray body;
    QHostAddress peer;

    QByteArray header(QByteArrayView lowerCaseName) const;
};

struct HttpResponse
{
    int status = 200;
    HttpHeaders headers;
    QByteArray body;
};

// A handle to answer one request, later if need be. Copyable; the first send() or drop() wins, and a
// handle whose connection has gone away does nothing.
class HttpResponder
{
public:
    HttpResponder() = default;
    HttpResponder(HttpConnection *connection, quint64 sequence);

    void send(const HttpResponse &response) const;
    // Closes the connection without an answer (a lost reply, as a network fault would cause).
    void drop() const;
    bool isConnected() const;

private:
    QPointer<HttpConnection> m_connection;
    quint64 m_sequence = 0;
};

// A small HTTP/1.1 server on QTcpServer: keep-alive, Content-Length bodies, Expect: 100-continue,
// size limits (431 for headers, 413 for bodies, refused before the body is read) and an idle timeout.
// One request per connection is handled at a time; pipelined requests wait for the answer before.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(HttpRequest &&, HttpResponder)>;

    explicit HttpServer(Handler handler, QObject *parent = nullptr);
    ~HttpServer() override;

    bool listen(const QHostAddress &address, quint16 port);
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    QString errorString() const;

    struct Limits
    {
        qint64 maxBodySize = 1024 * 1024; // larger bodies get 413 from their Content-Length, unread
        qint64 maxHeadSize = 64 * 1024;   // request line and headers; 431 above
        int idleTimeoutMs = 60'000;       // a kept-alive connection with nothing to do is closed
        // From the first byte of a request to its last: a client that trickles a request (slow loris)
        // gets 408 and the connection closes. 0: no limit.
        int requestTimeoutMs = 0;
    };

    void setLimits(const Limits &limits) { m_limits = limits; }
    const Limits &limits() const { return m_limits; }
    void setMaxBodySize(qint64 bytes) { m_limits.maxBodySize = bytes; }
    qint64 maxBodySize() const { return m_limits.maxBodySize; }
    void setIdleTimeoutMs(int ms) { m_limits.idleTimeoutMs = ms; }
    int idleTimeoutMs() const { return m_limits.idleTimeoutMs; }
    // At most this many requests per second from one client address, answered 429 above it. 0: no limit.
    void setPerClientRateLimit(int requestsPerSecond) { m_perClientRate = requestsPerSecond; }
    int connectionCount() const;

private:
    void onNewConnection();
    bool admit(const QHostAddress &peer);

    Handler m_handler;
    QTcpServer *m_server = nullptr;
    Limits m_limits;
    int m_perClientRate = 0;
    PerSecondLimit<QHostAddress> m_rateLimit;
    QElapsedTimer m_clock;
};

} // namespace kassa::net
