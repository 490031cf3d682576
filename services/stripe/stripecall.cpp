#include "services/stripe/stripecall.h"

#include "services/stripe/httptransport.h"
#include "services/stripe/stripeclient.h"

#include <QJsonDocument>
#include <QLoggingCategory>

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
    dropExchange(); // no onExchangeFinished() (and no signal) from a destructor
}

void StripeCall::dropExchange()
{
    HttpExchange *exchange = m_exchange;
    m_exchange = nullptr;
    if (!exchange)
        return;
    exchange->disconnect(this);
    exchange->abort();
    exchange->deleteLater();
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
        StripeResponse response;
        response.attempts = m_attempts;
        response.idempotencyKey = m_request.idempotencyKey;
        response.error = StripeError::connection(
            u"Stripe did not answer within %1 s."_s.arg(m_elapsed.elapsed() / 1000.0, 0, 'f', 1));
        finish(response);
        return;
    }
    ++m_attempts;
    delete m_spent; // the previous attempt's, finished from the event loop's earlier round
    m_spent = nullptr;
    HttpExchange *exchange = m_client.m_transport->send(m_client.httpRequest(m_request));
    // A child: a finished exchange goes with this call (no deleteLater() per request), or when the next
    // attempt starts.
    exchange->setParent(this);
    m_exchange = exchange;
    connect(exchange, &HttpExchange::finished, this, &StripeCall::onExchangeFinished);
    m_timer.disconnect();
    connect(&m_timer, &QTimer::timeout, this, &StripeCall::onAttemptTimeout);
    m_timer.start(int(qMax<qint64>(1, m_deadline.remainingTime())));
}

void StripeCall::onAttemptTimeout()
{
    if (!m_exchange)
        return;
    dropExchange();
    StripeResponse response;
    response.attempts = m_attempts;
    response.idempotencyKey = m_request.idempotencyKey;
    response.error = StripeError::connection(
        u"Stripe did not answer within %1 s."_s.arg(m_elapsed.elapsed() / 1000.0, 0, 'f', 1));
    qCInfo(lcStripe).noquote() << StripeRequest::methodName(m_request.method) << m_request.path << "attempt"
                               << m_attempts << "no answer:" << response.error.message;
    retryOrFinish(response, QNetworkReply::TimeoutError, {}, {});
}

void StripeCall::onExchangeFinished(const HttpResult &result)
{
    HttpExchange *exchange = m_exchange;
    if (!exchange)
        return;
    m_exchange = nullptr;
    m_timer.stop();
    m_spent = exchange;
    if (m_finished)
        return;

    StripeResponse response;
    response.attempts = m_attempts;
    response.idempotencyKey = m_request.idempotencyKey;
    response.httpStatus = result.status;
    response.requestId = QString::fromLatin1(result.header("Request-Id"));
    response.idempotentReplayed = result.header("Idempotent-Replayed") == "true";

    if (result.tooLarge) {
        response.error = StripeError::fromResponse(response.httpStatus, {}, response.requestId);
        response.error.kind = StripeError::Kind::Api;
        response.error.message = u"The answer from Stripe is larger than %1 MiB; it was not read."_s.arg(
            m_client.m_options.maxResponseBytes / (1024 * 1024));
        finish(response);
        return;
    }
    if (response.httpStatus == 0) {
        response.error = StripeError::connection(u"Could not reach Stripe: %1"_s.arg(result.errorString));
        qCInfo(lcStripe).noquote() << StripeRequest::methodName(m_request.method) << m_request.path
                                   << "attempt" << m_attempts << "no answer:" << response.error.message;
        retryOrFinish(response, result.networkError, {}, {});
        return;
    }
    qCDebug(lcStripe).noquote() << StripeRequest::methodName(m_request.method) << m_request.path
                                << response.httpStatus << response.requestId << "attempt" << m_attempts
                                << m_elapsed.elapsed() << "ms";
    if (response.httpStatus >= 200 && response.httpStatus < 300) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(result.body, &parseError);
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
    response.error = StripeError::fromResponse(response.httpStatus, result.body, response.requestId);
    qCInfo(lcStripe).noquote() << StripeRequest::methodName(m_request.method) << m_request.path << "attempt"
                               << m_attempts << response.error.toString();
    retryOrFinish(response, result.networkError, result.header("Stripe-Should-Retry"),
                  result.header("Retry-After"));
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
    dropExchange();
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
