#include "net/httpconnection.h"

#include <QTcpSocket>

namespace kassa::net {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

bool headerHasToken(const QByteArray &value, QByteArrayView token)
{
    const QList<QByteArray> parts = value.split(',');
    for (const QByteArray &part : parts) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpServer::Handler &handler,
                               const HttpServer::Limits &limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_handler(handler)
    , m_limits(limits)
{
    m_socket->setParent(this);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_limits.idleTimeoutMs);
    m_requestTimer.setSingleShot(true);
    connect(&m_requestTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::ReadingHead || m_state == State::ReadingBody)
            fail(408, "request not completed in time");
    });
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        // A client that sends nothing (or only part of a request) does not hold the connection.
        if (m_state == State::Waiting)
            return;
        if (m_state == State::ReadingBody || !m_buffer.isEmpty())
            fail(408, "request timed out");
        else
            closeSoon();
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    m_idleTimer.start();
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::onReadyRead()
{
    if (m_state == State::Closing) {
        m_socket->readAll();
        return;
    }
    m_buffer.append(m_socket->readAll());
    m_idleTimer.start();
    startRequestTimer();
    processBuffer();
}

void HttpConnection::processBuffer()
{
    while (m_state == State::ReadingHead || m_state == State::ReadingBody) {
        if (m_state == State::ReadingHead) {
            // Tolerate empty lines between requests (RFC 9112 2.2).
            while (m_buffer.startsWith("\r\n"))
                m_buffer.remove(0, 2);
            const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                if (m_buffer.size() > m_limits.maxHeadSize)
                    fail(431, "request head too large");
                return;
            }
            if (headEnd > m_limits.maxHeadSize) {
                fail(431, "request head too large");
                return;
            }
            if (!parseHead(headEnd))
                return;
            m_buffer.remove(0, headEnd + 4);
            m_state = State::ReadingBody;
            if (m_contentLength > 0 && headerHasToken(m_current.header("expect"), "100-continue") &&
                m_buffer.isEmpty())
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        if (m_state == State::ReadingBody) {
            if (m_buffer.size() < m_contentLength)
                return;
            m_current.body = m_buffer.left(m_contentLength);
            m_buffer.remove(0, m_contentLength);
            dispatch();
        }
    }
}

bool HttpConnection::parseHead(qsizetype headEnd)
{
    const QByteArray head = m_buffer.left(headEnd);
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")) {
        fail(400, "malformed request line");
        return false;
    }
    m_current = HttpRequest{};
    m_current.peer = m_socket->peerAddress();
    m_current.method = requestLine.at(0);
    const QByteArray &target = requestLine.at(1);
    const qsizetype question = target.indexOf('?');
    m_current.path = question < 0 ? target : target.left(question);
    m_current.query = question < 0 ? QByteArray() : target.mid(question + 1);
    const bool http10 = requestLine.at(2) == "HTTP/1.0";
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail(400, "malformed header line");
            return false;
        }
        m_current.headers.emplaceBack(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    const QByteArray connection = m_current.header("connection");
    m_keepAlive = http10 ? headerHasToken(connection, "keep-alive") : !headerHasToken(connection, "close");
    if (!m_current.header("transfer-encoding").isEmpty()) {
        fail(411, "chunked request bodies are not supported; send Content-Length");
        return false;
    }
    m_contentLength = 0;
    const QByteArray length = m_current.header("content-length");
    if (!length.isEmpty()) {
        bool ok = false;
        m_contentLength = length.toLongLong(&ok);
        if (!ok || m_contentLength < 0) {
            fail(400, "invalid Content-Length");
            return false;
        }
    }
    if (m_contentLength > m_limits.maxBodySize) {
        // Refused from the head alone: the body is never buffered.
        fail(413, "request body too large");
        return false;
    }
    return true;
}

void HttpConnection::startRequestTimer()
{
    if (m_limits.requestTimeoutMs > 0 && !m_requestTimer.isActive() && !m_buffer.isEmpty() &&
        (m_state == State::ReadingHead || m_state == State::ReadingBody))
        m_requestTimer.start(m_limits.requestTimeoutMs);
}

void HttpConnection::dispatch()
{
    m_state = State::Waiting;
    m_idleTimer.stop();
    m_requestTimer.stop();
    const quint64 sequence = ++m_sequence;
    HttpRequest request = std::move(m_current);
    m_current = HttpRequest{};
    m_handler(std::move(request), HttpResponder(this, sequence));
}

void HttpConnection::respond(quint64 sequence, const HttpResponse &response)
{
    if (sequence != m_sequence || m_state != State::Waiting)
        return;
    writeResponse(response, !m_keepAlive);
    if (!m_keepAlive)
        return;
    m_state = State::ReadingHead;
    m_idleTimer.start();
    startRequestTimer();
    if (!m_buffer.isEmpty())
        processBuffer();
}

void HttpConnection::drop(quint64 sequence)
{
    if (sequence != m_sequence || m_state != State::Waiting)
        return;
    m_state = State::Closing;
    m_socket->abort();
}

void HttpConnection::writeResponse(const HttpResponse &response, bool closeAfter)
{
    QByteArray out;
    out.reserve(256 + response.body.size());
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    if (closeAfter)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += response.body;
    m_socket->write(out);
    if (closeAfter)
        closeSoon();
}

void HttpConnection::fail(int status, const char *message)
{
    HttpResponse response;
    response.status = status;
    response.headers.emplaceBack("Content-Type", "text/plain; charset=utf-8");
    response.body = QByteArray(message) + '\n';
    m_state = State::Closing;
    writeResponse(response, true);
}

void HttpConnection::closeSoon()
{
    m_state = State::Closing;
    m_idleTimer.stop();
    m_socket->disconnectFromHost();
}

} // namespace kassa::net
