// SPDX-License-Identifier: GPL-3.0-or-later
// Event sync: every simulator event delivered twice, shuffled, through the webhook receiver while the
// events poller reads the same events; afterwards the store equals the simulator, field by field.
#include "services/store/customerrepository.h"
#include "services/store/eventrepository.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/syncstaterepository.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/paymentmethods.h"
#include "services/stripe/resources/refunds.h"
#include "services/stripe/webhooksignature.h"
#include "services/sync/eventpoller.h"
#include "services/sync/eventprocessor.h"
#include "services/sync/webhookreceiver.h"
#include "synctestsupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace kassa;

namespace {

constexpr auto Secret = "whsec_kassaeventsynctest";

QJsonValue at(const QJsonObject &object, const QString &path)
{
    QJsonValue value = object;
    for (const QString &part : path.split(u'.'))
        value = value.toObject().value(part);
    // An expanded object compares by its id.
    if (value.isObject() && value.toObject().contains(u"id"_s))
        return value.toObject().value(u"id"_s);
    return value;
}

// The fields compared for each kind of object.
QStringList fieldsOf(const QString &type)
{
    if (type == u"payment_intent"_s)
        return {u"status"_s,
                u"amount"_s,
                u"amount_received"_s,
                u"amount_capturable"_s,
                u"currency"_s,
                u"customer"_s,
                u"payment_method"_s,
                u"description"_s,
                u"metadata"_s,
                u"latest_charge"_s,
                u"capture_method"_s,
                u"canceled_at"_s,
                u"last_payment_error.code"_s};
    if (type == u"refund"_s)
        return {u"status"_s,         u"amount"_s, u"currency"_s, u"charge"_s,
                u"payment_intent"_s, u"reason"_s, u"metadata"_s};
    if (type == u"customer"_s)
        return {u"email"_s,       u"name"_s,     u"phone"_s,
                u"description"_s, u"metadata"_s, u"invoice_settings.default_payment_method"_s};
    return {u"type"_s, u"customer"_s, u"card.last4"_s, u"card.brand"_s, u"card.exp_year"_s, u"metadata"_s};
}

} // namespace

class TestEventSync : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { kassa::store::test::addBackendData(); }
    void init();
    void cleanup();

    void duplicateEventIsAppliedOnce();
    void inboxThenBatchesApplyEveryEventOnce();
    void inboxRowsThatAreNoEventsAreDropped();
    void staleEventDoesNotMoveBackAndRefetches();
    void unreadablePayloadIsFetchedAgain();
    void pollerSavesWatermarkAfterBatch();
    void webhookAndPollerTwiceShuffledConverge();

private:
    QJsonObject call(const stripe::StripeRequest &request, bool mayFail = false);
    QString paidIntent(qint64 amount);
    void makeActivity();
    QList<QJsonObject> events();
    QByteArray deliver(const QByteArray &body);

    std::unique_ptr<sync::test::SyncFixture> m_fixture;
};

void TestEventSync::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<sync::test::SyncFixture>();
    KASSA_SET_UP_FIXTURE(*m_fixture, backend);
}

void TestEventSync::cleanup()
{
    m_fixture.reset();
}

QJsonObject TestEventSync::call(const stripe::StripeRequest &request, bool mayFail)
{
    const stripe::StripeResponse response = m_fixture->call(request, 30'000);
    if (!response.ok() && !mayFail)
        qWarning() << request.path << response.error.toString();
    return response.ok() ? response.json : QJsonObject();
}

// A PaymentIntent of `amount` US cents paid at once by card: its id, empty on failure.
QString TestEventSync::paidIntent(qint64 amount)
{
    stripe::PaymentIntents::CreateParams params;
    params.amount = Money(amount, Currency::fromCode(u"usd"_s).value());
    params.paymentMethodId = u"pm_card_visa"_s;
    params.confirm = true;
    return call(stripe::PaymentIntents::create(params)).value(u"id"_s).toString();
}

void TestEventSync::makeActivity()
{
    QStringList customers;
    for (int i = 0; i < 5; ++i) {
        stripe::Customers::Params params;
        params.name = u"Customer %1"_s.arg(i);
        params.email = u"c%1@example.com"_s.arg(i);
        const QString id = call(stripe::Customers::create(params)).value(u"id"_s).toString();
        QVERIFY(!id.isEmpty());
        customers.append(id);
        const QString pm =
            call(stripe::PaymentMethods::attach(u"pm_card_visa"_s, id)).value(u"id"_s).toString();
        QVERIFY(!pm.isEmpty());
        if (i % 2 == 0)
            QVERIFY(!call(stripe::Customers::setDefaultPaymentMethod(id, pm)).isEmpty());
        if (i == 1) {
            stripe::Customers::Params rename;
            rename.name = u"Renamed %1"_s.arg(i);
            rename.phone = u"+15555550100"_s;
            QVERIFY(!call(stripe::Customers::update(id, rename)).isEmpty());
        }
    }
    const auto usd = Currency::fromCode(u"usd"_s).value();
    QStringList paid;
    for (int i = 0; i < 12; ++i) {
        stripe::PaymentIntents::CreateParams params;
        params.amount = Money(1000 + 100 * i, usd);
        params.confirm = true;
        params.paymentMethodId = i % 6 == 5   ? u"pm_card_visa_chargeDeclined"_s
                                 : i % 6 == 4 ? u"pm_card_pendingRefund"_s
                                              : u"pm_card_visa"_s;
        params.customerId = i < 5 ? customers.at(i) : QString();
        params.captureMethod = i % 4 == 3 ? CaptureMethod::Manual : CaptureMethod::Automatic;
        params.description = u"Sale %1"_s.arg(i);
        params.metadata.insert(u"order_ref"_s, u"EV-%1"_s.arg(i));
        const QJsonObject pi = call(stripe::PaymentIntents::create(params), i % 6 == 5);
        if (pi.value(u"status"_s).toString() == u"succeeded"_s)
            paid.append(pi.value(u"id"_s).toString());
        if (pi.value(u"status"_s).toString() == u"requires_capture"_s) {
            if (i == 3)
                QVERIFY(!call(stripe::PaymentIntents::capture(pi.value(u"id"_s).toString(), 500)).isEmpty());
            else
                QVERIFY(!call(stripe::PaymentIntents::cancel(pi.value(u"id"_s).toString())).isEmpty());
        }
    }
    // An intent left waiting. (Stripe has no payment_intent.updated event: a change of description or
    // metadata alone reaches the store only through a backfill or a later event of the intent.)
    stripe::PaymentIntents::CreateParams open;
    open.amount = Money(777, usd);
    open.description = u"waiting"_s;
    QVERIFY(!call(stripe::PaymentIntents::create(open)).isEmpty());
    // Refunds: partial, full, and two on one payment.
    QVERIFY(paid.size() >= 4);
    stripe::Refunds::CreateParams refund;
    refund.paymentIntentId = paid.at(0);
    refund.amount = 100;
    QVERIFY(!call(stripe::Refunds::create(refund)).isEmpty());
    refund.amount = 200;
    QVERIFY(!call(stripe::Refunds::create(refund)).isEmpty());
    refund.paymentIntentId = paid.at(1);
    refund.amount.reset();
    QVERIFY(!call(stripe::Refunds::create(refund)).isEmpty());
    refund.paymentIntentId = paid.at(3);
    QVERIFY(!call(stripe::Refunds::create(refund)).isEmpty());
}

QList<QJsonObject> TestEventSync::events()
{
    return sync::test::listAll(*m_fixture->client, u"/v1/events"_s);
}

void TestEventSync::duplicateEventIsAppliedOnce()
{
    makeActivity();
    const QList<QJsonObject> all = events();
    QVERIFY(!all.isEmpty());
    sync::EventProcessor processor(*m_fixture->db, m_fixture->client.get());
    const sync::EventProcessor::Result first = processor.process(all.last());
    QVERIFY2(first.ok, qPrintable(first.error));
    QVERIFY(!first.duplicate);
    const sync::EventProcessor::Result again = processor.process(all.last());
    QVERIFY2(again.ok, qPrintable(again.error));
    QVERIFY(again.duplicate);
    store::EventRepository repository(*m_fixture->db);
    QVERIFY(repository.isProcessed(all.last().value(u"id"_s).toString()).valueOr(false));
    // The applied event is listed under its object, for that object's timeline, once.
    const QString objectId =
        all.last().value(u"data"_s).toObject().value(u"object"_s).toObject().value(u"id"_s).toString();
    const store::StoreResult<QList<store::ProcessedEvent>> timeline = repository.forObjects({objectId});
    VERIFY_RESULT(timeline);
    QCOMPARE(timeline.value().size(), 1);
    QCOMPARE(timeline.value().first().id, all.last().value(u"id"_s).toString());
    QCOMPARE(timeline.value().first().objectId, objectId);
    QTRY_COMPARE_WITH_TIMEOUT(processor.pendingRefetches(), 0, 10'000);
}

void TestEventSync::inboxThenBatchesApplyEveryEventOnce()
{
    makeActivity();
    QList<QJsonObject> all = events();
    QVERIFY(all.size() > 3);
    QList<QByteArray> payloads;
    for (const QJsonObject &event : std::as_const(all))
        payloads.append(QJsonDocument(event).toJson(QJsonDocument::Compact));
    // A redelivery in the same batch, and something that is not an event.
    all.append(all.first());
    payloads.append(payloads.first());
    all.append(QJsonObject{{u"id"_s, u"evt_x"_s}, {u"object"_s, u"charge"_s}});
    payloads.append("{}");
    sync::EventProcessor processor(*m_fixture->db, m_fixture->client.get());
    const QList<QString> errors = processor.enqueue(all, payloads);
    QCOMPARE(errors.size(), all.size());
    for (qsizetype i = 0; i + 1 < errors.size(); ++i)
        QVERIFY2(errors.at(i).isNull(), qPrintable(errors.at(i)));
    QVERIFY(!errors.last().isNull());

    store::EventRepository repository(*m_fixture->db);
    const qint64 distinct = all.size() - 2;
    QCOMPARE(repository.inboxSize().valueOr(-1), distinct);
    QSignalSpy applied(&processor, &sync::EventProcessor::eventApplied);
    int total = 0;
    for (int round = 0; round < 100; ++round) {
        const store::StoreResult<int> step = processor.applyInbox(3);
        QVERIFY2(step.ok(), qPrintable(step.error().toString()));
        if (step.value() == 0)
            break;
        total += step.value();
    }
    QCOMPARE(total, distinct);
    QCOMPARE(applied.size(), distinct);
    QCOMPARE(repository.inboxSize().valueOr(-1), 0);
    for (qsizetype i = 0; i < distinct; ++i)
        QVERIFY(repository.isProcessed(all.at(i).value(u"id"_s).toString()).valueOr(false));
    store::PaymentRepository payments(*m_fixture->db);
    for (qsizetype i = 0; i < distinct; ++i) {
        const QJsonObject object = all.at(i).value(u"data"_s).toObject().value(u"object"_s).toObject();
        if (object.value(u"object"_s).toString() == u"payment_intent"_s)
            QVERIFY(payments.rawJson(object.value(u"id"_s).toString()).valueOr(std::nullopt).has_value());
    }
    // Delivered again once applied: nothing is queued.
    QVERIFY(processor.enqueue({all.first()}, {payloads.first()}).first().isNull());
    QCOMPARE(repository.inboxSize().valueOr(-1), 0);

    // processBatch: each event on its own, the bad one refused, the rest applied or recognised.
    const QList<sync::EventProcessor::Result> results = processor.processBatch(all);
    QCOMPARE(results.size(), all.size());
    for (qsizetype i = 0; i + 1 < results.size(); ++i) {
        QVERIFY2(results.at(i).ok, qPrintable(results.at(i).error));
        QVERIFY(results.at(i).duplicate);
    }
    QVERIFY(!results.last().ok);
    QTRY_COMPARE_WITH_TIMEOUT(processor.pendingRefetches(), 0, 10'000);
}

// Rows the receiver would have refused (written here straight into the inbox) never block it: one that is
// not JSON and one that does not say it is an event are dropped, and the event behind them is applied.
void TestEventSync::inboxRowsThatAreNoEventsAreDropped()
{
    makeActivity();
    const QList<QJsonObject> all = events();
    QVERIFY(!all.isEmpty());
    QJsonObject unnamed = all.first();
    unnamed.remove(u"object"_s);
    unnamed.insert(u"id"_s, u"evt_unnamed"_s);
    store::EventRepository repository(*m_fixture->db);
    const qint64 created = all.first().value(u"created"_s).toInteger();
    VERIFY_RESULT(repository.enqueue({u"evt_notjson"_s, u"x"_s, created - 2, u"webhook"_s, "{\"id\":", 0}));
    VERIFY_RESULT(
        repository.enqueue({u"evt_unnamed"_s, unnamed.value(u"type"_s).toString(), created - 1, u"webhook"_s,
                            QJsonDocument(unnamed).toJson(QJsonDocument::Compact), 0}));
    VERIFY_RESULT(repository.enqueue({all.first().value(u"id"_s).toString(),
                                      all.first().value(u"type"_s).toString(), created, u"webhook"_s,
                                      QJsonDocument(all.first()).toJson(QJsonDocument::Compact), 0}));
    QCOMPARE(repository.inboxSize().valueOr(-1), 3);
    sync::EventProcessor processor(*m_fixture->db, m_fixture->client.get());
    const store::StoreResult<int> step = processor.applyInbox(10);
    QVERIFY2(step.ok(), qPrintable(step.error().toString()));
    QCOMPARE(step.value(), 1);
    QCOMPARE(repository.inboxSize().valueOr(-1), 0);
    QVERIFY(!repository.isProcessed(u"evt_unnamed"_s).valueOr(true));
    QTRY_COMPARE_WITH_TIMEOUT(processor.pendingRefetches(), 0, 10'000);
}

void TestEventSync::staleEventDoesNotMoveBackAndRefetches()
{
    const QString id = paidIntent(4200);
    QVERIFY(!id.isEmpty());
    QJsonObject created;
    QJsonObject succeeded;
    for (const QJsonObject &event : events()) {
        const QJsonObject object = event.value(u"data"_s).toObject().value(u"object"_s).toObject();
        if (object.value(u"id"_s).toString() != id)
            continue;
        if (event.value(u"type"_s).toString() == u"payment_intent.created"_s)
            created = event;
        if (event.value(u"type"_s).toString() == u"payment_intent.succeeded"_s)
            succeeded = event;
    }
    QVERIFY(!created.isEmpty() && !succeeded.isEmpty());
    sync::EventProcessor processor(*m_fixture->db, m_fixture->client.get());
    QSignalSpy refetched(&processor, &sync::EventProcessor::refetched);
    QVERIFY(processor.process(succeeded).ok);
    const sync::EventProcessor::Result stale = processor.process(created); // older, delivered late
    QVERIFY2(stale.ok, qPrintable(stale.error));
    QVERIFY(stale.refetching);
    QVERIFY(refetched.wait(10'000));
    QCOMPARE(refetched.first().at(1).toBool(), true);
    store::PaymentRepository payments(*m_fixture->db);
    QCOMPARE(payments.rawJson(id).value()->value(u"status"_s).toString(), u"succeeded"_s);
}

void TestEventSync::unreadablePayloadIsFetchedAgain()
{
    const QString id = paidIntent(1500);
    QVERIFY(!id.isEmpty());
    // An event whose object the store cannot read (a thin or damaged payload).
    QJsonObject broken{{u"id"_s, id}, {u"object"_s, u"payment_intent"_s}, {u"amount"_s, u"lots"_s}};
    const QJsonObject event{{u"id"_s, u"evt_kassa_broken_1"_s},
                            {u"object"_s, u"event"_s},
                            {u"type"_s, u"payment_intent.succeeded"_s},
                            {u"created"_s, QDateTime::currentSecsSinceEpoch()},
                            {u"data"_s, QJsonObject{{u"object"_s, broken}}}};
    sync::EventProcessor processor(*m_fixture->db, m_fixture->client.get());
    QSignalSpy refetched(&processor, &sync::EventProcessor::refetched);
    const sync::EventProcessor::Result result = processor.process(event);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.refetching);
    QVERIFY(refetched.wait(10'000));
    store::PaymentRepository payments(*m_fixture->db);
    const auto stored = payments.rawJson(id);
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->value(u"amount"_s).toInteger(), 1500);
    QCOMPARE(stored.value()->value(u"status"_s).toString(), u"succeeded"_s);
    // The event counts as processed: a second delivery is a duplicate.
    QVERIFY(processor.process(event).duplicate);
}

void TestEventSync::pollerSavesWatermarkAfterBatch()
{
    makeActivity();
    const QList<QJsonObject> all = events();
    qint64 newest = 0;
    for (const QJsonObject &event : all)
        newest = std::max(newest, event.value(u"created"_s).toInteger());
    sync::EventProcessor processor(*m_fixture->db, m_fixture->client.get());
    sync::EventPoller poller(*m_fixture->db, *m_fixture->client, processor);
    QSignalSpy batches(&poller, &sync::EventPoller::batchApplied);
    poller.pollOnce();
    QVERIFY(batches.wait(30'000));
    QCOMPARE(batches.first().at(0).toInt(), int(all.size()));
    QCOMPARE(batches.first().at(1).toInt(), int(all.size()));
    QCOMPARE(poller.watermark(), newest);
    // The next poll overlaps the watermark: the same events again, none applied twice.
    poller.pollOnce();
    QVERIFY(batches.wait(30'000));
    QVERIFY(batches.at(1).at(0).toInt() > 0);
    QCOMPARE(batches.at(1).at(1).toInt(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(processor.pendingRefetches(), 0, 10'000);
}

void TestEventSync::webhookAndPollerTwiceShuffledConverge()
{
    makeActivity();
    if (QTest::currentTestFailed())
        return;
    const QList<QJsonObject> all = events();
    QVERIFY(all.size() > 30);

    sync::EventProcessor processor(*m_fixture->db, m_fixture->client.get());
    sync::WebhookReceiver::Options receiverOptions;
    receiverOptions.perClientRate = 1'000'000;
    sync::WebhookReceiver receiver(
        [&processor](const QJsonObject &event, const QByteArray &body, QString *error) {
            return processor.sink(event, body, error);
        },
        receiverOptions);
    receiver.setSecrets({QByteArray(Secret)});
    QVERIFY(receiver.listen());
    sync::EventPoller::Options pollerOptions;
    pollerOptions.intervalMs = 100;
    sync::EventPoller poller(*m_fixture->db, *m_fixture->client, processor, pollerOptions);
    QSignalSpy batches(&poller, &sync::EventPoller::batchApplied);

    QList<QByteArray> deliveries;
    for (const QJsonObject &event : all) {
        const QByteArray body = QJsonDocument(event).toJson(QJsonDocument::Compact);
        deliveries << body << body;
    }
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo() << "shuffle seed" << seed;
    QRandomGenerator random(seed);
    std::shuffle(deliveries.begin(), deliveries.end(), random);

    QNetworkAccessManager network;
    QUrl url(u"http://127.0.0.1/webhook"_s);
    url.setPort(receiver.port());
    int answered = 0;
    QMap<int, int> statuses;
    poller.start();
    for (const QByteArray &body : std::as_const(deliveries)) {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        request.setRawHeader("Stripe-Signature", stripe::WebhookSignature::sign(
                                                     body, Secret, QDateTime::currentSecsSinceEpoch()));
        QNetworkReply *reply = network.post(request, body);
        connect(reply, &QNetworkReply::finished, this, [reply, &answered, &statuses] {
            ++statuses[reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()];
            ++answered;
            reply->deleteLater();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, int(deliveries.size()), 60'000);
    QCOMPARE(statuses.value(200), int(deliveries.size()));
    QTRY_VERIFY_WITH_TIMEOUT(batches.size() >= 2, 30'000);
    poller.stop();
    QTRY_COMPARE_WITH_TIMEOUT(processor.pendingRefetches(), 0, 30'000);

    // Every event is processed once, whatever brought it.
    store::EventRepository eventRepository(*m_fixture->db);
    for (const QJsonObject &event : all)
        QVERIFY(eventRepository.isProcessed(event.value(u"id"_s).toString()).valueOr(false));

    // The store equals the simulator, field by field.
    int compared = 0;
    auto compare = [&](const QList<QJsonObject> &truth,
                       const std::function<std::optional<QJsonObject>(const QString &)> &held) {
        for (const QJsonObject &object : truth) {
            const QString id = object.value(u"id"_s).toString();
            const std::optional<QJsonObject> stored = held(id);
            QVERIFY2(stored.has_value(), qPrintable(u"not in the store: "_s + id));
            for (const QString &field : fieldsOf(object.value(u"object"_s).toString())) {
                QVERIFY2(
                    at(*stored, field) == at(object, field),
                    qPrintable(u"%1.%2: store %3, simulator %4"_s.arg(
                        id, field,
                        QString::fromUtf8(
                            QJsonDocument(QJsonArray{at(*stored, field)}).toJson(QJsonDocument::Compact)),
                        QString::fromUtf8(
                            QJsonDocument(QJsonArray{at(object, field)}).toJson(QJsonDocument::Compact)))));
            }
            ++compared;
        }
    };
    store::PaymentRepository payments(*m_fixture->db);
    store::RefundRepository refunds(*m_fixture->db);
    store::CustomerRepository customers(*m_fixture->db);
    store::PaymentMethodRepository methods(*m_fixture->db);
    const QList<QJsonObject> simPayments = sync::test::listAll(*m_fixture->client, u"/v1/payment_intents"_s);
    const QList<QJsonObject> simRefunds = sync::test::listAll(*m_fixture->client, u"/v1/refunds"_s);
    const QList<QJsonObject> simCustomers = sync::test::listAll(*m_fixture->client, u"/v1/customers"_s);
    QList<QJsonObject> simMethods;
    for (const QJsonObject &customer : simCustomers)
        simMethods +=
            sync::test::listAll(*m_fixture->client, u"/v1/customers/"_s + customer.value(u"id"_s).toString() +
                                                        u"/payment_methods"_s);
    QVERIFY(simPayments.size() >= 13 && simRefunds.size() >= 4 && simCustomers.size() == 5 &&
            simMethods.size() >= 5);
    compare(simPayments, [&](const QString &id) { return payments.rawJson(id).valueOr(std::nullopt); });
    if (QTest::currentTestFailed())
        return;
    compare(simRefunds, [&](const QString &id) { return refunds.rawJson(id).valueOr(std::nullopt); });
    if (QTest::currentTestFailed())
        return;
    compare(simCustomers, [&](const QString &id) { return customers.rawJson(id).valueOr(std::nullopt); });
    if (QTest::currentTestFailed())
        return;
    compare(simMethods, [&](const QString &id) { return methods.rawJson(id).valueOr(std::nullopt); });
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(payments.count({}).valueOr(-1), qint64(simPayments.size()));
    qInfo() << "compared" << compared << "objects from" << all.size() << "events," << deliveries.size()
            << "webhook deliveries," << batches.size() << "poller batches";
}

QTEST_GUILESS_MAIN(TestEventSync)
#include "tst_eventsync.moc"
