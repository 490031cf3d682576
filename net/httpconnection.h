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
    HttpConnection(QTcpSocket *socket, const HttpServer::Handler &handler, const HttpServer::Limits &limits,
                   QObject *parent);
    ~HttpConnection() override;

    void respond(quint64 sequence, const HttpResponse &response);
    void drop(quint64 sequence);

private:
    enum class State { ReadingHead, ReadingBody, Waiting, Closing };

    void onReadyRead();
    void processBuffer();
    bool parseHead(qsizetype headEnd);
    void dispatch();
    void startRequestTimer();
    void writeResponse(const HttpResponse &response, bool closeAfter);
    void fail(int status, const char *message);
    void closeSoon();

    QTcpSocket *m_socket;
    HttpServer::Handler m_handler;
    HttpServer::Limits m_limits;
    QTimer m_idleTimer;
    QTimer m_requestTimer; // started by a request's first byte
    QByteArray m_buffer;
    State m_state = State::ReadingHead;
    HttpRequest m_current;
    qint64 m_contentLength = 0;
    bool m_keepAlive = true;
    bool m_expectContinue = false;
    quint64 m_sequence = 0;
};

} // namespace kassa::net
