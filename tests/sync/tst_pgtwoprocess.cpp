// SPDX-License-Identifier: GPL-3.0-or-later
// Two tills on one PostgreSQL database, as two real processes (kassa_pgworker, and kassa-cli):
//   - what one process writes and commits, the other reads back, field by field;
//   - both upsert the same objects at the same time, many rounds, in different orders: one row per id,
//     holding the newest state, never moving backwards;
//   - both recover the same outbox at the same time: one PaymentIntent per order at the simulator,
//     every row done once, and the store agrees with the simulator.
// PostgreSQL only: the SQLite store is one file on one till.
#include "services/store/customerrepository.h"
#include "services/store/objectversion.h"
#include "services/store/outboxrepository.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/stripejson.h"
#include "services/sync/outbox.h"
#include "sim/faults.h"
#include "synctestsupport.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using kassa::store::test::postgresUrl;
using namespace kassa;

namespace {

// The first place where `a` and `b` differ ("payments.pi_1.customer_name: \"Ann\" vs \"Bob\""), or
// nothing; `leaves` counts the scalar fields compared.
QString difference(const QJsonValue &a, const QJsonValue &b, const QString &path, int *leaves)
{
    if (a.type() != b.type())
        return u"%1: type %2 vs %3"_s.arg(path).arg(int(a.type())).arg(int(b.type()));
    if (a.isObject()) {
        const QJsonObject x = a.toObject();
        const QJsonObject y = b.toObject();
        QStringList keys = x.keys() + y.keys();
        keys.removeDuplicates();
        for (const QString &key : std::as_const(keys)) {
            if (!x.contains(key) || !y.contains(key))
                return u"%1.%2: only on one side"_s.arg(path, key);
            if (QString d = difference(x.value(key), y.value(key), path + u'.' + key, leaves); !d.isEmpty())
                return d;
        }
        return {};
    }
    if (a.isArray()) {
        const QJsonArray x = a.toArray();
        const QJsonArray y = b.toArray();
        if (x.size() != y.size())
            return u"%1: %2 vs %3 items"_s.arg(path).arg(x.size()).arg(y.size());
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (QString d = difference(x.at(i), y.at(i), u"%1[%2]"_s.arg(path).arg(i), leaves); !d.isEmpty())
                return d;
        }
        return {};
    }
    ++*leaves;
    if (a != b) {
        auto text = [](const QJsonValue &v) {
            return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact));
        };
        return u"%1: %2 vs %3"_s.arg(path, text(a), text(b));
    }
    return {};
}

QJsonArray ids(const QList<QJsonObject> &objects)
{
    QJsonArray out;
    for (const QJsonObject &o : objects)
        out.append(o.value(u"id"_s));
    return out;
}

QJsonArray array(const QList<QJsonObject> &objects)
{
    QJsonArray out;
    for (const QJsonObject &o : objects)
        out.append(o);
    return out;
}

QJsonObject withMetadata(QJsonObject object, const QString &key, const QString &value)
{
    QJsonObject metadata = object.value(u"metadata"_s).toObject();
    metadata.insert(key, value);
    object.insert(u"metadata"_s, metadata);
    return object;
}

// One version of one object in the race: its place in the order ObjectVersion gives its object's
// versions (0 oldest), and the ObjectVersion the store derives from it.
struct RaceVersion
{
    QJsonObject object;
    qint64 observedAt = 0;
    int index = 0;
    store::ObjectVersion version;
};

stripe::StripeRequest keyedSale(const QString &orderRef, qint64 amount, const QString &key)
{
    stripe::PaymentIntents::CreateParams params;
    params.amount = Money(amount, Currency::fromCode(u"usd"_s).value());
    params.paymentMethodId = u"pm_card_visa"_s;
    params.confirm = true;
    params.metadata.insert(u"order_ref"_s, orderRef);
    params.expand = {u"latest_charge"_s};
    return stripe::PaymentIntents::create(params, key);
}

} // namespace

// One kassa_pgworker process: a JSON command per line in, a JSON answer per line out.
class Worker
{
public:
    ~Worker()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.closeWriteChannel();
            if (!m_process.waitForFinished(5000))
                m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // Starts the worker; an empty string when it said it is ready.
    QString start(const QString &name, const QString &databaseUrl, const QUrl &apiBase)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"KASSA_STRIPE_API_KEY"_s, QString::fromLatin1(sync::test::TestApiKey));
        environment.insert(u"QT_LOGGING_RULES"_s, u"kassa.*.debug=false;kassa.*.info=false"_s);
        m_process.setProcessEnvironment(environment);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.setProgram(QStringLiteral(KASSA_PGWORKER_EXECUTABLE));
        m_process.setArguments(
            {u"--database"_s, databaseUrl, u"--api-base"_s, apiBase.toString(), u"--name"_s, name});
        m_name = name;
        m_process.start();
        const QJsonObject ready = answer(30'000);
        if (!ready.value(u"ok"_s).toBool() || ready.value(u"ready"_s).toString() != name)
            return name + u": "_s + QString::fromUtf8(QJsonDocument(ready).toJson(QJsonDocument::Compact));
        return {};
    }

    void send(const QJsonObject &command)
    {
        m_process.write(QJsonDocument(command).toJson(QJsonDocument::Compact) + '\n');
    }

    // The next answer line; {"ok": false, "error": ...} when none comes in time. Runs the event loop
    // meanwhile (the simulator lives in this process).
    QJsonObject answer(int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!m_process.canReadLine()) {
            if (m_process.state() == QProcess::NotRunning && !m_process.canReadLine()) {
                m_process.waitForReadyRead(0);
                if (!m_process.canReadLine())
                    return {{u"ok"_s, false}, {u"error"_s, QString(m_name + u" exited"_s)}};
            }
            if (deadline.hasExpired())
                return {{u"ok"_s, false}, {u"error"_s, QString(m_name + u" gave no answer in time"_s)}};
            QTest::qWait(2);
        }
        const QByteArray line = m_process.readLine();
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (!document.isObject())
            return {{u"ok"_s, false},
                    {u"error"_s, QString(m_name + u": not JSON: "_s + QString::fromUtf8(line))}};
        return document.object();
    }

    QJsonObject run(const QJsonObject &command, int timeoutMs = 30'000)
    {
        send(command);
        return answer(timeoutMs);
    }

private:
    QProcess m_process;
    QString m_name;
};

#define VERIFY_OK(answer)                                                                                    \
    do {                                                                                                     \
        const QJsonObject &kassaAnswer = (answer);                                                           \
        QVERIFY2(kassaAnswer.value(u"ok"_s).toBool(),                                                        \
                 QJsonDocument(kassaAnswer).toJson(QJsonDocument::Compact).left(3000).constData());          \
    } while (false)

class TestPgTwoProcess : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void writtenByOneReadByTheOther();
    void concurrentUpsertsKeepTheNewest();
    void concurrentRefundsOfOnePayment();
    void concurrentRecoveryExactlyOnce();
    void concurrentCliRecoveryExactlyOnce();

private:
    QString startWorkers();
    QList<QString> writePendingSales(int count, const QString &prefix);
    void checkSalesAgainstSimulator(const QList<QString> &orderRefs);
    QProcess *startCli(const QStringList &arguments);

    std::unique_ptr<sync::test::SyncFixture> m_fixture;
    QString m_url;
    std::unique_ptr<Worker> m_a;
    std::unique_ptr<Worker> m_b;
};

void TestPgTwoProcess::init()
{
    m_fixture = std::make_unique<sync::test::SyncFixture>();
    // SQLite is one file on one till; this is about several tills on one server.
    KASSA_SET_UP_FIXTURE(*m_fixture, u"postgres"_s);
    m_url = postgresUrl(m_fixture->store.config());
}

void TestPgTwoProcess::cleanup()
{
    m_a.reset();
    m_b.reset();
    m_fixture.reset();
}

QString TestPgTwoProcess::startWorkers()
{
    m_a = std::make_unique<Worker>();
    m_b = std::make_unique<Worker>();
    if (QString error = m_a->start(u"till-a"_s, m_url, m_fixture->simUrl()); !error.isEmpty())
        return error;
    return m_b->start(u"till-b"_s, m_url, m_fixture->simUrl());
}

void TestPgTwoProcess::writtenByOneReadByTheOther()
{
    using namespace store::test;
    // Both connections are open before anything is written: the reader's is not a fresh one.
    const QString started = startWorkers();
    QVERIFY2(started.isEmpty(), qPrintable(started));

    // Till A's data: customers, their payments (one with refunds), an outbox row.
    const QList<QJsonObject> customersA{customer(u"cus_A1"_s, u"Zoë Ångström"_s, u"zoe@example.com"_s),
                                        customer(u"cus_A2"_s, u"Ravi Patel"_s, u"ravi@example.com"_s)};
    const QList<QJsonObject> paymentsA{
        paymentIntent({.id = u"pi_A1"_s,
                       .amount = 2550,
                       .customer = u"cus_A1"_s,
                       .description = u"Café crème ☕ ×2"_s,
                       .orderRef = u"ORD-A-1"_s,
                       .till = u"till-a"_s,
                       .cashier = u"ann"_s}),
        paymentIntent({.id = u"pi_A2"_s,
                       .amount = 1200,
                       .currency = u"jpy"_s,
                       .status = u"requires_capture"_s,
                       .customer = u"cus_A2"_s,
                       .orderRef = u"ORD-A-2"_s,
                       .till = u"till-a"_s}),
        paymentIntent({.id = u"pi_A3"_s, .amount = 999, .currency = u"eur"_s, .orderRef = u"ORD-A-3"_s})};
    const QList<QJsonObject> refundsA{
        refund({.id = u"re_A1"_s, .paymentIntent = u"pi_A1"_s, .amount = 500}),
        refund({.id = u"re_A2"_s, .paymentIntent = u"pi_A1"_s, .amount = 250, .status = u"pending"_s})};
    const stripe::StripeRequest requestA = keyedSale(u"ORD-A-4"_s, 4200, u"key-A-4"_s);
    const QJsonObject outboxA{{u"op"_s, QString::fromLatin1(sync::Outbox::OpCreatePayment)},
                              {u"method"_s, u"POST"_s},
                              {u"path"_s, requestA.path},
                              {u"params"_s, QString::fromUtf8(requestA.params.encode())},
                              {u"idempotency_key"_s, u"key-A-4"_s},
                              {u"order_ref"_s, u"ORD-A-4"_s},
                              {u"exclusive"_s, true}};

    // Till B's: a customer, a payment of it, and a newer state of A's pi_A2 (captured).
    const QList<QJsonObject> customersB{customer(u"cus_B1"_s, u"Bo Nilsson"_s, u"bo@example.com"_s)};
    const QList<QJsonObject> paymentsB{paymentIntent({.id = u"pi_B1"_s,
                                                      .amount = 7300,
                                                      .customer = u"cus_B1"_s,
                                                      .description = u"Gift card"_s,
                                                      .orderRef = u"ORD-B-1"_s,
                                                      .till = u"till-b"_s,
                                                      .cashier = u"bo"_s}),
                                       paymentIntent({.id = u"pi_A2"_s,
                                                      .amount = 1200,
                                                      .currency = u"jpy"_s,
                                                      .customer = u"cus_A2"_s,
                                                      .description = u"captured at till B"_s,
                                                      .orderRef = u"ORD-A-2"_s,
                                                      .till = u"till-a"_s})};
    const QList<QJsonObject> refundsB{refund({.id = u"re_B1"_s, .paymentIntent = u"pi_B1"_s, .amount = 300})};
    const stripe::StripeRequest requestB = keyedSale(u"ORD-B-2"_s, 800, u"key-B-2"_s);
    const QJsonObject outboxB{{u"op"_s, QString::fromLatin1(sync::Outbox::OpCreatePayment)},
                              {u"method"_s, u"POST"_s},
                              {u"path"_s, requestB.path},
                              {u"params"_s, QString::fromUtf8(requestB.params.encode())},
                              {u"idempotency_key"_s, u"key-B-2"_s},
                              {u"order_ref"_s, u"ORD-B-2"_s},
                              {u"exclusive"_s, true}};

    const QJsonObject dumpAll{{u"cmd"_s, u"dump"_s},
                              {u"payments"_s, ids(paymentsA + paymentsB)},
                              {u"refunds"_s, ids(refundsA + refundsB)},
                              {u"customers"_s, ids(customersA + customersB)},
                              {u"outbox_keys"_s, QJsonArray{u"key-A-4"_s, u"key-B-2"_s}}};

    // Nothing yet, for either.
    QJsonObject before = m_b->run(dumpAll);
    VERIFY_OK(before);
    QVERIFY(before.value(u"payments"_s).toObject().isEmpty());
    QVERIFY(before.value(u"outbox"_s).toObject().isEmpty());

    // A writes and commits; B reads; both see the same, field by field.
    VERIFY_OK(m_a->run({{u"cmd"_s, u"ingest"_s},
                        {u"objects"_s, array(customersA + paymentsA + refundsA)},
                        {u"observed_at"_s, 1'700'000'100},
                        {u"outbox"_s, QJsonArray{outboxA}}}));
    const QJsonObject seenByA = m_a->run(dumpAll);
    const QJsonObject seenByB = m_b->run(dumpAll);
    VERIFY_OK(seenByA);
    VERIFY_OK(seenByB);
    int leaves = 0;
    QString diff = difference(seenByA, seenByB, u"A→B"_s, &leaves);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    qInfo() << "A wrote, B read:" << leaves << "fields equal";

    const QJsonObject payments = seenByB.value(u"payments"_s).toObject();
    const QJsonObject refunds = seenByB.value(u"refunds"_s).toObject();
    const QJsonObject customers = seenByB.value(u"customers"_s).toObject();
    QCOMPARE(payments.size(), 3);
    QCOMPARE(refunds.size(), 2);
    QCOMPARE(customers.size(), 2);
    // The raw objects are what A ingested, to the last field; the columns are read from them.
    for (const QJsonObject &o : paymentsA + refundsA + customersA) {
        const QString id = o.value(u"id"_s).toString();
        const QJsonObject held = (id.startsWith(u"pi_"_s)   ? payments
                                  : id.startsWith(u"re_"_s) ? refunds
                                                            : customers)
                                     .value(id)
                                     .toObject();
        // (less the client_secret, which the store never keeps)
        diff = difference(kassa::stripe::StripeJson::withoutClientSecret(o), held.value(u"raw"_s),
                          u"raw "_s + id, &leaves);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    const QJsonObject a1 = payments.value(u"pi_A1"_s).toObject();
    QCOMPARE(a1.value(u"amount"_s).toInteger(), 2550);
    QCOMPARE(a1.value(u"currency"_s).toString(), u"usd"_s);
    QCOMPARE(a1.value(u"status"_s).toString(), u"succeeded"_s);
    QCOMPARE(a1.value(u"description"_s).toString(), u"Café crème ☕ ×2"_s);
    QCOMPARE(a1.value(u"order_ref"_s).toString(), u"ORD-A-1"_s);
    QCOMPARE(a1.value(u"till"_s).toString(), u"till-a"_s);
    QCOMPARE(a1.value(u"cashier"_s).toString(), u"ann"_s);
    QCOMPARE(a1.value(u"customer_name"_s).toString(), u"Zoë Ångström"_s);
    QCOMPARE(a1.value(u"customer_email"_s).toString(), u"zoe@example.com"_s);
    QCOMPARE(a1.value(u"amount_refunded"_s).toInteger(), 750); // succeeded and pending refunds
    QCOMPARE(a1.value(u"observed_at"_s).toInteger(), 1'700'000'100);
    const QJsonObject a2 = payments.value(u"pi_A2"_s).toObject();
    QCOMPARE(a2.value(u"currency"_s).toString(), u"jpy"_s);
    QCOMPARE(a2.value(u"amount"_s).toInteger(), 1200);
    QCOMPARE(a2.value(u"status"_s).toString(), u"requires_capture"_s);
    const QJsonObject r2 = refunds.value(u"re_A2"_s).toObject();
    QCOMPARE(r2.value(u"payment_intent_id"_s).toString(), u"pi_A1"_s);
    QCOMPARE(r2.value(u"amount"_s).toInteger(), 250);
    QCOMPARE(r2.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(customers.value(u"cus_A2"_s).toObject().value(u"name"_s).toString(), u"Ravi Patel"_s);
    const QJsonObject rowA = seenByB.value(u"outbox"_s).toObject().value(u"key-A-4"_s).toObject();
    QCOMPARE(rowA.value(u"op"_s).toString(), QString::fromLatin1(sync::Outbox::OpCreatePayment));
    QCOMPARE(rowA.value(u"params"_s).toString(), outboxA.value(u"params"_s).toString());
    QCOMPARE(rowA.value(u"path"_s).toString(), u"/v1/payment_intents"_s);
    QCOMPARE(rowA.value(u"order_ref"_s).toString(), u"ORD-A-4"_s);
    QCOMPARE(rowA.value(u"exclusive"_s).toBool(), true);
    QCOMPARE(rowA.value(u"state"_s).toString(), u"pending"_s);
    QCOMPARE(rowA.value(u"attempts"_s).toInt(), 0);

    // And the other way round: B writes (also a newer state of A's pi_A2), A reads.
    VERIFY_OK(m_b->run({{u"cmd"_s, u"ingest"_s},
                        {u"objects"_s, array(customersB + paymentsB + refundsB)},
                        {u"observed_at"_s, 1'700'000'200},
                        {u"outbox"_s, QJsonArray{outboxB}}}));
    const QJsonObject seenByB2 = m_b->run(dumpAll);
    const QJsonObject seenByA2 = m_a->run(dumpAll);
    VERIFY_OK(seenByB2);
    VERIFY_OK(seenByA2);
    leaves = 0;
    diff = difference(seenByB2, seenByA2, u"B→A"_s, &leaves);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    qInfo() << "B wrote, A read:" << leaves << "fields equal";
    const QJsonObject paymentsNow = seenByA2.value(u"payments"_s).toObject();
    QCOMPARE(paymentsNow.size(), 4);
    for (const QJsonObject &o : paymentsB + refundsB + customersB) {
        const QString id = o.value(u"id"_s).toString();
        const QJsonObject held = (id.startsWith(u"pi_"_s)   ? paymentsNow
                                  : id.startsWith(u"re_"_s) ? seenByA2.value(u"refunds"_s).toObject()
                                                            : seenByA2.value(u"customers"_s).toObject())
                                     .value(id)
                                     .toObject();
        // (less the client_secret, which the store never keeps)
        diff = difference(kassa::stripe::StripeJson::withoutClientSecret(o), held.value(u"raw"_s),
                          u"raw "_s + id, &leaves);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    const QJsonObject a2Now = paymentsNow.value(u"pi_A2"_s).toObject();
    QCOMPARE(a2Now.value(u"status"_s).toString(), u"succeeded"_s);
    QCOMPARE(a2Now.value(u"description"_s).toString(), u"captured at till B"_s);
    QCOMPARE(a2Now.value(u"observed_at"_s).toInteger(), 1'700'000'200);
    QCOMPARE(a2Now.value(u"customer_name"_s).toString(), u"Ravi Patel"_s);
    const QJsonObject b1 = paymentsNow.value(u"pi_B1"_s).toObject();
    QCOMPARE(b1.value(u"customer_name"_s).toString(), u"Bo Nilsson"_s);
    QCOMPARE(b1.value(u"amount_refunded"_s).toInteger(), 300);
    QCOMPARE(b1.value(u"cashier"_s).toString(), u"bo"_s);
    // A's row and B's row, each read by the other, and by A again unchanged.
    const QJsonObject outboxNow = seenByA2.value(u"outbox"_s).toObject();
    QCOMPARE(outboxNow.size(), 2);
    QCOMPARE(outboxNow.value(u"key-B-2"_s).toObject().value(u"order_ref"_s).toString(), u"ORD-B-2"_s);
    diff = difference(rowA, outboxNow.value(u"key-A-4"_s), u"outbox key-A-4"_s, &leaves);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestPgTwoProcess::concurrentUpsertsKeepTheNewest()
{
    using namespace store::test;
    constexpr int Payments = 12;
    constexpr int Customers = 4;
    constexpr int RefundsPerPayment = 2;
    constexpr int Rounds = 10;

    // Every object's versions, in the order ObjectVersion ranks them (index 0 the oldest). They include
    // a status going back with a newer time, a non-final state observed after the final one (it must
    // lose), and several copies of the final status.
    QHash<QString, QList<RaceVersion>> byId;
    auto add = [&byId](const QJsonObject &object, qint64 observedAt, const store::ObjectVersion &version) {
        const QString id = object.value(u"id"_s).toString();
        const int index = int(byId[id].size());
        byId[id].append(
            {withMetadata(object, u"kassa_v"_s, QString::number(index)), observedAt, index, version});
    };
    using V = store::ObjectVersion;
    for (int c = 0; c < Customers; ++c) {
        const QString id = u"cus_R%1"_s.arg(c);
        for (int v = 0; v < 4; ++v) {
            const qint64 at = 1000 + v;
            add(customer(id, u"Customer %1 v%2"_s.arg(c).arg(v), u"c%1.v%2@example.com"_s.arg(c).arg(v)), at,
                V::ofCustomer(false, at));
        }
    }
    for (int p = 0; p < Payments; ++p) {
        const QString id = u"pi_R%1"_s.arg(p);
        const qint64 amount = 1000 + 10 * p;
        auto pi = [&](const QString &status, const QString &description) {
            return paymentIntent({.id = id,
                                  .amount = amount,
                                  .status = status,
                                  .customer = u"cus_R%1"_s.arg(p % Customers),
                                  .description = description,
                                  .orderRef = u"ORD-R-%1"_s.arg(p)});
        };
        const QList<std::tuple<QString, qint64, QString>> states{
            {u"requires_payment_method"_s, 1000, u"new"_s},
            {u"requires_confirmation"_s, 1000, u"confirming"_s},
            {u"requires_action"_s, 1001, u"3-D Secure"_s},
            {u"requires_payment_method"_s, 1002, u"3-D Secure failed"_s},
            {u"processing"_s, 1003, u"processing"_s},
            {u"processing"_s, 1500, u"a late copy"_s},
            {u"succeeded"_s, 1004, u"paid"_s},
            {u"succeeded"_s, 1006, u"paid, description edited"_s},
        };
        for (const auto &[status, at, description] : states)
            add(pi(status, description), at,
                V::ofPaymentIntent(status, at, status == u"succeeded"_s ? amount : 0));
        for (int r = 0; r < RefundsPerPayment; ++r) {
            const QString refundId = u"re_R%1_%2"_s.arg(p).arg(r);
            const QList<std::pair<QString, qint64>> refundStates{
                {u"pending"_s, 1010}, {u"pending"_s, 1011}, {u"succeeded"_s, 1012}, {u"succeeded"_s, 1014}};
            for (const auto &[status, at] : refundStates)
                add(refund({.id = refundId,
                            .paymentIntent = id,
                            .amount = 100 * (r + 1) + p,
                            .status = status,
                            .created = 1'700'000'100 + r}),
                    at, V::ofRefund(status, at));
        }
    }
    // The test's own premise: each list is a chain in ObjectVersion's order.
    QJsonArray versions;
    for (auto it = byId.cbegin(); it != byId.cend(); ++it) {
        const QList<RaceVersion> &chain = it.value();
        for (const RaceVersion &later : chain) {
            for (const RaceVersion &earlier : chain) {
                QVERIFY2(later.version.supersedes(earlier.version) == (later.index >= earlier.index),
                         qPrintable(u"%1 v%2 vs v%3"_s.arg(it.key()).arg(later.index).arg(earlier.index)));
            }
            versions.append(QJsonObject{{u"object"_s, later.object},
                                        {u"observed_at"_s, later.observedAt},
                                        {u"index"_s, later.index}});
        }
    }

    const QString started = startWorkers();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo() << "seed" << seed;
    QJsonObject command{{u"cmd"_s, u"race"_s}, {u"versions"_s, versions}, {u"rounds"_s, Rounds}};
    command.insert(u"seed"_s, qint64(seed));
    m_a->send(command);
    command.insert(u"seed"_s, qint64(seed) + 1);
    m_b->send(command);
    const QJsonObject a = m_a->answer(60'000);
    const QJsonObject b = m_b->answer(60'000);
    VERIFY_OK(a);
    VERIFY_OK(b);
    for (const QJsonObject &r : {a, b}) {
        qInfo().noquote() << "upserts" << r.value(u"upserts"_s).toInt() << "applied"
                          << r.value(u"applied"_s).toInt() << "stale" << r.value(u"stale"_s).toInt()
                          << "retried busy" << r.value(u"busy"_s).toInt();
        QCOMPARE(r.value(u"upserts"_s).toInt(), int(versions.size()) * Rounds);
        QVERIFY2(r.value(u"errors"_s).toArray().isEmpty(),
                 QJsonDocument(r.value(u"errors"_s).toArray()).toJson().constData());
        QVERIFY2(r.value(u"backwards"_s).toArray().isEmpty(),
                 QJsonDocument(r.value(u"backwards"_s).toArray()).toJson().constData());
    }

    // One row per id, holding the newest version, and the derived columns agree with what is held.
    store::Database &db = *m_fixture->db;
    QCOMPARE(db.queryValue(u"SELECT COUNT(*) FROM payments"_s).value().toLongLong(), qint64(Payments));
    QCOMPARE(db.queryValue(u"SELECT COUNT(*) FROM customers"_s).value().toLongLong(), qint64(Customers));
    QCOMPARE(db.queryValue(u"SELECT COUNT(*) FROM refunds"_s).value().toLongLong(),
             qint64(Payments * RefundsPerPayment));
    for (auto it = byId.cbegin(); it != byId.cend(); ++it) {
        const RaceVersion &newest = it.value().constLast();
        const QString table = it.key().startsWith(u"pi_"_s)   ? u"payments"_s
                              : it.key().startsWith(u"re_"_s) ? u"refunds"_s
                                                              : u"customers"_s;
        const auto count =
            db.queryValue(u"SELECT COUNT(*) FROM %1 WHERE id = ?"_s.arg(table), {it.key()}).value();
        QCOMPARE(count.toLongLong(), qint64(1));
        const auto raw =
            db.queryValue(u"SELECT raw FROM %1 WHERE id = ?"_s.arg(table), {it.key()}).value().toString();
        int leaves = 0;
        const QString diff = difference(kassa::stripe::StripeJson::withoutClientSecret(newest.object),
                                        QJsonDocument::fromJson(raw.toUtf8()).object(), it.key(), &leaves);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        const auto observed =
            db.queryValue(u"SELECT observed_at FROM %1 WHERE id = ?"_s.arg(table), {it.key()}).value();
        QCOMPARE(observed.toLongLong(), newest.observedAt);
    }
    store::PaymentRepository payments(db);
    for (int p = 0; p < Payments; ++p) {
        const auto row = payments.find(u"pi_R%1"_s.arg(p));
        QVERIFY(row.ok() && row.value());
        QCOMPARE(row.value()->status, u"succeeded"_s);
        QCOMPARE(row.value()->description, u"paid, description edited"_s);
        QCOMPARE(row.value()->customerName, u"Customer %1 v3"_s.arg(p % Customers));
        QCOMPARE(row.value()->amountRefunded.minorUnits(), qint64(100 + p + 200 + p));
    }
}

void TestPgTwoProcess::concurrentRefundsOfOnePayment()
{
    // Two tills refund the same payments at the same moment, each its own refund: the payment's
    // amount_refunded counts both (the one that commits second must see the first's refund).
    using namespace store::test;
    constexpr int Count = 150;
    QList<QJsonObject> pis;
    QList<QJsonObject> refundsA;
    QList<QJsonObject> refundsB;
    for (int i = 0; i < Count; ++i) {
        const QString id = u"pi_S%1"_s.arg(i);
        pis.append(paymentIntent({.id = id, .amount = 10'000, .orderRef = u"ORD-S-%1"_s.arg(i)}));
        refundsA.append(refund({.id = u"re_SA%1"_s.arg(i), .paymentIntent = id, .amount = 100 + i}));
        refundsB.append(refund({.id = u"re_SB%1"_s.arg(i), .paymentIntent = id, .amount = 1000 + i}));
    }
    store::StoreIngest ingest(*m_fixture->db);
    VERIFY_RESULT(ingest.upsertMany(pis, 1000));

    const QString started = startWorkers();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    m_a->send({{u"cmd"_s, u"upsert"_s}, {u"objects"_s, array(refundsA)}, {u"observed_at"_s, 1010}});
    m_b->send({{u"cmd"_s, u"upsert"_s}, {u"objects"_s, array(refundsB)}, {u"observed_at"_s, 1010}});
    const QJsonObject a = m_a->answer(60'000);
    const QJsonObject b = m_b->answer(60'000);
    VERIFY_OK(a);
    VERIFY_OK(b);
    for (const QJsonObject &r : {a, b}) {
        QCOMPARE(r.value(u"applied"_s).toInt(), Count);
        QVERIFY2(r.value(u"errors"_s).toArray().isEmpty(),
                 QJsonDocument(r.value(u"errors"_s).toArray()).toJson().constData());
    }
    store::PaymentRepository payments(*m_fixture->db);
    QStringList wrong;
    for (int i = 0; i < Count; ++i) {
        const auto row = payments.find(u"pi_S%1"_s.arg(i));
        QVERIFY(row.ok() && row.value());
        const qint64 expected = 100 + i + 1000 + i;
        if (row.value()->amountRefunded.minorUnits() != expected)
            wrong << u"pi_S%1: %2 instead of %3"_s.arg(i)
                         .arg(row.value()->amountRefunded.minorUnits())
                         .arg(expected);
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(u"%1 of %2 payments: "_s.arg(wrong.size()).arg(Count) +
                                         wrong.mid(0, 10).join(u", "_s)));
}

// `count` sales written to the outbox and committed, not sent; every third one was also sent once
// with its key and its answer lost (the PaymentIntent exists at the simulator, the row is pending).
QList<QString> TestPgTwoProcess::writePendingSales(int count, const QString &prefix)
{
    QList<QString> refs;
    store::OutboxRepository outbox(*m_fixture->db);
    int answered = 0;
    int sent = 0;
    for (int i = 0; i < count; ++i) {
        const QString ref = u"%1-%2"_s.arg(prefix).arg(i);
        const QString key = stripe::StripeClient::newIdempotencyKey();
        const stripe::StripeRequest request = keyedSale(ref, 1000 + i, key);
        store::OutboxEntry row;
        row.op = QString::fromLatin1(sync::Outbox::OpCreatePayment);
        row.method = stripe::StripeRequest::methodName(request.method);
        row.path = request.path;
        row.params = request.params.encode();
        row.idempotencyKey = key;
        row.orderRef = ref;
        row.exclusive = true;
        const auto inserted = outbox.insertPending(row);
        if (!inserted.ok() || !inserted.value().inserted) {
            qWarning() << "cannot write the outbox row of" << ref;
            return {};
        }
        refs.append(ref);
        if (i % 3 == 0) {
            ++sent;
            m_fixture->client->send(request, m_fixture->client.get(),
                                    [&answered](const stripe::StripeResponse &) { ++answered; });
        }
    }
    const QDeadlineTimer deadline(30'000);
    while (answered < sent && !deadline.hasExpired())
        QTest::qWait(5);
    if (answered < sent) {
        qWarning() << "the simulator did not answer the first sends";
        return {};
    }
    return refs;
}

void TestPgTwoProcess::checkSalesAgainstSimulator(const QList<QString> &orderRefs)
{
    m_fixture->simulator->setFaults({});
    QHash<QString, QStringList> byOrder;
    QHash<QString, QString> statusOf;
    for (const QJsonObject &pi : sync::test::listAll(*m_fixture->client, u"/v1/payment_intents"_s)) {
        const QString id = pi.value(u"id"_s).toString();
        byOrder[pi.value(u"metadata"_s).toObject().value(u"order_ref"_s).toString()].append(id);
        statusOf.insert(id, pi.value(u"status"_s).toString());
    }
    QCOMPARE(byOrder.size(), orderRefs.size());
    store::OutboxRepository rows(*m_fixture->db);
    store::PaymentRepository payments(*m_fixture->db);
    QCOMPARE(rows.countInState(store::OutboxState::Pending).valueOr(-1), qint64(0));
    QCOMPARE(rows.countInState(store::OutboxState::Sending).valueOr(-1), qint64(0));
    QCOMPARE(rows.countInState(store::OutboxState::Failed).valueOr(-1), qint64(0));
    QCOMPARE(rows.countInState(store::OutboxState::Done).valueOr(-1), qint64(orderRefs.size()));
    for (const QString &ref : orderRefs) {
        // Exactly one PaymentIntent per order at Stripe, succeeded.
        const QStringList ids = byOrder.value(ref);
        QVERIFY2(ids.size() == 1, qPrintable(ref + u": "_s + ids.join(u',')));
        QCOMPARE(statusOf.value(ids.first()), u"succeeded"_s);
        // One outbox row, done, naming it; the store holds it as Stripe does.
        const auto attempts = rows.findByOrderRef(ref);
        QVERIFY(attempts.ok());
        QCOMPARE(attempts.value().size(), 1);
        const store::OutboxEntry &row = attempts.value().constFirst();
        QCOMPARE(row.state, store::OutboxState::Done);
        QCOMPARE(row.responseStatus, 200);
        QCOMPARE(row.objectId, ids.first());
        const auto stored = payments.find(ids.first());
        QVERIFY2(stored.ok() && stored.value(), qPrintable(ids.first()));
        QCOMPARE(stored.value()->status, u"succeeded"_s);
        QCOMPARE(stored.value()->orderRef, ref);
    }
    store::PaymentFilter succeeded;
    succeeded.statuses = {u"succeeded"_s};
    QCOMPARE(payments.count(succeeded).valueOr(-1), qint64(orderRefs.size()));
    QCOMPARE(payments.count({}).valueOr(-1), qint64(orderRefs.size()));
}

void TestPgTwoProcess::concurrentRecoveryExactlyOnce()
{
    constexpr int Sales = 48;
    const QList<QString> refs = writePendingSales(Sales, u"ORD-W"_s);
    QCOMPARE(refs.size(), Sales);
    const QString started = startWorkers();
    QVERIFY2(started.isEmpty(), qPrintable(started));

    // Answers lost and refused on the way, so that rows come back pending and either till may take
    // them next; small batches, so that both claim from the same rows all along.
    sim::Faults faults;
    faults.latencyMs = 5;
    faults.error500Rate = 0.15;
    faults.dropAfterCommitRate = 0.15;
    faults.seed = QRandomGenerator::global()->generate();
    qInfo() << "fault seed" << faults.seed;
    m_fixture->simulator->setFaults(faults);
    const QJsonObject command{
        {u"cmd"_s, u"recover"_s}, {u"stale_after"_s, 300}, {u"rounds"_s, 60}, {u"batch"_s, 6}};
    m_a->send(command);
    m_b->send(command);
    const QJsonObject a = m_a->answer(50'000);
    const QJsonObject b = m_b->answer(50'000);
    VERIFY_OK(a);
    VERIFY_OK(b);

    // Each row ended done in exactly one process's recovery (a claim is exclusive).
    QHash<qint64, int> doneCount;
    for (const QJsonObject &report : {a, b}) {
        qInfo().noquote() << "claimed" << report.value(u"claimed"_s).toInt() << "done"
                          << report.value(u"done"_s).toInt() << "rounds" << report.value(u"rounds"_s).toInt();
        QVERIFY2(report.value(u"claimed"_s).toInt() > 0, "both tills recovered rows");
        QCOMPARE(report.value(u"failed"_s).toInt(), 0);
        for (const QJsonValue &row : report.value(u"rows"_s).toArray()) {
            const QJsonObject r = row.toObject();
            QVERIFY2(r.value(u"outcome"_s).toString() != u"store_error"_s,
                     qPrintable(r.value(u"error"_s).toString()));
            if (r.value(u"outcome"_s).toString() == u"done"_s)
                ++doneCount[r.value(u"id"_s).toInteger()];
        }
    }
    QCOMPARE(doneCount.size(), Sales);
    for (auto it = doneCount.cbegin(); it != doneCount.cend(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(u"row %1 done %2 times"_s.arg(it.key()).arg(it.value())));
    checkSalesAgainstSimulator(refs);
}

QProcess *TestPgTwoProcess::startCli(const QStringList &arguments)
{
    auto *process = new QProcess(this);
    process->setProcessEnvironment(sync::test::cliEnvironment(u"kassa.*.debug=false;kassa.*.info=false"_s));
    process->setProgram(QStringLiteral(KASSA_CLI_EXECUTABLE));
    process->setArguments(
        QStringList{u"--api-base"_s, m_fixture->simUrl().toString(), u"--database"_s, m_url} + arguments);
    process->start();
    return process;
}

void TestPgTwoProcess::concurrentCliRecoveryExactlyOnce()
{
    constexpr int Sales = 30;
    const QList<QString> refs = writePendingSales(Sales, u"ORD-C"_s);
    QCOMPARE(refs.size(), Sales);
    sim::Faults faults;
    faults.latencyMs = 20;
    faults.error500Rate = 0.2;
    faults.dropAfterCommitRate = 0.2;
    faults.seed = QRandomGenerator::global()->generate();
    qInfo() << "fault seed" << faults.seed;
    m_fixture->simulator->setFaults(faults);

    // `kassa-cli recover` twice at once, as two tills would after a power cut.
    const QStringList recover{u"recover"_s, u"--rounds"_s, u"60"_s};
    QProcess *first = startCli(recover);
    QProcess *second = startCli(recover);
    QTRY_VERIFY_WITH_TIMEOUT(
        first->state() == QProcess::NotRunning && second->state() == QProcess::NotRunning, 50'000);
    QHash<QString, int> doneCount;
    for (QProcess *process : {first, second}) {
        const QByteArray output = process->readAllStandardOutput();
        const QByteArray errors = process->readAllStandardError();
        const QByteArray context = output.right(1500) + errors.right(1500);
        QCOMPARE(process->exitStatus(), QProcess::NormalExit);
        // 1: this one finished while the other still held rows ("still pending"), which is no error.
        QVERIFY2(process->exitCode() == 0 || process->exitCode() == 1, context.constData());
        QVERIFY2(!errors.contains("store:"), context.constData());
        for (const QByteArray &line : output.split('\n')) {
            if (line.startsWith("recover:"))
                qInfo().noquote() << QString::fromUtf8(line);
            if (!line.startsWith("done "))
                continue;
            const qsizetype at = line.indexOf(" key=");
            QVERIFY(at > 0);
            ++doneCount[QString::fromUtf8(line.mid(at + 5, line.indexOf(' ', at + 5) - at - 5))];
        }
    }
    QCOMPARE(doneCount.size(), Sales);
    for (auto it = doneCount.cbegin(); it != doneCount.cend(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(u"%1 done %2 times"_s.arg(it.key()).arg(it.value())));
    checkSalesAgainstSimulator(refs);
}

QTEST_GUILESS_MAIN(TestPgTwoProcess)
#include "tst_pgtwoprocess.moc"
