#include "services/stripe/stripecall.h"

#include "services/stripe/stripeclient.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcStripe, "kassa.stripe")

namespace kassa::stripe {

StripeCall::StripeCall(StripeClient &client, const StripeRequest &request)
    : m_client(client)
    , m_request(request)
{
    m_timer.setSingleShot(true);
}

StripeCall::~StripeCall()
{
    if (QNetworkReply *reply = m_reply.data()) {
        // No onReplyFinished() (and no signal) from a destructor.
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void StripeCall::start()
{
    if (m_finished)
        return;
    m_elapsed.start();
    int timeout = m_request.timeoutMs > 0 ? m_request.timeoutMs : m_client.m_options.timeoutMs;
    if (timeout <= 0)
        timeout = StripeClient::Options().timeoutMs;
    m_deadline = QDeadlineTimer(timeout);
    if (!m_client.m_baseError.isEmpty()) {
        StripeResponse response;
        response.error = StripeError::connection(m_client.m_baseError);
        finish(response);
        return;
    }
    if (!m_client.hasApiKey()) {
        StripeResponse response;
        response.error.kind = StripeError::Kind::Authentication;
        response.error.message = u"No Stripe API key is set."_s;
        finish(response);
        return;
    }
    waitForPace();
}

void StripeCall::waitForPace()
{
    const qint64 wait = m_client.m_pace.take(m_client.nowMs());
    if (wait == 0) {
        sendAttempt();
        return;
    }
    m_timer.disconnect();
    connect(&m_timer, &QTimer::timeout, this, &StripeCall::waitForPace);
    m_timer.start(int(wait));
}

void StripeCall::sendAttempt()
{
    if (m_finished)
        return;
    if (m_deadline.hasExpired()) {
        m_timedOut = true;
        StripeResponse response;
        response.attempts = m_attempts;
        response.idempotencyKey = m_request.idempotencyKey;
        response.error = StripeError::connection(
            u"Stripe did not answer within %1 s."_s.arg(m_elapsed.elapsed() / 1000.0, 0, 'f', 1));
        finish(response);
        return;
    }
    ++m_attempts;
    m_timedOut = false;
    m_tooLarge = false;
    QNetworkRequest request = m_client.networkRequest(m_request);
    QNetworkAccessManager &network = m_client.m_network;
    switch (m_request.method) {
    case StripeRequest::Method::Get:
        m_reply = network.get(request);
        break;
    case StripeRequest::Method::Post:
        m_reply = network.post(request, m_request.params.encode());
        break;
    case StripeRequest::Method::Delete:
        m_reply = network.deleteResource(request);
        break;
    }
    const qint64 maxBytes = m_client.m_options.maxResponseBytes;
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this, maxBytes](qint64 received, qint64 total) {
        QNetworkReply *reply = m_reply.data();
        if ((received > maxBytes || total > maxBytes) && reply) {
            m_tooLarge = true;
            reply->abort();
        }
    });
    connect(m_reply, &QNetworkReply::finished, this, &StripeCall::onReplyFinished);
    m_timer.disconnect();
    connect(&m_timer, &QTimer::timeout, this, &StripeCall::onAttemptTimeout);
    m_timer.start(int(qMax<qint64>(1, m_deadline.remainingTime())));
}

void StripeCall::onAttemptTimeout()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply)
        return;
    m_timedOut = true;
    reply->abort();
}

void StripeCall::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    m_timer.stop();
    reply->deleteLater();
    if (m_finished)
        return;

    StripeResponse response;
    response.attempts = m_attempts;
    response.idempotencyKey = m_request.idempotencyKey;
    response.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.requestId = QString::fromLatin1(reply->rawHeader("Request-Id"));
    response.idempotentReplayed = reply->rawHeader("Idempotent-Replayed") == "true";
    const QNetworkReply::NetworkError networkError = reply->error();
    const QString path = m_request.path;
    const QString method = StripeRequest::methodName(m_request.method);

    if (m_tooLarge) {
        response.error = StripeError::fromResponse(response.httpStatus, {}, response.requestId);
        response.error.kind = StripeError::Kind::Api;
        response.error.message = u"The answer from Stripe is larger than %1 MiB; it was not read."_s.arg(
            m_client.m_options.maxResponseBytes / (1024 * 1024));
        finish(response);
        return;
    }
    if (response.httpStatus == 0 || m_timedOut) {
        response.httpStatus = 0;
        response.error = StripeError::connection(
            m_timedOut ? u"Stripe did not answer within %1 s."_s.arg(m_elapsed.elapsed() / 1000.0, 0, 'f', 1)
                       : u"Could not reach Stripe: %1"_s.arg(reply->errorString()));
        qCInfo(lcStripe).noquote() << method << path << "attempt" << m_attempts
                                   << "no answer:" << response.error.message;
        retryOrFinish(response, m_timedOut ? QNetworkReply::TimeoutError : networkError, {}, {});
        return;
    }
    const QByteArray body = reply->readAll();
    qCDebug(lcStripe).noquote() << method << path << response.httpStatus << response.requestId << "attempt"
                                << m_attempts << m_elapsed.elapsed() << "ms";
    if (response.httpStatus >= 200 && response.httpStatus < 300) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (!document.isObject()) {
            response.error.kind = StripeError::Kind::Api;
            response.error.httpStatus = response.httpStatus;
            response.error.requestId = response.requestId;
            response.error.message =
                u"Stripe's answer is not a JSON object (%1); nothing was read from it."_s.arg(
                    parseError.error == QJsonParseError::NoError ? u"another JSON value"_s
                                                                 : parseError.errorString());
            finish(response);
            return;
        }
        response.json = document.object();
        finish(response);
        return;
    }
    response.error = StripeError::fromResponse(response.httpStatus, body, response.requestId);
    qCInfo(lcStripe).noquote() << method << path << "attempt" << m_attempts << response.error.toString();
    retryOrFinish(response, networkError, reply->rawHeader("Stripe-Should-Retry"),
                  reply->rawHeader("Retry-After"));
}

void StripeCall::retryOrFinish(const StripeResponse &response, QNetworkReply::NetworkError networkError,
                               const QByteArray &shouldRetry, const QByteArray &retryAfter)
{
    const int retriesSoFar = m_attempts - 1;
    if (!m_client.m_retry.shouldRetry(retriesSoFar, response.httpStatus, networkError, shouldRetry)) {
        finish(response);
        return;
    }
    const int delay = m_client.m_retry.delayMs(retriesSoFar + 1, retryAfter,
                                               [this] { return m_client.m_random.generateDouble(); });
    if (m_deadline.remainingTime() >= 0 && m_deadline.remainingTime() <= delay) {
        finish(response);
        return;
    }
    emit retrying(retriesSoFar + 1, delay, response.error);
    if (m_finished)
        return; // canceled from a slot of retrying()
    m_timer.disconnect();
    connect(&m_timer, &QTimer::timeout, this, &StripeCall::waitForPace);
    m_timer.start(delay);
}

void StripeCall::cancel()
{
    if (m_finished)
        return;
    m_timer.stop();
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    StripeResponse response;
    response.attempts = m_attempts;
    response.idempotencyKey = m_request.idempotencyKey;
    response.error = StripeError::canceled();
    finish(response);
}

void StripeCall::finish(const StripeResponse &response)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    emit finished(response);
    deleteLater();
}

} // namespace kassa::stripe
