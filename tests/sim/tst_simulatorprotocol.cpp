// The simulator's HTTP protocol as Stripe's: authentication, Request-Id, error format, parameter
// validation, content types and idempotency keys.
#include "simtestclient.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::sim::test::SimResponse;
using kassa::sim::test::SimTestClient;

class TestSimulatorProtocol : public QObject
{
    Q_OBJECT

private slots:
    void init() { m_client = std::make_unique<SimTestClient>(); }
    void cleanup() { m_client.reset(); }

    void authentication_data();
    void authentication();
    void requestIdOnEveryResponse_data();
    void requestIdOnEveryResponse();
    void unrecognizedUrl();
    void parameterErrors_data();
    void parameterErrors();
    void contentTypeMustBeForm();
    void emptyPostBodyIsAccepted();
    void idempotentReplay();
    void idempotencyKeyWithOtherParameters();
    void idempotencyKeyInFlight();
    void idempotencyKeyTooLong();
    void validationErrorsAreNotSaved();
    void getIgnoresIdempotencyKey();
    void keepAliveServesManyRequests();

private:
    std::unique_ptr<SimTestClient> m_client;
};

void TestSimulatorProtocol::authentication_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("bearer secret") << QByteArray("Bearer sk_test_abcdefgh1234") << 200 << QString();
    QTest::newRow("bearer restricted") << QByteArray("Bearer rk_test_abcdefgh1234") << 200 << QString();
    QTest::newRow("basic") << QByteArray("Basic " + QByteArray("sk_test_abcdefgh1234:").toBase64()) << 200
                           << QString();
    QTest::newRow("missing") << QByteArray() << 401 << u"You did not provide an API key"_s;
    QTest::newRow("live secret") << QByteArray("Bearer sk_live_abcdefgh1234") << 401 << u"live mode keys"_s;
    QTest::newRow("live restricted") << QByteArray("Bearer rk_live_abcdefgh1234") << 401
                                     << u"live mode keys"_s;
    QTest::newRow("publishable") << QByteArray("Bearer pk_test_abcdefgh1234") << 401
                                 << u"publishable API key"_s;
    QTest::newRow("garbage") << QByteArray("Bearer hello") << 401 << u"Invalid API Key provided"_s;
    QTest::newRow("too short") << QByteArray("Bearer sk_test_abc") << 401 << u"Invalid API Key provided"_s;
    QTest::newRow("other scheme") << QByteArray("Token sk_test_abcdefgh1234") << 401
                                  << u"Invalid authorization header"_s;
}

void TestSimulatorProtocol::authentication()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (!authorization.isEmpty())
        headers.emplaceBack("Authorization", authorization);
    const SimResponse response = m_client->raw("GET", u"/v1/balance"_s, {}, headers);
    QCOMPARE(response.status, status);
    if (status == 200) {
        QCOMPARE(response.string(u"object"_s), u"balance"_s);
        return;
    }
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QVERIFY2(response.error().value(u"message"_s).toString().contains(messagePart),
             response.body.constData());
    // A key is never echoed in full.
    QVERIFY(!response.body.contains("abcdefgh1234"));
}

void TestSimulatorProtocol::requestIdOnEveryResponse_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("authorized");
    QTest::addColumn<int>("status");

    QTest::newRow("ok") << QByteArray("GET") << u"/v1/customers"_s << true << 200;
    QTest::newRow("401") << QByteArray("GET") << u"/v1/customers"_s << false << 401;
    QTest::newRow("404 object") << QByteArray("GET") << u"/v1/customers/cus_nope"_s << true << 404;
    QTest::newRow("404 url") << QByteArray("GET") << u"/v1/nothing_here"_s << true << 404;
    QTest::newRow("400 params") << QByteArray("POST") << u"/v1/customers?x=1"_s << true << 200;
    QTest::newRow("control") << QByteArray("GET") << u"/_sim/stats"_s << false << 200;
    QTest::newRow("page 404") << QByteArray("GET") << u"/_sim/checkout/cs_test_nope"_s << false << 404;
}

void TestSimulatorProtocol::requestIdOnEveryResponse()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(bool, authorized);
    QFETCH(int, status);
    QList<std::pair<QByteArray, QByteArray>> headers{{"Content-Type", "application/x-www-form-urlencoded"}};
    if (authorized)
        headers.emplaceBack("Authorization", "Bearer sk_test_kassatests0123456789");
    const SimResponse response = m_client->raw(method, path, {}, headers);
    QCOMPARE(response.status, status);
    QVERIFY2(response.header("Request-Id").startsWith("req_"), response.header("Request-Id").constData());
    const SimResponse again = m_client->raw(method, path, {}, headers);
    QVERIFY(again.header("Request-Id") != response.header("Request-Id"));
}

void TestSimulatorProtocol::unrecognizedUrl()
{
    const SimResponse response = m_client->post(u"/v1/payment_intents/pi_123/explode"_s);
    QCOMPARE(response.status, 404);
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QVERIFY(response.error()
                .value(u"message"_s)
                .toString()
                .startsWith(u"Unrecognized request URL (POST: /v1/payment_intents/pi_123/explode)"_s));
    const SimResponse missing = m_client->get(u"/v1/payment_intents/pi_doesnotexist"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), u"resource_missing"_s);
    QCOMPARE(missing.error().value(u"param"_s).toString(), u"intent"_s);
    QCOMPARE(missing.error().value(u"message"_s).toString(), u"No such payment_intent: 'pi_doesnotexist'"_s);
}

void TestSimulatorProtocol::parameterErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("form");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("param");

    QTest::newRow("unknown top level")
        << u"/v1/payment_intents"_s << QByteArray("amount=1000&currency=usd&amout=5")
        << u"parameter_unknown"_s << u"amout"_s;
    QTest::newRow("unknown nested") << u"/v1/payment_intents"_s
                                    << QByteArray(
                                           "amount=1000&currency=usd&payment_method_options[card][foo]=1")
                                    << u"parameter_unknown"_s << u"payment_method_options[card][foo]"_s;
    QTest::newRow("missing amount") << u"/v1/payment_intents"_s << QByteArray("currency=usd")
                                    << u"parameter_missing"_s << u"amount"_s;
    QTest::newRow("integer") << u"/v1/payment_intents"_s << QByteArray("amount=12.50&currency=usd")
                             << u"parameter_invalid_integer"_s << u"amount"_s;
    QTest::newRow("enum") << u"/v1/payment_intents"_s
                          << QByteArray("amount=1000&currency=usd&capture_method=sometimes") << QString()
                          << u"capture_method"_s;
    QTest::newRow("boolean") << u"/v1/payment_intents"_s
                             << QByteArray("amount=1000&currency=usd&confirm=maybe") << QString()
                             << u"confirm"_s;
    QTest::newRow("amount too small") << u"/v1/payment_intents"_s << QByteArray("amount=20&currency=usd")
                                      << u"amount_too_small"_s << u"amount"_s;
    QTest::newRow("amount too large")
        << u"/v1/payment_intents"_s << QByteArray("amount=100000000&currency=usd") << u"amount_too_large"_s
        << u"amount"_s;
    QTest::newRow("unknown currency")
        << u"/v1/payment_intents"_s << QByteArray("amount=1000&currency=xyz") << QString() << u"currency"_s;
    QTest::newRow("list limit") << u"/v1/customers?limit=abc"_s << QByteArray()
                                << u"parameter_invalid_integer"_s << u"limit"_s;
    QTest::newRow("list unknown") << u"/v1/customers?colour=red"_s << QByteArray() << u"parameter_unknown"_s
                                  << u"colour"_s;
}

void TestSimulatorProtocol::parameterErrors()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, form);
    QFETCH(QString, code);
    QFETCH(QString, param);
    const SimResponse response = form.isEmpty() ? m_client->get(path) : m_client->post(path, form);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(response.errorCode(), code);
    QCOMPARE(response.error().value(u"param"_s).toString(), param);
    QVERIFY(!response.error().value(u"message"_s).toString().isEmpty());
}

void TestSimulatorProtocol::contentTypeMustBeForm()
{
    const SimResponse json = m_client->raw(
        "POST", u"/v1/customers"_s, "{\"name\":\"x\"}",
        {{"Authorization", "Bearer sk_test_kassatests0123456789"}, {"Content-Type", "application/json"}});
    QCOMPARE(json.status, 400);
    QVERIFY(json.error().value(u"message"_s).toString().contains(u"Content-Type"_s));
}

void TestSimulatorProtocol::emptyPostBodyIsAccepted()
{
    const QString pi = m_client->createPaymentIntent(1000);
    QVERIFY(!pi.isEmpty());
    const SimResponse canceled = m_client->post(u"/v1/payment_intents/%1/cancel"_s.arg(pi));
    QCOMPARE(canceled.status, 200);
    QCOMPARE(canceled.string(u"status"_s), u"canceled"_s);
}

void TestSimulatorProtocol::idempotentReplay()
{
    const QByteArray form = "amount=2500&currency=usd&payment_method=pm_card_visa&confirm=true";
    const SimResponse first = m_client->post(u"/v1/payment_intents"_s, form, "key-replay-1");
    QCOMPARE(first.status, 200);
    QCOMPARE(first.string(u"status"_s), u"succeeded"_s);
    QVERIFY(first.header("Idempotent-Replayed").isEmpty());
    const SimResponse second = m_client->post(u"/v1/payment_intents"_s, form, "key-replay-1");
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(second.body, first.body);
    QCOMPARE(second.header("Original-Request"), first.header("Request-Id"));
    // One payment, not two.
    const SimResponse list = m_client->get(u"/v1/payment_intents?limit=100"_s);
    QCOMPARE(list.json.value(u"data"_s).toArray().size(), 1);

    // A decline (402) is replayed too.
    const QByteArray declined =
        "amount=2500&currency=usd&payment_method=pm_card_visa_chargeDeclined&confirm=true";
    const SimResponse d1 = m_client->post(u"/v1/payment_intents"_s, declined, "key-replay-2");
    const SimResponse d2 = m_client->post(u"/v1/payment_intents"_s, declined, "key-replay-2");
    QCOMPARE(d1.status, 402);
    QCOMPARE(d2.status, 402);
    QCOMPARE(d2.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(d2.body, d1.body);
}

void TestSimulatorProtocol::idempotencyKeyWithOtherParameters()
{
    QCOMPARE(m_client->post(u"/v1/customers"_s, "name=Ann", "key-mismatch").status, 200);
    const SimResponse other = m_client->post(u"/v1/customers"_s, "name=Bob", "key-mismatch");
    QCOMPARE(other.status, 400);
    QCOMPARE(other.error().value(u"type"_s).toString(), u"idempotency_error"_s);
    QVERIFY(other.error().value(u"message"_s).toString().contains(u"key-mismatch"_s));
    // Another endpoint with the same key is also another request.
    QCOMPARE(m_client->post(u"/v1/payment_intents"_s, "amount=1000&currency=usd", "key-mismatch").status,
             400);
}

void TestSimulatorProtocol::idempotencyKeyInFlight()
{
    QCOMPARE(m_client->control(u"/_sim/faults"_s, QJsonObject{{u"latency_ms"_s, 600}}).status, 200);
    // The first request waits in the simulator; the second arrives while it is still running.
    QNetworkAccessManager network;
    QNetworkRequest request(m_client->url(u"/v1/customers"_s));
    request.setRawHeader("Authorization", "Bearer sk_test_kassatests0123456789");
    request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
    request.setRawHeader("Idempotency-Key", "key-in-flight");
    QNetworkReply *first = network.post(request, QByteArray("name=Ann"));
    QTest::qWait(150);
    const SimResponse second = m_client->post(u"/v1/customers"_s, "name=Ann", "key-in-flight");
    QVERIFY(QTest::qWaitFor([first] { return first->isFinished(); }, 5000));
    QCOMPARE(first->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete first;
    QCOMPARE(second.status, 409);
    QCOMPARE(second.errorCode(), u"idempotency_key_in_use"_s);
    QCOMPARE(m_client->control(u"/_sim/faults"_s, QJsonObject{}).status, 200);
    // Once done, the key replays.
    const SimResponse third = m_client->post(u"/v1/customers"_s, "name=Ann", "key-in-flight");
    QCOMPARE(third.status, 200);
    QCOMPARE(third.header("Idempotent-Replayed"), QByteArray("true"));
}

void TestSimulatorProtocol::idempotencyKeyTooLong()
{
    const SimResponse response = m_client->post(u"/v1/customers"_s, "name=Ann", QByteArray(256, 'k'));
    QCOMPARE(response.status, 400);
    QCOMPARE(m_client->post(u"/v1/customers"_s, "name=Ann", QByteArray(255, 'k')).status, 200);
}

void TestSimulatorProtocol::validationErrorsAreNotSaved()
{
    // A request that fails validation did not run: the same key may then carry a valid request.
    QCOMPARE(m_client->post(u"/v1/customers"_s, "nmae=Ann", "key-after-error").status, 400);
    const SimResponse fixed = m_client->post(u"/v1/customers"_s, "name=Ann", "key-after-error");
    QCOMPARE(fixed.status, 200);
    QVERIFY(fixed.header("Idempotent-Replayed").isEmpty());
}

void TestSimulatorProtocol::getIgnoresIdempotencyKey()
{
    const SimResponse a = m_client->get(u"/v1/customers"_s, {{"Idempotency-Key", "same"}});
    QCOMPARE(m_client->post(u"/v1/customers"_s, "name=Ann").status, 200);
    const SimResponse b = m_client->get(u"/v1/customers"_s, {{"Idempotency-Key", "same"}});
    QCOMPARE(a.json.value(u"data"_s).toArray().size(), 0);
    QCOMPARE(b.json.value(u"data"_s).toArray().size(), 1);
}

void TestSimulatorProtocol::keepAliveServesManyRequests()
{
    for (int i = 0; i < 50; ++i)
        QCOMPARE(m_client->get(u"/v1/balance"_s).status, 200);
    const SimResponse stats = m_client->get(u"/_sim/stats"_s);
    // QNetworkAccessManager keeps up to six connections per host open and reuses them.
    QVERIFY2(stats.json.value(u"connections"_s).toInt() <= 6, stats.body.constData());
    QVERIFY(stats.json.value(u"requests"_s).toInteger() >= 50);
}

QTEST_GUILESS_MAIN(TestSimulatorProtocol)
#include "tst_simulatorprotocol.moc"
