// SPDX-License-Identifier: GPL-3.0-or-later
// EventEnvelope: the webhook receiver's one-pass check of an event body. Every case is compared with what
// QJsonDocument makes of the same bytes (the event processor reads the stored event with it later): what
// the envelope accepts QJsonDocument must accept, with the same id, type, created and data.object; what it
// refuses is named with an offset. Stripe's example objects as events, written compact and indented; hand-
// made edge cases; and a few thousand mutations of real events.
#include "services/stripe/eventenvelope.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::stripe::EventEnvelope;

namespace {

// The envelope as the receiver read it from QJsonDocument before.
EventEnvelope fromQt(const QJsonDocument &document)
{
    EventEnvelope envelope;
    envelope.isObject = document.isObject();
    const QJsonObject event = document.object();
    envelope.isEvent = event.value(u"object"_s).toString() == u"event"_s;
    envelope.id = event.value(u"id"_s).toString();
    envelope.type = event.value(u"type"_s).toString();
    envelope.created = event.value(u"created"_s).toInteger();
    envelope.hasDataObject = event.value(u"data"_s).toObject().value(u"object"_s).isObject();
    return envelope;
}

QString describe(const EventEnvelope &e)
{
    return u"{object %1, event %2, id %3, type %4, created %5, data.object %6}"_s.arg(e.isObject)
        .arg(e.isEvent)
        .arg(e.id, e.type)
        .arg(e.created)
        .arg(e.hasDataObject);
}

bool same(const EventEnvelope &a, const EventEnvelope &b)
{
    return a.isObject == b.isObject && a.isEvent == b.isEvent && a.id == b.id && a.type == b.type &&
           a.created == b.created && a.hasDataObject == b.hasDataObject;
}

QByteArray asEvent(const QJsonObject &object, const QString &type, QJsonDocument::JsonFormat format)
{
    return QJsonDocument(QJsonObject{{u"id"_s, u"evt_1PgafyB7WZ01zgkW"_s},
                                     {u"object"_s, u"event"_s},
                                     {u"api_version"_s, u"2024-06-20"_s},
                                     {u"created"_s, 1721900000},
                                     {u"data"_s, QJsonObject{{u"object"_s, object}}},
                                     {u"livemode"_s, false},
                                     {u"pending_webhooks"_s, 1},
                                     {u"request"_s, QJsonObject{{u"id"_s, QJsonValue::Null}}},
                                     {u"type"_s, type}})
        .toJson(format);
}

} // namespace

class TestEventEnvelope : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void stripeObjectsAsEvents();
    void agreesWithQt_data();
    void agreesWithQt();
    void refused_data();
    void refused();
    void nesting();
    void mutationsNeverAcceptWhatQtRefuses();

private:
    QByteArray m_fixtures;
    QJsonObject m_resources;
};

void TestEventEnvelope::initTestCase()
{
    QFile file(QStringLiteral(KASSA_FIXTURES_DIR) + u"/stripe/fixtures3.json"_s);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName() + u": "_s + file.errorString()));
    m_fixtures = file.readAll();
    m_resources = QJsonDocument::fromJson(m_fixtures).object().value(u"resources"_s).toObject();
    QVERIFY(m_resources.size() > 100);
}

// Every one of Stripe's example objects (176 kinds) inside an event, compact and indented, and the
// fixture file itself (a large document that is no event).
void TestEventEnvelope::stripeObjectsAsEvents()
{
    int checked = 0;
    for (auto it = m_resources.constBegin(); it != m_resources.constEnd(); ++it) {
        for (const auto format : {QJsonDocument::Compact, QJsonDocument::Indented}) {
            const QByteArray body = asEvent(it.value().toObject(), it.key() + u".updated"_s, format);
            EventEnvelope envelope;
            QString error;
            QVERIFY2(EventEnvelope::read(body, &envelope, &error), qPrintable(it.key() + u": "_s + error));
            QCOMPARE(envelope.id, u"evt_1PgafyB7WZ01zgkW"_s);
            QCOMPARE(envelope.type, it.key() + u".updated"_s);
            QCOMPARE(envelope.created, 1721900000);
            QVERIFY(envelope.isObject);
            QVERIFY(envelope.isEvent);
            QVERIFY(envelope.hasDataObject);
            ++checked;
        }
    }
    QCOMPARE(checked, 2 * m_resources.size());

    EventEnvelope envelope;
    QString error;
    QVERIFY2(EventEnvelope::read(m_fixtures, &envelope, &error), qPrintable(error));
    QVERIFY(same(envelope, fromQt(QJsonDocument::fromJson(m_fixtures))));
    QVERIFY(envelope.isObject && envelope.id.isEmpty() && !envelope.hasDataObject);
}

void TestEventEnvelope::agreesWithQt_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("id");
    QTest::addColumn<qint64>("created");
    const auto row = [](const char *name, const QByteArray &body, const QString &id = {},
                        qint64 created = 0) { QTest::newRow(name) << body << id << created; };

    const QByteArray data = R"("data":{"object":{"id":"pi_1"}})";
    row("plain", R"({"id":"evt_1","type":"charge.succeeded","created":1721900000,)" + data + '}', u"evt_1"_s,
        1721900000);
    row("spaces everywhere", " \r\n\t{ \"id\" : \"evt_1\" ,\n\"created\"\t:\r5 , " + data + " } \n",
        u"evt_1"_s, 5);
    row("escaped key and value", R"({"\u0069d":"\u0065vt_\u00e9\n\"\\\/","created":1,)" + data + '}',
        u"evt_é\n\"\\/"_s, 1);
    row("surrogate pair escape", R"({"id":"evt_\ud83d\ude00",)" + data + '}', u"evt_😀"_s);
    row("UTF-8 in strings", "{\"id\":\"evt_\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"," + data + '}',
        u"evt_é€😀"_s);
    row("last of repeated keys", R"({"id":"evt_a","created":1,"id":"evt_b","created":2,)" + data + '}',
        u"evt_b"_s, 2);
    row("repeated id, last not a string", R"({"id":"evt_a","id":7})");
    row("created as a double", R"({"created":1.7e9})", {}, 1700000000);
    row("created with zero fraction", R"({"created":1721900000.000})", {}, 1721900000);
    row("created with a fraction", R"({"created":1.5})");
    row("created negative", R"({"created":-42})", {}, -42);
    row("created beyond 64 bits", R"({"created":92233720368547758070})");
    row("created largest", R"({"created":9223372036854775807})", {}, 9223372036854775807);
    row("created as a string", R"({"created":"1721900000"})");
    row("created tiny exponent", R"({"created":1e-300})");
    row("data not an object", R"({"id":"evt_1","data":[{"object":{}}]})", u"evt_1"_s);
    row("data.object an array", R"({"data":{"object":[]}})");
    row("data.object repeated, last object", R"({"data":{"object":1,"object":{}}})");
    row("data repeated, last without object", R"({"data":{"object":{}},"data":{}})");
    row("nested id not the event's", R"({"data":{"object":{"id":"evt_x","created":3}}})");
    row("every kind of value",
        R"({"a":[true,false,null,0,-0,0.5,-1.25e+3,1E-2,"",{},[]],"b":{"c":{"d":[[]]}},"id":"evt_2"})",
        u"evt_2"_s);
    row("top-level array", R"([{"id":"evt_1"}])");
    // QJsonDocument keeps a byte order mark inside a string with escapes and drops one that starts a string
    // without: a key with one is no "id", and an id keeps it.
    row("BOM before an escaped key", "{\"\xef\xbb\xbf\\u0069d\":\"evt_1\"}");
    row("BOM after an escape", "{\"id\":\"\\u0065\xef\xbb\xbfvt_1\"}", u"e\ufeffvt_1"_s);
    row("BOM starting a plain string",
        "{\"id\":\"\xef\xbb\xbf"
        "evt_1\"}",
        u"evt_1"_s);
    row("BOM inside a plain string", "{\"id\":\"evt\xef\xbb\xbf_1\"}", u"evt\ufeff_1"_s);
    row("object event, escaped", R"({"object":"\u0065vent"})");
    row("object event, then not", R"({"object":"event","object":["event"]})");
    row("noncharacter U+FFFF", "{\"id\":\"\xef\xbf\xbf\"}", u"\uffff"_s);
}

void TestEventEnvelope::agreesWithQt()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, id);
    QFETCH(qint64, created);
    QJsonParseError qtError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &qtError);
    QVERIFY2(qtError.error == QJsonParseError::NoError, qPrintable(qtError.errorString()));
    EventEnvelope envelope;
    QString error;
    QVERIFY2(EventEnvelope::read(body, &envelope, &error), qPrintable(error));
    QCOMPARE(envelope.id, id);
    QCOMPARE(envelope.created, created);
    QVERIFY2(same(envelope, fromQt(document)),
             qPrintable(describe(envelope) + u" against Qt's "_s + describe(fromQt(document))));
}

void TestEventEnvelope::refused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");

    QTest::newRow("empty") << QByteArray() << u"a value expected at offset 0"_s;
    QTest::newRow("only space") << QByteArray(" \n") << u"a value expected at offset 2"_s;
    QTest::newRow("cut in a string") << QByteArray(R"({"id":"evt_)") << u"unterminated string at offset 11"_s;
    QTest::newRow("cut after a value")
        << QByteArray(R"({"id":"evt_1")") << u"unterminated object at offset 13"_s;
    QTest::newRow("cut in an array") << QByteArray(R"({"a":[1,)") << u"a value expected at offset 8"_s;
    QTest::newRow("cut in an escape") << QByteArray(R"({"a":"\u12)") << u"\\u without four hex digits"_s;
    QTest::newRow("text after") << QByteArray(R"({"id":"evt_1"} x)") << u"text after the JSON value"_s;
    QTest::newRow("two documents") << QByteArray(R"({}{})") << u"text after the JSON value at offset 2"_s;
    QTest::newRow("trailing comma in object") << QByteArray(R"({"a":1,})") << u"a key expected at offset 7"_s;
    QTest::newRow("trailing comma in array") << QByteArray(R"([1,])") << u"not a JSON value at offset 3"_s;
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})") << u"':' expected at offset 5"_s;
    QTest::newRow("missing comma") << QByteArray(R"({"a":1 "b":2})") << u"',' or '}' expected"_s;
    QTest::newRow("unquoted key") << QByteArray(R"({id:"evt_1"})") << u"a key expected at offset 1"_s;
    QTest::newRow("single quotes") << QByteArray(R"({'id':'evt_1'})") << u"a key expected"_s;
    QTest::newRow("bare word") << QByteArray(R"({"a":tru})") << u"not a JSON value at offset 5"_s;
    QTest::newRow("NaN") << QByteArray(R"({"a":NaN})") << u"not a JSON value"_s;
    QTest::newRow("leading zero") << QByteArray(R"({"a":01})") << u"',' or '}' expected at offset 6"_s;
    QTest::newRow("plus sign") << QByteArray(R"({"a":+1})") << u"not a JSON value"_s;
    QTest::newRow("lone minus") << QByteArray(R"({"a":-})") << u"not a JSON value"_s;
    QTest::newRow("no fraction digits")
        << QByteArray(R"({"a":1.})") << u"a digit expected after the decimal"_s;
    QTest::newRow("no exponent digits")
        << QByteArray(R"({"a":1e+})") << u"a digit expected in the exponent"_s;
    QTest::newRow("beyond a double") << QByteArray(R"({"a":1e400})") << u"beyond the range of a double"_s;
    QTest::newRow("unknown escape") << QByteArray(R"({"a":"\q"})") << u"an unknown escape"_s;
    QTest::newRow("raw newline in string") << QByteArray("{\"a\":\"x\ny\"}") << u"a control character"_s;
    QTest::newRow("overlong UTF-8") << QByteArray("{\"a\":\"\xc0\x80\"}")
                                    << u"invalid UTF-8 in a string at offset 6"_s;
    QTest::newRow("UTF-8 surrogate") << QByteArray("{\"a\":\"\xed\xa0\x80\"}") << u"invalid UTF-8"_s;
    QTest::newRow("beyond U+10FFFF") << QByteArray("{\"a\":\"\xf4\x90\x80\x80\"}") << u"invalid UTF-8"_s;
    QTest::newRow("lone continuation") << QByteArray("{\"a\":\"\x80\"}") << u"invalid UTF-8"_s;
    QTest::newRow("cut UTF-8") << QByteArray("{\"a\":\"\xe2\x82\"}") << u"invalid UTF-8"_s;
    QTest::newRow("Latin-1 byte") << QByteArray("{\"a\":\"caf\xe9\"}")
                                  << u"invalid UTF-8 in a string at offset 9"_s;
    QTest::newRow("byte order mark") << QByteArray("\xef\xbb\xbf{}")
                                     << u"an object or an array expected at offset 0"_s;
    QTest::newRow("top-level string") << QByteArray(R"("evt_1")") << u"an object or an array expected"_s;
    QTest::newRow("top-level number") << QByteArray("12") << u"an object or an array expected"_s;
    QTest::newRow("NUL outside a string") << QByteArray("{}\0", 3) << u"text after the JSON value"_s;
}

void TestEventEnvelope::refused()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    EventEnvelope envelope;
    envelope.id = u"left over"_s;
    QString why;
    QVERIFY(!EventEnvelope::read(body, &envelope, &why));
    QVERIFY2(why.contains(error), qPrintable(why));
    QVERIFY(envelope.id.isEmpty() && !envelope.isObject);
}

void TestEventEnvelope::nesting()
{
    const auto nested = [](int depth) -> QByteArray {
        return QByteArray(depth - 1, '[') + "{}" + QByteArray(depth - 1, ']');
    };
    EventEnvelope envelope;
    QString error;
    QVERIFY2(EventEnvelope::read(nested(512), &envelope, &error), qPrintable(error));
    QVERIFY(!EventEnvelope::read(nested(513), &envelope, &error));
    QVERIFY2(error.startsWith(u"nested too deep"_s), qPrintable(error));
    // Deep enough to exhaust a thread's stack if the depth were not bounded.
    QVERIFY(!EventEnvelope::read(QByteArray(1'000'000, '['), &envelope, &error));
}

// Bytes deleted, inserted, replaced or cut from real events: whatever the envelope accepts, QJsonDocument
// accepts with the same fields. Both outcomes must occur, or the mutations prove nothing.
void TestEventEnvelope::mutationsNeverAcceptWhatQtRefuses()
{
    QList<QByteArray> seeds;
    for (const QString &name : {u"payment_intent"_s, u"charge"_s, u"refund"_s, u"customer"_s})
        seeds << asEvent(m_resources.value(name).toObject(), name + u".updated"_s, QJsonDocument::Compact);
    seeds << R"({"id":"evt_\u0031","created":1.0e3,"data":{"object":{"a":[1,-2.5e-3,"\ud83d\ude00"]}}})";
    const QByteArray alphabet =
        QByteArrayLiteral("{}[]\":,\\u0123456789.eE+-tfnrl aZ\x00\x1f\x7f\xc3\xa9\xed\xf4\x80");
    QRandomGenerator random(20261126);
    int accepted = 0;
    int refused = 0;
    for (int round = 0; round < 6000; ++round) {
        QByteArray body = seeds.at(round % seeds.size());
        const int edits = 1 + int(random.bounded(3));
        for (int e = 0; e < edits && !body.isEmpty(); ++e) {
            const auto at = qsizetype(random.bounded(int(body.size())));
            const char byte = alphabet.at(random.bounded(int(alphabet.size())));
            switch (random.bounded(5)) {
            case 0:
                body.remove(at, 1);
                break;
            case 1:
                body.insert(at, byte);
                break;
            case 2:
                body[at] = byte;
                break;
            case 3:
                body.insert(at, "\xef\xbb\xbf"); // a byte order mark
                break;
            default:
                body.truncate(at);
                break;
            }
        }
        EventEnvelope envelope;
        QString error;
        QJsonParseError qtError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &qtError);
        if (!EventEnvelope::read(body, &envelope, &error)) {
            ++refused;
            QVERIFY2(error.contains(u" at offset "_s), qPrintable(error));
            continue;
        }
        ++accepted;
        QVERIFY2(qtError.error == QJsonParseError::NoError,
                 qPrintable(u"accepted what QJsonDocument refuses ("_s + qtError.errorString() + u"): "_s +
                            QString::fromLatin1(body.toPercentEncoding("{}[]\":,."))));
        QVERIFY2(same(envelope, fromQt(document)),
                 qPrintable(describe(envelope) + u" against Qt's "_s + describe(fromQt(document))));
    }
    qInfo("%d mutations accepted, %d refused", accepted, refused);
    QVERIFY(accepted > 300);
    QVERIFY(refused > 300);
}

QTEST_GUILESS_MAIN(TestEventEnvelope)
#include "tst_eventenvelope.moc"
