// DirectTransport, Kassa's own HTTP/1.1 client: how answers are framed (Content-Length, chunked, until the
// close, interim 1xx), answers that arrive in many small pieces, keep-alive reuse counted on the server,
// connections the server closed while idle or just as a request arrived (a GET goes again by itself, a POST
// is left to StripeCall's retry with the same idempotency key), Connection: close and HTTP/1.0, size limits
// enforced before the body is read, malformed answers, cancellation, the per-host connection limit, and TLS
// verification against servers with a self-signed, a trusted and a wrongly named certificate.
//
// The rest of what a transport must do is tst_stripeclient's suite, which CTest runs once per transport.
#include "rawhttpserver.h"
#include "stripetestsupport.h"

#include "services/stripe/directtransport.h"
#include "services/stripe/directtransportparser.h"
#include "services/stripe/resources/balance.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/stripeclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QPointer>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::stripe;
using kassa::stripe::test::describe;
using kassa::stripe::test::RawHttpServer;
using kassa::stripe::test::runCall;

namespace {

const QString TestKey = u"sk_test_directtransport0123456789"_s;

// A PaymentIntent-like body of a few hundred bytes.
QByteArray intentBody(const QByteArray &id)
{
    return R"({"id":")" + id +
           R"(","object":"payment_intent","amount":1099,"currency":"usd","status":"succeeded",)"
           R"("description":"long enough to arrive in more than one small piece","metadata":{"till":"3"}})";
}

QByteArray okAnswer(const QByteArray &body, const QByteArray &requestId, const QByteArray &extraHeaders = {},
                    const QByteArray &version = "HTTP/1.1")
{
    return version +
           " 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\nRequest-Id: " + requestId + "\r\n" + extraHeaders + "\r\n" + body;
}

QByteArray chunked(const QByteArray &body, int chunkSize, const QByteArray &requestId)
{
    QByteArray out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                     "Request-Id: " +
                     requestId + "\r\n\r\n";
    for (qsizetype at = 0; at < body.size(); at += chunkSize) {
        const QByteArray chunk = body.mid(at, chunkSize);
        out +=
            QByteArray::number(chunk.size(), 16) + (at == 0 ? ";name=value" : "") + "\r\n" + chunk + "\r\n";
    }
    return out + "0\r\nX-Trailer: ignored\r\n\r\n";
}

// A keep-alive HTTP/1.1 server (RawHttpServer answers once per connection): many requests per connection,
// answers written in pieces or late, connections closed when a test says so. Counts connections.
class KeepAliveServer : public QObject
{
public:
    struct Answer
    {
        QByteArray bytes;     // written as they are; empty: nothing
        bool close = false;   // close the connection afterwards (at once when there are no bytes)
        int delayMs = 0;      // before the first byte
        int pieceSize = 0;    // > 0: written in pieces of this size...
        int pieceDelayMs = 1; // ...this far apart
    };
    using Responder = std::function<Answer(const RawHttpServer::Request &request, int index)>;

    explicit KeepAliveServer(Responder responder)
        : m_responder(std::move(responder))
    {
        connect(&m_server, &QTcpServer::newConnection, this, &KeepAliveServer::onNewConnection);
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl baseUrl() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort())); }
    int connectionCount() const { return m_connectionCount; }
    int openConnections() const { return int(m_buffers.size()); }
    const QList<RawHttpServer::Request> &requests() const { return m_requests; }
    // The connection (1-based, in order of arrival) each request came on.
    const QList<int> &requestConnections() const { return m_requestConnections; }

    // Every open connection closes now, as a server's idle timeout does.
    void closeConnections()
    {
        const auto buffers = m_buffers;
        for (const auto &[socket, state] : buffers)
            socket->abort();
    }

private:
    struct Connection
    {
        int number = 0;
        QByteArray buffer;
    };

    void onNewConnection()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_buffers[socket] = Connection{++m_connectionCount, {}};
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_buffers.erase(socket);
                socket->deleteLater();
            });
        }
    }

    void onReadyRead(QTcpSocket *socket)
    {
        auto it = m_buffers.find(socket);
        if (it == m_buffers.end())
            return;
        QByteArray &buffer = it->second.buffer;
        buffer += socket->readAll();
        for (;;) {
            const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
            RawHttpServer::Request request;
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            request.method = requestLine.value(0);
            request.target = requestLine.value(1);
            qint64 contentLength = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                request.headers.emplaceBack(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
                if (request.headers.last().first.compare("content-length", Qt::CaseInsensitive) == 0)
                    contentLength = request.headers.last().second.toLongLong();
            }
            if (buffer.size() < headEnd + 4 + contentLength)
                return;
            request.body = buffer.mid(headEnd + 4, contentLength);
            buffer.remove(0, headEnd + 4 + contentLength);
            const int index = int(m_requests.size());
            m_requests.append(request);
            m_requestConnections.append(it->second.number);
            respond(socket, m_responder(request, index));
            if (m_buffers.find(socket) == m_buffers.end())
                return; // closed meanwhile
        }
    }

    void respond(QTcpSocket *socket, const Answer &answer)
    {
        if (answer.bytes.isEmpty()) {
            if (answer.close)
                socket->disconnectFromHost();
            return; // else: no answer, the connection stays open
        }
        if (answer.delayMs > 0)
            QTimer::singleShot(answer.delayMs, socket,
                               [this, socket, answer] { writeFrom(socket, answer, 0); });
        else
            writeFrom(socket, answer, 0);
    }

    void writeFrom(QTcpSocket *socket, const Answer &answer, qsizetype offset)
    {
        const qsizetype size = answer.pieceSize > 0 ? answer.pieceSize : answer.bytes.size();
        socket->write(answer.bytes.mid(offset, size));
        socket->flush();
        offset += size;
        if (offset < answer.bytes.size()) {
            QTimer::singleShot(answer.pieceDelayMs, socket,
                               [this, socket, answer, offset] { writeFrom(socket, answer, offset); });
            return;
        }
        if (answer.close)
            socket->disconnectFromHost();
    }

    QTcpServer m_server;
    Responder m_responder;
    std::map<QTcpSocket *, Connection> m_buffers;
    QList<RawHttpServer::Request> m_requests;
    QList<int> m_requestConnections;
    int m_connectionCount = 0;
};

// An HTTPS server on 127.0.0.1 (Qt 6.4 has no QSslServer): a QTcpServer whose connections are wrapped in
// QSslSocket. Answers every request with a small JSON object on a kept-alive connection.
class TlsServer : public QTcpServer
{
public:
    TlsServer(const QSslCertificate &certificate, const QSslKey &key)
        : m_certificate(certificate)
        , m_key(key)
    {
    }

    QUrl baseUrl() const { return QUrl(u"https://127.0.0.1:%1"_s.arg(serverPort())); }
    int connections() const { return m_connections; }
    int handshakes() const { return m_handshakes; }
    int requests() const { return m_requests; }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        ++m_connections;
        socket->setLocalCertificate(m_certificate);
        socket->setPrivateKey(m_key);
        connect(socket, &QSslSocket::encrypted, this, [this] { ++m_handshakes; });
        connect(socket, &QSslSocket::readyRead, this, [this, socket] {
            QByteArray &buffer = m_buffers[socket];
            buffer += socket->readAll();
            for (qsizetype end = buffer.indexOf("\r\n\r\n"); end >= 0; end = buffer.indexOf("\r\n\r\n")) {
                buffer.remove(0, end + 4); // GETs only: no body
                ++m_requests;
                socket->write(okAnswer(R"({"object":"balance","available":[],"pending":[]})", "req_tls"));
            }
        });
        connect(socket, &QSslSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
        socket->startServerEncryption();
    }

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
    QHash<QSslSocket *, QByteArray> m_buffers;
    int m_connections = 0;
    int m_handshakes = 0;
    int m_requests = 0;
};

struct TestCertificate
{
    QSslCertificate certificate;
    QSslKey key;
};

// A self-signed certificate made by OpenSSL's command line in `dir`.
std::optional<TestCertificate> makeCertificate(const QTemporaryDir &dir, const QString &name,
                                               const QString &subjectAltName, QString *error)
{
    const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
    if (openssl.isEmpty()) {
        *error = u"the openssl command is not installed"_s;
        return std::nullopt;
    }
    const QString certPath = dir.filePath(name + u".crt"_s);
    const QString keyPath = dir.filePath(name + u".key"_s);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(openssl, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                            u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s, keyPath, u"-out"_s,
                            certPath, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN="_s + name, u"-addext"_s,
                            u"subjectAltName="_s + subjectAltName});
    if (!process.waitForFinished(30'000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        *error = u"openssl req failed: "_s + QString::fromLocal8Bit(process.readAll());
        return std::nullopt;
    }
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = u"cannot read "_s + keyPath;
        return std::nullopt;
    }
    TestCertificate out{QSslCertificate::fromPath(certPath).value(0), QSslKey(keyFile.readAll(), QSsl::Ec)};
    if (out.certificate.isNull() || out.key.isNull()) {
        *error = u"cannot load the certificate or key that openssl made"_s;
        return std::nullopt;
    }
    return out;
}

// What a test needs and CI provides: missing, the test fails under KASSA_REQUIRE_SERVICES=1, else skips.
#define REQUIRE_OR_SKIP(condition, message)                                                                  \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            if (qEnvironmentVariableIntValue("KASSA_REQUIRE_SERVICES") == 1)                                 \
                QFAIL(qPrintable(message));                                                                  \
            QSKIP(qPrintable(message));                                                                      \
        }                                                                                                    \
    } while (false)

// Waits for an exchange's result (tests only).
std::optional<HttpResult> waitForResult(HttpExchange *exchange, int timeoutMs = 10'000)
{
    auto result = std::make_shared<std::optional<HttpResult>>();
    QObject::connect(exchange, &HttpExchange::finished, exchange,
                     [result](const HttpResult &finished) { *result = finished; });
    if (!QTest::qWaitFor([result] { return result->has_value(); }, timeoutMs))
        qWarning("no result within %d ms", timeoutMs);
    return *result;
}

HttpRequest rawRequest(const QUrl &base, const QByteArray &method, const QString &path)
{
    HttpRequest request;
    request.method = method;
    request.url = base.resolved(QUrl(path));
    request.headers = {{"Accept", "application/json"}};
    if (method == "POST") {
        request.headers.emplaceBack("Content-Type", "application/x-www-form-urlencoded");
        request.body = "amount=100&currency=usd";
    }
    return request;
}

PaymentIntents::CreateParams paymentParams(qint64 amount)
{
    PaymentIntents::CreateParams params;
    params.amount = Money(amount, Currency::fromCode(u"usd").value());
    return params;
}

} // namespace

class TestDirectTransport : public QObject
{
    Q_OBJECT

private slots:
    // The parser on its own.
    void parserAnySplit_data();
    void parserAnySplit();

    // Framing and keep-alive.
    void keepAliveReuse();
    void bodies_data();
    void bodies();
    void answerInSmallPieces_data();
    void answerInSmallPieces();
    void connectionCloseHonoured_data();
    void connectionCloseHonoured();

    // Connections the server closed.
    void staleIdleConnectionNotUsed_data();
    void staleIdleConnectionNotUsed();
    void closedBeforeAnswerOnReusedConnection_data();
    void closedBeforeAnswerOnReusedConnection();

    // Limits and bad answers.
    void oversizeContentLengthRefusedBeforeBody();
    void oversizeChunkedRefusedWhileReading();
    void malformedAnswer_data();
    void malformedAnswer();
    void refusedRequests_data();
    void refusedRequests();

    // Connections.
    void abortClosesConnection();
    void connectionsPerHostLimited();

    // TLS.
    void tlsSelfSignedRefused();
    void tlsTrustedCertificateWorks();
    void tlsHostNameMismatchRefused();

private:
    StripeClient &makeClient(const QUrl &base, int maxRetries = 2, qint64 maxResponseBytes = 0);
    std::optional<TestCertificate> certificate(const QString &name, const QString &subjectAltName);

    std::unique_ptr<DirectTransport> m_transport;
    std::unique_ptr<StripeClient> m_client;
    QTemporaryDir m_dir;
};

StripeClient &TestDirectTransport::makeClient(const QUrl &base, int maxRetries, qint64 maxResponseBytes)
{
    m_client.reset();
    m_transport = std::make_unique<DirectTransport>();
    StripeClient::Options options;
    options.apiBase = base;
    options.maxRetries = maxRetries;
    options.timeoutMs = 20'000;
    if (maxResponseBytes > 0)
        options.maxResponseBytes = maxResponseBytes;
    m_client = std::make_unique<StripeClient>(*m_transport, options);
    m_client->setApiKey(TestKey);
    m_client->setRate(1000);
    return *m_client;
}

std::optional<TestCertificate> TestDirectTransport::certificate(const QString &name,
                                                                const QString &subjectAltName)
{
    QString error;
    std::optional<TestCertificate> made = makeCertificate(m_dir, name, subjectAltName, &error);
    if (!made)
        qWarning("%s", qPrintable(error));
    return made;
}

// --- The parser on its own ------------------------------------------------------------------------------

void TestDirectTransport::parserAnySplit_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<bool>("untilClose");

    QTest::newRow("Content-Length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nRequest-Id: r\r\n\r\nhello") << 200
        << QByteArray("hello") << true << false;
    QTest::newRow("chunked, extensions, trailers")
        << QByteArray(
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRequest-Id: r\r\n\r\n5;a=b\r\nhello\r\n"
               "1\r\n \r\nA\r\nworld, all\r\n0\r\nX-Trailer: t\r\n\r\n")
        << 200 << QByteArray("hello world, all") << true << false;
    QTest::newRow("interim 100 first")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nRequest-Id: r\r\nContent-Length: "
                      "2\r\n\r\nok")
        << 201 << QByteArray("ok") << true << false;
    QTest::newRow("HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nRequest-Id: r\r\nContent-Length: 2\r\n\r\nok")
                              << 200 << QByteArray("ok") << false << false;
    QTest::newRow("HTTP/1.0 keep-alive")
        << QByteArray(
               "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nRequest-Id: r\r\nContent-Length: 2\r\n\r\nok")
        << 200 << QByteArray("ok") << true << false;
    QTest::newRow("Connection: close") << QByteArray("HTTP/1.1 402 Payment Required\r\nRequest-Id: "
                                                     "r\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")
                                       << 402 << QByteArray("{}") << false << false;
    QTest::newRow("204 without a body") << QByteArray("HTTP/1.1 204 No Content\r\nRequest-Id: r\r\n\r\n")
                                        << 204 << QByteArray() << true << false;
    QTest::newRow("bare line feeds") << QByteArray("HTTP/1.1 200 OK\nRequest-Id: r\nContent-Length: 2\n\nok")
                                     << 200 << QByteArray("ok") << true << false;
    QTest::newRow("folded header")
        << QByteArray(
               "HTTP/1.1 200 OK\r\nX-Long: one\r\n two\r\nRequest-Id: r\r\nContent-Length: 2\r\n\r\nok")
        << 200 << QByteArray("ok") << true << false;
    QTest::newRow("until the close") << QByteArray("HTTP/1.1 500 Oops\r\nRequest-Id: r\r\n\r\nno length here")
                                     << 500 << QByteArray("no length here") << false << true;
    QTest::newRow("no reason phrase")
        << QByteArray("HTTP/1.1 200\r\nRequest-Id: r\r\nContent-Length: 0\r\n\r\n") << 200 << QByteArray()
        << true << false;
}

void TestDirectTransport::parserAnySplit()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    QFETCH(bool, untilClose);

    // Every way of cutting the answer in two, and one byte at a time, gives the same result.
    QList<QList<QByteArray>> feeds;
    for (qsizetype cut = 1; cut < bytes.size(); ++cut)
        feeds.append({bytes.left(cut), bytes.mid(cut)});
    QList<QByteArray> single;
    for (const char c : std::as_const(bytes))
        single.append(QByteArray(1, c));
    feeds.append(single);

    for (const QList<QByteArray> &pieces : std::as_const(feeds)) {
        DirectTransportParser parser;
        parser.reset(1024);
        DirectTransportParser::Status result = DirectTransportParser::Status::NeedMore;
        for (const QByteArray &piece : pieces) {
            QCOMPARE(result, DirectTransportParser::Status::NeedMore);
            result = parser.feed(piece);
        }
        if (untilClose) {
            QCOMPARE(result, DirectTransportParser::Status::NeedMore);
            result = parser.atEndOfStream();
        }
        QVERIFY2(result == DirectTransportParser::Status::Complete, qPrintable(parser.errorString()));
        QCOMPARE(parser.keepAlive(), keepAlive);
        const HttpResult answer = parser.takeResult();
        QCOMPARE(answer.status, status);
        QCOMPARE(answer.body, body);
        QCOMPARE(answer.header("request-id"), QByteArray("r"));
        QVERIFY(!answer.tooLarge);
    }

    // An answer cut short by the close is not complete (except one that runs until the close).
    DirectTransportParser parser;
    parser.reset(1024);
    QCOMPARE(parser.feed(bytes.left(bytes.size() - 1)), DirectTransportParser::Status::NeedMore);
    QCOMPARE(parser.atEndOfStream(),
             untilClose ? DirectTransportParser::Status::Complete : DirectTransportParser::Status::NeedMore);
}

// --- Framing and keep-alive -----------------------------------------------------------------------------

void TestDirectTransport::keepAliveReuse()
{
    KeepAliveServer server([](const RawHttpServer::Request &, int index) {
        return KeepAliveServer::Answer{okAnswer(intentBody("pi_" + QByteArray::number(index)), "req_keep")};
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    constexpr int Count = 40;
    for (int i = 0; i < Count; ++i) {
        const StripeRequest request = i % 2 == 0 ? PaymentIntents::create(paymentParams(100 + i))
                                                 : PaymentIntents::retrieve(u"pi_%1"_s.arg(i - 1));
        const StripeResponse response = runCall(client, request);
        QVERIFY2(response.ok(), describe(response).constData());
        QCOMPARE(response.json.value(u"id"_s).toString(), u"pi_%1"_s.arg(i));
        QCOMPARE(response.attempts, 1);
    }
    // One TCP connection carried them all, one request at a time.
    QCOMPARE(server.requests().size(), Count);
    QCOMPARE(server.connectionCount(), 1);
    QCOMPARE(m_transport->connectionsOpened(), 1);
    QCOMPARE(m_transport->openConnections(), 1);
    for (const int connection : server.requestConnections())
        QCOMPARE(connection, 1);
}

void TestDirectTransport::bodies_data()
{
    QTest::addColumn<QString>("framing");
    QTest::addColumn<int>("chunkSize");
    QTest::addColumn<int>("connections"); // for two requests

    QTest::newRow("Content-Length") << u"length"_s << 0 << 1;
    QTest::newRow("chunked, 1-byte chunks") << u"chunked"_s << 1 << 1;
    QTest::newRow("chunked, 7-byte chunks") << u"chunked"_s << 7 << 1;
    QTest::newRow("chunked, one chunk") << u"chunked"_s << 100'000 << 1;
    QTest::newRow("until the server closes") << u"close"_s << 0 << 2;
}

void TestDirectTransport::bodies()
{
    QFETCH(QString, framing);
    QFETCH(int, chunkSize);
    QFETCH(int, connections);

    KeepAliveServer server([framing, chunkSize](const RawHttpServer::Request &, int index) {
        const QByteArray body = intentBody("pi_body" + QByteArray::number(index));
        if (framing == u"chunked"_s)
            return KeepAliveServer::Answer{chunked(body, chunkSize, "req_body")};
        if (framing == u"close"_s)
            return KeepAliveServer::Answer{"HTTP/1.1 200 OK\r\nRequest-Id: req_body\r\n\r\n" + body, true};
        return KeepAliveServer::Answer{okAnswer(body, "req_body")};
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    for (int i = 0; i < 2; ++i) {
        const StripeResponse response = runCall(client, Balance::retrieve());
        QVERIFY2(response.ok(), describe(response).constData());
        QCOMPARE(response.json.value(u"id"_s).toString(), u"pi_body%1"_s.arg(i));
        QCOMPARE(response.requestId, u"req_body"_s);
    }
    QCOMPARE(server.connectionCount(), connections);
}

void TestDirectTransport::answerInSmallPieces_data()
{
    QTest::addColumn<bool>("isChunked");
    QTest::addColumn<int>("pieceSize");

    QTest::newRow("Content-Length, 1-byte pieces") << false << 1;
    QTest::newRow("Content-Length, 7-byte pieces") << false << 7;
    QTest::newRow("chunked, 3-byte pieces") << true << 3;
    QTest::newRow("chunked, 64-byte pieces") << true << 64;
}

void TestDirectTransport::answerInSmallPieces()
{
    QFETCH(bool, isChunked);
    QFETCH(int, pieceSize);

    KeepAliveServer server([isChunked, pieceSize](const RawHttpServer::Request &, int index) {
        const QByteArray body = intentBody("pi_piece" + QByteArray::number(index));
        KeepAliveServer::Answer out{isChunked ? chunked(body, 50, "req_piece") : okAnswer(body, "req_piece")};
        out.pieceSize = pieceSize;
        return out;
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    for (int i = 0; i < 2; ++i) {
        const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(500)));
        QVERIFY2(response.ok(), describe(response).constData());
        QCOMPARE(response.json.value(u"id"_s).toString(), u"pi_piece%1"_s.arg(i));
        QCOMPARE(response.requestId, u"req_piece"_s);
    }
    QCOMPARE(server.connectionCount(), 1);
}

void TestDirectTransport::connectionCloseHonoured_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("serverCloses");
    QTest::addColumn<int>("connections"); // for three requests

    const QByteArray body = intentBody("pi_close");
    QTest::newRow("Connection: close, server closes")
        << okAnswer(body, "req_c", "Connection: close\r\n") << true << 3;
    QTest::newRow("Connection: close, server keeps it open")
        << okAnswer(body, "req_c", "Connection: close\r\n") << false << 3;
    QTest::newRow("HTTP/1.0") << okAnswer(body, "req_c", {}, "HTTP/1.0") << false << 3;
    QTest::newRow("HTTP/1.0 with keep-alive")
        << okAnswer(body, "req_c", "Connection: keep-alive\r\n", "HTTP/1.0") << false << 1;
    QTest::newRow("HTTP/1.1") << okAnswer(body, "req_c") << false << 1;
}

void TestDirectTransport::connectionCloseHonoured()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, serverCloses);
    QFETCH(int, connections);

    KeepAliveServer server([bytes, serverCloses](const RawHttpServer::Request &, int) {
        return KeepAliveServer::Answer{bytes, serverCloses};
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    for (int i = 0; i < 3; ++i) {
        const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
        QVERIFY2(response.ok(), describe(response).constData());
        QCOMPARE(response.attempts, 1);
    }
    QCOMPARE(server.requests().size(), 3);
    QCOMPARE(server.connectionCount(), connections);
    QCOMPARE(m_transport->connectionsOpened(), connections);
    // A connection not kept is closed by the client too, whatever the server does.
    QTRY_COMPARE(server.openConnections(), connections == 1 ? 1 : 0);
}

// --- Connections the server closed ----------------------------------------------------------------------

void TestDirectTransport::staleIdleConnectionNotUsed_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::newRow("GET") << QByteArray("GET");
    QTest::newRow("POST") << QByteArray("POST");
}

void TestDirectTransport::staleIdleConnectionNotUsed()
{
    QFETCH(QByteArray, method);

    KeepAliveServer server([](const RawHttpServer::Request &, int index) {
        return KeepAliveServer::Answer{okAnswer(intentBody("pi_" + QByteArray::number(index)), "req_stale")};
    });
    QVERIFY(server.listen());
    DirectTransport transport;
    std::unique_ptr<HttpExchange> first(
        transport.send(rawRequest(server.baseUrl(), "GET", u"/v1/balance"_s)));
    const std::optional<HttpResult> firstResult = waitForResult(first.get());
    QVERIFY(firstResult && firstResult->status == 200);
    QCOMPARE(transport.openConnections(), 1);

    // The server's idle timeout closes the connection; the next request goes out before the event loop
    // has seen that close. The transport notices (the socket is readable) and opens another: the request
    // reaches the server exactly once, on the first try.
    server.closeConnections();
    std::unique_ptr<HttpExchange> second(
        transport.send(rawRequest(server.baseUrl(), method, u"/v1/payment_intents"_s)));
    const std::optional<HttpResult> secondResult = waitForResult(second.get());
    QVERIFY(secondResult.has_value());
    QVERIFY2(secondResult->status == 200, qPrintable(secondResult->errorString));
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(server.requests().at(1).method, method);
    QCOMPARE(server.connectionCount(), 2);
    QCOMPARE(transport.connectionsOpened(), 2);
}

void TestDirectTransport::closedBeforeAnswerOnReusedConnection_data()
{
    QTest::addColumn<bool>("isPost");
    QTest::newRow("GET: sent again by the transport") << false;
    QTest::newRow("POST: retried by StripeCall with the same key") << true;
}

void TestDirectTransport::closedBeforeAnswerOnReusedConnection()
{
    QFETCH(bool, isPost);

    // The second request reaches a kept-alive connection just as the server closes it (its idle timeout
    // racing the request): no answer, the connection closes.
    KeepAliveServer server([](const RawHttpServer::Request &, int index) {
        if (index == 1)
            return KeepAliveServer::Answer{{}, true};
        return KeepAliveServer::Answer{okAnswer(intentBody("pi_" + QByteArray::number(index)), "req_race")};
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    QVERIFY(runCall(client, Balance::retrieve()).ok());

    StripeCall *call = client.send(isPost ? PaymentIntents::create(paymentParams(700)) : Balance::retrieve());
    QSignalSpy retrying(call, &StripeCall::retrying);
    QSignalSpy finished(call, &StripeCall::finished);
    QVERIFY(finished.wait(10'000));
    const StripeResponse response = finished.first().first().value<StripeResponse>();
    QVERIFY2(response.ok(), describe(response).constData());
    QCOMPARE(server.requests().size(), 3);
    QCOMPARE(server.requests().at(1).method, server.requests().at(2).method);
    QCOMPARE(server.connectionCount(), 2);
    if (isPost) {
        // Never resent behind StripeCall's back: it saw the connection error and retried, same key.
        QCOMPARE(response.attempts, 2);
        QCOMPARE(retrying.size(), 1);
        QCOMPARE(retrying.first().at(2).value<StripeError>().kind, StripeError::Kind::Connection);
        const QByteArray key = server.requests().at(1).header("Idempotency-Key");
        QVERIFY(!key.isEmpty());
        QCOMPARE(server.requests().at(2).header("Idempotency-Key"), key);
        QCOMPARE(server.requests().at(2).body, server.requests().at(1).body);
    } else {
        QCOMPARE(response.attempts, 1);
        QCOMPARE(retrying.size(), 0);
    }
}

// --- Limits and bad answers -----------------------------------------------------------------------------

void TestDirectTransport::oversizeContentLengthRefusedBeforeBody()
{
    // The head announces 100 MB; a few bytes follow and the server waits. Were the body read, the call
    // would wait for the timeout.
    KeepAliveServer server([](const RawHttpServer::Request &, int) {
        return KeepAliveServer::Answer{
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRequest-Id: req_big\r\n"
            "Content-Length: 104857600\r\n\r\n{\"data\":["};
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 2, 1024 * 1024);
    QElapsedTimer timer;
    timer.start();
    const StripeResponse response = runCall(client, Balance::retrieve());
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QVERIFY2(response.error.message.contains(u"1 MiB"_s), qPrintable(response.error.message));
    QCOMPARE(response.error.requestId, u"req_big"_s);
    QCOMPARE(response.attempts, 1);
    QTRY_COMPARE(server.openConnections(), 0); // the rest of that body is not wanted: connection closed
}

void TestDirectTransport::oversizeChunkedRefusedWhileReading()
{
    KeepAliveServer server([](const RawHttpServer::Request &, int) {
        QByteArray out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRequest-Id: req_chunks\r\n\r\n";
        const QByteArray chunk(64 * 1024, 'x');
        for (int i = 0; i < 20; ++i) // 1.25 MiB
            out += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
        return KeepAliveServer::Answer{out}; // no last chunk: the server would go on
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 2, 1024 * 1024);
    const StripeResponse response = runCall(client, Balance::retrieve());
    QCOMPARE(response.error.kind, StripeError::Kind::Api);
    QVERIFY2(response.error.message.contains(u"1 MiB"_s), qPrintable(response.error.message));
    QCOMPARE(response.attempts, 1);
    QTRY_COMPARE(server.openConnections(), 0);
}

void TestDirectTransport::malformedAnswer_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("mention");

    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n") << u"not HTTP/1.1"_s;
    QTest::newRow("HTTP/2 status line") << QByteArray("HTTP/2 200\r\n\r\n") << u"not HTTP/1.1"_s;
    QTest::newRow("no status code") << QByteArray("HTTP/1.1 OK\r\n\r\n") << u"not HTTP/1.1"_s;
    QTest::newRow("status code 099") << QByteArray("HTTP/1.1 099 Odd\r\n\r\n") << u"not HTTP/1.1"_s;
    QTest::newRow("header without a colon")
        << QByteArray("HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 2\r\n\r\n{}")
        << u"malformed header"_s;
    QTest::newRow("bad chunk size") << QByteArray(
                                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << u"chunk size"_s;
    QTest::newRow("conflicting Content-Length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
        << u"Content-Length"_s;
    QTest::newRow("protocol switch") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n")
                                     << u"switched protocols"_s;
    QTest::newRow("head too large") << QByteArray("HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(70'000, 'a') +
                                                  "\r\n\r\n")
                                    << u"64 KiB"_s;
    QTest::newRow("cut short") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n{\"id\":")
                               << u"middle of its answer"_s;
}

void TestDirectTransport::malformedAnswer()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, mention);

    KeepAliveServer server([bytes](const RawHttpServer::Request &, int) {
        return KeepAliveServer::Answer{bytes, true};
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl(), 0);
    const StripeResponse response = runCall(client, PaymentIntents::create(paymentParams(100)));
    QCOMPARE(response.error.kind, StripeError::Kind::Connection);
    QCOMPARE(response.httpStatus, 0);
    QVERIFY(response.json.isEmpty());
    QVERIFY2(response.error.message.contains(mention), qPrintable(response.error.message));
    QCOMPARE(response.attempts, 1);
    QTRY_COMPARE(m_transport->openConnections(), 0);
}

void TestDirectTransport::refusedRequests_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QByteArray>("headerValue");
    QTest::addColumn<QString>("mention");

    QTest::newRow("plain http to another host")
        << QUrl(u"http://example.com/v1/balance"_s) << QByteArray("x") << u"plain http"_s;
    QTest::newRow("ftp") << QUrl(u"ftp://127.0.0.1/v1/balance"_s) << QByteArray("x")
                         << u"unsupported scheme"_s;
    QTest::newRow("line break in a header") << QUrl() << QByteArray("x\r\nInjected: yes") << u"line break"_s;
}

void TestDirectTransport::refusedRequests()
{
    QFETCH(QUrl, url);
    QFETCH(QByteArray, headerValue);
    QFETCH(QString, mention);

    KeepAliveServer server([](const RawHttpServer::Request &, int) {
        return KeepAliveServer::Answer{okAnswer("{}", "req_refused")};
    });
    QVERIFY(server.listen());
    DirectTransport transport;
    HttpRequest request = rawRequest(url.isEmpty() ? server.baseUrl() : url, "GET", u"/v1/balance"_s);
    request.headers.emplaceBack("X-Test", headerValue);
    // Reported from the event loop: connecting to finished() after send() catches it.
    std::unique_ptr<HttpExchange> exchange(transport.send(request));
    const std::optional<HttpResult> result = waitForResult(exchange.get());
    QVERIFY(result.has_value());
    QCOMPARE(result->status, 0);
    QVERIFY(result->networkError != QNetworkReply::NoError);
    QVERIFY2(result->errorString.contains(mention), qPrintable(result->errorString));
    QCOMPARE(transport.connectionsOpened(), 0);
    QCOMPARE(server.connectionCount(), 0);
}

// --- Connections ----------------------------------------------------------------------------------------

void TestDirectTransport::abortClosesConnection()
{
    KeepAliveServer server(
        [](const RawHttpServer::Request &, int) { return KeepAliveServer::Answer{}; }); // hangs
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    QPointer<StripeCall> call = client.send(Balance::retrieve());
    QTRY_COMPARE(server.requests().size(), 1);
    QCOMPARE(server.openConnections(), 1);
    call->cancel();
    QTRY_COMPARE(server.openConnections(), 0);
    QCOMPARE(m_transport->openConnections(), 0);
}

void TestDirectTransport::connectionsPerHostLimited()
{
    KeepAliveServer server([](const RawHttpServer::Request &, int index) {
        KeepAliveServer::Answer out{okAnswer(intentBody("pi_" + QByteArray::number(index)), "req_limit")};
        out.delayMs = 100;
        return out;
    });
    QVERIFY(server.listen());
    StripeClient &client = makeClient(server.baseUrl());
    constexpr int Count = 10;
    int done = 0;
    QObject context;
    for (int i = 0; i < Count; ++i) {
        client.send(Balance::retrieve(), &context, [&done](const StripeResponse &response) {
            QVERIFY2(response.ok(), describe(response).constData());
            ++done;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(done, Count, 10'000);
    QCOMPARE(server.connectionCount(), DirectTransport::Options().maxConnectionsPerHost);
    // The same connections serve what comes next.
    for (int i = 0; i < Count; ++i)
        QVERIFY(runCall(client, Balance::retrieve()).ok());
    QCOMPARE(server.connectionCount(), DirectTransport::Options().maxConnectionsPerHost);
    QCOMPARE(m_transport->connectionsOpened(), DirectTransport::Options().maxConnectionsPerHost);
}

// --- TLS ------------------------------------------------------------------------------------------------

void TestDirectTransport::tlsSelfSignedRefused()
{
    REQUIRE_OR_SKIP(QSslSocket::supportsSsl(), u"Qt has no TLS backend"_s);
    REQUIRE_OR_SKIP(!QStandardPaths::findExecutable(u"openssl"_s).isEmpty(),
                    u"the openssl command is missing"_s);
    const std::optional<TestCertificate> made = certificate(u"selfsigned"_s, u"DNS:localhost,IP:127.0.0.1"_s);
    QVERIFY(made.has_value());
    TlsServer server(made->certificate, made->key);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    StripeClient &client = makeClient(server.baseUrl());
    const StripeResponse response = runCall(client, Balance::retrieve());
    QVERIFY2(!response.ok(), "a self-signed certificate must not be accepted");
    QCOMPARE(response.error.kind, StripeError::Kind::Connection);
    QVERIFY2(response.error.message.contains(u"TLS"_s), qPrintable(response.error.message));
    QCOMPARE(response.attempts, 1); // a failed handshake is not retried
    QVERIFY(server.connections() >= 1);
    QCOMPARE(server.requests(), 0); // nothing, the key least of all, went over that connection
}

void TestDirectTransport::tlsTrustedCertificateWorks()
{
    REQUIRE_OR_SKIP(QSslSocket::supportsSsl(), u"Qt has no TLS backend"_s);
    REQUIRE_OR_SKIP(!QStandardPaths::findExecutable(u"openssl"_s).isEmpty(),
                    u"the openssl command is missing"_s);
    const std::optional<TestCertificate> made = certificate(u"trusted"_s, u"DNS:localhost,IP:127.0.0.1"_s);
    QVERIFY(made.has_value());
    TlsServer server(made->certificate, made->key);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    // Trusted as a CA of this process only: the transport uses the default configuration's CA store.
    const QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
    const auto restore = qScopeGuard([&saved] { QSslConfiguration::setDefaultConfiguration(saved); });
    QSslConfiguration trusting = saved;
    trusting.addCaCertificate(made->certificate);
    QSslConfiguration::setDefaultConfiguration(trusting);

    StripeClient &client = makeClient(server.baseUrl());
    for (int i = 0; i < 3; ++i) {
        const StripeResponse response = runCall(client, Balance::retrieve());
        QVERIFY2(response.ok(), describe(response).constData());
        QCOMPARE(response.requestId, u"req_tls"_s);
    }
    QCOMPARE(server.requests(), 3);
    QCOMPARE(server.handshakes(), 1); // kept alive: one handshake for all three
    QCOMPARE(m_transport->connectionsOpened(), 1);
}

void TestDirectTransport::tlsHostNameMismatchRefused()
{
    REQUIRE_OR_SKIP(QSslSocket::supportsSsl(), u"Qt has no TLS backend"_s);
    REQUIRE_OR_SKIP(!QStandardPaths::findExecutable(u"openssl"_s).isEmpty(),
                    u"the openssl command is missing"_s);
    // Trusted, but made out to another name.
    const std::optional<TestCertificate> made = certificate(u"elsewhere"_s, u"DNS:api.example.com"_s);
    QVERIFY(made.has_value());
    TlsServer server(made->certificate, made->key);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
    const auto restore = qScopeGuard([&saved] { QSslConfiguration::setDefaultConfiguration(saved); });
    QSslConfiguration trusting = saved;
    trusting.addCaCertificate(made->certificate);
    QSslConfiguration::setDefaultConfiguration(trusting);

    StripeClient &client = makeClient(server.baseUrl());
    const StripeResponse response = runCall(client, Balance::retrieve());
    QCOMPARE(response.error.kind, StripeError::Kind::Connection);
    QVERIFY2(response.error.message.contains(u"TLS"_s), qPrintable(response.error.message));
    QCOMPARE(server.requests(), 0);
}

QTEST_GUILESS_MAIN(TestDirectTransport)
#include "tst_directtransport.moc"
