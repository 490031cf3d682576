// RetryPolicy: when to retry (as Stripe's SDKs, plus 429) and how long to wait (0.5 s doubling to 5 s,
// jittered to 50-100 %, at least 0.5 s, Retry-After honoured up to 60 s).
#include "services/stripe/retrypolicy.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::stripe::RetryPolicy;

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private slots:
    void shouldRetry_data();
    void shouldRetry();
    void delayMs_data();
    void delayMs();
    void delayStaysInJitterRange();
};

void TestRetryPolicy::shouldRetry_data()
{
    QTest::addColumn<int>("maxRetries");
    QTest::addColumn<int>("retriesSoFar");
    QTest::addColumn<int>("status");
    QTest::addColumn<QNetworkReply::NetworkError>("networkError");
    QTest::addColumn<QByteArray>("shouldRetryHeader");
    QTest::addColumn<bool>("retry");

    using E = QNetworkReply::NetworkError;
    const QByteArray none;
    QTest::newRow("connection refused") << 2 << 0 << 0 << E::ConnectionRefusedError << none << true;
    QTest::newRow("connection reset") << 2 << 1 << 0 << E::RemoteHostClosedError << none << true;
    QTest::newRow("timeout") << 2 << 0 << 0 << E::TimeoutError << none << true;
    QTest::newRow("host not found") << 2 << 0 << 0 << E::HostNotFoundError << none << true;
    QTest::newRow("TLS handshake failed") << 2 << 0 << 0 << E::SslHandshakeFailedError << none << false;
    QTest::newRow("unknown protocol") << 2 << 0 << 0 << E::ProtocolUnknownError << none << false;
    QTest::newRow("canceled") << 2 << 0 << 0 << E::OperationCanceledError << none << false;
    QTest::newRow("200") << 2 << 0 << 200 << E::NoError << none << false;
    QTest::newRow("400") << 2 << 0 << 400 << E::ProtocolInvalidOperationError << none << false;
    QTest::newRow("401") << 2 << 0 << 401 << E::AuthenticationRequiredError << none << false;
    QTest::newRow("402") << 2 << 0 << 402 << E::UnknownContentError << none << false;
    QTest::newRow("403") << 2 << 0 << 403 << E::ContentAccessDenied << none << false;
    QTest::newRow("404") << 2 << 0 << 404 << E::ContentNotFoundError << none << false;
    QTest::newRow("409") << 2 << 0 << 409 << E::ContentConflictError << none << true;
    QTest::newRow("429") << 2 << 0 << 429 << E::UnknownContentError << none << true;
    QTest::newRow("500") << 2 << 0 << 500 << E::InternalServerError << none << true;
    QTest::newRow("502") << 2 << 1 << 502 << E::UnknownServerError << none << true;
    QTest::newRow("503") << 2 << 0 << 503 << E::ServiceUnavailableError << none << true;
    QTest::newRow("504") << 2 << 0 << 504 << E::UnknownServerError << none << true;
    QTest::newRow("400 but Stripe-Should-Retry: true")
        << 2 << 0 << 400 << E::NoError << QByteArray("true") << true;
    QTest::newRow("402 but Stripe-Should-Retry: true")
        << 2 << 0 << 402 << E::NoError << QByteArray("true") << true;
    QTest::newRow("500 but Stripe-Should-Retry: false")
        << 2 << 0 << 500 << E::NoError << QByteArray("false") << false;
    QTest::newRow("409 but Stripe-Should-Retry: false")
        << 2 << 0 << 409 << E::NoError << QByteArray("false") << false;
    QTest::newRow("429 but Stripe-Should-Retry: false")
        << 2 << 0 << 429 << E::NoError << QByteArray("false") << false;
    QTest::newRow("other header value is ignored")
        << 2 << 0 << 400 << E::NoError << QByteArray("yes") << false;
    QTest::newRow("max retries reached: 500") << 2 << 2 << 500 << E::NoError << none << false;
    QTest::newRow("max retries reached: connection")
        << 2 << 2 << 0 << E::ConnectionRefusedError << none << false;
    QTest::newRow("max retries reached beats Stripe-Should-Retry: true")
        << 2 << 2 << 500 << E::NoError << QByteArray("true") << false;
    QTest::newRow("no retries allowed") << 0 << 0 << 503 << E::NoError << none << false;
    QTest::newRow("five retries allowed, four made") << 5 << 4 << 500 << E::NoError << none << true;
}

void TestRetryPolicy::shouldRetry()
{
    QFETCH(int, maxRetries);
    QFETCH(int, retriesSoFar);
    QFETCH(int, status);
    QFETCH(QNetworkReply::NetworkError, networkError);
    QFETCH(QByteArray, shouldRetryHeader);
    QFETCH(bool, retry);

    const RetryPolicy policy(maxRetries);
    QCOMPARE(policy.maxRetries(), maxRetries);
    QCOMPARE(policy.shouldRetry(retriesSoFar, status, networkError, shouldRetryHeader), retry);
}

void TestRetryPolicy::delayMs_data()
{
    QTest::addColumn<int>("retry");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<double>("random");
    QTest::addColumn<int>("minimum"); // inclusive
    QTest::addColumn<int>("maximum"); // inclusive

    const double almostOne = 0.999999;
    const QByteArray none;
    // Without jitter headroom the first retry is pinned to the 0.5 s floor.
    QTest::newRow("retry 1, random 0") << 1 << none << 0.0 << 500 << 500;
    QTest::newRow("retry 1, random ~1") << 1 << none << almostOne << 499 << 500;
    QTest::newRow("retry 2, random 0") << 2 << none << 0.0 << 500 << 500;
    QTest::newRow("retry 2, random ~1") << 2 << none << almostOne << 999 << 1000;
    QTest::newRow("retry 3, random 0") << 3 << none << 0.0 << 1000 << 1000;
    QTest::newRow("retry 3, random 0.5") << 3 << none << 0.5 << 1500 << 1500;
    QTest::newRow("retry 3, random ~1") << 3 << none << almostOne << 1999 << 2000;
    QTest::newRow("retry 4, random ~1") << 4 << none << almostOne << 3999 << 4000;
    QTest::newRow("retry 5 is capped, random 0") << 5 << none << 0.0 << 2500 << 2500;
    QTest::newRow("retry 5 is capped, random ~1") << 5 << none << almostOne << 4999 << 5000;
    QTest::newRow("retry 30 is capped") << 30 << none << almostOne << 4999 << 5000;
    QTest::newRow("random out of range is clamped") << 3 << none << 7.0 << 1000 << 2000;
    QTest::newRow("Retry-After 3") << 1 << QByteArray("3") << 0.0 << 3000 << 3000;
    QTest::newRow("Retry-After 3 with spaces") << 1 << QByteArray(" 3 ") << 0.0 << 3000 << 3000;
    QTest::newRow("Retry-After 60") << 1 << QByteArray("60") << 0.0 << 60'000 << 60'000;
    QTest::newRow("Retry-After 0 keeps the floor") << 1 << QByteArray("0") << 0.0 << 500 << 500;
    // Honoured means: never sooner than asked, never longer than the larger of it and the backoff.
    QTest::newRow("Retry-After 1 on retry 4") << 4 << QByteArray("1") << almostOne << 1000 << 4000;
    QTest::newRow("Retry-After 61 is ignored") << 3 << QByteArray("61") << almostOne << 1999 << 2000;
    QTest::newRow("Retry-After 3600 is ignored") << 3 << QByteArray("3600") << 0.0 << 1000 << 1000;
    QTest::newRow("Retry-After huge is ignored") << 3 << QByteArray("3000000") << almostOne << 1999 << 2000;
    QTest::newRow("Retry-After beyond int is ignored")
        << 3 << QByteArray("99999999999") << 0.0 << 1000 << 1000;
    QTest::newRow("Retry-After negative is ignored") << 3 << QByteArray("-5") << 0.0 << 1000 << 1000;
    QTest::newRow("Retry-After as a date is ignored")
        << 3 << QByteArray("Wed, 21 Oct 2026 07:28:00 GMT") << 0.0 << 1000 << 1000;
    QTest::newRow("Retry-After fraction is ignored") << 3 << QByteArray("1.5") << 0.0 << 1000 << 1000;
}

void TestRetryPolicy::delayMs()
{
    QFETCH(int, retry);
    QFETCH(QByteArray, retryAfter);
    QFETCH(double, random);
    QFETCH(int, minimum);
    QFETCH(int, maximum);

    const RetryPolicy policy(2);
    const int delay = policy.delayMs(retry, retryAfter, [random] { return random; });
    QVERIFY2(delay >= minimum && delay <= maximum,
             qPrintable(u"%1 ms, expected %2..%3"_s.arg(delay).arg(minimum).arg(maximum)));
}

void TestRetryPolicy::delayStaysInJitterRange()
{
    const RetryPolicy policy(10);
    QRandomGenerator random(42);
    for (int retry = 1; retry <= 8; ++retry) {
        const int base = std::min(RetryPolicy::MaxDelayMs, RetryPolicy::InitialDelayMs << (retry - 1));
        int low = base;
        int high = 0;
        for (int i = 0; i < 500; ++i) {
            const int delay = policy.delayMs(retry, {}, [&random] { return random.generateDouble(); });
            QVERIFY(delay >= std::max(RetryPolicy::InitialDelayMs, base / 2));
            QVERIFY(delay <= base);
            low = std::min(low, delay);
            high = std::max(high, delay);
        }
        // The jitter spreads: over 500 draws the range is well used (except where the floor pins it).
        if (base >= 2 * RetryPolicy::InitialDelayMs)
            QVERIFY2(high - low > base / 4, qPrintable(u"retry %1: %2..%3"_s.arg(retry).arg(low).arg(high)));
    }
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
