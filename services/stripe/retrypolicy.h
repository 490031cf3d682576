#pragma once

#include <QByteArray>
#include <QNetworkReply>

#include <functional>

namespace kassa::stripe {

// When to try a request again and how long to wait, as Stripe's official SDKs do: connection errors,
// 409 and 5xx are retried, and whatever Stripe-Should-Retry says wins; backoff 0.5 s doubling to 5 s,
// jittered to 50-100 %, never below 0.5 s; a Retry-After of up to 60 s is the least it waits. Kassa also
// backs off on 429, which the SDKs leave to the caller.
class RetryPolicy
{
public:
    static constexpr int InitialDelayMs = 500;
    static constexpr int MaxDelayMs = 5000;
    static constexpr int MaxRetryAfterMs = 60'000;

    explicit RetryPolicy(int maxRetries = 2)
        : m_maxRetries(maxRetries)
    {
    }
    int maxRetries() const { return m_maxRetries; }

    // `retriesSoFar` retries have been made. httpStatus 0 means no HTTP answer (networkError says why).
    bool shouldRetry(int retriesSoFar, int httpStatus, QNetworkReply::NetworkError networkError,
                     const QByteArray &shouldRetryHeader) const;
    // Delay before retry number `retry` (1-based). `unitRandom` returns a value in [0, 1).
    int delayMs(int retry, const QByteArray &retryAfterHeader,
                const std::function<double()> &unitRandom) const;

private:
    int m_maxRetries;
};

} // namespace kassa::stripe
