// kassa-cli as a user runs it: the real executable in its own process, against a simulator that runs in
// this test's event loop on 127.0.0.1:0. Exit codes, what stdout and stderr say, and that no key ever
// shows in either.
#include "clitestsupport.h"
#include "simtestclient.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace kassa::cli::test;
using kassa::sim::test::SimResponse;
using kassa::sim::test::SimTestClient;

namespace {

const QString TestKey = u"sk_test_kassacli7Qm2Zt9Lw4XeRb"_s;
const QString RestrictedKey = u"rk_test_kassacli5Hn8Vp3Ky6TdWs"_s;
const QString LiveKey = u"sk_live_kassacli2Jr6Nc8Fg1PuYa"_s;
const QString PublishableKey = u"pk_test_kassacli9Bx4Mw7Dq2HsLe"_s;
const QString MalformedKey = u"sk_test_kassa-cli!"_s;
const QByteArray WebhookSecret = "whsec_kassacliTestSecret0123456789abcdef";
const QString Card = u"visa •••• 4242"_s;

QString hmacHeader(const QByteArray &payload, const QByteArray &secret, qint64 timestamp)
{
    const QByteArray t = QByteArray::number(timestamp);
    const QByteArray mac =
        QMessageAuthenticationCode::hash(QByteArray(t + '.' + payload), secret, QCryptographicHash::Sha256)
            .toHex();
    return QString::fromLatin1(QByteArray("t=" + t + ",v1=" + mac));
}

QJsonValue at(const QJsonObject &object, QStringView path)
{
    QJsonValue value = object;
    for (const QStringView part : path.tokenize(u'.'))
        value = value.toObject().value(part);
    return value;
}

} // namespace

class tst_KassaCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void pay_data();
    void pay();
    void payJson();
    void decline_data();
    void decline();
    void captureAndCancel();
    void refund();
    void idempotency();
    void usageErrors_data();
    void usageErrors();
    void keys_data();
    void keys();
    void verboseLog();
    void apiBase_data();
    void apiBase();
    void closedPort();
    void storeUnavailable();
    void paymentsList();
    void customersAndMethods();
    void events();
    void readers();
    void checkout();
    void balance();
    void webhookSign_data();
    void webhookSign();
    void webhookVerify_data();
    void webhookVerify();
    void webhookUsage_data();
    void webhookUsage();
    void helpAndVersion_data();
    void helpAndVersion();

private:
    // Runs kassa-cli with `arguments` as they are; the environment holds no key and no API base unless
    // `envKey` is given.
    CliResult runRaw(const QStringList &arguments, const QString &envKey = {},
                     const QByteArray &stdinData = {}, const QString &envApiBase = {});
    // Runs kassa-cli against the simulator with the test key in the environment.
    CliResult run(const QStringList &arguments, const QByteArray &stdinData = {})
    {
        return runRaw(QStringList{u"--api-base"_s, simBase()} + arguments, TestKey, stdinData);
    }
    QString simBase() const { return m_sim->simulator().baseUrl().toString(); }
    qint64 simRequests() const { return m_sim->simulator().stats().value(u"requests"_s).toInteger(); }
    QString payVisa(const QStringList &extra = {});
    QString writePayload(const QByteArray &payload);

    std::unique_ptr<SimTestClient> m_sim;
    std::unique_ptr<QTemporaryDir> m_dir;
    QStringList m_leaks;
};

void tst_KassaCli::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(KASSA_CLI_EXECUTABLE)), KASSA_CLI_EXECUTABLE);
}

void tst_KassaCli::init()
{
    m_sim = std::make_unique<SimTestClient>();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_leaks.clear();
}

void tst_KassaCli::cleanup()
{
    m_sim.reset();
    m_dir.reset();
    // Every run of every test: no key and no webhook secret in what kassa-cli printed.
    QVERIFY2(m_leaks.isEmpty(), qPrintable(m_leaks.join(u"\n\n"_s)));
}

CliResult tst_KassaCli::runRaw(const QStringList &arguments, const QString &envKey,
                               const QByteArray &stdinData, const QString &envApiBase)
{
    QProcessEnvironment environment = cleanEnvironment();
    // Each test function has its own store (the default data folder, as a user's would be).
    addVariables(&environment, {{u"KASSA_STRIPE_API_KEY"_s, envKey},
                                {u"KASSA_API_BASE"_s, envApiBase},
                                {u"KASSA_DATA_DIR"_s, m_dir->filePath(u"data"_s)}});
    const CliResult result =
        runProgram(QStringLiteral(KASSA_CLI_EXECUTABLE), arguments, environment, stdinData, 30'000);
    reportSecrets(
        result, u"kassa-cli "_s + arguments.join(u' '),
        {TestKey, RestrictedKey, LiveKey, PublishableKey, MalformedKey, QString::fromLatin1(WebhookSecret)},
        &m_leaks);
    return result;
}

QString tst_KassaCli::payVisa(const QStringList &extra)
{
    const CliResult paid = run(QStringList{u"pay"_s, u"--amount"_s, u"12.50"_s, u"--currency"_s, u"usd"_s,
                                           u"--payment-method"_s, u"pm_card_visa"_s} +
                               extra);
    if (paid.exitCode != 0 || !paid.firstId().startsWith(u"pi_"_s)) {
        qWarning("pay failed: %s", paid.describe().constData());
        return {};
    }
    return paid.firstId();
}

QString tst_KassaCli::writePayload(const QByteArray &payload)
{
    static int counter = 0;
    const QString path = m_dir->filePath(u"payload-%1.json"_s.arg(++counter));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(payload) != payload.size())
        qWarning("cannot write %s", qPrintable(path));
    return path;
}

// ---------------------------------------------------------------------------------------------- payments

void tst_KassaCli::pay_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("amount");
    QTest::addColumn<QString>("card");
    QTest::addColumn<bool>("authenticate");

    const QStringList usd{u"--amount"_s, u"12.50"_s, u"--currency"_s, u"usd"_s};
    QTest::newRow("visa") << usd + QStringList{u"--payment-method"_s, u"pm_card_visa"_s} << u"succeeded"_s
                          << u"12.50 USD"_s << Card << false;
    QTest::newRow("inline values") << QStringList{u"--amount=12.50"_s, u"--currency=usd"_s,
                                                  u"--payment-method=pm_card_visa"_s}
                                   << u"succeeded"_s << u"12.50 USD"_s << Card << false;
    QTest::newRow("mastercard, yen") << QStringList{u"--amount"_s,         u"1200"_s,
                                                    u"--currency"_s,       u"jpy"_s,
                                                    u"--payment-method"_s, u"pm_card_mastercard"_s}
                                     << u"succeeded"_s << u"1200 JPY"_s << u"mastercard •••• 4444"_s << false;
    QTest::newRow("description") << usd + QStringList{u"--payment-method"_s, u"pm_card_visa"_s,
                                                      u"--description"_s, u"Flat white and croissant"_s}
                                 << u"succeeded"_s << u"12.50 USD"_s << u"Flat white and croissant"_s
                                 << false;
    QTest::newRow("no payment method")
        << usd << u"requires_payment_method"_s << u"12.50 USD"_s << QString() << false;
    QTest::newRow("3-D Secure") << usd +
                                       QStringList{u"--payment-method"_s, u"pm_card_authenticationRequired"_s}
                                << u"requires_action"_s << u"12.50 USD"_s << QString() << true;
    QTest::newRow("manual capture") << usd + QStringList{u"--payment-method"_s, u"pm_card_visa"_s,
                                                         u"--capture"_s, u"manual"_s}
                                    << u"requires_capture"_s << u"12.50 USD"_s << Card << false;
}

void tst_KassaCli::pay()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, status);
    QFETCH(QString, amount);
    QFETCH(QString, card);
    QFETCH(bool, authenticate);

    const CliResult paid = run(QStringList{u"pay"_s} + arguments);
    EXPECT_EXIT(paid, 0);
    QCOMPARE(paid.lines().size(), 1);
    QVERIFY2(paid.err.isEmpty(), paid.describe().constData());
    const QString id = paid.firstId();
    QVERIFY2(id.startsWith(u"pi_"_s), paid.describe().constData());
    EXPECT_OUT(paid, QString(u"  "_s + status + u"  "_s));
    EXPECT_OUT(paid, amount);
    if (!card.isEmpty())
        EXPECT_OUT(paid, card);
    if (authenticate)
        EXPECT_OUT(paid, QString(u"authenticate: "_s + simBase() + u"/_sim/3ds/"_s + id));
    else
        QVERIFY2(!paid.out.contains(u"authenticate"_s), paid.describe().constData());

    // What the simulator holds agrees, and `payments show` prints the same PaymentIntent.
    const SimResponse held = m_sim->get(u"/v1/payment_intents/"_s + id);
    QCOMPARE(held.status, 200);
    QCOMPARE(held.string(u"status"_s), status);
    const CliResult shown = run({u"payments"_s, u"show"_s, id});
    EXPECT_EXIT(shown, 0);
    QCOMPARE(shown.firstId(), id);
    EXPECT_OUT(shown, QString(u"  "_s + status + u"  "_s));
    EXPECT_OUT(shown, amount);
    if (!card.isEmpty())
        EXPECT_OUT(shown, card);
}

void tst_KassaCli::payJson()
{
    const CliResult paid = run({u"--json"_s, u"pay"_s, u"--amount"_s, u"12.50"_s, u"--currency"_s, u"usd"_s,
                                u"--payment-method"_s, u"pm_card_visa"_s, u"--order-ref"_s, u"ORD-1001"_s,
                                u"--description"_s, u"Till 2"_s});
    EXPECT_EXIT(paid, 0);
    QCOMPARE(paid.lines().size(), 1);
    QJsonParseError error;
    const QJsonObject pi = QJsonDocument::fromJson(paid.lines().first().toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(pi.value(u"object"_s).toString(), u"payment_intent"_s);
    QVERIFY(pi.value(u"id"_s).toString().startsWith(u"pi_"_s));
    QCOMPARE(pi.value(u"status"_s).toString(), u"succeeded"_s);
    QCOMPARE(pi.value(u"amount"_s).toInteger(), 1250);
    QCOMPARE(pi.value(u"amount_received"_s).toInteger(), 1250);
    QCOMPARE(pi.value(u"currency"_s).toString(), u"usd"_s);
    QCOMPARE(pi.value(u"description"_s).toString(), u"Till 2"_s);
    QCOMPARE(at(pi, u"metadata.order_ref").toString(), u"ORD-1001"_s);
    QCOMPARE(pi.value(u"payment_method_types"_s).toArray(), QJsonArray{u"card"_s});
    // latest_charge is expanded.
    QCOMPARE(at(pi, u"latest_charge.payment_method_details.card.last4").toString(), u"4242"_s);

    // A list with --json: one parseable line per object.
    const CliResult second = run({u"pay"_s, u"--amount"_s, u"3.00"_s, u"--currency"_s, u"eur"_s,
                                  u"--payment-method"_s, u"pm_card_visa"_s});
    EXPECT_EXIT(second, 0);
    const CliResult listed = run({u"--json"_s, u"payments"_s, u"list"_s, u"--remote"_s});
    EXPECT_EXIT(listed, 0);
    QCOMPARE(listed.lines().size(), 2);
    QCOMPARE(listed.json(0).value(u"id"_s).toString(), second.firstId());
    QCOMPARE(listed.json(1).value(u"id"_s).toString(), pi.value(u"id"_s).toString());
    QCOMPARE(listed.json(1).value(u"amount"_s).toInteger(), 1250);

    // An empty store says so, on stderr; stdout stays an empty list.
    const CliResult empty =
        runRaw({u"--data-dir"_s, m_dir->filePath(u"empty-till"_s), u"payments"_s, u"list"_s});
    EXPECT_EXIT(empty, 0);
    QVERIFY2(empty.out.isEmpty(), empty.describe().constData());
    EXPECT_ERR(empty, u"no payments in the local store yet"_s);

    // Both payments went through the outbox into the local store, which lists them without Stripe.
    const CliResult stored = runRaw({u"--json"_s, u"payments"_s, u"list"_s});
    EXPECT_EXIT(stored, 0);
    QCOMPARE(stored.lines().size(), 2);
    QSet<QString> ids{stored.json(0).value(u"id"_s).toString(), stored.json(1).value(u"id"_s).toString()};
    QCOMPARE(ids, (QSet<QString>{second.firstId(), pi.value(u"id"_s).toString()}));
    const CliResult one = runRaw({u"payments"_s, u"list"_s, u"--search"_s, u"ORD-1001"_s});
    EXPECT_EXIT(one, 0);
    QCOMPARE(one.lines().size(), 1);
    EXPECT_OUT(one, pi.value(u"id"_s).toString());
}

void tst_KassaCli::decline_data()
{
    QTest::addColumn<QString>("paymentMethod");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("declineCode");

    QTest::newRow("insufficient funds")
        << u"pm_card_visa_chargeDeclinedInsufficientFunds"_s << u"card_declined"_s << u"insufficient_funds"_s;
    QTest::newRow("generic decline") << u"pm_card_visa_chargeDeclined"_s << u"card_declined"_s
                                     << u"generic_decline"_s;
    QTest::newRow("expired card") << u"pm_card_chargeDeclinedExpiredCard"_s << u"expired_card"_s << QString();
    QTest::newRow("incorrect cvc") << u"pm_card_chargeDeclinedIncorrectCvc"_s << u"incorrect_cvc"_s
                                   << QString();
}

void tst_KassaCli::decline()
{
    QFETCH(QString, paymentMethod);
    QFETCH(QString, code);
    QFETCH(QString, declineCode);

    const CliResult declined = run({u"pay"_s, u"--amount"_s, u"12.50"_s, u"--currency"_s, u"usd"_s,
                                    u"--payment-method"_s, paymentMethod});
    EXPECT_EXIT(declined, 3);
    QVERIFY2(declined.out.isEmpty(), declined.describe().constData());
    EXPECT_ERR(declined, u"error: card (HTTP 402)\n"_s);
    EXPECT_ERR(declined, QString(u"  code: "_s + code + u'\n'));
    // Stripe sets decline_code only with code card_declined.
    if (declineCode.isEmpty())
        QVERIFY2(!declined.err.contains(u"decline_code"_s), declined.describe().constData());
    else
        EXPECT_ERR(declined, QString(u"  decline_code: "_s + declineCode + u'\n'));
    QVERIFY2(QRegularExpression(u"^  message: \\S.+$"_s, QRegularExpression::MultilineOption)
                 .match(declined.err)
                 .hasMatch(),
             declined.describe().constData());
    QVERIFY2(QRegularExpression(u"^  request_id: req_\\w+$"_s, QRegularExpression::MultilineOption)
                 .match(declined.err)
                 .hasMatch(),
             declined.describe().constData());
    QVERIFY2(QRegularExpression(u"^  for the customer: \\S.+$"_s, QRegularExpression::MultilineOption)
                 .match(declined.err)
                 .hasMatch(),
             declined.describe().constData());

    // The PaymentIntent the error names went back to requires_payment_method.
    const QRegularExpressionMatch pi =
        QRegularExpression(u"^  payment_intent: (pi_\\w+)$"_s, QRegularExpression::MultilineOption)
            .match(declined.err);
    QVERIFY2(pi.hasMatch(), declined.describe().constData());
    const SimResponse held = m_sim->get(u"/v1/payment_intents/"_s + pi.captured(1));
    QCOMPARE(held.string(u"status"_s), u"requires_payment_method"_s);
    QCOMPARE(at(held.json, u"last_payment_error.decline_code").toString(), declineCode);
}

void tst_KassaCli::captureAndCancel()
{
    // Manual capture: part of it, then a second capture is refused.
    const QString manual = payVisa({u"--capture"_s, u"manual"_s});
    QVERIFY(!manual.isEmpty());
    const CliResult captured = run({u"--json"_s, u"capture"_s, manual, u"--amount"_s, u"5.00"_s});
    EXPECT_EXIT(captured, 0);
    QCOMPARE(captured.json().value(u"id"_s).toString(), manual);
    QCOMPARE(captured.json().value(u"status"_s).toString(), u"succeeded"_s);
    QCOMPARE(captured.json().value(u"amount_received"_s).toInteger(), 500);
    const CliResult again = run({u"capture"_s, manual});
    EXPECT_EXIT(again, 4);
    QVERIFY2(again.out.isEmpty(), again.describe().constData());
    EXPECT_ERR(again, u"error: invalid_request (HTTP 400)"_s);
    EXPECT_ERR(again, u"request_id: req_"_s);

    // Capture everything that is capturable.
    const QString whole = payVisa({u"--capture"_s, u"manual"_s});
    const CliResult all = run({u"--json"_s, u"capture"_s, whole});
    EXPECT_EXIT(all, 0);
    QCOMPARE(all.json().value(u"amount_received"_s).toInteger(), 1250);

    // More than is capturable, and an unknown PaymentIntent.
    const QString tooMuch = payVisa({u"--capture"_s, u"manual"_s});
    const CliResult over = run({u"capture"_s, tooMuch, u"--amount"_s, u"12.51"_s});
    EXPECT_EXIT(over, 4);
    const CliResult missing = run({u"capture"_s, u"pi_doesnotexist0000"_s});
    EXPECT_EXIT(missing, 4);
    EXPECT_ERR(missing, u"code: resource_missing"_s);

    // Cancel, then cancel again.
    const CliResult open = run({u"pay"_s, u"--amount"_s, u"8.00"_s, u"--currency"_s, u"usd"_s});
    EXPECT_EXIT(open, 0);
    const QString id = open.firstId();
    const CliResult canceled = run({u"cancel"_s, id, u"--reason"_s, u"requested_by_customer"_s});
    EXPECT_EXIT(canceled, 0);
    QCOMPARE(canceled.firstId(), id);
    EXPECT_OUT(canceled, u"  canceled  "_s);
    const SimResponse held = m_sim->get(u"/v1/payment_intents/"_s + id);
    QCOMPARE(held.string(u"status"_s), u"canceled"_s);
    QCOMPARE(held.string(u"cancellation_reason"_s), u"requested_by_customer"_s);
    const CliResult twice = run({u"cancel"_s, id});
    EXPECT_EXIT(twice, 4);
}

void tst_KassaCli::refund()
{
    const QString pi = payVisa();
    QVERIFY(!pi.isEmpty());

    const CliResult part =
        run({u"refund"_s, pi, u"--amount"_s, u"2.50"_s, u"--reason"_s, u"requested_by_customer"_s});
    EXPECT_EXIT(part, 0);
    const QString first = part.firstId();
    QVERIFY2(first.startsWith(u"re_"_s), part.describe().constData());
    EXPECT_OUT(part, u"  succeeded  2.50 USD  "_s);
    EXPECT_OUT(part, pi);
    EXPECT_OUT(part, u"requested_by_customer"_s);

    // 10.00 is left.
    const CliResult over = run({u"refund"_s, pi, u"--amount"_s, u"10.01"_s});
    EXPECT_EXIT(over, 4);
    QVERIFY2(over.out.isEmpty(), over.describe().constData());
    EXPECT_ERR(over, u"error: invalid_request (HTTP 400)"_s);
    EXPECT_ERR(over, u"  param: amount\n"_s);
    EXPECT_ERR(over, u"request_id: req_"_s);

    const CliResult rest = run({u"refund"_s, pi});
    EXPECT_EXIT(rest, 0);
    EXPECT_OUT(rest, u"10.00 USD"_s);
    const QString second = rest.firstId();

    const CliResult done = run({u"refund"_s, pi});
    EXPECT_EXIT(done, 4);
    EXPECT_ERR(done, u"code: charge_already_refunded"_s);

    // refunds list: newest first; refunds show.
    const CliResult listed = run({u"refunds"_s, u"list"_s});
    EXPECT_EXIT(listed, 0);
    QCOMPARE(listed.lines().size(), 2);
    QVERIFY2(listed.lines().at(0).startsWith(second), listed.describe().constData());
    QVERIFY2(listed.lines().at(1).startsWith(first), listed.describe().constData());
    const CliResult shown = run({u"refunds"_s, u"show"_s, first});
    EXPECT_EXIT(shown, 0);
    QCOMPARE(shown.firstId(), first);
    EXPECT_OUT(shown, u"2.50 USD"_s);
    const CliResult unknown = run({u"refunds"_s, u"show"_s, u"re_doesnotexist0000"_s});
    EXPECT_EXIT(unknown, 4);

    const CliResult payments = run({u"payments"_s, u"show"_s, pi});
    EXPECT_EXIT(payments, 0);
    EXPECT_OUT(payments, u"succeeded"_s);
}

void tst_KassaCli::idempotency()
{
    const QStringList pay{u"--json"_s,
                          u"pay"_s,
                          u"--amount"_s,
                          u"12.50"_s,
                          u"--currency"_s,
                          u"usd"_s,
                          u"--payment-method"_s,
                          u"pm_card_visa"_s,
                          u"--idempotency-key"_s,
                          u"kassa-cli-test-order-42"_s};
    const CliResult first = run(pay);
    EXPECT_EXIT(first, 0);
    const CliResult second = run(pay);
    EXPECT_EXIT(second, 0);
    const QString id = first.json().value(u"id"_s).toString();
    QVERIFY(id.startsWith(u"pi_"_s));
    QCOMPARE(second.json().value(u"id"_s).toString(), id);
    QCOMPARE(m_sim->simulator().stats().value(u"objects"_s).toObject().value(u"payment_intent"_s).toInteger(),
             1);

    QStringList changed = pay;
    changed[changed.indexOf(u"12.50"_s)] = u"13.00"_s;
    // The key reused for another amount: the store's outbox refuses it without asking Stripe...
    const qint64 requestsBefore = simRequests();
    const CliResult conflict = run(changed);
    EXPECT_EXIT(conflict, 5);
    QVERIFY2(conflict.out.isEmpty(), conflict.describe().constData());
    EXPECT_ERR(conflict, u"error: idempotency"_s);
    EXPECT_ERR(conflict, u"first used for another request"_s);
    QCOMPARE(simRequests(), requestsBefore);
    // ... and so does Stripe, for a till with another store.
    const CliResult elsewhere = run(QStringList{u"--data-dir"_s, m_dir->filePath(u"other-till"_s)} + changed);
    EXPECT_EXIT(elsewhere, 5);
    QVERIFY2(elsewhere.out.isEmpty(), elsewhere.describe().constData());
    EXPECT_ERR(elsewhere, u"error: idempotency"_s);
    EXPECT_ERR(elsewhere, u"request_id: req_"_s);

    // Without a key every run is a new PaymentIntent.
    QVERIFY(payVisa() != payVisa());
}

// ------------------------------------------------------------------------------------- usage and keys

void tst_KassaCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    QTest::newRow("no command") << QStringList() << u"no command given"_s;
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << u"unknown command 'frobnicate'"_s;
    QTest::newRow("unknown option") << QStringList{u"pay"_s, u"--amount"_s, u"12.50"_s, u"--currency"_s,
                                                   u"usd"_s, u"--colour"_s, u"red"_s}
                                    << u"unknown option --colour"_s;
    QTest::newRow("amount 12.345 usd")
        << QStringList{u"pay"_s, u"--amount"_s, u"12.345"_s, u"--currency"_s, u"usd"_s}
        << u"--amount 12.345"_s;
    QTest::newRow("amount abc") << QStringList{u"pay"_s, u"--amount"_s, u"abc"_s, u"--currency"_s, u"usd"_s}
                                << u"--amount abc"_s;
    QTest::newRow("amount with comma")
        << QStringList{u"pay"_s, u"--amount"_s, u"12,50"_s, u"--currency"_s, u"usd"_s} << u"--amount 12,50"_s;
    QTest::newRow("amount negative") << QStringList{u"pay"_s, u"--amount=-5.00"_s, u"--currency"_s, u"usd"_s}
                                     << u"--amount -5.00"_s;
    QTest::newRow("amount without value")
        << QStringList{u"pay"_s, u"--currency"_s, u"usd"_s, u"--amount"_s} << u"--amount needs a value"_s;
    QTest::newRow("amount missing") << QStringList{u"pay"_s, u"--currency"_s, u"usd"_s}
                                    << u"pay needs --amount and --currency"_s;
    QTest::newRow("currency xyz") << QStringList{u"pay"_s, u"--amount"_s, u"12.50"_s, u"--currency"_s,
                                                 u"xyz"_s}
                                  << u"unknown currency 'xyz'"_s;
    QTest::newRow("capture method") << QStringList{u"pay"_s, u"--amount"_s,  u"12.50"_s, u"--currency"_s,
                                                   u"usd"_s, u"--capture"_s, u"later"_s}
                                    << u"--capture is automatic or manual"_s;
    QTest::newRow("capture without PI") << QStringList{u"capture"_s} << u"usage: capture PI"_s;
    QTest::newRow("cancel without PI") << QStringList{u"cancel"_s} << u"usage: cancel PI"_s;
    QTest::newRow("refund reason") << QStringList{u"refund"_s, u"pi_123"_s, u"--reason"_s, u"because"_s}
                                   << u"--reason is duplicate, fraudulent or requested_by_customer"_s;
    QTest::newRow("limit -1") << QStringList{u"payments"_s, u"list"_s, u"--limit"_s, u"-1"_s}
                              << u"--limit takes a number"_s;
    QTest::newRow("limit abc") << QStringList{u"customers"_s, u"list"_s, u"--limit"_s, u"abc"_s}
                               << u"--limit takes a number"_s;
    QTest::newRow("events since") << QStringList{u"events"_s, u"list"_s, u"--since"_s, u"yesterday"_s}
                                  << u"--limit and --since take numbers"_s;
    QTest::newRow("payments sub-command")
        << QStringList{u"payments"_s, u"delete"_s} << u"usage: payments list"_s;
    QTest::newRow("customers sub-command") << QStringList{u"customers"_s} << u"usage: customers create"_s;
    QTest::newRow("methods attach one argument")
        << QStringList{u"methods"_s, u"attach"_s, u"cus_123"_s} << u"usage: methods list"_s;
    QTest::newRow("readers process one argument")
        << QStringList{u"readers"_s, u"process"_s, u"tmr_123"_s} << u"usage: readers list"_s;
    QTest::newRow("checkout without amount")
        << QStringList{u"checkout"_s, u"create"_s, u"--currency"_s, u"usd"_s}
        << u"checkout create needs --amount and --currency"_s;
    QTest::newRow("checkout setup without customer")
        << QStringList{u"checkout"_s, u"create"_s, u"--mode"_s, u"setup"_s}
        << u"checkout create --mode setup needs --customer"_s;
    QTest::newRow("checkout mode") << QStringList{u"checkout"_s, u"create"_s, u"--mode"_s, u"subscription"_s}
                                   << u"--mode is payment or setup"_s;
    QTest::newRow("unknown global option")
        << QStringList{u"--colour"_s, u"balance"_s} << u"unknown global option --colour"_s;
    QTest::newRow("global option without value")
        << QStringList{u"--profile"_s} << u"--profile needs a value"_s;
}

void tst_KassaCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const qint64 requestsBefore = simRequests();
    const CliResult result = run(arguments);
    EXPECT_EXIT(result, 2);
    QVERIFY2(result.out.isEmpty(), result.describe().constData());
    EXPECT_ERR(result, message);
    EXPECT_ERR(result, u"Run kassa-cli --help"_s);
    // A usage error is found before anything is sent.
    QCOMPARE(simRequests(), requestsBefore);
}

void tst_KassaCli::keys_data()
{
    QTest::addColumn<QString>("envKey");
    QTest::addColumn<bool>("keyFromStdin");
    QTest::addColumn<QByteArray>("stdinData");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("messages");

    const QStringList noKey{u"--api-key-stdin"_s, u"KASSA_STRIPE_API_KEY"_s};
    QTest::newRow("environment") << TestKey << false << QByteArray() << 0 << QStringList();
    QTest::newRow("stdin") << QString() << true << QByteArray(TestKey.toLatin1() + '\n') << 0
                           << QStringList();
    QTest::newRow("stdin without newline") << QString() << true << TestKey.toLatin1() << 0 << QStringList();
    QTest::newRow("stdin with CRLF") << QString() << true << QByteArray(TestKey.toLatin1() + "\r\n") << 0
                                     << QStringList();
    QTest::newRow("stdin before environment")
        << LiveKey << true << QByteArray(TestKey.toLatin1() + '\n') << 0 << QStringList();
    QTest::newRow("restricted key") << RestrictedKey << false << QByteArray() << 0 << QStringList();
    QTest::newRow("no key") << QString() << false << QByteArray() << 6 << noKey;
    QTest::newRow("empty stdin") << TestKey << true << QByteArray() << 6 << noKey;
    QTest::newRow("blank environment") << u"   "_s << false << QByteArray() << 6 << noKey;
    QTest::newRow("live key") << LiveKey << false << QByteArray() << 6
                              << QStringList{u"error: authentication (HTTP 401)"_s, u"live mode"_s,
                                             u"request_id: req_"_s};
    QTest::newRow("live key on stdin") << QString() << true << QByteArray(LiveKey.toLatin1() + '\n') << 6
                                       << QStringList{u"error: authentication (HTTP 401)"_s, u"live mode"_s};
    QTest::newRow("publishable key") << PublishableKey << false << QByteArray() << 6
                                     << QStringList{u"secret (sk_...) or restricted (rk_...)"_s};
    QTest::newRow("malformed key") << MalformedKey << false << QByteArray() << 6
                                   << QStringList{u"error: authentication (HTTP 401)"_s,
                                                  u"Invalid API Key"_s};
}

void tst_KassaCli::keys()
{
    QFETCH(QString, envKey);
    QFETCH(bool, keyFromStdin);
    QFETCH(QByteArray, stdinData);
    QFETCH(int, exitCode);
    QFETCH(QStringList, messages);

    QStringList arguments{u"--api-base"_s, simBase()};
    if (keyFromStdin)
        arguments.append(u"--api-key-stdin"_s);
    arguments.append(u"balance"_s);
    const CliResult result = runRaw(arguments, envKey, stdinData);
    EXPECT_EXIT(result, exitCode);
    if (exitCode == 0) {
        QVERIFY2(result.out.startsWith(u"balance"_s), result.describe().constData());
        QVERIFY2(result.err.isEmpty(), result.describe().constData());
    } else {
        QVERIFY2(result.out.isEmpty(), result.describe().constData());
    }
    for (const QString &message : std::as_const(messages))
        EXPECT_ERR(result, message);
    for (const QString &key : {TestKey, RestrictedKey, LiveKey, PublishableKey, MalformedKey}) {
        QVERIFY2(!result.out.contains(key) && !result.err.contains(key), result.describe().constData());
        QVERIFY2(!result.err.contains(key.mid(8)), result.describe().constData());
    }
}

void tst_KassaCli::verboseLog()
{
    // --verbose logs each request (method, path, status, Request-Id) and never the key.
    const CliResult paid =
        runRaw({u"--api-base"_s, simBase(), u"--verbose"_s, u"--api-key-stdin"_s, u"pay"_s, u"--amount"_s,
                u"12.50"_s, u"--currency"_s, u"usd"_s, u"--payment-method"_s, u"pm_card_visa"_s},
               {}, TestKey.toLatin1() + '\n');
    EXPECT_EXIT(paid, 0);
    QVERIFY2(QRegularExpression(u"POST /v1/payment_intents 200 req_\\w+"_s).match(paid.err).hasMatch(),
             paid.describe().constData());
    QVERIFY2(!paid.err.contains(TestKey) && !paid.err.contains(TestKey.mid(8)), paid.describe().constData());

    const CliResult refused = runRaw({u"--api-base"_s, simBase(), u"--verbose"_s, u"balance"_s}, LiveKey);
    EXPECT_EXIT(refused, 6);
    EXPECT_ERR(refused, u"GET /v1/balance 401"_s);
    QVERIFY2(!refused.err.contains(LiveKey) && !refused.err.contains(LiveKey.mid(8)),
             refused.describe().constData());
}

void tst_KassaCli::apiBase_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<bool>("fromEnvironment");
    QTest::addColumn<QString>("message");

    QTest::newRow("http to another host")
        << u"http://example.com"_s << false << u"plain http is only allowed"_s;
    QTest::newRow("http to another host, environment")
        << u"http://example.com"_s << true << u"plain http is only allowed"_s;
    QTest::newRow("localhost look-alike")
        << u"http://localhost.example.com"_s << false << u"plain http is only allowed"_s;
    QTest::newRow("ftp") << u"ftp://127.0.0.1:21"_s << false << u"must start with https://"_s;
    QTest::newRow("no URL") << u"not a url"_s << false << u"not a valid URL"_s;
}

void tst_KassaCli::apiBase()
{
    QFETCH(QString, base);
    QFETCH(bool, fromEnvironment);
    QFETCH(QString, message);

    const CliResult result = fromEnvironment ? runRaw({u"balance"_s}, TestKey, {}, base)
                                             : runRaw({u"--api-base"_s, base, u"balance"_s}, TestKey);
    EXPECT_EXIT(result, 2);
    QVERIFY2(result.out.isEmpty(), result.describe().constData());
    EXPECT_ERR(result, u"--api-base: "_s);
    EXPECT_ERR(result, message);
}

void tst_KassaCli::closedPort()
{
    quint16 port = 0;
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        port = server.serverPort();
        server.close();
    }
    const CliResult result =
        runRaw({u"--api-base"_s, u"http://127.0.0.1:%1"_s.arg(port), u"balance"_s}, TestKey);
    qInfo("kassa-cli against a closed port ended after %lld ms", result.elapsedMs);
    EXPECT_EXIT(result, 10);
    QVERIFY2(result.out.isEmpty(), result.describe().constData());
    EXPECT_ERR(result, u"error: connection\n"_s);
    EXPECT_ERR(result, u"request_id: (no answer)"_s);
    QVERIFY2(result.elapsedMs < 15'000, result.describe().constData());
}

void tst_KassaCli::storeUnavailable()
{
    // A data folder that cannot hold the store: nothing is sent, since the call could not be recorded
    // first, and the message says where and how to choose another place.
    QFile blocker(m_dir->filePath(u"not-a-folder"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const qint64 before = simRequests();
    const CliResult paid = run({u"--data-dir"_s, blocker.fileName(), u"pay"_s, u"--amount"_s, u"5.00"_s,
                                u"--currency"_s, u"usd"_s, u"--payment-method"_s, u"pm_card_visa"_s});
    EXPECT_EXIT(paid, 1);
    EXPECT_ERR(paid, u"cannot open the store"_s);
    EXPECT_ERR(paid, u"--data-dir"_s);
    QVERIFY2(paid.out.isEmpty(), paid.describe().constData());
    QCOMPARE(simRequests(), before);
}

// ----------------------------------------------------------------------------------------------- lists

void tst_KassaCli::paymentsList()
{
    m_sim->simulator().seedDemo(150);
    // The truth, page by page from the simulator's API.
    QList<QJsonObject> all;
    QString after;
    for (;;) {
        const SimResponse page = m_sim->get(u"/v1/payment_intents?limit=100"_s +
                                            (after.isEmpty() ? QString() : u"&starting_after="_s + after));
        QCOMPARE(page.status, 200);
        const QJsonArray data = page.json.value(u"data"_s).toArray();
        for (const QJsonValue &item : data)
            all.append(item.toObject());
        if (!page.json.value(u"has_more"_s).toBool() || data.isEmpty())
            break;
        after = data.last().toObject().value(u"id"_s).toString();
    }
    QVERIFY2(all.size() >= 150, QByteArray::number(all.size()).constData());
    QCOMPARE(
        all.size(),
        m_sim->simulator().stats().value(u"objects"_s).toObject().value(u"payment_intent"_s).toInteger());

    const CliResult limited = run({u"payments"_s, u"list"_s, u"--remote"_s, u"--limit"_s, u"120"_s});
    EXPECT_EXIT(limited, 0);
    QCOMPARE(limited.lines().size(), 120);
    for (int i = 0; i < 120; ++i)
        QVERIFY2(limited.lines().at(i).startsWith(all.at(i).value(u"id"_s).toString() + u"  "_s),
                 qPrintable(limited.lines().at(i)));

    const CliResult json =
        run({u"--json"_s, u"payments"_s, u"list"_s, u"--remote"_s, u"--limit"_s, u"120"_s});
    EXPECT_EXIT(json, 0);
    QCOMPARE(json.lines().size(), 120);
    qint64 previous = std::numeric_limits<qint64>::max();
    for (int i = 0; i < 120; ++i) {
        const QJsonObject pi = json.json(i);
        QCOMPARE(pi.value(u"object"_s).toString(), u"payment_intent"_s);
        const qint64 created = pi.value(u"created"_s).toInteger();
        QVERIFY2(created <= previous, "not newest first");
        previous = created;
    }

    const CliResult everything = run({u"payments"_s, u"list"_s, u"--remote"_s, u"--limit"_s, u"0"_s});
    EXPECT_EXIT(everything, 0);
    QCOMPARE(everything.lines().size(), all.size());
    QSet<QString> ids;
    for (const QString &line : everything.lines())
        ids.insert(line.section(u"  "_s, 0, 0));
    QCOMPARE(ids.size(), all.size());

    const CliResult byDefault = run({u"payments"_s, u"list"_s, u"--remote"_s});
    EXPECT_EXIT(byDefault, 0);
    QCOMPARE(byDefault.lines().size(), 20);

    // Search: every succeeded payment, and nothing else.
    qsizetype succeeded = 0;
    QString customer;
    for (const QJsonObject &pi : std::as_const(all)) {
        succeeded += pi.value(u"status"_s).toString() == u"succeeded"_s ? 1 : 0;
        if (customer.isEmpty() && pi.value(u"customer"_s).isString())
            customer = pi.value(u"customer"_s).toString();
    }
    QVERIFY2(succeeded > 100, "the search should span more than one page");
    const CliResult search = run({u"payments"_s, u"list"_s, u"--remote"_s, u"--limit"_s, u"0"_s,
                                  u"--search"_s, u"status:'succeeded'"_s});
    EXPECT_EXIT(search, 0);
    QCOMPARE(search.lines().size(), succeeded);
    for (const QString &line : search.lines())
        QVERIFY2(line.contains(u"  succeeded  "_s), qPrintable(line));

    // By customer.
    QVERIFY(!customer.isEmpty());
    qsizetype ofCustomer = 0;
    for (const QJsonObject &pi : std::as_const(all))
        ofCustomer += pi.value(u"customer"_s).toString() == customer ? 1 : 0;
    const CliResult byCustomer = run({u"--json"_s, u"payments"_s, u"list"_s, u"--remote"_s, u"--limit"_s,
                                      u"0"_s, u"--customer"_s, customer});
    EXPECT_EXIT(byCustomer, 0);
    QCOMPARE(byCustomer.lines().size(), ofCustomer);
    for (int i = 0; i < byCustomer.lines().size(); ++i)
        QCOMPARE(byCustomer.json(i).value(u"customer"_s).toString(), customer);

    // A seeded card payment shows its card.
    for (const QJsonObject &pi : std::as_const(all)) {
        if (pi.value(u"status"_s).toString() != u"succeeded"_s)
            continue;
        const SimResponse full = m_sim->get(u"/v1/payment_intents/"_s + pi.value(u"id"_s).toString() +
                                            u"?expand[]=latest_charge"_s);
        const QJsonObject card = at(full.json, u"latest_charge.payment_method_details.card").toObject();
        if (card.isEmpty())
            continue;
        const CliResult shown = run({u"payments"_s, u"show"_s, u"--remote"_s, pi.value(u"id"_s).toString()});
        EXPECT_EXIT(shown, 0);
        EXPECT_OUT(shown, QString(card.value(u"brand"_s).toString() + u" •••• "_s +
                                  card.value(u"last4"_s).toString()));
        break;
    }

    // The same from the local store, after a backfill: no request to Stripe for any of the lists.
    const CliResult backfill = run({u"sync"_s, u"--backfill"_s});
    EXPECT_EXIT(backfill, 0);
    const qint64 requestsBefore = simRequests();
    const CliResult stored = runRaw({u"payments"_s, u"list"_s, u"--limit"_s, u"0"_s});
    EXPECT_EXIT(stored, 0);
    QCOMPARE(stored.lines().size(), all.size());
    QSet<QString> storedIds;
    for (const QString &line : stored.lines())
        storedIds.insert(line.section(u"  "_s, 0, 0));
    QCOMPARE(storedIds, ids);
    const CliResult storedDefault = runRaw({u"payments"_s, u"list"_s});
    EXPECT_EXIT(storedDefault, 0);
    QCOMPARE(storedDefault.lines().size(), 20);
    const CliResult storedSucceeded =
        runRaw({u"payments"_s, u"list"_s, u"--limit"_s, u"0"_s, u"--status"_s, u"succeeded"_s});
    EXPECT_EXIT(storedSucceeded, 0);
    QCOMPARE(storedSucceeded.lines().size(), succeeded);
    const CliResult storedCustomer =
        runRaw({u"--json"_s, u"payments"_s, u"list"_s, u"--limit"_s, u"0"_s, u"--customer"_s, customer});
    EXPECT_EXIT(storedCustomer, 0);
    QCOMPARE(storedCustomer.lines().size(), ofCustomer);
    QCOMPARE(simRequests(), requestsBefore);
}

void tst_KassaCli::customersAndMethods()
{
    const QString email = u"ann.cli@example.com"_s;
    const CliResult created = run({u"customers"_s, u"create"_s, u"--email"_s, email, u"--name"_s,
                                   u"Ann Example"_s, u"--phone"_s, u"+15550100"_s});
    EXPECT_EXIT(created, 0);
    const QString customer = created.firstId();
    QVERIFY2(customer.startsWith(u"cus_"_s), created.describe().constData());
    EXPECT_OUT(created, u"Ann Example"_s);
    EXPECT_OUT(created, email);
    const CliResult other = run({u"customers"_s, u"create"_s, u"--email"_s, u"bob.cli@example.com"_s});
    EXPECT_EXIT(other, 0);

    const CliResult byEmail = run({u"customers"_s, u"list"_s, u"--email"_s, email});
    EXPECT_EXIT(byEmail, 0);
    QCOMPARE(byEmail.lines().size(), 1);
    QCOMPARE(byEmail.firstId(), customer);
    const CliResult searched =
        run({u"--json"_s, u"customers"_s, u"list"_s, u"--search"_s, QString(u"email:'"_s + email + u'\'')});
    EXPECT_EXIT(searched, 0);
    QCOMPARE(searched.lines().size(), 1);
    QCOMPARE(searched.json().value(u"id"_s).toString(), customer);
    QCOMPARE(searched.json().value(u"email"_s).toString(), email);
    const CliResult listed = run({u"customers"_s, u"list"_s});
    EXPECT_EXIT(listed, 0);
    QCOMPARE(listed.lines().size(), 2);

    const CliResult shown = run({u"customers"_s, u"show"_s, customer});
    EXPECT_EXIT(shown, 0);
    QCOMPARE(shown.firstId(), customer);
    EXPECT_OUT(shown, u"Ann Example"_s);
    QVERIFY2(!shown.out.contains(u"default"_s), shown.describe().constData());

    // Saved cards.
    const CliResult visa = run({u"methods"_s, u"attach"_s, customer, u"pm_card_visa"_s});
    EXPECT_EXIT(visa, 0);
    const QString visaId = visa.firstId();
    QVERIFY2(visaId.startsWith(u"pm_"_s) && visaId != u"pm_card_visa"_s, visa.describe().constData());
    EXPECT_OUT(visa, Card);
    EXPECT_OUT(visa, customer);
    const CliResult mastercard = run({u"methods"_s, u"attach"_s, customer, u"pm_card_mastercard"_s});
    EXPECT_EXIT(mastercard, 0);
    const QString mastercardId = mastercard.firstId();
    EXPECT_OUT(mastercard, u"mastercard •••• 4444  exp "_s);

    const CliResult methods = run({u"methods"_s, u"list"_s, customer});
    EXPECT_EXIT(methods, 0);
    QCOMPARE(methods.lines().size(), 2);
    EXPECT_OUT(methods, visaId);
    EXPECT_OUT(methods, mastercardId);

    const CliResult setDefault = run({u"methods"_s, u"default"_s, customer, mastercardId});
    EXPECT_EXIT(setDefault, 0);
    QCOMPARE(setDefault.firstId(), customer);
    EXPECT_OUT(setDefault, QString(u"default "_s + mastercardId));
    const CliResult withDefault = run({u"customers"_s, u"show"_s, customer});
    EXPECT_EXIT(withDefault, 0);
    EXPECT_OUT(withDefault, QString(u"default "_s + mastercardId));

    const CliResult detached = run({u"methods"_s, u"detach"_s, visaId});
    EXPECT_EXIT(detached, 0);
    QCOMPARE(detached.firstId(), visaId);
    QVERIFY2(!detached.out.contains(customer), detached.describe().constData());
    const CliResult remaining = run({u"methods"_s, u"list"_s, customer});
    EXPECT_EXIT(remaining, 0);
    QCOMPARE(remaining.lines().size(), 1);
    QCOMPARE(remaining.firstId(), mastercardId);

    const CliResult noCustomer = run({u"methods"_s, u"attach"_s, u"cus_doesnotexist00"_s, u"pm_card_visa"_s});
    EXPECT_EXIT(noCustomer, 4);
    const CliResult unknown = run({u"customers"_s, u"show"_s, u"cus_doesnotexist00"_s});
    EXPECT_EXIT(unknown, 4);
    EXPECT_ERR(unknown, u"code: resource_missing"_s);
}

void tst_KassaCli::events()
{
    QStringList paid;
    for (int i = 0; i < 4; ++i) {
        paid.append(payVisa());
        QVERIFY(!paid.last().isEmpty());
    }
    const CliResult declined = run({u"pay"_s, u"--amount"_s, u"1.00"_s, u"--currency"_s, u"usd"_s,
                                    u"--payment-method"_s, u"pm_card_visa_chargeDeclined"_s});
    EXPECT_EXIT(declined, 3);

    const CliResult three =
        run({u"events"_s, u"list"_s, u"--type"_s, u"payment_intent.succeeded"_s, u"--limit"_s, u"3"_s});
    EXPECT_EXIT(three, 0);
    QCOMPARE(three.lines().size(), 3);
    QSet<QString> seen;
    for (const QString &line : three.lines()) {
        QVERIFY2(line.startsWith(u"evt_"_s), qPrintable(line));
        QVERIFY2(line.contains(u"  payment_intent.succeeded  "_s), qPrintable(line));
        const QString pi = line.section(u"  "_s, -1);
        QVERIFY2(paid.contains(pi), qPrintable(line));
        seen.insert(pi);
    }
    QCOMPARE(seen.size(), 3);
    // Newest first: the oldest payment is the one left out.
    QVERIFY2(!seen.contains(paid.first()), three.describe().constData());

    const CliResult all = run({u"--json"_s, u"events"_s, u"list"_s, u"--type"_s,
                               u"payment_intent.succeeded"_s, u"--limit"_s, u"0"_s});
    EXPECT_EXIT(all, 0);
    QCOMPARE(all.lines().size(), 4);
    QCOMPARE(all.json(0).value(u"type"_s).toString(), u"payment_intent.succeeded"_s);
    const CliResult failed = run({u"events"_s, u"list"_s, u"--type"_s, u"payment_intent.payment_failed"_s});
    EXPECT_EXIT(failed, 0);
    QCOMPARE(failed.lines().size(), 1);

    const QString eventId = all.json(0).value(u"id"_s).toString();
    const CliResult shown = run({u"events"_s, u"show"_s, eventId});
    EXPECT_EXIT(shown, 0);
    QCOMPARE(shown.firstId(), eventId);
    EXPECT_OUT(shown, u"payment_intent.succeeded"_s);
    const CliResult future = run(
        {u"events"_s, u"list"_s, u"--since"_s, QString::number(QDateTime::currentSecsSinceEpoch() + 3600)});
    EXPECT_EXIT(future, 0);
    QVERIFY2(future.out.isEmpty(), future.describe().constData());
}

void tst_KassaCli::readers()
{
    const CliResult listed = run({u"readers"_s, u"list"_s});
    EXPECT_EXIT(listed, 0);
    QVERIFY2(listed.lines().size() >= 1, listed.describe().constData());
    const QString reader = listed.firstId();
    QVERIFY2(reader.startsWith(u"tmr_"_s), listed.describe().constData());
    EXPECT_OUT(listed, u"  online"_s);

    // kassa-cli pay always asks for card; a reader needs card_present.
    const QString pi = m_sim->createPaymentIntent(2000, "&payment_method_types[]=card_present");
    QVERIFY(pi.startsWith(u"pi_"_s));

    const CliResult processing = run({u"readers"_s, u"process"_s, reader, pi});
    EXPECT_EXIT(processing, 0);
    QCOMPARE(processing.firstId(), reader);
    EXPECT_OUT(processing, u"action: process_payment_intent in_progress"_s);
    const CliResult busy = run({u"readers"_s, u"process"_s, reader, pi});
    EXPECT_EXIT(busy, 4);
    EXPECT_ERR(busy, u"code: terminal_reader_busy"_s);

    const CliResult declined = run({u"readers"_s, u"present"_s, reader, u"--card"_s, u"4000000000000002"_s});
    EXPECT_EXIT(declined, 0);
    EXPECT_OUT(declined, u"action: process_payment_intent failed "_s);
    QCOMPARE(m_sim->get(u"/v1/payment_intents/"_s + pi).string(u"status"_s), u"requires_payment_method"_s);
    const CliResult shown = run({u"readers"_s, u"show"_s, reader});
    EXPECT_EXIT(shown, 0);
    EXPECT_OUT(shown, u"action: process_payment_intent failed "_s);

    // Start again and cancel.
    const CliResult restarted = run({u"readers"_s, u"process"_s, reader, pi});
    EXPECT_EXIT(restarted, 0);
    const CliResult canceled = run({u"readers"_s, u"cancel"_s, reader});
    EXPECT_EXIT(canceled, 0);
    EXPECT_OUT(canceled, u"action: process_payment_intent failed "_s);
    EXPECT_OUT(canceled, u"canceled"_s);
    const CliResult nothingToCancel = run({u"readers"_s, u"cancel"_s, reader});
    EXPECT_EXIT(nothingToCancel, 4);

    // And a tap that succeeds.
    const CliResult third = run({u"readers"_s, u"process"_s, reader, pi});
    EXPECT_EXIT(third, 0);
    const CliResult tapped = run({u"readers"_s, u"present"_s, reader});
    EXPECT_EXIT(tapped, 0);
    EXPECT_OUT(tapped, u"action: process_payment_intent succeeded"_s);
    const CliResult payment = run({u"payments"_s, u"show"_s, u"--remote"_s, pi});
    EXPECT_EXIT(payment, 0);
    EXPECT_OUT(payment, u"  succeeded  20.00 USD"_s);

    // A card-only PaymentIntent cannot go to a reader.
    const CliResult open = run({u"pay"_s, u"--amount"_s, u"5.00"_s, u"--currency"_s, u"usd"_s});
    EXPECT_EXIT(open, 0);
    const CliResult cardOnly = run({u"readers"_s, u"process"_s, reader, open.firstId()});
    EXPECT_EXIT(cardOnly, 4);
    EXPECT_ERR(cardOnly, u"param: payment_intent"_s);
    const CliResult noReader = run({u"readers"_s, u"show"_s, u"tmr_doesnotexist00"_s});
    EXPECT_EXIT(noReader, 4);
}

void tst_KassaCli::checkout()
{
    const CliResult created =
        run({u"checkout"_s, u"create"_s, u"--amount"_s, u"20.00"_s, u"--currency"_s, u"usd"_s});
    EXPECT_EXIT(created, 0);
    const QString session = created.firstId();
    QVERIFY2(QRegularExpression(u"^cs_test_\\w+$"_s).match(session).hasMatch(),
             created.describe().constData());
    EXPECT_OUT(created, u"  payment  open  20.00 USD  "_s);
    QVERIFY2(QRegularExpression(u"  https?://\\S+$"_s).match(created.lines().value(0)).hasMatch(),
             created.describe().constData());

    const CliResult json = run({u"--json"_s, u"checkout"_s, u"create"_s, u"--amount"_s, u"7.25"_s,
                                u"--currency"_s, u"eur"_s, u"--name"_s, u"Gift card"_s});
    EXPECT_EXIT(json, 0);
    QCOMPARE(json.json().value(u"amount_total"_s).toInteger(), 725);
    QCOMPARE(json.json().value(u"currency"_s).toString(), u"eur"_s);
    const QUrl url(json.json().value(u"url"_s).toString());
    QVERIFY2(url.isValid() && url.scheme().startsWith(u"http"_s), json.describe().constData());
    QVERIFY2(created.out.contains(u"  "_s + created.lines().value(0).section(u"  "_s, -1)),
             created.describe().constData());

    const CliResult customer = run({u"customers"_s, u"create"_s, u"--email"_s, u"setup.cli@example.com"_s});
    EXPECT_EXIT(customer, 0);
    const CliResult setup =
        run({u"checkout"_s, u"create"_s, u"--mode"_s, u"setup"_s, u"--customer"_s, customer.firstId()});
    EXPECT_EXIT(setup, 0);
    QVERIFY2(setup.firstId().startsWith(u"cs_test_"_s), setup.describe().constData());
    EXPECT_OUT(setup, u"  setup  open  "_s);
    const SimResponse held = m_sim->get(u"/v1/checkout/sessions/"_s + setup.firstId());
    QCOMPARE(held.string(u"customer"_s), customer.firstId());

    const CliResult expired = run({u"checkout"_s, u"expire"_s, session});
    EXPECT_EXIT(expired, 0);
    QCOMPARE(expired.firstId(), session);
    EXPECT_OUT(expired, u"  expired  "_s);
    const CliResult shown = run({u"checkout"_s, u"show"_s, session});
    EXPECT_EXIT(shown, 0);
    EXPECT_OUT(shown, u"  expired  "_s);
    const CliResult again = run({u"checkout"_s, u"expire"_s, session});
    EXPECT_EXIT(again, 4);
}

void tst_KassaCli::balance()
{
    QVERIFY(!payVisa().isEmpty());
    QVERIFY(!payVisa().isEmpty());
    const CliResult human = run({u"balance"_s});
    EXPECT_EXIT(human, 0);
    QCOMPARE(human.lines().size(), 1);
    QVERIFY2(human.out.startsWith(u"balance"_s), human.describe().constData());
    const CliResult json = run({u"--json"_s, u"balance"_s});
    EXPECT_EXIT(json, 0);
    const SimResponse held = m_sim->get(u"/v1/balance"_s);
    QCOMPARE(held.status, 200);
    QCOMPARE(json.json(), held.json);
    for (const QJsonValue &entry : held.json.value(u"available"_s).toArray()) {
        const QString currency = entry[u"currency"_s].toString().toUpper();
        EXPECT_OUT(human, QString(u" "_s + currency));
    }
}

// -------------------------------------------------------------------------------------------- webhooks

void tst_KassaCli::webhookSign_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<qint64>("timestamp");

    QTest::newRow("event") << QByteArray(
                                  R"({"id":"evt_1","object":"event","type":"payment_intent.succeeded"})")
                           << qint64(1'700'000'000);
    QTest::newRow("pretty, trailing newline")
        << QByteArray("{\n  \"id\": \"evt_2\"\n}\n") << qint64(1'600'000'123);
    QTest::newRow("UTF-8") << QByteArray(R"({"name":"Zoë Müller","amount":"12,50 €"})")
                           << qint64(1'234'567'890);
    QTest::newRow("empty") << QByteArray() << qint64(1'700'000'001);
}

void tst_KassaCli::webhookSign()
{
    QFETCH(QByteArray, payload);
    QFETCH(qint64, timestamp);

    const QString file = writePayload(payload);
    const CliResult signedResult = runRaw({u"webhook"_s, u"sign"_s, u"--secret-stdin"_s, u"--payload"_s, file,
                                           u"--timestamp"_s, QString::number(timestamp)},
                                          {}, WebhookSecret + '\n');
    EXPECT_EXIT(signedResult, 0);
    const QString expected = hmacHeader(payload, WebhookSecret, timestamp);
    QCOMPARE(signedResult.out, QString(expected + u'\n'));
    QVERIFY2(signedResult.err.isEmpty(), signedResult.describe().constData());

    // The signature verifies; this timestamp is too old unless the age check is off.
    const QStringList verify{u"webhook"_s,  u"verify"_s, u"--secret-stdin"_s, u"--payload"_s, file,
                             u"--header"_s, expected};
    const CliResult old = runRaw(verify, {}, WebhookSecret + '\n');
    EXPECT_EXIT(old, 12);
    const CliResult ageless =
        runRaw(verify + QStringList{u"--tolerance"_s, u"0"_s}, {}, WebhookSecret + '\n');
    EXPECT_EXIT(ageless, 0);
    QCOMPARE(ageless.out, u"valid\n"_s);

    // Without --timestamp: now.
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const CliResult now =
        runRaw({u"webhook"_s, u"sign"_s, u"--secret-stdin"_s, u"--payload"_s, file}, {}, WebhookSecret);
    EXPECT_EXIT(now, 0);
    const qint64 t = now.out.section(u',', 0, 0).mid(2).toLongLong();
    QVERIFY2(t >= before && t <= QDateTime::currentSecsSinceEpoch(), now.describe().constData());
    QCOMPARE(now.out, QString(hmacHeader(payload, WebhookSecret, t) + u'\n'));
}

void tst_KassaCli::webhookVerify_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("header");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("exitCode");

    const QByteArray payload = R"({"id":"evt_3","object":"event","type":"charge.refunded"})";
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString good = hmacHeader(payload, WebhookSecret, now);
    QTest::newRow("valid") << payload << good << QStringList() << 0;
    QTest::newRow("tampered payload")
        << QByteArray(R"({"id":"evt_3","object":"event","type":"charge.refunded "})") << good << QStringList()
        << 12;
    QTest::newRow("another secret") << payload << hmacHeader(payload, "whsec_another", now) << QStringList()
                                    << 12;
    QTest::newRow("rotation, second v1 matches")
        << payload << QString(hmacHeader(payload, "whsec_old", now) + u",v1="_s + good.section(u"v1="_s, 1))
        << QStringList() << 0;
    QTest::newRow("v0 only") << payload << QString(good).replace(u"v1="_s, u"v0="_s) << QStringList() << 12;
    QTest::newRow("ten minutes old") << payload << hmacHeader(payload, WebhookSecret, now - 600)
                                     << QStringList() << 12;
    QTest::newRow("ten minutes old, tolerance 900")
        << payload << hmacHeader(payload, WebhookSecret, now - 600) << QStringList{u"--tolerance"_s, u"900"_s}
        << 0;
    QTest::newRow("no header") << payload << QString() << QStringList() << 12;
    QTest::newRow("garbage header") << payload << u"sha256=abc"_s << QStringList() << 12;
}

void tst_KassaCli::webhookVerify()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, header);
    QFETCH(QStringList, extra);
    QFETCH(int, exitCode);

    const QString file = writePayload(payload);
    const CliResult result = runRaw(QStringList{u"webhook"_s, u"verify"_s, u"--secret-stdin"_s,
                                                u"--payload"_s, file, u"--header"_s, header} +
                                        extra,
                                    {}, WebhookSecret + '\n');
    EXPECT_EXIT(result, exitCode);
    if (exitCode == 0) {
        QCOMPARE(result.out, u"valid\n"_s);
        QVERIFY2(result.err.isEmpty(), result.describe().constData());
    } else {
        QVERIFY2(result.out.isEmpty(), result.describe().constData());
        EXPECT_ERR(result, u"invalid: "_s);
    }
}

void tst_KassaCli::webhookUsage_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("stdinData");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    const QString payload = u"PAYLOAD"_s; // replaced by a real file
    QTest::newRow("secret without whsec_")
        << QStringList{u"webhook"_s, u"sign"_s, u"--secret-stdin"_s, u"--payload"_s, payload}
        << QByteArray("not_a_webhook_secret\n") << 2 << u"must start with whsec_"_s;
    QTest::newRow("empty stdin") << QStringList{u"webhook"_s,   u"verify"_s, u"--secret-stdin"_s,
                                                u"--payload"_s, payload,     u"--header"_s,
                                                u"t=1,v1=00"_s}
                                 << QByteArray() << 2 << u"must start with whsec_"_s;
    QTest::newRow("no --payload") << QStringList{u"webhook"_s, u"sign"_s, u"--secret-stdin"_s}
                                  << WebhookSecret << 2 << u"needs --secret-stdin and --payload FILE"_s;
    QTest::newRow("--payload without value")
        << QStringList{u"webhook"_s, u"sign"_s, u"--secret-stdin"_s, u"--payload"_s} << WebhookSecret << 2
        << u"--payload needs a value"_s;
    QTest::newRow("no --secret-stdin") << QStringList{u"webhook"_s, u"sign"_s, u"--payload"_s, payload}
                                       << WebhookSecret << 2 << u"needs --secret-stdin and --payload FILE"_s;
    QTest::newRow("unknown sub-command")
        << QStringList{u"webhook"_s, u"forward"_s} << QByteArray() << 2 << u"usage: webhook verify"_s;
    QTest::newRow("timestamp abc") << QStringList{u"webhook"_s,   u"sign"_s, u"--secret-stdin"_s,
                                                  u"--payload"_s, payload,   u"--timestamp"_s,
                                                  u"abc"_s}
                                   << WebhookSecret << 2 << u"--timestamp takes a Unix time"_s;
    QTest::newRow("tolerance -5") << QStringList{u"webhook"_s,   u"verify"_s,      u"--secret-stdin"_s,
                                                 u"--payload"_s, payload,          u"--header"_s,
                                                 u"t=1,v1=00"_s, u"--tolerance"_s, u"-5"_s}
                                  << WebhookSecret << 2 << u"--tolerance takes seconds"_s;
    QTest::newRow("unreadable payload")
        << QStringList{u"webhook"_s, u"sign"_s, u"--secret-stdin"_s, u"--payload"_s,
                       u"/nonexistent/kassa/payload.json"_s}
        << WebhookSecret << 1 << u"cannot read /nonexistent/kassa/payload.json"_s;
}

void tst_KassaCli::webhookUsage()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, stdinData);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const QString file = writePayload("{}");
    arguments.replaceInStrings(u"PAYLOAD"_s, file);
    // No Stripe key anywhere: webhook commands do not need one.
    const CliResult result = runRaw(arguments, {}, stdinData);
    EXPECT_EXIT(result, exitCode);
    QVERIFY2(result.out.isEmpty(), result.describe().constData());
    EXPECT_ERR(result, message);
    QVERIFY2(!result.err.contains(u"Stripe key"_s), result.describe().constData());
}

// ------------------------------------------------------------------------------------ help and version

void tst_KassaCli::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("expected");

    const QStringList help{u"Usage: kassa-cli"_s, u"--api-key-stdin"_s,   u"KASSA_STRIPE_API_KEY"_s,
                           u"Exit codes:"_s,      u"0 success"_s,         u"2 usage"_s,
                           u"3 card declined"_s,  u"4 invalid request"_s, u"5 idempotency error"_s,
                           u"6 authentication"_s, u"10 no connection"_s,  u"12 webhook signature invalid"_s};
    QTest::newRow("--help") << QStringList{u"--help"_s} << help;
    QTest::newRow("-h") << QStringList{u"-h"_s} << help;
    QTest::newRow("--help after --json") << QStringList{u"--json"_s, u"--help"_s} << help;
    QTest::newRow("--version") << QStringList{u"--version"_s}
                               << QStringList{u"kassa-cli " KASSA_VERSION "\n"_s};
}

void tst_KassaCli::helpAndVersion()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, expected);

    const CliResult result = runRaw(arguments);
    EXPECT_EXIT(result, 0);
    QVERIFY2(result.err.isEmpty(), result.describe().constData());
    for (const QString &text : std::as_const(expected))
        EXPECT_OUT(result, text);
    if (arguments.contains(u"--version"_s))
        QCOMPARE(result.out, expected.first());
}

QTEST_GUILESS_MAIN(tst_KassaCli)
#include "tst_kassacli.moc"
