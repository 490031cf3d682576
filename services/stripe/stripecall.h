#pragma once

#include "services/stripe/stripeerror.h"
#include "services/stripe/striperequest.h"
#include "services/stripe/striperesponse.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QNetworkReply>
#include <QObject>
#include <QTimer>

namespace kassa::stripe {

class HttpExchange;
class StripeClient;
struct HttpResult;

// One request in flight, through its retries. Made by StripeClient::send(); it deletes itself after
// finished() has been emitted. cancel() aborts it (finished() then carries a Canceled error).
class StripeCall : public QObject
{
    Q_OBJECT
public:
    ~StripeCall() override;

    const StripeRequest &request() const { return m_request; }
    bool isFinished() const { return m_finished; }
    // Stops waiting. A POST that was already sent may still have been applied by Stripe: treat a Canceled
    // result as an unknown outcome and send the request again with the same idempotency key to learn it.
    void cancel();

signals:
    void finished(const kassa::stripe::StripeResponse &response);
    // Before each retry: which retry (1-based), the wait, and what went wrong.
    void retrying(int retry, int delayMs, const kassa::stripe::StripeError &reason);

private:
    friend class StripeClient;
    StripeCall(StripeClient &client, const StripeRequest &request);

    void start();
    void waitForPace();
    void sendAttempt();
    void onExchangeFinished(const HttpResult &result);
    void onAttemptTimeout();
    void dropExchange();
    void finish(const StripeResponse &response);
    void retryOrFinish(const StripeResponse &response, QNetworkReply::NetworkError networkError,
                       const QByteArray &shouldRetry, const QByteArray &retryAfter);

    StripeClient &m_client;
    StripeRequest m_request;
    HttpExchange *m_exchange = nullptr; // the attempt in flight (a child)
    HttpExchange *m_spent = nullptr;    // the last finished one (a child)
    QTimer m_timer;                     // pace waits, backoff waits, and the attempt deadline
    QDeadlineTimer m_deadline;
    QElapsedTimer m_elapsed;
    int m_attempts = 0;
    bool m_finished = false;
};

} // namespace kassa::stripe
