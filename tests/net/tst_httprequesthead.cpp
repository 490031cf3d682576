// SPDX-License-Identifier: GPL-3.0-or-later
#include "net/httprequesthead.h"

#include <QList>
#include <QTest>

#include <utility>

using namespace kassa::net;

class tst_HttpRequestHead : public QObject
{
    Q_OBJECT

private slots:
    void accepted_data();
    void accepted();
    void refused_data();
    void refused();
    void headersInOrder();
    void visitorStopsAtBadLine();
    void tokens();
    void reasonPhrases();
};

void tst_HttpRequestHead::accepted_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<bool>("http10");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<qint64>("contentLength");
    QTest::addColumn<bool>("expectContinue");

    QTest::newRow("get") << QByteArray("GET /v1/charges HTTP/1.1\r\nHost: x\r\n") << QByteArray("GET")
                         << QByteArray("/v1/charges") << QByteArray() << false << true << qint64(0) << false;
    QTest::newRow("request line only") << QByteArray("GET / HTTP/1.1") << QByteArray("GET") << QByteArray("/")
                                       << QByteArray() << false << true << qint64(0) << false;
    QTest::newRow("query") << QByteArray("GET /v1/charges?limit=3&x=?y HTTP/1.1\r\n") << QByteArray("GET")
                           << QByteArray("/v1/charges") << QByteArray("limit=3&x=?y") << false << true
                           << qint64(0) << false;
    QTest::newRow("empty query") << QByteArray("GET /a? HTTP/1.1\r\n") << QByteArray("GET")
                                 << QByteArray("/a") << QByteArray() << false << true << qint64(0) << false;
    QTest::newRow("post with body") << QByteArray("POST /webhook HTTP/1.1\r\nContent-Length: 17\r\n")
                                    << QByteArray("POST") << QByteArray("/webhook") << QByteArray() << false
                                    << true << qint64(17) << false;
    QTest::newRow("expect 100-continue")
        << QByteArray("POST /webhook HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-Continue\r\n")
        << QByteArray("POST") << QByteArray("/webhook") << QByteArray() << false << true << qint64(5) << true;
    QTest::newRow("expect other") << QByteArray("POST / HTTP/1.1\r\nExpect: something-else\r\n")
                                  << QByteArray("POST") << QByteArray("/") << QByteArray() << false << true
                                  << qint64(0) << false;
    QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n") << QByteArray("GET")
                               << QByteArray("/") << QByteArray() << false << false << qint64(0) << false;
    QTest::newRow("1.1 close among tokens")
        << QByteArray("GET / HTTP/1.1\r\nConnection: Upgrade , CLOSE\r\n") << QByteArray("GET")
        << QByteArray("/") << QByteArray() << false << false << qint64(0) << false;
    QTest::newRow("1.1 closed is no token")
        << QByteArray("GET / HTTP/1.1\r\nConnection: closed\r\n") << QByteArray("GET") << QByteArray("/")
        << QByteArray() << false << true << qint64(0) << false;
    QTest::newRow("1.0 closes by default")
        << QByteArray("GET / HTTP/1.0\r\n") << QByteArray("GET") << QByteArray("/") << QByteArray() << true
        << false << qint64(0) << false;
    QTest::newRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n")
                                    << QByteArray("GET") << QByteArray("/") << QByteArray() << true << true
                                    << qint64(0) << false;
    QTest::newRow("1.0 keep-alive among tokens")
        << QByteArray("GET / HTTP/1.0\r\nconnection: foo,keep-alive ,\r\n") << QByteArray("GET")
        << QByteArray("/") << QByteArray() << true << true << qint64(0) << false;
    QTest::newRow("other 1.x is 1.1")
        << QByteArray("GET / HTTP/1.9\r\n") << QByteArray("GET") << QByteArray("/") << QByteArray() << false
        << true << qint64(0) << false;
    QTest::newRow("names without case")
        << QByteArray("POST / HTTP/1.1\r\nCONTENT-LENGTH: 4\r\ncOnNeCtIoN: close\r\n") << QByteArray("POST")
        << QByteArray("/") << QByteArray() << false << false << qint64(4) << false;
    QTest::newRow("odd whitespace")
        << QByteArray(
               "  POST /w HTTP/1.1 \t\r\nContent-Length \t:   12 \t\r\n\t Connection:close\r\n\r\n\r\n")
        << QByteArray("POST") << QByteArray("/w") << QByteArray() << false << false << qint64(12) << false;
    QTest::newRow("bare line feeds") << QByteArray("POST / HTTP/1.1\nContent-Length: 3\nConnection: close")
                                     << QByteArray("POST") << QByteArray("/") << QByteArray() << false
                                     << false << qint64(3) << false;
    QTest::newRow("empty value") << QByteArray("POST / HTTP/1.1\r\nX-Empty:\r\nContent-Length:\r\n")
                                 << QByteArray("POST") << QByteArray("/") << QByteArray() << false << true
                                 << qint64(0) << false;
    QTest::newRow("colon in value") << QByteArray("GET / HTTP/1.1\r\nHost: example.com:8080\r\n")
                                    << QByteArray("GET") << QByteArray("/") << QByteArray() << false << true
                                    << qint64(0) << false;
    QTest::newRow("first content-length counts")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: x\r\n") << QByteArray("POST")
        << QByteArray("/") << QByteArray() << false << true << qint64(2) << false;
    QTest::newRow("first connection counts")
        << QByteArray("GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n")
        << QByteArray("GET") << QByteArray("/") << QByteArray() << false << true << qint64(0) << false;
    QTest::newRow("first expect counts")
        << QByteArray("POST / HTTP/1.1\r\nExpect: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n")
        << QByteArray("POST") << QByteArray("/") << QByteArray() << false << true << qint64(1) << false;
    QTest::newRow("empty transfer-encoding")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n") << QByteArray("POST") << QByteArray("/")
        << QByteArray() << false << true << qint64(0) << false;
}

void tst_HttpRequestHead::accepted()
{
    QFETCH(QByteArray, head);
    const HttpRequestHead parsed = parseRequestHead(head);
    QVERIFY2(parsed.ok(), parsed.error);
    QVERIFY(parsed.error == nullptr);
    QTEST(parsed.method.toByteArray(), "method");
    QTEST(parsed.path.toByteArray(), "path");
    QTEST(parsed.query.toByteArray(), "query");
    QTEST(parsed.http10, "http10");
    QTEST(parsed.keepAlive, "keepAlive");
    QTEST(parsed.contentLength, "contentLength");
    QTEST(parsed.expectContinue, "expectContinue");
}

void tst_HttpRequestHead::refused_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("error");

    const QByteArray line = "malformed request line";
    const QByteArray header = "malformed header line";
    const QByteArray length = "invalid Content-Length";
    const QByteArray chunked = "chunked request bodies are not supported; send Content-Length";

    const auto row = [](const char *name) -> QTestData & { return QTest::newRow(name); };
    row("empty") << QByteArray() << 400 << line;
    row("blank line") << QByteArray("\r\nGET / HTTP/1.1\r\n") << 400 << line;
    row("no version") << QByteArray("GET /\r\n") << 400 << line;
    row("one word") << QByteArray("GET\r\n") << 400 << line;
    row("http/2") << QByteArray("GET / HTTP/2\r\n") << 400 << line;
    row("lower-case version") << QByteArray("GET / http/1.1\r\n") << 400 << line;
    row("two spaces before target") << QByteArray("GET  / HTTP/1.1\r\n") << 400 << line;
    row("two spaces before version") << QByteArray("GET /  HTTP/1.1\r\n") << 400 << line;
    row("four parts") << QByteArray("GET / HTTP/1.1 x\r\n") << 400 << line;
    row("tab for space") << QByteArray("GET\t/ HTTP/1.1\r\n") << 400 << line;
    row("no colon") << QByteArray("GET / HTTP/1.1\r\nHost example\r\n") << 400 << header;
    row("empty name") << QByteArray("GET / HTTP/1.1\r\n: value\r\n") << 400 << header;
    row("blank name") << QByteArray("GET / HTTP/1.1\r\n \t: value\r\n") << 400 << header;
    row("letters") << QByteArray("POST / HTTP/1.1\r\nContent-Length: ten\r\n") << 400 << length;
    row("negative") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n") << 400 << length;
    row("trailing junk") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5x\r\n") << 400 << length;
    row("two numbers") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n") << 400 << length;
    row("overflow") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n") << 400
                    << length;
    row("chunked") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n") << 411 << chunked;
    row("chunked, any case") << QByteArray("POST / HTTP/1.1\r\ntransfer-ENCODING: gzip\r\n") << 411
                             << chunked;
    row("chunked before length") << QByteArray(
                                        "POST / HTTP/1.1\r\nContent-Length: x\r\nTransfer-Encoding: a\r\n")
                                 << 411 << chunked;
    row("bad line before chunked") << QByteArray(
                                          "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nbroken\r\n")
                                   << 400 << header;
    row("empty target") << QByteArray("GET  HTTP/1.1\r\n") << 400 << line;
    // A later Transfer-Encoding counts too: a body framed two ways is how requests are smuggled.
    row("later transfer-encoding")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding:\r\nTransfer-Encoding: chunked\r\n") << 411
        << chunked;
}

void tst_HttpRequestHead::refused()
{
    QFETCH(QByteArray, head);
    const HttpRequestHead parsed = parseRequestHead(head);
    QVERIFY(!parsed.ok());
    QTEST(parsed.status, "status");
    QTEST(QByteArray(parsed.error), "error");
}

void tst_HttpRequestHead::headersInOrder()
{
    const QByteArray head = "POST /webhook HTTP/1.1\r\nHost: localhost\r\nStripe-Signature:  t=1,v1=ab \r\n"
                            "X-Empty:\r\n\r\nstripe-signature: t=2\r\n";
    QList<std::pair<QByteArray, QByteArray>> seen;
    const HttpRequestHead parsed = parseRequestHead(head, [&](QByteArrayView name, QByteArrayView value) {
        seen.emplaceBack(name.toByteArray(), value.toByteArray());
    });
    QVERIFY(parsed.ok());
    const QList<std::pair<QByteArray, QByteArray>> expected = {{"Host", "localhost"},
                                                               {"Stripe-Signature", "t=1,v1=ab"},
                                                               {"X-Empty", ""},
                                                               {"stripe-signature", "t=2"}};
    QCOMPARE(seen, expected);

    // The views point into the head given.
    QVERIFY(parsed.method.data() == head.constData());
    QVERIFY(parsed.path.data() == head.constData() + 5);
}

void tst_HttpRequestHead::visitorStopsAtBadLine()
{
    int calls = 0;
    const HttpRequestHead parsed = parseRequestHead("GET / HTTP/1.1\r\nA: 1\r\nbroken\r\nB: 2\r\n",
                                                    [&](QByteArrayView, QByteArrayView) { ++calls; });
    QCOMPARE(parsed.status, 400);
    QCOMPARE(calls, 1);
}

void tst_HttpRequestHead::tokens()
{
    QVERIFY(headerHasToken("close", "close"));
    QVERIFY(headerHasToken(" a ,Close, b", "close"));
    QVERIFY(headerHasToken("a,,close,", "close"));
    QVERIFY(!headerHasToken("closed", "close"));
    QVERIFY(!headerHasToken("", "close"));
    QVERIFY(!headerHasToken(",", "close"));
    QVERIFY(!headerHasToken("clo se", "close"));
}

void tst_HttpRequestHead::reasonPhrases()
{
    QCOMPARE(QByteArray(reasonPhrase(200)), QByteArray("OK"));
    QCOMPARE(QByteArray(reasonPhrase(411)), QByteArray("Length Required"));
    QCOMPARE(QByteArray(reasonPhrase(413)), QByteArray("Content Too Large"));
    QCOMPARE(QByteArray(reasonPhrase(431)), QByteArray("Request Header Fields Too Large"));
    QCOMPARE(QByteArray(reasonPhrase(299)), QByteArray("Status"));
}

QTEST_GUILESS_MAIN(tst_HttpRequestHead)
#include "tst_httprequesthead.moc"
