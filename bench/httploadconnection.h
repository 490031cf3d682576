#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QString>

#include <functional>

class QTcpSocket;

namespace kassa::bench {

// One keep-alive HTTP/1.1 connection for load generation: writes a prepared request, reads one response
// with a Content-Length body, reports it with its latency. One request in flight at a time (no pipelining).
// Deliberately small: a general HTTP client (QNetworkAccessManager) would put its own cost into the figures.
class HttpLoadConnection
{
public:
    struct Response
    {
        int status = 0;
        QByteArray body;
        qint64 latencyNs = 0;
    };
    using ResponseHandler = std::function<void(const Response &)>;
    using ErrorHandler = std::function<void(const QString &)>;

    HttpLoadConnection(ResponseHandler onResponse, ErrorHandler onError);
    ~HttpLoadConnection();
    HttpLoadConnection(const HttpLoadConnection &) = delete;
    HttpLoadConnection &operator=(const HttpLoadConnection &) = delete;

    // Blocks until connected or timeoutMs passed (only used before the measurement starts).
    bool connectTo(quint16 port, int timeoutMs, QString *error);
    // request: the complete request bytes, head and body.
    void send(const QByteArray &request);
    bool busy() const { return m_busy; }

    // Request text with the given method, target and headers; adds Host and Content-Length.
    static QByteArray buildRequest(QByteArrayView method, QByteArrayView target, QByteArrayView host,
                                   QByteArrayView extraHeaders, QByteArrayView body);

private:
    void onReadyRead();
    bool parseHead(qsizetype headEnd);
    void fail(const QString &message);

    QTcpSocket *m_socket;
    ResponseHandler m_onResponse;
    ErrorHandler m_onError;
    QByteArray m_buffer;
    QElapsedTimer m_sent;
    bool m_busy = false;
    bool m_haveHead = false;
    int m_status = 0;
    qsizetype m_bodyStart = 0;
    qsizetype m_contentLength = 0;
};

} // namespace kassa::bench
