// The simulator's payment resources as Stripe's API has them, over real HTTP: PaymentIntents and their
// test cards, 3-D Secure, manual capture, cancel, lists and search, charges, refunds (also the ones that
// settle or fail later), customers, payment methods, events and the balance, and the shape of each object.
#include "simtestclient.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QTest>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;
using kassa::sim::test::SimResponse;
using kassa::sim::test::SimTestClient;

namespace {

QJsonArray dataOf(const SimResponse &response)
{
    return response.json.value(u"data"_s).toArray();
}

QStringList idsOf(const QJsonArray &data)
{
    QStringList ids;
    for (const QJsonValue &item : data)
        ids.append(item.toObject().value(u"id"_s).toString());
    return ids;
}

// The value at a dotted path ("payment_method_details.card.last4"); undefined when a step is missing.
QJsonValue valueAt(const QJsonObject &object, const QString &path)
{
    QJsonValue current = object;
    const QStringList parts = path.split(u'.');
    for (const QString &part : parts) {
        const QJsonObject parent = current.toObject();
        if (!current.isObject() || !parent.contains(part))
            return QJsonValue(QJsonValue::Undefined);
        current = parent.value(part);
    }
    return current;
}

QString stringAt(const QJsonObject &object, const QString &path)
{
    return valueAt(object, path).toString();
}

QByteArray percent(const QString &text)
{
    return QUrl::toPercentEncoding(text);
}

// Stripe's event type filter: an exact type, or "prefix.*".
bool typeMatches(const QString &pattern, const QString &type)
{
    if (pattern.endsWith(u".*"_s))
        return type.startsWith(pattern.chopped(1));
    return pattern == type;
}

// The object type an event of this type carries in data.object.
QString objectTypeOfEvent(const QString &type)
{
    if (type.startsWith(u"charge.refund."_s))
        return u"refund"_s;
    return type.left(type.lastIndexOf(u'.'));
}

qint64 balanceSum(const QJsonObject &balance, const QString &part, const QString &currency)
{
    qint64 sum = 0;
    const QJsonArray funds = balance.value(part).toArray();
    for (const QJsonValue &fund : funds) {
        if (fund.toObject().value(u"currency"_s).toString() == currency)
            sum += fund.toObject().value(u"amount"_s).toInteger();
    }
    return sum;
}

} // namespace

class TestSimulatorPayments : public QObject
{
    Q_OBJECT

private slots:
    void init() { m_client = std::make_unique<SimTestClient>(); }
    void cleanup() { m_client.reset(); }

    // PaymentIntents
    void createWithoutConfirm_data();
    void createWithoutConfirm();
    void confirmLater();
    void testCardSucceeds_data();
    void testCardSucceeds();
    void everyTokenUseMakesNewPaymentMethod();
    void declines_data();
    void declines();
    void authenticationRequired_data();
    void authenticationRequired();
    void errorOnRequiresAction();
    void confirmSucceededIsRejected();
    void manualCapture_data();
    void manualCapture();
    void captureAboveCapturable();
    void cancel_data();
    void cancel();
    void updateAmount_data();
    void updateAmount();
    void metadataUpdateMerges();
    void attachedPaymentMethodNeedsItsCustomer_data();
    void attachedPaymentMethodNeedsItsCustomer();
    void expandLatestCharge();
    void unknownExpansion_data();
    void unknownExpansion();

    // Lists and search
    void pagination();
    void endingBefore();
    void createdFilters_data();
    void createdFilters();
    void unknownCursor_data();
    void unknownCursor();
    void search();
    void searchPaging();
    void searchBadQuery_data();
    void searchBadQuery();

    // Charges
    void chargesRetrieveAndListByPaymentIntent();
    void receiptUrlServesHtml();

    // Refunds
    void refundDefaultsToWhatIsLeft_data();
    void refundDefaultsToWhatIsLeft();
    void partialRefundThenRest();
    void overRefund();
    void refundKeepsReasonAndMetadata();
    void refundOfUncapturedIntent();
    void pendingRefundSettles();
    void failingRefund();
    void refundsListByPaymentIntent();

    // Customers
    void customerLifecycle();
    void customersListByEmail();
    void customersSearch();
    void defaultPaymentMethodMustBeAttached_data();
    void defaultPaymentMethodMustBeAttached();
    void customerCreatedWithPaymentMethod();

    // PaymentMethods
    void attachAndDetach();
    void listPaymentMethods();
    void detachingDefaultClearsIt();

    // Events
    void stateChangesEmitEvents_data();
    void stateChangesEmitEvents();
    void eventTypeFilters();
    void eventCreatedFilter();
    void eventDataMatchesObject();
    void eventRequestCarriesIdempotencyKey();
    void retrieveEvent();

    // Balance
    void balanceIsCapturedMinusRefunded();

    // Shapes
    void shapes_data();
    void shapes();

private:
    // POST /v1/payment_intents confirming with a test token (or pm_ id) at once.
    SimResponse pay(const QByteArray &paymentMethod, qint64 amount = 5000, const QByteArray &extra = {},
                    const QByteArray &idempotencyKey = {});
    SimResponse retrieve(const QString &path) { return m_client->get(path); }
    QString createCustomer(const QByteArray &form);
    // The ids of the card payment methods attached to a customer, newest first.
    QStringList paymentMethodsOf(const QString &customer);
    QJsonArray allEvents();
    void advance(qint64 seconds);
    void runScenario(const QString &scenario);

    std::unique_ptr<SimTestClient> m_client;
};

SimResponse TestSimulatorPayments::pay(const QByteArray &paymentMethod, qint64 amount,
                                       const QByteArray &extra, const QByteArray &idempotencyKey)
{
    return m_client->post(
        u"/v1/payment_intents"_s,
        "amount=" + QByteArray::number(amount) +
            "&currency=usd&payment_method_types[]=card&confirm=true&payment_method=" + paymentMethod + extra,
        idempotencyKey);
}

QString TestSimulatorPayments::createCustomer(const QByteArray &form)
{
    const SimResponse response = m_client->post(u"/v1/customers"_s, form);
    if (response.status != 200)
        qWarning("creating a customer failed: %s", response.body.constData());
    return response.id();
}

QStringList TestSimulatorPayments::paymentMethodsOf(const QString &customer)
{
    return idsOf(dataOf(m_client->get(u"/v1/customers/%1/payment_methods?limit=100"_s.arg(customer))));
}

QJsonArray TestSimulatorPayments::allEvents()
{
    return dataOf(m_client->get(u"/v1/events?limit=100"_s));
}

void TestSimulatorPayments::advance(qint64 seconds)
{
    const SimResponse response = m_client->control(u"/_sim/advance"_s, QJsonObject{{u"seconds"_s, seconds}});
    QCOMPARE(response.status, 200);
}

// ---------------------------------------------------------------------------------------------------------------
// PaymentIntents

void TestSimulatorPayments::createWithoutConfirm_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<QString>("status");
    QTest::addColumn<bool>("hasPaymentMethod");

    QTest::newRow("no payment method") << QByteArray() << u"requires_payment_method"_s << false;
    QTest::newRow("with payment method")
        << QByteArray("&payment_method=pm_card_visa") << u"requires_confirmation"_s << true;
    QTest::newRow("confirm=false") << QByteArray("&payment_method=pm_card_visa&confirm=false")
                                   << u"requires_confirmation"_s << true;
}

void TestSimulatorPayments::createWithoutConfirm()
{
    QFETCH(QByteArray, extra);
    QFETCH(QString, status);
    QFETCH(bool, hasPaymentMethod);
    const SimResponse created = m_client->post(
        u"/v1/payment_intents"_s, "amount=1999&currency=usd&payment_method_types[]=card" + extra);
    QCOMPARE(created.status, 200);
    QVERIFY(created.id().startsWith(u"pi_"_s));
    QCOMPARE(created.string(u"object"_s), u"payment_intent"_s);
    QCOMPARE(created.string(u"status"_s), status);
    QCOMPARE(created.json.value(u"amount"_s).toInteger(), 1999);
    QCOMPARE(created.json.value(u"amount_received"_s).toInteger(), 0);
    QCOMPARE(created.string(u"currency"_s), u"usd"_s);
    QVERIFY(created.json.value(u"latest_charge"_s).isNull());
    QVERIFY(created.string(u"client_secret"_s).startsWith(created.id() + u"_secret_"_s));
    QCOMPARE(created.string(u"payment_method"_s).startsWith(u"pm_"_s), hasPaymentMethod);
    QCOMPARE(created.json.value(u"payment_method"_s).isNull(), !hasPaymentMethod);
    // No charge was made.
    QCOMPARE(dataOf(m_client->get(u"/v1/charges"_s)).size(), 0);
    const SimResponse again = retrieve(u"/v1/payment_intents/"_s + created.id());
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json, created.json);
}

void TestSimulatorPayments::confirmLater()
{
    const QString pi = m_client->createPaymentIntent(2500);
    QVERIFY(!pi.isEmpty());
    // Confirming without a payment method is an error that changes nothing.
    const SimResponse missing = m_client->post(u"/v1/payment_intents/%1/confirm"_s.arg(pi));
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.error().value(u"param"_s).toString(), u"payment_method"_s);
    const SimResponse confirmed =
        m_client->post(u"/v1/payment_intents/%1/confirm"_s.arg(pi), "payment_method=pm_card_visa");
    QCOMPARE(confirmed.status, 200);
    QCOMPARE(confirmed.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(confirmed.json.value(u"amount_received"_s).toInteger(), 2500);
    QVERIFY(confirmed.string(u"latest_charge"_s).startsWith(u"ch_"_s));

    // Update with a payment method, then confirm with none given.
    const QString second = m_client->createPaymentIntent(1200);
    const SimResponse updated =
        m_client->post(u"/v1/payment_intents/"_s + second, "payment_method=pm_card_mastercard");
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.string(u"status"_s), u"requires_confirmation"_s);
    const SimResponse done = m_client->post(u"/v1/payment_intents/%1/confirm"_s.arg(second));
    QCOMPARE(done.status, 200);
    QCOMPARE(done.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(done.string(u"payment_method"_s), updated.string(u"payment_method"_s));
}

void TestSimulatorPayments::testCardSucceeds_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("brand");
    QTest::addColumn<QString>("last4");

    QTest::newRow("visa") << QByteArray("pm_card_visa") << u"visa"_s << u"4242"_s;
    QTest::newRow("mastercard") << QByteArray("pm_card_mastercard") << u"mastercard"_s << u"4444"_s;
    QTest::newRow("amex") << QByteArray("pm_card_amex") << u"amex"_s << u"0005"_s;
}

void TestSimulatorPayments::testCardSucceeds()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, brand);
    QFETCH(QString, last4);
    const SimResponse pi = pay(token, 4321);
    QCOMPARE(pi.status, 200);
    QCOMPARE(pi.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(pi.json.value(u"amount_received"_s).toInteger(), 4321);
    QCOMPARE(pi.json.value(u"amount_capturable"_s).toInteger(), 0);
    QVERIFY(pi.json.value(u"last_payment_error"_s).isNull());
    QVERIFY(pi.json.value(u"next_action"_s).isNull());
    const QString pm = pi.string(u"payment_method"_s);
    QVERIFY2(pm.startsWith(u"pm_"_s) && pm != QString::fromLatin1(token), qPrintable(pm));

    const SimResponse charge = retrieve(u"/v1/charges/"_s + pi.string(u"latest_charge"_s));
    QCOMPARE(charge.status, 200);
    QCOMPARE(charge.string(u"object"_s), u"charge"_s);
    QCOMPARE(charge.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(charge.json.value(u"paid"_s).toBool(), true);
    QCOMPARE(charge.json.value(u"captured"_s).toBool(), true);
    QCOMPARE(charge.json.value(u"amount"_s).toInteger(), 4321);
    QCOMPARE(charge.json.value(u"amount_captured"_s).toInteger(), 4321);
    QCOMPARE(charge.json.value(u"amount_refunded"_s).toInteger(), 0);
    QCOMPARE(charge.string(u"payment_intent"_s), pi.id());
    QCOMPARE(charge.string(u"payment_method"_s), pm);
    QCOMPARE(stringAt(charge.json, u"payment_method_details.type"_s), u"card"_s);
    QCOMPARE(stringAt(charge.json, u"payment_method_details.card.brand"_s), brand);
    QCOMPARE(stringAt(charge.json, u"payment_method_details.card.last4"_s), last4);

    const SimResponse method = retrieve(u"/v1/payment_methods/"_s + pm);
    QCOMPARE(method.status, 200);
    QCOMPARE(method.string(u"type"_s), u"card"_s);
    QCOMPARE(stringAt(method.json, u"card.brand"_s), brand);
    QCOMPARE(stringAt(method.json, u"card.last4"_s), last4);
}

void TestSimulatorPayments::everyTokenUseMakesNewPaymentMethod()
{
    QSet<QString> seen;
    for (int i = 0; i < 3; ++i) {
        const SimResponse pi = pay("pm_card_visa", 1000 + i);
        QCOMPARE(pi.status, 200);
        const QString pm = pi.string(u"payment_method"_s);
        QVERIFY(pm.startsWith(u"pm_"_s));
        QVERIFY2(!seen.contains(pm), qPrintable(pm));
        seen.insert(pm);
        QCOMPARE(retrieve(u"/v1/payment_methods/"_s + pm).status, 200);
    }
    // The same card: one fingerprint.
    QSet<QString> fingerprints;
    for (const QString &pm : std::as_const(seen))
        fingerprints.insert(stringAt(retrieve(u"/v1/payment_methods/"_s + pm).json, u"card.fingerprint"_s));
    QCOMPARE(fingerprints.size(), 1);
    QVERIFY(!fingerprints.begin()->isEmpty());
}

void TestSimulatorPayments::declines_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("declineCode");

    QTest::newRow("generic") << QByteArray("pm_card_visa_chargeDeclined") << u"generic_decline"_s;
    QTest::newRow("insufficient funds")
        << QByteArray("pm_card_visa_chargeDeclinedInsufficientFunds") << u"insufficient_funds"_s;
}

void TestSimulatorPayments::declines()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, declineCode);
    const SimResponse declined = pay(token, 3000);
    QCOMPARE(declined.status, 402);
    const QJsonObject error = declined.error();
    QCOMPARE(error.value(u"type"_s).toString(), u"card_error"_s);
    QCOMPARE(error.value(u"code"_s).toString(), u"card_declined"_s);
    QCOMPARE(error.value(u"decline_code"_s).toString(), declineCode);
    QVERIFY(!error.value(u"message"_s).toString().isEmpty());
    const QString chargeId = error.value(u"charge"_s).toString();
    QVERIFY(chargeId.startsWith(u"ch_"_s));

    const QJsonObject pi = error.value(u"payment_intent"_s).toObject();
    QVERIFY(pi.value(u"id"_s).toString().startsWith(u"pi_"_s));
    QCOMPARE(pi.value(u"status"_s).toString(), u"requires_payment_method"_s);
    QCOMPARE(stringAt(pi, u"last_payment_error.code"_s), u"card_declined"_s);
    QCOMPARE(stringAt(pi, u"last_payment_error.decline_code"_s), declineCode);
    QCOMPARE(stringAt(pi, u"last_payment_error.type"_s), u"card_error"_s);
    QCOMPARE(pi.value(u"latest_charge"_s).toString(), chargeId);

    // The stored intent is what the error said.
    const SimResponse stored = retrieve(u"/v1/payment_intents/"_s + pi.value(u"id"_s).toString());
    QCOMPARE(stored.string(u"status"_s), u"requires_payment_method"_s);
    QCOMPARE(stringAt(stored.json, u"last_payment_error.decline_code"_s), declineCode);
    QCOMPARE(stored.json.value(u"amount_received"_s).toInteger(), 0);

    const SimResponse charge = retrieve(u"/v1/charges/"_s + chargeId);
    QCOMPARE(charge.string(u"status"_s), u"failed"_s);
    QCOMPARE(charge.json.value(u"paid"_s).toBool(), false);
    QCOMPARE(charge.string(u"failure_code"_s), u"card_declined"_s);
    QCOMPARE(stringAt(charge.json, u"outcome.reason"_s), declineCode);

    // A declined intent can be paid with another card.
    const SimResponse retried = m_client->post(
        u"/v1/payment_intents/%1/confirm"_s.arg(pi.value(u"id"_s).toString()), "payment_method=pm_card_visa");
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.string(u"status"_s), u"succeeded"_s);
    QVERIFY(retried.json.value(u"last_payment_error"_s).isNull());
}

void TestSimulatorPayments::authenticationRequired_data()
{
    QTest::addColumn<QByteArray>("result");
    QTest::addColumn<QString>("status");

    QTest::newRow("succeed") << QByteArray("succeed") << u"succeeded"_s;
    QTest::newRow("fail") << QByteArray("fail") << u"requires_payment_method"_s;
}

void TestSimulatorPayments::authenticationRequired()
{
    QFETCH(QByteArray, result);
    QFETCH(QString, status);
    const SimResponse pi = pay("pm_card_authenticationRequired", 2000);
    QCOMPARE(pi.status, 200);
    QCOMPARE(pi.string(u"status"_s), u"requires_action"_s);
    QCOMPARE(stringAt(pi.json, u"next_action.type"_s), u"redirect_to_url"_s);
    const QUrl url(stringAt(pi.json, u"next_action.redirect_to_url.url"_s));
    QVERIFY2(url.isValid() && url.scheme() == u"http"_s, qPrintable(url.toString()));
    QCOMPARE(url.host(), u"127.0.0.1"_s);
    QCOMPARE(url.port(), int(m_client->simulator().port()));
    QVERIFY(url.path().contains(pi.id()));
    QVERIFY(pi.json.value(u"latest_charge"_s).isNull());

    const SimResponse page = m_client->raw("GET", url.path(), {}, {});
    QCOMPARE(page.status, 200);
    QVERIFY2(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type").constData());
    QVERIFY(page.body.contains("<html"));

    const SimResponse answered = m_client->raw("POST", url.path(), "result=" + result,
                                               {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(answered.status, 200);
    QVERIFY(answered.header("Content-Type").startsWith("text/html"));

    const SimResponse after = retrieve(u"/v1/payment_intents/"_s + pi.id());
    QCOMPARE(after.string(u"status"_s), status);
    QVERIFY(after.json.value(u"next_action"_s).isNull());
    if (status == u"succeeded"_s) {
        QCOMPARE(after.json.value(u"amount_received"_s).toInteger(), 2000);
        const SimResponse charge = retrieve(u"/v1/charges/"_s + after.string(u"latest_charge"_s));
        QCOMPARE(charge.string(u"status"_s), u"succeeded"_s);
        QCOMPARE(stringAt(charge.json, u"payment_method_details.card.three_d_secure.result"_s),
                 u"authenticated"_s);
    } else {
        QCOMPARE(stringAt(after.json, u"last_payment_error.code"_s),
                 u"payment_intent_authentication_failure"_s);
        QVERIFY(after.json.value(u"payment_method"_s).isNull());
        QCOMPARE(after.json.value(u"amount_received"_s).toInteger(), 0);
    }
    // The page is spent: a second answer changes nothing.
    m_client->raw("POST", url.path(), "result=succeed",
                  {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(retrieve(u"/v1/payment_intents/"_s + pi.id()).string(u"status"_s), status);
}

void TestSimulatorPayments::errorOnRequiresAction()
{
    const SimResponse response =
        pay("pm_card_authenticationRequired", 2000, "&error_on_requires_action=true");
    QCOMPARE(response.status, 402);
    QCOMPARE(response.error().value(u"type"_s).toString(), u"card_error"_s);
    QCOMPARE(response.errorCode(), u"authentication_required"_s);
    const QJsonObject pi = response.error().value(u"payment_intent"_s).toObject();
    QCOMPARE(pi.value(u"status"_s).toString(), u"requires_payment_method"_s);
    QCOMPARE(stringAt(pi, u"last_payment_error.code"_s), u"authentication_required"_s);
    QVERIFY(pi.value(u"next_action"_s).isNull());
}

void TestSimulatorPayments::confirmSucceededIsRejected()
{
    const SimResponse pi = pay("pm_card_visa");
    QCOMPARE(pi.status, 200);
    const SimResponse again =
        m_client->post(u"/v1/payment_intents/%1/confirm"_s.arg(pi.id()), "payment_method=pm_card_visa");
    QCOMPARE(again.status, 400);
    QCOMPARE(again.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(again.errorCode(), u"payment_intent_unexpected_state"_s);
    QCOMPARE(stringAt(again.error(), u"payment_intent.status"_s), u"succeeded"_s);
    // No second charge.
    QCOMPARE(dataOf(m_client->get(u"/v1/charges?payment_intent="_s + pi.id())).size(), 1);
}

void TestSimulatorPayments::manualCapture_data()
{
    QTest::addColumn<QByteArray>("form");
    QTest::addColumn<qint64>("captured");

    QTest::newRow("full") << QByteArray() << qint64(5000);
    QTest::newRow("full amount given") << QByteArray("amount_to_capture=5000") << qint64(5000);
    QTest::newRow("partial") << QByteArray("amount_to_capture=3000") << qint64(3000);
}

void TestSimulatorPayments::manualCapture()
{
    QFETCH(QByteArray, form);
    QFETCH(qint64, captured);
    const SimResponse authorized = pay("pm_card_visa", 5000, "&capture_method=manual");
    QCOMPARE(authorized.status, 200);
    QCOMPARE(authorized.string(u"status"_s), u"requires_capture"_s);
    QCOMPARE(authorized.string(u"capture_method"_s), u"manual"_s);
    QCOMPARE(authorized.json.value(u"amount_capturable"_s).toInteger(), 5000);
    QCOMPARE(authorized.json.value(u"amount_received"_s).toInteger(), 0);
    const QString chargeId = authorized.string(u"latest_charge"_s);
    const SimResponse held = retrieve(u"/v1/charges/"_s + chargeId);
    QCOMPARE(held.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(held.json.value(u"captured"_s).toBool(), false);
    QCOMPARE(held.json.value(u"amount_captured"_s).toInteger(), 0);

    const SimResponse capture =
        m_client->post(u"/v1/payment_intents/%1/capture"_s.arg(authorized.id()), form);
    QCOMPARE(capture.status, 200);
    QCOMPARE(capture.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(capture.json.value(u"amount_received"_s).toInteger(), captured);
    QCOMPARE(capture.json.value(u"amount_capturable"_s).toInteger(), 0);
    QCOMPARE(capture.string(u"latest_charge"_s), chargeId);
    const SimResponse charge = retrieve(u"/v1/charges/"_s + chargeId);
    QCOMPARE(charge.json.value(u"captured"_s).toBool(), true);
    QCOMPARE(charge.json.value(u"amount_captured"_s).toInteger(), captured);
    QCOMPARE(charge.json.value(u"amount"_s).toInteger(), 5000);

    const SimResponse twice = m_client->post(u"/v1/payment_intents/%1/capture"_s.arg(authorized.id()));
    QCOMPARE(twice.status, 400);
    QCOMPARE(twice.errorCode(), u"payment_intent_unexpected_state"_s);
    QCOMPARE(retrieve(u"/v1/charges/"_s + chargeId).json.value(u"amount_captured"_s).toInteger(), captured);
}

void TestSimulatorPayments::captureAboveCapturable()
{
    const SimResponse authorized = pay("pm_card_visa", 5000, "&capture_method=manual");
    QCOMPARE(authorized.status, 200);
    const SimResponse over =
        m_client->post(u"/v1/payment_intents/%1/capture"_s.arg(authorized.id()), "amount_to_capture=5001");
    QCOMPARE(over.status, 400);
    QCOMPARE(over.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(over.error().value(u"param"_s).toString(), u"amount_to_capture"_s);
    const SimResponse still = retrieve(u"/v1/payment_intents/"_s + authorized.id());
    QCOMPARE(still.string(u"status"_s), u"requires_capture"_s);
    QCOMPARE(still.json.value(u"amount_capturable"_s).toInteger(), 5000);
    // A capture on an intent that was never authorized.
    const QString open = m_client->createPaymentIntent(1000);
    const SimResponse early = m_client->post(u"/v1/payment_intents/%1/capture"_s.arg(open));
    QCOMPARE(early.status, 400);
    QCOMPARE(early.errorCode(), u"payment_intent_unexpected_state"_s);
}

void TestSimulatorPayments::cancel_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("status");

    QTest::newRow("requires_payment_method") << u"requires_payment_method"_s << 200;
    QTest::newRow("requires_confirmation") << u"requires_confirmation"_s << 200;
    QTest::newRow("requires_action") << u"requires_action"_s << 200;
    QTest::newRow("requires_capture") << u"requires_capture"_s << 200;
    QTest::newRow("succeeded") << u"succeeded"_s << 400;
    QTest::newRow("canceled") << u"canceled"_s << 400;
}

void TestSimulatorPayments::cancel()
{
    QFETCH(QString, state);
    QFETCH(int, status);
    SimResponse pi;
    if (state == u"requires_payment_method"_s || state == u"canceled"_s)
        pi = m_client->post(u"/v1/payment_intents"_s, "amount=2000&currency=usd&payment_method_types[]=card");
    else if (state == u"requires_confirmation"_s)
        pi = m_client->post(
            u"/v1/payment_intents"_s,
            "amount=2000&currency=usd&payment_method_types[]=card&payment_method=pm_card_visa");
    else if (state == u"requires_action"_s)
        pi = pay("pm_card_authenticationRequired", 2000);
    else if (state == u"requires_capture"_s)
        pi = pay("pm_card_visa", 2000, "&capture_method=manual");
    else
        pi = pay("pm_card_visa", 2000);
    QCOMPARE(pi.status, 200);
    if (state == u"canceled"_s)
        QCOMPARE(m_client->post(u"/v1/payment_intents/%1/cancel"_s.arg(pi.id())).status, 200);
    else
        QCOMPARE(pi.string(u"status"_s), state);

    const SimResponse canceled = m_client->post(u"/v1/payment_intents/%1/cancel"_s.arg(pi.id()),
                                                "cancellation_reason=requested_by_customer");
    QCOMPARE(canceled.status, status);
    if (status != 200) {
        QCOMPARE(canceled.errorCode(), u"payment_intent_unexpected_state"_s);
        QCOMPARE(retrieve(u"/v1/payment_intents/"_s + pi.id()).string(u"status"_s), state);
        return;
    }
    QCOMPARE(canceled.string(u"status"_s), u"canceled"_s);
    QCOMPARE(canceled.string(u"cancellation_reason"_s), u"requested_by_customer"_s);
    QVERIFY(canceled.json.value(u"canceled_at"_s).toInteger() > 0);
    QCOMPARE(canceled.json.value(u"amount_capturable"_s).toInteger(), 0);
    QVERIFY(canceled.json.value(u"next_action"_s).isNull());
    if (state == u"requires_capture"_s) {
        // The authorization is released: the uncaptured charge shows as refunded.
        const SimResponse charge = retrieve(u"/v1/charges/"_s + canceled.string(u"latest_charge"_s));
        QCOMPARE(charge.json.value(u"refunded"_s).toBool(), true);
        QCOMPARE(charge.json.value(u"amount_refunded"_s).toInteger(), 2000);
        QCOMPARE(charge.json.value(u"captured"_s).toBool(), false);
    }
    // A canceled intent cannot be confirmed.
    const SimResponse confirm =
        m_client->post(u"/v1/payment_intents/%1/confirm"_s.arg(pi.id()), "payment_method=pm_card_visa");
    QCOMPARE(confirm.status, 400);
    QCOMPARE(confirm.errorCode(), u"payment_intent_unexpected_state"_s);
}

void TestSimulatorPayments::updateAmount_data()
{
    QTest::addColumn<bool>("paid");
    QTest::addColumn<int>("status");

    QTest::newRow("requires_payment_method") << false << 200;
    QTest::newRow("succeeded") << true << 400;
}

void TestSimulatorPayments::updateAmount()
{
    QFETCH(bool, paid);
    QFETCH(int, status);
    const QString pi = paid ? pay("pm_card_visa", 2000).id() : m_client->createPaymentIntent(2000);
    QVERIFY(!pi.isEmpty());
    const SimResponse updated = m_client->post(u"/v1/payment_intents/"_s + pi, "amount=2500");
    QCOMPARE(updated.status, status);
    const qint64 amount = retrieve(u"/v1/payment_intents/"_s + pi).json.value(u"amount"_s).toInteger();
    if (status == 200) {
        QCOMPARE(updated.json.value(u"amount"_s).toInteger(), 2500);
        QCOMPARE(amount, 2500);
    } else {
        QCOMPARE(updated.errorCode(), u"payment_intent_unexpected_state"_s);
        QCOMPARE(amount, 2000);
        // Metadata and description may still change after the payment.
        const SimResponse described = m_client->post(u"/v1/payment_intents/"_s + pi, "description=Table%204");
        QCOMPARE(described.status, 200);
        QCOMPARE(described.string(u"description"_s), u"Table 4"_s);
    }
}

void TestSimulatorPayments::metadataUpdateMerges()
{
    const SimResponse pi = pay("pm_card_visa", 2000, "&metadata[order]=42&metadata[till]=3");
    QCOMPARE(pi.status, 200);
    QCOMPARE(pi.json.value(u"metadata"_s).toObject(),
             (QJsonObject{{u"order"_s, u"42"_s}, {u"till"_s, u"3"_s}}));
    const SimResponse updated =
        m_client->post(u"/v1/payment_intents/"_s + pi.id(), "metadata[till]=&metadata[cashier]=ann");
    QCOMPARE(updated.status, 200);
    const QJsonObject expected{{u"order"_s, u"42"_s}, {u"cashier"_s, u"ann"_s}};
    QCOMPARE(updated.json.value(u"metadata"_s).toObject(), expected);
    QCOMPARE(retrieve(u"/v1/payment_intents/"_s + pi.id()).json.value(u"metadata"_s).toObject(), expected);
    // metadata= clears it all.
    const SimResponse cleared = m_client->post(u"/v1/payment_intents/"_s + pi.id(), "metadata=");
    QCOMPARE(cleared.status, 200);
    QVERIFY(cleared.json.value(u"metadata"_s).toObject().isEmpty());
}

void TestSimulatorPayments::attachedPaymentMethodNeedsItsCustomer_data()
{
    QTest::addColumn<QString>("whose"); // the customer on the intent: none, other, owner
    QTest::addColumn<int>("status");

    QTest::newRow("intent without customer") << u"none"_s << 400;
    QTest::newRow("other customer") << u"other"_s << 400;
    QTest::newRow("the owner") << u"owner"_s << 200;
}

void TestSimulatorPayments::attachedPaymentMethodNeedsItsCustomer()
{
    QFETCH(QString, whose);
    QFETCH(int, status);
    const QString owner = createCustomer("name=Owner&payment_method=pm_card_visa");
    const QString other = createCustomer("name=Other");
    QVERIFY(!owner.isEmpty() && !other.isEmpty());
    const QStringList methods = paymentMethodsOf(owner);
    QCOMPARE(methods.size(), 1);
    QByteArray extra;
    if (whose == u"other"_s)
        extra = "&customer=" + other.toUtf8();
    else if (whose == u"owner"_s)
        extra = "&customer=" + owner.toUtf8();
    const SimResponse response = pay(methods.first().toUtf8(), 3000, extra);
    QCOMPARE(response.status, status);
    if (status == 200) {
        QCOMPARE(response.string(u"status"_s), u"succeeded"_s);
        QCOMPARE(response.string(u"customer"_s), owner);
        QCOMPARE(response.string(u"payment_method"_s), methods.first());
        QCOMPARE(retrieve(u"/v1/charges/"_s + response.string(u"latest_charge"_s)).string(u"customer"_s),
                 owner);
        return;
    }
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(response.error().value(u"param"_s).toString(), u"payment_method"_s);
    // Nothing was made.
    QCOMPARE(dataOf(m_client->get(u"/v1/payment_intents"_s)).size(), 0);
}

void TestSimulatorPayments::expandLatestCharge()
{
    const SimResponse paid = pay("pm_card_visa", 1500);
    const QString open = m_client->createPaymentIntent(1000);
    QCOMPARE(paid.status, 200);

    const SimResponse expanded =
        m_client->get(u"/v1/payment_intents/%1?expand[]=latest_charge"_s.arg(paid.id()));
    QCOMPARE(expanded.status, 200);
    const QJsonObject charge = expanded.json.value(u"latest_charge"_s).toObject();
    QCOMPARE(charge.value(u"object"_s).toString(), u"charge"_s);
    QCOMPARE(charge.value(u"id"_s).toString(), paid.string(u"latest_charge"_s));
    QCOMPARE(charge, retrieve(u"/v1/charges/"_s + paid.string(u"latest_charge"_s)).json);
    // Expansion is per request: the stored intent keeps the id.
    QCOMPARE(retrieve(u"/v1/payment_intents/"_s + paid.id()).string(u"latest_charge"_s),
             paid.string(u"latest_charge"_s));

    const SimResponse list = m_client->get(u"/v1/payment_intents?expand[]=data.latest_charge"_s);
    QCOMPARE(list.status, 200);
    const QJsonArray data = dataOf(list);
    QCOMPARE(data.size(), 2);
    QCOMPARE(data.at(0).toObject().value(u"id"_s).toString(), open);
    QVERIFY(data.at(0).toObject().value(u"latest_charge"_s).isNull());
    QCOMPARE(stringAt(data.at(1).toObject(), u"latest_charge.object"_s), u"charge"_s);
    QCOMPARE(stringAt(data.at(1).toObject(), u"latest_charge.payment_intent"_s), paid.id());
}

void TestSimulatorPayments::unknownExpansion_data()
{
    QTest::addColumn<QString>("path");

    QTest::newRow("retrieve unknown field") << u"/v1/payment_intents/{pi}?expand[]=nonsense"_s;
    QTest::newRow("retrieve plain field") << u"/v1/payment_intents/{pi}?expand[]=amount"_s;
    QTest::newRow("list without data.") << u"/v1/payment_intents?expand[]=latest_charge"_s;
    QTest::newRow("list unknown") << u"/v1/payment_intents?expand[]=data.nonsense"_s;
    QTest::newRow("charge unknown") << u"/v1/charges/{ch}?expand[]=latest_charge"_s;
}

void TestSimulatorPayments::unknownExpansion()
{
    QFETCH(QString, path);
    const SimResponse paid = pay("pm_card_visa", 1500);
    QCOMPARE(paid.status, 200);
    path.replace(u"{pi}"_s, paid.id()).replace(u"{ch}"_s, paid.string(u"latest_charge"_s));
    const SimResponse response = m_client->get(path);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QVERIFY2(response.error().value(u"message"_s).toString().contains(u"cannot be expanded"_s),
             response.body.constData());
}

// ---------------------------------------------------------------------------------------------------------------
// Lists and search

void TestSimulatorPayments::pagination()
{
    // 25 intents made once, walked page by page with several page sizes.
    constexpr int Count = 25;
    QStringList created;
    for (int i = 0; i < Count; ++i) {
        const QString id = m_client->createPaymentIntent(1000 + i);
        QVERIFY(!id.isEmpty());
        created.prepend(id); // newest first
    }
    for (const int limit : {7, 10, 100}) {
        QStringList seen;
        QString after;
        int pages = 0;
        while (true) {
            QString path = u"/v1/payment_intents?limit=%1"_s.arg(limit);
            if (!after.isEmpty())
                path += u"&starting_after="_s + after;
            const SimResponse page = m_client->get(path);
            QCOMPARE(page.status, 200);
            QCOMPARE(page.string(u"object"_s), u"list"_s);
            QCOMPARE(page.string(u"url"_s), u"/v1/payment_intents"_s);
            const QStringList ids = idsOf(dataOf(page));
            ++pages;
            QVERIFY(ids.size() <= limit);
            seen += ids;
            const bool hasMore = page.json.value(u"has_more"_s).toBool();
            QCOMPARE(hasMore, seen.size() < Count);
            if (!hasMore)
                break;
            QCOMPARE(ids.size(), limit);
            after = ids.last();
            QVERIFY(pages <= Count);
        }
        QCOMPARE(pages, (Count + limit - 1) / limit);
        // Newest first, no duplicates, all seen.
        QCOMPARE(seen, created);
    }
    // The default page size is 10.
    const SimResponse defaultPage = m_client->get(u"/v1/payment_intents"_s);
    QCOMPARE(idsOf(dataOf(defaultPage)), created.mid(0, 10));
    QCOMPARE(defaultPage.json.value(u"has_more"_s).toBool(), true);
}

void TestSimulatorPayments::endingBefore()
{
    QStringList created;
    for (int i = 0; i < 12; ++i)
        created.prepend(m_client->createPaymentIntent(1000 + i));
    // The page just newer than the cursor, still newest first.
    const SimResponse page = m_client->get(u"/v1/payment_intents?limit=3&ending_before="_s + created.at(8));
    QCOMPARE(page.status, 200);
    QCOMPARE(idsOf(dataOf(page)), created.mid(5, 3));
    QCOMPARE(page.json.value(u"has_more"_s).toBool(), true);
    // Walking backwards to the newest.
    const SimResponse first = m_client->get(u"/v1/payment_intents?limit=5&ending_before="_s + created.at(5));
    QCOMPARE(idsOf(dataOf(first)), created.mid(0, 5));
    QCOMPARE(first.json.value(u"has_more"_s).toBool(), false);
    const SimResponse none = m_client->get(u"/v1/payment_intents?ending_before="_s + created.first());
    QCOMPARE(dataOf(none).size(), 0);
    QCOMPARE(none.json.value(u"has_more"_s).toBool(), false);
    // Both cursors at once.
    const SimResponse both = m_client->get(
        u"/v1/payment_intents?ending_before=%1&starting_after=%2"_s.arg(created.at(3), created.at(9)));
    QCOMPARE(both.status, 400);
}

void TestSimulatorPayments::createdFilters_data()
{
    QTest::addColumn<QString>("op"); // gt, gte, lt, lte, or "" for equality
    QTest::addColumn<int>("pivot");  // index of the intent whose created time is the bound
    QTest::addColumn<QList<int>>("expected");

    QTest::newRow("gte") << u"gte"_s << 1 << QList<int>{2, 1};
    QTest::newRow("gt") << u"gt"_s << 1 << QList<int>{2};
    QTest::newRow("lt") << u"lt"_s << 1 << QList<int>{0};
    QTest::newRow("equal") << QString() << 2 << QList<int>{2};
}

void TestSimulatorPayments::createdFilters()
{
    QFETCH(QString, op);
    QFETCH(int, pivot);
    QFETCH(QList<int>, expected);
    QStringList ids;
    QList<qint64> times;
    for (int i = 0; i < 3; ++i) {
        if (i > 0)
            advance(100);
        const SimResponse pi = m_client->post(u"/v1/payment_intents"_s, "amount=1000&currency=usd");
        QCOMPARE(pi.status, 200);
        ids.append(pi.id());
        times.append(pi.json.value(u"created"_s).toInteger());
    }
    QVERIFY(times.at(1) - times.at(0) >= 100 && times.at(2) - times.at(1) >= 100);
    const QString filter = op.isEmpty() ? u"created=%1"_s.arg(times.at(pivot))
                                        : u"created[%1]=%2"_s.arg(op).arg(times.at(pivot));
    const SimResponse list = m_client->get(u"/v1/payment_intents?"_s + filter);
    QCOMPARE(list.status, 200);
    QStringList wanted;
    for (int index : expected)
        wanted.append(ids.at(index));
    QCOMPARE(idsOf(dataOf(list)), wanted);
    // A range from both sides.
    const SimResponse range = m_client->get(
        u"/v1/payment_intents?created[gt]=%1&created[lt]=%2"_s.arg(times.at(0)).arg(times.at(2)));
    QCOMPARE(idsOf(dataOf(range)), QStringList{ids.at(1)});
}

void TestSimulatorPayments::unknownCursor_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("param");

    QTest::newRow("starting_after") << u"starting_after=pi_doesnotexist"_s << u"starting_after"_s;
    QTest::newRow("ending_before") << u"ending_before=pi_doesnotexist"_s << u"ending_before"_s;
    QTest::newRow("id of another type") << u"starting_after={customer}"_s << u"starting_after"_s;
}

void TestSimulatorPayments::unknownCursor()
{
    QFETCH(QString, query);
    QFETCH(QString, param);
    QVERIFY(!m_client->createPaymentIntent(1000).isEmpty());
    const QString customer = createCustomer("name=Ann");
    query.replace(u"{customer}"_s, customer);
    const SimResponse response = m_client->get(u"/v1/payment_intents?"_s + query);
    QCOMPARE(response.status, 400);
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(response.errorCode(), u"resource_missing"_s);
    QCOMPARE(response.error().value(u"param"_s).toString(), param);
}

void TestSimulatorPayments::search()
{
    QStringList ids;
    ids.append(pay("pm_card_visa", 500).id());
    ids.append(pay("pm_card_visa", 1500, "&metadata[order]=42").id());
    ids.append(pay("pm_card_visa", 2500, "&metadata[order]=43").id());
    ids.append(m_client->createPaymentIntent(3000));
    const SimResponse declined = pay("pm_card_visa_chargeDeclined", 1200);
    ids.append(stringAt(declined.error(), u"payment_intent.id"_s));
    ids.append(m_client
                   ->post(u"/v1/payment_intents"_s, "amount=5000&currency=eur&payment_method=pm_card_visa&"
                                                    "confirm=true&payment_method_types[]=card")
                   .id());
    for (const QString &id : std::as_const(ids))
        QVERIFY(id.startsWith(u"pi_"_s));

    // One set of intents, many queries. The indexes point into `ids`: 0: 500 succeeded, 1: 1500 succeeded
    // with metadata[order]=42, 2: 2500 succeeded with order 43, 3: 3000 not confirmed, 4: 1200 declined,
    // 5: 5000 EUR succeeded.
    struct Case
    {
        QString query;
        QList<int> expected;
    };
    const Case cases[] = {
        {u"status:'succeeded' AND amount>1000"_s, {5, 2, 1}},
        {u"metadata['order']:'42'"_s, {1}},
        {u"metadata[\"order\"]:\"42\""_s, {1}},
        {u"status:'requires_payment_method' OR amount:500"_s, {4, 3, 0}},
        {u"amount>=1200 AND amount<=2500"_s, {4, 2, 1}},
        {u"-status:'succeeded'"_s, {4, 3}},
        {u"currency:'eur'"_s, {5}},
        {u"amount>99999"_s, {}},
    };
    for (const Case &c : cases) {
        const SimResponse result =
            m_client->get(u"/v1/payment_intents/search?query="_s + QString::fromLatin1(percent(c.query)));
        QVERIFY2(result.status == 200, qPrintable(c.query + u": "_s + QString::fromUtf8(result.body)));
        QCOMPARE(result.string(u"object"_s), u"search_result"_s);
        QCOMPARE(result.string(u"url"_s), u"/v1/payment_intents/search"_s);
        QStringList wanted;
        for (int index : c.expected)
            wanted.append(ids.at(index));
        QStringList got = idsOf(dataOf(result));
        // Search results come in no promised order.
        std::sort(wanted.begin(), wanted.end());
        std::sort(got.begin(), got.end());
        QVERIFY2(got == wanted,
                 qPrintable(u"%1: got %2, expected %3"_s.arg(c.query, got.join(u','), wanted.join(u','))));
        QCOMPARE(result.json.value(u"has_more"_s).toBool(), false);
        QVERIFY(result.json.value(u"next_page"_s).isNull());
    }
}

void TestSimulatorPayments::searchPaging()
{
    QSet<QString> made;
    for (int i = 0; i < 12; ++i)
        made.insert(pay("pm_card_visa", 1100 + i).id());
    for (int i = 0; i < 3; ++i)
        QVERIFY(!m_client->createPaymentIntent(2000).isEmpty()); // not matching
    const QString base = u"/v1/payment_intents/search?limit=5&query="_s +
                         QString::fromLatin1(percent(u"status:'succeeded' AND amount>1000"_s));
    QStringList seen;
    QString page;
    QList<int> sizes;
    for (int round = 0; round < 10; ++round) {
        const SimResponse result = m_client->get(
            page.isEmpty() ? base : QString(base + u"&page="_s + QString::fromLatin1(percent(page))));
        QCOMPARE(result.status, 200);
        const QStringList ids = idsOf(dataOf(result));
        sizes.append(int(ids.size()));
        seen += ids;
        if (!result.json.value(u"has_more"_s).toBool()) {
            QVERIFY(result.json.value(u"next_page"_s).isNull());
            break;
        }
        page = result.string(u"next_page"_s);
        QVERIFY(!page.isEmpty());
    }
    QCOMPARE(sizes, (QList<int>{5, 5, 2}));
    QCOMPARE(QSet<QString>(seen.begin(), seen.end()), made);
    QCOMPARE(seen.size(), 12);
    // A made-up page token.
    const SimResponse bad = m_client->get(base + u"&page=garbage"_s);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.error().value(u"param"_s).toString(), u"page"_s);
}

void TestSimulatorPayments::searchBadQuery_data()
{
    QTest::addColumn<QString>("query");

    QTest::newRow("unquoted string") << u"status:succeeded"_s;
    QTest::newRow("unknown field") << u"colour:'red'"_s;
    QTest::newRow("dangling AND") << u"status:'succeeded' AND"_s;
    QTest::newRow("no operator") << u"status 'succeeded'"_s;
    QTest::newRow("unterminated") << u"status:'succeeded"_s;
    QTest::newRow("mixed AND OR") << u"amount>1 AND amount<5 OR status:'canceled'"_s;
    QTest::newRow("empty") << QString();
}

void TestSimulatorPayments::searchBadQuery()
{
    QFETCH(QString, query);
    const SimResponse response =
        m_client->get(u"/v1/payment_intents/search?query="_s + QString::fromLatin1(percent(query)));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(response.error().value(u"param"_s).toString(), u"query"_s);
}

// ---------------------------------------------------------------------------------------------------------------
// Charges

void TestSimulatorPayments::chargesRetrieveAndListByPaymentIntent()
{
    const QString pi = m_client->createPaymentIntent(1800);
    QCOMPARE(
        m_client
            ->post(u"/v1/payment_intents/%1/confirm"_s.arg(pi), "payment_method=pm_card_visa_chargeDeclined")
            .status,
        402);
    const SimResponse paid =
        m_client->post(u"/v1/payment_intents/%1/confirm"_s.arg(pi), "payment_method=pm_card_visa");
    QCOMPARE(paid.status, 200);
    const SimResponse other = pay("pm_card_mastercard", 900);
    QCOMPARE(other.status, 200);

    const SimResponse list = m_client->get(u"/v1/charges?payment_intent="_s + pi);
    QCOMPARE(list.status, 200);
    const QJsonArray data = dataOf(list);
    QCOMPARE(data.size(), 2);
    QCOMPARE(data.at(0).toObject().value(u"id"_s).toString(), paid.string(u"latest_charge"_s));
    QCOMPARE(data.at(0).toObject().value(u"status"_s).toString(), u"succeeded"_s);
    QCOMPARE(data.at(1).toObject().value(u"status"_s).toString(), u"failed"_s);
    for (const QJsonValue &charge : data)
        QCOMPARE(charge.toObject().value(u"payment_intent"_s).toString(), pi);

    QCOMPARE(dataOf(m_client->get(u"/v1/charges"_s)).size(), 3);
    const SimResponse one = retrieve(u"/v1/charges/"_s + other.string(u"latest_charge"_s));
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(u"amount"_s).toInteger(), 900);
    QCOMPARE(one.string(u"currency"_s), u"usd"_s);
    const SimResponse missing = retrieve(u"/v1/charges/ch_doesnotexist"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), u"resource_missing"_s);
}

void TestSimulatorPayments::receiptUrlServesHtml()
{
    const SimResponse paid = pay("pm_card_visa", 1234);
    const SimResponse charge = retrieve(u"/v1/charges/"_s + paid.string(u"latest_charge"_s));
    const QUrl receipt(charge.string(u"receipt_url"_s));
    QCOMPARE(receipt.host(), u"127.0.0.1"_s);
    QCOMPARE(receipt.port(), int(m_client->simulator().port()));
    // A receipt link is opened by the customer's browser: no API key.
    const SimResponse page = m_client->raw("GET", receipt.path(), {}, {});
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(page.body.contains("<html"));
    QVERIFY(page.body.contains("4242"));
    QVERIFY(page.body.contains("12.34"));
}

// ---------------------------------------------------------------------------------------------------------------
// Refunds

void TestSimulatorPayments::refundDefaultsToWhatIsLeft_data()
{
    QTest::addColumn<bool>("byCharge");

    QTest::newRow("by payment_intent") << false;
    QTest::newRow("by charge") << true;
}

void TestSimulatorPayments::refundDefaultsToWhatIsLeft()
{
    QFETCH(bool, byCharge);
    const SimResponse paid = pay("pm_card_visa", 5000);
    const QString charge = paid.string(u"latest_charge"_s);
    const QByteArray form = byCharge ? QByteArray("charge=" + charge.toUtf8())
                                     : QByteArray("payment_intent=" + paid.id().toUtf8());
    const SimResponse refund = m_client->post(u"/v1/refunds"_s, form);
    QCOMPARE(refund.status, 200);
    QVERIFY(refund.id().startsWith(u"re_"_s));
    QCOMPARE(refund.string(u"object"_s), u"refund"_s);
    QCOMPARE(refund.json.value(u"amount"_s).toInteger(), 5000);
    QCOMPARE(refund.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(refund.string(u"charge"_s), charge);
    QCOMPARE(refund.string(u"payment_intent"_s), paid.id());
    QCOMPARE(refund.string(u"currency"_s), u"usd"_s);
    const SimResponse after = retrieve(u"/v1/charges/"_s + charge);
    QCOMPARE(after.json.value(u"amount_refunded"_s).toInteger(), 5000);
    QCOMPARE(after.json.value(u"refunded"_s).toBool(), true);
    QCOMPARE(retrieve(u"/v1/refunds/"_s + refund.id()).json, refund.json);
}

void TestSimulatorPayments::partialRefundThenRest()
{
    const SimResponse paid = pay("pm_card_visa", 5000);
    const QString charge = paid.string(u"latest_charge"_s);
    const SimResponse first =
        m_client->post(u"/v1/refunds"_s, "amount=1000&payment_intent=" + paid.id().toUtf8());
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json.value(u"amount"_s).toInteger(), 1000);
    SimResponse state = retrieve(u"/v1/charges/"_s + charge);
    QCOMPARE(state.json.value(u"amount_refunded"_s).toInteger(), 1000);
    QCOMPARE(state.json.value(u"refunded"_s).toBool(), false);

    const SimResponse second = m_client->post(u"/v1/refunds"_s, "amount=1500&charge=" + charge.toUtf8());
    QCOMPARE(second.status, 200);
    QCOMPARE(retrieve(u"/v1/charges/"_s + charge).json.value(u"amount_refunded"_s).toInteger(), 2500);

    const SimResponse rest = m_client->post(u"/v1/refunds"_s, "payment_intent=" + paid.id().toUtf8());
    QCOMPARE(rest.status, 200);
    QCOMPARE(rest.json.value(u"amount"_s).toInteger(), 2500);
    state = retrieve(u"/v1/charges/"_s + charge);
    QCOMPARE(state.json.value(u"amount_refunded"_s).toInteger(), 5000);
    QCOMPARE(state.json.value(u"refunded"_s).toBool(), true);

    const SimResponse more = m_client->post(u"/v1/refunds"_s, "payment_intent=" + paid.id().toUtf8());
    QCOMPARE(more.status, 400);
    QCOMPARE(more.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(more.errorCode(), u"charge_already_refunded"_s);
    const SimResponse oneCent = m_client->post(u"/v1/refunds"_s, "amount=1&charge=" + charge.toUtf8());
    QCOMPARE(oneCent.status, 400);
    QCOMPARE(oneCent.errorCode(), u"charge_already_refunded"_s);
    QCOMPARE(dataOf(m_client->get(u"/v1/refunds?charge="_s + charge)).size(), 3);
}

void TestSimulatorPayments::overRefund()
{
    const SimResponse paid = pay("pm_card_visa", 5000);
    QCOMPARE(m_client->post(u"/v1/refunds"_s, "amount=1000&payment_intent=" + paid.id().toUtf8()).status,
             200);
    const SimResponse over =
        m_client->post(u"/v1/refunds"_s, "amount=4001&payment_intent=" + paid.id().toUtf8());
    QCOMPARE(over.status, 400);
    QCOMPARE(over.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(over.error().value(u"param"_s).toString(), u"amount"_s);
    const SimResponse charge = retrieve(u"/v1/charges/"_s + paid.string(u"latest_charge"_s));
    QCOMPARE(charge.json.value(u"amount_refunded"_s).toInteger(), 1000);
    QCOMPARE(dataOf(m_client->get(u"/v1/refunds"_s)).size(), 1);
    // Exactly what is left is fine.
    QCOMPARE(m_client->post(u"/v1/refunds"_s, "amount=4000&payment_intent=" + paid.id().toUtf8()).status,
             200);
}

void TestSimulatorPayments::refundKeepsReasonAndMetadata()
{
    const SimResponse paid = pay("pm_card_visa", 5000);
    const SimResponse refund = m_client->post(
        u"/v1/refunds"_s, "payment_intent=" + paid.id().toUtf8() +
                              "&amount=700&reason=requested_by_customer&metadata[requested_by]=ann"
                              "&metadata[approved_by]=bob");
    QCOMPARE(refund.status, 200);
    QCOMPARE(refund.string(u"reason"_s), u"requested_by_customer"_s);
    const QJsonObject metadata{{u"requested_by"_s, u"ann"_s}, {u"approved_by"_s, u"bob"_s}};
    QCOMPARE(refund.json.value(u"metadata"_s).toObject(), metadata);
    const SimResponse stored = retrieve(u"/v1/refunds/"_s + refund.id());
    QCOMPARE(stored.string(u"reason"_s), u"requested_by_customer"_s);
    QCOMPARE(stored.json.value(u"metadata"_s).toObject(), metadata);
    // A refund without a reason has reason null.
    const SimResponse plain =
        m_client->post(u"/v1/refunds"_s, "amount=100&payment_intent=" + paid.id().toUtf8());
    QVERIFY(plain.json.value(u"reason"_s).isNull());
    // A reason Stripe does not know.
    const SimResponse bad = m_client->post(
        u"/v1/refunds"_s, "amount=100&reason=changed_mind&payment_intent=" + paid.id().toUtf8());
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.error().value(u"param"_s).toString(), u"reason"_s);
}

void TestSimulatorPayments::refundOfUncapturedIntent()
{
    const SimResponse authorized = pay("pm_card_visa", 5000, "&capture_method=manual");
    QCOMPARE(authorized.string(u"status"_s), u"requires_capture"_s);
    const SimResponse refund = m_client->post(u"/v1/refunds"_s, "payment_intent=" + authorized.id().toUtf8());
    QCOMPARE(refund.status, 400);
    QCOMPARE(refund.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    const SimResponse byCharge =
        m_client->post(u"/v1/refunds"_s, "charge=" + authorized.string(u"latest_charge"_s).toUtf8());
    QCOMPARE(byCharge.status, 400);
    QCOMPARE(dataOf(m_client->get(u"/v1/refunds"_s)).size(), 0);
    // Nor an intent that was never paid.
    const QString open = m_client->createPaymentIntent(1000);
    QCOMPARE(m_client->post(u"/v1/refunds"_s, "payment_intent=" + open.toUtf8()).status, 400);
}

void TestSimulatorPayments::pendingRefundSettles()
{
    const SimResponse paid = pay("pm_card_pendingRefund", 5000);
    QCOMPARE(paid.status, 200);
    const SimResponse refund = m_client->post(u"/v1/refunds"_s, "payment_intent=" + paid.id().toUtf8());
    QCOMPARE(refund.status, 200);
    QCOMPARE(refund.string(u"status"_s), u"pending"_s);
    QCOMPARE(retrieve(u"/v1/refunds/"_s + refund.id()).string(u"status"_s), u"pending"_s);
    QCOMPARE(dataOf(m_client->get(u"/v1/events?type=refund.updated"_s)).size(), 0);

    advance(10);
    QCOMPARE(retrieve(u"/v1/refunds/"_s + refund.id()).string(u"status"_s), u"succeeded"_s);
    for (const QString &type : {u"refund.updated"_s, u"charge.refund.updated"_s}) {
        const QJsonArray events = dataOf(m_client->get(u"/v1/events?type="_s + type));
        QCOMPARE(events.size(), 1);
        const QJsonObject event = events.first().toObject();
        QCOMPARE(stringAt(event, u"data.object.id"_s), refund.id());
        QCOMPARE(stringAt(event, u"data.object.status"_s), u"succeeded"_s);
        QCOMPARE(stringAt(event, u"data.previous_attributes.status"_s), u"pending"_s);
    }
    QCOMPARE(retrieve(u"/v1/charges/"_s + paid.string(u"latest_charge"_s))
                 .json.value(u"amount_refunded"_s)
                 .toInteger(),
             5000);
}

void TestSimulatorPayments::failingRefund()
{
    const SimResponse paid = pay("pm_card_refundFail", 5000);
    QCOMPARE(paid.status, 200);
    const QString charge = paid.string(u"latest_charge"_s);
    const SimResponse refund =
        m_client->post(u"/v1/refunds"_s, "amount=2000&payment_intent=" + paid.id().toUtf8());
    QCOMPARE(refund.status, 200);
    QCOMPARE(refund.string(u"status"_s), u"succeeded"_s);
    QCOMPARE(retrieve(u"/v1/charges/"_s + charge).json.value(u"amount_refunded"_s).toInteger(), 2000);

    advance(10);
    const SimResponse failed = retrieve(u"/v1/refunds/"_s + refund.id());
    QCOMPARE(failed.string(u"status"_s), u"failed"_s);
    QVERIFY(!failed.string(u"failure_reason"_s).isEmpty());
    const SimResponse after = retrieve(u"/v1/charges/"_s + charge);
    QCOMPARE(after.json.value(u"amount_refunded"_s).toInteger(), 0);
    QCOMPARE(after.json.value(u"refunded"_s).toBool(), false);
    for (const QString &type : {u"refund.updated"_s, u"refund.failed"_s, u"charge.refund.updated"_s}) {
        const QJsonArray events = dataOf(m_client->get(u"/v1/events?type="_s + type));
        QCOMPARE(events.size(), 1);
        QCOMPARE(stringAt(events.first().toObject(), u"data.object.status"_s), u"failed"_s);
    }
    // The money is refundable again.
    const SimResponse again = m_client->post(u"/v1/refunds"_s, "payment_intent=" + paid.id().toUtf8());
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json.value(u"amount"_s).toInteger(), 5000);
}

void TestSimulatorPayments::refundsListByPaymentIntent()
{
    const SimResponse a = pay("pm_card_visa", 5000);
    const SimResponse b = pay("pm_card_visa", 3000);
    QStringList refundsOfA;
    refundsOfA.prepend(m_client->post(u"/v1/refunds"_s, "amount=100&payment_intent=" + a.id().toUtf8()).id());
    const QString ofB = m_client->post(u"/v1/refunds"_s, "amount=200&payment_intent=" + b.id().toUtf8()).id();
    refundsOfA.prepend(m_client->post(u"/v1/refunds"_s, "amount=300&payment_intent=" + a.id().toUtf8()).id());
    const SimResponse listA = m_client->get(u"/v1/refunds?payment_intent="_s + a.id());
    QCOMPARE(listA.status, 200);
    QCOMPARE(idsOf(dataOf(listA)), refundsOfA);
    QCOMPARE(idsOf(dataOf(m_client->get(u"/v1/refunds?payment_intent="_s + b.id()))), QStringList{ofB});
    QCOMPARE(idsOf(dataOf(m_client->get(u"/v1/refunds?charge="_s + a.string(u"latest_charge"_s)))),
             refundsOfA);
    QCOMPARE(dataOf(m_client->get(u"/v1/refunds"_s)).size(), 3);
    const SimResponse paged = m_client->get(u"/v1/refunds?limit=1&payment_intent="_s + a.id());
    QCOMPARE(dataOf(paged).size(), 1);
    QCOMPARE(paged.json.value(u"has_more"_s).toBool(), true);
}

// ---------------------------------------------------------------------------------------------------------------
// Customers

void TestSimulatorPayments::customerLifecycle()
{
    const SimResponse created =
        m_client->post(u"/v1/customers"_s,
                       "name=Ann%20Example&email=ann%40example.com&phone=%2B4930123&metadata[loyalty]=gold");
    QCOMPARE(created.status, 200);
    const QString id = created.id();
    QVERIFY(id.startsWith(u"cus_"_s));
    QCOMPARE(created.string(u"object"_s), u"customer"_s);
    QCOMPARE(created.string(u"name"_s), u"Ann Example"_s);
    QCOMPARE(created.string(u"email"_s), u"ann@example.com"_s);
    QCOMPARE(created.string(u"phone"_s), u"+4930123"_s);
    QCOMPARE(stringAt(created.json, u"metadata.loyalty"_s), u"gold"_s);
    QCOMPARE(retrieve(u"/v1/customers/"_s + id).json, created.json);

    const SimResponse updated =
        m_client->post(u"/v1/customers/"_s + id, "name=Ann%20Other&metadata[loyalty]=&metadata[till]=2");
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.string(u"name"_s), u"Ann Other"_s);
    QCOMPARE(updated.string(u"email"_s), u"ann@example.com"_s);
    QCOMPARE(updated.json.value(u"metadata"_s).toObject(), (QJsonObject{{u"till"_s, u"2"_s}}));
    QCOMPARE(retrieve(u"/v1/customers/"_s + id).string(u"name"_s), u"Ann Other"_s);

    const QString keep = createCustomer("name=Bob");
    const SimResponse deleted = m_client->del(u"/v1/customers/"_s + id);
    QCOMPARE(deleted.status, 200);
    const QJsonObject tombstone{{u"id"_s, id}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}};
    QCOMPARE(deleted.json, tombstone);
    const SimResponse afterDelete = retrieve(u"/v1/customers/"_s + id);
    QCOMPARE(afterDelete.status, 200);
    QCOMPARE(afterDelete.json.value(u"deleted"_s).toBool(), true);
    QCOMPARE(afterDelete.id(), id);
    QCOMPARE(idsOf(dataOf(m_client->get(u"/v1/customers"_s))), QStringList{keep});
    QCOMPARE(m_client->del(u"/v1/customers/"_s + id).status, 404);
    QCOMPARE(retrieve(u"/v1/customers/cus_doesnotexist"_s).status, 404);
}

void TestSimulatorPayments::customersListByEmail()
{
    const QString a = createCustomer("name=Ann&email=ann%40example.com");
    const QString b = createCustomer("name=Bob&email=bob%40example.com");
    const QString c = createCustomer("name=Ann%20Again&email=ann%40example.com");
    QVERIFY(!a.isEmpty() && !b.isEmpty() && !c.isEmpty());
    QCOMPARE(idsOf(dataOf(m_client->get(u"/v1/customers?email=ann%40example.com"_s))), (QStringList{c, a}));
    QCOMPARE(idsOf(dataOf(m_client->get(u"/v1/customers?email=bob%40example.com"_s))), QStringList{b});
    QCOMPARE(dataOf(m_client->get(u"/v1/customers?email=nobody%40example.com"_s)).size(), 0);
    QCOMPARE(idsOf(dataOf(m_client->get(u"/v1/customers"_s))), (QStringList{c, b, a}));
}

void TestSimulatorPayments::customersSearch()
{
    createCustomer("name=Ann%20Example&email=ann%40example.com");
    createCustomer("name=Bob%20Builder&email=bob%40example.com");
    createCustomer("name=Joanna%20Ann&email=jo%40example.com&metadata[loyalty]=gold");
    const QString gone = createCustomer("name=Ann%20Gone&email=ann%40example.com");
    QCOMPARE(m_client->del(u"/v1/customers/"_s + gone).status, 200); // deleted customers are not found

    struct Case
    {
        QString query;
        QStringList names;
    };
    const Case cases[] = {
        {u"email:'ann@example.com'"_s, {u"Ann Example"_s}},
        {u"name:'Bob Builder'"_s, {u"Bob Builder"_s}},
        {u"name~'Ann'"_s, {u"Ann Example"_s, u"Joanna Ann"_s}},
        {u"email:'bob@example.com' OR name:'Joanna Ann'"_s, {u"Bob Builder"_s, u"Joanna Ann"_s}},
        {u"metadata['loyalty']:'gold'"_s, {u"Joanna Ann"_s}},
        {u"email:'nobody@example.com'"_s, {}},
    };
    for (const Case &c : cases) {
        const SimResponse result =
            m_client->get(u"/v1/customers/search?query="_s + QString::fromLatin1(percent(c.query)));
        QVERIFY2(result.status == 200, qPrintable(c.query + u": "_s + QString::fromUtf8(result.body)));
        QCOMPARE(result.string(u"object"_s), u"search_result"_s);
        QStringList got;
        const QJsonArray data = dataOf(result);
        for (const QJsonValue &customer : data)
            got.append(customer.toObject().value(u"name"_s).toString());
        got.sort();
        QStringList wanted = c.names;
        wanted.sort();
        QVERIFY2(got == wanted,
                 qPrintable(u"%1: got %2, expected %3"_s.arg(c.query, got.join(u','), wanted.join(u','))));
    }
    const SimResponse bad =
        m_client->get(u"/v1/customers/search?query="_s + QString::fromLatin1(percent(u"amount>5"_s)));
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.error().value(u"param"_s).toString(), u"query"_s);
}

void TestSimulatorPayments::defaultPaymentMethodMustBeAttached_data()
{
    QTest::addColumn<QString>("which"); // attached, unattached, other customer's, missing
    QTest::addColumn<int>("status");

    QTest::newRow("attached") << u"attached"_s << 200;
    QTest::newRow("not attached") << u"unattached"_s << 400;
    QTest::newRow("other customer's") << u"other"_s << 400;
    QTest::newRow("does not exist") << u"missing"_s << 400;
}

void TestSimulatorPayments::defaultPaymentMethodMustBeAttached()
{
    QFETCH(QString, which);
    QFETCH(int, status);
    const QString customer = createCustomer("name=Ann&payment_method=pm_card_visa");
    const QString other = createCustomer("name=Bob&payment_method=pm_card_mastercard");
    const SimResponse loose = m_client->post(u"/v1/payment_methods"_s, "type=card&card[token]=tok_visa");
    QCOMPARE(loose.status, 200);
    QString pm;
    if (which == u"attached"_s)
        pm = paymentMethodsOf(customer).value(0);
    else if (which == u"unattached"_s)
        pm = loose.id();
    else if (which == u"other"_s)
        pm = paymentMethodsOf(other).value(0);
    else
        pm = u"pm_doesnotexist"_s;
    QVERIFY(!pm.isEmpty());
    const SimResponse response = m_client->post(u"/v1/customers/"_s + customer,
                                                "invoice_settings[default_payment_method]=" + pm.toUtf8());
    QCOMPARE(response.status, status);
    const QJsonValue stored =
        valueAt(retrieve(u"/v1/customers/"_s + customer).json, u"invoice_settings.default_payment_method"_s);
    if (status == 200) {
        QCOMPARE(stringAt(response.json, u"invoice_settings.default_payment_method"_s), pm);
        QCOMPARE(stored.toString(), pm);
        return;
    }
    QCOMPARE(response.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(response.error().value(u"param"_s).toString(), u"invoice_settings[default_payment_method]"_s);
    QVERIFY(stored.isNull());
}

void TestSimulatorPayments::customerCreatedWithPaymentMethod()
{
    const SimResponse created = m_client->post(u"/v1/customers"_s, "name=Ann&payment_method=pm_card_visa");
    QCOMPARE(created.status, 200);
    const QJsonArray methods = dataOf(m_client->get(u"/v1/customers/%1/payment_methods"_s.arg(created.id())));
    QCOMPARE(methods.size(), 1);
    const QJsonObject pm = methods.first().toObject();
    QVERIFY(pm.value(u"id"_s).toString().startsWith(u"pm_"_s));
    QCOMPARE(pm.value(u"customer"_s).toString(), created.id());
    QCOMPARE(stringAt(pm, u"card.last4"_s), u"4242"_s);
    const QJsonArray attached = dataOf(m_client->get(u"/v1/events?type=payment_method.attached"_s));
    QCOMPARE(attached.size(), 1);
    QCOMPARE(stringAt(attached.first().toObject(), u"data.object.id"_s), pm.value(u"id"_s).toString());
    // A payment method that does not exist makes no customer.
    const SimResponse bad = m_client->post(u"/v1/customers"_s, "name=Bob&payment_method=pm_doesnotexist");
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.error().value(u"param"_s).toString(), u"payment_method"_s);
    QCOMPARE(dataOf(m_client->get(u"/v1/customers"_s)).size(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// PaymentMethods

void TestSimulatorPayments::attachAndDetach()
{
    const QString customer = createCustomer("name=Ann");
    const SimResponse pm = m_client->post(u"/v1/payment_methods"_s, "type=card&card[token]=tok_mastercard");
    QCOMPARE(pm.status, 200);
    QVERIFY(pm.json.value(u"customer"_s).isNull());
    QCOMPARE(stringAt(pm.json, u"card.brand"_s), u"mastercard"_s);

    const SimResponse attached =
        m_client->post(u"/v1/payment_methods/%1/attach"_s.arg(pm.id()), "customer=" + customer.toUtf8());
    QCOMPARE(attached.status, 200);
    QCOMPARE(attached.string(u"customer"_s), customer);
    QCOMPARE(retrieve(u"/v1/payment_methods/"_s + pm.id()).string(u"customer"_s), customer);
    const QJsonArray attachedEvents = dataOf(m_client->get(u"/v1/events?type=payment_method.attached"_s));
    QCOMPARE(attachedEvents.size(), 1);
    QCOMPARE(stringAt(attachedEvents.first().toObject(), u"data.object.id"_s), pm.id());
    QCOMPARE(stringAt(attachedEvents.first().toObject(), u"data.object.customer"_s), customer);

    const SimResponse detached = m_client->post(u"/v1/payment_methods/%1/detach"_s.arg(pm.id()));
    QCOMPARE(detached.status, 200);
    QVERIFY(detached.json.value(u"customer"_s).isNull());
    QVERIFY(paymentMethodsOf(customer).isEmpty());
    const QJsonArray detachedEvents = dataOf(m_client->get(u"/v1/events?type=payment_method.detached"_s));
    QCOMPARE(detachedEvents.size(), 1);
    QCOMPARE(stringAt(detachedEvents.first().toObject(), u"data.object.id"_s), pm.id());
    QCOMPARE(stringAt(detachedEvents.first().toObject(), u"data.previous_attributes.customer"_s), customer);

    const SimResponse again = m_client->post(u"/v1/payment_methods/%1/detach"_s.arg(pm.id()));
    QCOMPARE(again.status, 400);
    QCOMPARE(again.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(m_client->post(u"/v1/payment_methods/pm_doesnotexist/detach"_s).status, 404);
    // Attaching to a customer that does not exist.
    const SimResponse noCustomer =
        m_client->post(u"/v1/payment_methods/%1/attach"_s.arg(pm.id()), "customer=cus_doesnotexist");
    QCOMPARE(noCustomer.status, 400);
    QCOMPARE(noCustomer.error().value(u"param"_s).toString(), u"customer"_s);
}

void TestSimulatorPayments::listPaymentMethods()
{
    const QString ann = createCustomer("name=Ann&payment_method=pm_card_visa");
    const QString bob = createCustomer("name=Bob&payment_method=pm_card_amex");
    const SimResponse second =
        m_client->post(u"/v1/payment_methods/pm_card_mastercard/attach"_s, "customer=" + ann.toUtf8());
    QCOMPARE(second.status, 200);
    QVERIFY(second.id().startsWith(u"pm_"_s));

    const QStringList annMethods = paymentMethodsOf(ann);
    QCOMPARE(annMethods.size(), 2);
    QCOMPARE(annMethods.first(), second.id());
    QCOMPARE(paymentMethodsOf(bob).size(), 1);

    const SimResponse byType = m_client->get(u"/v1/payment_methods?customer=%1&type=card"_s.arg(ann));
    QCOMPARE(byType.status, 200);
    QCOMPARE(idsOf(dataOf(byType)), annMethods);
    const QJsonArray data = dataOf(byType);
    for (const QJsonValue &pm : data) {
        QCOMPARE(pm.toObject().value(u"customer"_s).toString(), ann);
        QCOMPARE(pm.toObject().value(u"type"_s).toString(), u"card"_s);
    }
    QCOMPARE(dataOf(m_client->get(u"/v1/payment_methods?customer=%1&type=sepa_debit"_s.arg(ann))).size(), 0);
    QCOMPARE(dataOf(m_client->get(u"/v1/customers/%1/payment_methods?type=card"_s.arg(bob))).size(), 1);
    const SimResponse missing = m_client->get(u"/v1/customers/cus_doesnotexist/payment_methods"_s);
    QCOMPARE(missing.status, 404);
}

void TestSimulatorPayments::detachingDefaultClearsIt()
{
    const QString customer = createCustomer("name=Ann&payment_method=pm_card_visa");
    const QString pm = paymentMethodsOf(customer).value(0);
    QVERIFY(!pm.isEmpty());
    QCOMPARE(
        m_client
            ->post(u"/v1/customers/"_s + customer, "invoice_settings[default_payment_method]=" + pm.toUtf8())
            .status,
        200);
    QCOMPARE(
        stringAt(retrieve(u"/v1/customers/"_s + customer).json, u"invoice_settings.default_payment_method"_s),
        pm);
    QCOMPARE(m_client->post(u"/v1/payment_methods/%1/detach"_s.arg(pm)).status, 200);
    const SimResponse after = retrieve(u"/v1/customers/"_s + customer);
    QVERIFY(valueAt(after.json, u"invoice_settings.default_payment_method"_s).isNull());
}

// ---------------------------------------------------------------------------------------------------------------
// Events

void TestSimulatorPayments::runScenario(const QString &scenario)
{
    if (scenario == u"pay"_s) {
        QCOMPARE(pay("pm_card_visa").status, 200);
    } else if (scenario == u"decline"_s) {
        QCOMPARE(pay("pm_card_visa_chargeDeclined").status, 402);
    } else if (scenario == u"3ds"_s) {
        QCOMPARE(pay("pm_card_authenticationRequired").string(u"status"_s), u"requires_action"_s);
    } else if (scenario == u"cancel"_s) {
        const QString pi = m_client->createPaymentIntent(1000);
        QCOMPARE(m_client->post(u"/v1/payment_intents/%1/cancel"_s.arg(pi)).status, 200);
    } else if (scenario == u"capture"_s) {
        const SimResponse pi = pay("pm_card_visa", 5000, "&capture_method=manual");
        QCOMPARE(m_client->post(u"/v1/payment_intents/%1/capture"_s.arg(pi.id())).status, 200);
    } else if (scenario == u"release"_s) {
        const SimResponse pi = pay("pm_card_visa", 5000, "&capture_method=manual");
        QCOMPARE(m_client->post(u"/v1/payment_intents/%1/cancel"_s.arg(pi.id())).status, 200);
    } else if (scenario == u"refund"_s) {
        const SimResponse pi = pay("pm_card_visa");
        QCOMPARE(m_client->post(u"/v1/refunds"_s, "amount=100&payment_intent=" + pi.id().toUtf8()).status,
                 200);
    } else if (scenario == u"customer"_s) {
        const QString customer = createCustomer("name=Ann");
        QCOMPARE(m_client->post(u"/v1/customers/"_s + customer, "name=Ann%20B").status, 200);
        QCOMPARE(m_client->del(u"/v1/customers/"_s + customer).status, 200);
    } else if (scenario == u"payment method"_s) {
        const QString customer = createCustomer("name=Ann");
        const SimResponse pm =
            m_client->post(u"/v1/payment_methods/pm_card_visa/attach"_s, "customer=" + customer.toUtf8());
        QCOMPARE(pm.status, 200);
        QCOMPARE(m_client->post(u"/v1/payment_methods/%1/detach"_s.arg(pm.id())).status, 200);
    } else {
        QFAIL(qPrintable(u"unknown scenario "_s + scenario));
    }
}

void TestSimulatorPayments::stateChangesEmitEvents_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("absent");

    QTest::newRow("pay") << u"pay"_s
                         << QStringList{u"payment_intent.created"_s, u"charge.succeeded"_s,
                                        u"payment_intent.succeeded"_s}
                         << QStringList{u"payment_intent.payment_failed"_s, u"charge.failed"_s};
    QTest::newRow("decline") << u"decline"_s
                             << QStringList{u"payment_intent.created"_s, u"charge.failed"_s,
                                            u"payment_intent.payment_failed"_s}
                             << QStringList{u"charge.succeeded"_s, u"payment_intent.succeeded"_s};
    QTest::newRow("3ds") << u"3ds"_s
                         << QStringList{u"payment_intent.created"_s, u"payment_intent.requires_action"_s}
                         << QStringList{u"charge.succeeded"_s, u"payment_intent.succeeded"_s};
    QTest::newRow("cancel") << u"cancel"_s
                            << QStringList{u"payment_intent.created"_s, u"payment_intent.canceled"_s}
                            << QStringList{u"charge.refunded"_s};
    QTest::newRow("capture") << u"capture"_s
                             << QStringList{u"payment_intent.amount_capturable_updated"_s,
                                            u"charge.succeeded"_s, u"charge.captured"_s,
                                            u"payment_intent.succeeded"_s}
                             << QStringList{u"payment_intent.canceled"_s};
    QTest::newRow("release authorization")
        << u"release"_s << QStringList{u"payment_intent.canceled"_s, u"charge.refunded"_s}
        << QStringList{u"charge.captured"_s, u"payment_intent.succeeded"_s};
    QTest::newRow("refund") << u"refund"_s << QStringList{u"refund.created"_s, u"charge.refunded"_s}
                            << QStringList{};
    QTest::newRow("customer") << u"customer"_s
                              << QStringList{u"customer.created"_s, u"customer.updated"_s,
                                             u"customer.deleted"_s}
                              << QStringList{};
    QTest::newRow("payment method") << u"payment method"_s
                                    << QStringList{u"payment_method.attached"_s, u"payment_method.detached"_s}
                                    << QStringList{};
}

void TestSimulatorPayments::stateChangesEmitEvents()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, absent);
    runScenario(scenario);
    if (QTest::currentTestFailed())
        return;
    const QJsonArray events = allEvents();
    QStringList types;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        const QString type = event.value(u"type"_s).toString();
        types.append(type);
        QVERIFY(event.value(u"id"_s).toString().startsWith(u"evt_"_s));
        QCOMPARE(event.value(u"object"_s).toString(), u"event"_s);
        QCOMPARE(event.value(u"livemode"_s).toBool(), false);
        QVERIFY(event.value(u"created"_s).toInteger() > 0);
        QVERIFY(!event.value(u"api_version"_s).toString().isEmpty());
        QCOMPARE(stringAt(event, u"data.object.object"_s), objectTypeOfEvent(type));
    }
    for (const QString &type : std::as_const(expected))
        QVERIFY2(types.contains(type), qPrintable(type + u" not in "_s + types.join(u", ")));
    for (const QString &type : std::as_const(absent))
        QVERIFY2(!types.contains(type), qPrintable(type + u" in "_s + types.join(u", ")));
}

void TestSimulatorPayments::eventTypeFilters()
{
    for (const QString &scenario : {u"pay"_s, u"decline"_s, u"refund"_s, u"customer"_s, u"capture"_s}) {
        runScenario(scenario);
        if (QTest::currentTestFailed())
            return;
    }
    const QJsonArray all = allEvents();
    QVERIFY(all.size() > 10);

    struct Case
    {
        QString query;
        QStringList patterns; // what the filter means, checked against the unfiltered list
    };
    const Case cases[] = {
        {u"type=payment_intent.succeeded"_s, {u"payment_intent.succeeded"_s}},
        {u"type=charge.*"_s, {u"charge.*"_s}},
        {u"types[]=charge.succeeded&types[]=refund.created"_s, {u"charge.succeeded"_s, u"refund.created"_s}},
        {u"types[]=customer.*&types[]=payment_intent.payment_failed"_s,
         {u"customer.*"_s, u"payment_intent.payment_failed"_s}},
        {u"type=invoice.paid"_s, {u"invoice.paid"_s}},
    };
    for (const Case &c : cases) {
        QStringList wanted;
        for (const QJsonValue &value : all) {
            const QString type = value.toObject().value(u"type"_s).toString();
            if (std::any_of(c.patterns.cbegin(), c.patterns.cend(),
                            [&type](const QString &pattern) { return typeMatches(pattern, type); }))
                wanted.append(value.toObject().value(u"id"_s).toString());
        }
        const SimResponse filtered = m_client->get(u"/v1/events?limit=100&"_s + c.query);
        QVERIFY2(filtered.status == 200, qPrintable(c.query + u": "_s + QString::fromUtf8(filtered.body)));
        const QStringList got = idsOf(dataOf(filtered));
        QVERIFY2(got == wanted,
                 qPrintable(u"%1: %2 events, expected %3"_s.arg(c.query).arg(got.size()).arg(wanted.size())));
        QVERIFY2(c.query.contains(u"invoice"_s) || !wanted.isEmpty(), qPrintable(c.query));
        QVERIFY(wanted.size() < all.size());
    }
    // type and types[] together are refused.
    const SimResponse both = m_client->get(u"/v1/events?type=charge.succeeded&types[]=refund.created"_s);
    QCOMPARE(both.status, 400);
}

void TestSimulatorPayments::eventCreatedFilter()
{
    QCOMPARE(pay("pm_card_visa").status, 200);
    const int firstCount = int(allEvents().size());
    advance(100);
    const SimResponse second = pay("pm_card_mastercard");
    const qint64 cut = second.json.value(u"created"_s).toInteger();
    const QJsonArray all = allEvents();
    QVERIFY(all.size() > firstCount);

    const QJsonArray newer = dataOf(m_client->get(u"/v1/events?created[gte]=%1"_s.arg(cut)));
    QCOMPARE(newer.size(), all.size() - firstCount);
    for (const QJsonValue &event : newer)
        QVERIFY(event.toObject().value(u"created"_s).toInteger() >= cut);
    QVERIFY(std::any_of(newer.begin(), newer.end(), [&second](const QJsonValue &event) {
        return stringAt(event.toObject(), u"data.object.id"_s) == second.id();
    }));
    const QJsonArray older = dataOf(m_client->get(u"/v1/events?created[lt]=%1"_s.arg(cut)));
    QCOMPARE(older.size(), firstCount);
    for (const QJsonValue &event : older)
        QVERIFY(event.toObject().value(u"created"_s).toInteger() < cut);
    // Combined with a type.
    const QJsonArray both =
        dataOf(m_client->get(u"/v1/events?type=payment_intent.succeeded&created[gte]=%1"_s.arg(cut)));
    QCOMPARE(both.size(), 1);
    QCOMPARE(stringAt(both.first().toObject(), u"data.object.id"_s), second.id());
}

void TestSimulatorPayments::eventDataMatchesObject()
{
    const SimResponse customer = m_client->post(u"/v1/customers"_s, "name=Ann&email=ann%40example.com");
    const SimResponse pi = pay("pm_card_visa", 2222, "&customer=" + customer.id().toUtf8());
    QCOMPARE(pi.status, 200);
    const SimResponse charge = retrieve(u"/v1/charges/"_s + pi.string(u"latest_charge"_s));
    const SimResponse refund =
        m_client->post(u"/v1/refunds"_s, "amount=222&payment_intent=" + pi.id().toUtf8());
    QCOMPARE(refund.status, 200);

    auto eventObject = [this](const QString &type) {
        const QJsonArray events = dataOf(m_client->get(u"/v1/events?type="_s + type));
        return events.size() == 1 ? valueAt(events.first().toObject(), u"data.object"_s).toObject()
                                  : QJsonObject();
    };
    QCOMPARE(eventObject(u"customer.created"_s), customer.json);
    QCOMPARE(eventObject(u"payment_intent.succeeded"_s), pi.json);
    QCOMPARE(eventObject(u"payment_intent.succeeded"_s), retrieve(u"/v1/payment_intents/"_s + pi.id()).json);
    QCOMPARE(eventObject(u"refund.created"_s), refund.json);
    // charge.succeeded shows the charge before the refund; charge.refunded shows it after.
    QJsonObject current = retrieve(u"/v1/charges/"_s + charge.id()).json;
    QCOMPARE(current.value(u"amount_refunded"_s).toInteger(), 222);
    QCOMPARE(eventObject(u"charge.refunded"_s), current);
    current.insert(u"amount_refunded"_s, 0);
    QCOMPARE(eventObject(u"charge.succeeded"_s), current);
    QCOMPARE(eventObject(u"charge.succeeded"_s), charge.json);
}

void TestSimulatorPayments::eventRequestCarriesIdempotencyKey()
{
    const SimResponse withKey = pay("pm_card_visa", 1000, {}, "order-42-attempt-1");
    QCOMPARE(withKey.status, 200);
    const QJsonArray keyed = allEvents();
    QCOMPARE(keyed.size(), 3); // payment_intent.created, charge.succeeded, payment_intent.succeeded
    for (const QJsonValue &event : keyed) {
        QCOMPARE(stringAt(event.toObject(), u"request.idempotency_key"_s), u"order-42-attempt-1"_s);
        QCOMPARE(stringAt(event.toObject(), u"request.id"_s),
                 QString::fromLatin1(withKey.header("Request-Id")));
    }
    // A replay makes no new events.
    QCOMPARE(pay("pm_card_visa", 1000, {}, "order-42-attempt-1").header("Idempotent-Replayed"),
             QByteArray("true"));
    QCOMPARE(allEvents().size(), 3);

    const SimResponse withoutKey = pay("pm_card_visa", 1000);
    const QJsonArray events = dataOf(m_client->get(u"/v1/events?type=payment_intent.succeeded"_s));
    QCOMPARE(events.size(), 2);
    const QJsonObject latest = events.first().toObject();
    QCOMPARE(stringAt(latest, u"data.object.id"_s), withoutKey.id());
    QVERIFY(valueAt(latest, u"request.idempotency_key"_s).isNull());
    QCOMPARE(stringAt(latest, u"request.id"_s), QString::fromLatin1(withoutKey.header("Request-Id")));
}

void TestSimulatorPayments::retrieveEvent()
{
    QCOMPARE(pay("pm_card_visa").status, 200);
    const QJsonArray events = allEvents();
    QVERIFY(!events.isEmpty());
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        const SimResponse one = retrieve(u"/v1/events/"_s + event.value(u"id"_s).toString());
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json, event);
    }
    const SimResponse missing = retrieve(u"/v1/events/evt_doesnotexist"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), u"resource_missing"_s);
}

// ---------------------------------------------------------------------------------------------------------------
// Balance

void TestSimulatorPayments::balanceIsCapturedMinusRefunded()
{
    const SimResponse empty = retrieve(u"/v1/balance"_s);
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.string(u"object"_s), u"balance"_s);
    QCOMPARE(
        balanceSum(empty.json, u"available"_s, u"usd"_s) + balanceSum(empty.json, u"pending"_s, u"usd"_s), 0);

    const SimResponse paid = pay("pm_card_visa", 5000);                               // +5000
    QCOMPARE(pay("pm_card_visa_chargeDeclined", 4000).status, 402);                   // nothing
    const SimResponse partial = pay("pm_card_visa", 3000, "&capture_method=manual");  // +2000 once captured
    const SimResponse released = pay("pm_card_visa", 1500, "&capture_method=manual"); // nothing once canceled
    const SimResponse held = pay("pm_card_visa", 700, "&capture_method=manual");      // nothing while held
    QCOMPARE(held.string(u"status"_s), u"requires_capture"_s);
    QCOMPARE(m_client->post(u"/v1/payment_intents/%1/capture"_s.arg(partial.id()), "amount_to_capture=2000")
                 .status,
             200);
    QCOMPARE(m_client->post(u"/v1/payment_intents/%1/cancel"_s.arg(released.id())).status, 200);
    QCOMPARE(m_client->post(u"/v1/refunds"_s, "amount=1000&payment_intent=" + paid.id().toUtf8()).status,
             200);
    QCOMPARE(m_client
                 ->post(u"/v1/payment_intents"_s,
                        "amount=900&currency=eur&payment_method=pm_card_visa&confirm=true"
                        "&payment_method_types[]=card")
                 .status,
             200);

    const SimResponse balance = retrieve(u"/v1/balance"_s);
    QCOMPARE(balance.status, 200);
    const qint64 usd =
        balanceSum(balance.json, u"available"_s, u"usd"_s) + balanceSum(balance.json, u"pending"_s, u"usd"_s);
    QCOMPARE(usd, 5000 + 2000 - 1000);
    QCOMPARE(balanceSum(balance.json, u"available"_s, u"eur"_s) +
                 balanceSum(balance.json, u"pending"_s, u"eur"_s),
             900);
    // New money is pending; it becomes available after a few days.
    QCOMPARE(balanceSum(balance.json, u"pending"_s, u"usd"_s), 6000);
    advance(7 * 24 * 3600);
    const SimResponse later = retrieve(u"/v1/balance"_s);
    QCOMPARE(balanceSum(later.json, u"available"_s, u"usd"_s), 6000);
    QCOMPARE(balanceSum(later.json, u"pending"_s, u"usd"_s), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes

void TestSimulatorPayments::shapes_data()
{
    QTest::addColumn<QString>("objectType");
    QTest::addColumn<QString>("idPrefix");
    QTest::addColumn<QStringList>("keys");

    // The keys of Stripe's example objects (fixtures3.json) that a point of sale reads; dotted keys are
    // nested.
    QTest::newRow("payment_intent") << u"payment_intent"_s << u"pi_"_s
                                    << QStringList{u"id"_s,
                                                   u"object"_s,
                                                   u"amount"_s,
                                                   u"amount_capturable"_s,
                                                   u"amount_received"_s,
                                                   u"canceled_at"_s,
                                                   u"cancellation_reason"_s,
                                                   u"capture_method"_s,
                                                   u"client_secret"_s,
                                                   u"confirmation_method"_s,
                                                   u"created"_s,
                                                   u"currency"_s,
                                                   u"customer"_s,
                                                   u"description"_s,
                                                   u"last_payment_error"_s,
                                                   u"latest_charge"_s,
                                                   u"livemode"_s,
                                                   u"metadata"_s,
                                                   u"next_action"_s,
                                                   u"payment_method"_s,
                                                   u"payment_method_types"_s,
                                                   u"receipt_email"_s,
                                                   u"statement_descriptor"_s,
                                                   u"status"_s};
    QTest::newRow("charge") << u"charge"_s << u"ch_"_s
                            << QStringList{u"id"_s,
                                           u"object"_s,
                                           u"amount"_s,
                                           u"amount_captured"_s,
                                           u"amount_refunded"_s,
                                           u"balance_transaction"_s,
                                           u"billing_details"_s,
                                           u"captured"_s,
                                           u"created"_s,
                                           u"currency"_s,
                                           u"customer"_s,
                                           u"description"_s,
                                           u"disputed"_s,
                                           u"failure_code"_s,
                                           u"failure_message"_s,
                                           u"livemode"_s,
                                           u"metadata"_s,
                                           u"outcome"_s,
                                           u"outcome.network_status"_s,
                                           u"outcome.reason"_s,
                                           u"outcome.seller_message"_s,
                                           u"outcome.type"_s,
                                           u"paid"_s,
                                           u"payment_intent"_s,
                                           u"payment_method"_s,
                                           u"payment_method_details"_s,
                                           u"payment_method_details.type"_s,
                                           u"payment_method_details.card.brand"_s,
                                           u"payment_method_details.card.country"_s,
                                           u"payment_method_details.card.exp_month"_s,
                                           u"payment_method_details.card.exp_year"_s,
                                           u"payment_method_details.card.fingerprint"_s,
                                           u"payment_method_details.card.funding"_s,
                                           u"payment_method_details.card.last4"_s,
                                           u"payment_method_details.card.network"_s,
                                           u"receipt_email"_s,
                                           u"receipt_number"_s,
                                           u"receipt_url"_s,
                                           u"refunded"_s,
                                           u"status"_s};
    QTest::newRow("refund") << u"refund"_s << u"re_"_s
                            << QStringList{u"id"_s,
                                           u"object"_s,
                                           u"amount"_s,
                                           u"balance_transaction"_s,
                                           u"charge"_s,
                                           u"created"_s,
                                           u"currency"_s,
                                           u"metadata"_s,
                                           u"payment_intent"_s,
                                           u"reason"_s,
                                           u"receipt_number"_s,
                                           u"status"_s};
    QTest::newRow("customer") << u"customer"_s << u"cus_"_s
                              << QStringList{u"id"_s,
                                             u"object"_s,
                                             u"address"_s,
                                             u"balance"_s,
                                             u"created"_s,
                                             u"currency"_s,
                                             u"delinquent"_s,
                                             u"description"_s,
                                             u"email"_s,
                                             u"invoice_settings"_s,
                                             u"invoice_settings.default_payment_method"_s,
                                             u"livemode"_s,
                                             u"metadata"_s,
                                             u"name"_s,
                                             u"phone"_s,
                                             u"preferred_locales"_s,
                                             u"shipping"_s};
    QTest::newRow("payment_method") << u"payment_method"_s << u"pm_"_s
                                    << QStringList{u"id"_s,
                                                   u"object"_s,
                                                   u"allow_redisplay"_s,
                                                   u"billing_details"_s,
                                                   u"billing_details.email"_s,
                                                   u"billing_details.name"_s,
                                                   u"card"_s,
                                                   u"card.brand"_s,
                                                   u"card.country"_s,
                                                   u"card.exp_month"_s,
                                                   u"card.exp_year"_s,
                                                   u"card.fingerprint"_s,
                                                   u"card.funding"_s,
                                                   u"card.last4"_s,
                                                   u"created"_s,
                                                   u"customer"_s,
                                                   u"livemode"_s,
                                                   u"metadata"_s,
                                                   u"type"_s};
}

void TestSimulatorPayments::shapes()
{
    QFETCH(QString, objectType);
    QFETCH(QString, idPrefix);
    QFETCH(QStringList, keys);
    const QString customer = createCustomer("name=Ann&email=ann%40example.com&payment_method=pm_card_visa");
    const QString pm = paymentMethodsOf(customer).value(0);
    const SimResponse pi = pay(pm.toUtf8(), 2500, "&customer=" + customer.toUtf8() + "&metadata[order]=42");
    QCOMPARE(pi.status, 200);
    const SimResponse refund =
        m_client->post(u"/v1/refunds"_s, "amount=500&payment_intent=" + pi.id().toUtf8());
    QCOMPARE(refund.status, 200);
    const QHash<QString, QString> paths{
        {u"payment_intent"_s, u"/v1/payment_intents/"_s + pi.id()},
        {u"charge"_s, u"/v1/charges/"_s + pi.string(u"latest_charge"_s)},
        {u"refund"_s, u"/v1/refunds/"_s + refund.id()},
        {u"customer"_s, u"/v1/customers/"_s + customer},
        {u"payment_method"_s, u"/v1/payment_methods/"_s + pm},
    };
    const SimResponse object = retrieve(paths.value(objectType));
    QCOMPARE(object.status, 200);
    QCOMPARE(object.string(u"object"_s), objectType);
    QVERIFY2(object.id().startsWith(idPrefix), qPrintable(object.id()));
    QCOMPARE(object.json.value(u"livemode"_s).toBool(), false);
    QVERIFY(object.json.value(u"created"_s).toInteger() > 1'600'000'000);
    QVERIFY(object.json.value(u"metadata"_s).isObject());
    QStringList missing;
    for (const QString &key : std::as_const(keys)) {
        if (valueAt(object.json, key).isUndefined())
            missing.append(key);
    }
    QVERIFY2(missing.isEmpty(), qPrintable(u"missing: "_s + missing.join(u", ")));
    // Each list holds the same object.
    const QString listPath = paths.value(objectType).section(u'/', 0, -2);
    const QJsonArray list = dataOf(m_client->get(listPath + u"?limit=100"_s));
    const auto found = std::find_if(list.begin(), list.end(), [&object](const QJsonValue &value) {
        return value.toObject().value(u"id"_s).toString() == object.id();
    });
    QVERIFY(found != list.end());
    QCOMPARE(found->toObject(), object.json);
}

QTEST_GUILESS_MAIN(TestSimulatorPayments)
#include "tst_simulatorpayments.moc"
