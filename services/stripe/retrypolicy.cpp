#include "services/stripe/retrypolicy.h"

#include <algorithm>

namespace kassa::stripe {

bool RetryPolicy::shouldRetry(int retriesSoFar, int httpStatus, QNetworkReply::NetworkError networkError,
                              const QByteArray &shouldRetryHeader) const
{
    if (retriesSoFar >= m_maxRetries)
        return false;
    if (httpStatus == 0) {
        // No answer. A broken TLS setup or a refused protocol will not mend itself on a retry.
        switch (networkError) {
        case QNetworkReply::SslHandshakeFailedError:
        case QNetworkReply::ProtocolUnknownError:
        case QNetworkReply::ProtocolInvalidOperationError:
        case QNetworkReply::OperationCanceledError:
            return false;
        default:
            return true;
        }
    }
    if (shouldRetryHeader == "false")
        return false;
    if (shouldRetryHeader == "true")
        return true;
    return httpStatus == 409 || httpStatus == 429 || httpStatus >= 500;
}

int RetryPolicy::delayMs(int retry, const QByteArray &retryAfterHeader,
                         const std::function<double()> &unitRandom) const
{
    const int exponent = std::clamp(retry - 1, 0, 16);
    const int base = std::min(MaxDelayMs, InitialDelayMs << exponent);
    const int jittered =
        std::max(InitialDelayMs, int(base * (0.5 + 0.5 * std::clamp(unitRandom(), 0.0, 1.0))));
    bool ok = false;
    const int retryAfterSeconds = retryAfterHeader.trimmed().toInt(&ok);
    // As the SDKs: a Retry-After of up to a minute is a floor for the backoff. Compared in seconds, since
    // a large header value times 1000 would overflow int.
    if (ok && retryAfterSeconds >= 0 && retryAfterSeconds <= MaxRetryAfterMs / 1000)
        return std::max(jittered, retryAfterSeconds * 1000);
    return jittered;
}

} // namespace kassa::stripe
