#include "net/httpconnection.h"

#include "net/httprequesthead.h"

#include <QTcpSocket>

namespace kassa::net {

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
            if (m_contentLength > 0 && m_expectContinue && m_buffer.isEmpty())
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
    m_current = HttpRequest{};
    const auto addHeader = [this](QByteArrayView name, QByteArrayView value) {
        m_current.headers.emplaceBack(name.toByteArray().toLower(), value.toByteArray());
    };
    const HttpRequestHead head = parseRequestHead(QByteArrayView(m_buffer).first(headEnd), addHeader);
    if (!head.ok()) {
        fail(head.status, head.error);
        return false;
    }
    m_current.peer = m_socket->peerAddress();
    m_current.method = head.method.toByteArray();
    m_current.path = head.path.toByteArray();
    m_current.query = head.query.toByteArray();
    m_keepAlive = head.keepAlive;
    m_expectContinue = head.expectContinue;
    m_contentLength = head.contentLength;
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
