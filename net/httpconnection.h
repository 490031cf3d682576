#pragma once

#include "net/httpserver.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace kassa::net {

// One client connection of HttpServer: parses requests incrementally and writes the answers.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, const HttpServer::Handler &handler, qint64 maxBodySize,
                   int idleTimeoutMs, QObject *parent);
    ~HttpConnection() override;

    void respond(quint64 sequence, const HttpResponse &response);
    void drop(quint64 sequence);

private:
    enum class State { ReadingHead, ReadingBody, Waiting, Closing };

    void onReadyRead();
    void processBuffer();
    bool parseHead(qsizetype headEnd);
    void dispatch();
    void writeResponse(const HttpResponse &response, bool closeAfter);
    void fail(int status, const char *message);
    void closeSoon();

    QTcpSocket *m_socket;
    HttpServer::Handler m_handler;
    qint64 m_maxBodySize;
    QTimer m_idleTimer;
    QByteArray m_buffer;
    State m_state = State::ReadingHead;
    HttpRequest m_current;
    qint64 m_contentLength = 0;
    bool m_keepAlive = true;
    quint64 m_sequence = 0;
};

} // namespace kassa::net
