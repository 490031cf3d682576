// The webhook receiver against real deliveries (the simulator's signed webhooks) and against bad input:
// forged, stale, replayed, oversized, truncated, non-JSON and slow-loris requests are all refused, nothing
// is stored, and the receiver keeps serving.
#include "services/stripe/webhooksignature.h"
#include "services/sync/webhookreceiver.h"
#include "sim/simulator.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

using namespace Qt::StringLiterals;
using kassa::stripe::WebhookSignature;
using kassa::sync::WebhookReceiver;

namespace {

const QByteArray Secret = "whsec_receivertests0123456789";

QByteArray eventBody(const QString &id, const QString &type = u"payment_intent.succeeded"_s)
{
    const QJsonObject event{
        {u"id"_s, id},
        {u"object"_s, u"event"_s},
        {u"type"_s, type},
        {u"created"_s, QDateTime::currentSecsSinceEpoch()},
        {u"data"_s,
         QJsonObject{{u"object"_s, QJsonObject{{u"id"_s, u"pi_1"_s}, {u"object"_s, u"payment_intent"_s}}}}},
    };
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

// Sends raw bytes and returns what came back before the server closed or the time ran out.
QByteArray rawExchange(quint16 port, const QList<QByteArray> &chunks, int pauseMs, int waitMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return "(no connection)";
    QByteArray answer;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { answer += socket.readAll(); });
    for (const QByteArray &chunk : chunks) {
        socket.write(chunk);
        socket.flush();
        if (pauseMs > 0)
            QTest::qWait(pauseMs);
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
    }
    QElapsedTimer timer;
    timer.start();
    while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < waitMs)
        QTest::qWait(20);
    answer += socket.readAll();
    return answer;
}

// Sends one signed delivery on each of `count` connections at once and gives the answers, in order.
QList<QByteArray> concurrentDeliveries(quint16 port, int count, const QString &idPrefix);

QByteArray post(const QByteArray &body, const QByteArray &signature, const QByteArray &path = "/webhook")
{
    QByteArray request =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    if (!signature.isEmpty())
        request += "Stripe-Signature: " + signature + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return request;
}

QList<QByteArray> concurrentDeliveries(quint16 port, int count, const QString &idPrefix)
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QList<QByteArray> answers(count);
    for (int i = 0; i < count; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        if (!socket->waitForConnected(2000))
            return {};
        QObject::connect(socket.get(), &QTcpSocket::readyRead, socket.get(),
                         [&answers, i, raw = socket.get()] { answers[i] += raw->readAll(); });
        sockets.push_back(std::move(socket));
    }
    // Written before the receiver's thread (this one) runs again: they arrive together.
    for (int i = 0; i < count; ++i) {
        const QByteArray body = eventBody(idPrefix + QString::number(i));
        sockets[size_t(i)]->write(
            post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch())));
        sockets[size_t(i)]->flush();
    }
    QElapsedTimer timer;
    timer.start();
    const auto allAnswered = [&answers] {
        return std::all_of(answers.cbegin(), answers.cend(),
                           [](const QByteArray &answer) { return answer.contains("\r\n\r\n"); });
    };
    while (!allAnswered() && timer.elapsed() < 5000)
        QTest::qWait(10);
    return answers;
}

} // namespace

class TestWebhookReceiver : public QObject
{
    Q_OBJECT

private slots:
    // Every test runs with the sink on the receiver's thread and again with a ThreadSink, which stores
    // on the socket thread (as WebhookInbox does).
    void initTestCase_data();
    void init();
    void cleanup();

    void acceptsSignedEvent();
    void refusesBadInput_data();
    void refusesBadInput();
    void oversizedRefusedBeforeTheBody();
    void truncatedBodyStoresNothing();
    void slowLorisTimesOut();
    void replayedEventIsStoredOnce();
    void sinkFailureAsksForRedelivery();
    void rotationAcceptsEitherSecret();
    void perClientRateLimit();
    void simulatorDeliveriesVerify();
    void groupCommitAnswersEachAfterItsBatch();
    void groupCommitFailureAsksForRedelivery();
    void backgroundWorkRunsBetweenDeliveries();
    void socketThreadBusyStoreAnswers503();
    void pipelinedAfterRefusedIsAnswered();

private:
    class TestThreadSink;
    // The sink of both kinds: keeps the event in m_stored unless m_sinkWorks is false.
    bool keep(const QString &id, const QByteArray &raw, QString *error);
    std::mutex m_storedMutex; // the ThreadSink writes from the socket thread
    std::unique_ptr<WebhookReceiver> m_receiver;
    QMap<QString, QByteArray> m_stored; // event id -> raw body
    bool m_sinkWorks = true;
    int m_sinkCalls = 0;
};

class TestWebhookReceiver::TestThreadSink : public WebhookReceiver::ThreadSink
{
public:
    explicit TestThreadSink(TestWebhookReceiver *test)
        : m_test(test)
    {
    }
    Outcome store(const std::vector<Event> &events, QString *error) override
    {
        for (const Event &event : events) {
            if (!m_test->keep(event.id, event.body, error))
                return Outcome::Failed;
        }
        return Outcome::Stored;
    }

private:
    TestWebhookReceiver *m_test;
};

void TestWebhookReceiver::initTestCase_data()
{
    QTest::addColumn<bool>("socketThread");
    QTest::newRow("receiver thread") << false;
    QTest::newRow("socket thread") << true;
}

bool TestWebhookReceiver::keep(const QString &id, const QByteArray &raw, QString *error)
{
    const std::lock_guard lock(m_storedMutex);
    ++m_sinkCalls;
    if (!m_sinkWorks) {
        *error = u"disk full"_s;
        return false;
    }
    m_stored.insert(id, raw);
    return true;
}

void TestWebhookReceiver::init()
{
    QFETCH_GLOBAL(bool, socketThread);
    m_stored.clear();
    m_sinkWorks = true;
    m_sinkCalls = 0;
    WebhookReceiver::Options options;
    options.requestTimeoutMs = 800;
    options.perClientRate = 1000;
    m_receiver = std::make_unique<WebhookReceiver>(
        [this](const QJsonObject &event, const QByteArray &raw, QString *error) {
            return keep(event.value(u"id"_s).toString(), raw, error);
        },
        options);
    if (socketThread)
        m_receiver->setThreadSink([this](QString *) { return std::make_unique<TestThreadSink>(this); });
    m_receiver->setSecrets({Secret});
    QVERIFY(m_receiver->listen(QHostAddress::LocalHost, 0));
    QCOMPARE(m_receiver->storesOnSocketThread(), socketThread);
}

void TestWebhookReceiver::cleanup()
{
    m_receiver.reset();
}

void TestWebhookReceiver::acceptsSignedEvent()
{
    const QByteArray body = eventBody(u"evt_ok1"_s);
    const QByteArray answer = rawExchange(
        m_receiver->port(),
        {post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()))}, 0, 3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(answer.contains("{\"received\":true}"));
    QCOMPARE(m_stored.value(u"evt_ok1"_s), body);
    QCOMPARE(m_receiver->stats().accepted, 1);
}

void TestWebhookReceiver::refusesBadInput_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray body = eventBody(u"evt_bad"_s);
    QTest::newRow("forged (wrong secret)")
        << post(body, WebhookSignature::sign(body, "whsec_other", now)) << 400;
    QTest::newRow("no signature") << post(body, {}) << 400;
    QTest::newRow("stale") << post(body, WebhookSignature::sign(body, Secret, now - 301)) << 400;
    QByteArray tampered = body;
    tampered.replace("pi_1", "pi_2");
    QTest::newRow("tampered body") << post(tampered, WebhookSignature::sign(body, Secret, now)) << 400;
    const QByteArray notJson = "this is not json";
    QTest::newRow("non-JSON") << post(notJson, WebhookSignature::sign(notJson, Secret, now)) << 400;
    const QByteArray notEvent = R"({"id":"pi_1","object":"payment_intent"})";
    QTest::newRow("JSON, not an event")
        << post(notEvent, WebhookSignature::sign(notEvent, Secret, now)) << 400;
    // Shaped like an event but not saying it is one: the event processor would never apply it.
    const QByteArray unnamed = R"({"id":"evt_1","type":"charge.succeeded","created":1,"data":{"object":{}}})";
    QTest::newRow("an event without \"object\": \"event\"")
        << post(unnamed, WebhookSignature::sign(unnamed, Secret, now)) << 400;
    QTest::newRow("other path") << post(body, WebhookSignature::sign(body, Secret, now), "/hook") << 404;
    QTest::newRow("GET") << QByteArray("GET /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                         << 405;
    QTest::newRow("garbage request line") << QByteArray("HELLO\r\n\r\n") << 400;
    QTest::newRow("chunked body")
        << QByteArray("POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhello\r\n0\r\n\r\n")
        << 411;
}

void TestWebhookReceiver::refusesBadInput()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    const QByteArray answer = rawExchange(m_receiver->port(), {request}, 0, 3000);
    QVERIFY2(answer.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))), answer.constData());
    QVERIFY(m_stored.isEmpty());
    // And it keeps serving.
    const QByteArray body = eventBody(u"evt_after"_s);
    const QByteArray ok = rawExchange(
        m_receiver->port(),
        {post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()))}, 0, 3000);
    QVERIFY2(ok.startsWith("HTTP/1.1 200"), ok.constData());
}

void TestWebhookReceiver::oversizedRefusedBeforeTheBody()
{
    // Only the head is sent: the answer must come without waiting for 2 MiB that never arrive.
    QElapsedTimer timer;
    timer.start();
    const QByteArray answer = rawExchange(m_receiver->port(),
                                          {"POST /webhook HTTP/1.1\r\nHost: x\r\nStripe-Signature: "
                                           "t=1,v1=00\r\nContent-Length: 2097152\r\n\r\n"},
                                          0, 3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
    QVERIFY(timer.elapsed() < 2500);
    QVERIFY(m_stored.isEmpty());
}

void TestWebhookReceiver::truncatedBodyStoresNothing()
{
    const QByteArray body = eventBody(u"evt_truncated"_s);
    QByteArray request = post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()));
    request.chop(20); // the connection closes before the announced length arrives
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_receiver->port());
    QVERIFY(socket.waitForConnected(2000));
    socket.write(request);
    QVERIFY(socket.waitForBytesWritten(2000));
    socket.disconnectFromHost();
    QTest::qWait(300);
    QVERIFY(m_stored.isEmpty());
    QCOMPARE(m_sinkCalls, 0);
}

void TestWebhookReceiver::slowLorisTimesOut()
{
    const QByteArray body = eventBody(u"evt_slow"_s);
    const QByteArray request =
        post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()));
    // One byte every 100 ms: the request would take far longer than the 800 ms the receiver allows.
    QList<QByteArray> chunks;
    for (char c : request.left(40))
        chunks.append(QByteArray(1, c));
    QElapsedTimer timer;
    timer.start();
    const QByteArray answer = rawExchange(m_receiver->port(), chunks, 100, 3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
    QVERIFY(timer.elapsed() < 4000);
    QVERIFY(m_stored.isEmpty());
}

void TestWebhookReceiver::replayedEventIsStoredOnce()
{
    const QByteArray body = eventBody(u"evt_twice"_s);
    const QByteArray signature = WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch());
    QVERIFY(rawExchange(m_receiver->port(), {post(body, signature)}, 0, 3000).startsWith("HTTP/1.1 200"));
    // A replay within the tolerance is answered 200 (Stripe must stop retrying); the sink dedupes by id.
    QVERIFY(rawExchange(m_receiver->port(), {post(body, signature)}, 0, 3000).startsWith("HTTP/1.1 200"));
    QCOMPARE(m_stored.size(), 1);
}

void TestWebhookReceiver::sinkFailureAsksForRedelivery()
{
    m_sinkWorks = false;
    const QByteArray body = eventBody(u"evt_disk_full"_s);
    const QByteArray answer = rawExchange(
        m_receiver->port(),
        {post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()))}, 0, 3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 500"), answer.constData());
    QCOMPARE(m_receiver->stats().sinkFailures, 1);
}

void TestWebhookReceiver::rotationAcceptsEitherSecret()
{
    const QByteArray next = "whsec_nextsecret0123456789";
    m_receiver->setSecrets({Secret, next});
    int index = 0;
    for (const QByteArray &secret : {Secret, next}) {
        const QByteArray body = eventBody(u"evt_rot_%1"_s.arg(++index));
        const QByteArray answer = rawExchange(
            m_receiver->port(),
            {post(body, WebhookSignature::sign(body, secret, QDateTime::currentSecsSinceEpoch()))}, 0, 3000);
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    }
    QCOMPARE(m_stored.size(), 2);
}

void TestWebhookReceiver::perClientRateLimit()
{
    WebhookReceiver::Options options;
    options.perClientRate = 3;
    WebhookReceiver limited([](const QJsonObject &, const QByteArray &, QString *) { return true; }, options);
    limited.setSecrets({Secret});
    QVERIFY(limited.listen(QHostAddress::LocalHost, 0));
    int ok = 0;
    int limitedCount = 0;
    for (int i = 0; i < 8; ++i) {
        const QByteArray body = eventBody(u"evt_rate%1"_s.arg(i));
        const QByteArray answer = rawExchange(
            limited.port(),
            {post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()))}, 0, 3000);
        if (answer.startsWith("HTTP/1.1 200"))
            ++ok;
        else if (answer.startsWith("HTTP/1.1 429"))
            ++limitedCount;
    }
    // Eight requests span at most two one-second windows: at most 6 pass.
    QVERIFY2(ok >= 3 && ok <= 6, qPrintable(QString::number(ok)));
    QCOMPARE(ok + limitedCount, 8);
}

void TestWebhookReceiver::simulatorDeliveriesVerify()
{
    kassa::sim::Simulator simulator;
    QVERIFY(simulator.listen());
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_receiver->port());
    url.setPath(u"/webhook"_s);
    simulator.addWebhookEndpoint(url, QString::fromLatin1(Secret));
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(simulator.baseUrl().toString() + u"/v1/payment_intents"_s));
    request.setRawHeader("Authorization", "Bearer sk_test_receivertests123");
    request.setRawHeader("Content-Type", "application/x-www-form-urlencoded");
    QNetworkReply *reply =
        network.post(request, QByteArray("amount=1500&currency=usd&payment_method=pm_card_visa&"
                                         "confirm=true&payment_method_types[]=card"));
    QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete reply;
    // payment_intent.created, charge.succeeded, payment_intent.succeeded
    QVERIFY(QTest::qWaitFor([this] { return m_stored.size() >= 3; }, 5000));
    QCOMPARE(m_receiver->stats().rejected, 0);
}

QTEST_GUILESS_MAIN(TestWebhookReceiver)
void TestWebhookReceiver::groupCommitAnswersEachAfterItsBatch()
{
    WebhookReceiver::Options options;
    options.perClientRate = 0;
    options.maxBatch = 2;
    QList<qsizetype> batches;
    QStringList stored;
    WebhookReceiver receiver(
        [&](const QList<WebhookReceiver::Delivery> &deliveries) {
            batches.append(deliveries.size());
            for (const WebhookReceiver::Delivery &delivery : deliveries) {
                // The raw body travels with the parsed event.
                if (QJsonDocument::fromJson(delivery.rawBody).object() == delivery.event)
                    stored.append(delivery.event.value(u"id"_s).toString());
            }
            return QList<QString>(deliveries.size());
        },
        options);
    receiver.setSecrets({Secret});
    QVERIFY(receiver.listen(QHostAddress::LocalHost, 0));
    const QList<QByteArray> answers = concurrentDeliveries(receiver.port(), 6, u"evt_group"_s);
    QCOMPARE(answers.size(), 6);
    for (const QByteArray &answer : answers)
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QCOMPARE(stored.size(), 6);
    // Never more than maxBatch events per commit.
    qsizetype total = 0;
    for (const qsizetype size : std::as_const(batches)) {
        QVERIFY(size >= 1 && size <= 2);
        total += size;
    }
    QCOMPARE(total, 6);
    QCOMPARE(receiver.stats().accepted, 6);
}

void TestWebhookReceiver::groupCommitFailureAsksForRedelivery()
{
    WebhookReceiver::Options options;
    options.perClientRate = 0;
    int calls = 0;
    WebhookReceiver receiver(
        [&](const QList<WebhookReceiver::Delivery> &deliveries) {
            ++calls;
            // The first event of each batch is refused alone; a sink that answers for fewer events than
            // it was given fails the rest too.
            QList<QString> errors{u"disk full"_s};
            if (deliveries.size() > 2)
                errors.append(QString());
            return errors;
        },
        options);
    receiver.setSecrets({Secret});
    QVERIFY(receiver.listen(QHostAddress::LocalHost, 0));
    const QList<QByteArray> answers = concurrentDeliveries(receiver.port(), 4, u"evt_groupfail"_s);
    QCOMPARE(answers.size(), 4);
    int refused = 0;
    for (const QByteArray &answer : answers) {
        QVERIFY2(answer.startsWith("HTTP/1.1 500") || answer.startsWith("HTTP/1.1 200"), answer.constData());
        refused += answer.startsWith("HTTP/1.1 500") ? 1 : 0;
    }
    QVERIFY(calls >= 1);
    QVERIFY(refused >= 1);
    QCOMPARE(receiver.stats().sinkFailures + receiver.stats().accepted, 4);
    QCOMPARE(receiver.stats().sinkFailures, refused);
}

void TestWebhookReceiver::backgroundWorkRunsBetweenDeliveries()
{
    int steps = 0;
    int left = 3; // work left from an earlier run
    m_receiver->setBackgroundWork([&](bool) {
        ++steps;
        return --left > 0;
    });
    QTRY_COMPARE(steps, 3);
    QTest::qWait(50);
    QCOMPARE(steps, 3); // done: nothing runs until there is something new

    left = 1;
    const QByteArray body = eventBody(u"evt_then_work"_s);
    const QByteArray answer = rawExchange(
        m_receiver->port(),
        {post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()))}, 0, 3000);
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QTRY_COMPARE(steps, 4);
    m_receiver->setBackgroundWork({});
}

// A store locked beyond its timeout: 503 with Retry-After, nothing counted as stored, and the same event
// is stored when delivered again; a sink that cannot be made leaves the receiver's own thread storing.
void TestWebhookReceiver::socketThreadBusyStoreAnswers503()
{
    struct BusySink : WebhookReceiver::ThreadSink
    {
        std::atomic<bool> *busy;
        std::atomic<int> *stored;
        Outcome store(const std::vector<Event> &events, QString *error) override
        {
            if (busy->load()) {
                *error = u"database is locked"_s;
                return Outcome::Busy;
            }
            *stored += int(events.size());
            return Outcome::Stored;
        }
    };
    std::atomic<bool> busy = true;
    std::atomic<int> stored = 0;
    WebhookReceiver::Options options;
    options.perClientRate = 0;
    int receiverThreadCalls = 0;
    WebhookReceiver receiver(
        [&](const QJsonObject &, const QByteArray &, QString *) {
            ++receiverThreadCalls;
            return true;
        },
        options);
    receiver.setThreadSink([&](QString *) {
        auto sink = std::make_unique<BusySink>();
        sink->busy = &busy;
        sink->stored = &stored;
        return sink;
    });
    receiver.setSecrets({Secret});
    QVERIFY(receiver.listen(QHostAddress::LocalHost, 0));
    QVERIFY(receiver.storesOnSocketThread());
    const QByteArray body = eventBody(u"evt_busy"_s);
    const auto deliver = [&] {
        return rawExchange(
            receiver.port(),
            {post(body, WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()))}, 0, 3000);
    };
    const QByteArray refused = deliver();
    QVERIFY2(refused.startsWith("HTTP/1.1 503"), refused.constData());
    QVERIFY(refused.contains("Retry-After: 1"));
    QCOMPARE(stored.load(), 0);
    QCOMPARE(receiver.stats().accepted, 0);
    QCOMPARE(receiver.stats().sinkFailures, 1);
    busy = false;
    const QByteArray accepted = deliver();
    QVERIFY2(accepted.startsWith("HTTP/1.1 200"), accepted.constData());
    QCOMPARE(stored.load(), 1);
    QCOMPARE(receiver.stats().accepted, 1);
    QCOMPARE(receiverThreadCalls, 0);

    // No sink on the socket thread: the receiver's own sink stores, as without one.
    receiver.setThreadSink([](QString *why) -> std::unique_ptr<WebhookReceiver::ThreadSink> {
        *why = u"no second connection"_s;
        return nullptr;
    });
    QVERIFY(receiver.listen(QHostAddress::LocalHost, 0));
    QVERIFY(!receiver.storesOnSocketThread());
    const QByteArray fallback = deliver();
    QVERIFY2(fallback.startsWith("HTTP/1.1 200"), fallback.constData());
    QCOMPARE(receiverThreadCalls, 1);
    QCOMPARE(stored.load(), 1);
}

// A refused request is answered from the receiver's thread; a delivery pipelined behind it on the same
// connection is then stored and answered.
void TestWebhookReceiver::pipelinedAfterRefusedIsAnswered()
{
    const QByteArray body = eventBody(u"evt_after_405"_s);
    const QByteArray requests =
        "GET /webhook HTTP/1.1\r\nHost: x\r\n\r\nPOST /webhook HTTP/1.1\r\nHost: x\r\nStripe-Signature: " +
        WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()) +
        "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_receiver->port());
    QVERIFY(socket.waitForConnected(2000));
    QByteArray answers;
    connect(&socket, &QTcpSocket::readyRead, this, [&] { answers += socket.readAll(); });
    socket.write(requests);
    QVERIFY(QTest::qWaitFor([&] { return answers.endsWith("{\"received\":true}"); }, 2000));
    QVERIFY2(answers.startsWith("HTTP/1.1 405"), answers.constData());
    QCOMPARE(answers.count("HTTP/1.1 200"), 1);
    const std::lock_guard lock(m_storedMutex);
    QCOMPARE(m_stored.value(u"evt_after_405"_s), body);
}

#include "tst_webhookreceiver.moc"
