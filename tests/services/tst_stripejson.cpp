// StripeJson on Stripe's own example objects (tests/fixtures/stripe/fixtures3.json) and on variations of
// them: the pre-2022-11-15 PaymentIntent shape, expanded ids, unknown and missing fields, wrong types (an
// error naming the field path), unknown currencies and nulls where objects are expected.
#include "services/stripe/stripejson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

#include <limits>

using namespace Qt::StringLiterals;
using namespace kassa;
using kassa::stripe::StripeJson;

namespace {

// Sets the value at a dotted path ("payment_method_details.card.exp_month"), making objects on the way.
// An undefined value removes the key.
void setAt(QJsonObject &object, const QString &path, const QJsonValue &value)
{
    const qsizetype dot = path.indexOf(u'.');
    if (dot < 0) {
        if (value.isUndefined())
            object.remove(path);
        else
            object.insert(path, value);
        return;
    }
    const QString head = path.left(dot);
    QJsonObject child = object.value(head).toObject();
    setAt(child, path.mid(dot + 1), value);
    object.insert(head, child);
}

// Parses `json` as the record named `type`; the record's id lands in *id.
bool parseAs(const QString &type, const QJsonObject &json, QString *error, QString *id = nullptr)
{
    QString parsedId;
    bool ok = false;
    if (type == u"payment_intent"_s) {
        Payment out;
        ok = StripeJson::parse(json, &out, error);
        parsedId = out.id;
    } else if (type == u"charge"_s) {
        Charge out;
        ok = StripeJson::parse(json, &out, error);
        parsedId = out.id;
    } else if (type == u"refund"_s) {
        Refund out;
        ok = StripeJson::parse(json, &out, error);
        parsedId = out.id;
    } else if (type == u"payment_method"_s) {
        PaymentMethod out;
        ok = StripeJson::parse(json, &out, error);
        parsedId = out.id;
    } else if (type == u"customer"_s) {
        Customer out;
        ok = StripeJson::parse(json, &out, error);
        parsedId = out.id;
    } else {
        qFatal("parseAs: unknown type %s", qPrintable(type));
    }
    if (id)
        *id = parsedId;
    return ok;
}

QDateTime utc(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc());
}

Currency currency(QStringView code)
{
    return Currency::fromCode(code).value();
}

} // namespace

class TestStripeJson : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void clientSecretsAreLeftOut();

    void fixtureParses_data();
    void fixtureParses();
    void fixturePaymentIntent();
    void fixtureCharge();
    void fixtureRefund();
    void fixturePaymentMethod();
    void fixtureCustomer();
    void fixtureDeletedCustomer();

    void olderChargesShape_data();
    void olderChargesShape();
    void expandedIds_data();
    void expandedIds();
    void unknownFieldsIgnored_data();
    void unknownFieldsIgnored();
    void missingOptionalFields();
    void wrongTypes_data();
    void wrongTypes();
    void unknownCurrency_data();
    void unknownCurrency();
    void nullsWhereObjectsExpected_data();
    void nullsWhereObjectsExpected();

    void compactAsQtWritesIt_data();
    void compactAsQtWritesIt();
    void compactEveryFixture();

private:
    QJsonObject fixture(const QString &name) const { return m_resources.value(name).toObject(); }

    QJsonObject m_resources;
};

void TestStripeJson::initTestCase()
{
    QFile file(QStringLiteral(KASSA_FIXTURES_DIR) + u"/stripe/fixtures3.json"_s);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName() + u": "_s + file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(document.isObject(), qPrintable(error.errorString()));
    m_resources = document.object().value(u"resources"_s).toObject();
    for (const QString &name : {u"payment_intent"_s, u"charge"_s, u"refund"_s, u"payment_method"_s,
                                u"customer"_s, u"deleted_customer"_s})
        QVERIFY2(m_resources.value(name).isObject(), qPrintable(u"fixtures3.json has no "_s + name));
}

// --- Stripe's example objects --------------------------------------------------------------------------

void TestStripeJson::fixtureParses_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("id");

    QTest::newRow("payment_intent") << u"payment_intent"_s << u"payment_intent"_s
                                    << u"pi_1PgafyB7WZ01zgkWSjxsAJo3"_s;
    QTest::newRow("charge") << u"charge"_s << u"charge"_s << u"ch_1PgafuB7WZ01zgkWXYmPNZs8"_s;
    QTest::newRow("refund") << u"refund"_s << u"refund"_s << u"re_1Pgc72B7WZ01zgkWqPvrRrPE"_s;
    QTest::newRow("payment_method") << u"payment_method"_s << u"payment_method"_s
                                    << u"pm_1Pgc75B7WZ01zgkWlHVgdEGJ"_s;
    QTest::newRow("customer") << u"customer"_s << u"customer"_s << u"cus_QXg1o8vcGmoR32"_s;
    QTest::newRow("deleted_customer") << u"deleted_customer"_s << u"customer"_s << u"cus_QXg1o8vcGmoR32"_s;
}

void TestStripeJson::fixtureParses()
{
    QFETCH(QString, fixture);
    QFETCH(QString, type);
    QFETCH(QString, id);

    QString error;
    QString parsedId;
    QVERIFY2(parseAs(type, this->fixture(fixture), &error, &parsedId), qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(parsedId, id);
}

void TestStripeJson::fixturePaymentIntent()
{
    Payment p;
    QString error;
    QVERIFY2(StripeJson::parse(fixture(u"payment_intent"_s), &p, &error), qPrintable(error));
    QCOMPARE(p.id, u"pi_1PgafyB7WZ01zgkWSjxsAJo3"_s);
    QCOMPARE(p.amount, Money(1099, currency(u"usd")));
    QCOMPARE(p.amountReceived, Money(0, currency(u"usd")));
    QCOMPARE(p.amountCapturable, Money(0, currency(u"usd")));
    QCOMPARE(p.status, PaymentIntentStatus::RequiresPaymentMethod);
    QCOMPARE(p.captureMethod, CaptureMethod::Automatic);
    QVERIFY(p.customerId.isEmpty());      // null
    QVERIFY(p.paymentMethodId.isEmpty()); // null
    QVERIFY(p.latestChargeId.isEmpty());  // null
    QVERIFY(p.description.isEmpty());     // null
    QVERIFY(p.metadata.isEmpty());
    QCOMPARE(p.created, utc(1234567890));
    QCOMPARE(p.canceledAt, utc(1234567890));
    QVERIFY(p.cancellationReason.isEmpty());
    QCOMPARE(p.lastPaymentError.type, u"idempotency_error"_s);
    QVERIFY(p.lastPaymentError.code.isEmpty());
    QVERIFY(!p.livemode);
}

void TestStripeJson::fixtureCharge()
{
    Charge c;
    QString error;
    QVERIFY2(StripeJson::parse(fixture(u"charge"_s), &c, &error), qPrintable(error));
    QCOMPARE(c.id, u"ch_1PgafuB7WZ01zgkWXYmPNZs8"_s);
    QCOMPARE(c.amount, Money(100, currency(u"usd")));
    QCOMPARE(c.amountCaptured, Money(0, currency(u"usd")));
    QCOMPARE(c.amountRefunded, Money(0, currency(u"usd")));
    QVERIFY(c.paymentIntentId.isEmpty());
    QVERIFY(c.customerId.isEmpty());
    QCOMPARE(c.paymentMethodId, u"card_1PgaftB7WZ01zgkWm3waTcFp"_s);
    QVERIFY(c.paid);
    QVERIFY(!c.captured);
    QVERIFY(!c.refunded);
    QVERIFY(!c.disputed);
    QCOMPARE(c.status, ChargeStatus::Succeeded);
    QVERIFY(c.failureCode.isEmpty());
    QVERIFY(c.failureMessage.isEmpty());
    QCOMPARE(c.outcome.type, u"type"_s);
    QVERIFY(c.outcome.networkStatus.isEmpty());
    QVERIFY(c.receiptUrl.isValid());
    QCOMPARE(c.receiptUrl.host(), u"sangeekp-15t6ai--manage-mydev.dev.stripe.me"_s);
    QCOMPARE(c.paymentMethodDetails.type, PaymentMethodType::Card);
    QCOMPARE(c.paymentMethodDetails.brand, CardBrand::Visa);
    QCOMPARE(c.paymentMethodDetails.last4, u"4242"_s);
    QCOMPARE(c.paymentMethodDetails.expMonth, 8);
    QCOMPARE(c.paymentMethodDetails.expYear, 2030);
    QCOMPARE(c.paymentMethodDetails.walletType, u"link"_s);
    QCOMPARE(c.created, utc(1234567890));
    QVERIFY(!c.livemode);
}

void TestStripeJson::fixtureRefund()
{
    Refund f;
    QString error;
    QVERIFY2(StripeJson::parse(fixture(u"refund"_s), &f, &error), qPrintable(error));
    QCOMPARE(f.id, u"re_1Pgc72B7WZ01zgkWqPvrRrPE"_s);
    QCOMPARE(f.amount, Money(100, currency(u"usd")));
    QCOMPARE(f.chargeId, u"ch_1PgafuB7WZ01zgkWXYmPNZs8"_s);
    QVERIFY(f.paymentIntentId.isEmpty());
    QCOMPARE(f.status, RefundStatus::Succeeded);
    QCOMPARE(f.reason, RefundReason::None);
    QVERIFY(f.failureReason.isEmpty());
    QVERIFY(f.metadata.isEmpty());
    QCOMPARE(f.created, utc(1234567890));
}

void TestStripeJson::fixturePaymentMethod()
{
    PaymentMethod m;
    QString error;
    QVERIFY2(StripeJson::parse(fixture(u"payment_method"_s), &m, &error), qPrintable(error));
    QCOMPARE(m.id, u"pm_1Pgc75B7WZ01zgkWlHVgdEGJ"_s);
    QCOMPARE(m.type, PaymentMethodType::Card);
    QVERIFY(m.customerId.isEmpty());
    QCOMPARE(m.metadata, (QMap<QString, QString>{{u"order_id"_s, u"123456789"_s}}));
    QCOMPARE(m.created, utc(1234567890));
    QVERIFY(!m.livemode);
    QVERIFY(m.billingDetails.name.isEmpty());
    QCOMPARE(m.billingDetails.email, u"jenny@example.com"_s);
    QCOMPARE(m.billingDetails.phone, u"+15555555555"_s);
    QCOMPARE(m.card.brand, CardBrand::Visa);
    QCOMPARE(m.card.displayBrand, CardBrand::Visa);
    QCOMPARE(m.card.last4, u"4242"_s);
    QCOMPARE(m.card.expMonth, 8);
    QCOMPARE(m.card.expYear, 2030);
    QCOMPARE(m.card.funding, u"credit"_s);
    QCOMPARE(m.card.country, u"US"_s);
    QCOMPARE(m.card.walletType, u"link"_s);
    QCOMPARE(m.cardPresent, PaymentMethod::CardPresent{});
}

void TestStripeJson::fixtureCustomer()
{
    Customer c;
    QString error;
    QVERIFY2(StripeJson::parse(fixture(u"customer"_s), &c, &error), qPrintable(error));
    QCOMPARE(c.id, u"cus_QXg1o8vcGmoR32"_s);
    QVERIFY(!c.deleted);
    QVERIFY(c.name.isEmpty());
    QVERIFY(c.email.isEmpty());
    QVERIFY(c.phone.isEmpty());
    QVERIFY(c.description.isEmpty());
    QVERIFY(c.defaultPaymentMethodId.isEmpty());
    QVERIFY(c.metadata.isEmpty());
    QCOMPARE(c.created, utc(1234567890));
    QVERIFY(!c.livemode);
}

void TestStripeJson::fixtureDeletedCustomer()
{
    Customer c;
    c.name = u"stale"_s;
    QString error;
    QVERIFY2(StripeJson::parse(fixture(u"deleted_customer"_s), &c, &error), qPrintable(error));
    QCOMPARE(c.id, u"cus_QXg1o8vcGmoR32"_s);
    QVERIFY(c.deleted);
    QVERIFY(c.name.isEmpty());
    QVERIFY(!c.created.isValid());
}

// --- Shapes ---------------------------------------------------------------------------------------------

void TestStripeJson::olderChargesShape_data()
{
    QTest::addColumn<QJsonValue>("latestCharge"); // undefined: the field is absent
    QTest::addColumn<QJsonValue>("charges");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("expected"); // the latest charge id, or a part of the error

    const auto list = [](const QJsonArray &data) {
        return QJsonValue(QJsonObject{{u"object"_s, u"list"_s},
                                      {u"data"_s, data},
                                      {u"has_more"_s, false},
                                      {u"url"_s, u"/v1/charges?payment_intent=pi_old"_s}});
    };
    const QJsonObject first{{u"id"_s, u"ch_newest"_s}, {u"object"_s, u"charge"_s}, {u"amount"_s, 1099}};
    const QJsonObject second{{u"id"_s, u"ch_older"_s}, {u"object"_s, u"charge"_s}, {u"amount"_s, 1099}};
    const QJsonValue absent(QJsonValue::Undefined);

    QTest::newRow("one charge") << absent << list({first}) << true << u"ch_newest"_s;
    QTest::newRow("two charges: the first is the newest")
        << absent << list({first, second}) << true << u"ch_newest"_s;
    QTest::newRow("no charge yet") << absent << list({}) << true << QString();
    QTest::newRow("charges null") << absent << QJsonValue(QJsonValue::Null) << true << QString();
    QTest::newRow("latest_charge wins")
        << QJsonValue(u"ch_latest"_s) << list({second}) << true << u"ch_latest"_s;
    QTest::newRow("latest_charge null, old list")
        << QJsonValue(QJsonValue::Null) << list({first}) << true << u"ch_newest"_s;
    QTest::newRow("data is not a list")
        << absent << QJsonValue(QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, u"ch_1"_s}}) << false
        << u"payment_intent.charges.data"_s;
    QTest::newRow("charges is a string")
        << absent << QJsonValue(u"ch_1"_s) << false << u"payment_intent.charges"_s;
}

void TestStripeJson::olderChargesShape()
{
    QFETCH(QJsonValue, latestCharge);
    QFETCH(QJsonValue, charges);
    QFETCH(bool, ok);
    QFETCH(QString, expected);

    QJsonObject json = fixture(u"payment_intent"_s);
    json.remove(u"latest_charge"_s);
    if (!latestCharge.isUndefined())
        json.insert(u"latest_charge"_s, latestCharge);
    json.insert(u"charges"_s, charges);
    json.insert(u"status"_s, u"succeeded"_s);

    Payment p;
    QString error;
    QCOMPARE(StripeJson::parse(json, &p, &error), ok);
    if (ok) {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(p.latestChargeId, expected);
        QCOMPARE(p.status, PaymentIntentStatus::Succeeded);
    } else {
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(p.id.isEmpty()); // nothing written on failure
    }
}

void TestStripeJson::expandedIds_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("id");

    QTest::newRow("payment_intent.customer") << u"payment_intent"_s << u"customer"_s << u"cus_expanded"_s;
    QTest::newRow("payment_intent.payment_method")
        << u"payment_intent"_s << u"payment_method"_s << u"pm_expanded"_s;
    QTest::newRow("payment_intent.latest_charge")
        << u"payment_intent"_s << u"latest_charge"_s << u"ch_expanded"_s;
    QTest::newRow("charge.payment_intent") << u"charge"_s << u"payment_intent"_s << u"pi_expanded"_s;
    QTest::newRow("charge.customer") << u"charge"_s << u"customer"_s << u"cus_expanded"_s;
    QTest::newRow("charge.payment_method") << u"charge"_s << u"payment_method"_s << u"pm_expanded"_s;
    QTest::newRow("refund.charge") << u"refund"_s << u"charge"_s << u"ch_expanded"_s;
    QTest::newRow("refund.payment_intent") << u"refund"_s << u"payment_intent"_s << u"pi_expanded"_s;
    QTest::newRow("payment_method.customer") << u"payment_method"_s << u"customer"_s << u"cus_expanded"_s;
    QTest::newRow("customer.invoice_settings.default_payment_method")
        << u"customer"_s << u"invoice_settings.default_payment_method"_s << u"pm_expanded"_s;
}

void TestStripeJson::expandedIds()
{
    QFETCH(QString, fixture);
    QFETCH(QString, path);
    QFETCH(QString, id);

    // The expanded object is the referenced resource's example object with another id.
    const QString objectType = path.section(u'.', -1);
    const QString exampleName = objectType == u"latest_charge"_s            ? u"charge"_s
                                : objectType == u"default_payment_method"_s ? u"payment_method"_s
                                                                            : objectType;
    QJsonObject expanded = this->fixture(exampleName);
    QVERIFY2(!expanded.isEmpty(), qPrintable(exampleName));
    expanded.insert(u"id"_s, id);

    for (const bool asObject : {false, true}) {
        QJsonObject json = this->fixture(fixture);
        setAt(json, path, asObject ? QJsonValue(expanded) : QJsonValue(id));
        QString error;
        bool ok = false;
        QString got;
        if (fixture == u"payment_intent"_s) {
            Payment p;
            ok = StripeJson::parse(json, &p, &error);
            got = path == u"customer"_s         ? p.customerId
                  : path == u"payment_method"_s ? p.paymentMethodId
                                                : p.latestChargeId;
        } else if (fixture == u"charge"_s) {
            Charge c;
            ok = StripeJson::parse(json, &c, &error);
            got = path == u"payment_intent"_s ? c.paymentIntentId
                  : path == u"customer"_s     ? c.customerId
                                              : c.paymentMethodId;
        } else if (fixture == u"refund"_s) {
            Refund f;
            ok = StripeJson::parse(json, &f, &error);
            got = path == u"charge"_s ? f.chargeId : f.paymentIntentId;
        } else if (fixture == u"payment_method"_s) {
            PaymentMethod m;
            ok = StripeJson::parse(json, &m, &error);
            got = m.customerId;
        } else {
            Customer c;
            ok = StripeJson::parse(json, &c, &error);
            got = c.defaultPaymentMethodId;
        }
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(got, id);
    }
}

void TestStripeJson::unknownFieldsIgnored_data()
{
    QTest::addColumn<QString>("type");
    for (const QString &type :
         {u"payment_intent"_s, u"charge"_s, u"refund"_s, u"payment_method"_s, u"customer"_s})
        QTest::newRow(qPrintable(type)) << type;
}

void TestStripeJson::unknownFieldsIgnored()
{
    QFETCH(QString, type);

    const QJsonObject original = fixture(type);
    QJsonObject extended = original;
    extended.insert(u"future_field"_s, QJsonObject{{u"nested"_s, QJsonArray{1, u"two"_s, QJsonValue::Null}}});
    extended.insert(u"another_flag"_s, true);
    extended.insert(u"a_number"_s, 1.5);
    // Unknown fields inside known sub-objects too.
    setAt(extended, u"metadata_extra.x"_s, 1);
    if (type == u"charge"_s)
        setAt(extended, u"payment_method_details.card.brand_product"_s, u"F"_s);
    if (type == u"payment_method"_s)
        setAt(extended, u"card.future"_s, QJsonArray{});
    if (type == u"customer"_s)
        setAt(extended, u"invoice_settings.new_setting"_s, 7);

    QString error;
    if (type == u"payment_intent"_s) {
        Payment a;
        Payment b;
        QVERIFY(StripeJson::parse(original, &a, &error));
        QVERIFY2(StripeJson::parse(extended, &b, &error), qPrintable(error));
        QCOMPARE(b, a);
    } else if (type == u"charge"_s) {
        Charge a;
        Charge b;
        QVERIFY(StripeJson::parse(original, &a, &error));
        QVERIFY2(StripeJson::parse(extended, &b, &error), qPrintable(error));
        QCOMPARE(b, a);
    } else if (type == u"refund"_s) {
        Refund a;
        Refund b;
        QVERIFY(StripeJson::parse(original, &a, &error));
        QVERIFY2(StripeJson::parse(extended, &b, &error), qPrintable(error));
        QCOMPARE(b, a);
    } else if (type == u"payment_method"_s) {
        PaymentMethod a;
        PaymentMethod b;
        QVERIFY(StripeJson::parse(original, &a, &error));
        QVERIFY2(StripeJson::parse(extended, &b, &error), qPrintable(error));
        QCOMPARE(b, a);
    } else {
        Customer a;
        Customer b;
        QVERIFY(StripeJson::parse(original, &a, &error));
        QVERIFY2(StripeJson::parse(extended, &b, &error), qPrintable(error));
        QCOMPARE(b, a);
    }
}

void TestStripeJson::missingOptionalFields()
{
    QString error;

    Payment p;
    QVERIFY2(StripeJson::parse(QJsonObject{{u"id"_s, u"pi_min"_s},
                                           {u"amount"_s, 500},
                                           {u"currency"_s, u"jpy"_s},
                                           {u"status"_s, u"processing"_s}},
                               &p, &error),
             qPrintable(error));
    QCOMPARE(p.id, u"pi_min"_s);
    QCOMPARE(p.amount, Money(500, currency(u"jpy")));
    QCOMPARE(p.amountReceived, Money(0, currency(u"jpy")));
    QCOMPARE(p.status, PaymentIntentStatus::Processing);
    QCOMPARE(p.captureMethod, CaptureMethod::Unknown);
    QVERIFY(p.customerId.isEmpty());
    QVERIFY(p.latestChargeId.isEmpty());
    QVERIFY(p.metadata.isEmpty());
    QVERIFY(p.created.isNull());
    QVERIFY(p.canceledAt.isNull());
    QVERIFY(p.lastPaymentError.isEmpty());
    QVERIFY(!p.livemode);

    Charge c;
    QVERIFY2(
        StripeJson::parse(QJsonObject{{u"id"_s, u"ch_min"_s}, {u"amount"_s, 100}, {u"currency"_s, u"eur"_s}},
                          &c, &error),
        qPrintable(error));
    QCOMPARE(c.amount, Money(100, currency(u"eur")));
    QCOMPARE(c.status, ChargeStatus::Unknown);
    QCOMPARE(c.paymentMethodDetails, Charge::PaymentMethodDetails{});
    QCOMPARE(c.outcome, Charge::Outcome{});
    QVERIFY(c.receiptUrl.isEmpty());
    QVERIFY(c.created.isNull());

    Refund f;
    QVERIFY2(
        StripeJson::parse(QJsonObject{{u"id"_s, u"re_min"_s}, {u"amount"_s, 100}, {u"currency"_s, u"usd"_s}},
                          &f, &error),
        qPrintable(error));
    QVERIFY(f.chargeId.isEmpty());
    QCOMPARE(f.status, RefundStatus::Unknown);
    QCOMPARE(f.reason, RefundReason::None);

    PaymentMethod m;
    QVERIFY2(StripeJson::parse(QJsonObject{{u"id"_s, u"pm_min"_s}, {u"type"_s, u"card"_s}}, &m, &error),
             qPrintable(error));
    QCOMPARE(m.type, PaymentMethodType::Card);
    QCOMPARE(m.card, PaymentMethod::Card{});
    QCOMPARE(m.billingDetails, PaymentMethod::BillingDetails{});

    Customer cu;
    QVERIFY2(StripeJson::parse(QJsonObject{{u"id"_s, u"cus_min"_s}}, &cu, &error), qPrintable(error));
    QCOMPARE(cu.id, u"cus_min"_s);
    QVERIFY(cu.email.isEmpty());
    QVERIFY(cu.defaultPaymentMethodId.isEmpty());
    QVERIFY(error.isEmpty());
}

void TestStripeJson::wrongTypes_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("value"); // undefined: the field is removed
    QTest::addColumn<QString>("errorPath");

    const QJsonValue removed(QJsonValue::Undefined);
    QTest::newRow("amount as string")
        << u"payment_intent"_s << u"amount"_s << QJsonValue(u"1099"_s) << u"payment_intent.amount"_s;
    QTest::newRow("amount with fraction")
        << u"payment_intent"_s << u"amount"_s << QJsonValue(10.5) << u"payment_intent.amount"_s;
    QTest::newRow("amount missing") << u"payment_intent"_s << u"amount"_s << removed
                                    << u"payment_intent.amount"_s;
    QTest::newRow("amount_received as bool") << u"payment_intent"_s << u"amount_received"_s
                                             << QJsonValue(true) << u"payment_intent.amount_received"_s;
    QTest::newRow("metadata value as number")
        << u"payment_intent"_s << u"metadata.order"_s << QJsonValue(42) << u"payment_intent.metadata.order"_s;
    QTest::newRow("metadata as list")
        << u"payment_intent"_s << u"metadata"_s << QJsonValue(QJsonArray{}) << u"payment_intent.metadata"_s;
    QTest::newRow("created as string")
        << u"payment_intent"_s << u"created"_s << QJsonValue(u"1234567890"_s) << u"payment_intent.created"_s;
    QTest::newRow("id missing") << u"payment_intent"_s << u"id"_s << removed << u"payment_intent.id"_s;
    QTest::newRow("id as number") << u"payment_intent"_s << u"id"_s << QJsonValue(7)
                                  << u"payment_intent.id"_s;
    QTest::newRow("id empty") << u"payment_intent"_s << u"id"_s << QJsonValue(u""_s)
                              << u"payment_intent.id"_s;
    QTest::newRow("id null") << u"customer"_s << u"id"_s << QJsonValue(QJsonValue::Null) << u"customer.id"_s;
    QTest::newRow("status missing") << u"payment_intent"_s << u"status"_s << removed
                                    << u"payment_intent.status"_s;
    QTest::newRow("customer as number")
        << u"payment_intent"_s << u"customer"_s << QJsonValue(12) << u"payment_intent.customer"_s;
    QTest::newRow("last_payment_error as string")
        << u"payment_intent"_s << u"last_payment_error"_s << QJsonValue(u"oops"_s)
        << u"payment_intent.last_payment_error"_s;
    QTest::newRow("last_payment_error.code as number")
        << u"payment_intent"_s << u"last_payment_error.code"_s << QJsonValue(402)
        << u"payment_intent.last_payment_error.code"_s;
    QTest::newRow("livemode as string")
        << u"payment_intent"_s << u"livemode"_s << QJsonValue(u"false"_s) << u"payment_intent.livemode"_s;
    QTest::newRow("another object") << u"payment_intent"_s << u"object"_s << QJsonValue(u"charge"_s)
                                    << u"payment_intent.object"_s;
    QTest::newRow("charge amount_refunded as string")
        << u"charge"_s << u"amount_refunded"_s << QJsonValue(u"0"_s) << u"charge.amount_refunded"_s;
    QTest::newRow("charge card exp_month as string")
        << u"charge"_s << u"payment_method_details.card.exp_month"_s << QJsonValue(u"08"_s)
        << u"charge.payment_method_details.card.exp_month"_s;
    QTest::newRow("charge outcome as list")
        << u"charge"_s << u"outcome"_s << QJsonValue(QJsonArray{}) << u"charge.outcome"_s;
    QTest::newRow("charge paid as number") << u"charge"_s << u"paid"_s << QJsonValue(1) << u"charge.paid"_s;
    QTest::newRow("refund amount as string")
        << u"refund"_s << u"amount"_s << QJsonValue(u"100"_s) << u"refund.amount"_s;
    QTest::newRow("refund metadata value as bool")
        << u"refund"_s << u"metadata.approved_by"_s << QJsonValue(true) << u"refund.metadata.approved_by"_s;
    QTest::newRow("payment_method card.last4 as number")
        << u"payment_method"_s << u"card.last4"_s << QJsonValue(4242) << u"payment_method.card.last4"_s;
    QTest::newRow("payment_method type missing")
        << u"payment_method"_s << u"type"_s << removed << u"payment_method.type"_s;
    QTest::newRow("payment_method billing email as object")
        << u"payment_method"_s << u"billing_details.email"_s << QJsonValue(QJsonObject{})
        << u"payment_method.billing_details.email"_s;
    QTest::newRow("customer email as number")
        << u"customer"_s << u"email"_s << QJsonValue(5) << u"customer.email"_s;
    QTest::newRow("customer deleted as string")
        << u"customer"_s << u"deleted"_s << QJsonValue(u"yes"_s) << u"customer.deleted"_s;
    QTest::newRow("customer created as string")
        << u"customer"_s << u"created"_s << QJsonValue(u"yesterday"_s) << u"customer.created"_s;
}

void TestStripeJson::wrongTypes()
{
    QFETCH(QString, type);
    QFETCH(QString, path);
    QFETCH(QJsonValue, value);
    QFETCH(QString, errorPath);

    QJsonObject json = fixture(type);
    setAt(json, path, value);
    QString error;
    QString id = u"untouched"_s;
    QVERIFY(!parseAs(type, json, &error, &id));
    QVERIFY2(error.startsWith(errorPath + u':'), qPrintable(error));
    // The message says what was wanted, and what came when it was the wrong kind of value.
    QVERIFY2(error.contains(u"expected"_s), qPrintable(error));
    if (value.isString() && value.toString().isEmpty())
        QVERIFY2(error.contains(u"non-empty"_s), qPrintable(error));
    else if (value.isString())
        QVERIFY2(error.contains(u"got a string"_s) || error.contains(u"got \""_s), qPrintable(error));
    QVERIFY(id.isEmpty()); // parseAs hands back the record's id; the record was not written
}

void TestStripeJson::unknownCurrency_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonValue>("currency");
    QTest::addColumn<bool>("ok");

    for (const QString &type : {u"payment_intent"_s, u"charge"_s, u"refund"_s}) {
        QTest::addRow("%s xyz", qPrintable(type)) << type << QJsonValue(u"xyz"_s) << false;
        QTest::addRow("%s empty", qPrintable(type)) << type << QJsonValue(u""_s) << false;
        QTest::addRow("%s missing", qPrintable(type)) << type << QJsonValue(QJsonValue::Undefined) << false;
        QTest::addRow("%s number", qPrintable(type)) << type << QJsonValue(840) << false;
        QTest::addRow("%s padded", qPrintable(type)) << type << QJsonValue(u" usd"_s) << false;
        QTest::addRow("%s jpy", qPrintable(type)) << type << QJsonValue(u"jpy"_s) << true;
        QTest::addRow("%s kwd", qPrintable(type)) << type << QJsonValue(u"kwd"_s) << true;
    }
}

void TestStripeJson::unknownCurrency()
{
    QFETCH(QString, type);
    QFETCH(QJsonValue, currency);
    QFETCH(bool, ok);

    QJsonObject json = fixture(type);
    setAt(json, u"currency"_s, currency);
    QString error;
    QCOMPARE(parseAs(type, json, &error), ok);
    if (ok)
        QVERIFY2(error.isEmpty(), qPrintable(error));
    else
        QVERIFY2(error.startsWith(type + u".currency:"_s), qPrintable(error));
}

void TestStripeJson::nullsWhereObjectsExpected_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("path");

    QTest::newRow("payment_intent.last_payment_error") << u"payment_intent"_s << u"last_payment_error"_s;
    QTest::newRow("payment_intent.metadata") << u"payment_intent"_s << u"metadata"_s;
    QTest::newRow("payment_intent.customer") << u"payment_intent"_s << u"customer"_s;
    QTest::newRow("payment_intent.charges") << u"payment_intent"_s << u"charges"_s;
    QTest::newRow("charge.payment_method_details") << u"charge"_s << u"payment_method_details"_s;
    QTest::newRow("charge.payment_method_details.card") << u"charge"_s << u"payment_method_details.card"_s;
    QTest::newRow("charge.payment_method_details.card.wallet")
        << u"charge"_s << u"payment_method_details.card.wallet"_s;
    QTest::newRow("charge.outcome") << u"charge"_s << u"outcome"_s;
    QTest::newRow("charge.refunds") << u"charge"_s << u"refunds"_s;
    QTest::newRow("refund.metadata") << u"refund"_s << u"metadata"_s;
    QTest::newRow("refund.destination_details") << u"refund"_s << u"destination_details"_s;
    QTest::newRow("payment_method.card") << u"payment_method"_s << u"card"_s;
    QTest::newRow("payment_method.billing_details") << u"payment_method"_s << u"billing_details"_s;
    QTest::newRow("payment_method.metadata") << u"payment_method"_s << u"metadata"_s;
    QTest::newRow("customer.invoice_settings") << u"customer"_s << u"invoice_settings"_s;
    QTest::newRow("customer.metadata") << u"customer"_s << u"metadata"_s;
    QTest::newRow("customer.address") << u"customer"_s << u"address"_s;
}

void TestStripeJson::nullsWhereObjectsExpected()
{
    QFETCH(QString, type);
    QFETCH(QString, path);

    QJsonObject json = fixture(type);
    setAt(json, path, QJsonValue(QJsonValue::Null));
    QString error;
    QString id;
    QVERIFY2(parseAs(type, json, &error, &id), qPrintable(error));
    QCOMPARE(id, json.value(u"id"_s).toString());

    // The fields read from the nulled object come out empty.
    if (type == u"charge"_s && path.startsWith(u"payment_method_details"_s)) {
        Charge c;
        QVERIFY(StripeJson::parse(json, &c, &error));
        QVERIFY(c.paymentMethodDetails.walletType.isEmpty());
        if (path != u"payment_method_details.card.wallet"_s)
            QVERIFY(c.paymentMethodDetails.last4.isEmpty());
    } else if (type == u"payment_method"_s && path == u"card"_s) {
        PaymentMethod m;
        QVERIFY(StripeJson::parse(json, &m, &error));
        QCOMPARE(m.card, PaymentMethod::Card{});
        QCOMPARE(m.type, PaymentMethodType::Card);
    } else if (type == u"payment_method"_s && path == u"billing_details"_s) {
        PaymentMethod m;
        QVERIFY(StripeJson::parse(json, &m, &error));
        QCOMPARE(m.billingDetails, PaymentMethod::BillingDetails{});
    } else if (type == u"payment_method"_s && path == u"metadata"_s) {
        PaymentMethod m;
        QVERIFY(StripeJson::parse(json, &m, &error));
        QVERIFY(m.metadata.isEmpty());
    } else if (type == u"payment_intent"_s && path == u"last_payment_error"_s) {
        Payment p;
        QVERIFY(StripeJson::parse(json, &p, &error));
        QVERIFY(p.lastPaymentError.isEmpty());
    } else if (type == u"charge"_s && path == u"outcome"_s) {
        Charge c;
        QVERIFY(StripeJson::parse(json, &c, &error));
        QCOMPARE(c.outcome, Charge::Outcome{});
    }
}

// Stripe says a client_secret must never be stored or logged: the store and kassa-cli drop it from
// objects, and blank it in JSON kept byte for byte, at any depth and however the JSON is spaced.
void TestStripeJson::clientSecretsAreLeftOut()
{
    const QJsonObject pi{
        {u"id"_s, u"pi_1"_s}, {u"client_secret"_s, u"pi_1_secret_abc"_s}, {u"amount"_s, 100}};
    const QJsonObject without = kassa::stripe::StripeJson::withoutClientSecret(pi);
    QVERIFY(!without.contains(u"client_secret"_s));
    QCOMPARE(without.value(u"amount"_s).toInteger(), 100);

    const QByteArray event =
        R"({"id":"evt_1","data":{"object":{"id":"pi_1","client_secret":"pi_1_secret_abc",)"
        R"("latest_charge":{"id":"ch_1"},"setup":{"client_secret" :  "seti_2_secret_xyz"}}}})";
    const QByteArray blanked = kassa::stripe::StripeJson::blankClientSecrets(event);
    QVERIFY2(!blanked.contains("_secret_"), blanked.constData());
    const QJsonObject parsed = QJsonDocument::fromJson(blanked).object();
    QCOMPARE(
        parsed.value(u"data"_s).toObject().value(u"object"_s).toObject().value(u"client_secret"_s).toString(),
        QString());
    QCOMPARE(parsed.value(u"data"_s)
                 .toObject()
                 .value(u"object"_s)
                 .toObject()
                 .value(u"latest_charge"_s)
                 .toObject()
                 .value(u"id"_s)
                 .toString(),
             u"ch_1"_s);
    // Nothing else changes; null and missing secrets are left as they are.
    const QByteArray plain = R"({"id":"pi_2","client_secret":null,"description":"client_secret"})";
    QCOMPARE(kassa::stripe::StripeJson::blankClientSecrets(plain), plain);
    // Into a reused buffer (the webhook inbox's): the same bytes, whatever the buffer held before.
    QByteArray reused(4096, 'x');
    kassa::stripe::StripeJson::blankClientSecrets(event, &reused);
    QCOMPARE(reused, blanked);
    kassa::stripe::StripeJson::blankClientSecrets(plain, &reused);
    QCOMPARE(reused, plain);
    QVERIFY(reused.capacity() >= 4096);
    const QByteArray cut = R"({"client_secret":"pi_3_secret_)";
    kassa::stripe::StripeJson::blankClientSecrets(cut, &reused);
    QCOMPARE(reused, cut);
}

// --- compact(): the store's raw JSON ---------------------------------------------------------------------

void TestStripeJson::compactAsQtWritesIt_data()
{
    QTest::addColumn<QJsonObject>("object");
    QTest::newRow("empty") << QJsonObject{};
    QTest::newRow("escapes") << QJsonObject{{u"q"_s, u"say \"hi\" \\ back/slash"_s},
                                            {u"ctl"_s, u"tab\tnl\ncr\rff\fbs\b\u0001\u001f end"_s},
                                            {u"del"_s, QString(QChar(0x7f))}};
    QTest::newRow("non-ASCII after escapes")
        << QJsonObject{{u"s"_s, u"a\"b\u00e9\nc\u00e9"_s}, {u"t"_s, u"\u00e9"_s}};
    QTest::newRow("unicode") << QJsonObject{{u"name"_s, u"Zoë Ångström 日本 \U0001F600"_s},
                                            {u"k\u00e9y"_s, u"v"_s}};
    QTest::newRow("numbers") << QJsonObject{{u"amount"_s, 1250},
                                            {u"negative"_s, -42},
                                            {u"zero"_s, 0},
                                            {u"created"_s, qint64(1'780'000'000)},
                                            {u"big"_s, qint64(9'007'199'254'740'993)},
                                            {u"max"_s, std::numeric_limits<qint64>::max()},
                                            {u"min"_s, std::numeric_limits<qint64>::min()},
                                            {u"fraction"_s, 0.1},
                                            {u"small"_s, 1.5e-7},
                                            {u"huge"_s, 1e300},
                                            {u"integral_double"_s, 3.0}};
    QTest::newRow("nested") << QJsonObject{
        {u"a"_s, QJsonArray{1, u"two"_s, QJsonArray{}, QJsonObject{}, QJsonValue::Null, true, false}},
        {u"o"_s, QJsonObject{{u"inner"_s, QJsonObject{{u"deep"_s, QJsonArray{QJsonObject{{u"x"_s, 1}}}}}}}},
        {u"n"_s, QJsonValue::Null}};
    QTest::newRow("payment_intent") << fixture(u"payment_intent"_s);
}

void TestStripeJson::compactAsQtWritesIt()
{
    QFETCH(QJsonObject, object);
    const QString written = StripeJson::compact(object);
    const QString qt = QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    QCOMPARE(written, qt);
    QCOMPARE(QJsonDocument::fromJson(written.toUtf8()).object(), object);
    QCOMPARE(StripeJson::compactUtf8(object), written.toUtf8());
}

void TestStripeJson::compactEveryFixture()
{
    for (auto it = m_resources.constBegin(); it != m_resources.constEnd(); ++it) {
        const QJsonObject object = it.value().toObject();
        QCOMPARE(StripeJson::compact(object),
                 QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
        QCOMPARE(StripeJson::compactUtf8(object), QJsonDocument(object).toJson(QJsonDocument::Compact));
    }
}

QTEST_GUILESS_MAIN(TestStripeJson)
#include "tst_stripejson.moc"
