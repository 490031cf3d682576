#pragma once

#include "services/stripe/httptransport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <memory>

namespace kassa::stripe {

class DirectExchange;
class DirectTransportConnection;

// HTTP/1.1 in the caller's thread: a keep-alive connection pool on QTcpSocket (plain http, loopback hosts
// only) and QSslSocket (https with the system's CA store, host name verification and SNI; the system proxy
// from QNetworkProxyFactory, HTTP CONNECT or SOCKS5). Responses are read through a buffered parser
// (Content-Length, chunked, or until the server closes), size-limited before and while the body is read.
// No redirects, no compression, no pipelining: one request per connection at a time, at most
// maxConnectionsPerHost connections per host, further requests wait for one to become free.
//
// Nothing is ever sent twice behind the caller's back, except a GET whose kept-alive connection turned out
// to be closed by the server before any answer came: a POST gets a connection error instead, and the
// caller's retry (with the same idempotency key) decides.
class DirectTransport : public HttpTransport
{
public:
    struct Options
    {
        int maxConnectionsPerHost = 4;
        // A connection idle for longer is closed rather than reused (servers close idle ones too; Stripe's
        // load balancers after about a minute).
        int idleTimeoutMs = 30'000;
    };

    DirectTransport();
    explicit DirectTransport(const Options &options);
    ~DirectTransport() override;

    HttpExchange *send(const HttpRequest &request) override;
    QString name() const override;

    // Connections opened so far (for tests and statistics).
    int connectionsOpened() const { return m_connectionsOpened; }
    // Connections open now, busy or idle.
    int openConnections() const;

private:
    friend class DirectExchange;
    friend class DirectTransportConnection;

    struct Pool;

    Pool *poolFor(const QUrl &url, QString *error);
    void dispatch(Pool &pool);
    void closeIdleExpired();
    // From DirectTransportConnection and DirectExchange:
    void connectionIdle(Pool &pool);
    void connectionClosed(Pool &pool, DirectTransportConnection *connection);
    void retryElsewhere(DirectExchange *exchange);
    void forget(DirectExchange *exchange);
    qint64 nowMs() const { return m_clock.elapsed(); }

    Options m_options;
    QHash<QString, std::shared_ptr<Pool>> m_pools;
    QTimer m_sweep; // closes connections idle for too long
    QElapsedTimer m_clock;
    int m_connectionsOpened = 0;
    int m_sending = 0; // depth of send(): nothing is reported from inside it
    bool m_dispatching = false;
};

} // namespace kassa::stripe
