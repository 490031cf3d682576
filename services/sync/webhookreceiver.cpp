#include "services/sync/webhookreceiver.h"

#include "services/stripe/webhooksignature.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWebhook, "kassa.sync.webhook")

namespace kassa::sync {

namespace {

net::HttpResponse textResponse(int status, const QString &text)
{
    net::HttpResponse response;
    response.status = status;
    response.headers.emplaceBack("Content-Type", "text/plain; charset=utf-8");
    response.body = text.toUtf8() + '\n';
    return response;
}

} // namespace

WebhookReceiver::WebhookReceiver(Sink sink, QObject *parent)
    : WebhookReceiver(std::move(sink), Options(), parent)
{
}

WebhookReceiver::WebhookReceiver(Sink sink, const Options &options, QObject *parent)
    : QObject(parent)
    , m_sink(std::move(sink))
    , m_options(options)
    , m_server(
          new net::HttpServer([this](net::HttpRequest &&request,
                                     net::HttpResponder responder) { handle(std::move(request), responder); },
                              this))
{
    setUpServer();
}

WebhookReceiver::WebhookReceiver(BatchSink sink, const Options &options, QObject *parent)
    : QObject(parent)
    , m_batchSink(std::move(sink))
    , m_options(options)
    , m_server(
          new net::HttpServer([this](net::HttpRequest &&request,
                                     net::HttpResponder responder) { handle(std::move(request), responder); },
                              this))
{
    m_options.maxBatch = qMax(1, m_options.maxBatch);
    // The group commit runs when the event loop has handled everything that was ready and is about to
    // wait: all the deliveries read in that pass share one commit. The timer is the fallback for loops
    // that never block (processEvents() called in a loop): it cannot fire within the pass that armed it.
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(1);
    connect(&m_flushTimer, &QTimer::timeout, this, &WebhookReceiver::flush);
    if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance(thread()))
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [this] {
            if (!m_pending.isEmpty())
                flush();
        });
    setUpServer();
}

void WebhookReceiver::setUpServer()
{
    m_clock.start();
    m_backgroundTimer.setSingleShot(true);
    connect(&m_backgroundTimer, &QTimer::timeout, this, &WebhookReceiver::backgroundStep);
    net::HttpServer::Limits limits;
    limits.maxBodySize = m_options.maxBodyBytes;
    limits.maxHeadSize = 16 * 1024;
    limits.requestTimeoutMs = m_options.requestTimeoutMs;
    limits.idleTimeoutMs = m_options.idleTimeoutMs;
    m_server->setLimits(limits);
    m_server->setPerClientRateLimit(m_options.perClientRate);
}

WebhookReceiver::~WebhookReceiver() = default;

bool WebhookReceiver::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

void WebhookReceiver::close()
{
    if (!m_pending.isEmpty())
        flush();
    m_server->close();
}

bool WebhookReceiver::isListening() const
{
    return m_server->isListening();
}

quint16 WebhookReceiver::port() const
{
    return m_server->serverPort();
}

QString WebhookReceiver::errorString() const
{
    return m_server->errorString();
}

void WebhookReceiver::reject(const net::HttpResponder &responder, int status, const QString &reason)
{
    ++m_stats.rejected;
    qCInfo(lcWebhook).noquote() << "refused a delivery:" << status << reason;
    emit deliveryRejected(status, reason);
    responder.send(textResponse(status, reason));
}

void WebhookReceiver::handle(net::HttpRequest &&request, const net::HttpResponder &responder)
{
    if (request.path != "/webhook") {
        reject(responder, 404, u"not found; Stripe's events go to POST /webhook"_s);
        return;
    }
    if (request.method != "POST") {
        net::HttpResponse response = textResponse(405, u"only POST"_s);
        response.headers.emplaceBack("Allow", "POST");
        ++m_stats.rejected;
        emit deliveryRejected(405, u"method %1"_s.arg(QString::fromLatin1(request.method)));
        responder.send(response);
        return;
    }
    if (m_secrets.isEmpty()) {
        reject(responder, 500, u"no webhook secret is configured"_s);
        return;
    }
    const QByteArray header = request.header("stripe-signature");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    stripe::WebhookSignature::Result result = stripe::WebhookSignature::Result::MissingHeader;
    for (const QByteArray &secret : std::as_const(m_secrets)) {
        result =
            stripe::WebhookSignature::verify(request.body, header, secret, now, m_options.toleranceSeconds);
        if (result == stripe::WebhookSignature::Result::Valid)
            break;
    }
    if (result != stripe::WebhookSignature::Result::Valid) {
        reject(responder, 400, u"signature: "_s + stripe::WebhookSignature::describe(result));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    const QJsonObject event = document.object();
    const QString id = event.value(u"id"_s).toString();
    const QString type = event.value(u"type"_s).toString();
    if (!document.isObject() || !id.startsWith(u"evt_"_s) || type.isEmpty() ||
        !event.value(u"data"_s).toObject().value(u"object"_s).isObject()) {
        reject(responder, 400,
               parseError.error != QJsonParseError::NoError
                   ? u"the body is not JSON: "_s + parseError.errorString()
                   : u"the body is not a Stripe event (id evt_..., type, data.object)"_s);
        return;
    }
    if (m_batchSink) {
        m_pending.append(Pending{Delivery{event, std::move(request.body)}, id, type, responder});
        if (m_pending.size() >= m_options.maxBatch)
            flush();
        else if (!m_flushTimer.isActive())
            m_flushTimer.start();
        return;
    }
    QString error;
    if (m_sink(event, request.body, &error))
        stored(id, type, responder);
    else
        notStored(id, error, responder);
    deliveryDone();
}

void WebhookReceiver::flush()
{
    m_flushTimer.stop();
    // Taken first: whatever the sink or a slot of eventStored does, what arrives meanwhile waits for the
    // next commit.
    const QList<Pending> batch = std::exchange(m_pending, {});
    if (batch.isEmpty())
        return;
    QList<Delivery> deliveries;
    deliveries.reserve(batch.size());
    for (const Pending &pending : batch)
        deliveries.append(pending.delivery);
    const QList<QString> errors = m_batchSink(deliveries);
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const Pending &pending = batch.at(i);
        if (i >= errors.size())
            notStored(pending.id, u"the sink gave no answer for this event"_s, pending.responder);
        else if (!errors.at(i).isNull())
            notStored(pending.id, errors.at(i), pending.responder);
        else
            stored(pending.id, pending.type, pending.responder);
    }
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

void WebhookReceiver::stored(const QString &id, const QString &type, const net::HttpResponder &responder)
{
    ++m_stats.accepted;
    emit eventStored(id, type);
    net::HttpResponse response;
    response.headers.emplaceBack("Content-Type", "application/json");
    response.body = R"({"received":true})";
    responder.send(response);
}

void WebhookReceiver::notStored(const QString &id, const QString &error, const net::HttpResponder &responder)
{
    ++m_stats.sinkFailures;
    qCWarning(lcWebhook).noquote() << "could not store event" << id << ':' << error;
    responder.send(textResponse(500, u"not stored; deliver again later"_s));
}

} // namespace kassa::sync
