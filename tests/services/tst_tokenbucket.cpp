// TokenBucket: a burst of `rate` requests, then one request every 1000/rate ms, on a simulated clock.
#include "services/stripe/tokenbucket.h"

#include <QTest>

using kassa::stripe::TokenBucket;

class TestTokenBucket : public QObject
{
    Q_OBJECT

private slots:
    void burstThenPace_data();
    void burstThenPace();
    void sustainedRate_data();
    void sustainedRate();
    void idleRefillIsCapped();
    void lowerRateCapsTokens();
    void rateAtLeastOne();
    void clockGoingBackwards();
};

void TestTokenBucket::burstThenPace_data()
{
    QTest::addColumn<int>("rate");
    QTest::addColumn<qint64>("interval"); // ms between requests once the burst is spent

    QTest::newRow("1/s") << 1 << qint64(1000);
    QTest::newRow("3/s") << 3 << qint64(334);
    QTest::newRow("25/s (test mode)") << 25 << qint64(40);
    QTest::newRow("90/s (live mode)") << 90 << qint64(12);
    QTest::newRow("1000/s") << 1000 << qint64(1);
}

void TestTokenBucket::burstThenPace()
{
    QFETCH(int, rate);
    QFETCH(qint64, interval);

    TokenBucket bucket(rate);
    QCOMPARE(bucket.rate(), rate);
    const qint64 start = 50'000;
    for (int i = 0; i < rate; ++i)
        QCOMPARE(bucket.take(start), qint64(0));
    const qint64 wait = bucket.take(start);
    QCOMPARE(wait, interval);
    // Asking too early still waits, for the rest of the interval.
    if (interval > 1) {
        const qint64 early = bucket.take(start + interval - 1);
        QVERIFY2(early >= 1 && early <= interval, qPrintable(QString::number(early)));
    }
    QCOMPARE(bucket.take(start + interval), qint64(0));
    QVERIFY(bucket.take(start + interval) > 0);
}

void TestTokenBucket::sustainedRate_data()
{
    QTest::addColumn<int>("rate");
    QTest::newRow("2/s") << 2;
    QTest::newRow("25/s") << 25;
    QTest::newRow("90/s") << 90;
}

void TestTokenBucket::sustainedRate()
{
    QFETCH(int, rate);

    // A caller that always waits as told, for 10 simulated seconds.
    TokenBucket bucket(rate);
    qint64 now = 0;
    int granted = 0;
    while (now <= 10'000) {
        const qint64 wait = bucket.take(now);
        if (wait == 0)
            ++granted;
        else
            now += wait;
    }
    // The burst plus ten seconds at the rate, give or take one.
    const int expected = rate + 10 * rate;
    QVERIFY2(qAbs(granted - expected) <= 1,
             qPrintable(QStringLiteral("%1 granted, %2 expected").arg(granted).arg(expected)));
}

void TestTokenBucket::idleRefillIsCapped()
{
    TokenBucket bucket(5);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(bucket.take(0), qint64(0));
    QVERIFY(bucket.take(0) > 0);
    // An hour of idling refills the bucket, but only to its burst size.
    const qint64 later = 3'600'000;
    for (int i = 0; i < 5; ++i)
        QCOMPARE(bucket.take(later), qint64(0));
    QCOMPARE(bucket.take(later), qint64(200));
}

void TestTokenBucket::lowerRateCapsTokens()
{
    TokenBucket bucket(100);
    bucket.setRate(2);
    QCOMPARE(bucket.rate(), 2);
    QCOMPARE(bucket.take(0), qint64(0));
    QCOMPARE(bucket.take(0), qint64(0));
    QCOMPARE(bucket.take(0), qint64(500));

    bucket.setRate(1000);
    QCOMPARE(bucket.take(1), qint64(0)); // 1 ms at 1000/s gives one token
    QVERIFY(bucket.take(1) > 0);
}

void TestTokenBucket::rateAtLeastOne()
{
    TokenBucket zero(0);
    QCOMPARE(zero.rate(), 1);
    TokenBucket negative(-5);
    QCOMPARE(negative.rate(), 1);
    negative.setRate(0);
    QCOMPARE(negative.rate(), 1);
    QCOMPARE(negative.take(0), qint64(0));
    QCOMPARE(negative.take(0), qint64(1000));
}

void TestTokenBucket::clockGoingBackwards()
{
    TokenBucket bucket(1);
    QCOMPARE(bucket.take(10'000), qint64(0));
    // A clock that jumps back gives no tokens (and does not crash or wait forever).
    const qint64 wait = bucket.take(5'000);
    QVERIFY(wait > 0 && wait <= 1000);
    QCOMPARE(bucket.take(5'000 + wait), qint64(0));
}

QTEST_GUILESS_MAIN(TestTokenBucket)
#include "tst_tokenbucket.moc"
