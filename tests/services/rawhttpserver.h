#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>

#include <functional>
#include <utility>

class QTcpServer;
class QTcpSocket;

namespace kassa::stripe::test {

// A tiny HTTP/1.1 server on 127.0.0.1 for what the simulator cannot produce: it records every request
// (method, target, headers, body) and answers each with the raw bytes a test gives, then closes the
// connection. An empty answer means no answer at all: the connection stays open until the client gives up;
// closeWithoutAnswer() closes it without a byte (a reply lost after the request arrived).
class RawHttpServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QByteArray target; // path and query, as sent
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;

        // The value of the first header with this name (case-insensitive); empty if none.
        QByteArray header(QByteArrayView name) const;
        bool hasHeader(QByteArrayView name) const;
        QByteArray path() const;
        QByteArray query() const;
    };
    // The raw answer to the request number `index` (0-based, in arrival order).
    using Responder = std::function<QByteArray(const Request &request, int index)>;

    explicit RawHttpServer(Responder responder, QObject *parent = nullptr);
    ~RawHttpServer() override;

    bool listen();
    QUrl baseUrl() const;
    const QList<Request> &requests() const { return m_requests; }
    int connectionCount() const { return m_connections; }

    // "HTTP/1.1 <status> <reason>" with Content-Length, Connection: close and the given headers.
    static QByteArray response(int status, const QByteArray &body,
                               const QByteArray &contentType = "application/json",
                               const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    static QByteArray closeWithoutAnswer() { return QByteArrayLiteral("\0close"); }
    // A JSON answer carrying Request-Id as Stripe's are.
    static QByteArray json(int status, const QByteArray &body, const QByteArray &requestId,
                           const QList<std::pair<QByteArray, QByteArray>> &headers = {});

signals:
    void requestReceived(int index);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);

    Responder m_responder;
    QTcpServer *m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Request> m_requests;
    int m_connections = 0;
};

} // namespace kassa::stripe::test
