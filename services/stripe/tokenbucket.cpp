#include "services/stripe/tokenbucket.h"

#include <algorithm>

namespace kassa::stripe {

TokenBucket::TokenBucket(int ratePerSecond)
    : m_rate(std::max(1, ratePerSecond))
    , m_tokensMilli(qint64(m_rate) * 1000)
{
}

void TokenBucket::setRate(int ratePerSecond)
{
    m_rate = std::max(1, ratePerSecond);
    m_tokensMilli = std::min(m_tokensMilli, qint64(m_rate) * 1000);
}

void TokenBucket::refill(qint64 nowMs)
{
    if (m_lastMs < 0)
        m_lastMs = nowMs;
    const qint64 elapsed = std::max<qint64>(0, nowMs - m_lastMs);
    m_lastMs = nowMs;
    // rate tokens per 1000 ms: elapsed * rate tokens-milli.
    m_tokensMilli = std::min(qint64(m_rate) * 1000, m_tokensMilli + elapsed * m_rate);
}

qint64 TokenBucket::take(qint64 nowMs)
{
    refill(nowMs);
    if (m_tokensMilli >= 1000) {
        m_tokensMilli -= 1000;
        return 0;
    }
    const qint64 missing = 1000 - m_tokensMilli;
    return std::max<qint64>(1, (missing + m_rate - 1) / m_rate);
}

} // namespace kassa::stripe
