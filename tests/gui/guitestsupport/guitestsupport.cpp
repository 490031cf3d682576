// SPDX-License-Identifier: GPL-3.0-or-later
#include "guitestsupport.h"

#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"
#include "services/store/migrations.h"
#include "services/stripe/stripeclient.h"

#include <QDir>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace kassa::gui::test {

bool showAndWait(QWidget *widget, QSize size)
{
    widget->resize(size);
    widget->show();
    return QTest::qWaitForWindowExposed(widget);
}

bool saveShot(const char *variable, QWidget *widget, const QString &name, int settleMs)
{
    const QString dir = qEnvironmentVariable(variable);
    if (dir.isEmpty() || !widget)
        return true;
    QTest::qWait(settleMs);
    QDir().mkpath(dir);
    return widget->grab().save(QDir(dir).filePath(name + u".png"_s));
}

bool logInOnScreen(MainWindow *window, const QString &name, const QString &pin)
{
    LoginScreen *login = window->loginScreen();
    login->selectUser(name);
    QTest::keyClicks(login->pinField(), pin);
    QTest::keyClick(login->pinField(), Qt::Key_Return);
    return QTest::qWaitFor(
               [&] { return !window->isLocked() || (!login->isChecking() && !login->message().isEmpty()); },
               10'000) &&
           !window->isLocked();
}

namespace {

DemoSession::Options demoOptions(int payments)
{
    DemoSession::Options options;
    options.payments = payments;
    options.hasher = TestHasher;
    return options;
}

} // namespace

DemoShop::DemoShop(int payments)
    : DemoSession(demoOptions(payments))
{
}

bool DemoShop::startAndWait(QString *error)
{
    QSignalSpy ready(this, &DemoSession::ready);
    QSignalSpy failed(this, &DemoSession::failed);
    start();
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 60'000)) {
        *error = u"the demo shop was not ready within a minute"_s;
        return false;
    }
    if (!failed.isEmpty()) {
        *error = failed.first().first().toString();
        return false;
    }
    return true;
}

ConsoleContext DemoShop::context()
{
    ConsoleContext c;
    c.db = &database();
    c.databaseConfig = databaseConfig();
    c.client = &client();
    c.till = tillId();
    c.hasher = TestHasher;
    c.testMode = true;
    c.demo = true;
    c.demoUsers = users();
    return c;
}

security::ActingUser DemoShop::logIn(const QString &name, const QString &pin)
{
    QString demoPin = pin;
    if (demoPin.isEmpty()) {
        for (const DemoUser &user : users()) {
            if (user.name == name)
                demoPin = user.pin;
        }
    }
    security::AuditLog audit(database(), tillId());
    security::UserService userService(database(), audit, TestHasher);
    const auto result = userService.authenticate(name, demoPin, tillId());
    return result.ok() ? result.value() : security::ActingUser{};
}

ConsoleFixture::ConsoleFixture()
    : m_keychain(std::make_unique<security::MemorySecretStore>())
{
    m_listening = m_sim.listen();
    // Either would point the console elsewhere than this fixture's keychain and simulator.
    qunsetenv("KASSA_STRIPE_API_KEY");
    qunsetenv("KASSA_API_BASE");
}

ConsoleFixture::~ConsoleFixture()
{
    // The console reads the keychain and talks to the simulator until it is gone.
    m_console.reset();
}

bool ConsoleFixture::isReady(QString *error) const
{
    if (!m_dir.isValid()) {
        *error = m_dir.errorString();
        return false;
    }
    if (!m_listening) {
        *error = m_sim.errorString();
        return false;
    }
    return true;
}

QString ConsoleFixture::storePath() const
{
    return QDir(m_dir.path()).filePath(u"kassa.sqlite"_s);
}

ConsoleApp *ConsoleFixture::startConsole(const QString &dataDir)
{
    m_console.reset();
    ConsoleOptions options;
    options.dataDir = dataDir.isEmpty() ? m_dir.path() : dataDir;
    m_console = std::make_unique<ConsoleApp>(options);
    m_console->setKeychain(m_keychain.get());
    m_console->setApiBase(m_sim.baseUrl());
    m_console->setPinHasher(TestHasher);
    m_console->start();
    return m_console.get();
}

void ConsoleFixture::stopConsole()
{
    m_console.reset();
}

void ConsoleFixture::replaceKeychain()
{
    m_console.reset();
    m_keychain = std::make_unique<security::MemorySecretStore>();
}

bool ConsoleFixture::waitForWindow(int timeoutMs, bool visible) const
{
    return QTest::qWaitFor(
        [this, visible] {
            MainWindow *window = m_console ? m_console->window() : nullptr;
            return window && (!visible || window->isVisible());
        },
        timeoutMs);
}

std::unique_ptr<store::Database> ConsoleFixture::openStore() const
{
    auto opened = store::Database::open(store::DatabaseConfig::sqlite(storePath()));
    if (!opened.ok())
        return nullptr;
    return std::move(opened).value();
}

std::unique_ptr<store::Database> ConsoleFixture::makeStoreWithOwner(security::ActingUser *owner) const
{
    std::unique_ptr<store::Database> db = openStore();
    if (!db || store::Migrations::migrate(*db).isError())
        return nullptr;
    const QString till = QString::fromLatin1(TillId);
    const QString name = QString::fromLatin1(OwnerName);
    security::AuditLog audit(*db, till);
    security::UserService users(*db, audit, TestHasher);
    const security::SecurityResult<security::User> added =
        users.addUser({}, {name, u"Olga Berg"_s, Role::Owner}, QString::fromLatin1(OwnerPin));
    if (!added.ok())
        return nullptr;
    if (owner)
        *owner = security::ActingUser{added.value().id, name, Role::Owner, till};
    return db;
}

bool ConsoleFixture::writeSecret(const security::SecretId &id, const QString &value)
{
    std::optional<bool> written;
    m_keychain->write(id, value, m_keychain.get(),
                      [&written](const security::SecretError &error) { written = !error.isError(); });
    return QTest::qWaitFor([&written] { return written.has_value(); }, 5000) && *written;
}

QList<QJsonObject> ConsoleFixture::listOnSimulator(const QString &path, const QString &apiKey)
{
    QNetworkAccessManager network;
    stripe::StripeClient client(network);
    client.setApiBase(m_sim.baseUrl());
    client.setApiKey(apiKey);
    return sync::test::listAll(client, path);
}

} // namespace kassa::gui::test
