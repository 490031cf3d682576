#pragma once

// DirectTransport's insides: its per-host pools, its exchanges and its connections. Not for use elsewhere.

#include "services/stripe/directtransport.h"
#include "services/stripe/directtransportparser.h"
#include "services/stripe/httptransport.h"

#include <QAbstractSocket>
#include <QList>
#include <QObject>

namespace kassa::stripe {

// The connections to one scheme://host:port and the requests waiting for one of them.
struct DirectTransport::Pool
{
    bool tls = false;
    QString host;
    quint16 port = 0;
    QByteArray hostHeader; // "api.stripe.com", "127.0.0.1:12111", "[::1]:8080"
    QUrl origin;           // scheme://host:port, for the proxy query of each new connection
    QList<DirectTransportConnection *> connections;
    QList<DirectExchange *> pending;
};

// One request on DirectTransport: the bytes to write, where it stands, and who gets the answer.
class DirectExchange : public HttpExchange
{
public:
    DirectExchange(DirectTransport &transport, DirectTransport::Pool *pool, QByteArray wire, bool idempotent,
                   qint64 maxResponseBytes);
    ~DirectExchange() override;

    void abort() override;

    const QByteArray &wire() const { return m_wire; }
    // A GET: sent again on another connection, once, when a kept-alive one turns out to be closed.
    bool mayRetryTransparently() const { return m_idempotent && !m_retried; }
    void markRetried() { m_retried = true; }
    qint64 maxResponseBytes() const { return m_maxResponseBytes; }
    DirectTransport::Pool *pool() const { return m_pool; }
    void setConnection(DirectTransportConnection *connection) { m_connection = connection; }
    // The transport is going away: stay silent from now on.
    void detach();
    // Reports the result (from the event loop when called inside the transport's own calls). Call it last:
    // the receiver may delete this exchange, its connection's transport, anything.
    void complete(HttpResult result);

private:
    enum class State { Active, Reporting, Done };

    DirectTransport *m_transport;
    DirectTransport::Pool *m_pool;
    DirectTransportConnection *m_connection = nullptr;
    QByteArray m_wire;
    qint64 m_maxResponseBytes;
    State m_state = State::Active;
    bool m_idempotent;
    bool m_retried = false;
};

// One keep-alive HTTP/1.1 connection: opens its socket, writes one request at a time, parses the answer.
// Deleted with deleteLater() once closed, since that may happen inside its socket's own signals.
class DirectTransportConnection : public QObject
{
public:
    enum class State { Connecting, Busy, Idle, Closed };

    DirectTransportConnection(DirectTransport &transport, DirectTransport::Pool &pool);
    ~DirectTransportConnection() override;

    State state() const { return m_state; }
    // Opens the connection and sends the exchange once it is up.
    void open(DirectExchange *exchange);
    // Sends the exchange on this idle connection.
    void start(DirectExchange *exchange);
    // Idle, still connected, not idle for longer than idleTimeoutMs, and nothing arrived while idle (a
    // server's close or stray bytes): safe to write the next request on it.
    bool isReusable(qint64 nowMs, qint64 idleTimeoutMs) const;
    qint64 idleSinceMs() const { return m_idleSinceMs; }
    // The exchange was aborted: its answer would arrive later, so the connection closes.
    void abandon(DirectExchange *exchange);
    // Closes the connection and tells the transport.
    void close();
    // The transport goes away: closes without a word to anyone.
    void shutdown();

private:
    void onConnected();
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void writeRequest();
    void handle(DirectTransportParser::Status status);
    void finishResponse();
    void fail(QNetworkReply::NetworkError error, const QString &message);
    void closeSocket();

    DirectTransport *m_transport;
    DirectTransport::Pool *m_pool;
    QAbstractSocket *m_socket = nullptr;
    DirectExchange *m_exchange = nullptr;
    DirectTransportParser m_parser;
    State m_state = State::Connecting;
    qint64 m_idleSinceMs = 0;
    int m_served = 0;           // answers read on this connection
    bool m_receivedAny = false; // of the answer to the current request
    QString m_sslErrors;
};

} // namespace kassa::stripe
