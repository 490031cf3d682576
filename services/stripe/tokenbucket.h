#pragma once

#include <QtGlobal>

namespace kassa::stripe {

// A client-side pace: at most `ratePerSecond` requests per second on average, bursts up to the same
// number. Times are milliseconds on a monotonic clock.
class TokenBucket
{
public:
    explicit TokenBucket(int ratePerSecond = 25);

    void setRate(int ratePerSecond);
    int rate() const { return m_rate; }
    // 0 when a request may go now (and takes its token), else how long to wait before asking again.
    qint64 take(qint64 nowMs);

private:
    void refill(qint64 nowMs);

    int m_rate;
    qint64 m_tokensMilli; // tokens * 1000, integer arithmetic
    qint64 m_lastMs = -1;
};

} // namespace kassa::stripe
