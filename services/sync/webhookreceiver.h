#pragma once

#include "net/httpserver.h"

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <functional>

namespace kassa::sync {

// Receives Stripe's webhooks (or `stripe listen --forward-to`): POST /webhook, verified against the
// endpoint's whsec_ secret(s), handed to a sink that stores the event durably, and only then answered 2xx
// so that Stripe retries anything not safely stored. Bad input is refused and nothing is stored:
// 400 for a bad signature or body, 413 above 1 MiB (from Content-Length, before the body is read),
// 405 for other methods, 404 for other paths, 408 for a request not completed in time, 429 above the
// per-client rate. Listens on loopback unless told otherwise.
class WebhookReceiver : public QObject
{
    Q_OBJECT
public:
    // Stores the verified event durably (or recognises it as already stored) and says so. Return false
    // with an error when it could not be stored: the receiver answers 500 and Stripe delivers again.
    using Sink = std::function<bool(const QJsonObject &event, const QByteArray &rawBody, QString *error)>;

    struct Options
    {
        int toleranceSeconds = 300;
        qint64 maxBodyBytes = 1024 * 1024;
        int requestTimeoutMs = 10'000;
        int idleTimeoutMs = 30'000;
        int perClientRate = 100; // requests per second from one address
    };
    struct Stats
    {
        qint64 accepted = 0;
        qint64 rejected = 0;
        qint64 sinkFailures = 0;
    };

    explicit WebhookReceiver(Sink sink, QObject *parent = nullptr);
    WebhookReceiver(Sink sink, const Options &options, QObject *parent = nullptr);
    ~WebhookReceiver() override;

    // Every secret that may have signed a delivery (two while a secret is being rolled).
    void setSecrets(const QList<QByteArray> &secrets) { m_secrets = secrets; }
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    bool isListening() const;
    quint16 port() const;
    QString errorString() const;
    Stats stats() const { return m_stats; }

signals:
    void eventStored(const QString &eventId, const QString &type);
    void deliveryRejected(int httpStatus, const QString &reason);

private:
    void handle(net::HttpRequest &&request, const net::HttpResponder &responder);
    void reject(const net::HttpResponder &responder, int status, const QString &reason);

    Sink m_sink;
    Options m_options;
    QList<QByteArray> m_secrets;
    net::HttpServer *m_server;
    Stats m_stats;
};

} // namespace kassa::sync
