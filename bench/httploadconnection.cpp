#include "httploadconnection.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace kassa::bench {

namespace {

constexpr qsizetype MaxHeadSize = 64 * 1024;

// Case-insensitive header lookup in a raw response head ("Name: value\r\n" lines).
QByteArrayView headerValue(QByteArrayView head, QByteArrayView name)
{
    qsizetype lineStart = head.indexOf('\n') + 1; // skip the status line
    while (lineStart > 0 && lineStart < head.size()) {
        qsizetype lineEnd = head.indexOf('\n', lineStart);
        if (lineEnd < 0)
            lineEnd = head.size();
        const QByteArrayView line = head.sliced(lineStart, lineEnd - lineStart);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed();
        lineStart = lineEnd + 1;
    }
    return {};
}

} // namespace

HttpLoadConnection::HttpLoadConnection(ResponseHandler onResponse, ErrorHandler onError)
    : m_socket(new QTcpSocket)
    , m_onResponse(std::move(onResponse))
    , m_onError(std::move(onError))
{
    QObject::connect(m_socket, &QTcpSocket::readyRead, m_socket, [this] { onReadyRead(); });
    QObject::connect(m_socket, &QTcpSocket::errorOccurred, m_socket, [this](QAbstractSocket::SocketError) {
        if (m_busy)
            fail(u"socket error while waiting for a response: %1"_s.arg(m_socket->errorString()));
    });
}

HttpLoadConnection::~HttpLoadConnection()
{
    m_socket->disconnect();
    m_socket->abort();
    delete m_socket;
}

bool HttpLoadConnection::connectTo(quint16 port, int timeoutMs, QString *error)
{
    m_socket->connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    if (!m_socket->waitForConnected(timeoutMs)) {
        *error = m_socket->errorString();
        return false;
    }
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    return true;
}

QByteArray HttpLoadConnection::buildRequest(QByteArrayView method, QByteArrayView target, QByteArrayView host,
                                            QByteArrayView extraHeaders, QByteArrayView body)
{
    QByteArray out;
    out.reserve(256 + extraHeaders.size() + body.size());
    out.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    out.append(extraHeaders);
    if (!body.isEmpty() || method == "POST")
        out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    out.append("\r\n").append(body);
    return out;
}

void HttpLoadConnection::send(const QByteArray &request)
{
    Q_ASSERT(!m_busy);
    m_busy = true;
    m_haveHead = false;
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        // Reported from the event loop, not from inside the caller.
        QTimer::singleShot(0, m_socket, [this] { fail(u"the connection is closed"_s); });
        return;
    }
    m_sent.start();
    m_socket->write(request);
}

void HttpLoadConnection::onReadyRead()
{
    m_buffer.append(m_socket->readAll());
    if (!m_busy) {
        if (!m_buffer.isEmpty())
            fail(u"the server sent %1 bytes nobody asked for"_s.arg(m_buffer.size()));
        return;
    }
    if (!m_haveHead) {
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            if (m_buffer.size() > MaxHeadSize)
                fail(u"response head larger than 64 KiB"_s);
            return;
        }
        if (!parseHead(headEnd))
            return;
    }
    if (m_buffer.size() - m_bodyStart < m_contentLength)
        return;
    Response response;
    response.latencyNs = m_sent.nsecsElapsed();
    response.status = m_status;
    response.body = m_buffer.sliced(m_bodyStart, m_contentLength);
    m_buffer.remove(0, m_bodyStart + m_contentLength);
    m_busy = false;
    m_haveHead = false;
    if (!m_buffer.isEmpty()) {
        fail(u"%1 unexpected bytes after the response"_s.arg(m_buffer.size()));
        return;
    }
    m_onResponse(response);
}

bool HttpLoadConnection::parseHead(qsizetype headEnd)
{
    const QByteArrayView head(m_buffer.constData(), headEnd + 2);
    // "HTTP/1.1 200 OK"
    if (!head.startsWith("HTTP/1.1 ") || head.size() < 12) {
        fail(u"not an HTTP/1.1 response: %1"_s.arg(QString::fromLatin1(head.first(qMin(head.size(), 40)))));
        return false;
    }
    bool ok = false;
    m_status = head.sliced(9, 3).toInt(&ok);
    if (!ok) {
        fail(u"bad status line"_s);
        return false;
    }
    const QByteArrayView length = headerValue(head, "content-length");
    m_contentLength = length.toLongLong(&ok);
    if (!ok || m_contentLength < 0) {
        fail(u"response without a valid Content-Length (chunked responses are not read by this client)"_s);
        return false;
    }
    if (headerValue(head, "connection").compare("close", Qt::CaseInsensitive) == 0) {
        // Counted, not fatal by itself: the response is still read; the next write will fail.
        m_onError(u"the server closed the keep-alive connection (Connection: close)"_s);
    }
    m_bodyStart = headEnd + 4;
    m_haveHead = true;
    return true;
}

void HttpLoadConnection::fail(const QString &message)
{
    m_busy = false;
    m_buffer.clear();
    m_socket->abort();
    m_onError(message);
}

} // namespace kassa::bench
