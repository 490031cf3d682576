// SPDX-License-Identifier: GPL-3.0-or-later
// The raw JSON the store keeps of each Stripe object: rawjson's frames give back exactly the object that
// went in (text that needs escapes, numbers, nesting), name their dictionary, and anything damaged is an
// InvalidData error rather than a wrong or empty object. Through the repositories on both backends: a
// PaymentIntent with its charge expanded is kept without the charge (a row of its own) and without its
// client secret, and read back with the charge the store holds; SQLite keeps a compressed blob, rows
// written as text by earlier builds still read.
#include "storetestsupport.h"

#include "services/store/chargerepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"
#include "services/store/rawjson.h"
#include "services/store/storeingest.h"
#include "services/stripe/stripejson.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

// zstd's frame header: magic, descriptor, [window], dictionary id (little-endian, its size in the
// descriptor's low bits).
qsizetype dictionaryIdOffset(const QByteArray &frame, int *size)
{
    const auto descriptor = quint8(frame.at(4));
    static constexpr int Sizes[] = {0, 1, 2, 4};
    *size = Sizes[descriptor & 3];
    const bool singleSegment = descriptor & 0x20;
    return 5 + (singleSegment ? 0 : 1);
}

quint32 dictionaryIdOf(const QByteArray &frame)
{
    int size = 0;
    const qsizetype at = dictionaryIdOffset(frame, &size);
    quint32 id = 0;
    for (int i = size - 1; i >= 0; --i)
        id = (id << 8) | quint8(frame.at(at + i));
    return id;
}

QJsonObject awkwardObject()
{
    return QJsonObject{
        {u"id"_s, u"pi_awkward"_s},
        {u"object"_s, u"payment_intent"_s},
        {u"amount"_s, 9007199254740991LL}, // the largest integer a double holds exactly
        {u"fraction"_s, 0.125},
        {u"negative"_s, -42},
        {u"description"_s, u"Café \"Zur Post\" – 2× Brötchen, \\ back\nslash\ttab 😀"_s},
        {u"control"_s, QString(u"a"_s + QChar(0x01) + u"b"_s)},
        {u"empty"_s, u""_s},
        {u"nothing"_s, QJsonValue::Null},
        {u"flags"_s, QJsonArray{true, false, QJsonValue::Null, 1, u"x"_s}},
        {u"metadata"_s,
         QJsonObject{{u"order_ref"_s, u"ORD-1"_s}, {u"nested"_s, QJsonObject{{u"k"_s, u"v"_s}}}}},
    };
}

} // namespace

class TestRawJson : public QObject
{
    Q_OBJECT

private slots:
    // Without a database.
    void framesGiveBackTheObject();
    void framesNameTheirDictionary();
    void textIsStillRead();
    void damagedFramesAreErrors_data();
    void damagedFramesAreErrors();

    // Through the repositories, on both backends.
    void paymentIntentIsKeptWithoutItsExpansions_data() { addBackendData(); }
    void paymentIntentIsKeptWithoutItsExpansions();
};

void TestRawJson::framesGiveBackTheObject()
{
    const QJsonObject object = awkwardObject();
    const QByteArray frame = rawjson::pack(object);
    const QByteArray text = stripe::StripeJson::compact(object).toUtf8();
    QVERIFY(!frame.isEmpty());
    QVERIFY2(!frame.contains("Zur Post"), "the frame is not compressed");
    const StoreResult<QJsonObject> back = rawjson::unpack(frame, u"test"_s);
    VERIFY_RESULT(back);
    QCOMPARE(back.value(), object);
    // And byte for byte what the store wrote as text before.
    QCOMPARE(stripe::StripeJson::compact(back.value()).toUtf8(), text);

    // A realistic PaymentIntent keeps a small part of its size.
    const QJsonObject intent = paymentIntent({.id = u"pi_size"_s, .description = u"Two coffees"_s});
    const QByteArray intentText = stripe::StripeJson::compact(intent).toUtf8();
    const QByteArray intentFrame = rawjson::pack(intent);
    QVERIFY2(intentFrame.size() * 2 < intentText.size(),
             qPrintable(u"%1 bytes of JSON became %2"_s.arg(intentText.size()).arg(intentFrame.size())));
    QCOMPARE(rawjson::unpack(intentFrame, u"test"_s).value(), intent);
}

void TestRawJson::framesNameTheirDictionary()
{
    const QByteArray frame = rawjson::pack(awkwardObject());
    QCOMPARE(frame.left(4), QByteArray::fromHex("28b52ffd"));
    QCOMPARE(dictionaryIdOf(frame), rawjson::dictionaryId());
    QVERIFY2(quint8(frame.at(4)) & 0x04, "the frame has no checksum");
    QVERIFY(rawjson::dictionaryId() >= 32768); // ids below are reserved by zstd
}

void TestRawJson::textIsStillRead()
{
    const QJsonObject object = awkwardObject();
    const QString text = stripe::StripeJson::compact(object);
    // What SQLite gives back for a row an earlier build wrote (TEXT), and PostgreSQL's text column.
    const StoreResult<QJsonObject> fromText = rawjson::unpack(text, u"test"_s);
    VERIFY_RESULT(fromText);
    QCOMPARE(fromText.value(), object);
    // The same text handed over as bytes.
    const StoreResult<QJsonObject> fromBytes = rawjson::unpack(text.toUtf8(), u"test"_s);
    VERIFY_RESULT(fromBytes);
    QCOMPARE(fromBytes.value(), object);
}

void TestRawJson::damagedFramesAreErrors_data()
{
    QTest::addColumn<QVariant>("stored");
    QTest::addColumn<QString>("says");

    const QByteArray frame = rawjson::pack(awkwardObject());
    QTest::newRow("cut short") << QVariant(frame.left(frame.size() - 7)) << u"payments pi_x"_s;
    QByteArray flipped = frame;
    flipped[flipped.size() / 2] = char(flipped.at(flipped.size() / 2) ^ 0x5a);
    QTest::newRow("a byte changed") << QVariant(flipped) << u"payments pi_x"_s;
    QByteArray otherDictionary = frame;
    int size = 0;
    const qsizetype at = dictionaryIdOffset(otherDictionary, &size);
    QCOMPARE(size, 4);
    otherDictionary[at] = char(otherDictionary.at(at) ^ 0x01);
    QTest::newRow("unknown dictionary")
        << QVariant(otherDictionary) << u"dictionary %1"_s.arg(rawjson::dictionaryId() ^ 0x01);
    QTest::newRow("neither JSON nor zstd")
        << QVariant(QByteArray("\x01\x02\x03garbage", 10)) << u"neither JSON nor a zstd frame"_s;
    QTest::newRow("empty") << QVariant(QByteArray()) << u"payments pi_x"_s;
    QTest::newRow("an array, compressed") << QVariant(rawjson::packText("[1,2,3]")) << u"not a JSON object"_s;
    QTest::newRow("broken text") << QVariant(u"{\"id\": \"pi_x\", "_s) << u"payments pi_x"_s;
    QTest::newRow("empty text") << QVariant(u""_s) << u"payments pi_x"_s;
}

void TestRawJson::damagedFramesAreErrors()
{
    QFETCH(QVariant, stored);
    QFETCH(QString, says);
    const StoreResult<QJsonObject> back = rawjson::unpack(stored, u"payments pi_x"_s);
    QVERIFY(!back.ok());
    QCOMPARE(back.error().kind, StoreError::Kind::InvalidData);
    QVERIFY2(back.error().message.contains(says), qPrintable(back.error().message));
    QVERIFY2(back.error().message.contains(u"payments pi_x"_s), qPrintable(back.error().message));
}

void TestRawJson::paymentIntentIsKeptWithoutItsExpansions()
{
    QFETCH(QString, backend);
    TestStore fixture;
    QString message;
    const TestStore::Status status = fixture.create(backend, &message);
    if (status == TestStore::Status::Skip)
        QSKIP(qPrintable(message));
    if (status == TestStore::Status::Fail)
        QFAIL(qPrintable(message));
    StoreResult<std::unique_ptr<Database>> opened = fixture.open();
    VERIFY_RESULT(opened);
    const std::unique_ptr<Database> db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*db));

    QJsonObject intent =
        paymentIntent({.id = u"pi_raw"_s, .description = u"Brötchen ×2"_s, .latestCharge = u"ch_raw"_s});
    const QJsonObject expandedCharge =
        charge({.id = u"ch_raw"_s, .paymentIntent = u"pi_raw"_s, .last4 = u"1881"_s});
    intent.insert(u"latest_charge"_s, expandedCharge);
    intent.insert(u"client_secret"_s, u"pi_raw_secret_abcdef"_s);
    const StoreResult<UpsertOutcome> written = StoreIngest(*db).upsert(intent, 1'700'000'500);
    VERIFY_RESULT(written);
    QCOMPARE(written.value(), UpsertOutcome::Applied);

    const StoreResult<std::optional<QJsonObject>> kept = PaymentRepository(*db).rawJson(u"pi_raw"_s);
    VERIFY_RESULT(kept);
    QVERIFY(kept.value().has_value());
    // Read back with the charge the store holds expanded again, the client secret gone.
    QJsonObject expected = intent;
    expected.remove(u"client_secret"_s);
    QCOMPARE(*kept.value(), expected);
    expected.insert(u"latest_charge"_s, u"ch_raw"_s); // what the payments row keeps
    const StoreResult<std::optional<QJsonObject>> keptCharge = ChargeRepository(*db).rawJson(u"ch_raw"_s);
    VERIFY_RESULT(keptCharge);
    QCOMPARE(keptCharge.value().value_or(QJsonObject()), expandedCharge);
    QCOMPARE(PaymentRepository(*db).find(u"pi_raw"_s).value()->cardLast4, u"1881"_s);

    const StoreResult<QVariant> stored =
        db->queryValue(u"SELECT raw FROM payments WHERE id = ?"_s, {u"pi_raw"_s});
    VERIFY_RESULT(stored);
    const QByteArray text = stripe::StripeJson::compact(expected).toUtf8();
    if (db->isSqlite()) {
        QCOMPARE(stored.value().typeId(), QMetaType::QByteArray);
        QVERIFY(stored.value().toByteArray().size() * 2 < text.size());
    } else {
        QCOMPARE(stored.value().toString().toUtf8(), text);
    }

    // A row an earlier build wrote as text reads as before.
    QJsonObject older = expected;
    older.insert(u"description"_s, u"written as text"_s);
    VERIFY_RESULT(db->exec(u"UPDATE payments SET raw = ? WHERE id = ?"_s,
                           {stripe::StripeJson::compact(older), u"pi_raw"_s}));
    QJsonObject olderRead = older;
    olderRead.insert(u"latest_charge"_s, expandedCharge);
    QCOMPARE(PaymentRepository(*db).rawJson(u"pi_raw"_s).value().value_or(QJsonObject()), olderRead);

    // A damaged row is an error that names it, not an empty object.
    if (db->isSqlite()) {
        VERIFY_RESULT(db->exec(u"UPDATE payments SET raw = ? WHERE id = ?"_s,
                               {rawjson::pack(older).left(20), u"pi_raw"_s}));
        const StoreResult<std::optional<QJsonObject>> damaged = PaymentRepository(*db).rawJson(u"pi_raw"_s);
        QVERIFY(!damaged.ok());
        QCOMPARE(damaged.error().kind, StoreError::Kind::InvalidData);
        QVERIFY2(damaged.error().message.contains(u"payments pi_raw"_s), qPrintable(damaged.error().message));
    }
    // No such row: nothing, not an error.
    const StoreResult<std::optional<QJsonObject>> missing = PaymentRepository(*db).rawJson(u"pi_none"_s);
    VERIFY_RESULT(missing);
    QVERIFY(!missing.value().has_value());
}

QTEST_GUILESS_MAIN(TestRawJson)
#include "tst_rawjson.moc"
