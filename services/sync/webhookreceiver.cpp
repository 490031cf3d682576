#include "services/sync/webhookreceiver.h"

#include "services/stripe/webhooksignature.h"

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
    net::HttpServer::Limits limits;
    limits.maxBodySize = options.maxBodyBytes;
    limits.maxHeadSize = 16 * 1024;
    limits.requestTimeoutMs = options.requestTimeoutMs;
    limits.idleTimeoutMs = options.idleTimeoutMs;
    m_server->setLimits(limits);
    m_server->setPerClientRateLimit(options.perClientRate);
}

WebhookReceiver::~WebhookReceiver() = default;

bool WebhookReceiver::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

void WebhookReceiver::close()
{
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
    QString error;
    if (!m_sink(event, request.body, &error)) {
        ++m_stats.sinkFailures;
        qCWarning(lcWebhook).noquote() << "could not store event" << id << ':' << error;
        responder.send(textResponse(500, u"not stored; deliver again later"_s));
        return;
    }
    ++m_stats.accepted;
    emit eventStored(id, type);
    net::HttpResponse response;
    response.headers.emplaceBack("Content-Type", "application/json");
    response.body = R"({"received":true})";
    responder.send(response);
}

} // namespace kassa::sync
