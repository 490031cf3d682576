#include "services/stripe/directtransport.h"

#include "services/stripe/directtransportconnection.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

bool isLoopbackHost(const QString &host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// Header names and values go on the wire as they are: a line break in one would start a header (or a
// request) of its own.
bool isSafeHeaderText(QByteArrayView text)
{
    for (const char c : text) {
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    }
    return true;
}

bool isHeader(QByteArrayView name, QByteArrayView wanted)
{
    return name.compare(wanted, Qt::CaseInsensitive) == 0;
}

} // namespace

DirectTransport::DirectTransport()
    : DirectTransport(Options())
{
}

DirectTransport::DirectTransport(const Options &options)
    : m_options(options)
{
    if (m_options.maxConnectionsPerHost < 1)
        m_options.maxConnectionsPerHost = 1;
    m_clock.start();
    m_sweep.setSingleShot(true);
    QObject::connect(&m_sweep, &QTimer::timeout, &m_sweep, [this] { closeIdleExpired(); });
}

DirectTransport::~DirectTransport()
{
    for (const std::shared_ptr<Pool> &pool : std::as_const(m_pools)) {
        for (DirectExchange *exchange : std::as_const(pool->pending))
            exchange->detach();
        pool->pending.clear();
        const QList<DirectTransportConnection *> connections = pool->connections;
        pool->connections.clear();
        for (DirectTransportConnection *connection : connections)
            connection->shutdown();
    }
}

QString DirectTransport::name() const
{
    return u"direct"_s;
}

int DirectTransport::openConnections() const
{
    int count = 0;
    for (const std::shared_ptr<Pool> &pool : m_pools)
        count += int(pool->connections.size());
    return count;
}

DirectTransport::Pool *DirectTransport::poolFor(const QUrl &url, QString *error)
{
    const QString scheme = url.scheme();
    const bool tls = scheme == u"https"_s;
    if (!tls && scheme != u"http"_s) {
        *error = u"unsupported scheme '%1' (https or http)"_s.arg(scheme);
        return nullptr;
    }
    const QString host = url.host(QUrl::FullyEncoded);
    const int port = url.port(tls ? 443 : 80);
    const QString key = scheme + u'|' + host + u'|' + QString::number(port);
    auto it = m_pools.find(key);
    if (it != m_pools.end())
        return it->get();

    if (host.isEmpty()) {
        *error = u"no host in '%1'"_s.arg(url.toString());
        return nullptr;
    }
    if (!tls && !isLoopbackHost(host)) {
        *error = u"plain http is only used for this computer, not for %1"_s.arg(host);
        return nullptr;
    }
    auto pool = std::make_shared<Pool>();
    pool->tls = tls;
    pool->host = host;
    pool->port = quint16(port);
    const QByteArray hostBytes = host.toLatin1();
    pool->hostHeader = host.contains(u':') ? '[' + hostBytes + ']' : hostBytes;
    if (port != (tls ? 443 : 80))
        pool->hostHeader += ':' + QByteArray::number(port);
    pool->origin.setScheme(scheme);
    pool->origin.setHost(host);
    pool->origin.setPort(port);
    return m_pools.insert(key, pool)->get();
}

HttpExchange *DirectTransport::send(const HttpRequest &request)
{
    ++m_sending; // whatever goes wrong in here is reported from the event loop
    QString error;
    Pool *pool = poolFor(request.url, &error);

    QByteArray target =
        request.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (!target.startsWith('/'))
        target.prepend('/');
    QByteArray wire;
    wire.reserve(128 + target.size() + request.body.size() + 64 * request.headers.size());
    wire.append(request.method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ");
    if (pool)
        wire.append(pool->hostHeader);
    wire.append("\r\n");
    bool safe = isSafeHeaderText(request.method) && !request.method.contains(' ');
    for (const auto &[name, value] : request.headers) {
        if (isHeader(name, "host") || isHeader(name, "content-length") || isHeader(name, "connection") ||
            isHeader(name, "transfer-encoding"))
            continue; // the transport's own
        safe = safe && !name.isEmpty() && !name.contains(':') && isSafeHeaderText(name) &&
               isSafeHeaderText(value);
        wire.append(name).append(": ").append(value).append("\r\n");
    }
    const bool hasBody = !request.body.isEmpty() || request.method == "POST" || request.method == "PUT" ||
                         request.method == "PATCH";
    if (hasBody)
        wire.append("Content-Length: ").append(QByteArray::number(request.body.size())).append("\r\n");
    wire.append("\r\n").append(request.body);

    auto *exchange =
        new DirectExchange(*this, pool, std::move(wire), request.method == "GET", request.maxResponseBytes);
    if (!pool || !safe) {
        HttpResult result;
        result.networkError =
            pool ? QNetworkReply::ProtocolInvalidOperationError : QNetworkReply::ProtocolUnknownError;
        result.errorString = pool ? u"a request header contains a line break"_s : error;
        exchange->complete(std::move(result));
    } else {
        pool->pending.append(exchange);
        dispatch(*pool);
    }
    --m_sending;
    return exchange;
}

void DirectTransport::dispatch(Pool &pool)
{
    // Every step below may re-enter (a write fails at once, a connection closes): the loop that runs
    // already looks again at everything after each step.
    if (m_dispatching)
        return;
    m_dispatching = true;
    ++m_sending;
    const qint64 now = nowMs();
    while (!pool.pending.isEmpty()) {
        DirectTransportConnection *idle = nullptr;
        QList<DirectTransportConnection *> stale;
        for (DirectTransportConnection *connection : std::as_const(pool.connections)) {
            if (connection->state() != DirectTransportConnection::State::Idle)
                continue;
            if (connection->isReusable(now, m_options.idleTimeoutMs)) {
                idle = connection;
                break;
            }
            stale.append(connection);
        }
        for (DirectTransportConnection *connection : std::as_const(stale))
            connection->close();
        if (idle) {
            idle->start(pool.pending.takeFirst());
            continue;
        }
        if (pool.connections.size() >= m_options.maxConnectionsPerHost)
            break; // the next connection to become idle takes the next request
        auto *connection = new DirectTransportConnection(*this, pool);
        pool.connections.append(connection);
        ++m_connectionsOpened;
        connection->open(pool.pending.takeFirst());
    }
    --m_sending;
    m_dispatching = false;
}

void DirectTransport::connectionIdle(Pool &pool)
{
    if (!pool.pending.isEmpty())
        dispatch(pool);
    if (!m_sweep.isActive())
        m_sweep.start(m_options.idleTimeoutMs);
}

void DirectTransport::connectionClosed(Pool &pool, DirectTransportConnection *connection)
{
    if (!pool.connections.removeOne(connection))
        return;
    connection->deleteLater();
    if (!pool.pending.isEmpty())
        dispatch(pool);
}

void DirectTransport::retryElsewhere(DirectExchange *exchange)
{
    Pool *pool = exchange->pool();
    exchange->markRetried();
    pool->pending.prepend(exchange);
    dispatch(*pool);
}

void DirectTransport::forget(DirectExchange *exchange)
{
    if (Pool *pool = exchange->pool())
        pool->pending.removeOne(exchange);
}

void DirectTransport::closeIdleExpired()
{
    const qint64 now = nowMs();
    bool anyIdle = false;
    for (const std::shared_ptr<Pool> &pool : std::as_const(m_pools)) {
        const QList<DirectTransportConnection *> connections = pool->connections;
        for (DirectTransportConnection *connection : connections) {
            if (connection->state() != DirectTransportConnection::State::Idle)
                continue;
            if (now - connection->idleSinceMs() >= m_options.idleTimeoutMs)
                connection->close();
            else
                anyIdle = true;
        }
    }
    if (anyIdle)
        m_sweep.start(m_options.idleTimeoutMs);
}

} // namespace kassa::stripe
