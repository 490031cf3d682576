// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/params/formdecoder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::sim::FormDecoder;
using kassa::sim::FormNode;

Q_DECLARE_METATYPE(kassa::sim::FormDecoder::ErrorKind)
Q_DECLARE_METATYPE(kassa::sim::FormNode::ChildStyle)

class tst_FormDecoder : public QObject
{
    Q_OBJECT

private slots:
    void decodes_data();
    void decodes();
    void rejects_data();
    void rejects();
    void keepsGoodPairsAfterBadOnes();
    void recordsArrayStyle_data();
    void recordsArrayStyle();
    void keepsOrder();
    void limitsParameterCount();
};

namespace {

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (document.isNull())
        qFatal("bad JSON in test data: %s", qPrintable(error.errorString()));
    return document.object();
}

} // namespace

void tst_FormDecoder::decodes_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << ""_ba
                           << R"({})"_ba;
    QTest::newRow("plain") << "a=1"_ba
                           << R"({"a":"1"})"_ba;
    QTest::newRow("two") << "amount=1000&currency=usd"_ba
                         << R"({"amount":"1000","currency":"usd"})"_ba;
    QTest::newRow("nested") << "metadata[order]=42"_ba
                            << R"({"metadata":{"order":"42"}})"_ba;
    QTest::newRow("deep") << "a[b][c]=x"_ba
                          << R"({"a":{"b":{"c":"x"}}})"_ba;
    QTest::newRow("appended") << "expand[]=x&expand[]=y"_ba
                              << R"({"expand":{"0":"x","1":"y"}})"_ba;
    QTest::newRow("indexed") << "expand[0]=x&expand[1]=y"_ba
                             << R"({"expand":{"0":"x","1":"y"}})"_ba;
    QTest::newRow("array of objects")
        << "line_items[0][price_data][currency]=usd&line_items[0][quantity]=1&line_items[1][price]=p"_ba
        << R"({"line_items":{"0":{"price_data":{"currency":"usd"},"quantity":"1"},"1":{"price":"p"}}})"_ba;
    QTest::newRow("empty value") << "metadata="_ba
                                 << R"({"metadata":""})"_ba;
    QTest::newRow("no equals sign") << "flag"_ba
                                    << R"({"flag":""})"_ba;
    QTest::newRow("empty nested value") << "metadata[order]="_ba
                                        << R"({"metadata":{"order":""}})"_ba;
    QTest::newRow("repeated key: last wins") << "a=1&a=2"_ba
                                             << R"({"a":"2"})"_ba;
    QTest::newRow("stray ampersands") << "&&a=1&"_ba
                                      << R"({"a":"1"})"_ba;
    QTest::newRow("equals sign in value") << "q=a=b"_ba
                                          << R"({"q":"a=b"})"_ba;
    QTest::newRow("plus is space") << "name=Ada+Lovelace"_ba
                                   << R"({"name":"Ada Lovelace"})"_ba;
    QTest::newRow("percent escapes") << "a=%26%3D%2B%25"_ba
                                     << R"({"a":"&=+%"})"_ba;
    QTest::newRow("lowercase hex") << "a=%c3%a9"_ba
                                   << R"({"a":"é"})"_ba;
    QTest::newRow("utf-8") << "name=J%C3%BCrgen+M%C3%BCller"_ba
                           << R"({"name":"Jürgen Müller"})"_ba;
    QTest::newRow("4-byte utf-8") << "e=%F0%9F%98%80"_ba
                                  << R"({"e":"😀"})"_ba;
    QTest::newRow("encoded brackets") << "metadata%5Border%5D=42"_ba
                                      << R"({"metadata":{"order":"42"}})"_ba;
    QTest::newRow("percent-encoded key name") << "na%6De=x"_ba
                                              << R"({"name":"x"})"_ba;
    QTest::newRow("space in nested key") << "metadata[my+key]=v"_ba
                                         << R"({"metadata":{"my key":"v"}})"_ba;
    QTest::newRow("query of a search") << "query=email%3A%27a%40b.c%27&limit=10"_ba
                                       << R"({"query":"email:'a@b.c'","limit":"10"})"_ba;
    QTest::newRow("appended objects, Rack rule") << "a[][b]=1&a[][c]=2&a[][b]=3"_ba
                                                 << R"({"a":{"0":{"b":"1","c":"2"},"1":{"b":"3"}}})"_ba;
    QTest::newRow("sparse indices kept as keys") << "expand[2]=x&expand[0]=y"_ba
                                                 << R"({"expand":{"2":"x","0":"y"}})"_ba;
    QTest::newRow("created range") << "created[gte]=1700000000&created[lt]=1800000000"_ba
                                   << R"({"created":{"gte":"1700000000","lt":"1800000000"}})"_ba;
}

void tst_FormDecoder::decodes()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    const FormDecoder::Result result = FormDecoder::decode(input);
    for (const FormDecoder::Error &e : result.errors)
        qWarning() << e.param << e.message;
    QVERIFY(result.ok());
    QVERIFY(result.root.isMap());
    QCOMPARE(result.root.toJson().toObject(), json(expected));
}

void tst_FormDecoder::rejects_data()
{
    using Kind = FormDecoder::ErrorKind;
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("param");

    QTest::newRow("bad escape in value") << "a=%zz"_ba << Kind::BadPercentEscape << u"a"_s;
    QTest::newRow("short escape") << "a=%4"_ba << Kind::BadPercentEscape << u"a"_s;
    QTest::newRow("lone percent") << "amount=%"_ba << Kind::BadPercentEscape << u"amount"_s;
    QTest::newRow("bad escape in key") << "a%zz=1"_ba << Kind::BadPercentEscape << u"a%zz"_s;
    QTest::newRow("bad escape in nested value")
        << "metadata[order]=4%2"_ba << Kind::BadPercentEscape << u"metadata[order]"_s;
    QTest::newRow("unclosed bracket") << "a[b=1"_ba << Kind::MalformedBrackets << u"a[b"_s;
    QTest::newRow("stray closing bracket") << "a]=1"_ba << Kind::MalformedBrackets << u"a]"_s;
    QTest::newRow("text after bracket") << "a[b]c=1"_ba << Kind::MalformedBrackets << u"a[b]c"_s;
    QTest::newRow("bracket inside bracket") << "a[b[c]]=1"_ba << Kind::MalformedBrackets << u"a[b[c]]"_s;
    QTest::newRow("encoded unclosed bracket") << "a%5Bb=1"_ba << Kind::MalformedBrackets << u"a[b"_s;
    QTest::newRow("empty name") << "=x"_ba << Kind::EmptyName << u""_s;
    QTest::newRow("bracket first") << "[a]=x"_ba << Kind::EmptyName << u"[a]"_s;
    QTest::newRow("value then object") << "a=1&a[b]=2"_ba << Kind::ValueObjectConflict << u"a"_s;
    QTest::newRow("object then value") << "a[b]=2&a=1"_ba << Kind::ValueObjectConflict << u"a"_s;
    QTest::newRow("deeper conflict") << "a[b][c]=1&a[b]=2"_ba << Kind::ValueObjectConflict << u"a[b]"_s;
    QTest::newRow("empty value then object")
        << "metadata=&metadata[a]=1"_ba << Kind::ValueObjectConflict << u"metadata"_s;
    QTest::newRow("appended then indexed")
        << "expand[]=x&expand[0]=y"_ba << Kind::MixedArrayStyles << u"expand"_s;
    QTest::newRow("indexed then appended")
        << "expand[0]=x&expand[]=y"_ba << Kind::MixedArrayStyles << u"expand"_s;
    QTest::newRow("nested mixed") << "a[b][]=1&a[b][k]=2"_ba << Kind::MixedArrayStyles << u"a[b]"_s;
    QTest::newRow("truncated utf-8") << "a=%E2%82"_ba << Kind::InvalidUtf8 << u"a"_s;
    QTest::newRow("bad continuation") << "a=%C3%28"_ba << Kind::InvalidUtf8 << u"a"_s;
    QTest::newRow("overlong") << "a=%C0%AF"_ba << Kind::InvalidUtf8 << u"a"_s;
    QTest::newRow("surrogate") << "a=%ED%A0%80"_ba << Kind::InvalidUtf8 << u"a"_s;
    QTest::newRow("above U+10FFFF") << "a=%F4%90%80%80"_ba << Kind::InvalidUtf8 << u"a"_s;
    QTest::newRow("raw latin-1 byte") << "a=caf\xe9"_ba << Kind::InvalidUtf8 << u"a"_s;

    QByteArray deep = "a";
    for (int i = 0; i <= FormDecoder::maxDepth; ++i)
        deep += "[x]";
    QTest::newRow("too deep") << deep + "=1" << Kind::TooDeep << QString::fromLatin1(deep);
}

void tst_FormDecoder::rejects()
{
    QFETCH(QByteArray, input);
    QFETCH(FormDecoder::ErrorKind, kind);
    QFETCH(QString, param);

    const FormDecoder::Result result = FormDecoder::decode(input);
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), 1);
    const FormDecoder::Error &error = result.errors.first();
    QCOMPARE(error.kind, kind);
    QCOMPARE(error.param, param);
    QVERIFY2(error.message.contains(param), qPrintable(error.message));
}

void tst_FormDecoder::keepsGoodPairsAfterBadOnes()
{
    const FormDecoder::Result result = FormDecoder::decode("a=%zz&b=1&c[=2&d[]=3&d[0]=4&e=5"_ba);
    QCOMPARE(result.errors.size(), 3);
    QCOMPARE(result.errors.at(0).param, u"a"_s);
    QCOMPARE(result.errors.at(1).param, u"c["_s);
    QCOMPARE(result.errors.at(2).param, u"d"_s);
    QCOMPARE(result.root.toJson().toObject(), json(R"({"b":"1","d":{"0":"3"},"e":"5"})"_ba));
}

void tst_FormDecoder::recordsArrayStyle_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<FormNode::ChildStyle>("style");

    QTest::newRow("appended") << "expand[]=a&expand[]=b"_ba << FormNode::ChildStyle::Appended;
    QTest::newRow("indexed") << "expand[0]=a&expand[1]=b"_ba << FormNode::ChildStyle::Named;
    QTest::newRow("named") << "expand[x]=a"_ba << FormNode::ChildStyle::Named;
    QTest::newRow("value") << "expand=a"_ba << FormNode::ChildStyle::None;
}

void tst_FormDecoder::recordsArrayStyle()
{
    QFETCH(QByteArray, input);
    QFETCH(FormNode::ChildStyle, style);

    const FormDecoder::Result result = FormDecoder::decode(input);
    QVERIFY(result.ok());
    const FormNode *expand = result.root.child(u"expand");
    QVERIFY(expand);
    QCOMPARE(expand->childStyle(), style);
}

void tst_FormDecoder::keepsOrder()
{
    const FormDecoder::Result result = FormDecoder::decode("z=1&a=2&m[y]=3&m[b]=4&z=5"_ba);
    QVERIFY(result.ok());
    QStringList keys;
    for (const FormNode &child : result.root.children())
        keys << child.key();
    QCOMPARE(keys, (QStringList{u"z"_s, u"a"_s, u"m"_s}));
    const FormNode *m = result.root.child(u"m");
    QVERIFY(m);
    QCOMPARE(m->children().size(), size_t(2));
    QCOMPARE(m->children().at(0).key(), u"y"_s);
    QCOMPARE(m->children().at(1).key(), u"b"_s);
    QCOMPARE(result.root.child(u"z")->value(), u"5"_s);
}

void tst_FormDecoder::limitsParameterCount()
{
    QByteArray input;
    for (int i = 0; i <= FormDecoder::maxParameters; ++i)
        input += "expand[]=x&";
    const FormDecoder::Result result = FormDecoder::decode(input);
    QCOMPARE(result.errors.size(), 1);
    QCOMPARE(result.errors.first().kind, FormDecoder::ErrorKind::TooManyParameters);
    QCOMPARE(result.root.child(u"expand")->children().size(), size_t(FormDecoder::maxParameters));
}

QTEST_APPLESS_MAIN(tst_FormDecoder)
#include "tst_formdecoder.moc"
