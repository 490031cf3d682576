// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/webhookreceiver.h"

#include "services/sync/webhookreceiverloop.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWebhook, "kassa.sync.webhook")

namespace kassa::sync {

WebhookReceiver::WebhookReceiver(Sink sink, QObject *parent)
    : WebhookReceiver(std::move(sink), Options(), parent)
{
}

WebhookReceiver::WebhookReceiver(Sink sink, const Options &options, QObject *parent)
    : QObject(parent)
    , m_sink(std::move(sink))
    , m_options(options)
{
    m_clock.start();
    m_backgroundTimer.setSingleShot(true);
    connect(&m_backgroundTimer, &QTimer::timeout, this, &WebhookReceiver::backgroundStep);
}

WebhookReceiver::WebhookReceiver(BatchSink sink, const Options &options, QObject *parent)
    : WebhookReceiver(Sink(), options, parent)
{
    m_batchSink = std::move(sink);
    m_options.maxBatch = qMax(1, m_options.maxBatch);
}

WebhookReceiver::~WebhookReceiver()
{
    close();
}

void WebhookReceiver::setSecrets(const QList<QByteArray> &secrets)
{
    m_secrets = secrets;
    if (m_loop)
        m_loop->setSecrets(secrets);
}

bool WebhookReceiver::listen(const QHostAddress &address, quint16 port)
{
    close();
    auto loop = std::make_unique<Loop>(this, m_options);
    loop->setSecrets(m_secrets);
    if (!loop->listen(address, port, &m_errorString))
        return false;
    m_errorString.clear();
    m_loop = std::move(loop);
    QString why;
    if (!m_loop->start(m_threadSinkFactory, &why) && m_threadSinkFactory)
        qCWarning(lcWebhook).noquote()
            << "storing on the receiver's own thread instead of the socket thread:" << why;
    return true;
}

bool WebhookReceiver::storesOnSocketThread() const
{
    return m_loop && m_loop->hasSink();
}

WebhookReceiver::Stats WebhookReceiver::stats() const
{
    Stats stats = m_stats;
    if (m_loop) {
        stats.accepted += m_loop->stored();
        stats.sinkFailures += m_loop->storeFailures();
    }
    return stats;
}

void WebhookReceiver::threadStored()
{
    if (!m_loop)
        return;
    m_loop->storedSeen();
    deliveryDone();
}

void WebhookReceiver::close()
{
    if (!m_loop)
        return;
    // What was verified is stored and answered, then the loop sends the answers and closes every
    // connection. Whatever it verified meanwhile is stored too, unanswered: Stripe delivers it again.
    takeInbound();
    m_loop->stop();
    std::vector<Inbound> late = m_loop->takeInbound();
    const qint64 storedThere = m_loop->stored();
    m_stats.accepted += storedThere;
    m_stats.sinkFailures += m_loop->storeFailures();
    m_loop.reset();
    // The loop's last commits may not have been announced: the background work looks anyway.
    if (storedThere > 0)
        deliveryDone();
    if (!late.empty())
        store(late);
}

bool WebhookReceiver::isListening() const
{
    return m_loop && m_loop->isListening();
}

quint16 WebhookReceiver::port() const
{
    return m_loop ? m_loop->port() : 0;
}

QString WebhookReceiver::errorString() const
{
    return m_errorString;
}

void WebhookReceiver::takeInbound()
{
    if (!m_loop)
        return;
    std::vector<Inbound> items = m_loop->takeInbound();
    if (items.empty())
        return;
    store(items);
    if (m_loop) { // a slot of eventStored may have closed the receiver
        m_loop->retire(std::move(items));
        m_loop->wake();
    }
}

void WebhookReceiver::store(std::vector<Inbound> &items)
{
    const auto answer = [this](const Inbound &item, int status, const QString &text = {},
                               QByteArrayView extraHeader = {}) {
        if (!m_loop)
            return;
        m_loop->respond(Loop::Outbound{item.connection, item.sequence, status, text.toUtf8(), extraHeader});
    };
    // A null error: stored (or stored before), 2xx; else 500, and Stripe delivers it again.
    const auto settle = [&](const Inbound &item, const QString &error) {
        if (error.isNull()) {
            ++m_stats.accepted;
            emit eventStored(item.id, item.type);
            answer(item, 200);
        } else {
            ++m_stats.sinkFailures;
            qCWarning(lcWebhook).noquote() << "could not store event" << item.id << ':' << error;
            answer(item, 500, u"not stored; deliver again later"_s);
        }
    };
    QList<Delivery> deliveries;
    std::vector<const Inbound *> waiting;
    const auto commit = [&] {
        if (waiting.empty())
            return;
        const QList<QString> errors = m_batchSink(deliveries);
        for (size_t i = 0; i < waiting.size(); ++i) {
            const Inbound &item = *waiting[i];
            const QString error = qsizetype(i) < errors.size() ? errors.at(qsizetype(i))
                                                               : u"the sink gave no answer for this event"_s;
            settle(item, error);
        }
        deliveries.clear();
        waiting.clear();
    };
    for (Inbound &item : items) {
        if (item.status != 0) {
            ++m_stats.rejected;
            if (item.status == 405) {
                emit deliveryRejected(405, item.reason);
                answer(item, 405, u"only POST"_s, "Allow: POST");
            } else {
                qCInfo(lcWebhook).noquote() << "refused a delivery:" << item.status << item.reason;
                emit deliveryRejected(item.status, item.reason);
                answer(item, item.status, item.reason);
            }
            continue;
        }
        if (m_batchSink) {
            deliveries.append(item.delivery); // shared, freed with `item` on the loop's thread
            waiting.push_back(&item);
            if (deliveries.size() >= m_options.maxBatch)
                commit();
            continue;
        }
        QString error;
        const bool stored = m_sink(item.delivery.event, item.delivery.rawBody, &error);
        if (!stored && error.isNull())
            error = u"the sink gave no reason"_s;
        settle(item, stored ? QString() : error);
    }
    commit();
    deliveryDone();
}

void WebhookReceiver::setBackgroundWork(BackgroundStep step)
{
    m_backgroundStep = std::move(step);
    if (m_backgroundStep)
        m_backgroundTimer.start(0);
    else
        m_backgroundTimer.stop();
}

void WebhookReceiver::deliveryDone()
{
    if (!m_backgroundStep)
        return;
    m_lastDeliveryMs = m_clock.elapsed();
    // Overdue under constant load: one step at the next turn of the event loop. Else wait for quiet
    // (each delivery pushes the step back).
    if (m_lastDeliveryMs - m_lastStepMs >= m_options.busyStepIntervalMs)
        m_backgroundTimer.start(0);
    else
        m_backgroundTimer.start(m_options.quietMs);
}

void WebhookReceiver::backgroundStep()
{
    const qint64 now = m_clock.elapsed();
    const bool busy = m_lastDeliveryMs >= 0 && now - m_lastDeliveryMs < m_options.quietMs;
    const bool more = m_backgroundStep(busy);
    m_lastStepMs = m_clock.elapsed();
    if (more)
        m_backgroundTimer.start(busy ? m_options.quietMs : 0);
}

} // namespace kassa::sync
