#pragma once

#include <QByteArray>
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

    void setMaxBodySize(qint64 bytes) { m_maxBodySize = bytes; }
    qint64 maxBodySize() const { return m_maxBodySize; }
    void setIdleTimeoutMs(int ms) { m_idleTimeoutMs = ms; }
    int idleTimeoutMs() const { return m_idleTimeoutMs; }
    int connectionCount() const;

private:
    void onNewConnection();

    Handler m_handler;
    QTcpServer *m_server = nullptr;
    qint64 m_maxBodySize = 1024 * 1024;
    int m_idleTimeoutMs = 60'000;
};

} // namespace kassa::net
