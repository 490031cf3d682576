#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QString>
#include <QUrl>

#include <utility>

namespace kassa::stripe {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One HTTP request as a transport sends it: no redirects are followed, nothing is compressed.
struct HttpRequest
{
    QByteArray method; // "GET", "POST", "DELETE"
    QUrl url;          // scheme, host, port, path and query
    HttpHeaders headers;
    QByteArray body;
    // More than this (announced by Content-Length, or received) ends the exchange with tooLarge set.
    qint64 maxResponseBytes = 16 * 1024 * 1024;
};

// What came back: an HTTP answer (status > 0), or none (status 0 and a network error saying why).
struct HttpResult
{
    int status = 0;
    HttpHeaders headers; // as received, in order
    QByteArray body;
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString errorString;   // for a network error
    bool tooLarge = false; // the answer was larger than maxResponseBytes; its body was not read

    // The value of the first header of this name (case-insensitive); empty if none.
    QByteArray header(QByteArrayView name) const;
};

// One request in flight on a transport. Owned by whoever asked for it: delete it (deleteLater() from a slot
// of finished() is fine) when done. Deleting an unfinished exchange aborts it.
class HttpExchange : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~HttpExchange() override;

    // Stops the exchange: finished() is not emitted afterwards. What was sent may still reach the server.
    virtual void abort() = 0;

signals:
    // Emitted once, never from inside HttpTransport::send().
    void finished(const kassa::stripe::HttpResult &result);
};

// How StripeCall reaches a server. QnamTransport (QNetworkAccessManager: proxies, HTTP/2) and
// DirectTransport (HTTP/1.1 keep-alive in the caller's thread, the default) implement it.
class HttpTransport
{
public:
    HttpTransport() = default;
    virtual ~HttpTransport();
    HttpTransport(const HttpTransport &) = delete;
    HttpTransport &operator=(const HttpTransport &) = delete;

    // Starts a request; the exchange belongs to the caller. The transport may be destroyed before its
    // exchanges: they then stay silent.
    virtual HttpExchange *send(const HttpRequest &request) = 0;
    // "direct", "qnam": for logs and tests.
    virtual QString name() const = 0;
};

} // namespace kassa::stripe
