// Every request builder in services/stripe/resources, sent through StripeClient to the in-process simulator
// and read back with StripeJson where Kassa has a record for the answer: PaymentIntents, Charges, Refunds,
// PaymentMethods, Customers, Events, WebhookEndpoints, TerminalReaders, CheckoutSessions and the Balance.
// Also declines, 3-D Secure, refunds beyond what is left, and StripePager over lists and searches.
#include "countingnetworkaccessmanager.h"
#include "stripetestsupport.h"

#include "services/stripe/declinemessages.h"
#include "services/stripe/resources/balance.h"
#include "services/stripe/resources/charges.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/events.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/paymentmethods.h"
#include "services/stripe/resources/refunds.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/resources/webhookendpoints.h"
#include "services/stripe/stripeclient.h"
#include "services/stripe/stripejson.h"
#include "services/stripe/stripepager.h"
#include "sim/simulator.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::stripe;
using kassa::sim::Simulator;
using kassa::stripe::test::CountingNetworkAccessManager;
using kassa::stripe::test::describe;
using kassa::stripe::test::runCall;

Q_DECLARE_METATYPE(kassa::stripe::StripeError::Kind)

#define VERIFY_OK(response) QVERIFY2((response).ok(), describe(response).constData())

namespace {

Money usd(qint64 cents)
{
    return Money(cents, Currency::fromCode(u"usd").value());
}

// The value at a dotted path ("next_action.redirect_to_url.url"); undefined when a step is missing.
QJsonValue at(const QJsonObject &object, const QString &path)
{
    QJsonValue current = object;
    const QStringList parts = path.split(u'.');
    for (const QString &part : parts) {
        if (!current.isObject() || !current.toObject().contains(part))
            return QJsonValue(QJsonValue::Undefined);
        current = current.toObject().value(part);
    }
    return current;
}

QString str(const QJsonObject &object, const QString &path)
{
    return at(object, path).toString();
}

QStringList idsOf(const QJsonArray &items)
{
    QStringList ids;
    for (const QJsonValue &item : items)
        ids.append(item.toObject().value(u"id"_s).toString());
    return ids;
}

} // namespace

class TestStripeResources : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void paymentIntentCreateRetrieveUpdate();
    void paymentIntentConfirm();
    void paymentIntentCapturePartial();
    void paymentIntentCancel();
    void paymentIntentListAndSearch();
    void chargeRetrieve();
    void refunds();
    void refundBeyondWhatIsLeft();
    void paymentMethods();
    void customers();
    void events();
    void webhookEndpoints();
    void terminalPaymentIntent();
    void terminalCancelAction();
    void terminalSetupIntent();
    void checkoutSessions();
    void balance();

    void declines_data();
    void declines();
    void threeDSecure();

    void pagerOverPaymentIntents();
    void pagerCancel_data();
    void pagerCancel();
    void searchPager();

private:
    StripeResponse call(const StripeRequest &request) { return runCall(*m_client, request); }
    // A confirmed card payment; empty on failure (the caller QVERIFYs).
    QJsonObject pay(qint64 amount, bool manualCapture = false,
                    const QString &paymentMethod = u"pm_card_visa"_s);
    QString readerId();
    QString terminalIntent(qint64 amount);
    // Creates `count` PaymentIntents at once; their ids in the order the simulator answered.
    QStringList createMany(int count, const QString &tag);

    std::unique_ptr<Simulator> m_sim;
    std::unique_ptr<CountingNetworkAccessManager> m_network;
    std::unique_ptr<StripeClient> m_client;
};

void TestStripeResources::init()
{
    m_sim = std::make_unique<Simulator>();
    QVERIFY2(m_sim->listen(QHostAddress::LocalHost, 0), qPrintable(m_sim->errorString()));
    m_sim->setRandomSeed(20261127);
    m_network = std::make_unique<CountingNetworkAccessManager>();
    StripeClient::Options options;
    options.apiBase = m_sim->baseUrl();
    options.timeoutMs = 20'000;
    m_client = std::make_unique<StripeClient>(*m_network, options);
    m_client->setApiKey(u"sk_test_kassaresources0123"_s);
    m_client->setRate(1000);
}

void TestStripeResources::cleanup()
{
    m_client.reset();
    m_network.reset();
    m_sim.reset();
}

QJsonObject TestStripeResources::pay(qint64 amount, bool manualCapture, const QString &paymentMethod)
{
    PaymentIntents::CreateParams params;
    params.amount = usd(amount);
    params.paymentMethodId = paymentMethod;
    params.confirm = true;
    params.captureMethod = manualCapture ? CaptureMethod::Manual : CaptureMethod::Automatic;
    const StripeResponse response = call(PaymentIntents::create(params));
    if (!response.ok())
        qWarning("pay: %s", describe(response).constData());
    return response.json;
}

QString TestStripeResources::readerId()
{
    const StripeResponse readers = call(TerminalReaders::list());
    return str(readers.json.value(u"data"_s).toArray().first().toObject(), u"id"_s);
}

QString TestStripeResources::terminalIntent(qint64 amount)
{
    PaymentIntents::CreateParams params;
    params.amount = usd(amount);
    params.paymentMethodTypes = {u"card_present"_s};
    params.captureMethod = CaptureMethod::Automatic;
    const StripeResponse response = call(PaymentIntents::create(params));
    return response.ok() ? response.json.value(u"id"_s).toString() : QString();
}

QStringList TestStripeResources::createMany(int count, const QString &tag)
{
    QStringList ids;
    int done = 0;
    int failed = 0;
    QObject context;
    for (int i = 0; i < count; ++i) {
        PaymentIntents::CreateParams params;
        params.amount = usd(100 + i);
        params.metadata.insert(u"batch"_s, tag);
        m_client->send(PaymentIntents::create(params), &context, [&](const StripeResponse &response) {
            ++done;
            if (response.ok())
                ids.append(response.json.value(u"id"_s).toString());
            else
                ++failed;
        });
    }
    if (!QTest::qWaitFor([&] { return done == count; }, 30'000) || failed > 0)
        qWarning("createMany: %d of %d done, %d failed", done, count, failed);
    return ids;
}

// --- PaymentIntents -------------------------------------------------------------------------------------

void TestStripeResources::paymentIntentCreateRetrieveUpdate()
{
    PaymentIntents::CreateParams params;
    params.amount = usd(2599);
    params.description = u"Table 4 – two coffees & cake"_s;
    params.receiptEmail = u"ada+receipt@example.com"_s;
    params.metadata = {{u"order"_s, u"A-17"_s}, {u"till"_s, u"3"_s}};
    params.expand = {u"customer"_s};
    const StripeResponse created = call(PaymentIntents::create(params));
    VERIFY_OK(created);
    QCOMPARE(created.httpStatus, 200);
    QVERIFY(created.requestId.startsWith(u"req_"_s));

    Payment payment;
    QString error;
    QVERIFY2(StripeJson::parse(created.json, &payment, &error), qPrintable(error));
    QVERIFY(payment.id.startsWith(u"pi_"_s));
    QCOMPARE(payment.amount, usd(2599));
    QCOMPARE(payment.status, PaymentIntentStatus::RequiresPaymentMethod);
    QCOMPARE(payment.description, params.description);
    QCOMPARE(payment.metadata, params.metadata);
    QCOMPARE(created.json.value(u"receipt_email"_s).toString(), params.receiptEmail);
    QCOMPARE(created.json.value(u"payment_method_types"_s).toArray(), QJsonArray{u"card"_s});

    const StripeResponse retrieved = call(PaymentIntents::retrieve(payment.id));
    VERIFY_OK(retrieved);
    Payment again;
    QVERIFY2(StripeJson::parse(retrieved.json, &again, &error), qPrintable(error));
    QCOMPARE(again, payment);

    PaymentIntents::UpdateParams update;
    update.amount = usd(2999);
    update.description = u"Table 4, with a tip"_s;
    update.metadata = {{u"till"_s, u""_s}, {u"tip"_s, u"400"_s}}; // "" removes till
    const StripeResponse updated = call(PaymentIntents::update(payment.id, update));
    VERIFY_OK(updated);
    Payment after;
    QVERIFY2(StripeJson::parse(updated.json, &after, &error), qPrintable(error));
    QCOMPARE(after.amount, usd(2999));
    QCOMPARE(after.description, u"Table 4, with a tip"_s);
    QCOMPARE(after.metadata, (QMap<QString, QString>{{u"order"_s, u"A-17"_s}, {u"tip"_s, u"400"_s}}));
}

void TestStripeResources::paymentIntentConfirm()
{
    PaymentIntents::CreateParams params;
    params.amount = usd(1500);
    const StripeResponse created = call(PaymentIntents::create(params));
    VERIFY_OK(created);
    const QString id = created.json.value(u"id"_s).toString();

    const StripeResponse confirmed = call(PaymentIntents::confirm(id, u"pm_card_visa"_s));
    VERIFY_OK(confirmed);
    Payment payment;
    QString error;
    QVERIFY2(StripeJson::parse(confirmed.json, &payment, &error), qPrintable(error));
    QCOMPARE(payment.status, PaymentIntentStatus::Succeeded);
    QCOMPARE(payment.amountReceived, usd(1500));
    QVERIFY(payment.latestChargeId.startsWith(u"ch_"_s));
    QVERIFY(payment.paymentMethodId.startsWith(u"pm_"_s));

    // Expanded on retrieve: the charge comes as an object and still gives its id.
    const StripeResponse expanded =
        call(PaymentIntents::retrieve(id, {u"latest_charge"_s, u"payment_method"_s}));
    VERIFY_OK(expanded);
    QVERIFY(expanded.json.value(u"latest_charge"_s).isObject());
    QVERIFY(expanded.json.value(u"payment_method"_s).isObject());
    Payment again;
    QVERIFY2(StripeJson::parse(expanded.json, &again, &error), qPrintable(error));
    QCOMPARE(again.latestChargeId, payment.latestChargeId);
    QCOMPARE(again.paymentMethodId, payment.paymentMethodId);
}

void TestStripeResources::paymentIntentCapturePartial()
{
    const QJsonObject authorized = pay(1000, true);
    QCOMPARE(authorized.value(u"status"_s).toString(), u"requires_capture"_s);
    QCOMPARE(authorized.value(u"amount_capturable"_s).toInteger(), qint64(1000));
    const QString id = authorized.value(u"id"_s).toString();

    const StripeResponse captured = call(PaymentIntents::capture(id, 600));
    VERIFY_OK(captured);
    Payment payment;
    QString error;
    QVERIFY2(StripeJson::parse(captured.json, &payment, &error), qPrintable(error));
    QCOMPARE(payment.status, PaymentIntentStatus::Succeeded);
    QCOMPARE(payment.captureMethod, CaptureMethod::Manual);
    QCOMPARE(payment.amountReceived, usd(600));
    QCOMPARE(payment.amountCapturable, usd(0));

    const StripeResponse charge = call(Charges::retrieve(payment.latestChargeId));
    VERIFY_OK(charge);
    Charge c;
    QVERIFY2(StripeJson::parse(charge.json, &c, &error), qPrintable(error));
    QCOMPARE(c.amountCaptured, usd(600));
    QVERIFY(c.captured);

    // Capturing everything that is capturable (no amount) on another authorization.
    const QJsonObject second = pay(800, true);
    const StripeResponse all = call(PaymentIntents::capture(second.value(u"id"_s).toString()));
    VERIFY_OK(all);
    QCOMPARE(all.json.value(u"amount_received"_s).toInteger(), qint64(800));
}

void TestStripeResources::paymentIntentCancel()
{
    const QJsonObject authorized = pay(1200, true);
    const QString id = authorized.value(u"id"_s).toString();
    QVERIFY(!id.isEmpty());
    const StripeResponse canceled = call(PaymentIntents::cancel(id, u"requested_by_customer"_s));
    VERIFY_OK(canceled);
    Payment payment;
    QString error;
    QVERIFY2(StripeJson::parse(canceled.json, &payment, &error), qPrintable(error));
    QCOMPARE(payment.status, PaymentIntentStatus::Canceled);
    QCOMPARE(payment.cancellationReason, u"requested_by_customer"_s);
    QVERIFY(payment.canceledAt.isValid());
    QVERIFY(payment.isFinal());

    // A succeeded intent cannot be canceled.
    const QJsonObject paid = pay(500);
    const StripeResponse refused = call(PaymentIntents::cancel(paid.value(u"id"_s).toString()));
    QCOMPARE(refused.error.kind, StripeError::Kind::InvalidRequest);
    QCOMPARE(refused.httpStatus, 400);
}

void TestStripeResources::paymentIntentListAndSearch()
{
    const QStringList ids = createMany(5, u"listing"_s);
    QCOMPARE(ids.size(), 5);
    PaymentIntents::ListParams params;
    params.limit = 3;
    const StripeResponse first = call(PaymentIntents::list(params));
    VERIFY_OK(first);
    QCOMPARE(first.json.value(u"object"_s).toString(), u"list"_s);
    QVERIFY(first.json.value(u"has_more"_s).toBool());
    const QJsonArray page = first.json.value(u"data"_s).toArray();
    QCOMPARE(page.size(), 3);
    for (const QJsonValue &item : page) {
        Payment p;
        QString error;
        QVERIFY2(StripeJson::parse(item.toObject(), &p, &error), qPrintable(error));
    }
    params.startingAfter = idsOf(page).last();
    const StripeResponse second = call(PaymentIntents::list(params));
    VERIFY_OK(second);
    QCOMPARE(second.json.value(u"data"_s).toArray().size(), 2);
    QVERIFY(!second.json.value(u"has_more"_s).toBool());
    QSet<QString> all(ids.cbegin(), ids.cend());
    const QStringList listed = idsOf(page) + idsOf(second.json.value(u"data"_s).toArray());
    QCOMPARE(QSet<QString>(listed.cbegin(), listed.cend()), all);

    // created[gte] in the future finds nothing.
    PaymentIntents::ListParams future;
    future.createdGte = QDateTime::currentSecsSinceEpoch() + 86400;
    const StripeResponse none = call(PaymentIntents::list(future));
    VERIFY_OK(none);
    QVERIFY(none.json.value(u"data"_s).toArray().isEmpty());

    const StripeResponse found = call(PaymentIntents::search(u"metadata['batch']:'listing'"_s, 10));
    VERIFY_OK(found);
    QCOMPARE(found.json.value(u"object"_s).toString(), u"search_result"_s);
    QCOMPARE(found.json.value(u"data"_s).toArray().size(), 5);
    const StripeResponse nothing = call(PaymentIntents::search(u"metadata['batch']:'other'"_s));
    VERIFY_OK(nothing);
    QVERIFY(nothing.json.value(u"data"_s).toArray().isEmpty());
    const StripeResponse bad = call(PaymentIntents::search(u"nonsense field:::"_s));
    QCOMPARE(bad.error.kind, StripeError::Kind::InvalidRequest);
    QCOMPARE(bad.error.param, u"query"_s);
}

// --- Charges and refunds --------------------------------------------------------------------------------

void TestStripeResources::chargeRetrieve()
{
    const QJsonObject paid = pay(2000);
    const QString chargeId = paid.value(u"latest_charge"_s).toString();
    QVERIFY(chargeId.startsWith(u"ch_"_s));
    const StripeResponse response = call(Charges::retrieve(chargeId, {u"payment_intent"_s}));
    VERIFY_OK(response);
    QVERIFY(response.json.value(u"payment_intent"_s).isObject());
    Charge charge;
    QString error;
    QVERIFY2(StripeJson::parse(response.json, &charge, &error), qPrintable(error));
    QCOMPARE(charge.id, chargeId);
    QCOMPARE(charge.paymentIntentId, paid.value(u"id"_s).toString());
    QCOMPARE(charge.amount, usd(2000));
    QCOMPARE(charge.status, ChargeStatus::Succeeded);
    QVERIFY(charge.paid);
    QCOMPARE(charge.paymentMethodDetails.type, PaymentMethodType::Card);
    QCOMPARE(charge.paymentMethodDetails.brand, CardBrand::Visa);
    QCOMPARE(charge.paymentMethodDetails.last4, u"4242"_s);
    QCOMPARE(charge.amountRefundable(), std::optional<Money>(usd(2000)));

    const StripeResponse missing = call(Charges::retrieve(u"ch_doesnotexist"_s));
    QCOMPARE(missing.error.kind, StripeError::Kind::InvalidRequest);
    QCOMPARE(missing.httpStatus, 404);
    QCOMPARE(missing.error.code, u"resource_missing"_s);
}

void TestStripeResources::refunds()
{
    const QJsonObject paid = pay(1000);
    const QString pi = paid.value(u"id"_s).toString();
    QVERIFY(!pi.isEmpty());

    Refunds::CreateParams partial;
    partial.paymentIntentId = pi;
    partial.amount = 300;
    partial.reason = RefundReason::RequestedByCustomer;
    partial.metadata = {{u"requested_by"_s, u"till-3"_s}, {u"approved_by"_s, u"manager"_s}};
    const StripeResponse first = call(Refunds::create(partial));
    VERIFY_OK(first);
    Refund refund;
    QString error;
    QVERIFY2(StripeJson::parse(first.json, &refund, &error), qPrintable(error));
    QVERIFY(refund.id.startsWith(u"re_"_s));
    QCOMPARE(refund.amount, usd(300));
    QCOMPARE(refund.paymentIntentId, pi);
    QCOMPARE(refund.chargeId, paid.value(u"latest_charge"_s).toString());
    QCOMPARE(refund.status, RefundStatus::Succeeded);
    QCOMPARE(refund.reason, RefundReason::RequestedByCustomer);
    QCOMPARE(refund.metadata, partial.metadata);

    const StripeResponse retrieved = call(Refunds::retrieve(refund.id));
    VERIFY_OK(retrieved);
    Refund again;
    QVERIFY2(StripeJson::parse(retrieved.json, &again, &error), qPrintable(error));
    QCOMPARE(again, refund);

    // Without an amount: what is left, by charge id this time.
    Refunds::CreateParams rest;
    rest.chargeId = refund.chargeId;
    const StripeResponse second = call(Refunds::create(rest));
    VERIFY_OK(second);
    QCOMPARE(second.json.value(u"amount"_s).toInteger(), qint64(700));

    const StripeResponse listed = call(Refunds::list(pi));
    VERIFY_OK(listed);
    const QStringList ids = idsOf(listed.json.value(u"data"_s).toArray());
    QCOMPARE(ids, (QStringList{second.json.value(u"id"_s).toString(), refund.id})); // newest first
    const StripeResponse charge = call(Charges::retrieve(refund.chargeId));
    QVERIFY(charge.json.value(u"refunded"_s).toBool());

    // A succeeded refund cannot be canceled.
    const StripeResponse cancel = call(Refunds::cancel(refund.id));
    QCOMPARE(cancel.error.kind, StripeError::Kind::InvalidRequest);
    QCOMPARE(cancel.httpStatus, 400);
    QCOMPARE(cancel.attempts, 1);
    QVERIFY(cancel.error.requestId.startsWith(u"req_"_s));
}

void TestStripeResources::refundBeyondWhatIsLeft()
{
    const QJsonObject paid = pay(1000);
    const QString pi = paid.value(u"id"_s).toString();
    Refunds::CreateParams first;
    first.paymentIntentId = pi;
    first.amount = 600;
    VERIFY_OK(call(Refunds::create(first)));

    Refunds::CreateParams tooMuch;
    tooMuch.paymentIntentId = pi;
    tooMuch.amount = 401;
    const StripeResponse refused = call(Refunds::create(tooMuch));
    QCOMPARE(refused.error.kind, StripeError::Kind::InvalidRequest);
    QCOMPARE(refused.httpStatus, 400);
    QCOMPARE(refused.error.param, u"amount"_s);
    QCOMPARE(refused.attempts, 1);
    QVERIFY(!refused.error.message.isEmpty());

    tooMuch.amount = 400;
    VERIFY_OK(call(Refunds::create(tooMuch)));
    // Nothing left at all.
    Refunds::CreateParams again;
    again.paymentIntentId = pi;
    const StripeResponse exhausted = call(Refunds::create(again));
    QCOMPARE(exhausted.error.kind, StripeError::Kind::InvalidRequest);
    QCOMPARE(exhausted.error.code, u"charge_already_refunded"_s);
}

// --- PaymentMethods and Customers -----------------------------------------------------------------------

void TestStripeResources::paymentMethods()
{
    Customers::Params params;
    params.email = u"grace@example.com"_s;
    const StripeResponse customer = call(Customers::create(params));
    VERIFY_OK(customer);
    const QString customerId = customer.json.value(u"id"_s).toString();

    const StripeResponse attached = call(PaymentMethods::attach(u"pm_card_mastercard"_s, customerId));
    VERIFY_OK(attached);
    PaymentMethod method;
    QString error;
    QVERIFY2(StripeJson::parse(attached.json, &method, &error), qPrintable(error));
    QVERIFY(method.id.startsWith(u"pm_"_s));
    QCOMPARE(method.customerId, customerId);
    QCOMPARE(method.type, PaymentMethodType::Card);
    QCOMPARE(method.card.brand, CardBrand::Mastercard);
    QCOMPARE(method.card.last4, u"4444"_s);

    const StripeResponse retrieved = call(PaymentMethods::retrieve(method.id));
    VERIFY_OK(retrieved);
    PaymentMethod again;
    QVERIFY2(StripeJson::parse(retrieved.json, &again, &error), qPrintable(error));
    QCOMPARE(again, method);

    const StripeResponse listed = call(PaymentMethods::list(customerId));
    VERIFY_OK(listed);
    QCOMPARE(idsOf(listed.json.value(u"data"_s).toArray()), QStringList{method.id});
    const StripeResponse cards = call(PaymentMethods::list(customerId, u"card"_s, 10));
    VERIFY_OK(cards);
    QCOMPARE(cards.json.value(u"data"_s).toArray().size(), 1);

    const StripeResponse detached = call(PaymentMethods::detach(method.id));
    VERIFY_OK(detached);
    QVERIFY(detached.json.value(u"customer"_s).isNull());
    const StripeResponse empty = call(PaymentMethods::list(customerId));
    VERIFY_OK(empty);
    QVERIFY(empty.json.value(u"data"_s).toArray().isEmpty());
}

void TestStripeResources::customers()
{
    Customers::Params params;
    params.name = u"Ada Lovelace"_s;
    params.email = u"ada+kassa@example.com"_s;
    params.phone = u"+44 20 7946 0000"_s;
    params.metadata = {{u"loyalty"_s, u"gold"_s}};
    const StripeResponse created = call(Customers::create(params));
    VERIFY_OK(created);
    Customer customer;
    QString error;
    QVERIFY2(StripeJson::parse(created.json, &customer, &error), qPrintable(error));
    QVERIFY(customer.id.startsWith(u"cus_"_s));
    QCOMPARE(customer.name, params.name);
    QCOMPARE(customer.email, params.email);
    QCOMPARE(customer.phone, params.phone);
    QCOMPARE(customer.metadata, params.metadata);

    const StripeResponse retrieved = call(Customers::retrieve(customer.id));
    VERIFY_OK(retrieved);
    Customer again;
    QVERIFY2(StripeJson::parse(retrieved.json, &again, &error), qPrintable(error));
    QCOMPARE(again, customer);

    Customers::Params update;
    update.description = u"Prefers oat milk"_s;
    const StripeResponse updated = call(Customers::update(customer.id, update));
    VERIFY_OK(updated);
    QCOMPARE(updated.json.value(u"description"_s).toString(), update.description);
    QCOMPARE(updated.json.value(u"name"_s).toString(), params.name); // untouched

    const StripeResponse attached = call(PaymentMethods::attach(u"pm_card_visa"_s, customer.id));
    VERIFY_OK(attached);
    const QString pm = attached.json.value(u"id"_s).toString();
    const StripeResponse withDefault = call(Customers::setDefaultPaymentMethod(customer.id, pm));
    VERIFY_OK(withDefault);
    QVERIFY2(StripeJson::parse(withDefault.json, &again, &error), qPrintable(error));
    QCOMPARE(again.defaultPaymentMethodId, pm);

    const StripeResponse listed = call(Customers::list(params.email));
    VERIFY_OK(listed);
    QCOMPARE(idsOf(listed.json.value(u"data"_s).toArray()), QStringList{customer.id});
    const StripeResponse searched = call(Customers::search(u"email:'ada+kassa@example.com'"_s));
    VERIFY_OK(searched);
    QCOMPARE(idsOf(searched.json.value(u"data"_s).toArray()), QStringList{customer.id});

    const StripeResponse removed = call(Customers::remove(customer.id));
    VERIFY_OK(removed);
    Customer deleted;
    QVERIFY2(StripeJson::parse(removed.json, &deleted, &error), qPrintable(error));
    QVERIFY(deleted.deleted);
    QCOMPARE(deleted.id, customer.id);
    const StripeResponse gone = call(Customers::list(params.email));
    VERIFY_OK(gone);
    QVERIFY(gone.json.value(u"data"_s).toArray().isEmpty());
}

// --- Events and webhook endpoints -----------------------------------------------------------------------

void TestStripeResources::events()
{
    const qint64 before = QDateTime::currentSecsSinceEpoch() - 5;
    const QJsonObject paid = pay(1100);
    QVERIFY(!paid.isEmpty());

    Events::ListParams one;
    one.types = {u"payment_intent.succeeded"_s};
    const StripeResponse succeeded = call(Events::list(one));
    VERIFY_OK(succeeded);
    const QJsonArray data = succeeded.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(str(data.first().toObject(), u"type"_s), u"payment_intent.succeeded"_s);
    QCOMPARE(str(data.first().toObject(), u"data.object.id"_s), paid.value(u"id"_s).toString());

    Events::ListParams two;
    two.types = {u"payment_intent.created"_s, u"charge.succeeded"_s};
    two.createdGte = before;
    const StripeResponse both = call(Events::list(two));
    VERIFY_OK(both);
    QSet<QString> types;
    const QJsonArray bothData = both.json.value(u"data"_s).toArray();
    for (const QJsonValue &event : bothData)
        types.insert(event.toObject().value(u"type"_s).toString());
    QCOMPARE(types, (QSet<QString>{u"payment_intent.created"_s, u"charge.succeeded"_s}));

    Events::ListParams future;
    future.createdGte = QDateTime::currentSecsSinceEpoch() + 3600;
    const StripeResponse none = call(Events::list(future));
    VERIFY_OK(none);
    QVERIFY(none.json.value(u"data"_s).toArray().isEmpty());

    const QString eventId = str(data.first().toObject(), u"id"_s);
    const StripeResponse retrieved = call(Events::retrieve(eventId));
    VERIFY_OK(retrieved);
    QCOMPARE(retrieved.json.value(u"id"_s).toString(), eventId);
    QCOMPARE(retrieved.json.value(u"object"_s).toString(), u"event"_s);
}

void TestStripeResources::webhookEndpoints()
{
    const StripeResponse created =
        call(WebhookEndpoints::create(u"http://127.0.0.1:9/kassa/webhook"_s,
                                      {u"payment_intent.succeeded"_s, u"charge.refunded"_s}, u"Till 3"_s));
    VERIFY_OK(created);
    const QString id = created.json.value(u"id"_s).toString();
    QVERIFY(id.startsWith(u"we_"_s));
    QVERIFY2(created.json.value(u"secret"_s).toString().startsWith(u"whsec_"_s),
             describe(created).constData());
    QCOMPARE(created.json.value(u"enabled_events"_s).toArray().size(), 2);
    QCOMPARE(created.json.value(u"description"_s).toString(), u"Till 3"_s);

    const StripeResponse listed = call(WebhookEndpoints::list());
    VERIFY_OK(listed);
    QVERIFY(idsOf(listed.json.value(u"data"_s).toArray()).contains(id));

    const StripeResponse removed = call(WebhookEndpoints::remove(id));
    VERIFY_OK(removed);
    QVERIFY(removed.json.value(u"deleted"_s).toBool());
    const StripeResponse after = call(WebhookEndpoints::list());
    VERIFY_OK(after);
    QVERIFY(!idsOf(after.json.value(u"data"_s).toArray()).contains(id));
}

// --- Terminal -------------------------------------------------------------------------------------------

void TestStripeResources::terminalPaymentIntent()
{
    const StripeResponse readers = call(TerminalReaders::list(10));
    VERIFY_OK(readers);
    const QJsonArray data = readers.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 1);
    const QString reader = str(data.first().toObject(), u"id"_s);
    QVERIFY(reader.startsWith(u"tmr_"_s));
    const StripeResponse one = call(TerminalReaders::retrieve(reader));
    VERIFY_OK(one);
    QCOMPARE(one.json.value(u"object"_s).toString(), u"terminal.reader"_s);

    const QString pi = terminalIntent(1234);
    QVERIFY(!pi.isEmpty());
    const StripeResponse processing = call(TerminalReaders::processPaymentIntent(reader, pi));
    VERIFY_OK(processing);
    QCOMPARE(str(processing.json, u"action.type"_s), u"process_payment_intent"_s);
    QCOMPARE(str(processing.json, u"action.status"_s), u"in_progress"_s);

    const StripeResponse presented = call(TerminalReaders::presentPaymentMethod(reader));
    VERIFY_OK(presented);
    QCOMPARE(str(presented.json, u"action.status"_s), u"succeeded"_s);
    const StripeResponse intent = call(PaymentIntents::retrieve(pi, {u"latest_charge"_s}));
    VERIFY_OK(intent);
    Payment payment;
    QString error;
    QVERIFY2(StripeJson::parse(intent.json, &payment, &error), qPrintable(error));
    QCOMPARE(payment.status, PaymentIntentStatus::Succeeded);
    Charge charge;
    QVERIFY2(StripeJson::parse(intent.json.value(u"latest_charge"_s).toObject(), &charge, &error),
             qPrintable(error));
    QCOMPARE(charge.paymentMethodDetails.type, PaymentMethodType::CardPresent);
    QCOMPARE(charge.paymentMethodDetails.last4, u"4242"_s);

    // A declining test card number.
    const QString declined = terminalIntent(2000);
    VERIFY_OK(call(TerminalReaders::processPaymentIntent(reader, declined)));
    const StripeResponse failed = call(TerminalReaders::presentPaymentMethod(reader, u"4000000000000002"_s));
    VERIFY_OK(failed);
    QCOMPARE(str(failed.json, u"action.status"_s), u"failed"_s);
    QCOMPARE(str(failed.json, u"action.failure_code"_s), u"card_declined"_s);
}

void TestStripeResources::terminalCancelAction()
{
    const QString reader = readerId();
    const QString pi = terminalIntent(4200);
    VERIFY_OK(call(TerminalReaders::processPaymentIntent(reader, pi)));
    const StripeResponse canceled = call(TerminalReaders::cancelAction(reader));
    VERIFY_OK(canceled);
    QCOMPARE(str(canceled.json, u"action.status"_s), u"failed"_s);
    QCOMPARE(str(canceled.json, u"action.failure_code"_s), u"canceled"_s);
    const StripeResponse intent = call(PaymentIntents::retrieve(pi));
    QCOMPARE(intent.json.value(u"status"_s).toString(), u"requires_payment_method"_s);
    // Nothing to cancel any more.
    const StripeResponse again = call(TerminalReaders::cancelAction(reader));
    QCOMPARE(again.error.kind, StripeError::Kind::InvalidRequest);
}

void TestStripeResources::terminalSetupIntent()
{
    Customers::Params params;
    params.email = u"saver@example.com"_s;
    const StripeResponse customer = call(Customers::create(params));
    VERIFY_OK(customer);
    const QString customerId = customer.json.value(u"id"_s).toString();

    // There is no SetupIntents builder; a raw request does.
    StripeParams setupParams;
    setupParams.add(u"customer"_s, customerId);
    setupParams.addList(u"payment_method_types"_s, {u"card_present"_s});
    const StripeResponse setup = call(StripeRequest::post(u"/v1/setup_intents"_s, setupParams));
    VERIFY_OK(setup);
    const QString seti = setup.json.value(u"id"_s).toString();
    QVERIFY(seti.startsWith(u"seti_"_s));

    const QString reader = readerId();
    const StripeResponse processing = call(TerminalReaders::processSetupIntent(reader, seti));
    VERIFY_OK(processing);
    QCOMPARE(str(processing.json, u"action.type"_s), u"process_setup_intent"_s);
    QCOMPARE(str(processing.json, u"action.process_setup_intent.setup_intent"_s), seti);
    const StripeResponse presented = call(TerminalReaders::presentPaymentMethod(reader));
    VERIFY_OK(presented);
    QCOMPARE(str(presented.json, u"action.status"_s), u"succeeded"_s);

    const StripeResponse saved = call(PaymentMethods::list(customerId));
    VERIFY_OK(saved);
    const QJsonArray methods = saved.json.value(u"data"_s).toArray();
    QCOMPARE(methods.size(), 1);
    PaymentMethod method;
    QString error;
    QVERIFY2(StripeJson::parse(methods.first().toObject(), &method, &error), qPrintable(error));
    QCOMPARE(method.customerId, customerId);
    QCOMPARE(method.type, PaymentMethodType::Card);
}

// --- Checkout and balance -------------------------------------------------------------------------------

void TestStripeResources::checkoutSessions()
{
    CheckoutSessions::PaymentParams params;
    params.amount = usd(2500);
    params.itemName = u"Lunch for two"_s;
    params.successUrl = u"https://example.com/paid?session={CHECKOUT_SESSION_ID}"_s;
    params.cancelUrl = u"https://example.com/canceled"_s;
    params.metadata = {{u"order"_s, u"Q-7"_s}};
    params.expiresAt = QDateTime::currentSecsSinceEpoch() + 2 * 3600;
    const StripeResponse created = call(CheckoutSessions::createPayment(params));
    VERIFY_OK(created);
    const QString id = created.json.value(u"id"_s).toString();
    QVERIFY(id.startsWith(u"cs_"_s));
    QCOMPARE(created.json.value(u"mode"_s).toString(), u"payment"_s);
    QCOMPARE(created.json.value(u"status"_s).toString(), u"open"_s);
    QCOMPARE(created.json.value(u"amount_total"_s).toInteger(), qint64(2500));
    QCOMPARE(created.json.value(u"expires_at"_s).toInteger(), params.expiresAt);
    QCOMPARE(str(created.json, u"metadata.order"_s), u"Q-7"_s);
    const QUrl url(created.json.value(u"url"_s).toString());
    QVERIFY2(url.isValid() && !url.host().isEmpty(), qPrintable(url.toString()));

    const StripeResponse retrieved = call(CheckoutSessions::retrieve(id));
    VERIFY_OK(retrieved);
    QCOMPARE(retrieved.json.value(u"id"_s).toString(), id);

    const StripeResponse expired = call(CheckoutSessions::expire(id));
    VERIFY_OK(expired);
    QCOMPARE(expired.json.value(u"status"_s).toString(), u"expired"_s);

    Customers::Params customerParams;
    customerParams.email = u"setup@example.com"_s;
    const StripeResponse customer = call(Customers::create(customerParams));
    VERIFY_OK(customer);
    const StripeResponse setup = call(CheckoutSessions::createSetup(
        customer.json.value(u"id"_s).toString(), u"usd"_s, u"https://example.com/saved"_s));
    VERIFY_OK(setup);
    QCOMPARE(setup.json.value(u"mode"_s).toString(), u"setup"_s);
    QCOMPARE(setup.json.value(u"customer"_s).toString(), customer.json.value(u"id"_s).toString());
    QVERIFY(!setup.json.value(u"url"_s).toString().isEmpty());
}

void TestStripeResources::balance()
{
    const StripeResponse empty = call(Balance::retrieve());
    VERIFY_OK(empty);
    QCOMPARE(empty.json.value(u"object"_s).toString(), u"balance"_s);
    QVERIFY(empty.json.value(u"available"_s).isArray());
    QVERIFY(pay(5000).value(u"status"_s).toString() == u"succeeded"_s);
    const StripeResponse after = call(Balance::retrieve());
    VERIFY_OK(after);
    qint64 pending = 0;
    const QJsonArray funds = after.json.value(u"pending"_s).toArray();
    for (const QJsonValue &fund : funds) {
        if (fund.toObject().value(u"currency"_s).toString() == u"usd"_s)
            pending += fund.toObject().value(u"amount"_s).toInteger();
    }
    QCOMPARE(pending, qint64(5000));
}

// --- Declines and 3-D Secure ----------------------------------------------------------------------------

void TestStripeResources::declines_data()
{
    QTest::addColumn<QString>("paymentMethod");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("declineCode");

    QTest::newRow("generic decline") << u"pm_card_visa_chargeDeclined"_s << u"card_declined"_s
                                     << u"generic_decline"_s;
    QTest::newRow("insufficient funds")
        << u"pm_card_visa_chargeDeclinedInsufficientFunds"_s << u"card_declined"_s << u"insufficient_funds"_s;
    QTest::newRow("lost card") << u"pm_card_visa_chargeDeclinedLostCard"_s << u"card_declined"_s
                               << u"lost_card"_s;
    QTest::newRow("expired card") << u"pm_card_chargeDeclinedExpiredCard"_s << u"expired_card"_s << QString();
    QTest::newRow("incorrect cvc") << u"pm_card_chargeDeclinedIncorrectCvc"_s << u"incorrect_cvc"_s
                                   << QString();
}

void TestStripeResources::declines()
{
    QFETCH(QString, paymentMethod);
    QFETCH(QString, code);
    QFETCH(QString, declineCode);

    PaymentIntents::CreateParams params;
    params.amount = usd(3300);
    params.paymentMethodId = paymentMethod;
    params.confirm = true;
    const StripeResponse response = call(PaymentIntents::create(params));
    QCOMPARE(response.error.kind, StripeError::Kind::Card);
    QCOMPARE(response.httpStatus, 402);
    QCOMPARE(response.error.type, u"card_error"_s);
    QCOMPARE(response.error.code, code);
    if (!declineCode.isEmpty())
        QCOMPARE(response.error.declineCode, declineCode);
    QVERIFY(response.error.paymentIntentId.startsWith(u"pi_"_s));
    QCOMPARE(response.error.paymentIntent.value(u"status"_s).toString(), u"requires_payment_method"_s);
    QVERIFY(response.error.requestId.startsWith(u"req_"_s));
    QCOMPARE(response.requestId, response.error.requestId);
    QCOMPARE(response.attempts, 1); // a decline is an answer, not a fault
    QVERIFY(!response.error.message.isEmpty());
    QVERIFY2(response.error.toString().contains(response.error.requestId),
             qPrintable(response.error.toString()));

    // The intent waits for another payment method and says why.
    const StripeResponse intent = call(PaymentIntents::retrieve(response.error.paymentIntentId));
    VERIFY_OK(intent);
    Payment payment;
    QString error;
    QVERIFY2(StripeJson::parse(intent.json, &payment, &error), qPrintable(error));
    QCOMPARE(payment.status, PaymentIntentStatus::RequiresPaymentMethod);
    QCOMPARE(payment.lastPaymentError.code, code);
    QCOMPARE(payment.lastPaymentError.type, u"card_error"_s);
    if (!declineCode.isEmpty())
        QCOMPARE(payment.lastPaymentError.declineCode, declineCode);

    // What the cashier reads never carries Stripe's raw codes.
    const DeclineMessages::Advice advice = DeclineMessages::forError(response.error);
    QVERIFY(!advice.reason.isEmpty());
    QVERIFY(!advice.nextStep.isEmpty());
    QVERIFY(!advice.reason.contains(code));
}

void TestStripeResources::threeDSecure()
{
    PaymentIntents::CreateParams params;
    params.amount = usd(4999);
    params.paymentMethodId = u"pm_card_authenticationRequired"_s;
    params.confirm = true;
    params.returnUrl = u"https://example.com/kassa/3ds-return"_s;
    const StripeResponse response = call(PaymentIntents::create(params));
    VERIFY_OK(response);
    Payment payment;
    QString error;
    QVERIFY2(StripeJson::parse(response.json, &payment, &error), qPrintable(error));
    QCOMPARE(payment.status, PaymentIntentStatus::RequiresAction);
    QCOMPARE(str(response.json, u"next_action.type"_s), u"redirect_to_url"_s);
    const QUrl url(str(response.json, u"next_action.redirect_to_url.url"_s));
    QVERIFY2(url.isValid() && url.scheme().startsWith(u"http"_s), qPrintable(url.toString()));
    QCOMPARE(url.port(), m_sim->baseUrl().port()); // the simulator's own authentication page
    QCOMPARE(str(response.json, u"next_action.redirect_to_url.return_url"_s), params.returnUrl);

    // Asked not to stop for authentication: a card error instead.
    params.returnUrl.clear();
    params.errorOnRequiresAction = true;
    const StripeResponse refused = call(PaymentIntents::create(params));
    QCOMPARE(refused.error.kind, StripeError::Kind::Card);
    QCOMPARE(refused.error.code, u"authentication_required"_s);
}

// --- Pagers ---------------------------------------------------------------------------------------------

void TestStripeResources::pagerOverPaymentIntents()
{
    // The oldest one alone, then 248 at once, then the newest one alone: the ends are known.
    const QStringList oldest = createMany(1, u"pager"_s);
    const QStringList middle = createMany(248, u"pager"_s);
    const QStringList newest = createMany(1, u"pager"_s);
    QCOMPARE(oldest.size() + middle.size() + newest.size(), 250);

    PaymentIntents::ListParams params;
    params.limit = 100;
    StripePager pager(*m_client, PaymentIntents::list(params));
    QSignalSpy pages(&pager, &StripePager::page);
    QSignalSpy progress(&pager, &StripePager::progress);
    QSignalSpy finished(&pager, &StripePager::finished);
    QStringList ids;
    connect(&pager, &StripePager::page, this, [&ids](const QJsonArray &items) { ids += idsOf(items); });
    pager.start();
    QVERIFY(pager.isRunning());
    QVERIFY(finished.wait(20'000));
    QVERIFY(!pager.isRunning());
    QCOMPARE(finished.first().first().value<StripeError>().kind, StripeError::Kind::None);

    QCOMPARE(ids.size(), 250);
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), 250);
    QCOMPARE(ids.first(), newest.first());
    QCOMPARE(ids.last(), oldest.first());
    QCOMPARE(pages.size(), 3);
    QCOMPARE(progress.size(), 3);
    QCOMPARE(progress.at(0).first().toInt(), 100);
    QCOMPARE(progress.at(1).first().toInt(), 200);
    QCOMPARE(progress.at(2).first().toInt(), 250);
    QCOMPARE(pager.fetched(), 250);
    QCOMPARE(m_sim->stats().value(u"by_route"_s).toObject().value(u"GET /v1/payment_intents"_s).toInteger(),
             qint64(3));
}

void TestStripeResources::pagerCancel_data()
{
    QTest::addColumn<QString>("when");
    QTest::addColumn<int>("maxItems");
    QTest::addColumn<int>("fetched");
    QTest::addColumn<StripeError::Kind>("kind");

    QTest::newRow("after the first page") << u"page"_s << 0 << 40 << StripeError::Kind::Canceled;
    QTest::newRow("while the first page is in flight") << u"start"_s << 0 << 0 << StripeError::Kind::Canceled;
    QTest::newRow("at most 70 items") << u"never"_s << 70 << 70 << StripeError::Kind::None;
}

void TestStripeResources::pagerCancel()
{
    QFETCH(QString, when);
    QFETCH(int, maxItems);
    QFETCH(int, fetched);
    QFETCH(StripeError::Kind, kind);

    QCOMPARE(createMany(120, u"cancel"_s).size(), 120);
    PaymentIntents::ListParams params;
    params.limit = 40;
    StripePager pager(*m_client, PaymentIntents::list(params));
    pager.setMaxItems(maxItems);
    QSignalSpy finished(&pager, &StripePager::finished);
    int items = 0;
    connect(&pager, &StripePager::page, this, [&](const QJsonArray &page) {
        items += int(page.size());
        if (when == u"page"_s)
            pager.cancel();
    });
    pager.start();
    if (when == u"start"_s)
        pager.cancel();
    QVERIFY(finished.size() == 1 || finished.wait(10'000));
    QCOMPARE(finished.first().first().value<StripeError>().kind, kind);
    QCOMPARE(pager.fetched(), fetched);
    QCOMPARE(items, fetched);
    QVERIFY(!pager.isRunning());
    // No more pages after the end.
    QTest::qWait(200);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(pager.fetched(), fetched);
}

void TestStripeResources::searchPager()
{
    QCOMPARE(createMany(25, u"wanted"_s).size(), 25);
    QCOMPARE(createMany(7, u"other"_s).size(), 7);

    StripePager pager(*m_client, PaymentIntents::search(u"metadata['batch']:'wanted'"_s, 10));
    QSignalSpy finished(&pager, &StripePager::finished);
    QSignalSpy progress(&pager, &StripePager::progress);
    QStringList ids;
    connect(&pager, &StripePager::page, this, [&ids](const QJsonArray &items) { ids += idsOf(items); });
    pager.start();
    QVERIFY(finished.wait(10'000));
    QCOMPARE(finished.first().first().value<StripeError>().kind, StripeError::Kind::None);
    QCOMPARE(ids.size(), 25);
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), 25);
    QCOMPARE(progress.size(), 3);
    QCOMPARE(progress.last().first().toInt(), 25);
    QCOMPARE(
        m_sim->stats().value(u"by_route"_s).toObject().value(u"GET /v1/payment_intents/search"_s).toInteger(),
        qint64(3));
}

QTEST_GUILESS_MAIN(TestStripeResources)
#include "tst_striperesources.moc"
