// The simulator's flows over real HTTP: server-driven Terminal, Checkout and its hosted pages, signed
// webhooks with retries, injected faults, the /_sim control endpoints, the state file, demo data and the
// kassa-stripe-sim executable.
#include "net/httpserver.h"
#include "simtestclient.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <limits>

using namespace Qt::StringLiterals;
using kassa::sim::HttpRequest;
using kassa::sim::HttpResponder;
using kassa::sim::HttpResponse;
using kassa::sim::HttpServer;
using kassa::sim::test::SimResponse;
using kassa::sim::test::SimTestClient;

namespace {

using Headers = QList<std::pair<QByteArray, QByteArray>>;

constexpr auto ApiKey = "sk_test_kassatests0123456789";
const QByteArray CheckoutLineItems =
    "line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=1250"
    "&line_items[0][price_data][product_data][name]=Flat%20white&line_items[0][quantity]=2"
    "&line_items[1][price_data][currency]=usd&line_items[1][price_data][unit_amount]=450"
    "&line_items[1][price_data][product_data][name]=Croissant&line_items[1][quantity]=1";
const QString SuccessUrl = u"https://shop.example/done?session={CHECKOUT_SESSION_ID}"_s;

// The value at a dotted path ("action.process_payment_intent.payment_intent") of a JSON object.
QJsonValue at(const QJsonObject &object, QStringView path)
{
    QJsonValue value = object;
    for (const QStringView part : path.tokenize(u'.'))
        value = value.toObject().value(part);
    return value;
}

QString str(const QJsonObject &object, QStringView path)
{
    return at(object, path).toString();
}

QByteArray percent(const QString &text)
{
    return QUrl::toPercentEncoding(text);
}

// One HTTP exchange outside SimTestClient: redirects are not followed (hosted pages answer 303), and any
// host can be asked (the executable runs in another process).
struct Fetched
{
    int status = 0;
    QByteArray body;
    QByteArray location;
    QByteArray contentType;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

Fetched fetch(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
              const Headers &headers = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(10'000);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    if (method == "POST" && !request.hasRawHeader("Content-Type"))
        request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
    QNetworkReply *reply =
        method == "GET" ? network.get(request) : network.sendCustomRequest(request, method, body);
    // A local event loop rather than QTest::qWaitFor, which sleeps 10 ms between rounds: the seed test
    // sends over a hundred requests.
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15'000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    if (!reply->isFinished())
        reply->abort();
    Fetched out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.location = reply->rawHeader("Location");
    out.contentType = reply->rawHeader("Content-Type");
    delete reply;
    return out;
}

// Sends bytes on a fresh TCP connection and collects what comes back until the server closes the
// connection or the time is up; QNetworkAccessManager would resend a request whose connection closed.
struct RawExchange
{
    QByteArray received;
    bool closedByServer = false;
};

RawExchange exchangeRaw(quint16 port, const QByteArray &request, int timeoutMs)
{
    RawExchange out;
    QTcpSocket socket;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { out.received += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::disconnected, [&] { out.closedByServer = true; });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, [&](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            out.closedByServer = true;
    });
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write(request);
    if (!QTest::qWaitFor([&] { return out.closedByServer; }, timeoutMs))
        socket.abort();
    out.received += socket.readAll();
    return out;
}

// Checks a Stripe-Signature header as Stripe's libraries do (any v1 matches, 300 s tolerance);
// returns what is wrong, or an empty string.
QString signatureProblem(const QByteArray &header, const QByteArray &body, const QByteArray &secret)
{
    QByteArray timestamp;
    QList<QByteArray> signatures;
    const QList<QByteArray> parts = header.split(',');
    for (const QByteArray &part : parts) {
        const qsizetype equals = part.indexOf('=');
        if (equals <= 0)
            return u"malformed element '%1'"_s.arg(QString::fromLatin1(part));
        const QByteArray key = part.left(equals).trimmed();
        if (key == "t")
            timestamp = part.mid(equals + 1);
        else if (key == "v1")
            signatures.append(part.mid(equals + 1));
    }
    bool ok = false;
    const qint64 t = timestamp.toLongLong(&ok);
    if (!ok)
        return u"no timestamp in '%1'"_s.arg(QString::fromLatin1(header));
    if (qAbs(QDateTime::currentSecsSinceEpoch() - t) > 300)
        return u"timestamp %1 is outside the 300 s tolerance"_s.arg(t);
    const QByteArray expected = QMessageAuthenticationCode::hash(QByteArray(timestamp + '.' + body), secret,
                                                                 QCryptographicHash::Sha256)
                                    .toHex();
    if (signatures.isEmpty())
        return u"no v1 signature"_s;
    for (const QByteArray &signature : std::as_const(signatures)) {
        if (signature == expected)
            return {};
    }
    return u"no v1 signature matches"_s;
}

// A webhook endpoint of a POS: records every delivery and answers 200, or a failure while told to.
class WebhookReceiver
{
public:
    struct Delivery
    {
        QByteArray method;
        QByteArray path;
        QByteArray contentType;
        QByteArray signature;
        QByteArray body;
        QJsonObject event;
        int answeredStatus = 0;
    };

    WebhookReceiver()
        : m_server([this](HttpRequest &&request, HttpResponder responder) { receive(request, responder); })
    {
        m_listening = m_server.listen(QHostAddress::LocalHost, 0);
    }

    bool isListening() const { return m_listening; }
    QString url() const { return u"http://127.0.0.1:%1/stripe/webhook"_s.arg(m_server.serverPort()); }
    // The next `count` deliveries are answered with `status` instead of 200.
    void failNext(int count, int status = 500)
    {
        m_failuresLeft = count;
        m_failureStatus = status;
    }
    const QList<Delivery> &deliveries() const { return m_deliveries; }
    QStringList acceptedTypes() const
    {
        QStringList types;
        for (const Delivery &delivery : m_deliveries) {
            if (delivery.answeredStatus == 200)
                types.append(delivery.event.value(u"type"_s).toString());
        }
        types.sort();
        return types;
    }

private:
    void receive(const HttpRequest &request, const HttpResponder &responder)
    {
        Delivery delivery{request.method,
                          request.path,
                          request.header("content-type"),
                          request.header("stripe-signature"),
                          request.body,
                          QJsonDocument::fromJson(request.body).object(),
                          200};
        if (m_failuresLeft > 0) {
            --m_failuresLeft;
            delivery.answeredStatus = m_failureStatus;
        }
        HttpResponse response;
        response.status = delivery.answeredStatus;
        response.body = delivery.answeredStatus == 200 ? "received" : "not now";
        m_deliveries.append(delivery);
        responder.send(response);
    }

    HttpServer m_server;
    bool m_listening = false;
    QList<Delivery> m_deliveries;
    int m_failuresLeft = 0;
    int m_failureStatus = 500;
};

QString simExecutable()
{
    return QStringLiteral(KASSA_SIM_EXECUTABLE);
}

// Starts kassa-stripe-sim and reads its first line; returns the port it announces, or 0.
quint16 startExecutable(QProcess &process, const QStringList &arguments, QString *firstLine)
{
    process.start(simExecutable(), arguments);
    if (!process.waitForStarted(10'000))
        return 0;
    while (!process.canReadLine() && process.waitForReadyRead(10'000)) {
    }
    *firstLine = QString::fromUtf8(process.readLine()).trimmed();
    static const QRegularExpression Listening(u"^listening on http://127\\.0\\.0\\.1:(\\d+)$"_s);
    const QRegularExpressionMatch match = Listening.match(*firstLine);
    return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
}

} // namespace

class TestSimulatorFlows : public QObject
{
    Q_OBJECT

private slots:
    void init() { m_client = std::make_unique<SimTestClient>(); }
    void cleanup() { m_client.reset(); }

    // Terminal (server-driven)
    void terminalListsReader();
    void terminalPresentPaymentMethod_data();
    void terminalPresentPaymentMethod();
    void terminalReaderBusy();
    void terminalCancelAction();
    void terminalPresentWithoutAction();
    void terminalNeedsCardPresentIntent();
    void terminalSetupIntentSavesCard();

    // Checkout Sessions and the hosted page
    void checkoutSessionAndPage();
    void checkoutPayWithCard();
    void checkoutDeclineThenPay();
    void checkoutThreeDSecure_data();
    void checkoutThreeDSecure();
    void checkoutSetupMode();
    void checkoutExpire();
    void checkoutExpiresOnTheClock();
    void checkoutExpiresAtRange_data();
    void checkoutExpiresAtRange();

    // Webhooks
    void webhookEndpointSecretShownOnce();
    void webhookDeliveriesBySubscribedType_data();
    void webhookDeliveriesBySubscribedType();
    void webhookRetries_data();
    void webhookRetries();
    void webhookDeletedEndpointStopsDeliveries();
    void webhookEndpointFromCommandLine();

    // Faults and rate limits
    void faultBeforeRequest_data();
    void faultBeforeRequest();
    void faultDropAfterCommit();
    void faultHang();
    void faultLatency();
    void faultValidation_data();
    void faultValidation();
    void faultSeedIsReproducible();
    void rateLimitPerSecond();

    // Control endpoints
    void controlStats();
    void controlReset();
    void controlAdvance();
    void controlBadRequests_data();
    void controlBadRequests();

    // State file and demo data
    void stateSurvivesRestart();
    void stateFileCorrupt_data();
    void stateFileCorrupt();
    void demoData();

    // The executable
    void executableListensAndStops();
    void executableRejectsArguments_data();
    void executableRejectsArguments();
    void executableStateKeepsDemoData();

private:
    QString readerId();
    QString terminalPaymentIntent(qint64 amount);
    QString createCustomer(const QByteArray &form = {});
    QJsonArray eventsOfType(const QString &type);
    QJsonObject stats();
    SimResponse createSession(const QByteArray &extra = {});
    QString webhookSecret(const QString &url, const QStringList &events, QString *endpointId = nullptr);
    qint64 pendingWebhooks(const QString &eventId);

    std::unique_ptr<SimTestClient> m_client;
};

QString TestSimulatorFlows::readerId()
{
    const SimResponse readers = m_client->get(u"/v1/terminal/readers"_s);
    return readers.json.value(u"data"_s).toArray().first().toObject().value(u"id"_s).toString();
}

QString TestSimulatorFlows::terminalPaymentIntent(qint64 amount)
{
    const SimResponse response =
        m_client->post(u"/v1/payment_intents"_s, "amount=" + QByteArray::number(amount) +
                                                     "&currency=usd&payment_method_types[]=card_present");
    return response.status == 200 ? response.id() : QString();
}

QString TestSimulatorFlows::createCustomer(const QByteArray &form)
{
    const SimResponse response = m_client->post(u"/v1/customers"_s, form);
    return response.status == 200 ? response.id() : QString();
}

QJsonArray TestSimulatorFlows::eventsOfType(const QString &type)
{
    return m_client->get(u"/v1/events?limit=100&type="_s + type).json.value(u"data"_s).toArray();
}

QJsonObject TestSimulatorFlows::stats()
{
    return m_client->raw("GET", u"/_sim/stats"_s, {}, {}).json;
}

SimResponse TestSimulatorFlows::createSession(const QByteArray &extra)
{
    return m_client->post(u"/v1/checkout/sessions"_s, "mode=payment&success_url=" + percent(SuccessUrl) +
                                                          '&' + CheckoutLineItems + extra);
}

QString TestSimulatorFlows::webhookSecret(const QString &url, const QStringList &events, QString *endpointId)
{
    QByteArray form = "url=" + percent(url);
    for (const QString &event : events)
        form += "&enabled_events[]=" + percent(event);
    const SimResponse response = m_client->post(u"/v1/webhook_endpoints"_s, form);
    if (endpointId)
        *endpointId = response.id();
    return response.string(u"secret"_s);
}

qint64 TestSimulatorFlows::pendingWebhooks(const QString &eventId)
{
    return m_client->get(u"/v1/events/"_s + eventId).json.value(u"pending_webhooks"_s).toInteger(-1);
}

// --- Terminal ------------------------------------------------------------------------------------------

void TestSimulatorFlows::terminalListsReader()
{
    const SimResponse list = m_client->get(u"/v1/terminal/readers"_s);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.string(u"object"_s), u"list"_s);
    const QJsonArray data = list.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 1);
    const QJsonObject reader = data.first().toObject();
    const QString id = reader.value(u"id"_s).toString();
    QVERIFY2(id.startsWith(u"tmr_"_s), qPrintable(id));
    QCOMPARE(str(reader, u"object"), u"terminal.reader"_s);
    QCOMPARE(str(reader, u"status"), u"online"_s);
    QCOMPARE(str(reader, u"device_type"), u"simulated_wisepos_e"_s);
    QVERIFY(reader.value(u"action"_s).isNull());

    const SimResponse one = m_client->get(u"/v1/terminal/readers/"_s + id);
    QCOMPARE(one.status, 200);
    QCOMPARE(one.id(), id);
    const SimResponse missing = m_client->get(u"/v1/terminal/readers/tmr_doesnotexist"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), u"resource_missing"_s);
}

void TestSimulatorFlows::terminalPresentPaymentMethod_data()
{
    QTest::addColumn<qint64>("amount");
    QTest::addColumn<QByteArray>("cardNumber");
    QTest::addColumn<bool>("approved");
    QTest::addColumn<QString>("declineCode");
    QTest::addColumn<QString>("last4");

    QTest::newRow("default card") << qint64(1000) << QByteArray() << true << QString() << u"4242"_s;
    QTest::newRow("mastercard") << qint64(2350) << QByteArray("5555555555554444") << true << QString()
                                << u"4444"_s;
    QTest::newRow("declined card") << qint64(1000) << QByteArray("4000000000000002") << false
                                   << u"generic_decline"_s << u"0002"_s;
    QTest::newRow("amount 01") << qint64(1001) << QByteArray() << false << u"call_issuer"_s << u"4242"_s;
    QTest::newRow("amount 05") << qint64(1005) << QByteArray() << false << u"generic_decline"_s << u"4242"_s;
    QTest::newRow("amount 55") << qint64(2055) << QByteArray() << false << u"incorrect_pin"_s << u"4242"_s;
    QTest::newRow("amount 65") << qint64(1065) << QByteArray() << false
                               << u"withdrawal_count_limit_exceeded"_s << u"4242"_s;
    QTest::newRow("amount 75") << qint64(1075) << QByteArray() << false << u"pin_try_exceeded"_s << u"4242"_s;
    QTest::newRow("amount 50 approves") << qint64(1050) << QByteArray() << true << QString() << u"4242"_s;
}

void TestSimulatorFlows::terminalPresentPaymentMethod()
{
    QFETCH(qint64, amount);
    QFETCH(QByteArray, cardNumber);
    QFETCH(bool, approved);
    QFETCH(QString, declineCode);
    QFETCH(QString, last4);

    const QString reader = readerId();
    const QString pi = terminalPaymentIntent(amount);
    QVERIFY(!reader.isEmpty());
    QVERIFY(!pi.isEmpty());

    const SimResponse processing =
        m_client->post(u"/v1/terminal/readers/"_s + reader + u"/process_payment_intent"_s,
                       "payment_intent=" + pi.toLatin1());
    QCOMPARE(processing.status, 200);
    QCOMPARE(str(processing.json, u"action.type"), u"process_payment_intent"_s);
    QCOMPARE(str(processing.json, u"action.status"), u"in_progress"_s);
    QCOMPARE(str(processing.json, u"action.process_payment_intent.payment_intent"), pi);
    QCOMPARE(m_client->get(u"/v1/payment_intents/"_s + pi).string(u"status"_s), u"requires_payment_method"_s);

    const QByteArray form = cardNumber.isEmpty() ? QByteArray() : "card_present[number]=" + cardNumber;
    const SimResponse presented =
        m_client->post(u"/v1/test_helpers/terminal/readers/"_s + reader + u"/present_payment_method"_s, form);
    QCOMPARE(presented.status, 200);
    const QString actionStatus = approved ? u"succeeded"_s : u"failed"_s;
    QCOMPARE(str(presented.json, u"action.status"), actionStatus);
    // Polling the reader tells the same.
    const SimResponse polled = m_client->get(u"/v1/terminal/readers/"_s + reader);
    QCOMPARE(str(polled.json, u"action.status"), actionStatus);

    const SimResponse intent = m_client->get(u"/v1/payment_intents/"_s + pi + u"?expand[0]=latest_charge"_s);
    QCOMPARE(intent.status, 200);
    QCOMPARE(intent.string(u"status"_s), approved ? u"succeeded"_s : u"requires_payment_method"_s);
    const QJsonObject charge = intent.json.value(u"latest_charge"_s).toObject();
    QCOMPARE(str(charge, u"status"), approved ? u"succeeded"_s : u"failed"_s);
    QCOMPARE(str(charge, u"payment_method_details.type"), u"card_present"_s);
    QCOMPARE(str(charge, u"payment_method_details.card_present.last4"), last4);
    QVERIFY(!at(charge, u"payment_method_details.card_present.receipt").toObject().isEmpty());
    if (approved) {
        QVERIFY(at(presented.json, u"action.failure_code").isNull());
        QCOMPARE(intent.json.value(u"amount_received"_s).toInteger(), amount);
    } else {
        QCOMPARE(str(presented.json, u"action.failure_code"), u"card_declined"_s);
        QVERIFY(!str(presented.json, u"action.failure_message").isEmpty());
        QCOMPARE(str(intent.json, u"last_payment_error.code"), u"card_declined"_s);
        QCOMPARE(str(intent.json, u"last_payment_error.decline_code"), declineCode);
        QCOMPARE(str(charge, u"outcome.reason"), declineCode);
    }

    const QJsonArray events =
        eventsOfType(approved ? u"terminal.reader.action_succeeded"_s : u"terminal.reader.action_failed"_s);
    QCOMPARE(events.size(), 1);
    const QJsonObject eventReader = at(events.first().toObject(), u"data.object").toObject();
    QCOMPARE(str(eventReader, u"id"), reader);
    QCOMPARE(str(eventReader, u"action.status"), actionStatus);
    QCOMPARE(str(eventReader, u"action.process_payment_intent.payment_intent"), pi);
    QVERIFY(
        eventsOfType(approved ? u"terminal.reader.action_failed"_s : u"terminal.reader.action_succeeded"_s)
            .isEmpty());
}

void TestSimulatorFlows::terminalReaderBusy()
{
    const QString reader = readerId();
    const QString first = terminalPaymentIntent(1200);
    const QString second = terminalPaymentIntent(1300);
    const QString path = u"/v1/terminal/readers/"_s + reader + u"/process_payment_intent"_s;
    QCOMPARE(m_client->post(path, "payment_intent=" + first.toLatin1()).status, 200);

    const SimResponse busy = m_client->post(path, "payment_intent=" + second.toLatin1());
    QCOMPARE(busy.status, 400);
    QCOMPARE(busy.errorCode(), u"terminal_reader_busy"_s);
    QCOMPARE(str(busy.json, u"error.type"), u"invalid_request_error"_s);
    const SimResponse setiBusy = m_client->post(
        u"/v1/terminal/readers/"_s + reader + u"/process_setup_intent"_s, "setup_intent=seti_whatever");
    QCOMPARE(setiBusy.status, 400);
    QCOMPARE(setiBusy.errorCode(), u"terminal_reader_busy"_s);

    // The first action is untouched.
    const SimResponse polled = m_client->get(u"/v1/terminal/readers/"_s + reader);
    QCOMPARE(str(polled.json, u"action.status"), u"in_progress"_s);
    QCOMPARE(str(polled.json, u"action.process_payment_intent.payment_intent"), first);
}

void TestSimulatorFlows::terminalCancelAction()
{
    const QString reader = readerId();
    const QString pi = terminalPaymentIntent(4200);
    const QString base = u"/v1/terminal/readers/"_s + reader;
    QCOMPARE(m_client->post(base + u"/process_payment_intent"_s, "payment_intent=" + pi.toLatin1()).status,
             200);

    const SimResponse canceled = m_client->post(base + u"/cancel_action"_s);
    QCOMPARE(canceled.status, 200);
    QCOMPARE(str(canceled.json, u"action.status"), u"failed"_s);
    QCOMPARE(str(canceled.json, u"action.failure_code"), u"canceled"_s);
    const QJsonArray failed = eventsOfType(u"terminal.reader.action_failed"_s);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(str(failed.first().toObject(), u"data.object.action.failure_code"), u"canceled"_s);

    // Nothing was charged; the intent waits for another try.
    const SimResponse intent = m_client->get(u"/v1/payment_intents/"_s + pi);
    QCOMPARE(intent.string(u"status"_s), u"requires_payment_method"_s);
    QVERIFY(intent.json.value(u"latest_charge"_s).isNull());

    const SimResponse present =
        m_client->post(u"/v1/test_helpers/terminal/readers/"_s + reader + u"/present_payment_method"_s);
    QCOMPARE(present.status, 400);
    QCOMPARE(m_client->post(base + u"/cancel_action"_s).status, 400);

    // The reader is free again.
    const SimResponse again =
        m_client->post(base + u"/process_payment_intent"_s, "payment_intent=" + pi.toLatin1());
    QCOMPARE(again.status, 200);
    QCOMPARE(str(again.json, u"action.status"), u"in_progress"_s);
}

void TestSimulatorFlows::terminalPresentWithoutAction()
{
    const QString reader = readerId();
    const SimResponse present =
        m_client->post(u"/v1/test_helpers/terminal/readers/"_s + reader + u"/present_payment_method"_s);
    QCOMPARE(present.status, 400);
    QCOMPARE(str(present.json, u"error.type"), u"invalid_request_error"_s);
    QCOMPARE(present.errorCode(), u"terminal_reader_action_unexpected_state"_s);
    QVERIFY(m_client->get(u"/v1/charges"_s).json.value(u"data"_s).toArray().isEmpty());
    QVERIFY(eventsOfType(u"terminal.reader.action_succeeded"_s).isEmpty());

    const SimResponse unknown =
        m_client->post(u"/v1/test_helpers/terminal/readers/tmr_doesnotexist/present_payment_method"_s);
    QCOMPARE(unknown.status, 404);
}

void TestSimulatorFlows::terminalNeedsCardPresentIntent()
{
    const QString reader = readerId();
    const QString pi = m_client->createPaymentIntent(1500); // payment_method_types[]=card
    const SimResponse refused =
        m_client->post(u"/v1/terminal/readers/"_s + reader + u"/process_payment_intent"_s,
                       "payment_intent=" + pi.toLatin1());
    QCOMPARE(refused.status, 400);
    QCOMPARE(str(refused.json, u"error.param"), u"payment_intent"_s);
    QVERIFY(m_client->get(u"/v1/terminal/readers/"_s + reader).json.value(u"action"_s).isNull());
}

void TestSimulatorFlows::terminalSetupIntentSavesCard()
{
    const QString customer = createCustomer("email=" + percent(u"ada@example.com"_s));
    QVERIFY(!customer.isEmpty());
    const SimResponse seti = m_client->post(
        u"/v1/setup_intents"_s, "customer=" + customer.toLatin1() + "&payment_method_types[]=card_present");
    QCOMPARE(seti.status, 200);
    QCOMPARE(seti.string(u"status"_s), u"requires_payment_method"_s);

    const QString reader = readerId();
    const SimResponse processing =
        m_client->post(u"/v1/terminal/readers/"_s + reader + u"/process_setup_intent"_s,
                       "setup_intent=" + seti.id().toLatin1());
    QCOMPARE(processing.status, 200);
    QCOMPARE(str(processing.json, u"action.type"), u"process_setup_intent"_s);
    QCOMPARE(str(processing.json, u"action.status"), u"in_progress"_s);
    QCOMPARE(str(processing.json, u"action.process_setup_intent.setup_intent"), seti.id());

    const SimResponse presented =
        m_client->post(u"/v1/test_helpers/terminal/readers/"_s + reader + u"/present_payment_method"_s);
    QCOMPARE(presented.status, 200);
    QCOMPARE(str(presented.json, u"action.status"), u"succeeded"_s);

    const SimResponse done = m_client->get(u"/v1/setup_intents/"_s + seti.id());
    QCOMPARE(done.string(u"status"_s), u"succeeded"_s);
    const QString pm = done.string(u"payment_method"_s);
    QVERIFY(pm.startsWith(u"pm_"_s));
    const SimResponse method = m_client->get(u"/v1/payment_methods/"_s + pm);
    QCOMPARE(method.string(u"type"_s), u"card"_s);
    QCOMPARE(method.string(u"customer"_s), customer);
    QCOMPARE(str(method.json, u"card.last4"), u"4242"_s);
    QCOMPARE(str(method.json, u"card.generated_from.payment_method_details.type"), u"card_present"_s);

    const QJsonArray saved =
        m_client->get(u"/v1/customers/"_s + customer + u"/payment_methods"_s).json.value(u"data"_s).toArray();
    QCOMPARE(saved.size(), 1);
    QCOMPARE(str(saved.first().toObject(), u"id"), pm);
    QCOMPARE(eventsOfType(u"terminal.reader.action_succeeded"_s).size(), 1);
    QCOMPARE(eventsOfType(u"setup_intent.succeeded"_s).size(), 1);
}

// --- Checkout ------------------------------------------------------------------------------------------

void TestSimulatorFlows::checkoutSessionAndPage()
{
    const SimResponse session = createSession();
    QCOMPARE(session.status, 200);
    const QString id = session.id();
    QVERIFY2(id.startsWith(u"cs_test_"_s), qPrintable(id));
    QCOMPARE(session.string(u"object"_s), u"checkout.session"_s);
    QCOMPARE(session.string(u"mode"_s), u"payment"_s);
    QCOMPARE(session.string(u"status"_s), u"open"_s);
    QCOMPARE(session.string(u"payment_status"_s), u"unpaid"_s);
    QCOMPARE(session.string(u"currency"_s), u"usd"_s);
    QCOMPARE(session.json.value(u"amount_total"_s).toInteger(), qint64(2950));
    QCOMPARE(session.string(u"success_url"_s), SuccessUrl);
    QVERIFY(session.json.value(u"payment_intent"_s).isNull());
    QVERIFY(!session.json.contains(u"payment_intent_data"_s));
    QCOMPARE(session.json.value(u"expires_at"_s).toInteger() - session.json.value(u"created"_s).toInteger(),
             qint64(24 * 3600));
    const QString url = session.string(u"url"_s);
    QCOMPARE(url, m_client->simulator().baseUrl().toString() + u"/_sim/checkout/"_s + id);

    const SimResponse items = m_client->get(u"/v1/checkout/sessions/"_s + id + u"/line_items"_s);
    QCOMPARE(items.status, 200);
    const QJsonArray data = items.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 2);
    QCOMPARE(str(data.at(0).toObject(), u"description"), u"Flat white"_s);
    QCOMPARE(data.at(0).toObject().value(u"quantity"_s).toInteger(), qint64(2));
    QCOMPARE(data.at(0).toObject().value(u"amount_total"_s).toInteger(), qint64(2500));
    QCOMPARE(at(data.at(0).toObject(), u"price.unit_amount").toInteger(), qint64(1250));
    QCOMPARE(str(data.at(1).toObject(), u"description"), u"Croissant"_s);
    QCOMPARE(data.at(1).toObject().value(u"amount_total"_s).toInteger(), qint64(450));

    const Fetched page = fetch("GET", QUrl(url));
    QCOMPARE(page.status, 200);
    QVERIFY(page.contentType.startsWith("text/html"));
    for (const char *expected :
         {"$29.50", "Flat white", "Croissant", "4242424242424242", "4000000000000002", "4000002760003184"})
        QVERIFY2(page.body.contains(expected), expected);
    QVERIFY(page.body.contains(QByteArray("/_sim/checkout/" + id.toLatin1() + "/pay")));

    QCOMPARE(fetch("GET", QUrl(url + u"nope"_s)).status, 404);
}

void TestSimulatorFlows::checkoutPayWithCard()
{
    const SimResponse session = createSession();
    QCOMPARE(session.status, 200);
    const QString url = session.string(u"url"_s);
    const Fetched paid = fetch("POST", QUrl(url + u"/pay"_s), "card=4242424242424242");
    QCOMPARE(paid.status, 200);
    QVERIFY2(paid.body.contains("complete"), paid.body.constData());

    const SimResponse done = m_client->get(u"/v1/checkout/sessions/"_s + session.id());
    QCOMPARE(done.string(u"status"_s), u"complete"_s);
    QCOMPARE(done.string(u"payment_status"_s), u"paid"_s);
    QVERIFY(done.json.value(u"url"_s).isNull());
    const QString pi = done.string(u"payment_intent"_s);
    QVERIFY(pi.startsWith(u"pi_"_s));
    const SimResponse intent = m_client->get(u"/v1/payment_intents/"_s + pi);
    QCOMPARE(intent.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(intent.json.value(u"amount"_s).toInteger(), qint64(2950));
    QCOMPARE(intent.json.value(u"amount_received"_s).toInteger(), qint64(2950));

    const QJsonArray completed = eventsOfType(u"checkout.session.completed"_s);
    QCOMPARE(completed.size(), 1);
    QCOMPARE(str(completed.first().toObject(), u"data.object.id"), session.id());
    QCOMPARE(str(completed.first().toObject(), u"data.object.payment_status"), u"paid"_s);
    QCOMPARE(str(completed.first().toObject(), u"data.object.payment_intent"), pi);

    // Paying a complete session again charges nothing.
    const Fetched again = fetch("POST", QUrl(url + u"/pay"_s), "card=4242424242424242");
    QCOMPARE(again.status, 200);
    QCOMPARE(m_client->get(u"/v1/charges"_s).json.value(u"data"_s).toArray().size(), 1);
}

void TestSimulatorFlows::checkoutDeclineThenPay()
{
    const SimResponse session = createSession();
    const QString url = session.string(u"url"_s);
    const Fetched declined = fetch("POST", QUrl(url + u"/pay"_s), "card=4000000000000002");
    QCOMPARE(declined.status, 200);
    QVERIFY2(declined.body.contains("Your card was declined."), declined.body.constData());
    QVERIFY(declined.body.contains("4242424242424242")); // the form again, to try another card

    const SimResponse open = m_client->get(u"/v1/checkout/sessions/"_s + session.id());
    QCOMPARE(open.string(u"status"_s), u"open"_s);
    QCOMPARE(open.string(u"payment_status"_s), u"unpaid"_s);
    const QString pi = open.string(u"payment_intent"_s);
    QVERIFY(pi.startsWith(u"pi_"_s));
    const SimResponse intent = m_client->get(u"/v1/payment_intents/"_s + pi);
    QCOMPARE(intent.string(u"status"_s), u"requires_payment_method"_s);
    QCOMPARE(str(intent.json, u"last_payment_error.decline_code"), u"generic_decline"_s);
    QVERIFY(eventsOfType(u"checkout.session.completed"_s).isEmpty());

    const Fetched paid = fetch("POST", QUrl(url + u"/pay"_s), "card=4242424242424242");
    QCOMPARE(paid.status, 200);
    const SimResponse done = m_client->get(u"/v1/checkout/sessions/"_s + session.id());
    QCOMPARE(done.string(u"status"_s), u"complete"_s);
    QCOMPARE(done.string(u"payment_status"_s), u"paid"_s);
    QCOMPARE(done.string(u"payment_intent"_s), pi); // the same intent, tried twice
    QCOMPARE(m_client->get(u"/v1/payment_intents/"_s + pi).string(u"status"_s), u"succeeded"_s);
    QCOMPARE(m_client->get(u"/v1/charges?payment_intent="_s + pi).json.value(u"data"_s).toArray().size(), 2);
    QCOMPARE(eventsOfType(u"checkout.session.completed"_s).size(), 1);
}

void TestSimulatorFlows::checkoutThreeDSecure_data()
{
    QTest::addColumn<QByteArray>("result");
    QTest::addColumn<bool>("succeeds");

    QTest::newRow("authenticated") << QByteArray("succeed") << true;
    QTest::newRow("authentication failed") << QByteArray("fail") << false;
}

void TestSimulatorFlows::checkoutThreeDSecure()
{
    QFETCH(QByteArray, result);
    QFETCH(bool, succeeds);

    const SimResponse session = createSession();
    const QString url = session.string(u"url"_s);
    const Fetched redirect = fetch("POST", QUrl(url + u"/pay"_s), "card=4000002760003184");
    QCOMPARE(redirect.status, 303);
    const QString location = QString::fromUtf8(redirect.location);
    QVERIFY2(location.startsWith(m_client->simulator().baseUrl().toString() + u"/_sim/3ds/pi_"_s),
             redirect.location.constData());

    const QString pi = m_client->get(u"/v1/checkout/sessions/"_s + session.id()).string(u"payment_intent"_s);
    const SimResponse waiting = m_client->get(u"/v1/payment_intents/"_s + pi);
    QCOMPARE(waiting.string(u"status"_s), u"requires_action"_s);
    QCOMPARE(str(waiting.json, u"next_action.redirect_to_url.url"), location);

    const Fetched challenge = fetch("GET", QUrl(location));
    QCOMPARE(challenge.status, 200);
    QVERIFY(challenge.body.contains("3D Secure"));
    QVERIFY(challenge.body.contains("$29.50"));

    const Fetched answered = fetch("POST", QUrl(location), "result=" + result);
    QCOMPARE(answered.status, 200);
    QVERIFY2(answered.body.contains(succeeds ? "Authentication complete" : "Authentication failed"),
             answered.body.constData());

    const SimResponse after = m_client->get(u"/v1/checkout/sessions/"_s + session.id());
    const SimResponse intent = m_client->get(u"/v1/payment_intents/"_s + pi + u"?expand[0]=latest_charge"_s);
    if (succeeds) {
        QCOMPARE(after.string(u"status"_s), u"complete"_s);
        QCOMPARE(after.string(u"payment_status"_s), u"paid"_s);
        QCOMPARE(intent.string(u"status"_s), u"succeeded"_s);
        QCOMPARE(str(intent.json, u"latest_charge.payment_method_details.card.three_d_secure.result"),
                 u"authenticated"_s);
        QCOMPARE(eventsOfType(u"checkout.session.completed"_s).size(), 1);
    } else {
        QCOMPARE(after.string(u"status"_s), u"open"_s);
        QCOMPARE(intent.string(u"status"_s), u"requires_payment_method"_s);
        QCOMPARE(str(intent.json, u"last_payment_error.code"), u"payment_intent_authentication_failure"_s);
        QVERIFY(eventsOfType(u"checkout.session.completed"_s).isEmpty());
    }
}

void TestSimulatorFlows::checkoutSetupMode()
{
    const QString customer = createCustomer("email=" + percent(u"grace@example.com"_s));
    const SimResponse session =
        m_client->post(u"/v1/checkout/sessions"_s,
                       "mode=setup&customer=" + customer.toLatin1() + "&success_url=" + percent(SuccessUrl));
    QCOMPARE(session.status, 200);
    QCOMPARE(session.string(u"mode"_s), u"setup"_s);
    QVERIFY(session.json.value(u"amount_total"_s).isNull());
    QCOMPARE(session.string(u"payment_status"_s), u"no_payment_required"_s);
    const QString seti = session.string(u"setup_intent"_s);
    QVERIFY(seti.startsWith(u"seti_"_s));

    const Fetched page = fetch("GET", QUrl(session.string(u"url"_s)));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("Save a card"));
    const Fetched saved = fetch("POST", QUrl(session.string(u"url"_s) + u"/pay"_s), "card=4242424242424242");
    QCOMPARE(saved.status, 200);

    const SimResponse done = m_client->get(u"/v1/checkout/sessions/"_s + session.id());
    QCOMPARE(done.string(u"status"_s), u"complete"_s);
    const SimResponse intent = m_client->get(u"/v1/setup_intents/"_s + seti);
    QCOMPARE(intent.string(u"status"_s), u"succeeded"_s);
    const QJsonArray cards =
        m_client->get(u"/v1/customers/"_s + customer + u"/payment_methods"_s).json.value(u"data"_s).toArray();
    QCOMPARE(cards.size(), 1);
    QCOMPARE(str(cards.first().toObject(), u"id"), intent.string(u"payment_method"_s));
    QCOMPARE(str(cards.first().toObject(), u"type"), u"card"_s);
    QCOMPARE(str(cards.first().toObject(), u"card.last4"), u"4242"_s);
    QCOMPARE(str(cards.first().toObject(), u"customer"), customer);
    QCOMPARE(eventsOfType(u"checkout.session.completed"_s).size(), 1);
    QVERIFY(m_client->get(u"/v1/payment_intents"_s).json.value(u"data"_s).toArray().isEmpty());
}

void TestSimulatorFlows::checkoutExpire()
{
    const SimResponse session = createSession();
    const QString path = u"/v1/checkout/sessions/"_s + session.id() + u"/expire"_s;
    const SimResponse expired = m_client->post(path);
    QCOMPARE(expired.status, 200);
    QCOMPARE(expired.string(u"status"_s), u"expired"_s);
    QVERIFY(expired.json.value(u"url"_s).isNull());
    const QJsonArray events = eventsOfType(u"checkout.session.expired"_s);
    QCOMPARE(events.size(), 1);
    QCOMPARE(str(events.first().toObject(), u"data.object.id"), session.id());

    const SimResponse again = m_client->post(path);
    QCOMPARE(again.status, 400);
    QCOMPARE(str(again.json, u"error.type"), u"invalid_request_error"_s);
    QCOMPARE(eventsOfType(u"checkout.session.expired"_s).size(), 1);

    // The page no longer takes payments.
    const Fetched page = fetch("POST", QUrl(session.string(u"url"_s) + u"/pay"_s), "card=4242424242424242");
    QVERIFY(page.body.contains("expired"));
    QVERIFY(m_client->get(u"/v1/payment_intents"_s).json.value(u"data"_s).toArray().isEmpty());
    QCOMPARE(m_client->post(u"/v1/checkout/sessions/cs_test_nope/expire"_s).status, 404);
}

void TestSimulatorFlows::checkoutExpiresOnTheClock()
{
    const qint64 expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    const SimResponse session = createSession("&expires_at=" + QByteArray::number(expiresAt));
    QCOMPARE(session.status, 200);
    QCOMPARE(session.json.value(u"expires_at"_s).toInteger(), expiresAt);
    // A declined attempt leaves an intent behind that expiry must cancel.
    fetch("POST", QUrl(session.string(u"url"_s) + u"/pay"_s), "card=4000000000000002");
    const QString pi = m_client->get(u"/v1/checkout/sessions/"_s + session.id()).string(u"payment_intent"_s);
    QVERIFY(!pi.isEmpty());

    QCOMPARE(m_client->control(u"/_sim/advance"_s, {{u"seconds"_s, 1800}}).status, 200);
    QCOMPARE(m_client->get(u"/v1/checkout/sessions/"_s + session.id()).string(u"status"_s), u"open"_s);

    const SimResponse advanced = m_client->control(u"/_sim/advance"_s, {{u"seconds"_s, 1900}});
    QCOMPARE(advanced.status, 200);
    QVERIFY(advanced.json.value(u"jobs_run"_s).toInteger() >= 1);
    QCOMPARE(m_client->get(u"/v1/checkout/sessions/"_s + session.id()).string(u"status"_s), u"expired"_s);
    QCOMPARE(eventsOfType(u"checkout.session.expired"_s).size(), 1);
    const SimResponse intent = m_client->get(u"/v1/payment_intents/"_s + pi);
    QCOMPARE(intent.string(u"status"_s), u"canceled"_s);
    QCOMPARE(intent.string(u"cancellation_reason"_s), u"abandoned"_s);
}

void TestSimulatorFlows::checkoutExpiresAtRange_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<int>("status");

    QTest::newRow("in the past") << qint64(-60) << 400;
    QTest::newRow("29 minutes") << qint64(29 * 60) << 400;
    QTest::newRow("31 minutes") << qint64(31 * 60) << 200;
    QTest::newRow("23 h 59") << qint64(24 * 3600 - 60) << 200;
    QTest::newRow("24 h 2 min") << qint64(24 * 3600 + 120) << 400;
    QTest::newRow("a week") << qint64(7 * 24 * 3600) << 400;
}

void TestSimulatorFlows::checkoutExpiresAtRange()
{
    QFETCH(qint64, offset);
    QFETCH(int, status);
    const qint64 expiresAt = QDateTime::currentSecsSinceEpoch() + offset;
    const SimResponse session = createSession("&expires_at=" + QByteArray::number(expiresAt));
    QCOMPARE(session.status, status);
    if (status == 400) {
        QCOMPARE(str(session.json, u"error.param"), u"expires_at"_s);
        QVERIFY(m_client->get(u"/v1/checkout/sessions"_s).json.value(u"data"_s).toArray().isEmpty());
    } else {
        QCOMPARE(session.json.value(u"expires_at"_s).toInteger(), expiresAt);
    }
}

// --- Webhooks ------------------------------------------------------------------------------------------

void TestSimulatorFlows::webhookEndpointSecretShownOnce()
{
    const SimResponse created =
        m_client->post(u"/v1/webhook_endpoints"_s,
                       "url=" + percent(u"https://pos.example/stripe/webhook"_s) +
                           "&enabled_events[]=payment_intent.succeeded&enabled_events[]=charge.refunded");
    QCOMPARE(created.status, 200);
    const QString id = created.id();
    QVERIFY(id.startsWith(u"we_"_s));
    const QString secret = created.string(u"secret"_s);
    QVERIFY2(secret.startsWith(u"whsec_"_s) && secret.size() > 20, qPrintable(secret));
    QCOMPARE(created.string(u"status"_s), u"enabled"_s);
    QCOMPARE(created.string(u"url"_s), u"https://pos.example/stripe/webhook"_s);
    QCOMPARE(created.json.value(u"enabled_events"_s).toArray(),
             (QJsonArray{u"payment_intent.succeeded"_s, u"charge.refunded"_s}));

    const SimResponse retrieved = m_client->get(u"/v1/webhook_endpoints/"_s + id);
    QCOMPARE(retrieved.status, 200);
    QCOMPARE(retrieved.id(), id);
    QVERIFY(!retrieved.json.contains(u"secret"_s));
    QVERIFY(!retrieved.body.contains(secret.toLatin1()));

    const SimResponse list = m_client->get(u"/v1/webhook_endpoints"_s);
    QCOMPARE(list.status, 200);
    const QJsonArray data = list.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(str(data.first().toObject(), u"id"), id);
    QVERIFY(!data.first().toObject().contains(u"secret"_s));
    QVERIFY(!list.body.contains(secret.toLatin1()));

    const SimResponse updated = m_client->post(u"/v1/webhook_endpoints/"_s + id, "description=till");
    QCOMPARE(updated.status, 200);
    QVERIFY(!updated.body.contains(secret.toLatin1()));

    const SimResponse invalid =
        m_client->post(u"/v1/webhook_endpoints"_s, "url=ftp%3A%2F%2Fpos.example&enabled_events[]=*");
    QCOMPARE(invalid.status, 400);
    QCOMPARE(str(invalid.json, u"error.param"), u"url"_s);
}

void TestSimulatorFlows::webhookDeliveriesBySubscribedType_data()
{
    QTest::addColumn<QStringList>("enabledEvents");
    QTest::addColumn<QStringList>("expected");

    const QStringList all{u"charge.succeeded"_s, u"customer.created"_s, u"payment_intent.created"_s,
                          u"payment_intent.succeeded"_s};
    QTest::newRow("everything") << QStringList{u"*"_s} << all;
    QTest::newRow("one type") << QStringList{u"payment_intent.succeeded"_s}
                              << QStringList{u"payment_intent.succeeded"_s};
    QTest::newRow("two types") << QStringList{u"customer.created"_s, u"charge.succeeded"_s}
                               << QStringList{u"charge.succeeded"_s, u"customer.created"_s};
    QTest::newRow("nothing that happens") << QStringList{u"charge.refunded"_s} << QStringList();
}

void TestSimulatorFlows::webhookDeliveriesBySubscribedType()
{
    QFETCH(QStringList, enabledEvents);
    QFETCH(QStringList, expected);

    WebhookReceiver receiver;
    QVERIFY(receiver.isListening());
    const QString secret = webhookSecret(receiver.url(), enabledEvents);
    QVERIFY(secret.startsWith(u"whsec_"_s));

    QVERIFY(!createCustomer("email=" + percent(u"hook@example.com"_s)).isEmpty());
    QCOMPARE(m_client
                 ->post(u"/v1/payment_intents"_s, "amount=2000&currency=usd&payment_method_types[]=card"
                                                  "&payment_method=pm_card_visa&confirm=true")
                 .string(u"status"_s),
             u"succeeded"_s);
    // All that happened, as the Events API lists it.
    QStringList happened;
    const QJsonArray events = m_client->get(u"/v1/events?limit=100"_s).json.value(u"data"_s).toArray();
    for (const QJsonValue &event : events)
        happened.append(event.toObject().value(u"type"_s).toString());
    happened.sort();
    if (enabledEvents.contains(u"*"_s))
        QCOMPARE(happened, expected);

    QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), expected.size(), 5000);
    QTest::qWait(300); // nothing else arrives
    QCOMPARE(receiver.acceptedTypes(), expected);

    for (const WebhookReceiver::Delivery &delivery : receiver.deliveries()) {
        QCOMPARE(delivery.method, QByteArray("POST"));
        QCOMPARE(delivery.path, QByteArray("/stripe/webhook"));
        QVERIFY(delivery.contentType.startsWith("application/json"));
        const QString problem = signatureProblem(delivery.signature, delivery.body, secret.toUtf8());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // A wrong secret or a changed body does not verify.
        QVERIFY(!signatureProblem(delivery.signature, delivery.body, "whsec_wrong").isEmpty());
        QVERIFY(!signatureProblem(delivery.signature, delivery.body + ' ', secret.toUtf8()).isEmpty());

        const QString eventId = delivery.event.value(u"id"_s).toString();
        QCOMPARE(str(delivery.event, u"object"), u"event"_s);
        const SimResponse stored = m_client->get(u"/v1/events/"_s + eventId);
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.string(u"type"_s), str(delivery.event, u"type"));
        QCOMPARE(str(stored.json, u"data.object.id"), str(delivery.event, u"data.object.id"));
        QTRY_COMPARE(pendingWebhooks(eventId), qint64(0));
    }
}

void TestSimulatorFlows::webhookRetries_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<int>("maxAttempts");
    QTest::addColumn<int>("attempts");
    QTest::addColumn<bool>("delivered");

    QTest::newRow("two failures, then delivered") << 2 << 5 << 3 << true;
    QTest::newRow("always failing, abandoned") << 100 << 3 << 3 << false;
}

void TestSimulatorFlows::webhookRetries()
{
    QFETCH(int, failures);
    QFETCH(int, maxAttempts);
    QFETCH(int, attempts);
    QFETCH(bool, delivered);

    m_client->simulator().setWebhookRetryPolicy(maxAttempts, 150);
    WebhookReceiver receiver;
    receiver.failNext(failures);
    const QString secret = webhookSecret(receiver.url(), {u"customer.created"_s});
    QVERIFY(!createCustomer().isEmpty());
    const QString eventId = str(eventsOfType(u"customer.created"_s).first().toObject(), u"id");

    QTRY_VERIFY_WITH_TIMEOUT(!receiver.deliveries().isEmpty(), 5000);
    QCOMPARE(pendingWebhooks(eventId), qint64(1)); // still owed while the retries run
    QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), attempts, 5000);
    QTest::qWait(500); // no attempt after a success or after the last one
    QCOMPARE(receiver.deliveries().size(), attempts);

    for (qsizetype i = 0; i < receiver.deliveries().size(); ++i) {
        const WebhookReceiver::Delivery &delivery = receiver.deliveries().at(i);
        QCOMPARE(str(delivery.event, u"id"), eventId);
        QCOMPARE(delivery.body, receiver.deliveries().first().body);
        const QString problem = signatureProblem(delivery.signature, delivery.body, secret.toUtf8());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(delivery.answeredStatus, delivered && i == attempts - 1 ? 200 : 500);
    }
    QTRY_COMPARE(pendingWebhooks(eventId), qint64(0));
    const QJsonObject webhooks = stats().value(u"webhooks"_s).toObject();
    QCOMPARE(webhooks.value(u"attempts"_s).toInteger(), qint64(attempts));
    QCOMPARE(webhooks.value(u"delivered"_s).toInteger(), qint64(delivered ? 1 : 0));
    QCOMPARE(webhooks.value(u"failed_attempts"_s).toInteger(), qint64(delivered ? attempts - 1 : attempts));
    QCOMPARE(webhooks.value(u"abandoned"_s).toInteger(), qint64(delivered ? 0 : 1));
}

void TestSimulatorFlows::webhookDeletedEndpointStopsDeliveries()
{
    WebhookReceiver receiver;
    QString endpoint;
    webhookSecret(receiver.url(), {u"customer.created"_s}, &endpoint);
    QVERIFY(!createCustomer().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), 1, 5000);

    const SimResponse deleted = m_client->del(u"/v1/webhook_endpoints/"_s + endpoint);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.json.value(u"deleted"_s).toBool(), true);
    QCOMPARE(m_client->get(u"/v1/webhook_endpoints/"_s + endpoint).status, 404);
    QVERIFY(!createCustomer().isEmpty());
    QTest::qWait(400);
    QCOMPARE(receiver.deliveries().size(), 1);

    // A retry that waits when its endpoint goes away is dropped.
    m_client->simulator().setWebhookRetryPolicy(5, 300);
    receiver.failNext(100);
    webhookSecret(receiver.url(), {u"customer.created"_s}, &endpoint);
    QVERIFY(!createCustomer().isEmpty());
    const QString eventId = str(eventsOfType(u"customer.created"_s).first().toObject(), u"id");
    QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), 2, 5000);
    QCOMPARE(m_client->del(u"/v1/webhook_endpoints/"_s + endpoint).status, 200);
    QTest::qWait(800);
    QCOMPARE(receiver.deliveries().size(), 2);
    QCOMPARE(pendingWebhooks(eventId), qint64(0));
    QCOMPARE(stats().value(u"webhooks"_s).toObject().value(u"abandoned"_s).toInteger(), qint64(1));
}

void TestSimulatorFlows::webhookEndpointFromCommandLine()
{
    WebhookReceiver receiver;
    const QString secret = u"whsec_kassa_command_line_secret"_s;
    const QString id = m_client->simulator().addWebhookEndpoint(QUrl(receiver.url()), secret);
    QVERIFY(id.startsWith(u"we_"_s));
    const SimResponse endpoint = m_client->get(u"/v1/webhook_endpoints/"_s + id);
    QCOMPARE(endpoint.json.value(u"enabled_events"_s).toArray(), QJsonArray{u"*"_s});
    QVERIFY(!endpoint.body.contains(secret.toLatin1()));

    QVERIFY(!createCustomer().isEmpty());
    const QString pi = m_client->createPaymentIntent(1999, "&payment_method=pm_card_visa&confirm=true");
    QVERIFY(!pi.isEmpty());
    QStringList happened;
    const QJsonArray events = m_client->get(u"/v1/events?limit=100"_s).json.value(u"data"_s).toArray();
    for (const QJsonValue &event : events)
        happened.append(event.toObject().value(u"type"_s).toString());
    happened.sort();
    QVERIFY(happened.size() >= 4);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), happened.size(), 5000);
    QCOMPARE(receiver.acceptedTypes(), happened);
    for (const WebhookReceiver::Delivery &delivery : receiver.deliveries()) {
        const QString problem = signatureProblem(delivery.signature, delivery.body, secret.toUtf8());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

// --- Faults --------------------------------------------------------------------------------------------

void TestSimulatorFlows::faultBeforeRequest_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("counter");

    QTest::newRow("500") << u"error_500_rate"_s << 500 << u"api_error"_s << QString() << u"error_500"_s;
    QTest::newRow("429") << u"rate_limit_429_rate"_s << 429 << u"invalid_request_error"_s << u"rate_limit"_s
                         << u"rate_limit_429"_s;
}

void TestSimulatorFlows::faultBeforeRequest()
{
    QFETCH(QString, fault);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, counter);

    const SimResponse set = m_client->control(u"/_sim/faults"_s, {{fault, 1}});
    QCOMPARE(set.status, 200);
    QCOMPARE(set.json.value(fault).toDouble(), 1.0);

    const SimResponse failed =
        m_client->post(u"/v1/customers"_s, "email=" + percent(u"fault@example.com"_s), "fault-key-1");
    QCOMPARE(failed.status, status);
    QCOMPARE(str(failed.json, u"error.type"), type);
    QCOMPARE(failed.errorCode(), code);
    QVERIFY(failed.header("Request-Id").startsWith("req_"));
    QCOMPARE(m_client->get(u"/v1/balance"_s).status, status);
    // The control endpoints are not subject to faults.
    QCOMPARE(stats().value(u"faults_injected"_s).toObject().value(counter).toInteger(), qint64(2));

    QCOMPARE(m_client->control(u"/_sim/faults"_s, {}).status, 200);
    QCOMPARE(at(stats(), u"objects.customer").toInteger(), qint64(0));
    // The key was not spent on a request that never ran.
    const SimResponse created =
        m_client->post(u"/v1/customers"_s, "email=" + percent(u"fault@example.com"_s), "fault-key-1");
    QCOMPARE(created.status, 200);
    QVERIFY(created.header("Idempotent-Replayed").isEmpty());
}

void TestSimulatorFlows::faultDropAfterCommit()
{
    QCOMPARE(m_client->control(u"/_sim/faults"_s, {{u"drop_after_commit_rate"_s, 1}}).status, 200);
    const QByteArray body = "email=" + percent(u"dropped@example.com"_s);
    const QByteArray request =
        "POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + QByteArray(ApiKey) +
        "\r\nContent-Type: application/x-www-form-urlencoded\r\nIdempotency-Key: drop-key-1\r\n"
        "Content-Length: " +
        QByteArray::number(body.size()) + "\r\n\r\n" + body;
    const RawExchange exchange = exchangeRaw(m_client->simulator().port(), request, 5000);
    QVERIFY(exchange.closedByServer);
    QVERIFY2(exchange.received.isEmpty(), exchange.received.constData());
    QCOMPARE(stats().value(u"faults_injected"_s).toObject().value(u"drop_after_commit"_s).toInteger(),
             qint64(1));

    QCOMPARE(m_client->control(u"/_sim/faults"_s, {}).status, 200);
    const QJsonArray customers = m_client->get(u"/v1/customers"_s).json.value(u"data"_s).toArray();
    QCOMPARE(customers.size(), 1);
    const QString id = str(customers.first().toObject(), u"id");
    QCOMPARE(str(customers.first().toObject(), u"email"), u"dropped@example.com"_s);

    const SimResponse retried = m_client->post(u"/v1/customers"_s, body, "drop-key-1");
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(retried.id(), id);
    QCOMPARE(m_client->get(u"/v1/customers"_s).json.value(u"data"_s).toArray().size(), 1);
}

void TestSimulatorFlows::faultHang()
{
    QCOMPARE(m_client->control(u"/_sim/faults"_s, {{u"hang_rate"_s, 1}}).status, 200);
    QElapsedTimer timer;
    timer.start();
    const SimResponse hung =
        m_client->raw("GET", u"/v1/balance"_s, {}, {{"Authorization", "Bearer " + QByteArray(ApiKey)}}, 800);
    QCOMPARE(hung.status, 0);
    QVERIFY(hung.networkError != QNetworkReply::NoError);
    QVERIFY2(timer.elapsed() >= 700, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(stats().value(u"faults_injected"_s).toObject().value(u"hang"_s).toInteger(), qint64(1));

    QCOMPARE(m_client->control(u"/_sim/faults"_s, {}).status, 200);
    QCOMPARE(m_client->get(u"/v1/balance"_s).status, 200);
}

void TestSimulatorFlows::faultLatency()
{
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(m_client->get(u"/v1/balance"_s).status, 200);
    const qint64 normal = timer.elapsed();

    QCOMPARE(m_client->control(u"/_sim/faults"_s, {{u"latency_ms"_s, 400}}).status, 200);
    timer.restart();
    const SimResponse slow = m_client->post(u"/v1/customers"_s, "email=" + percent(u"slow@example.com"_s));
    const qint64 delayed = timer.elapsed();
    QCOMPARE(slow.status, 200);
    QVERIFY2(delayed >= 380, qPrintable(QString::number(delayed)));
    QVERIFY2(normal < delayed - 200, qPrintable(u"%1 ms vs %2 ms"_s.arg(normal).arg(delayed)));
    QCOMPARE(m_client->get(u"/v1/customers/"_s + slow.id()).status, 200);
}

void TestSimulatorFlows::faultValidation_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("unknown fault") << QByteArray(R"({"explode_rate": 1})") << u"unknown fault"_s;
    QTest::newRow("rate above 1") << QByteArray(R"({"error_500_rate": 1.5})") << u"between 0 and 1"_s;
    QTest::newRow("negative rate") << QByteArray(R"({"hang_rate": -0.5})") << u"between 0 and 1"_s;
    QTest::newRow("not a number") << QByteArray(R"({"latency_ms": "fast"})") << u"must be a number"_s;
    QTest::newRow("negative latency") << QByteArray(R"({"latency_ms": -1})") << u"latency_ms"_s;
    QTest::newRow("seed too large") << QByteArray(R"({"seed": 4294967296})") << u"seed"_s;
    QTest::newRow("not an object") << QByteArray("[1, 2]") << u"JSON object"_s;
    QTest::newRow("not JSON") << QByteArray("error_500_rate=1") << u"JSON object"_s;
}

void TestSimulatorFlows::faultValidation()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, messagePart);

    QCOMPARE(m_client->control(u"/_sim/faults"_s, {{u"latency_ms"_s, 5}}).status, 200);
    const SimResponse refused =
        m_client->raw("POST", u"/_sim/faults"_s, body, {{"Content-Type", "application/json"}});
    QCOMPARE(refused.status, 400);
    QCOMPARE(str(refused.json, u"error.type"), u"invalid_request_error"_s);
    QVERIFY2(str(refused.json, u"error.message").contains(messagePart), refused.body.constData());
    // The faults in force are unchanged.
    const QJsonObject faults = m_client->raw("GET", u"/_sim/faults"_s, {}, {}).json;
    QCOMPARE(faults.value(u"latency_ms"_s).toInteger(), qint64(5));
    QCOMPARE(faults.value(u"error_500_rate"_s).toDouble(), 0.0);
    QCOMPARE(faults.value(u"hang_rate"_s).toDouble(), 0.0);
}

void TestSimulatorFlows::faultSeedIsReproducible()
{
    const auto run = [](SimTestClient &client, qint64 seed, int requests) {
        QList<int> statuses;
        if (client.control(u"/_sim/faults"_s, {{u"error_500_rate"_s, 0.5}, {u"seed"_s, seed}}).status != 200)
            return statuses;
        for (int i = 0; i < requests; ++i)
            statuses.append(fetch("GET", client.url(u"/v1/balance"_s), {},
                                  {{"Authorization", "Bearer " + QByteArray(ApiKey)}})
                                .status);
        return statuses;
    };
    const QList<int> first = run(*m_client, 42, 50);
    QCOMPARE(first.size(), 50);
    QVERIFY(first.contains(200));
    QVERIFY(first.contains(500));
    QCOMPARE(first.count(200) + first.count(500), 50);
    // The same seed again, on the same simulator and on a new one; another seed gives another run.
    QCOMPARE(run(*m_client, 42, 50), first);
    SimTestClient other;
    QCOMPARE(run(other, 42, 50), first);
    QVERIFY(run(other, 4242, 50) != first);
    QCOMPARE(at(stats(), u"faults_injected.error_500").toInteger(), qint64(2 * first.count(500)));
}

void TestSimulatorFlows::rateLimitPerSecond()
{
    m_client->simulator().setRateLimit(5);
    // Start early in a second of the limiter's window so that six requests fall into the same second.
    const qint64 intoSecond = stats().value(u"uptime_ms"_s).toInteger() % 1000;
    if (intoSecond > 400)
        QTest::qWait(int(1000 - intoSecond + 20));
    QList<int> statuses;
    SimResponse last;
    for (int i = 0; i < 6; ++i) {
        last = m_client->get(u"/v1/balance"_s);
        statuses.append(last.status);
    }
    QCOMPARE(statuses, (QList<int>{200, 200, 200, 200, 200, 429}));
    QCOMPARE(last.errorCode(), u"rate_limit"_s);
    QCOMPARE(str(last.json, u"error.type"), u"invalid_request_error"_s);
    // The control endpoints are not limited.
    QCOMPARE(m_client->raw("GET", u"/_sim/stats"_s, {}, {}).status, 200);
    QCOMPARE(stats().value(u"faults_injected"_s).toObject().value(u"rate_limited"_s).toInteger(), qint64(1));
    QTest::qWait(1100);
    QCOMPARE(m_client->get(u"/v1/balance"_s).status, 200);
}

// --- Control -------------------------------------------------------------------------------------------

void TestSimulatorFlows::controlStats()
{
    QVERIFY(!createCustomer().isEmpty());
    QVERIFY(!createCustomer().isEmpty());
    QCOMPARE(m_client->get(u"/v1/customers/cus_doesnotexist"_s).status, 404);

    const SimResponse response = m_client->raw("GET", u"/_sim/stats"_s, {}, {});
    QCOMPARE(response.status, 200);
    const QJsonObject s = response.json;
    QCOMPARE(s.value(u"requests"_s).toInteger(), qint64(4)); // this one included
    QCOMPARE(at(s, u"by_status.200").toInteger(), qint64(2));
    QCOMPARE(at(s, u"by_status.404").toInteger(), qint64(1));
    QCOMPARE(s.value(u"by_route"_s).toObject().value(u"POST /v1/customers"_s).toInteger(), qint64(2));
    QCOMPARE(at(s, u"objects.customer").toInteger(), qint64(2));
    QCOMPARE(at(s, u"objects.payment_intent").toInteger(), qint64(0));
    QCOMPARE(at(s, u"objects.event").toInteger(), qint64(2));
    QCOMPARE(s.value(u"objects"_s).toObject().value(u"terminal.reader"_s).toInteger(), qint64(1));
    QVERIFY(s.value(u"faults_injected"_s).toObject().isEmpty());

    QCOMPARE(m_client->control(u"/_sim/faults"_s, {{u"error_500_rate"_s, 1}}).status, 200);
    QCOMPARE(m_client->get(u"/v1/customers"_s).status, 500);
    const QJsonObject after = stats();
    QCOMPARE(at(after, u"faults_injected.error_500").toInteger(), qint64(1));
    QCOMPARE(at(after, u"by_status.500").toInteger(), qint64(1));
    QCOMPARE(at(after, u"faults.error_500_rate").toDouble(), 1.0);
}

void TestSimulatorFlows::controlReset()
{
    QVERIFY(!m_client->post(u"/v1/customers"_s, "email=" + percent(u"a@example.com"_s), "reset-key")
                 .id()
                 .isEmpty());
    QVERIFY(!m_client->createPaymentIntent(1000).isEmpty());
    QVERIFY(!webhookSecret(u"https://pos.example/hook"_s, {u"*"_s}).isEmpty());
    QCOMPARE(m_client->control(u"/_sim/faults"_s, {{u"latency_ms"_s, 10}}).status, 200);
    QCOMPARE(m_client->control(u"/_sim/advance"_s, {{u"seconds"_s, 600}}).status, 200);

    const SimResponse reset = m_client->control(u"/_sim/reset"_s, {});
    QCOMPARE(reset.status, 200);
    QCOMPARE(reset.json.value(u"reset"_s).toBool(), true);

    for (const QString &list : {u"/v1/customers"_s, u"/v1/payment_intents"_s, u"/v1/events"_s,
                                u"/v1/webhook_endpoints"_s, u"/v1/charges"_s})
        QVERIFY2(m_client->get(list).json.value(u"data"_s).toArray().isEmpty(), qPrintable(list));
    const QJsonArray readers = m_client->get(u"/v1/terminal/readers"_s).json.value(u"data"_s).toArray();
    QCOMPARE(readers.size(), 1);
    QCOMPARE(str(readers.first().toObject(), u"status"), u"online"_s);
    QVERIFY(readers.first().toObject().value(u"action"_s).isNull());

    const QJsonObject s = stats();
    QCOMPARE(at(s, u"faults.latency_ms").toInteger(), qint64(0));
    QCOMPARE(s.value(u"clock_offset"_s).toInteger(), qint64(0));
    QCOMPARE(at(s, u"objects.customer").toInteger(), qint64(0));
    QCOMPARE(at(s, u"objects.event").toInteger(), qint64(0));
    QCOMPARE(s.value(u"idempotency_keys"_s).toInteger(), qint64(0));
    QVERIFY(s.value(u"requests"_s).toInteger() < 10);

    // Idempotency keys are forgotten too.
    const SimResponse fresh =
        m_client->post(u"/v1/customers"_s, "email=" + percent(u"a@example.com"_s), "reset-key");
    QCOMPARE(fresh.status, 200);
    QVERIFY(fresh.header("Idempotent-Replayed").isEmpty());
    QCOMPARE(at(stats(), u"objects.customer").toInteger(), qint64(1));
}

void TestSimulatorFlows::controlAdvance()
{
    const SimResponse before = m_client->post(u"/v1/customers"_s);
    const qint64 created = before.json.value(u"created"_s).toInteger();
    constexpr qint64 ThreeDays = 3 * 24 * 3600;

    const SimResponse advanced = m_client->control(u"/_sim/advance"_s, {{u"seconds"_s, ThreeDays}});
    QCOMPARE(advanced.status, 200);
    QCOMPARE(advanced.json.value(u"clock_offset"_s).toInteger(), ThreeDays);
    QVERIFY(advanced.json.value(u"now"_s).toInteger() >= created + ThreeDays);

    const SimResponse after = m_client->post(u"/v1/customers"_s);
    const qint64 later = after.json.value(u"created"_s).toInteger();
    QVERIFY2(later >= created + ThreeDays && later < created + ThreeDays + 60,
             qPrintable(u"%1 then %2"_s.arg(created).arg(later)));
    QCOMPARE(stats().value(u"clock_offset"_s).toInteger(), ThreeDays);
    // Lists are still newest first on the moved clock.
    QCOMPARE(str(m_client->get(u"/v1/customers"_s).json.value(u"data"_s).toArray().first().toObject(), u"id"),
             after.id());

    for (const QJsonObject &bad :
         {QJsonObject{{u"seconds"_s, -5}}, QJsonObject{{u"seconds"_s, u"soon"_s}}, QJsonObject{}}) {
        const SimResponse refused = m_client->control(u"/_sim/advance"_s, bad);
        QCOMPARE(refused.status, 400);
        QCOMPARE(str(refused.json, u"error.param"), u"seconds"_s);
    }
    QCOMPARE(stats().value(u"clock_offset"_s).toInteger(), ThreeDays);
}

void TestSimulatorFlows::controlBadRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");

    QTest::newRow("faults: bad JSON")
        << QByteArray("POST") << u"/_sim/faults"_s << QByteArray("{nope") << 400;
    QTest::newRow("advance: bad JSON")
        << QByteArray("POST") << u"/_sim/advance"_s << QByteArray("seconds=5") << 400;
    QTest::newRow("reset: bad JSON") << QByteArray("POST") << u"/_sim/reset"_s << QByteArray("[") << 400;
    QTest::newRow("unknown path") << QByteArray("POST") << u"/_sim/explode"_s << QByteArray("{}") << 404;
    QTest::newRow("unknown GET") << QByteArray("GET") << u"/_sim/whatever"_s << QByteArray() << 404;
    QTest::newRow("reset by GET") << QByteArray("GET") << u"/_sim/reset"_s << QByteArray() << 404;
    QTest::newRow("stats by DELETE") << QByteArray("DELETE") << u"/_sim/stats"_s << QByteArray() << 404;
}

void TestSimulatorFlows::controlBadRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);

    QVERIFY(!createCustomer().isEmpty());
    const SimResponse response = m_client->raw(method, path, body, {{"Content-Type", "application/json"}});
    QCOMPARE(response.status, status);
    QCOMPARE(str(response.json, u"error.type"), u"invalid_request_error"_s);
    QVERIFY(response.header("Request-Id").startsWith("req_"));
    if (status == 404)
        QVERIFY(str(response.json, u"error.message").contains(u"/_sim/faults"_s));
    // Nothing was reset or changed.
    QCOMPARE(at(stats(), u"objects.customer").toInteger(), qint64(1));
}

// --- State file ----------------------------------------------------------------------------------------

void TestSimulatorFlows::stateSurvivesRestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto saveBeforeTheDirectoryGoes = qScopeGuard([this] { m_client.reset(); });
    const QString path = dir.filePath(u"sim-state.json"_s);
    QString error;
    QVERIFY2(m_client->simulator().setStateFile(path, &error), qPrintable(error));
    QVERIFY(QFile::exists(path));

    const QString reader = readerId();
    const QString customer = createCustomer("email=" + percent(u"kept@example.com"_s));
    QVERIFY(!customer.isEmpty());
    const QByteArray form = "amount=1234&currency=usd&payment_method_types[]=card&payment_method=pm_card_visa"
                            "&confirm=true&customer=" +
                            customer.toLatin1();
    const SimResponse paid = m_client->post(u"/v1/payment_intents"_s, form, "state-key-1");
    QCOMPARE(paid.status, 200);
    QCOMPARE(paid.string(u"status"_s), u"succeeded"_s);

    m_client.reset(); // the simulator saves as it goes away
    m_client = std::make_unique<SimTestClient>();
    QVERIFY2(m_client->simulator().setStateFile(path, &error), qPrintable(error));

    // The same requests as before the restart, from the same random seed: new objects must still not
    // take the ids of restored ones.
    QCOMPARE(readerId(), reader);
    const QString second = createCustomer("email=" + percent(u"new@example.com"_s));
    QVERIFY(!second.isEmpty());
    QVERIFY(second != customer);
    const SimResponse kept = m_client->get(u"/v1/customers/"_s + customer);
    QCOMPARE(kept.status, 200);
    QCOMPARE(kept.string(u"email"_s), u"kept@example.com"_s);
    QCOMPARE(m_client->get(u"/v1/customers"_s).json.value(u"data"_s).toArray().size(), 2);

    const SimResponse replayed = m_client->post(u"/v1/payment_intents"_s, form, "state-key-1");
    QCOMPARE(replayed.status, 200);
    QCOMPARE(replayed.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(replayed.json, paid.json);
    QCOMPARE(m_client->get(u"/v1/payment_intents/"_s + paid.id()).string(u"status"_s), u"succeeded"_s);
    QCOMPARE(m_client->get(u"/v1/payment_intents"_s).json.value(u"data"_s).toArray().size(), 1);
    const QJsonArray readers = m_client->get(u"/v1/terminal/readers"_s).json.value(u"data"_s).toArray();
    QCOMPARE(readers.size(), 1);
    QCOMPARE(str(readers.first().toObject(), u"id"), reader);
}

void TestSimulatorFlows::stateFileCorrupt_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("not JSON") << QByteArray("{this is not json") << u"is not a simulator state file"_s;
    QTest::newRow("a JSON array") << QByteArray("[1, 2, 3]") << u"is not a simulator state file"_s;
    QTest::newRow("objects not a list")
        << QByteArray(R"({"format": 1, "context": {"objects": {"customer": {}}}})") << u"not a list"_s;
    QTest::newRow("wrong object type")
        << QByteArray(
               R"({"format": 1, "context": {"objects": {"customer": [{"id": "ch_1", "object": "charge"}]}}})")
        << u"wrong type"_s;
}

void TestSimulatorFlows::stateFileCorrupt()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, messagePart);

    QTemporaryDir dir;
    const QString path = dir.filePath(u"broken-state.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();

    QString error;
    QVERIFY(!m_client->simulator().setStateFile(path, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY2(error.contains(messagePart), qPrintable(error));

    // The simulator carries on as it was and leaves the broken file alone for someone to look at.
    QCOMPARE(m_client->get(u"/v1/terminal/readers"_s).json.value(u"data"_s).toArray().size(), 1);
    QVERIFY(!createCustomer().isEmpty());
    m_client.reset();
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), content);
}

// --- Demo data -----------------------------------------------------------------------------------------

void TestSimulatorFlows::demoData()
{
    m_client->simulator().seedDemo(300);
    const qint64 now = QDateTime::currentSecsSinceEpoch();

    QSet<QString> ids;
    QHash<QString, int> statuses;
    qint64 newest = 0;
    qint64 previous = std::numeric_limits<qint64>::max();
    qint64 oldest = 0;
    QString after;
    QString declined;
    int pages = 0;
    bool hasMore = true;
    while (hasMore) {
        const SimResponse page = m_client->get(u"/v1/payment_intents?limit=100"_s +
                                               (after.isEmpty() ? QString() : u"&starting_after="_s + after));
        QCOMPARE(page.status, 200);
        QVERIFY(++pages <= 4);
        const QJsonArray data = page.json.value(u"data"_s).toArray();
        for (const QJsonValue &value : data) {
            const QJsonObject pi = value.toObject();
            const QString id = str(pi, u"id");
            QVERIFY2(!ids.contains(id), qPrintable(id));
            ids.insert(id);
            const qint64 created = pi.value(u"created"_s).toInteger();
            QVERIFY2(created <= previous, qPrintable(id)); // newest first
            previous = created;
            if (newest == 0)
                newest = created;
            oldest = created;
            ++statuses[str(pi, u"status")];
            if (str(pi, u"status") == u"requires_payment_method"_s)
                declined = id;
            after = id;
        }
        hasMore = page.json.value(u"has_more"_s).toBool();
    }
    QCOMPARE(ids.size(), 300);
    QCOMPARE(pages, 3);
    QVERIFY(newest <= now);
    QVERIFY2(newest > now - 7 * 24 * 3600, qPrintable(QString::number(now - newest)));
    QVERIFY2(oldest >= now - 91 * 24 * 3600, qPrintable(QString::number(now - oldest)));
    QVERIFY2(newest - oldest > 75 * 24 * 3600, qPrintable(QString::number(newest - oldest)));
    QVERIFY2(statuses.value(u"succeeded"_s) > 240,
             qPrintable(QString::number(statuses.value(u"succeeded"_s))));
    QVERIFY(statuses.value(u"requires_payment_method"_s) > 0);
    QVERIFY(statuses.value(u"canceled"_s) > 0);
    QCOMPARE(statuses.value(u"succeeded"_s) + statuses.value(u"requires_payment_method"_s) +
                 statuses.value(u"canceled"_s),
             300);

    // A declined one has its failed charge and error.
    const SimResponse failed =
        m_client->get(u"/v1/payment_intents/"_s + declined + u"?expand[0]=latest_charge"_s);
    QCOMPARE(str(failed.json, u"latest_charge.status"), u"failed"_s);
    QVERIFY(!str(failed.json, u"last_payment_error.decline_code").isEmpty());

    const QJsonArray refunds = m_client->get(u"/v1/refunds?limit=100"_s).json.value(u"data"_s).toArray();
    QVERIFY(!refunds.isEmpty());
    for (const QJsonValue &refund : refunds) {
        const QString pi = str(refund.toObject(), u"payment_intent");
        QVERIFY2(ids.contains(pi), qPrintable(pi));
        QCOMPARE(m_client->get(u"/v1/payment_intents/"_s + pi).string(u"status"_s), u"succeeded"_s);
    }

    const QJsonArray customers = m_client->get(u"/v1/customers?limit=100"_s).json.value(u"data"_s).toArray();
    QVERIFY(customers.size() >= 8);
    for (const QJsonValue &value : customers) {
        const QJsonObject customer = value.toObject();
        const QString defaultPm = str(customer, u"invoice_settings.default_payment_method");
        QVERIFY2(defaultPm.startsWith(u"pm_"_s), qPrintable(str(customer, u"id")));
        const QJsonArray cards =
            m_client->get(u"/v1/customers/"_s + str(customer, u"id") + u"/payment_methods?type=card"_s)
                .json.value(u"data"_s)
                .toArray();
        QVERIFY(!cards.isEmpty());
        bool hasDefault = false;
        for (const QJsonValue &card : cards) {
            QCOMPARE(str(card.toObject(), u"customer"), str(customer, u"id"));
            hasDefault = hasDefault || str(card.toObject(), u"id") == defaultPm;
        }
        QVERIFY(hasDefault);
    }

    const QJsonArray readers = m_client->get(u"/v1/terminal/readers"_s).json.value(u"data"_s).toArray();
    QCOMPARE(readers.size(), 1);
    QCOMPARE(str(readers.first().toObject(), u"label"), u"Front counter (simulated)"_s);

    // Seeding a simulator that holds payments does nothing.
    m_client->simulator().seedDemo(300);
    QCOMPARE(at(stats(), u"objects.payment_intent").toInteger(), qint64(300));
}

// --- The executable ------------------------------------------------------------------------------------

void TestSimulatorFlows::executableListensAndStops()
{
    QProcess process;
    QString firstLine;
    const quint16 port =
        startExecutable(process, {u"--listen"_s, u"127.0.0.1:0"_s, u"--seed"_s, u"7"_s}, &firstLine);
    QVERIFY2(port != 0, qPrintable(firstLine + QString::fromUtf8(process.readAllStandardError())));

    const Fetched balance = fetch("GET", QUrl(u"http://127.0.0.1:%1/v1/balance"_s.arg(port)), {},
                                  {{"Authorization", "Bearer " + QByteArray(ApiKey)}});
    QCOMPARE(balance.status, 200);
    QCOMPARE(balance.json().value(u"object"_s).toString(), u"balance"_s);
    const Fetched readers = fetch("GET", QUrl(u"http://127.0.0.1:%1/v1/terminal/readers"_s.arg(port)), {},
                                  {{"Authorization", "Bearer " + QByteArray(ApiKey)}});
    QCOMPARE(readers.json().value(u"data"_s).toArray().size(), 1);

    process.terminate(); // SIGTERM
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

void TestSimulatorFlows::executableRejectsArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("listen nonsense") << QStringList{u"--listen"_s, u"nonsense"_s}
                                     << u"--listen takes host:port"_s;
    QTest::newRow("listen port too large")
        << QStringList{u"--listen"_s, u"127.0.0.1:70000"_s} << u"--listen takes host:port"_s;
    QTest::newRow("webhook without secret") << QStringList{u"--webhook"_s, u"http://127.0.0.1:9/hook"_s}
                                            << u"--webhook and --webhook-secret go together"_s;
    QTest::newRow("secret without webhook") << QStringList{u"--webhook-secret"_s, u"whsec_abc"_s}
                                            << u"--webhook and --webhook-secret go together"_s;
    QTest::newRow("secret not whsec_")
        << QStringList{u"--webhook"_s, u"http://127.0.0.1:9/hook"_s, u"--webhook-secret"_s, u"abc"_s}
        << u"must start with whsec_"_s;
    QTest::newRow("seed-demo not a number") << QStringList{u"--seed-demo"_s, u"lots"_s} << u"--seed-demo"_s;
}

void TestSimulatorFlows::executableRejectsArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, messagePart);

    QProcess process;
    process.start(simExecutable(), arguments);
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    const QString errors = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(errors.contains(messagePart), qPrintable(errors));
    QVERIFY(!process.readAllStandardOutput().contains("listening on"));
}

void TestSimulatorFlows::executableStateKeepsDemoData()
{
    QTemporaryDir dir;
    const QString state = dir.filePath(u"kassa-sim-state.json"_s);
    QString newestId;
    for (int run = 0; run < 2; ++run) {
        QProcess process;
        QString firstLine;
        const quint16 port = startExecutable(
            process, {u"--listen"_s, u"127.0.0.1:0"_s, u"--state"_s, state, u"--seed-demo"_s, u"50"_s},
            &firstLine);
        QVERIFY2(port != 0, qPrintable(firstLine + QString::fromUtf8(process.readAllStandardError())));
        while (!process.canReadLine() && process.waitForReadyRead(10'000)) {
        }
        QVERIFY(process.readLine().startsWith("demo data: 50 payments"));

        const Fetched s = fetch("GET", QUrl(u"http://127.0.0.1:%1/_sim/stats"_s.arg(port)));
        QCOMPARE(at(s.json(), u"objects.payment_intent").toInteger(), qint64(50));
        const Fetched newest =
            fetch("GET", QUrl(u"http://127.0.0.1:%1/v1/payment_intents?limit=1"_s.arg(port)), {},
                  {{"Authorization", "Bearer " + QByteArray(ApiKey)}});
        const QString id = str(newest.json().value(u"data"_s).toArray().first().toObject(), u"id");
        QVERIFY(id.startsWith(u"pi_"_s));
        if (run == 0)
            newestId = id;
        else
            QCOMPARE(id, newestId);

        process.terminate();
        QVERIFY(process.waitForFinished(10'000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(QFile::exists(state));
    }
}

QTEST_GUILESS_MAIN(TestSimulatorFlows)
#include "tst_simulatorflows.moc"
