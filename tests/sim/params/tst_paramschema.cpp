// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/params/formdecoder.h"
#include "sim/params/paramschema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::sim::FormDecoder;
using kassa::sim::ParamError;
using kassa::sim::ParamSchema;
using kassa::sim::ValidationResult;

class tst_ParamSchema : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void knowsEndpoints_data();
    void knowsEndpoints();
    void listsEndpoints();
    void accepts_data();
    void accepts();
    void rejects_data();
    void rejects();
    void keepsIntegersExact();
    void treeAndRawOverloadsAgree();
    void rejectsBadTable_data();
    void rejectsBadTable();
    void keepsTableAfterFailedLoad();
    void serialisesError();

private:
    ParamSchema m_schema;
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

QString describe(const ValidationResult &result)
{
    if (result.ok())
        return QString::fromUtf8(QJsonDocument(result.params).toJson(QJsonDocument::Compact));
    return result.error->code + u" | "_s + result.error->message + u" | "_s + result.error->param;
}

const char *const piCreate = "/v1/payment_intents";

} // namespace

void tst_ParamSchema::initTestCase()
{
    QString error;
    QVERIFY2(m_schema.loadEmbedded(&error), qPrintable(error));
    QVERIFY(m_schema.isLoaded());
    QVERIFY(m_schema.source().contains(u"Stripe OpenAPI"_s));
    QVERIFY(!m_schema.supplements().isEmpty());
}

void tst_ParamSchema::knowsEndpoints_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("known");

    const char *const known[][2] = {
        {"GET", "/v1/balance"},
        {"POST", "/v1/customers"},
        {"GET", "/v1/customers/search"},
        {"DELETE", "/v1/customers/{customer}"},
        {"GET", "/v1/customers/{customer}/payment_methods"},
        {"POST", "/v1/payment_methods/{payment_method}/detach"},
        {"POST", "/v1/payment_intents/{intent}/capture"},
        {"GET", "/v1/payment_intents/search"},
        {"GET", "/v1/charges/{charge}"},
        {"POST", "/v1/refunds/{refund}/cancel"},
        {"GET", "/v1/events/{id}"},
        {"DELETE", "/v1/webhook_endpoints/{webhook_endpoint}"},
        {"POST", "/v1/terminal/readers/{reader}/process_setup_intent"},
        {"POST", "/v1/test_helpers/terminal/readers/{reader}/present_payment_method"},
        {"POST", "/v1/setup_intents/{intent}/confirm"},
        {"GET", "/v1/checkout/sessions/{session}/line_items"},
        {"post", "/v1/checkout/sessions/{session}/expire"},
    };
    for (const auto &endpoint : known) {
        QTest::addRow("%s %s", endpoint[0], endpoint[1])
            << QString::fromLatin1(endpoint[0]) << QString::fromLatin1(endpoint[1]) << true;
    }
    QTest::newRow("not served") << u"POST"_s << u"/v1/charges"_s << false;
    QTest::newRow("wrong method") << u"DELETE"_s << u"/v1/payment_intents/{intent}"_s << false;
    QTest::newRow("other template name") << u"GET"_s << u"/v1/payment_intents/{id}"_s << false;
    QTest::newRow("concrete path") << u"GET"_s << u"/v1/payment_intents/pi_123"_s << false;
    QTest::newRow("trailing slash") << u"GET"_s << u"/v1/balance/"_s << false;
}

void tst_ParamSchema::knowsEndpoints()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(bool, known);
    QCOMPARE(m_schema.hasEndpoint(method, path), known);
}

void tst_ParamSchema::listsEndpoints()
{
    const QList<ParamSchema::Endpoint> endpoints = m_schema.endpoints();
    QCOMPARE(endpoints.size(), 54);
    QVERIFY(endpoints.contains(ParamSchema::Endpoint{u"POST"_s, u"/v1/payment_intents"_s}));
    QVERIFY(endpoints.contains(ParamSchema::Endpoint{u"GET"_s, u"/v1/events"_s}));
    for (const ParamSchema::Endpoint &e : endpoints)
        QVERIFY2(m_schema.hasEndpoint(e.method, e.pathTemplate),
                 qPrintable(e.method + u' ' + e.pathTemplate));
}

void tst_ParamSchema::accepts_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("PaymentIntent create")
        << u"POST"_s << QString::fromLatin1(piCreate)
        << "amount=1000&currency=usd&payment_method_types[]=card_present&payment_method_types[]=card"
           "&metadata[order]=42&metadata[till]=3&expand[]=latest_charge&capture_method=manual&confirm=false"_ba
        << R"({"amount":1000,"currency":"usd","payment_method_types":["card_present","card"],
               "metadata":{"order":"42","till":"3"},"expand":["latest_charge"],"capture_method":"manual",
               "confirm":false})"_ba;
    QTest::newRow("indexed arrays are ordered by index")
        << u"POST"_s << QString::fromLatin1(piCreate)
        << "amount=500&currency=eur&expand[1]=customer&expand[0]=latest_charge"_ba
        << R"({"amount":500,"currency":"eur","expand":["latest_charge","customer"]})"_ba;
    QTest::newRow("percent-encoded brackets, UTF-8 text")
        << u"POST"_s << QString::fromLatin1(piCreate)
        << "amount=1&currency=usd&description=Caf%C3%A9+au+lait&metadata%5Bnote%5D=%E2%82%AC"_ba
        << R"({"amount":1,"currency":"usd","description":"Café au lait","metadata":{"note":"€"}})"_ba;
    QTest::newRow("boolean true") << u"POST"_s << QString::fromLatin1(piCreate)
                                  << "amount=1&currency=usd&confirm=true"_ba
                                  << R"({"amount":1,"currency":"usd","confirm":true})"_ba;
    QTest::newRow("metadata key unset")
        << u"POST"_s << QString::fromLatin1(piCreate) << "amount=1&currency=usd&metadata[order]="_ba
        << R"({"amount":1,"currency":"usd","metadata":{"order":""}})"_ba;
    QTest::newRow("metadata= unsets on update")
        << u"POST"_s << u"/v1/payment_intents/{intent}"_s << "metadata="_ba
        << R"({"metadata":""})"_ba;
    QTest::newRow("metadata= unsets on customer update")
        << u"POST"_s << u"/v1/customers/{customer}"_s << "metadata=&name=Ada"_ba
        << R"({"metadata":"","name":"Ada"})"_ba;
    QTest::newRow("enum with empty value")
        << u"POST"_s << u"/v1/payment_intents/{intent}"_s << "setup_future_usage="_ba
        << R"({"setup_future_usage":""})"_ba;
    QTest::newRow("anyOf object or empty: empty")
        << u"POST"_s << QString::fromLatin1(piCreate)
        << "amount=1&currency=usd&payment_method_options[card]="_ba
        << R"({"amount":1,"currency":"usd","payment_method_options":{"card":""}})"_ba;
    QTest::newRow("anyOf object or empty: object")
        << u"POST"_s << QString::fromLatin1(piCreate)
        << "amount=1&currency=usd&payment_method_options[card][setup_future_usage]=off_session"_ba
        << R"({"amount":1,"currency":"usd",
               "payment_method_options":{"card":{"setup_future_usage":"off_session"}}})"_ba;
    QTest::newRow("anyOf boolean or enum: boolean")
        << u"POST"_s << QString::fromLatin1(piCreate)
        << "amount=1&currency=usd&confirm=true&off_session=true"_ba
        << R"({"amount":1,"currency":"usd","confirm":true,"off_session":true})"_ba;
    QTest::newRow("anyOf boolean or enum: enum")
        << u"POST"_s << QString::fromLatin1(piCreate) << "amount=1&currency=usd&off_session=recurring"_ba
        << R"({"amount":1,"currency":"usd","off_session":"recurring"})"_ba;
    QTest::newRow("anyOf enum or timestamp: enum")
        << u"POST"_s << u"/v1/customers/{customer}"_s << "trial_end=now"_ba
        << R"({"trial_end":"now"})"_ba;
    QTest::newRow("anyOf enum or timestamp: timestamp")
        << u"POST"_s << u"/v1/customers/{customer}"_s << "trial_end=1700000000"_ba
        << R"({"trial_end":1700000000})"_ba;
    QTest::newRow("negative integer")
        << u"POST"_s << u"/v1/customers"_s << "balance=-500&email=a%40example.com"_ba
        << R"({"balance":-500,"email":"a@example.com"})"_ba;
    QTest::newRow("refund with approval metadata")
        << u"POST"_s << u"/v1/refunds"_s
        << "payment_intent=pi_1&amount=500&reason=requested_by_customer"
           "&metadata[requested_by]=u1&metadata[approved_by]=u2"_ba
        << R"({"payment_intent":"pi_1","amount":500,"reason":"requested_by_customer",
               "metadata":{"requested_by":"u1","approved_by":"u2"}})"_ba;
    QTest::newRow("empty POST body") << u"POST"_s << u"/v1/payment_intents/{intent}/cancel"_s << ""_ba
                                     << R"({})"_ba;
    QTest::newRow("checkout line_items")
        << u"POST"_s << u"/v1/checkout/sessions"_s
        << "mode=payment&success_url=https%3A%2F%2Fexample.com%2Fok"
           "&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=1250"
           "&line_items[0][price_data][product_data][name]=Coffee&line_items[0][quantity]=2"
           "&line_items[1][price]=price_123&line_items[1][quantity]=1"_ba
        << R"({"mode":"payment","success_url":"https://example.com/ok","line_items":[
                {"price_data":{"currency":"usd","unit_amount":1250,"product_data":{"name":"Coffee"}},
                 "quantity":2},
                {"price":"price_123","quantity":1}]})"_ba;
    QTest::newRow("checkout setup mode (supplement: currency, no cancel_url)")
        << u"POST"_s << u"/v1/checkout/sessions"_s
        << "mode=setup&currency=usd&customer=cus_1&success_url=https%3A%2F%2Fexample.com"_ba
        << R"({"mode":"setup","currency":"usd","customer":"cus_1","success_url":"https://example.com"})"_ba;
    QTest::newRow("decimal string")
        << u"POST"_s << u"/v1/checkout/sessions"_s
        << "success_url=x&line_items[0][price_data][currency]=usd"
           "&line_items[0][price_data][unit_amount_decimal]=12.345"_ba
        << R"({"success_url":"x","line_items":[{"price_data":{"currency":"usd","unit_amount_decimal":"12.345"}}]})"_ba;
    QTest::newRow("capture_method automatic_async (supplement)")
        << u"POST"_s << QString::fromLatin1(piCreate)
        << "amount=1&currency=usd&capture_method=automatic_async"_ba
        << R"({"amount":1,"currency":"usd","capture_method":"automatic_async"})"_ba;
    QTest::newRow("card_present options (supplement)")
        << u"POST"_s << u"/v1/payment_intents/{intent}/confirm"_s
        << "payment_method_options[card_present][request_extended_authorization]=true"_ba
        << R"({"payment_method_options":{"card_present":{"request_extended_authorization":true}}})"_ba;
    QTest::newRow("present_payment_method")
        << u"POST"_s << u"/v1/test_helpers/terminal/readers/{reader}/present_payment_method"_s
        << "type=card_present&card_present[number]=4242424242424242&amount_tip=100"_ba
        << R"({"type":"card_present","card_present":{"number":"4242424242424242"},"amount_tip":100})"_ba;
    QTest::newRow("process_payment_intent")
        << u"POST"_s << u"/v1/terminal/readers/{reader}/process_payment_intent"_s
        << "payment_intent=pi_1&process_config[skip_tipping]=true&process_config[tipping][amount_eligible]=900"_ba
        << R"({"payment_intent":"pi_1","process_config":{"skip_tipping":true,"tipping":{"amount_eligible":900}}})"_ba;
    QTest::newRow("events poll: created[gte], types[]")
        << u"GET"_s << u"/v1/events"_s
        << "created[gte]=1700000000&limit=100&types[]=payment_intent.succeeded&types[]=charge.refunded"_ba
        << R"({"created":{"gte":1700000000},"limit":100,
               "types":["payment_intent.succeeded","charge.refunded"]})"_ba;
    QTest::newRow("created as an integer")
        << u"GET"_s << u"/v1/charges"_s << "created=1700000000&starting_after=ch_1"_ba
        << R"({"created":1700000000,"starting_after":"ch_1"})"_ba;
    QTest::newRow("created range on list")
        << u"GET"_s << u"/v1/payment_intents"_s << "created[gt]=1&created[lte]=2&customer=cus_1&limit=3"_ba
        << R"({"created":{"gt":1,"lte":2},"customer":"cus_1","limit":3})"_ba;
    QTest::newRow("search query") << u"GET"_s << u"/v1/customers/search"_s
                                  << "query=email%3A%27a%40b.c%27&limit=10"_ba
                                  << R"({"query":"email:'a@b.c'","limit":10})"_ba;
    QTest::newRow("GET expand") << u"GET"_s << u"/v1/payment_intents/{intent}"_s
                                << "expand[0]=latest_charge&expand[1]=customer"_ba
                                << R"({"expand":["latest_charge","customer"]})"_ba;
    QTest::newRow("payment methods without type (supplement)")
        << u"GET"_s << u"/v1/customers/{customer}/payment_methods"_s << "limit=100"_ba
        << R"({"limit":100})"_ba;
    QTest::newRow("DELETE without parameters") << u"DELETE"_s << u"/v1/customers/{customer}"_s << ""_ba
                                               << R"({})"_ba;
    QTest::newRow("lowercase method") << u"get"_s << u"/v1/balance"_s << ""_ba
                                      << R"({})"_ba;
}

void tst_ParamSchema::accepts()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    const ValidationResult result = m_schema.validate(method, path, QByteArrayView(input));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.params, json(expected));
}

void tst_ParamSchema::rejects_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("param");

    const QString pi = QString::fromLatin1(piCreate);
    auto row = [](const char *name, const QString &method, const QString &path, const QByteArray &input,
                  const QString &code, const QString &message, const QString &param, int status = 400) {
        QTest::newRow(name) << method << path << input << status << code << message << param;
    };
    auto empty = [](const QString &p) -> QString {
        return u"You passed an empty string for '"_s + p +
               u"'. We assume empty values are an attempt to unset a parameter; however '"_s + p +
               u"' cannot be unset. You should remove '"_s + p +
               u"' from your request or supply a non-empty value."_s;
    };

    // Unknown parameters
    row("unknown top-level", u"POST"_s, pi, "amount=1&currency=usd&foo=bar"_ba, u"parameter_unknown"_s,
        u"Received unknown parameter: foo"_s, u"foo"_s);
    row("unknown nested", u"POST"_s, pi, "amount=1&currency=usd&payment_method_options[card][foo]=1"_ba,
        u"parameter_unknown"_s, u"Received unknown parameter: payment_method_options[card][foo]"_s,
        u"payment_method_options[card][foo]"_s);
    row("unknown in an array element", u"POST"_s, u"/v1/checkout/sessions"_s,
        "success_url=x&line_items[0][quantity]=1&line_items[1][foo]=1"_ba, u"parameter_unknown"_s,
        u"Received unknown parameter: line_items[1][foo]"_s, u"line_items[1][foo]"_s);
    row("unknown in created range", u"GET"_s, u"/v1/events"_s, "created[gt]=1&created[between]=2"_ba,
        u"parameter_unknown"_s, u"Received unknown parameter: created[between]"_s, u"created[between]"_s);
    row("unknown query parameter", u"GET"_s, u"/v1/balance"_s, "foo=1"_ba, u"parameter_unknown"_s,
        u"Received unknown parameter: foo"_s, u"foo"_s);
    row("misspelt name reported before missing one", u"POST"_s, pi, "amout=1&currency=usd"_ba,
        u"parameter_unknown"_s, u"Received unknown parameter: amout"_s, u"amout"_s);

    // Missing required parameters
    row("missing amount", u"POST"_s, pi, "currency=usd"_ba, u"parameter_missing"_s,
        u"Missing required param: amount."_s, u"amount"_s);
    row("missing everything", u"POST"_s, pi, ""_ba, u"parameter_missing"_s,
        u"Missing required param: amount."_s, u"amount"_s);
    row("missing nested", u"POST"_s, u"/v1/checkout/sessions"_s,
        "success_url=x&line_items[0][price_data][unit_amount]=1"_ba, u"parameter_missing"_s,
        u"Missing required param: line_items[0][price_data][currency]."_s,
        u"line_items[0][price_data][currency]"_s);
    row("missing in query", u"GET"_s, u"/v1/customers/search"_s, "limit=1"_ba, u"parameter_missing"_s,
        u"Missing required param: query."_s, u"query"_s);
    row("missing nested enabled", u"POST"_s, pi,
        "amount=1&currency=usd&automatic_payment_methods[allow_redirects]=never"_ba, u"parameter_missing"_s,
        u"Missing required param: automatic_payment_methods[enabled]."_s,
        u"automatic_payment_methods[enabled]"_s);

    // Integers
    row("decimal for an integer", u"POST"_s, pi, "amount=12.5&currency=usd"_ba,
        u"parameter_invalid_integer"_s, u"Invalid integer: 12.5"_s, u"amount"_s);
    row("limit=abc", u"GET"_s, u"/v1/payment_intents"_s, "limit=abc"_ba, u"parameter_invalid_integer"_s,
        u"Invalid integer: abc"_s, u"limit"_s);
    row("integer overflow", u"POST"_s, pi, "amount=9223372036854775808&currency=usd"_ba,
        u"parameter_invalid_integer"_s, u"Invalid integer: 9223372036854775808"_s, u"amount"_s);
    row("integer with space", u"POST"_s, pi, "amount=+10&currency=usd"_ba, u"parameter_invalid_integer"_s,
        u"Invalid integer:  10"_s, u"amount"_s);
    row("created=abc", u"GET"_s, u"/v1/charges"_s, "created=abc"_ba, u"parameter_invalid_integer"_s,
        u"Invalid integer: abc"_s, u"created"_s);
    row("created[gte]=abc", u"GET"_s, u"/v1/events"_s, "created[gte]=abc"_ba, u"parameter_invalid_integer"_s,
        u"Invalid integer: abc"_s, u"created[gte]"_s);

    // anyOf: the first branch that takes this shape of input speaks
    row("anyOf boolean or enum", u"POST"_s, pi, "amount=1&currency=usd&off_session=maybe"_ba, QString(),
        u"Invalid boolean: maybe"_s, u"off_session"_s);
    row("anyOf enum or timestamp", u"POST"_s, u"/v1/customers/{customer}"_s, "trial_end=later"_ba, QString(),
        u"Invalid trial_end: must be one of now"_s, u"trial_end"_s);
    row("anyOf integer or range given an object", u"GET"_s, u"/v1/charges"_s, "created[gte][x]=1"_ba,
        QString(), u"Invalid integer: 'created[gte]' must be an integer, not an object"_s, u"created[gte]"_s);

    // Booleans, enums, decimals
    row("bad boolean", u"POST"_s, pi, "amount=1&currency=usd&confirm=yes"_ba, QString(),
        u"Invalid boolean: yes"_s, u"confirm"_s);
    row("boolean is case-sensitive", u"POST"_s, pi, "amount=1&currency=usd&confirm=True"_ba, QString(),
        u"Invalid boolean: True"_s, u"confirm"_s);
    row("capture_method=sometimes", u"POST"_s, pi, "amount=1&currency=usd&capture_method=sometimes"_ba,
        QString(), u"Invalid capture_method: must be one of automatic, automatic_async, or manual"_s,
        u"capture_method"_s);
    row("refund reason", u"POST"_s, u"/v1/refunds"_s, "charge=ch_1&reason=angry"_ba, QString(),
        u"Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer"_s, u"reason"_s);
    row("two-value enum, nested", u"POST"_s, pi,
        "amount=1&currency=usd&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=x"_ba,
        QString(), u"Invalid automatic_payment_methods[allow_redirects]: must be one of always or never"_s,
        u"automatic_payment_methods[allow_redirects]"_s);
    row("bad decimal string", u"POST"_s, u"/v1/checkout/sessions"_s,
        "success_url=x&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount_decimal]=1e3"_ba,
        QString(), u"Invalid decimal: 1e3"_s, u"line_items[0][price_data][unit_amount_decimal]"_s);

    // Empty strings
    row("amount=", u"POST"_s, pi, "amount=&currency=usd"_ba, u"parameter_invalid_empty"_s, empty(u"amount"_s),
        u"amount"_s);
    row("description=", u"POST"_s, pi, "amount=1&currency=usd&description="_ba, u"parameter_invalid_empty"_s,
        empty(u"description"_s), u"description"_s);
    row("metadata= on create cannot unset", u"POST"_s, pi, "amount=1&currency=usd&metadata="_ba,
        u"parameter_invalid_empty"_s, empty(u"metadata"_s), u"metadata"_s);
    row("empty array element", u"POST"_s, pi, "amount=1&currency=usd&expand[]="_ba,
        u"parameter_invalid_empty"_s, empty(u"expand[0]"_s), u"expand[0]"_s);
    row("empty enum value", u"POST"_s, pi, "amount=1&currency=usd&capture_method="_ba,
        u"parameter_invalid_empty"_s, empty(u"capture_method"_s), u"capture_method"_s);
    row("empty query value", u"GET"_s, u"/v1/payment_intents"_s, "limit="_ba, u"parameter_invalid_empty"_s,
        empty(u"limit"_s), u"limit"_s);

    // Lengths
    row("statement descriptor too long", u"POST"_s, pi,
        "amount=1&currency=usd&statement_descriptor=ABCDEFGHIJKLMNOPQRSTUVW"_ba, QString(),
        u"Invalid string: ABCDEFGHIJKLMNOPQRSTUVW; must be at most 22 characters"_s,
        u"statement_descriptor"_s);

    // Shapes
    row("object for a string", u"POST"_s, pi, "amount=1&currency[x]=usd"_ba, QString(),
        u"Invalid string: 'currency' must be a string, not an object"_s, u"currency"_s);
    row("object for an integer", u"POST"_s, pi, "amount[value]=1&currency=usd"_ba, QString(),
        u"Invalid integer: 'amount' must be an integer, not an object"_s, u"amount"_s);
    row("object for an array element", u"POST"_s, pi,
        "amount=1&currency=usd&payment_method_types[0][x]=card"_ba, QString(),
        u"Invalid string: 'payment_method_types[0]' must be a string, not an object"_s,
        u"payment_method_types[0]"_s);
    row("string for an object", u"POST"_s, u"/v1/payment_intents/{intent}"_s, "metadata=foo"_ba, QString(),
        u"Invalid hash"_s, u"metadata"_s);
    row("string for an object in anyOf", u"POST"_s, pi,
        "amount=1&currency=usd&payment_method_options[card]=x"_ba, QString(), u"Invalid hash"_s,
        u"payment_method_options[card]"_s);
    row("string for an array", u"POST"_s, pi, "amount=1&currency=usd&expand=latest_charge"_ba, QString(),
        u"Invalid array"_s, u"expand"_s);
    row("named keys for an array", u"POST"_s, pi, "amount=1&currency=usd&expand[foo]=latest_charge"_ba,
        QString(), u"Invalid array"_s, u"expand"_s);
    row("object for a metadata value", u"POST"_s, pi, "amount=1&currency=usd&metadata[a][b]=c"_ba, QString(),
        u"Invalid string: 'metadata[a]' must be a string, not an object"_s, u"metadata[a]"_s);

    // Malformed input (raw overload)
    row("bad percent escape", u"POST"_s, pi, "amount=1%zz&currency=usd"_ba, QString(),
        u"Invalid percent-encoding in parameter 'amount'"_s, u"amount"_s);
    row("value and object", u"POST"_s, pi, "amount=1&currency=usd&metadata=1&metadata[a]=2"_ba, QString(),
        u"Invalid hash: 'metadata' is given both as a value and with nested keys"_s, u"metadata"_s);
    row("mixed array styles", u"POST"_s, pi, "amount=1&currency=usd&expand[]=a&expand[1]=b"_ba, QString(),
        u"Invalid array: 'expand' mixes appended ([]) and indexed or named elements"_s, u"expand"_s);

    // Endpoints
    row("unknown endpoint", u"POST"_s, u"/v1/nope"_s, "a=1"_ba, QString(),
        u"Unrecognized request URL (POST: /v1/nope)."_s, QString(), 404);
    row("known path, other method", u"DELETE"_s, pi, ""_ba, QString(),
        u"Unrecognized request URL (DELETE: /v1/payment_intents)."_s, QString(), 404);
}

void tst_ParamSchema::rejects()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, param);

    const ValidationResult result = m_schema.validate(method, path, QByteArrayView(input));
    QVERIFY2(!result.ok(), qPrintable(describe(result)));
    QVERIFY(result.params.isEmpty());
    const ParamError &error = *result.error;
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.code, code);
    QCOMPARE(error.message, message);
    QCOMPARE(error.param, param);
}

void tst_ParamSchema::keepsIntegersExact()
{
    const ValidationResult result =
        m_schema.validate(u"POST", u"/v1/customers", QByteArrayView("balance=9007199254740993"));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.params.value(u"balance"_s).toInteger(), Q_INT64_C(9007199254740993));
    QCOMPARE(result.params.value(u"balance"_s).toVariant().typeId(), QMetaType::LongLong);

    const ValidationResult minimum =
        m_schema.validate(u"POST", u"/v1/customers", QByteArrayView("balance=-9223372036854775808"));
    QVERIFY2(minimum.ok(), qPrintable(describe(minimum)));
    QCOMPARE(minimum.params.value(u"balance"_s).toInteger(), std::numeric_limits<qint64>::min());
}

void tst_ParamSchema::treeAndRawOverloadsAgree()
{
    const QByteArray body = "amount=1000&currency=usd&metadata[order]=42&expand[]=latest_charge"_ba;
    const FormDecoder::Result decoded = FormDecoder::decode(body);
    QVERIFY(decoded.ok());
    const ValidationResult fromTree = m_schema.validate(u"POST", u"/v1/payment_intents", decoded.root);
    const ValidationResult fromRaw = m_schema.validate(u"POST", u"/v1/payment_intents", QByteArrayView(body));
    QVERIFY(fromTree.ok());
    QCOMPARE(fromTree.params, fromRaw.params);
    QCOMPARE(fromTree.params.value(u"expand"_s).toArray(), QJsonArray{u"latest_charge"_s});
}

void tst_ParamSchema::rejectsBadTable_data()
{
    QTest::addColumn<QByteArray>("table");
    QTest::addColumn<QString>("reason");

    QTest::newRow("not JSON") << "{"_ba << u"not JSON"_s;
    QTest::newRow("no endpoints") << R"({"endpoints":[]})"_ba << u"no endpoints"_s;
    QTest::newRow("unknown type")
        << R"({"endpoints":[{"method":"GET","path":"/v1/x","params":{"type":"object","properties":{"a":{"type":"date"}}}}]})"_ba
        << u"unknown type 'date'"_s;
    QTest::newRow("twice")
        << R"({"endpoints":[{"method":"GET","path":"/v1/x","params":{"type":"object"}},{"method":"get","path":"/v1/x","params":{"type":"object"}}]})"_ba
        << u"GET /v1/x is listed twice"_s;
    QTest::newRow("params not an object")
        << R"({"endpoints":[{"method":"GET","path":"/v1/x","params":{"type":"string"}}]})"_ba
        << u"params is not an object"_s;
}

void tst_ParamSchema::rejectsBadTable()
{
    QFETCH(QByteArray, table);
    QFETCH(QString, reason);

    ParamSchema schema;
    QString error;
    QVERIFY(!schema.load(table, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!schema.isLoaded());
}

void tst_ParamSchema::keepsTableAfterFailedLoad()
{
    ParamSchema schema = m_schema;
    QVERIFY(!schema.load("[]"_ba));
    QCOMPARE(schema.endpoints(), m_schema.endpoints());
    QVERIFY(schema.validate(u"GET", u"/v1/balance", QByteArrayView()).ok());

    QVERIFY(schema.load(R"({"endpoints":[{"method":"GET","path":"/v1/x","params":{"type":"object",
        "properties":{"n":{"type":"integer"}},"additionalProperties":false}}]})"_ba));
    QVERIFY(!schema.hasEndpoint(u"GET", u"/v1/balance"));
    const ValidationResult result = schema.validate(u"GET", u"/v1/x", QByteArrayView("n=7"));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.params, json(R"({"n":7})"_ba));
}

void tst_ParamSchema::serialisesError()
{
    const ValidationResult result =
        m_schema.validate(u"POST", u"/v1/payment_intents", QByteArrayView("amount=1&currency=usd&foo=1"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error->toJson(),
             json(R"({"error":{"type":"invalid_request_error","code":"parameter_unknown",
        "message":"Received unknown parameter: foo","param":"foo"}})"_ba));

    const ValidationResult notFound = m_schema.validate(u"GET", u"/v1/nope", QByteArrayView());
    QCOMPARE(notFound.error->toJson(), json(R"({"error":{"type":"invalid_request_error",
        "message":"Unrecognized request URL (GET: /v1/nope)."}})"_ba));
}

QTEST_GUILESS_MAIN(tst_ParamSchema)
#include "tst_paramschema.moc"
