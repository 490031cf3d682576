#include "sim/webhookdispatcher.h"

#include "sim/simcontext.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkReply>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace kassa::sim {

WebhookDispatcher::WebhookDispatcher(SimContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{
    m_network.setAutoDeleteReplies(true);
}

void WebhookDispatcher::setRetryPolicy(int maxAttempts, int firstRetryDelayMs)
{
    m_maxAttempts = qMax(1, maxAttempts);
    m_firstRetryDelayMs = qMax(0, firstRetryDelayMs);
}

QByteArray WebhookDispatcher::signatureHeader(QByteArrayView payload, QByteArrayView secret, qint64 timestamp)
{
    const QByteArray stamp = QByteArray::number(timestamp);
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret.toByteArray());
    mac.addData(stamp);
    mac.addData(".", 1);
    mac.addData(payload.data(), payload.size());
    return "t=" + stamp + ",v1=" + mac.result().toHex();
}

void WebhookDispatcher::deliver(const QJsonObject &event)
{
    const QString type = event.value(u"type"_s).toString();
    const QString eventId = event.value(u"id"_s).toString();
    QStringList endpoints;
    m_context.store.forEachNewestFirst(u"webhook_endpoint"_s, [&](const QJsonObject &endpoint) {
        if (endpoint.value(u"status"_s).toString() != u"enabled"_s)
            return true;
        const QJsonArray enabled = endpoint.value(u"enabled_events"_s).toArray();
        if (enabled.contains(QJsonValue(u"*"_s)) || enabled.contains(QJsonValue(type)))
            endpoints.append(endpoint.value(u"id"_s).toString());
        return true;
    });
    if (endpoints.isEmpty())
        return;
    adjustPending(eventId, int(endpoints.size()));
    // As Stripe does: the body says how many deliveries of this event are pending, this one included.
    QJsonObject delivered = event;
    delivered.insert(u"pending_webhooks"_s, int(endpoints.size()));
    const QByteArray payload = QJsonDocument(delivered).toJson(QJsonDocument::Indented);
    for (const QString &endpointId : std::as_const(endpoints))
        send(Delivery{eventId, endpointId, payload, 1});
}

void WebhookDispatcher::adjustPending(const QString &eventId, int delta)
{
    const int pending = m_pending.value(eventId) + delta;
    if (pending <= 0)
        m_pending.remove(eventId);
    else
        m_pending.insert(eventId, pending);
    m_context.setPendingWebhooks(eventId, qMax(0, pending));
}

void WebhookDispatcher::send(const Delivery &delivery)
{
    const QJsonObject endpoint = m_context.store.get(delivery.endpointId, u"webhook_endpoint");
    if (endpoint.isEmpty() || endpoint.value(u"status"_s).toString() != u"enabled"_s) {
        // Deleted or disabled while a retry waited.
        ++m_stats.abandoned;
        adjustPending(delivery.eventId, -1);
        return;
    }
    const QByteArray secret = endpoint.value(u"secret"_s).toString().toUtf8();
    QNetworkRequest request(QUrl(endpoint.value(u"url"_s).toString()));
    request.setRawHeader("Content-Type", "application/json; charset=utf-8");
    request.setRawHeader("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    request.setRawHeader("Stripe-Signature",
                         signatureHeader(delivery.payload, secret, QDateTime::currentSecsSinceEpoch()));
    request.setTransferTimeout(30'000);
    ++m_stats.attempts;
    ++m_stats.inFlight;
    QNetworkReply *reply = m_network.post(request, delivery.payload);
    connect(reply, &QNetworkReply::finished, this, [this, reply, delivery] {
        --m_stats.inFlight;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        finished(delivery, status);
    });
}

void WebhookDispatcher::finished(Delivery delivery, int httpStatus)
{
    emit attempted(delivery.eventId, delivery.endpointId, httpStatus);
    if (httpStatus >= 200 && httpStatus < 300) {
        ++m_stats.delivered;
        adjustPending(delivery.eventId, -1);
        return;
    }
    ++m_stats.failedAttempts;
    if (delivery.attempt >= m_maxAttempts) {
        ++m_stats.abandoned;
        adjustPending(delivery.eventId, -1);
        return;
    }
    const qint64 delay =
        qMin<qint64>(qint64(m_firstRetryDelayMs) << qMin(delivery.attempt - 1, 20), 3'600'000);
    ++delivery.attempt;
    QTimer::singleShot(std::chrono::milliseconds(delay), this, [this, delivery] { send(delivery); });
}

} // namespace kassa::sim
