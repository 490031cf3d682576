#include "net/httpserver.h"

#include "net/httpconnection.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace kassa::net {

QByteArray HttpRequest::header(QByteArrayView lowerCaseName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

HttpResponder::HttpResponder(HttpConnection *connection, quint64 sequence)
    : m_connection(connection)
    , m_sequence(sequence)
{
}

void HttpResponder::send(const HttpResponse &response) const
{
    if (m_connection)
        m_connection->respond(m_sequence, response);
}

void HttpResponder::drop() const
{
    if (m_connection)
        m_connection->drop(m_sequence);
}

bool HttpResponder::isConnected() const
{
    return !m_connection.isNull();
}

HttpServer::HttpServer(Handler handler, QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    m_clock.start();
    // Rate limiting sits in front of the caller's handler.
    m_handler = [this, handler = std::move(handler)](HttpRequest &&request, HttpResponder responder) {
        if (!admit(request.peer)) {
            HttpResponse response;
            response.status = 429;
            response.headers.emplaceBack("Content-Type", "text/plain; charset=utf-8");
            response.headers.emplaceBack("Retry-After", "1");
            response.body = "too many requests\n";
            responder.send(response);
            return;
        }
        handler(std::move(request), std::move(responder));
    };
    connect(m_server, &QTcpServer::newConnection, this, &HttpServer::onNewConnection);
}

bool HttpServer::admit(const QHostAddress &peer)
{
    return m_rateLimit.admit(peer, m_clock.elapsed(), m_perClientRate);
}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

void HttpServer::close()
{
    m_server->close();
    const QList<HttpConnection *> connections = findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly);
    for (HttpConnection *connection : connections)
        delete connection;
}

bool HttpServer::isListening() const
{
    return m_server->isListening();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_server->serverAddress();
}

quint16 HttpServer::serverPort() const
{
    return m_server->serverPort();
}

QString HttpServer::errorString() const
{
    return m_server->errorString();
}

int HttpServer::connectionCount() const
{
    return int(findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly).size());
}

void HttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        new HttpConnection(socket, m_handler, m_limits, this);
    }
}

} // namespace kassa::net
