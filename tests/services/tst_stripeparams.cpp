// StripeParams: Stripe's form encoding. Each row's encoding is decoded again with QUrlQuery and compared
// with the names and values the row expects, so that nested hashes, indexed lists and every special
// character (spaces, &, =, [, ], %, +, unicode, emoji) survive the trip.
#include "services/stripe/stripeparams.h"
#include "services/stripe/striperequest.h"

#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using kassa::stripe::StripeParams;
using kassa::stripe::StripeRequest;

Q_DECLARE_METATYPE(kassa::stripe::StripeParams)

class TestStripeParams : public QObject
{
    Q_OBJECT

private slots:
    void encode_data();
    void encode();
    void setReplaces();
    void resourcePathEncodesIds_data();
    void resourcePathEncodesIds();
};

void TestStripeParams::encode_data()
{
    QTest::addColumn<StripeParams>("params");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<QByteArray>("raw"); // the exact encoding, when the row pins it

    QTest::newRow("empty") << StripeParams() << QStringList() << QStringList() << QByteArray("");
    QTest::newRow("scalars keep their order")
        << StripeParams().add(u"currency"_s, u"usd"_s).add(u"amount"_s, 1099)
        << QStringList{u"currency"_s, u"amount"_s} << QStringList{u"usd"_s, u"1099"_s}
        << QByteArray("currency=usd&amount=1099");
    QTest::newRow("booleans") << StripeParams().add(u"confirm"_s, true).add(u"livemode"_s, false)
                              << QStringList{u"confirm"_s, u"livemode"_s}
                              << QStringList{u"true"_s, u"false"_s}
                              << QByteArray("confirm=true&livemode=false");
    QTest::newRow("big and negative integers")
        << StripeParams().add(u"a"_s, qint64(9'007'199'254'740'993)).add(u"b"_s, -5)
        << QStringList{u"a"_s, u"b"_s} << QStringList{u"9007199254740993"_s, u"-5"_s}
        << QByteArray("a=9007199254740993&b=-5");
    QTest::newRow("nested metadata") << StripeParams().addMap(u"metadata"_s,
                                                              {{u"order"_s, u"42"_s}, {u"till"_s, u"3"_s}})
                                     << QStringList{u"metadata[order]"_s, u"metadata[till]"_s}
                                     << QStringList{u"42"_s, u"3"_s}
                                     << QByteArray("metadata%5Border%5D=42&metadata%5Btill%5D=3");
    QTest::newRow("indexed list")
        << StripeParams().addList(u"payment_method_types"_s, {u"card"_s, u"card_present"_s})
        << QStringList{u"payment_method_types[0]"_s, u"payment_method_types[1]"_s}
        << QStringList{u"card"_s, u"card_present"_s}
        << QByteArray("payment_method_types%5B0%5D=card&payment_method_types%5B1%5D=card_present");
    QTest::newRow("expand counts on")
        << StripeParams()
               .expand(u"latest_charge"_s)
               .add(u"x"_s, u"1"_s)
               .expand(u"customer.invoice_settings"_s)
        << QStringList{u"expand[0]"_s, u"x"_s, u"expand[1]"_s}
        << QStringList{u"latest_charge"_s, u"1"_s, u"customer.invoice_settings"_s} << QByteArray();
    QTest::newRow("deeply nested") << StripeParams()
                                          .add(u"line_items[0][price_data][product_data][name]"_s,
                                               u"Coffee"_s)
                                          .add(u"line_items[0][quantity]"_s, 2)
                                   << QStringList{u"line_items[0][price_data][product_data][name]"_s,
                                                  u"line_items[0][quantity]"_s}
                                   << QStringList{u"Coffee"_s, u"2"_s} << QByteArray();
    QTest::newRow("spaces") << StripeParams().add(u"description"_s, u" two  words "_s)
                            << QStringList{u"description"_s} << QStringList{u" two  words "_s}
                            << QByteArray("description=%20two%20%20words%20");
    QTest::newRow("ampersand and equals in a value")
        << StripeParams().add(u"description"_s, u"a=b&c=d"_s).add(u"next"_s, u"1"_s)
        << QStringList{u"description"_s, u"next"_s} << QStringList{u"a=b&c=d"_s, u"1"_s}
        << QByteArray("description=a%3Db%26c%3Dd&next=1");
    QTest::newRow("ampersand and equals in a metadata key")
        << StripeParams().addMap(u"metadata"_s, {{u"k&e=y"_s, u"v"_s}}) << QStringList{u"metadata[k&e=y]"_s}
        << QStringList{u"v"_s} << QByteArray("metadata%5Bk%26e%3Dy%5D=v");
    QTest::newRow("brackets in values")
        << StripeParams().add(u"description"_s, u"[x] ]["_s) << QStringList{u"description"_s}
        << QStringList{u"[x] ]["_s} << QByteArray("description=%5Bx%5D%20%5D%5B");
    QTest::newRow("percent and plus")
        << StripeParams().add(u"description"_s, u"100% + tax"_s) << QStringList{u"description"_s}
        << QStringList{u"100% + tax"_s} << QByteArray("description=100%25%20%2B%20tax");
    QTest::newRow("unicode") << StripeParams().add(u"name"_s, u"Jörg Größe – café 東京"_s)
                             << QStringList{u"name"_s} << QStringList{u"Jörg Größe – café 東京"_s}
                             << QByteArray();
    QTest::newRow("umlaut bytes") << StripeParams().add(u"name"_s, u"ö"_s) << QStringList{u"name"_s}
                                  << QStringList{u"ö"_s} << QByteArray("name=%C3%B6");
    QTest::newRow("emoji") << StripeParams().addMap(u"metadata"_s, {{u"note"_s, u"☕️🍰 thanks"_s}})
                           << QStringList{u"metadata[note]"_s} << QStringList{u"☕️🍰 thanks"_s}
                           << QByteArray("metadata%5Bnote%5D=%E2%98%95%EF%B8%8F%F0%9F%8D%B0%20thanks");
    QTest::newRow("empty value is sent")
        << StripeParams().add(u"metadata[old]"_s, u""_s) << QStringList{u"metadata[old]"_s}
        << QStringList{u""_s} << QByteArray("metadata%5Bold%5D=");
    QTest::newRow("addIfSet skips empty")
        << StripeParams().addIfSet(u"customer"_s, QString()).addIfSet(u"description"_s, u"d"_s)
        << QStringList{u"description"_s} << QStringList{u"d"_s} << QByteArray("description=d");
    QTest::newRow("newline and tab") << StripeParams().add(u"description"_s, u"a\nb\tc"_s)
                                     << QStringList{u"description"_s} << QStringList{u"a\nb\tc"_s}
                                     << QByteArray("description=a%0Ab%09c");
    QTest::newRow("email with plus") << StripeParams().add(u"email"_s, u"ada+till@example.com"_s)
                                     << QStringList{u"email"_s} << QStringList{u"ada+till@example.com"_s}
                                     << QByteArray("email=ada%2Btill%40example.com");
}

void TestStripeParams::encode()
{
    QFETCH(StripeParams, params);
    QFETCH(QStringList, names);
    QFETCH(QStringList, values);
    QFETCH(QByteArray, raw);
    QCOMPARE(names.size(), values.size());

    const QByteArray encoded = params.encode();
    if (!raw.isNull())
        QCOMPARE(encoded, raw);
    // Only unreserved characters, percent escapes and the two delimiters.
    static const QRegularExpression Safe(u"^([A-Za-z0-9\\-._~&=]|%[0-9A-F]{2})*$"_s);
    QVERIFY2(Safe.match(QString::fromLatin1(encoded)).hasMatch(), encoded.constData());

    const QUrlQuery query(QString::fromLatin1(encoded));
    const QList<std::pair<QString, QString>> items = query.queryItems(QUrl::FullyDecoded);
    QCOMPARE(items.size(), names.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        QCOMPARE(items.at(i).first, names.at(i));
        QCOMPARE(items.at(i).second, values.at(i));
    }
    QCOMPARE(params.items().size(), names.size());
    QCOMPARE(params.isEmpty(), names.isEmpty());
    for (qsizetype i = 0; i < names.size(); ++i)
        QCOMPARE(params.value(names.at(i)), values.at(i));
}

void TestStripeParams::setReplaces()
{
    StripeParams params;
    params.add(u"limit"_s, 100).add(u"starting_after"_s, u"pi_1"_s);
    params.set(u"starting_after"_s, u"pi_2"_s);
    params.set(u"page"_s, u"tok"_s);
    QCOMPARE(params.encode(), QByteArray("limit=100&starting_after=pi_2&page=tok"));
    QCOMPARE(params.value(u"starting_after"_s), u"pi_2"_s);
    QVERIFY(params.value(u"nothing"_s).isNull());
}

void TestStripeParams::resourcePathEncodesIds_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("path");

    QTest::newRow("plain") << u"pi_123"_s << u"/v1/payment_intents/pi_123/confirm"_s;
    QTest::newRow("slash") << u"pi_1/../../balance"_s
                           << u"/v1/payment_intents/pi_1%2F..%2F..%2Fbalance/confirm"_s;
    QTest::newRow("query and fragment")
        << u"pi_1?x=1#y"_s << u"/v1/payment_intents/pi_1%3Fx%3D1%23y/confirm"_s;
    QTest::newRow("space") << u"pi 1"_s << u"/v1/payment_intents/pi%201/confirm"_s;
}

void TestStripeParams::resourcePathEncodesIds()
{
    QFETCH(QString, id);
    QFETCH(QString, path);
    QCOMPARE(StripeRequest::resourcePath(u"/v1/payment_intents"_s, id, u"/confirm"_s), path);
}

QTEST_GUILESS_MAIN(TestStripeParams)
#include "tst_stripeparams.moc"
