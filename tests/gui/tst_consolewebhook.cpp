// SPDX-License-Identifier: GPL-3.0-or-later
// The console's own webhook receiver (offscreen, the in-process simulator as Stripe, a store in a
// temporary folder, a keychain in memory): with webhooks chosen in Settings and the endpoint's secret in
// the keychain, ConsoleApp listens, stores a correctly signed delivery and refuses a forged one, while
// the poller keeps running; a port held by another program or a missing secret is said in the status
// bar, and the window opens all the same.
#include "app/gui/firstrun/firstrunwizard.h"
#include "app/gui/shell/consoleapp.h"
#include "app/gui/shell/consolestatusbar.h"
#include "app/gui/shell/mainwindow.h"
#include "services/security/auditlog.h"
#include "services/security/memorysecretstore.h"
#include "services/security/settingsservice.h"
#include "services/security/userservice.h"
#include "services/store/database.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"
#include "services/stripe/webhooksignature.h"
#include "services/sync/webhookinbox.h"
#include "sim/simulator.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using kassa::gui::ConsoleApp;

namespace {

const security::PinHasher TestHasher = security::PinHasher::insecureForTests(1000);
constexpr auto TestKey = "sk_test_kassaconsolewebhook0123456";
constexpr auto WebhookSecret = "whsec_consolewebhooktests0123456789";

// A payment the simulator does not know: only a delivery can bring it into the store.
QByteArray eventBody(const QString &eventId, const QString &paymentIntentId)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject paymentIntent{
        {u"id"_s, paymentIntentId},
        {u"object"_s, u"payment_intent"_s},
        {u"amount"_s, 1500},
        {u"amount_received"_s, 1500},
        {u"currency"_s, u"usd"_s},
        {u"status"_s, u"succeeded"_s},
        {u"capture_method"_s, u"automatic"_s},
        {u"payment_method_types"_s, QJsonArray{u"card"_s}},
        {u"metadata"_s, QJsonObject()},
        {u"livemode"_s, false},
        {u"created"_s, now},
    };
    const QJsonObject event{
        {u"id"_s, eventId},
        {u"object"_s, u"event"_s},
        {u"type"_s, u"payment_intent.succeeded"_s},
        {u"created"_s, now},
        {u"livemode"_s, false},
        {u"data"_s, QJsonObject{{u"object"_s, paymentIntent}}},
    };
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

// POST /webhook on loopback; the status line of the answer ("HTTP/1.1 200 OK"), or why there is none.
QByteArray deliver(quint16 port, const QByteArray &body, const QByteArray &signature)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return "(no connection)";
    QByteArray answer;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { answer += socket.readAll(); });
    socket.write(
        "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nStripe-Signature: " +
        signature + "\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body);
    socket.flush();
    if (!QTest::qWaitFor([&] { return answer.contains("\r\n"); }, 5000))
        return "(no answer)";
    return answer.left(answer.indexOf("\r\n"));
}

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

} // namespace

class TestConsoleWebhook : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void receivesSignedEventsAndRefusesForgedOnes();
    void portInUseIsSaidAndWindowOpens();
    void missingSecretIsSaidAndWindowOpens();
    void pollingOnlyShowsNotSetUp();

private:
    // The store with an owner and the settings; the keychain with the Stripe key and, when given, the
    // webhook secret.
    void prepare(const QString &eventsSource, quint16 port, const QString &webhookSecret);
    bool startConsole();
    QString webhookText() const { return m_console->window()->consoleStatusBar()->webhookText(); }
    QString storePath() const { return QDir(m_dir->path()).filePath(u"kassa.sqlite"_s); }
    bool paymentStored(const QString &id);
    void shot(const QString &name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<sim::Simulator> m_sim;
    std::unique_ptr<security::MemorySecretStore> m_keychain;
    std::unique_ptr<ConsoleApp> m_console;
};

void TestConsoleWebhook::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_sim = std::make_unique<sim::Simulator>();
    QVERIFY2(m_sim->listen(), qPrintable(m_sim->errorString()));
    m_keychain = std::make_unique<security::MemorySecretStore>();
    qunsetenv("KASSA_STRIPE_API_KEY");
    qunsetenv("KASSA_API_BASE");
}

void TestConsoleWebhook::cleanup()
{
    m_console.reset();
    m_keychain.reset();
    m_sim.reset();
    m_dir.reset();
}

void TestConsoleWebhook::prepare(const QString &eventsSource, quint16 port, const QString &webhookSecret)
{
    {
        auto opened = store::Database::open(store::DatabaseConfig::sqlite(storePath()));
        QVERIFY(opened.ok());
        std::unique_ptr<store::Database> db = std::move(opened).value();
        QVERIFY(!store::Migrations::migrate(*db).isError());
        security::AuditLog audit(*db, u"till-test"_s);
        security::UserService users(*db, audit, TestHasher);
        const security::SecurityResult<security::User> owner =
            users.addUser({}, {u"olga"_s, u"Olga Berg"_s, Role::Owner}, u"1111"_s);
        QVERIFY(owner.ok());
        const security::ActingUser actor{owner.value().id, u"olga"_s, Role::Owner, u"till-test"_s};
        security::SettingsService settings(*db, audit);
        QVERIFY(!settings.setValue(actor, QString(gui::EventsSourceSetting), eventsSource).isError());
        QVERIFY(!settings
                     .setValue(actor, QString(security::SettingsService::WebhookListenKey),
                               u"127.0.0.1:%1"_s.arg(port))
                     .isError());
    }
    int written = 0;
    const auto done = [&written](const security::SecretError &error) {
        written += error.isError() ? 100 : 1;
    };
    m_keychain->write({u"default"_s, security::SecretKind::StripeSecretKey}, QString::fromLatin1(TestKey),
                      this, done);
    const int expected = webhookSecret.isEmpty() ? 1 : 2;
    if (!webhookSecret.isEmpty())
        m_keychain->write({u"default"_s, security::SecretKind::WebhookSecret}, webhookSecret, this, done);
    QVERIFY(QTest::qWaitFor([&] { return written >= expected; }, 5000));
    QCOMPARE(written, expected);
}

bool TestConsoleWebhook::startConsole()
{
    gui::ConsoleOptions options;
    options.dataDir = m_dir->path();
    m_console = std::make_unique<ConsoleApp>(options);
    m_console->setKeychain(m_keychain.get());
    m_console->setApiBase(m_sim->baseUrl());
    m_console->setPinHasher(TestHasher);
    m_console->start();
    return QTest::qWaitFor([this] { return m_console->window() && m_console->window()->isVisible(); },
                           20'000);
}

bool TestConsoleWebhook::paymentStored(const QString &id)
{
    // A second connection, as another till would read the store.
    auto opened = store::Database::open(store::DatabaseConfig::sqlite(storePath()));
    if (!opened.ok())
        return false;
    std::unique_ptr<store::Database> db = std::move(opened).value();
    const auto found = store::PaymentRepository(*db).find(id);
    return found.ok() && found.value().has_value();
}

void TestConsoleWebhook::shot(const QString &name)
{
    // KASSA_SHOTS_DIR set (a run under Xvfb): the window as NAME.png there, to look at.
    const QString dir = qEnvironmentVariable("KASSA_SHOTS_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300);
    QDir().mkpath(dir);
    QVERIFY(m_console->window()->grab().save(QDir(dir).filePath(name + u".png"_s)));
}

void TestConsoleWebhook::receivesSignedEventsAndRefusesForgedOnes()
{
    const quint16 port = freePort();
    QVERIFY(port != 0);
    prepare(u"webhook"_s, port, QString::fromLatin1(WebhookSecret));
    QVERIFY(startConsole());
    QVERIFY(QTest::qWaitFor([this] { return m_console->webhooks() != nullptr; }, 10'000));
    QCOMPARE(m_console->webhooks()->port(), port);
    const QString listening = u"Webhooks: listening on 127.0.0.1:%1"_s.arg(port);
    QVERIFY2(webhookText().contains(listening), qPrintable(webhookText()));
    shot(u"webhook-listening"_s);

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray good = eventBody(u"evt_console_hook1"_s, u"pi_console_hook1"_s);
    const QByteArray answer =
        deliver(port, good, stripe::WebhookSignature::sign(good, QByteArray(WebhookSecret), now));
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(QTest::qWaitFor([this] { return paymentStored(u"pi_console_hook1"_s); }, 5000));
    QVERIFY2(!m_console->window()->consoleStatusBar()->lastSyncText().endsWith(u"never"_s),
             qPrintable(m_console->window()->consoleStatusBar()->lastSyncText()));

    // Signed with another secret, and a body changed after signing: refused, nothing stored.
    const QByteArray forged = eventBody(u"evt_console_forged"_s, u"pi_console_forged"_s);
    QVERIFY(deliver(port, forged, stripe::WebhookSignature::sign(forged, "whsec_somebodyelse0123456789", now))
                .startsWith("HTTP/1.1 400"));
    QByteArray tampered = good;
    tampered.replace("pi_console_hook1", "pi_console_forged");
    QVERIFY(deliver(port, tampered, stripe::WebhookSignature::sign(good, QByteArray(WebhookSecret), now))
                .startsWith("HTTP/1.1 400"));
    QTest::qWait(300);
    QVERIFY(!paymentStored(u"pi_console_forged"_s));
    QVERIFY2(webhookText().contains(listening), qPrintable(webhookText()));

    // The poller is still the safety net: Stripe's answer to it shows as the connection.
    QVERIFY(QTest::qWaitFor(
        [this] { return m_console->window()->consoleStatusBar()->connectionText().contains(u"connected"_s); },
        20'000));

    // Stopped: the status bar says so.
    m_console->webhooks()->close();
    QVERIFY2(webhookText().contains(u"stopped listening"_s), qPrintable(webhookText()));
}

void TestConsoleWebhook::portInUseIsSaidAndWindowOpens()
{
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost, 0));
    prepare(u"webhook"_s, other.serverPort(), QString::fromLatin1(WebhookSecret));
    QVERIFY(startConsole());
    QVERIFY(QTest::qWaitFor([this] { return webhookText().contains(u"failed to listen"_s); }, 10'000));
    QVERIFY2(webhookText().contains(u"port is in use"_s), qPrintable(webhookText()));
    QVERIFY2(webhookText().contains(u"127.0.0.1:%1"_s.arg(other.serverPort())), qPrintable(webhookText()));
    QVERIFY(m_console->webhooks() == nullptr);
    QVERIFY(m_console->window()->isVisible());
    shot(u"webhook-port-in-use"_s);
}

void TestConsoleWebhook::missingSecretIsSaidAndWindowOpens()
{
    prepare(u"webhook"_s, freePort(), {});
    QVERIFY(startConsole());
    QVERIFY(QTest::qWaitFor([this] { return webhookText().contains(u"no webhook secret"_s); }, 10'000));
    QVERIFY(m_console->webhooks() == nullptr);
    QVERIFY(m_console->window()->isVisible());
}

void TestConsoleWebhook::pollingOnlyShowsNotSetUp()
{
    prepare(u"poll"_s, freePort(), QString::fromLatin1(WebhookSecret));
    QVERIFY(startConsole());
    QTest::qWait(200);
    QVERIFY(m_console->webhooks() == nullptr);
    QVERIFY2(webhookText().contains(u"not set up"_s), qPrintable(webhookText()));
}

QTEST_MAIN(TestConsoleWebhook)
#include "tst_consolewebhook.moc"
