// StripeClient and StripeCall, the transport: what goes on the wire (headers, idempotency keys, form
// bodies), which API addresses are accepted, errors and their kinds, retries and backoff, timeouts and
// cancellation. Against the in-process simulator on 127.0.0.1:0 with injected faults, and against a tiny
// raw HTTP server (RawHttpServer) for answers the simulator cannot give: broken JSON, a proxy's HTML page,
// huge bodies, redirects.
//
// The whole suite runs once per HTTP transport: CTest runs this binary as tst_stripeclient with
// KASSA_HTTP_TRANSPORT=direct (DirectTransport, the default) and as tst_stripeclient_qnam with
// KASSA_HTTP_TRANSPORT=qnam (QnamTransport). DirectTransport's own cases are in tst_directtransport.
#include "countingnetworkaccessmanager.h"
#include "rawhttpserver.h"
#include "stripetestsupport.h"

#include "services/stripe/directtransport.h"
#include "services/stripe/qnamtransport.h"
#include "services/stripe/resources/balance.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/refunds.h"
#include "services/stripe/stripeclient.h"
#include "sim/simulator.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::stripe;
using kassa::sim::Faults;
using kassa::sim::Simulator;
using kassa::stripe::test::CountingNetworkAccessManager;
using kassa::stripe::test::describe;
using kassa::stripe::test::RawHttpServer;
using kassa::stripe::test::runCall;

Q_DECLARE_METATYPE(kassa::stripe::StripeRequest)
Q_DECLARE_METATYPE(kassa::stripe::StripeError::Kind)

namespace {

const QString TestKey = u"sk_test_kassaclient0123456789"_s;

PaymentIntents::CreateParams paymentParams(qint64 amount, const QString &tag = {})
{
    PaymentIntents::CreateParams params;
    params.amount = Money(amount, Currency::fromCode(u"usd").value());
    if (!tag.isEmpty())
        params.metadata.insert(u"tag"_s, tag);
    return params;
}

qint64 objectCount(const Simulator &sim, const QString &type)
{
    return sim.stats().value(u"objects"_s).toObject().value(type).toInteger(-1);
}

qint64 routeCount(const Simulator &sim, const QString &route)
{
    return sim.stats().value(u"by_route"_s).toObject().value(route).toInteger(0);
}

qint64 faultCount(const Simulator &sim, const QString &fault)
{
    return sim.stats().value(u"faults_injected"_s).toObject().value(fault).toInteger(0);
}

// Forwards to the transport under test and counts the requests it is asked to make, so that a test can
// tell that a request was never even attempted (an unacceptable API address, a missing key, a canceled
// call), whichever transport runs.
class CountingTransport : public HttpTransport
{
public:
    explicit CountingTransport(HttpTransport &inner)
        : m_inner(inner)
    {
    }
    HttpExchange *send(const HttpRequest &request) override
    {
        ++m_requests;
        return m_inner.send(request);
    }
    QString name() const override { return m_inner.name(); }
    int requestCount() const { return m_requests; }

private:
    HttpTransport &m_inner;
    int m_requests = 0;
};

QByteArray stripeErrorBody(const QString &type, const QString &message, const QString &code = {},
                           const QJsonObject &extra = {})
{
    QJsonObject error = extra;
    error.insert(u"type"_s, type);
    error.insert(u"message"_s, message);
    if (!code.isEmpty())
        error.insert(u"code"_s, code);
    return QJsonDocument(QJsonObject{{u"error"_s, error}}).toJson(QJsonDocument::Compact);
}

// A Stripe list of `count` PaymentIntent-like objects; about 530 bytes each.
QByteArray bigList(int count)
{
    QByteArray out = R"({"object":"list","url":"/v1/payment_intents","has_more":false,"data":[)";
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            out += ',';
        out += R"({"id":"pi_big)" + QByteArray::number(i) +
               R"(","object":"payment_intent","amount":1099,"amount_capturable":0,"amount_received":1099,)"
               R"("capture_method":"automatic","created":1732600000,"currency":"usd","customer":null,)"
               R"("description":"A fairly ordinary payment with a description long enough to matter",)"
               R"("latest_charge":"ch_big","livemode":false,"metadata":{"order":"A-1","till":"3"},)"
               R"("payment_method":"pm_big","payment_method_types":["card"],"status":"succeeded",)"
               R"("client_secret":"pi_big_secret_0123456789abcdefghijklmnopqrstuvwxyz"})";
    }
    out += "]}";
    return out;
}

} // namespace

class TestStripeClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    // The transport.
    void transportChoice();

    // Addresses and keys.
    void apiBaseAcceptance_data();
    void apiBaseAcceptance();
    void insecureBaseRefusedBeforeConnecting_data();
    void insecureBaseRefusedBeforeConnecting();
    void noApiKey();
    void liveKeyChangesPace();

    // On the wire.
    void headers_data();
    void headers();
    void distinctKeysPerRequest();
    void sameIdempotencyKeyOnRetries_data();
    void sameIdempotencyKeyOnRetries();
    void idsArePathEncoded_data();
    void idsArePathEncoded();
    void queryEncodingReachesTheServer();

    // Errors.
    void errorKinds_data();
    void errorKinds();
    void badKeyIsAuthenticationNotRetried();
    void idempotencyKeyReuse();

    // Faults of the simulator.
    void serverErrorsExhaustRetries();
    void flakyServerOnePaymentIntentPerKey();
    void dropAfterCommitReplays();
    void rateLimitRetriedThenReported();
    void hangTimesOut();
    void requestTimeoutOverridesClient();
    void connectionRefused();
    void cancel_data();
    void cancel();
    void destroyClientWithCallsInFlight_data();
    void destroyClientWithCallsInFlight();

    // Answers only a raw server gives.
    void connectionDropsRetriedWithSameKey();
    void malformedJsonNotRetried();
    void proxyHtml502Retried();
    void largeReplyParsed();
    void tooLargeReplyRefused_data();
    void tooLargeReplyRefused();
    void redirectNotFollowed_data();
    void redirectNotFollowed();
    void shouldRetryHeader_data();
    void shouldRetryHeader();
    void retryAfterHonoured();

private:
    StripeClient &makeClient(const QUrl &base, int maxRetries = 2);
    void setFaults(const Faults &faults) { m_sim->setFaults(faults); }
    // Requests the client asked its transport to make.
    int requestCount() const { return m_counting->requestCount(); }

    StripeClient::Transport m_kind = StripeClient::Transport::Direct;
    std::unique_ptr<Simulator> m_sim;
    std::unique_ptr<CountingNetworkAccessManager> m_network;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<CountingTransport> m_counting;
    std::unique_ptr<StripeClient> m_client;
};

void TestStripeClient::initTestCase()
{
    // KASSA_HTTP_TRANSPORT, as StripeClient reads it (CTest sets it for each of the two runs).
    m_kind = StripeClient::resolveTransport(StripeClient::Transport::Default);
    qInfo("HTTP transport under test: %s (KASSA_HTTP_TRANSPORT=%s)",
          m_kind == StripeClient::Transport::Qnam ? "qnam" : "direct",
          qgetenv("KASSA_HTTP_TRANSPORT").constData());
}

void TestStripeClient::init()
{
    m_sim = std::make_unique<Simulator>();
    QVERIFY2(m_sim->listen(QHostAddress::LocalHost, 0), qPrintable(m_sim->errorString()));
    m_sim->setRandomSeed(20261126);
    m_network = std::make_unique<CountingNetworkAccessManager>();
    if (m_kind == StripeClient::Transport::Qnam)
        m_transport = std::make_unique<QnamTransport>(*m_network);
    else
        m_transport = std::make_unique<DirectTransport>();
    m_counting = std::make_unique<CountingTransport>(*m_transport);
}

void TestStripeClient::cleanup()
{
    m_client.reset();
    m_counting.reset();
    m_transport.reset();
    m_network.reset();
    m_sim.reset();
}

StripeClient &TestStripeClient::makeClient(const QUrl &base, int maxRetries)
{
    StripeClient::Options options;
    options.apiBase = base;
    options.maxRetries = maxRetries;
    options.timeoutMs = 20'000;
    m_client = std::make_unique<StripeClient>(*m_counting, options);
    m_client->setApiKey(TestKey);
    m_client->setRate(1000);
    return *m_client;
}

// --- The transport --------------------------------------------------------------------------------------

void TestStripeClient::transportChoice()
{
    QCOMPARE(m_transport->name(), m_kind == StripeClient::Transport::Qnam ? u"qnam"_s : u"direct"_s);
    QCOMPARE(StripeClient::resolveTransport(StripeClient::Transport::Direct),
             StripeClient::Transport::Direct);
    QCOMPARE(StripeClient::resolveTransport(StripeClient::Transport::Qnam), StripeClient::Transport::Qnam);

    StripeClient::Options options;
    options.apiBase = m_sim->baseUrl();
    // What the client builds by itself: the environment's choice by default, the option when set.
    const StripeClient byDefault(*m_network, options);
    QCOMPARE(byDefault.transportName(), m_transport->name());
    options.transport = StripeClient::Transport::Direct;
    QCOMPARE(StripeClient(*m_network, options).transportName(), u"direct"_s);
    options.transport = StripeClient::Transport::Qnam;
    QCOMPARE(StripeClient(*m_network, options).transportName(), u"qnam"_s);

    const QByteArray saved = qgetenv("KASSA_HTTP_TRANSPORT");
    const auto restore = qScopeGuard([&saved] { qputenv("KASSA_HTTP_TRANSPORT", saved); });
    qputenv("KASSA_HTTP_TRANSPORT", "qnam");
    QCOMPARE(StripeClient::resolveTransport(StripeClient::Transport::Default), StripeClient::Transport::Qnam);
    QCOMPARE(StripeClient::resolveTransport(StripeClient::Transport::Direct),
             StripeClient::Transport::Direct);
    qputenv("KASSA_HTTP_TRANSPORT", "direct");
    QCOMPARE(StripeClient::resolveTransport(StripeClient::Transport::Default),
             StripeClient::Transport::Direct);
    qputenv("KASSA_HTTP_TRANSPORT", "");
    QCOMPARE(StripeClient::resolveTransport(StripeClient::Transport::Default),
             StripeClient::Transport::Direct);

    // Both reach the simulator.
    for (const auto kind : {StripeClient::Transport::Direct, StripeClient::Transport::Qnam}) {
        options.transport = kind;
        StripeClient client(*m_network, options);
        client.setApiKey(TestKey);
        const StripeResponse response = runCall(client, Balance::retrieve());
        QVERIFY2(response.ok(), describe(response).constData());
    }
}

// --- Addresses and keys ---------------------------------------------------------------------------------

void TestStripeClient::apiBaseAcceptance_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("acceptable");

    QTest::newRow("stripe") << u"https://api.stripe.com"_s << true;
    QTest::newRow("https anywhere") << u"https://stripe.example.net:8443/base"_s << true;
    QTest::newRow("http 127.0.0.1") << u"http://127.0.0.1:12111"_s << true;
    QTest::newRow("http 127.1.2.3") << u"http://127.1.2.3:12111"_s << true;
    QTest::newRow("http localhost") << u"http://localhost:12111"_s << true;
    QTest::newRow("http LOCALHOST") << u"http://LOCALHOST"_s << true;
    QTest::newRow("http ::1") << u"http://[::1]:12111"_s << true;
    QTest::newRow("http example.com") << u"http://example.com"_s << false;
    QTest::newRow("http api.stripe.com") << u"http://api.stripe.com"_s << false;
    QTest::newRow("http LAN address") << u"http://192.168.1.10:12111"_s << false;
    QTest::newRow("http 0.0.0.0") << u"http://0.0.0.0:12111"_s << false;
    QTest::newRow("http localhost lookalike") << u"http://localhost.example.com"_s << false;
    QTest::newRow("http 127.0.0.1 lookalike") << u"http://127.0.0.1.example.com"_s << false;
    QTest::newRow("ftp") << u"ftp://127.0.0.1"_s << false;
    QTest::newRow("no scheme") << u"api.stripe.com"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestStripeClient::apiBaseAcceptance()
{
    QFETCH(QString, url);
    QFETCH(bool, acceptable);

    QString why;
    QCOMPARE(StripeClient::isAcceptableApiBase(QUrl(url), &why), acceptable);
    QCOMPARE(why.isEmpty(), acceptable);
}

void TestStripeClient::insecureBaseRefusedBeforeConnecting_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("mention");

    QTest::newRow("http to a remote host") << u"http://example.com"_s << u"https"_s;
    QTest::newRow("http to a LAN address") << u"http://192.168.1.10:12111"_s << u"https"_s;
    QTest::newRow("ftp") << u"ftp://127.0.0.1:21"_s << u"https"_s;
    QTest::newRow("not a URL") << u"::::"_s << u"not a valid URL"_s;
}

void TestStripeClient::insecureBaseRefusedBeforeConnecting()
{
    QFETCH(QString, url);
    QFETCH(QString, mention);

    StripeClient &client = makeClient(QUrl(url));
    QString why;
    QVERIFY(!StripeClient::isAcceptableApiBase(client.apiBase(), &why));
    QVERIFY2(why.contains(mention), qPrintable(why));

    const StripeResponse balance = runCall(client, Balance::retrieve());
    QCOMPARE(balance.error.kind, StripeError::Kind::Connection);
    QCOMPARE(balance.error.message, why);
    QCOMPARE(balance.attempts, 0);
    const StripeResponse create = runCall(client, PaymentIntents::create(paymentParams(500)));
    QCOMPARE(create.error.kind, StripeError::Kind::Connection);
    QCOMPARE(requestCount(), 0); // no connection was even attempted

    // A good address later makes the same client work.
    client.setApiBase(m_sim->baseUrl());
    const StripeResponse after = runCall(client, Balance::retrieve());
    QVERIFY2(after.ok(), describe(after).constData());
    QCOMPARE(requestCount(), 1);
}

void TestStripeClient::noApiKey()
{
    StripeClient client(*m_counting, StripeClient::Options());
    client.setApiBase(m_sim->baseUrl());
    QVERIFY(!client.hasApiKey());
    const StripeResponse response = runCall(client, Balance::retrieve());
    QCOMPARE(response.error.kind, StripeError::Kind::Authentication);
    QVERIFY(!response.error.message.isEmpty());
    QCOMPARE(requestCount(), 0);

    client.setApiKey(u"  "_s); // blanks are no key
    QVERIFY(!client.hasApiKey());
}

void TestStripeClient::liveKeyChangesPace()
{
    StripeClient::Options options;
    options.apiBase = m_sim->baseUrl();
    StripeClient client(*m_counting, options);
    client.setApiKey(u"sk_test_abc"_s);
    QVERIFY(!client.isLiveMode());
    QCOMPARE(client.rate(), options.testModeRate);
    client.setApiKey(u"sk_live_abc"_s);
    QVERIFY(client.isLiveMode());
    QCOMPARE(client.rate(), options.liveModeRate);
    client.setApiKey(u"rk_live_abc"_s);
    QVERIFY(client.isLiveMode());
    client.setRate(7);
    client.setApiKey(u"sk_test_abc"_s);
    QVERIFY(!client.isLiveMode());
    QCOMPARE(client.rate(), 7); // a rate the user set stays
}

// --- On the wire ----------------------------------------------------------------------------------------

void TestStripeClient::headers_data()
{
    QTest::addColumn<StripeRequest>("request");
    QTest::addColumn<QByteArray>("method");

    PaymentIntents::ListParams list;
    list.limit = 3;
    list.createdGte = 1732600000;
    list.expand = {u"data.latest_charge"_s};
    QTest::newRow("GET with a query") << PaymentIntents::list(list) << QByteArray("GET");
    QTest::newRow("GET without parameters") << Balance::retrieve() << QByteArray("GET");
    PaymentIntents::CreateParams create = paymentParams(1099, u"caf\u00e9 & co"_s);
    create.description = u"two words = one & more"_s;
    QTest::newRow("POST with a body") << PaymentIntents::create(create) << QByteArray("POST");
    QTest::newRow("POST with an empty body") << Refunds::cancel(u"re_123"_s) << QByteArray("POST");
    QTest::newRow("DELETE") << Customers::remove(u"cus_123"_s) << QByteArray("DELETE");
}

void TestStripeClient::headers()
{
    QFETCH(StripeRequest, request);
    QFETCH(QByteArray, method);

    RawHttpServer server([](const RawHttpServer::Request &, int) {
        return RawHttpServer::json(200, R"({"id":"obj_1","object":"thing"})", "req_headers");
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    const StripeResponse response = runCall(client, request);
    QVERIFY2(response.ok(), describe(response).constData());
    QCOMPARE(response.requestId, u"req_headers"_s);
    QCOMPARE(response.json.value(u"id"_s).toString(), u"obj_1"_s);
    QCOMPARE(server.requests().size(), 1);

    const RawHttpServer::Request &seen = server.requests().first();
    QCOMPARE(seen.method, method);
    QCOMPARE(QString::fromUtf8(seen.path()), request.path);
    QCOMPARE(seen.header("Authorization"), QByteArray("Bearer " + TestKey.toLatin1()));
    QCOMPARE(seen.header("Stripe-Version"), QByteArray(StripeClient::ApiVersion));
    QCOMPARE(seen.header("User-Agent"), QByteArray("Kassa/" KASSA_VERSION));
    QCOMPARE(seen.header("Accept"), QByteArray("application/json"));
    QJsonParseError parseError;
    const QJsonDocument agent =
        QJsonDocument::fromJson(seen.header("X-Stripe-Client-User-Agent"), &parseError);
    QVERIFY2(agent.isObject(), qPrintable(parseError.errorString()));
    QCOMPARE(agent.object().value(u"bindings_version"_s).toString(), QStringLiteral(KASSA_VERSION));
    QCOMPARE(agent.object().value(u"publisher"_s).toString(), u"kassa"_s);
    QVERIFY(!agent.object().value(u"lang"_s).toString().isEmpty());
    QVERIFY(!agent.object().value(u"uname"_s).toString().isEmpty());
    QVERIFY(!seen.target.contains(TestKey.toLatin1())); // the key never travels in a URL

    if (method == "POST") {
        QVERIFY2(seen.header("Content-Type").startsWith("application/x-www-form-urlencoded"),
                 seen.header("Content-Type").constData());
        QCOMPARE(seen.body, request.params.encode());
        QVERIFY(seen.query().isEmpty());
        const QByteArray key = seen.header("Idempotency-Key");
        static const QRegularExpression UuidV4(
            u"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s);
        QVERIFY2(UuidV4.match(QString::fromLatin1(key)).hasMatch(), key.constData());
        QCOMPARE(response.idempotencyKey, QString::fromLatin1(key));
        if (request.params.isEmpty())
            QCOMPARE(seen.header("Content-Length"), QByteArray("0"));
    } else {
        QVERIFY(!seen.hasHeader("Idempotency-Key"));
        QVERIFY(response.idempotencyKey.isEmpty());
        QVERIFY(seen.body.isEmpty());
        QCOMPARE(seen.query(), request.params.encode());
        // The query decodes to exactly the parameters.
        const QUrlQuery query(QString::fromLatin1(seen.query()));
        QCOMPARE(query.queryItems(QUrl::FullyDecoded), request.params.items());
    }
}

void TestStripeClient::distinctKeysPerRequest()
{
    RawHttpServer server([](const RawHttpServer::Request &, int) {
        return RawHttpServer::json(200, R"({"id":"pi_1","object":"payment_intent"})", "req_k");
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    QVERIFY(runCall(client, PaymentIntents::create(paymentParams(100))).ok());
    QVERIFY(runCall(client, PaymentIntents::create(paymentParams(100))).ok());
    // The caller's own key (the outbox's) is sent as it is.
    QVERIFY(runCall(client, PaymentIntents::create(paymentParams(100), u"outbox-order-42-pay"_s)).ok());
    QCOMPARE(server.requests().size(), 3);
    const QByteArray first = server.requests().at(0).header("Idempotency-Key");
    const QByteArray second = server.requests().at(1).header("Idempotency-Key");
    QVERIFY(!first.isEmpty());
    QVERIFY(first != second);
    QCOMPARE(server.requests().at(2).header("Idempotency-Key"), QByteArray("outbox-order-42-pay"));
}

void TestStripeClient::sameIdempotencyKeyOnRetries_data()
{
    QTest::addColumn<QByteArray>("firstAnswer");
    QTest::addColumn<bool>("clientRetries"); // false: Qt may resend it by itself

    QTest::newRow("500 api_error") << RawHttpServer::json(500, stripeErrorBody(u"api_error"_s, u"boom"_s),
                                                          "req_500")
                                   << true;
    QTest::newRow("409 key in use") << RawHttpServer::json(409,
                                                           stripeErrorBody(u"invalid_request_error"_s,
                                                                           u"in progress"_s,
                                                                           u"idempotency_key_in_use"_s),
                                                           "req_409")
                                    << true;
    QTest::newRow("503 from a proxy")
        << RawHttpServer::response(503, "Service Unavailable", "text/plain") << true;
    QTest::newRow("connection closed without an answer") << RawHttpServer::closeWithoutAnswer() << false;
}

void TestStripeClient::sameIdempotencyKeyOnRetries()
{
    QFETCH(QByteArray, firstAnswer);
    QFETCH(bool, clientRetries);

    RawHttpServer server([firstAnswer](const RawHttpServer::Request &, int index) {
        return index == 0
                   ? firstAnswer
                   : RawHttpServer::json(200, R"({"id":"pi_retried","object":"payment_intent"})", "req_ok");
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    StripeCall *call = client.send(PaymentIntents::create(paymentParams(700)));
    QSignalSpy retrying(call, &StripeCall::retrying);
    QSignalSpy finished(call, &StripeCall::finished);
    QVERIFY(finished.wait(10'000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QVERIFY2(response.ok(), describe(response).constData());
    QCOMPARE(response.json.value(u"id"_s).toString(), u"pi_retried"_s);
    if (clientRetries) {
        QCOMPARE(retrying.size(), 1);
        QCOMPARE(retrying.first().at(0).toInt(), 1);
        QVERIFY(retrying.first().at(1).toInt() >= RetryPolicy::InitialDelayMs);
        QCOMPARE(response.attempts, 2);
    }

    QVERIFY(server.requests().size() >= 2);
    const QByteArray key = server.requests().first().header("Idempotency-Key");
    QVERIFY(!key.isEmpty());
    for (const RawHttpServer::Request &request : server.requests()) {
        QCOMPARE(request.header("Idempotency-Key"), key);
        QCOMPARE(request.body, server.requests().first().body);
    }
    QCOMPARE(response.idempotencyKey, QString::fromLatin1(key));
}

void TestStripeClient::idsArePathEncoded_data()
{
    QTest::addColumn<QString>("id");

    QTest::newRow("slashes and dots") << u"pi_1/../../balance"_s;
    QTest::newRow("query") << u"pi_1?expand[]=customer"_s;
    QTest::newRow("fragment") << u"pi_1#x"_s;
    QTest::newRow("encoded slash") << u"pi_1%2F..%2Fbalance"_s;
}

void TestStripeClient::idsArePathEncoded()
{
    QFETCH(QString, id);

    StripeClient &client = makeClient(m_sim->baseUrl());
    const StripeResponse response = runCall(client, PaymentIntents::retrieve(id));
    QCOMPARE(response.error.kind, StripeError::Kind::InvalidRequest);
    QCOMPARE(response.httpStatus, 404);
    QCOMPARE(routeCount(*m_sim, u"GET /v1/balance"_s), qint64(0));
    QCOMPARE(routeCount(*m_sim, u"GET /v1/payment_intents/{intent}"_s), qint64(1));
}

void TestStripeClient::queryEncodingReachesTheServer()
{
    // A GET's query must arrive as sent: '+' stays a plus, '&' and '=' stay inside the value.
    StripeClient &client = makeClient(m_sim->baseUrl());
    Customers::Params params;
    params.email = u"ada+till&x=y@example.com"_s;
    params.name = u"Ada Lovelace"_s;
    const StripeResponse created = runCall(client, Customers::create(params));
    QVERIFY2(created.ok(), describe(created).constData());

    const StripeResponse listed = runCall(client, Customers::list(params.email));
    QVERIFY2(listed.ok(), describe(listed).constData());
    const QJsonArray data = listed.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(data.first().toObject().value(u"email"_s).toString(), params.email);
    const StripeResponse none = runCall(client, Customers::list(u"ada till&x=y@example.com"_s));
    QVERIFY(none.ok());
    QVERIFY(none.json.value(u"data"_s).toArray().isEmpty());
}

// --- Errors ---------------------------------------------------------------------------------------------

void TestStripeClient::errorKinds_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<StripeError::Kind>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("param");

    using K = StripeError::Kind;
    const auto err = [](int status, const QString &type, const QString &code = {},
                        const QJsonObject &extra = {}) {
        return RawHttpServer::json(status, stripeErrorBody(type, u"Something about it."_s, code, extra),
                                   "req_kind");
    };
    QTest::newRow("400 invalid_request_error")
        << err(400, u"invalid_request_error"_s, u"parameter_invalid_integer"_s, {{u"param"_s, u"amount"_s}})
        << K::InvalidRequest << 400 << u"parameter_invalid_integer"_s << u"amount"_s;
    QTest::newRow("400 idempotency_error")
        << err(400, u"idempotency_error"_s) << K::Idempotency << 400 << QString() << QString();
    QTest::newRow("401") << err(401, u"invalid_request_error"_s) << K::Authentication << 401 << QString()
                         << QString();
    QTest::newRow("402 card_error") << err(402, u"card_error"_s, u"card_declined"_s,
                                           {{u"decline_code"_s, u"insufficient_funds"_s}})
                                    << K::Card << 402 << u"card_declined"_s << QString();
    QTest::newRow("403") << err(403, u"invalid_request_error"_s) << K::Permission << 403 << QString()
                         << QString();
    QTest::newRow("404 resource_missing")
        << err(404, u"invalid_request_error"_s, u"resource_missing"_s, {{u"param"_s, u"id"_s}})
        << K::InvalidRequest << 404 << u"resource_missing"_s << u"id"_s;
    QTest::newRow("429") << err(429, u"invalid_request_error"_s, u"rate_limit"_s) << K::RateLimit << 429
                         << u"rate_limit"_s << QString();
    QTest::newRow("500 api_error") << err(500, u"api_error"_s) << K::Api << 500 << QString() << QString();
    QTest::newRow("503 plain text") << RawHttpServer::response(503, "Service Unavailable", "text/plain",
                                                               {{"Request-Id", "req_kind"}})
                                    << K::Api << 503 << QString() << QString();
    QTest::newRow("400 empty body") << RawHttpServer::response(400, {}, "application/json",
                                                               {{"Request-Id", "req_kind"}})
                                    << K::InvalidRequest << 400 << QString() << QString();
}

void TestStripeClient::errorKinds()
{
    QFETCH(QByteArray, answer);
    QFETCH(StripeError::Kind, kind);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, param);

    RawHttpServer server([answer](const RawHttpServer::Request &, int) { return answer; });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 0);
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QCOMPARE(response.error.kind, kind);
    QCOMPARE(response.httpStatus, status);
    QCOMPARE(response.error.httpStatus, status);
    QCOMPARE(response.error.code, code);
    QCOMPARE(response.error.param, param);
    QCOMPARE(response.error.requestId, u"req_kind"_s);
    QCOMPARE(response.requestId, u"req_kind"_s);
    QVERIFY(!response.error.message.isEmpty());
    QVERIFY2(response.error.toString().contains(u"req_kind"_s), qPrintable(response.error.toString()));
    QCOMPARE(response.attempts, 1);
    QVERIFY(response.json.isEmpty());
}

void TestStripeClient::badKeyIsAuthenticationNotRetried()
{
    StripeClient &client = makeClient(m_sim->baseUrl());
    client.setApiKey(u"sk_test_short"_s); // not a key the simulator accepts
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QCOMPARE(response.error.kind, StripeError::Kind::Authentication);
    QCOMPARE(response.httpStatus, 401);
    QCOMPARE(response.attempts, 1);
    QVERIFY(response.error.requestId.startsWith(u"req_"_s));
    QVERIFY2(!response.error.message.contains(u"sk_test_short"_s), qPrintable(response.error.message));
    QCOMPARE(m_sim->stats().value(u"requests"_s).toInteger(), qint64(1));
    QCOMPARE(requestCount(), 1);
}

void TestStripeClient::idempotencyKeyReuse()
{
    StripeClient &client = makeClient(m_sim->baseUrl());
    const StripeResponse first =
        runCall(client, PaymentIntents::create(paymentParams(1200), u"kassa-reuse-1"_s));
    QVERIFY2(first.ok(), describe(first).constData());
    QVERIFY(!first.idempotentReplayed);
    // The same request again: Stripe replays the first answer.
    const StripeResponse again =
        runCall(client, PaymentIntents::create(paymentParams(1200), u"kassa-reuse-1"_s));
    QVERIFY2(again.ok(), describe(again).constData());
    QVERIFY(again.idempotentReplayed);
    QCOMPARE(again.json.value(u"id"_s), first.json.value(u"id"_s));
    QCOMPARE(objectCount(*m_sim, u"payment_intent"_s), qint64(1));
    // Other parameters under the same key: an idempotency error, not retried.
    const StripeResponse other =
        runCall(client, PaymentIntents::create(paymentParams(1300), u"kassa-reuse-1"_s));
    QCOMPARE(other.error.kind, StripeError::Kind::Idempotency);
    QCOMPARE(other.httpStatus, 400);
    QCOMPARE(other.attempts, 1);
    QCOMPARE(objectCount(*m_sim, u"payment_intent"_s), qint64(1));
}

// --- Faults of the simulator ----------------------------------------------------------------------------

void TestStripeClient::serverErrorsExhaustRetries()
{
    StripeClient &client = makeClient(m_sim->baseUrl(), 2);
    Faults faults;
    faults.error500Rate = 1;
    setFaults(faults);

    StripeCall *call = client.send(PaymentIntents::create(paymentParams(900)));
    QSignalSpy retrying(call, &StripeCall::retrying);
    QSignalSpy finished(call, &StripeCall::finished);
    QVERIFY(finished.wait(15'000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QCOMPARE(response.httpStatus, 500);
    QCOMPARE(response.attempts, 3);
    QVERIFY(response.error.requestId.startsWith(u"req_"_s));
    QCOMPARE(retrying.size(), 2);
    for (int i = 0; i < retrying.size(); ++i) {
        QCOMPARE(retrying.at(i).at(0).toInt(), i + 1);
        const int delay = retrying.at(i).at(1).toInt();
        QVERIFY2(delay >= 500 && delay <= (500 << i), qPrintable(QString::number(delay)));
        QCOMPARE(retrying.at(i).at(2).value<StripeError>().kind, StripeError::Kind::Api);
    }
    QCOMPARE(faultCount(*m_sim, u"error_500"_s), qint64(3));
    QCOMPARE(objectCount(*m_sim, u"payment_intent"_s), qint64(0));
}

void TestStripeClient::flakyServerOnePaymentIntentPerKey()
{
    StripeClient &client = makeClient(m_sim->baseUrl(), 8);
    Faults faults;
    faults.error500Rate = 0.5;
    faults.seed = 4242;
    setFaults(faults);

    constexpr int Count = 5;
    QList<std::optional<StripeResponse>> results(Count);
    QObject context;
    for (int i = 0; i < Count; ++i) {
        const QString key = u"kassa-flaky-%1"_s.arg(i);
        PaymentIntents::CreateParams params = paymentParams(1000 + i, key);
        client.send(PaymentIntents::create(params, key), &context,
                    [&results, i](const StripeResponse &response) { results[i] = response; });
    }
    QVERIFY(QTest::qWaitFor(
        [&results] {
            return std::all_of(results.cbegin(), results.cend(), [](const auto &r) { return r.has_value(); });
        },
        40'000));
    int retried = 0;
    for (int i = 0; i < Count; ++i) {
        QVERIFY2(results[i]->ok(), describe(*results[i]).constData());
        QCOMPARE(results[i]->idempotencyKey, u"kassa-flaky-%1"_s.arg(i));
        retried += results[i]->attempts - 1;
    }
    QVERIFY2(retried > 0, "the seed should make some attempts fail");
    QCOMPARE(faultCount(*m_sim, u"error_500"_s), qint64(retried));

    setFaults(Faults{});
    QCOMPARE(objectCount(*m_sim, u"payment_intent"_s), qint64(Count));
    PaymentIntents::ListParams list;
    list.limit = 100;
    const StripeResponse listed = runCall(client, PaymentIntents::list(list));
    QVERIFY2(listed.ok(), describe(listed).constData());
    QMap<QString, int> perKey;
    const QJsonArray data = listed.json.value(u"data"_s).toArray();
    for (const QJsonValue &pi : data)
        ++perKey[pi.toObject().value(u"metadata"_s).toObject().value(u"tag"_s).toString()];
    QCOMPARE(perKey.size(), Count);
    for (auto it = perKey.cbegin(); it != perKey.cend(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(it.key()));
}

void TestStripeClient::dropAfterCommitReplays()
{
    StripeClient &client = makeClient(m_sim->baseUrl(), 2);
    Faults faults;
    faults.dropAfterCommitRate = 1;
    setFaults(faults);

    StripeCall *call = client.send(PaymentIntents::create(paymentParams(4200, u"dropped"_s)));
    QList<StripeError> reasons;
    connect(call, &StripeCall::retrying, this, [this, &reasons](int, int, const StripeError &reason) {
        reasons.append(reason);
        setFaults(Faults{}); // the network is back for the retry
    });
    QSignalSpy finished(call, &StripeCall::finished);
    QVERIFY(finished.wait(15'000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QVERIFY2(response.ok(), describe(response).constData());
    // The PaymentIntent was made by the first attempt, whose answer was lost. Whoever sent it again (Qt
    // resends a request once by itself when the connection closes before any answer, else the client
    // retries), the same key brought back the first answer instead of a second PaymentIntent.
    QVERIFY(response.idempotentReplayed);
    QCOMPARE(faultCount(*m_sim, u"drop_after_commit"_s), qint64(1));
    QCOMPARE(faultCount(*m_sim, u"idempotent_replay"_s), qint64(1));
    QCOMPARE(routeCount(*m_sim, u"POST /v1/payment_intents"_s), qint64(2));
    QCOMPARE(objectCount(*m_sim, u"payment_intent"_s), qint64(1));
    QCOMPARE(response.json.value(u"metadata"_s).toObject().value(u"tag"_s).toString(), u"dropped"_s);
    QCOMPARE(response.attempts, 1 + int(reasons.size()));
    for (const StripeError &reason : std::as_const(reasons))
        QCOMPARE(reason.kind, StripeError::Kind::Connection);

    // The intent the replay names is the only one there is.
    setFaults(Faults{});
    const StripeResponse retrieved =
        runCall(client, PaymentIntents::retrieve(response.json.value(u"id"_s).toString()));
    QVERIFY2(retrieved.ok(), describe(retrieved).constData());
}

void TestStripeClient::rateLimitRetriedThenReported()
{
    StripeClient &client = makeClient(m_sim->baseUrl(), 2);
    Faults faults;
    faults.rateLimit429Rate = 1;
    setFaults(faults);

    StripeCall *call = client.send(Balance::retrieve());
    QSignalSpy retrying(call, &StripeCall::retrying);
    QSignalSpy finished(call, &StripeCall::finished);
    QVERIFY(finished.wait(15'000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QCOMPARE(response.error.kind, StripeError::Kind::RateLimit);
    QCOMPARE(response.httpStatus, 429);
    QCOMPARE(response.error.code, u"rate_limit"_s);
    QCOMPARE(response.attempts, 3);
    QCOMPARE(retrying.size(), 2);
    QCOMPARE(faultCount(*m_sim, u"rate_limit_429"_s), qint64(3));
}

void TestStripeClient::hangTimesOut()
{
    StripeClient &client = makeClient(m_sim->baseUrl(), 2);
    client.setTimeoutMs(1500);
    Faults faults;
    faults.hangRate = 1;
    setFaults(faults);

    QElapsedTimer timer;
    timer.start();
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)), 10'000);
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(response.error.kind, StripeError::Kind::Connection);
    QCOMPARE(response.httpStatus, 0);
    QVERIFY(response.requestId.isEmpty());
    QVERIFY2(response.error.message.contains(u"did not answer"_s), qPrintable(response.error.message));
    QVERIFY2(elapsed >= 1400 && elapsed <= 3000, qPrintable(QString::number(elapsed)));
    QVERIFY(faultCount(*m_sim, u"hang"_s) >= 1);
}

void TestStripeClient::requestTimeoutOverridesClient()
{
    StripeClient &client = makeClient(m_sim->baseUrl(), 0);
    Faults faults;
    faults.latencyMs = 1500;
    setFaults(faults);

    StripeRequest slow = Balance::retrieve();
    slow.timeoutMs = 300;
    QElapsedTimer timer;
    timer.start();
    const StripeResponse response = runCall(client, slow, 10'000);
    QCOMPARE(response.error.kind, StripeError::Kind::Connection);
    QVERIFY2(timer.elapsed() < 1200, qPrintable(QString::number(timer.elapsed())));

    // The client's own timeout (20 s here) lets the same request through.
    const StripeResponse patient = runCall(client, Balance::retrieve(), 10'000);
    QVERIFY2(patient.ok(), describe(patient).constData());
}

void TestStripeClient::connectionRefused()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close(); // nothing listens there any more

    StripeClient &client = makeClient(QUrl(u"http://127.0.0.1:%1"_s.arg(port)), 1);
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QCOMPARE(response.error.kind, StripeError::Kind::Connection);
    QCOMPARE(response.httpStatus, 0);
    QCOMPARE(response.attempts, 2);
    QVERIFY2(response.error.message.contains(u"Could not reach Stripe"_s),
             qPrintable(response.error.message));
    QCOMPARE(requestCount(), 2);
}

void TestStripeClient::cancel_data()
{
    QTest::addColumn<QString>("when");
    QTest::addColumn<int>("attempts");

    QTest::newRow("before it starts") << u"before"_s << 0;
    QTest::newRow("in flight") << u"inflight"_s << 1;
    QTest::newRow("while waiting to retry") << u"backoff"_s << 1;
}

void TestStripeClient::cancel()
{
    QFETCH(QString, when);
    QFETCH(int, attempts);

    StripeClient &client = makeClient(m_sim->baseUrl(), 2);
    Faults faults;
    if (when == u"inflight"_s)
        faults.latencyMs = 3000;
    if (when == u"backoff"_s)
        faults.error500Rate = 1;
    setFaults(faults);

    QElapsedTimer timer;
    timer.start();
    QPointer<StripeCall> call = client.send(PaymentIntents::create(paymentParams(100)));
    QSignalSpy finished(call.data(), &StripeCall::finished);
    if (when == u"before"_s) {
        call->cancel();
    } else if (when == u"inflight"_s) {
        QVERIFY(
            QTest::qWaitFor([this] { return m_sim->stats().value(u"requests"_s).toInteger() >= 1; }, 5000));
        call->cancel();
    } else {
        connect(call.data(), &StripeCall::retrying, call.data(), &StripeCall::cancel);
    }
    QVERIFY(finished.size() == 1 || finished.wait(5000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QCOMPARE(response.error.kind, StripeError::Kind::Canceled);
    QCOMPARE(response.attempts, attempts);
    QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(QTest::qWaitFor([&call] { return call.isNull(); }, 2000)); // it deletes itself

    // Nothing more reaches the server afterwards, and nothing more is reported.
    QTest::qWait(1200);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(requestCount(), attempts);
    if (when != u"inflight"_s) // an in-flight request may still be applied by the server
        QCOMPARE(objectCount(*m_sim, u"payment_intent"_s), qint64(0));
}

void TestStripeClient::destroyClientWithCallsInFlight_data()
{
    QTest::addColumn<QString>("when");
    QTest::newRow("not started yet") << u"before"_s;
    QTest::newRow("in flight") << u"inflight"_s;
    QTest::newRow("waiting to retry") << u"backoff"_s;
}

void TestStripeClient::destroyClientWithCallsInFlight()
{
    QFETCH(QString, when);

    StripeClient &client = makeClient(m_sim->baseUrl(), 2);
    Faults faults;
    if (when == u"inflight"_s)
        faults.latencyMs = 3000;
    if (when == u"backoff"_s)
        faults.error500Rate = 1;
    setFaults(faults);

    std::optional<StripeResponse> result;
    int reported = 0;
    QObject context;
    QPointer<StripeCall> call =
        client.send(Balance::retrieve(), &context, [&](const StripeResponse &response) {
            result = response;
            ++reported;
        });
    QSignalSpy retrying(call.data(), &StripeCall::retrying);
    if (when == u"inflight"_s)
        QVERIFY(
            QTest::qWaitFor([this] { return m_sim->stats().value(u"requests"_s).toInteger() >= 1; }, 5000));
    if (when == u"backoff"_s)
        QVERIFY(retrying.wait(5000));

    m_client.reset(); // the owner goes away with a request unfinished
    QVERIFY(call.isNull());
    // The caller hears once that its request ended: canceled, not a network failure.
    QVERIFY(QTest::qWaitFor([&result] { return result.has_value(); }, 1000));
    QCOMPARE(result->error.kind, StripeError::Kind::Canceled);
    QTest::qWait(100);
    QCOMPARE(reported, 1);
}

// --- Answers only a raw server gives --------------------------------------------------------------------

void TestStripeClient::connectionDropsRetriedWithSameKey()
{
    // Every attempt is cut off after the request arrived. Qt may resend a request on its own once the
    // connection closes before any answer; either way, every copy carries the same key.
    RawHttpServer server(
        [](const RawHttpServer::Request &, int) { return RawHttpServer::closeWithoutAnswer(); });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 2);
    StripeCall *call = client.send(PaymentIntents::create(paymentParams(100)));
    QSignalSpy retrying(call, &StripeCall::retrying);
    QSignalSpy finished(call, &StripeCall::finished);
    QVERIFY(finished.wait(15'000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QCOMPARE(response.error.kind, StripeError::Kind::Connection);
    QVERIFY2(response.error.message.contains(u"Could not reach Stripe"_s),
             qPrintable(response.error.message));
    QCOMPARE(response.attempts, 3);
    QCOMPARE(retrying.size(), 2);
    QCOMPARE(retrying.first().at(2).value<StripeError>().kind, StripeError::Kind::Connection);
    QVERIFY(server.requests().size() >= 3);
    for (const RawHttpServer::Request &request : server.requests())
        QCOMPARE(request.header("Idempotency-Key"), server.requests().first().header("Idempotency-Key"));
}

void TestStripeClient::malformedJsonNotRetried()
{
    RawHttpServer server([](const RawHttpServer::Request &, int) {
        return RawHttpServer::json(200, R"({"id":"pi_1","object":"payment_intent",)", "req_malformed");
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 2);
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QCOMPARE(response.httpStatus, 200);
    QCOMPARE(response.error.requestId, u"req_malformed"_s);
    QVERIFY2(response.error.toString().contains(u"req_malformed"_s), qPrintable(response.error.toString()));
    QCOMPARE(response.attempts, 1);
    QCOMPARE(server.requests().size(), 1);
    QVERIFY(response.json.isEmpty());

    // A JSON value that is not an object is no better.
    RawHttpServer array([](const RawHttpServer::Request &, int) {
        return RawHttpServer::json(200, R"(["pi_1"])", "req_array");
    });
    QVERIFY(array.listen());
    client.setApiBase(array.baseUrl());
    const StripeResponse listAnswer = runCall(client, Balance::retrieve());
    QCOMPARE(listAnswer.error.kind, StripeError::Kind::Api);
    QCOMPARE(listAnswer.error.requestId, u"req_array"_s);
    QCOMPARE(array.requests().size(), 1);
}

void TestStripeClient::proxyHtml502Retried()
{
    RawHttpServer server([](const RawHttpServer::Request &, int) {
        return RawHttpServer::response(
            502,
            "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
            "text/html");
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 2);
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QCOMPARE(response.httpStatus, 502);
    QVERIFY2(response.error.message.contains(u"HTTP 502"_s), qPrintable(response.error.message));
    QVERIFY(response.error.requestId.isEmpty());
    QCOMPARE(response.attempts, 3);
    QCOMPARE(server.requests().size(), 3);
}

void TestStripeClient::largeReplyParsed()
{
    const QByteArray body = bigList(11'000);
    QVERIFY2(body.size() > 5 * 1000 * 1000, QByteArray::number(body.size()).constData());
    RawHttpServer server(
        [body](const RawHttpServer::Request &, int) { return RawHttpServer::json(200, body, "req_big"); });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    const StripeResponse response = runCall(client, PaymentIntents::list({}));
    QVERIFY2(response.ok(), describe(response).constData());
    const QJsonArray data = response.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 11'000);
    QCOMPARE(data.last().toObject().value(u"id"_s).toString(), u"pi_big10999"_s);
}

void TestStripeClient::tooLargeReplyRefused_data()
{
    QTest::addColumn<bool>("withLength");
    QTest::newRow("with Content-Length") << true;
    QTest::newRow("without Content-Length") << false;
}

void TestStripeClient::tooLargeReplyRefused()
{
    QFETCH(bool, withLength);

    const QByteArray body = bigList(4000); // about 2 MB
    RawHttpServer server([body, withLength](const RawHttpServer::Request &, int) {
        if (withLength)
            return RawHttpServer::json(200, body, "req_huge");
        return QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRequest-Id: req_huge\r\n"
                          "Connection: close\r\n\r\n" +
                          body);
    });
    QVERIFY(server.listen());
    StripeClient::Options options;
    options.apiBase = server.baseUrl();
    options.maxResponseBytes = 1024 * 1024;
    m_client = std::make_unique<StripeClient>(*m_counting, options);
    m_client->setApiKey(TestKey);
    m_client->setRate(1000);
    const StripeResponse response = runCall(*m_client, PaymentIntents::list({}));
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QVERIFY2(response.error.message.contains(u"1 MiB"_s), qPrintable(response.error.message));
    QCOMPARE(response.attempts, 1);
    QCOMPARE(server.requests().size(), 1);
    QVERIFY(response.json.isEmpty());
}

void TestStripeClient::redirectNotFollowed_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("301") << 301;
    QTest::newRow("302") << 302;
    QTest::newRow("307") << 307;
}

void TestStripeClient::redirectNotFollowed()
{
    QFETCH(int, status);

    RawHttpServer *self = nullptr;
    RawHttpServer server([&self, status](const RawHttpServer::Request &, int) {
        const QByteArray location = self->baseUrl().toString().toLatin1() + "/v1/elsewhere";
        return RawHttpServer::response(status, {}, {},
                                       {{"Location", location}, {"Request-Id", "req_redirect"}});
    });
    self = &server;
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QVERIFY(!response.ok());
    QCOMPARE(response.httpStatus, status);
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QCOMPARE(response.error.requestId, u"req_redirect"_s);
    QCOMPARE(response.attempts, 1);
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests().first().path(), QByteArray("/v1/payment_intents"));
}

void TestStripeClient::shouldRetryHeader_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("shouldRetry");
    QTest::addColumn<int>("attempts");

    QTest::newRow("400 with true") << 400 << QByteArray("true") << 2;
    QTest::newRow("500 with false") << 500 << QByteArray("false") << 1;
    QTest::newRow("409 with false") << 409 << QByteArray("false") << 1;
    QTest::newRow("503 without") << 503 << QByteArray() << 2;
}

void TestStripeClient::shouldRetryHeader()
{
    QFETCH(int, status);
    QFETCH(QByteArray, shouldRetry);
    QFETCH(int, attempts);

    RawHttpServer server([status, shouldRetry](const RawHttpServer::Request &, int) {
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!shouldRetry.isEmpty())
            headers.emplaceBack("Stripe-Should-Retry", shouldRetry);
        return RawHttpServer::json(status, stripeErrorBody(u"api_error"_s, u"try me"_s), "req_sr", headers);
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 1);
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QVERIFY(!response.ok());
    QCOMPARE(response.httpStatus, status);
    QCOMPARE(response.attempts, attempts);
    QCOMPARE(server.requests().size(), attempts);
}

void TestStripeClient::retryAfterHonoured()
{
    RawHttpServer server([](const RawHttpServer::Request &, int index) {
        if (index == 0)
            return RawHttpServer::json(
                429, stripeErrorBody(u"invalid_request_error"_s, u"slow down"_s, u"rate_limit"_s), "req_429",
                {{"Retry-After", "2"}});
        return RawHttpServer::json(200, R"({"object":"balance","available":[],"pending":[]})", "req_ok");
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 2);
    StripeCall *call = client.send(Balance::retrieve());
    QSignalSpy retrying(call, &StripeCall::retrying);
    QSignalSpy finished(call, &StripeCall::finished);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(finished.wait(10'000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QVERIFY2(response.ok(), describe(response).constData());
    QCOMPARE(response.attempts, 2);
    QCOMPARE(retrying.size(), 1);
    QVERIFY(retrying.first().at(1).toInt() >= 2000);
    QCOMPARE(retrying.first().at(2).value<StripeError>().kind, StripeError::Kind::RateLimit);
    QVERIFY2(timer.elapsed() >= 1900, qPrintable(QString::number(timer.elapsed())));
}

QTEST_GUILESS_MAIN(TestStripeClient)
#include "tst_stripeclient.moc"
