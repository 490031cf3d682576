#include "services/stripe/directtransportconnection.h"

#include <QNetworkProxyFactory>
#include <QNetworkProxyQuery>
#include <QTcpSocket>
#if QT_CONFIG(ssl)
#include <QSslConfiguration>
#include <QSslSocket>
#endif

#ifdef Q_OS_UNIX
#include <poll.h>
#endif

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

QNetworkReply::NetworkError networkErrorFor(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        return QNetworkReply::ConnectionRefusedError;
    case QAbstractSocket::RemoteHostClosedError:
        return QNetworkReply::RemoteHostClosedError;
    case QAbstractSocket::HostNotFoundError:
        return QNetworkReply::HostNotFoundError;
    case QAbstractSocket::SocketTimeoutError:
        return QNetworkReply::TimeoutError;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return QNetworkReply::SslHandshakeFailedError;
    case QAbstractSocket::ProxyAuthenticationRequiredError:
        return QNetworkReply::ProxyAuthenticationRequiredError;
    case QAbstractSocket::ProxyConnectionRefusedError:
        return QNetworkReply::ProxyConnectionRefusedError;
    case QAbstractSocket::ProxyConnectionClosedError:
        return QNetworkReply::ProxyConnectionClosedError;
    case QAbstractSocket::ProxyConnectionTimeoutError:
        return QNetworkReply::ProxyTimeoutError;
    case QAbstractSocket::ProxyNotFoundError:
        return QNetworkReply::ProxyNotFoundError;
    case QAbstractSocket::ProxyProtocolError:
        return QNetworkReply::UnknownProxyError;
    default:
        return QNetworkReply::UnknownNetworkError;
    }
}

// The first proxy a socket can tunnel a TLS connection through, as QNetworkAccessManager would choose it
// (HTTP CONNECT or SOCKS5); asked for each new connection, so that a changed setting counts.
QNetworkProxy proxyFor(const QUrl &url)
{
    const QList<QNetworkProxy> proxies = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(url));
    for (const QNetworkProxy &proxy : proxies) {
        switch (proxy.type()) {
        case QNetworkProxy::NoProxy:
        case QNetworkProxy::HttpProxy:
        case QNetworkProxy::Socks5Proxy:
            return proxy;
        case QNetworkProxy::DefaultProxy:
        case QNetworkProxy::HttpCachingProxy:
        case QNetworkProxy::FtpCachingProxy:
            break; // cannot carry a TLS connection
        }
    }
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

} // namespace

// --- DirectExchange -------------------------------------------------------------------------------------

DirectExchange::DirectExchange(DirectTransport &transport, DirectTransport::Pool *pool, QByteArray wire,
                               bool idempotent, qint64 maxResponseBytes)
    : m_transport(&transport)
    , m_pool(pool)
    , m_wire(std::move(wire))
    , m_maxResponseBytes(maxResponseBytes)
    , m_idempotent(idempotent)
{
}

DirectExchange::~DirectExchange()
{
    abort();
}

void DirectExchange::abort()
{
    if (m_state == State::Done)
        return;
    const bool active = m_state == State::Active;
    m_state = State::Done; // a report on its way from the event loop now stays silent
    if (!active)
        return;
    DirectTransportConnection *connection = m_connection;
    m_connection = nullptr;
    if (connection)
        connection->abandon(this);
    else if (m_transport)
        m_transport->forget(this);
}

void DirectExchange::detach()
{
    m_transport = nullptr;
    m_pool = nullptr;
    m_connection = nullptr;
}

void DirectExchange::complete(HttpResult result)
{
    if (m_state != State::Active)
        return;
    m_connection = nullptr;
    if (m_transport && m_transport->m_sending > 0) {
        // Inside send() (or a dispatch it runs): the caller has not connected to finished() yet.
        m_state = State::Reporting;
        QMetaObject::invokeMethod(
            this,
            [this, result = std::move(result)] {
                if (m_state != State::Reporting)
                    return;
                m_state = State::Done;
                emit finished(result);
            },
            Qt::QueuedConnection);
        return;
    }
    m_state = State::Done;
    emit finished(result);
}

// --- DirectTransportConnection --------------------------------------------------------------------------

DirectTransportConnection::DirectTransportConnection(DirectTransport &transport, DirectTransport::Pool &pool)
    : m_transport(&transport)
    , m_pool(&pool)
{
}

DirectTransportConnection::~DirectTransportConnection() = default;

void DirectTransportConnection::open(DirectExchange *exchange)
{
    m_exchange = exchange;
    exchange->setConnection(this);
    m_state = State::Connecting;
    if (m_pool->tls) {
#if QT_CONFIG(ssl)
        auto *ssl = new QSslSocket(this);
        // The system's CA store, the peer verified against the host name (QSslSocket's defaults, made
        // explicit). Errors are never ignored: a certificate that does not verify ends the connection.
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        config.setProtocol(QSsl::TlsV1_2OrLater);
        config.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
        ssl->setSslConfiguration(config);
        connect(ssl, &QSslSocket::encrypted, this, &DirectTransportConnection::onConnected);
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            for (const QSslError &error : errors)
                m_sslErrors += (m_sslErrors.isEmpty() ? QString() : u"; "_s) + error.errorString();
        });
        m_socket = ssl;
#endif
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QAbstractSocket::connected, this, &DirectTransportConnection::onConnected);
    }
    if (!m_socket) {
        fail(QNetworkReply::ProtocolUnknownError, u"this build of Qt has no TLS support"_s);
        return;
    }
    // Plain http only goes to this computer (DirectTransport refuses anything else): never via a proxy.
    m_socket->setProxy(m_pool->tls ? proxyFor(m_pool->origin) : QNetworkProxy(QNetworkProxy::NoProxy));
    connect(m_socket, &QAbstractSocket::readyRead, this, &DirectTransportConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &DirectTransportConnection::onSocketError);
    connect(m_socket, &QAbstractSocket::disconnected, this,
            [this] { onSocketError(QAbstractSocket::RemoteHostClosedError); });
#if QT_CONFIG(ssl)
    if (m_pool->tls) {
        static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(m_pool->host, m_pool->port);
        return;
    }
#endif
    m_socket->connectToHost(m_pool->host, m_pool->port);
}

void DirectTransportConnection::onConnected()
{
    if (m_state != State::Connecting)
        return;
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (!m_exchange) {
        close();
        return;
    }
    writeRequest();
}

void DirectTransportConnection::start(DirectExchange *exchange)
{
    m_exchange = exchange;
    exchange->setConnection(this);
    writeRequest();
}

void DirectTransportConnection::writeRequest()
{
    m_state = State::Busy;
    m_receivedAny = false;
    m_parser.reset(m_exchange->maxResponseBytes());
    // Written now rather than from the event loop; an error is reported through onSocketError().
    m_socket->write(m_exchange->wire());
    m_socket->flush();
}

bool DirectTransportConnection::isReusable(qint64 nowMs, qint64 idleTimeoutMs) const
{
    if (m_state != State::Idle || m_socket->state() != QAbstractSocket::ConnectedState)
        return false;
    if (nowMs - m_idleSinceMs >= idleTimeoutMs || m_socket->bytesAvailable() > 0)
        return false;
#ifdef Q_OS_UNIX
    // The server may have closed it (or sent something) since the event loop last looked: then the kernel
    // has it readable already. One poll() instead of writing a request into a dead connection.
    const qintptr descriptor = m_socket->socketDescriptor();
    if (descriptor >= 0) {
        pollfd pending{int(descriptor), POLLIN, 0};
#ifdef POLLRDHUP
        pending.events |= POLLRDHUP;
#endif
        if (::poll(&pending, 1, 0) != 0)
            return false;
    }
#endif
    return true;
}

void DirectTransportConnection::abandon(DirectExchange *exchange)
{
    if (m_exchange != exchange)
        return;
    m_exchange = nullptr;
    close();
}

void DirectTransportConnection::close()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    closeSocket();
    if (m_transport)
        m_transport->connectionClosed(*m_pool, this);
}

void DirectTransportConnection::shutdown()
{
    m_transport = nullptr;
    if (m_exchange) {
        m_exchange->detach();
        m_exchange = nullptr;
    }
    m_state = State::Closed;
    closeSocket();
    deleteLater();
}

void DirectTransportConnection::closeSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
}

void DirectTransportConnection::onSocketError(QAbstractSocket::SocketError error)
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Idle || !m_exchange) {
        close(); // the server closed a kept-alive connection: it is simply not reused
        return;
    }
    if (m_state == State::Busy && error == QAbstractSocket::RemoteHostClosedError) {
        DirectTransportParser::Status status = DirectTransportParser::Status::NeedMore;
        if (m_socket->bytesAvailable() > 0) {
            m_receivedAny = true;
            status = m_parser.feed(m_socket->readAll());
        }
        if (status == DirectTransportParser::Status::NeedMore)
            status = m_parser.atEndOfStream(); // the close may be the end of the body
        if (status != DirectTransportParser::Status::NeedMore) {
            handle(status);
            return;
        }
        if (!m_receivedAny && m_served > 0 && m_exchange->mayRetryTransparently()) {
            // A kept-alive connection the server closed before the request reached it. A GET may go
            // again; anything else is reported, and the caller's retry policy decides.
            DirectExchange *exchange = m_exchange;
            DirectTransport *transport = m_transport;
            m_exchange = nullptr;
            close();
            transport->retryElsewhere(exchange);
            return;
        }
    }
    QString message;
    if (error == QAbstractSocket::RemoteHostClosedError)
        message = m_receivedAny ? u"the server closed the connection in the middle of its answer"_s
                                : u"the server closed the connection without an answer"_s;
    else if (!m_sslErrors.isEmpty())
        message = u"TLS: "_s + m_sslErrors;
    else
        message = m_socket->errorString();
    fail(networkErrorFor(error), message);
}

void DirectTransportConnection::onReadyRead()
{
    if (m_state != State::Busy) {
        if (m_state == State::Idle)
            close(); // bytes nobody asked for: this connection cannot be trusted with the next request
        return;
    }
    QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    m_receivedAny = true;
    handle(m_parser.feed(std::move(bytes)));
}

void DirectTransportConnection::handle(DirectTransportParser::Status status)
{
    switch (status) {
    case DirectTransportParser::Status::NeedMore:
        return;
    case DirectTransportParser::Status::Complete:
        finishResponse();
        return;
    case DirectTransportParser::Status::Failed:
        fail(QNetworkReply::ProtocolFailure, m_parser.errorString());
        return;
    }
}

void DirectTransportConnection::finishResponse()
{
    const bool reusable = m_parser.keepAlive() && m_socket->state() == QAbstractSocket::ConnectedState;
    HttpResult result = m_parser.takeResult();
    DirectExchange *exchange = m_exchange;
    m_exchange = nullptr;
    ++m_served;
    if (reusable) {
        m_state = State::Idle;
        m_idleSinceMs = m_transport->nowMs();
        m_transport->connectionIdle(*m_pool); // may start the next request on this connection at once
    } else {
        close();
    }
    if (exchange)
        exchange->complete(std::move(result));
}

void DirectTransportConnection::fail(QNetworkReply::NetworkError error, const QString &message)
{
    DirectExchange *exchange = m_exchange;
    m_exchange = nullptr;
    close();
    if (exchange) {
        HttpResult result;
        result.networkError = error;
        result.errorString = message;
        exchange->complete(std::move(result));
    }
}

} // namespace kassa::stripe
