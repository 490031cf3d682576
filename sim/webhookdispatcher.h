#pragma once

#include <QHash>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>

namespace kassa::sim {

class SimContext;

// Delivers events to the webhook endpoints that want them, signed as Stripe signs
// (Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the whsec_ secret>),
// and retries with exponential backoff while the endpoint answers other than 2xx.
class WebhookDispatcher : public QObject
{
    Q_OBJECT
public:
    struct Stats
    {
        int attempts = 0;
        int delivered = 0;
        int failedAttempts = 0;
        int abandoned = 0;
        int inFlight = 0;
    };

    explicit WebhookDispatcher(SimContext &context, QObject *parent = nullptr);

    void deliver(const QJsonObject &event);
    // Attempts per delivery (first one included) and the delay before the first retry; each
    // further retry waits twice as long, at most an hour.
    void setRetryPolicy(int maxAttempts, int firstRetryDelayMs);
    Stats stats() const { return m_stats; }

    static QByteArray signatureHeader(QByteArrayView payload, QByteArrayView secret, qint64 timestamp);

signals:
    void attempted(const QString &eventId, const QString &endpointId, int httpStatus);

private:
    struct Delivery
    {
        QString eventId;
        QString endpointId;
        QByteArray payload;
        int attempt = 0;
    };
    void send(const Delivery &delivery);
    void finished(Delivery delivery, int httpStatus);
    void adjustPending(const QString &eventId, int delta);

    SimContext &m_context;
    QNetworkAccessManager m_network;
    QHash<QString, int> m_pending; // event id -> deliveries not yet successful
    int m_maxAttempts = 8;
    int m_firstRetryDelayMs = 1000;
    Stats m_stats;
};

} // namespace kassa::sim
