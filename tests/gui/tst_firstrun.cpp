// SPDX-License-Identifier: GPL-3.0-or-later
// The console's start-up without --demo (offscreen), against the in-process simulator, a store in a
// temporary folder and a keychain in memory: the first-run wizard creates the owner and keeps the key,
// then the owner logs in; a bad key is refused in words; a locked keychain offers the session-only
// choice, at the first run and at a later start; a payment left pending in the outbox is sent once when
// the window opens.
#include "app/gui/firstrun/firstrunwizard.h"
#include "app/gui/firstrun/keychaindialog.h"
#include "app/gui/shell/consoleapp.h"
#include "app/gui/shell/localconfig.h"
#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "app/gui/shell/sections.h"
#include "services/security/auditlog.h"
#include "services/security/memorysecretstore.h"
#include "services/security/settingsservice.h"
#include "services/security/userservice.h"
#include "services/store/database.h"
#include "services/store/migrations.h"
#include "services/store/outboxrepository.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/outbox.h"
#include "sim/simulator.h"
#include "synctestsupport.h"

#include <QCheckBox>
#include <QDir>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using kassa::gui::ConsoleApp;
using kassa::gui::FirstRunWizard;
using kassa::gui::KeychainDialog;

namespace {

const security::PinHasher TestHasher = security::PinHasher::insecureForTests(1000);
constexpr auto TestKey = "sk_test_kassafirstrun0123456789";
constexpr auto OwnerPassphrase = "correct horse battery";
const security::SecretId KeyId{u"default"_s, security::SecretKind::StripeSecretKey};

} // namespace

class TestFirstRun : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void wizardCreatesOwnerAndKeyThenLogIn();
    void badKeyIsRefused();
    void webhookChoiceIsSavedAndRegistered();
    void lockedKeychainOffersSessionOnly();
    void cancelLeavesNoOwner();
    void postgresStoreIsRememberedAndJoined();
    void lockedKeychainAtStartup();
    void startupSendsPendingOutboxRowOnce();

private:
    void startConsole();
    FirstRunWizard *waitForWizard();
    template<typename T>
    T *field(const QString &name)
    {
        T *found = m_console->firstRunWizard()->findChild<T *>(name);
        if (!found)
            qWarning() << "no" << name;
        return found;
    }
    void fillOwner();
    bool reachPage(int id);
    bool logIn(const QString &name, const QString &pin);
    QString storePath() const { return QDir(m_dir->path()).filePath(u"kassa.sqlite"_s); }
    // A store with the owner olga (PIN 1111 for tests: the owner may have a PIN too).
    void makeStoreWithOwner();
    int paymentIntentCount();
    // KASSA_SHOTS_DIR set (a run under Xvfb): `widget` as NAME.png there, to look at.
    void shot(QWidget *widget, const QString &name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<sim::Simulator> m_sim;
    std::unique_ptr<security::MemorySecretStore> m_keychain;
    std::unique_ptr<ConsoleApp> m_console;
};

void TestFirstRun::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_sim = std::make_unique<sim::Simulator>();
    QVERIFY2(m_sim->listen(), qPrintable(m_sim->errorString()));
    m_keychain = std::make_unique<security::MemorySecretStore>();
    qunsetenv("KASSA_STRIPE_API_KEY");
    qunsetenv("KASSA_API_BASE");
}

void TestFirstRun::cleanup()
{
    m_console.reset();
    m_keychain.reset();
    m_sim.reset();
    m_dir.reset();
}

void TestFirstRun::startConsole()
{
    gui::ConsoleOptions options;
    options.dataDir = m_dir->path();
    m_console = std::make_unique<ConsoleApp>(options);
    m_console->setKeychain(m_keychain.get());
    m_console->setApiBase(m_sim->baseUrl());
    m_console->setPinHasher(TestHasher);
    m_console->start();
}

FirstRunWizard *TestFirstRun::waitForWizard()
{
    if (!QTest::qWaitFor([this] { return m_console->firstRunWizard() != nullptr; }, 10'000))
        return nullptr;
    FirstRunWizard *wizard = m_console->firstRunWizard();
    return QTest::qWaitForWindowExposed(wizard) ? wizard : nullptr;
}

void TestFirstRun::fillOwner()
{
    QTest::keyClicks(field<QLineEdit>(u"ownerName"_s), u"Olga"_s);
    QTest::keyClicks(field<QLineEdit>(u"ownerDisplayName"_s), u"Olga Berg"_s);
    QTest::keyClicks(field<QLineEdit>(u"ownerPin"_s), QString::fromLatin1(OwnerPassphrase));
    QTest::keyClicks(field<QLineEdit>(u"ownerPinRepeat"_s), QString::fromLatin1(OwnerPassphrase));
}

bool TestFirstRun::reachPage(int id)
{
    FirstRunWizard *wizard = m_console->firstRunWizard();
    return QTest::qWaitFor([wizard, id] { return wizard->currentId() == id; }, 15'000);
}

bool TestFirstRun::logIn(const QString &name, const QString &pin)
{
    gui::MainWindow *window = m_console->window();
    gui::LoginScreen *login = window->loginScreen();
    login->selectUser(name);
    QTest::keyClicks(login->pinField(), pin);
    QTest::keyClick(login->pinField(), Qt::Key_Return);
    return QTest::qWaitFor(
               [&] { return !window->isLocked() || (!login->isChecking() && !login->message().isEmpty()); },
               10'000) &&
           !window->isLocked();
}

void TestFirstRun::makeStoreWithOwner()
{
    auto opened = store::Database::open(store::DatabaseConfig::sqlite(storePath()));
    QVERIFY(opened.ok());
    std::unique_ptr<store::Database> db = std::move(opened).value();
    QVERIFY(!store::Migrations::migrate(*db).isError());
    security::AuditLog audit(*db, u"till-test"_s);
    security::UserService users(*db, audit, TestHasher);
    QVERIFY(users.addUser({}, {u"olga"_s, u"Olga Berg"_s, Role::Owner}, u"1111"_s).ok());
}

int TestFirstRun::paymentIntentCount()
{
    QNetworkAccessManager network;
    stripe::StripeClient client(network);
    client.setApiBase(m_sim->baseUrl());
    client.setApiKey(QString::fromLatin1(TestKey));
    return int(sync::test::listAll(client, u"/v1/payment_intents"_s).size());
}

void TestFirstRun::shot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("KASSA_SHOTS_DIR");
    if (dir.isEmpty() || !widget)
        return;
    QTest::qWait(300);
    QDir().mkpath(dir);
    QVERIFY(widget->grab().save(QDir(dir).filePath(name + u".png"_s)));
}

void TestFirstRun::wizardCreatesOwnerAndKeyThenLogIn()
{
    startConsole();
    FirstRunWizard *wizard = waitForWizard();
    QVERIFY(wizard);
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::DatabasePageId));
    QVERIFY(field<QRadioButton>(u"databaseSqlite"_s)->isChecked());
    shot(wizard, u"1-database"_s);
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::OwnerPageId));
    QPushButton *next = qobject_cast<QPushButton *>(wizard->button(QWizard::NextButton));
    QVERIFY(!next->isEnabled());
    fillOwner();
    QVERIFY(next->isEnabled());
    shot(wizard, u"2-owner"_s);
    next->click();
    QVERIFY(reachPage(FirstRunWizard::KeyPageId));
    QTest::keyClicks(field<QLineEdit>(u"stripeKey"_s), QString::fromLatin1(TestKey));
    QVERIFY(QTest::qWaitFor([next] { return next->isEnabled(); }, 5000));
    QVERIFY(!field<QCheckBox>(u"sessionOnly"_s)->isVisible());
    shot(wizard, u"3-key"_s);
    next->click();
    // Stripe (the simulator) is asked, then the wizard goes on by itself.
    QVERIFY(reachPage(FirstRunWizard::EventsPageId));
    shot(wizard, u"4-events"_s);
    next->click();
    QVERIFY(reachPage(FirstRunWizard::FinishPageId));
    QVERIFY(field<QLabel>(u"summary"_s)->text().contains(u"olga"_s));
    QVERIFY(field<QLabel>(u"summary"_s)->text().contains(u"keychain"_s));
    shot(wizard, u"5-finish"_s);
    wizard->button(QWizard::FinishButton)->click();

    QVERIFY(QTest::qWaitFor([this] { return m_console->window() != nullptr; }, 15'000));
    QVERIFY(QTest::qWaitForWindowExposed(m_console->window()));
    QVERIFY(m_keychain->contains(KeyId));
    // With the key the Sale section is there: the console went on with Stripe.
    QVERIFY(m_console->window()->page(gui::Section::Sale));
    QVERIFY(logIn(u"olga"_s, QString::fromLatin1(OwnerPassphrase)));

    // The owner and the event settings are in the store, audited.
    auto opened = store::Database::open(store::DatabaseConfig::sqlite(storePath()));
    QVERIFY(opened.ok());
    std::unique_ptr<store::Database> db = std::move(opened).value();
    security::AuditLog audit(*db);
    const auto users = security::UserService(*db, audit).list();
    QVERIFY(users.ok());
    QCOMPARE(users.value().size(), 1);
    QCOMPARE(users.value().first().role, Role::Owner);
    QCOMPARE(users.value().first().displayName, u"Olga Berg"_s);
    security::SettingsService settings(*db, audit);
    QCOMPARE(settings.value(QString(gui::EventsSourceSetting)).value(), u"poll"_s);
    QCOMPARE(settings.value(QString(gui::PollIntervalSetting)).value(), u"15"_s);
}

void TestFirstRun::badKeyIsRefused()
{
    startConsole();
    FirstRunWizard *wizard = waitForWizard();
    QVERIFY(wizard);
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::OwnerPageId));
    fillOwner();
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::KeyPageId));
    auto *key = field<QLineEdit>(u"stripeKey"_s);
    auto *result = field<QLabel>(u"keyResult"_s);
    QPushButton *next = qobject_cast<QPushButton *>(wizard->button(QWizard::NextButton));

    QTest::keyClicks(key, u"hello"_s);
    QVERIFY(QTest::qWaitFor([next] { return next->isEnabled(); }, 5000));
    next->click();
    QVERIFY(result->text().startsWith(u"This is not a Stripe key"_s));
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::KeyPageId));

    key->clear();
    QTest::keyClicks(key, u"pk_test_kassafirstrun0123456789"_s);
    next->click();
    QVERIFY2(result->text().contains(u"publishable key"_s), qPrintable(result->text()));

    // The simulator refuses live keys with Stripe's 401.
    key->clear();
    QTest::keyClicks(key, u"sk_live_kassafirstrun0123456789"_s);
    next->click();
    QVERIFY(
        QTest::qWaitFor([result] { return result->text().startsWith(u"Stripe does not accept"_s); }, 15'000));
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::KeyPageId));
    QVERIFY(!m_keychain->contains(KeyId));
    shot(wizard, u"3-key-refused"_s);
    // The key itself is never shown in the message.
    QVERIFY(!result->text().contains(u"kassafirstrun0123456789"_s));
}

void TestFirstRun::webhookChoiceIsSavedAndRegistered()
{
    startConsole();
    FirstRunWizard *wizard = waitForWizard();
    QVERIFY(wizard);
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::OwnerPageId));
    fillOwner();
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::KeyPageId));
    QTest::keyClicks(field<QLineEdit>(u"stripeKey"_s), QString::fromLatin1(TestKey));
    QPushButton *next = qobject_cast<QPushButton *>(wizard->button(QWizard::NextButton));
    QVERIFY(QTest::qWaitFor([next] { return next->isEnabled(); }, 5000));
    next->click();
    QVERIFY(reachPage(FirstRunWizard::EventsPageId));
    field<QRadioButton>(u"eventsWebhook"_s)->click();
    auto *listen = field<QLineEdit>(u"webhookListen"_s);
    listen->clear();
    QTest::keyClicks(listen, u"127.0.0.1"_s);
    next->click();
    // No port: said, and the page stays.
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::EventsPageId));
    QTest::keyClicks(listen, u":8899"_s);
    field<QCheckBox>(u"webhookRegister"_s)->click();
    QTest::keyClicks(field<QLineEdit>(u"webhookUrl"_s), u"https://till.example.com/webhook"_s);
    shot(wizard, u"4-events-webhook"_s);
    next->click();
    QVERIFY(reachPage(FirstRunWizard::FinishPageId));
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(QTest::qWaitFor([this] { return m_console->window() != nullptr; }, 15'000));

    // The endpoint is registered at Stripe and its signing secret kept.
    QVERIFY(m_keychain->contains({u"default"_s, security::SecretKind::WebhookSecret}));
    QNetworkAccessManager network;
    stripe::StripeClient client(network);
    client.setApiBase(m_sim->baseUrl());
    client.setApiKey(QString::fromLatin1(TestKey));
    const QList<QJsonObject> endpoints = sync::test::listAll(client, u"/v1/webhook_endpoints"_s);
    QCOMPARE(endpoints.size(), 1);
    QCOMPARE(endpoints.first().value(u"url"_s).toString(), u"https://till.example.com/webhook"_s);
    auto opened = store::Database::open(store::DatabaseConfig::sqlite(storePath()));
    QVERIFY(opened.ok());
    std::unique_ptr<store::Database> db = std::move(opened).value();
    security::AuditLog audit(*db);
    security::SettingsService settings(*db, audit);
    QCOMPARE(settings.value(QString(gui::EventsSourceSetting)).value(), u"webhook"_s);
    QCOMPARE(settings.value(QString(gui::WebhookListenSetting)).value(), u"127.0.0.1:8899"_s);
    QCOMPARE(settings.value(QString(gui::WebhookUrlSetting)).value(), u"https://till.example.com/webhook"_s);
}

void TestFirstRun::lockedKeychainOffersSessionOnly()
{
    m_keychain->setFailure(security::SecretError::Kind::Locked);
    startConsole();
    FirstRunWizard *wizard = waitForWizard();
    QVERIFY(wizard);
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::OwnerPageId));
    fillOwner();
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::KeyPageId));
    auto *sessionOnly = field<QCheckBox>(u"sessionOnly"_s);
    QVERIFY(QTest::qWaitFor([sessionOnly] { return sessionOnly->isVisible(); }, 5000));
    QVERIFY(field<QLabel>(u"keychainProblem"_s)->text().contains(u"locked"_s, Qt::CaseInsensitive));
    QTest::keyClicks(field<QLineEdit>(u"stripeKey"_s), QString::fromLatin1(TestKey));
    QPushButton *next = qobject_cast<QPushButton *>(wizard->button(QWizard::NextButton));
    // Neither the keychain nor the explicit choice: no way on.
    QVERIFY(!next->isEnabled());
    shot(wizard, u"3-key-locked-keychain"_s);
    sessionOnly->click();
    QVERIFY(next->isEnabled());
    next->click();
    QVERIFY(reachPage(FirstRunWizard::EventsPageId));
    next->click();
    QVERIFY(reachPage(FirstRunWizard::FinishPageId));
    QVERIFY(field<QLabel>(u"summary"_s)->text().contains(u"for this session only"_s));
    wizard->button(QWizard::FinishButton)->click();

    QVERIFY(QTest::qWaitFor([this] { return m_console->window() != nullptr; }, 15'000));
    QCOMPARE(m_keychain->size(), 0);
    QVERIFY(m_console->window()->page(gui::Section::Sale));
    QVERIFY(logIn(u"olga"_s, QString::fromLatin1(OwnerPassphrase)));
}

void TestFirstRun::cancelLeavesNoOwner()
{
    startConsole();
    FirstRunWizard *wizard = waitForWizard();
    QVERIFY(wizard);
    QSignalSpy exit(m_console.get(), &ConsoleApp::exitRequested);
    // A PostgreSQL address that answers nothing: said on the page, and Next stays there.
    field<QRadioButton>(u"databasePostgres"_s)->click();
    QTest::keyClicks(field<QLineEdit>(u"databaseUrl"_s), u"postgresql://kassa@127.0.0.1:1/kassa"_s);
    wizard->next();
    auto *result = field<QLabel>(u"databaseResult"_s);
    QVERIFY(QTest::qWaitFor(
        [result] { return result->text().startsWith(u"Kassa cannot use this database"_s); }, 20'000));
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::DatabasePageId));
    shot(wizard, u"1-database-postgres-refused"_s);
    field<QRadioButton>(u"databaseSqlite"_s)->click();
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::OwnerPageId));
    fillOwner();
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::KeyPageId));
    wizard->reject();
    QVERIFY(!exit.isEmpty() || exit.wait(5000));
    QCOMPARE(exit.first().first().toInt(), 0);
    QCOMPARE(m_keychain->size(), 0);
    // The next start asks again.
    m_console.reset();
    startConsole();
    QVERIFY(waitForWizard());
}

void TestFirstRun::postgresStoreIsRememberedAndJoined()
{
    store::test::TestStore pg;
    QString message;
    const store::test::TestStore::Status status = pg.create(u"postgres"_s, &message);
    if (status == store::test::TestStore::Status::Skip)
        QSKIP(qPrintable(message));
    QVERIFY2(status == store::test::TestStore::Status::Ready, qPrintable(message));
    const QString url = store::test::postgresUrl(pg.config());

    // The first till picks the shared database: tested, then set up as usual.
    startConsole();
    FirstRunWizard *wizard = waitForWizard();
    QVERIFY(wizard);
    field<QRadioButton>(u"databasePostgres"_s)->click();
    QTest::keyClicks(field<QLineEdit>(u"databaseUrl"_s), url);
    QTest::keyClicks(field<QLineEdit>(u"databasePassword"_s), pg.config().password);
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::OwnerPageId));
    fillOwner();
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::KeyPageId));
    QTest::keyClicks(field<QLineEdit>(u"stripeKey"_s), QString::fromLatin1(TestKey));
    QPushButton *next = qobject_cast<QPushButton *>(wizard->button(QWizard::NextButton));
    QVERIFY(QTest::qWaitFor([next] { return next->isEnabled(); }, 5000));
    next->click();
    QVERIFY(reachPage(FirstRunWizard::EventsPageId));
    next->click();
    QVERIFY(reachPage(FirstRunWizard::FinishPageId));
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(QTest::qWaitFor([this] { return m_console->window() != nullptr; }, 15'000));
    QCOMPARE(gui::LocalConfig(gui::LocalConfig::defaultPath(m_dir->path())).databaseUrl(u"default"_s), url);
    QVERIFY(logIn(u"olga"_s, QString::fromLatin1(OwnerPassphrase)));

    // The next start goes to that database without asking.
    m_console.reset();
    startConsole();
    QVERIFY(QTest::qWaitFor([this] { return m_console->window() != nullptr; }, 15'000));
    QVERIFY(!m_console->firstRunWizard());
    QVERIFY(logIn(u"olga"_s, QString::fromLatin1(OwnerPassphrase)));

    // A second till (another data folder, its own keychain) joins it: only the key is asked for.
    m_console.reset();
    QTemporaryDir secondTill;
    m_keychain = std::make_unique<security::MemorySecretStore>();
    gui::ConsoleOptions options;
    options.dataDir = secondTill.path();
    m_console = std::make_unique<ConsoleApp>(options);
    m_console->setKeychain(m_keychain.get());
    m_console->setApiBase(m_sim->baseUrl());
    m_console->setPinHasher(TestHasher);
    m_console->start();
    wizard = waitForWizard();
    QVERIFY(wizard);
    field<QRadioButton>(u"databasePostgres"_s)->click();
    QTest::keyClicks(field<QLineEdit>(u"databaseUrl"_s), url);
    QTest::keyClicks(field<QLineEdit>(u"databasePassword"_s), pg.config().password);
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::KeyPageId));
    QVERIFY(field<QLabel>(u"databaseResult"_s)->text().contains(u"already set up"_s));
    QTest::keyClicks(field<QLineEdit>(u"stripeKey"_s), QString::fromLatin1(TestKey));
    next = qobject_cast<QPushButton *>(wizard->button(QWizard::NextButton));
    QVERIFY(QTest::qWaitFor(
        [wizard] {
            return wizard->button(QWizard::NextButton)->isEnabled() ||
                   wizard->button(QWizard::FinishButton)->isEnabled();
        },
        5000));
    wizard->next();
    QVERIFY(reachPage(FirstRunWizard::FinishPageId));
    shot(wizard, u"5-finish-joined"_s);
    wizard->button(QWizard::FinishButton)->click();
    QVERIFY(QTest::qWaitFor([this] { return m_console->window() != nullptr; }, 15'000));
    QVERIFY(m_keychain->contains(KeyId));
    QVERIFY(logIn(u"olga"_s, QString::fromLatin1(OwnerPassphrase)));
    // Its connections close before the test database is dropped.
    m_console.reset();
}

void TestFirstRun::lockedKeychainAtStartup()
{
    makeStoreWithOwner();
    m_keychain->setFailure(security::SecretError::Kind::Locked);
    startConsole();
    QVERIFY(QTest::qWaitFor([this] { return m_console->keychainDialog() != nullptr; }, 10'000));
    KeychainDialog *dialog = m_console->keychainDialog();
    QVERIFY(
        dialog->findChild<QLabel *>(u"keychainError"_s)->text().contains(u"locked"_s, Qt::CaseInsensitive));

    // Retry while still locked: asked again.
    QPointer<KeychainDialog> first(dialog);
    dialog->retryButton()->click();
    QVERIFY(QTest::qWaitFor([this, &first] { return !first && m_console->keychainDialog(); }, 10'000));
    dialog = m_console->keychainDialog();
    shot(dialog, u"6-keychain-dialog"_s);
    dialog->sessionButton()->click();
    QTest::keyClicks(dialog->keyField(), u"sk_live_kassafirstrun0123456789"_s);
    dialog->useKeyButton()->click();
    QVERIFY(QTest::qWaitFor(
        [dialog] { return dialog->keyResult()->text().startsWith(u"Stripe does not accept"_s); }, 15'000));
    dialog->keyField()->clear();
    QTest::keyClicks(dialog->keyField(), QString::fromLatin1(TestKey));
    dialog->useKeyButton()->click();
    QVERIFY(QTest::qWaitFor([this] { return m_console->window() != nullptr; }, 15'000));
    QVERIFY(m_console->window()->page(gui::Section::Sale));
    QCOMPARE(m_keychain->size(), 0);
    QVERIFY(logIn(u"olga"_s, u"1111"_s));
}

void TestFirstRun::startupSendsPendingOutboxRowOnce()
{
    makeStoreWithOwner();
    {
        // A payment written to the outbox, then the till died before it was sent.
        auto opened = store::Database::open(store::DatabaseConfig::sqlite(storePath()));
        QVERIFY(opened.ok());
        std::unique_ptr<store::Database> db = std::move(opened).value();
        stripe::PaymentIntents::CreateParams params;
        params.amount = Money(1250, Currency::fromCode(u"usd"_s).value());
        params.paymentMethodId = u"pm_card_visa"_s;
        params.confirm = true;
        params.metadata.insert(u"order_ref"_s, u"ORD-CRASH-1"_s);
        const QString key = stripe::StripeClient::newIdempotencyKey();
        const stripe::StripeRequest request = stripe::PaymentIntents::create(params, key);
        store::OutboxEntry row;
        row.op = QString::fromLatin1(sync::Outbox::OpCreatePayment);
        row.method = stripe::StripeRequest::methodName(request.method);
        row.path = request.path;
        row.params = request.params.encode();
        row.idempotencyKey = key;
        row.orderRef = u"ORD-CRASH-1"_s;
        row.exclusive = true;
        const auto inserted = store::OutboxRepository(*db).insertPending(row);
        QVERIFY(inserted.ok() && inserted.value().inserted);
    }
    bool written = false;
    m_keychain->write(KeyId, QString::fromLatin1(TestKey), this,
                      [&written](const security::SecretError &error) { written = !error.isError(); });
    QVERIFY(QTest::qWaitFor([&written] { return written; }, 5000));
    QCOMPARE(paymentIntentCount(), 0);

    startConsole();
    QSignalSpy recovered(m_console.get(), &ConsoleApp::recoveryFinished);
    QVERIFY(QTest::qWaitFor([&recovered] { return !recovered.isEmpty(); }, 20'000));
    const QString notice = recovered.first().first().toString();
    QVERIFY2(notice.contains(u"1 done"_s), qPrintable(notice));
    QVERIFY2(notice.contains(u"1 of them unfinished sale"_s), qPrintable(notice));
    QVERIFY(m_console->window()->findChild<QWidget *>(u"recoveryNotice"_s));
    shot(m_console->window(), u"7-recovery-notice"_s);
    QCOMPARE(paymentIntentCount(), 1);

    // A second start finds nothing left: no second payment, no notice.
    m_console.reset();
    startConsole();
    QSignalSpy again(m_console.get(), &ConsoleApp::recoveryFinished);
    QVERIFY(QTest::qWaitFor([&again] { return !again.isEmpty(); }, 20'000));
    QCOMPARE(again.first().first().toString(), QString());
    QCOMPARE(paymentIntentCount(), 1);
}

QTEST_MAIN(TestFirstRun)
#include "tst_firstrun.moc"
