// WebhookSignature: Stripe's Stripe-Signature scheme. Round trips, secret rotation (several v1 values),
// the tolerance (stale refused, future accepted as Stripe's libraries do, 0 disables the check), every
// malformed header, and a known vector computed here with QMessageAuthenticationCode.
#include "services/stripe/webhooksignature.h"

#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::stripe::WebhookSignature;
using Result = WebhookSignature::Result;

Q_DECLARE_METATYPE(kassa::stripe::WebhookSignature::Result)

namespace {

constexpr qint64 Now = 1'732'600'000;
const QByteArray Secret = "whsec_test_0123456789abcdefABCDEF";
const QByteArray OtherSecret = "whsec_other_9876543210";
const QByteArray Payload =
    R"({"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{}}})";

QByteArray independentHmac(const QByteArray &text, const QByteArray &key)
{
    return QMessageAuthenticationCode::hash(text, key, QCryptographicHash::Sha256).toHex();
}

QByteArray v1(qint64 t, const QByteArray &payload, const QByteArray &secret)
{
    return independentHmac(QByteArray::number(t) + '.' + payload, secret);
}

} // namespace

class TestWebhookSignature : public QObject
{
    Q_OBJECT

private slots:
    void knownVector();
    void signVerifyRoundTrip_data();
    void signVerifyRoundTrip();
    void verify_data();
    void verify();
    void describeEveryResult();
};

void TestWebhookSignature::knownVector()
{
    // HMAC-SHA256 keyed with the whole whsec_ string, over "<t>.<body>", lowercase hex.
    const QByteArray signedText = "1732600000." + Payload;
    const QByteArray expected = independentHmac(signedText, Secret);
    QCOMPARE(expected.size(), 64);
    QCOMPARE(WebhookSignature::hmacHex(signedText, Secret), expected);
    QCOMPARE(WebhookSignature::sign(Payload, Secret, 1732600000), QByteArray("t=1732600000,v1=" + expected));

    // RFC 4231 test case 2, so that the helper itself is known to be right.
    QCOMPARE(independentHmac("what do ya want for nothing?", "Jefe"),
             QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    QCOMPARE(WebhookSignature::hmacHex("what do ya want for nothing?", "Jefe"),
             QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
}

void TestWebhookSignature::signVerifyRoundTrip_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("secret");

    QTest::newRow("event") << Payload << Secret;
    QTest::newRow("empty body") << QByteArray() << Secret;
    QTest::newRow("unicode and newlines")
        << QByteArray("{\"name\":\"J\xc3\xb6rg \xf0\x9f\x98\x80\"}\n\r\n") << Secret;
    QTest::newRow("body with commas and equals") << QByteArray("t=1,v1=abc,x") << OtherSecret;
    QTest::newRow("large body") << QByteArray(200'000, 'x') << Secret;
}

void TestWebhookSignature::signVerifyRoundTrip()
{
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, secret);

    const QByteArray header = WebhookSignature::sign(payload, secret, Now);
    QCOMPARE(header, QByteArray("t=" + QByteArray::number(Now) + ",v1=" + v1(Now, payload, secret)));
    QCOMPARE(WebhookSignature::verify(payload, header, secret, Now), Result::Valid);
    QCOMPARE(WebhookSignature::verify(payload, header, secret, Now + 300), Result::Valid);
    QCOMPARE(WebhookSignature::verify(payload, header, secret, Now + 301), Result::TooOld);
    QCOMPARE(WebhookSignature::verify(QByteArray(payload + ' '), header, secret, Now), Result::Mismatch);
}

void TestWebhookSignature::verify_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<int>("tolerance");
    QTest::addColumn<Result>("result");

    const QByteArray t = QByteArray::number(Now);
    const QByteArray good = v1(Now, Payload, Secret);
    const QByteArray wrong = v1(Now, Payload, OtherSecret);
    const int tol = WebhookSignature::DefaultToleranceSeconds;

    QTest::newRow("valid") << Payload << QByteArray("t=" + t + ",v1=" + good) << Secret << Now << tol
                           << Result::Valid;
    QTest::newRow("rotation: wrong then right")
        << Payload << QByteArray("t=" + t + ",v1=" + wrong + ",v1=" + good) << Secret << Now << tol
        << Result::Valid;
    QTest::newRow("rotation: right then wrong")
        << Payload << QByteArray("t=" + t + ",v1=" + good + ",v1=" + wrong) << Secret << Now << tol
        << Result::Valid;
    QTest::newRow("rotation: both wrong")
        << Payload << QByteArray("t=" + t + ",v1=" + wrong + ",v1=" + v1(Now + 1, Payload, Secret)) << Secret
        << Now << tol << Result::Mismatch;
    QTest::newRow("with v0 as well") << Payload << QByteArray("t=" + t + ",v1=" + good + ",v0=" + good)
                                     << Secret << Now << tol << Result::Valid;
    QTest::newRow("v0 before t") << Payload << QByteArray("v0=abc,v1=" + good + ",t=" + t) << Secret << Now
                                 << tol << Result::Valid;
    QTest::newRow("stale by one second")
        << Payload
        << QByteArray("t=" + QByteArray::number(Now - 301) + ",v1=" + v1(Now - 301, Payload, Secret))
        << Secret << Now << tol << Result::TooOld;
    QTest::newRow("exactly at the tolerance")
        << Payload
        << QByteArray("t=" + QByteArray::number(Now - 300) + ",v1=" + v1(Now - 300, Payload, Secret))
        << Secret << Now << tol << Result::Valid;
    QTest::newRow("a day old, tolerance 0 disables the check")
        << Payload
        << QByteArray("t=" + QByteArray::number(Now - 86400) + ",v1=" + v1(Now - 86400, Payload, Secret))
        << Secret << Now << 0 << Result::Valid;
    QTest::newRow("a day old, tolerance 3600")
        << Payload
        << QByteArray("t=" + QByteArray::number(Now - 86400) + ",v1=" + v1(Now - 86400, Payload, Secret))
        << Secret << Now << 3600 << Result::TooOld;
    QTest::newRow("future timestamp")
        << Payload
        << QByteArray("t=" + QByteArray::number(Now + 3600) + ",v1=" + v1(Now + 3600, Payload, Secret))
        << Secret << Now << tol << Result::Valid;
    QTest::newRow("missing header") << Payload << QByteArray() << Secret << Now << tol
                                    << Result::MissingHeader;
    QTest::newRow("blank header") << Payload << QByteArray("  ") << Secret << Now << tol
                                  << Result::MissingHeader;
    QTest::newRow("no t") << Payload << QByteArray("v1=" + good) << Secret << Now << tol << Result::Malformed;
    QTest::newRow("t=abc") << Payload << QByteArray("t=abc,v1=" + good) << Secret << Now << tol
                           << Result::Malformed;
    QTest::newRow("t empty") << Payload << QByteArray("t=,v1=" + good) << Secret << Now << tol
                             << Result::Malformed;
    QTest::newRow("garbage") << Payload << QByteArray("hello world") << Secret << Now << tol
                             << Result::Malformed;
    QTest::newRow("only v0") << Payload << QByteArray("t=" + t + ",v0=" + good) << Secret << Now << tol
                             << Result::NoV1Signature;
    QTest::newRow("v1 with a space before the key")
        << Payload << QByteArray("t=" + t + ", v1=" + good) << Secret << Now << tol << Result::NoV1Signature;
    QTest::newRow("wrong secret") << Payload << QByteArray("t=" + t + ",v1=" + good) << OtherSecret << Now
                                  << tol << Result::Mismatch;
    QTest::newRow("secret without whsec_ prefix")
        << Payload << QByteArray("t=" + t + ",v1=" + good) << Secret.mid(6) << Now << tol << Result::Mismatch;
    QTest::newRow("tampered payload")
        << QByteArray(Payload).replace("succeeded", "failed") << QByteArray("t=" + t + ",v1=" + good)
        << Secret << Now << tol << Result::Mismatch;
    QTest::newRow("other timestamp, same signature")
        << Payload << QByteArray("t=" + QByteArray::number(Now - 1) + ",v1=" + good) << Secret << Now << tol
        << Result::Mismatch;
    QTest::newRow("uppercase hex") << Payload << QByteArray("t=" + t + ",v1=" + good.toUpper()) << Secret
                                   << Now << tol << Result::Mismatch;
    QTest::newRow("truncated signature") << Payload << QByteArray("t=" + t + ",v1=" + good.left(63)) << Secret
                                         << Now << tol << Result::Mismatch;
    QTest::newRow("signature with extra byte")
        << Payload << QByteArray("t=" + t + ",v1=" + good + '0') << Secret << Now << tol << Result::Mismatch;
    QTest::newRow("empty v1") << Payload << QByteArray("t=" + t + ",v1=") << Secret << Now << tol
                              << Result::Mismatch;
    // Signature is checked before the age: a stale forgery is a mismatch, not "too old".
    QTest::newRow("stale and wrong") << Payload
                                     << QByteArray("t=" + QByteArray::number(Now - 1000) +
                                                   ",v1=" + v1(Now - 1000, Payload, OtherSecret))
                                     << Secret << Now << tol << Result::Mismatch;
}

void TestWebhookSignature::verify()
{
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, secret);
    QFETCH(qint64, now);
    QFETCH(int, tolerance);
    QFETCH(Result, result);

    QCOMPARE(WebhookSignature::verify(payload, header, secret, now, tolerance), result);
}

void TestWebhookSignature::describeEveryResult()
{
    QSet<QString> texts;
    for (const Result result : {Result::Valid, Result::MissingHeader, Result::Malformed,
                                Result::NoV1Signature, Result::Mismatch, Result::TooOld}) {
        const QString text = WebhookSignature::describe(result);
        QVERIFY(!text.isEmpty());
        texts.insert(text);
    }
    QCOMPARE(texts.size(), 6);
}

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
