// SPDX-License-Identifier: GPL-3.0-or-later
// The console's own webhook receiver (offscreen, the in-process simulator as Stripe, a store in a
// temporary folder, a keychain in memory): with webhooks chosen in Settings and the endpoint's secret in
// the keychain, ConsoleApp listens, stores a correctly signed delivery and refuses a forged one, while
// the poller keeps running; a port held by another program or a missing secret is said in the status
// bar, and the window opens all the same.
#include "app/gui/firstrun/firstrunwizard.h"
#include "app/gui/settings/keyspanel.h"
#include "app/gui/settings/settingspage.h"
#include "app/gui/shell/consoleapp.h"
#include "app/gui/shell/consolestatusbar.h"
#include "app/gui/shell/mainwindow.h"
#include "guitestsupport.h"
#include "services/security/auditlog.h"
#include "services/security/settingsservice.h"
#include "services/store/paymentrepository.h"
#include "services/stripe/webhooksignature.h"
#include "services/sync/webhookinbox.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using kassa::gui::ConsoleApp;

namespace {

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
    void settingsMoveTheListenerAtOnce();

private:
    // The store with an owner and the settings; the keychain with the Stripe key and, when given, the
    // webhook secret.
    void prepare(const QString &eventsSource, quint16 port, const QString &webhookSecret);
    bool startConsole();
    ConsoleApp *console() const { return m_till->console(); }
    QString webhookText() const { return console()->window()->consoleStatusBar()->webhookText(); }
    bool paymentStored(const QString &id);
    void shot(const QString &name);

    std::unique_ptr<gui::test::ConsoleFixture> m_till;
};

void TestConsoleWebhook::init()
{
    m_till = std::make_unique<gui::test::ConsoleFixture>();
    QString error;
    QVERIFY2(m_till->isReady(&error), qPrintable(error));
}

void TestConsoleWebhook::cleanup()
{
    m_till.reset();
}

void TestConsoleWebhook::prepare(const QString &eventsSource, quint16 port, const QString &webhookSecret)
{
    {
        security::ActingUser owner;
        const std::unique_ptr<store::Database> db = m_till->makeStoreWithOwner(&owner);
        QVERIFY(db);
        security::AuditLog audit(*db, owner.till);
        security::SettingsService settings(*db, audit);
        QVERIFY(!settings.setValue(owner, QString(gui::EventsSourceSetting), eventsSource).isError());
        QVERIFY(!settings
                     .setValue(owner, QString(security::SettingsService::WebhookListenKey),
                               u"127.0.0.1:%1"_s.arg(port))
                     .isError());
    }
    QVERIFY(m_till->writeSecret({u"default"_s, security::SecretKind::StripeSecretKey},
                                QString::fromLatin1(TestKey)));
    if (!webhookSecret.isEmpty())
        QVERIFY(m_till->writeSecret({u"default"_s, security::SecretKind::WebhookSecret}, webhookSecret));
}

bool TestConsoleWebhook::startConsole()
{
    m_till->startConsole();
    return m_till->waitForWindow(20'000, true);
}

bool TestConsoleWebhook::paymentStored(const QString &id)
{
    // A second connection, as another till would read the store.
    const std::unique_ptr<store::Database> db = m_till->openStore();
    if (!db)
        return false;
    const auto found = store::PaymentRepository(*db).find(id);
    return found.ok() && found.value().has_value();
}

void TestConsoleWebhook::shot(const QString &name)
{
    // KASSA_SHOTS_DIR set (a run under Xvfb): the window as NAME.png there, to look at.
    QVERIFY(gui::test::saveShot("KASSA_SHOTS_DIR", console()->window(), name));
}

void TestConsoleWebhook::receivesSignedEventsAndRefusesForgedOnes()
{
    const quint16 port = freePort();
    QVERIFY(port != 0);
    prepare(u"webhook"_s, port, QString::fromLatin1(WebhookSecret));
    QVERIFY(startConsole());
    QVERIFY(QTest::qWaitFor([this] { return console()->webhooks() != nullptr; }, 10'000));
    QCOMPARE(console()->webhooks()->port(), port);
    const QString listening = u"Webhooks: listening on 127.0.0.1:%1"_s.arg(port);
    QVERIFY2(webhookText().contains(listening), qPrintable(webhookText()));
    shot(u"webhook-listening"_s);

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray good = eventBody(u"evt_console_hook1"_s, u"pi_console_hook1"_s);
    const QByteArray answer =
        deliver(port, good, stripe::WebhookSignature::sign(good, QByteArray(WebhookSecret), now));
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(QTest::qWaitFor([this] { return paymentStored(u"pi_console_hook1"_s); }, 5000));
    QVERIFY2(!console()->window()->consoleStatusBar()->lastSyncText().endsWith(u"never"_s),
             qPrintable(console()->window()->consoleStatusBar()->lastSyncText()));

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
        [this] { return console()->window()->consoleStatusBar()->connectionText().contains(u"connected"_s); },
        20'000));

    // Stopped: the status bar says so.
    console()->webhooks()->close();
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
    QVERIFY(console()->webhooks() == nullptr);
    QVERIFY(console()->window()->isVisible());
    shot(u"webhook-port-in-use"_s);
}

void TestConsoleWebhook::missingSecretIsSaidAndWindowOpens()
{
    prepare(u"webhook"_s, freePort(), {});
    QVERIFY(startConsole());
    QVERIFY(QTest::qWaitFor([this] { return webhookText().contains(u"no webhook secret"_s); }, 10'000));
    QVERIFY(console()->webhooks() == nullptr);
    QVERIFY(console()->window()->isVisible());
}

void TestConsoleWebhook::pollingOnlyShowsNotSetUp()
{
    prepare(u"poll"_s, freePort(), QString::fromLatin1(WebhookSecret));
    QVERIFY(startConsole());
    QTest::qWait(200);
    QVERIFY(console()->webhooks() == nullptr);
    QVERIFY2(webhookText().contains(u"not set up"_s), qPrintable(webhookText()));
}

// Settings > Webhook: a new listen address applies at once (the port that was in use is left, the new one
// receives), and an empty one turns the receiver off; the events poller goes on throughout.
void TestConsoleWebhook::settingsMoveTheListenerAtOnce()
{
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost, 0));
    prepare(u"webhook"_s, other.serverPort(), QString::fromLatin1(WebhookSecret));
    QVERIFY(startConsole());
    QVERIFY(QTest::qWaitFor([this] { return webhookText().contains(u"failed to listen"_s); }, 10'000));
    QVERIFY(gui::test::logInOnScreen(console()->window(),
                                     QString::fromLatin1(gui::test::ConsoleFixture::OwnerName),
                                     QString::fromLatin1(gui::test::ConsoleFixture::OwnerPin)));
    auto *settings = qobject_cast<gui::SettingsPage *>(console()->window()->page(gui::Section::Settings));
    QVERIFY(settings && settings->webhookPanel());
    gui::WebhookPanel *panel = settings->webhookPanel();

    const quint16 port = freePort();
    QVERIFY(port != 0);
    panel->listenField()->setText(u"127.0.0.1:%1"_s.arg(port));
    QTest::mouseClick(panel->saveListenButton(), Qt::LeftButton);
    QVERIFY2(panel->message().contains(u"listens there now"_s), qPrintable(panel->message()));
    QVERIFY(QTest::qWaitFor([this] { return console()->webhooks() != nullptr; }, 10'000));
    QCOMPARE(console()->webhooks()->port(), port);
    QVERIFY2(webhookText().contains(u"listening on 127.0.0.1:%1"_s.arg(port)), qPrintable(webhookText()));
    const QByteArray body = eventBody(u"evt_console_moved"_s, u"pi_console_moved"_s);
    const QByteArray answer = deliver(
        port, body,
        stripe::WebhookSignature::sign(body, QByteArray(WebhookSecret), QDateTime::currentSecsSinceEpoch()));
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(QTest::qWaitFor([this] { return paymentStored(u"pi_console_moved"_s); }, 5000));

    // A wrong address is refused before anything is saved; the receiver stays where it is.
    panel->listenField()->setText(u"not an address"_s);
    QTest::mouseClick(panel->saveListenButton(), Qt::LeftButton);
    QVERIFY2(panel->message().contains(u"ADDRESS:PORT"_s), qPrintable(panel->message()));
    QVERIFY(console()->webhooks() != nullptr);
    QCOMPARE(console()->webhooks()->port(), port);

    // Cleared: the receiver stops (the port is free again) and the status bar says so without alarm.
    panel->listenField()->clear();
    QTest::mouseClick(panel->saveListenButton(), Qt::LeftButton);
    QVERIFY(console()->webhooks() == nullptr);
    QVERIFY2(webhookText().contains(u"not set up"_s), qPrintable(webhookText()));
    QCOMPARE(deliver(port, body, "t=1,v1=00"), QByteArray("(no connection)"));
    QTcpServer again;
    QVERIFY(again.listen(QHostAddress::LocalHost, port));
}

QTEST_MAIN(TestConsoleWebhook)
#include "tst_consolewebhook.moc"
