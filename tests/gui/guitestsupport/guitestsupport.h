// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the tests of app/gui share: the demo shop started and ready with its users logged in as the log-in
// screen would, a console started without --demo over a data folder, the simulator and a keychain in
// memory, and the small waits every page test needs. The store-and-simulator till the Sale and Customers
// pages run on is sync::test::TillFixture (tests/sync/synctestsupport.h), shared with the service tests.

#include "app/gui/demo/demosession.h"
#include "app/gui/shell/consoleapp.h"
#include "app/gui/shell/consolecontext.h"
#include "services/security/memorysecretstore.h"
#include "services/security/pinhasher.h"
#include "services/store/database.h"
#include "sim/simulator.h"
#include "synctestsupport.h"

#include <QJsonObject>
#include <QList>
#include <QSize>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class QWidget;

namespace kassa::gui {
class MainWindow;
}

namespace kassa::gui::test {

// A PIN hash cheap enough for tests: the real one takes a noticeable part of a second on purpose.
inline const security::PinHasher TestHasher = security::PinHasher::insecureForTests(1000);

// Resizes `widget`, shows it and waits until it is on screen.
bool showAndWait(QWidget *widget, QSize size);

// When the environment variable `variable` names a folder (a run under Xvfb, to look at): `widget` as
// NAME.png there, after `settleMs` for layouts to settle. False only when asked for and not saved.
bool saveShot(const char *variable, QWidget *widget, const QString &name, int settleMs = 300);

// `window`'s log-in screen used as a person would: the user's tile, the PIN, Enter. True once the window is
// unlocked; false when the screen said why not, or after ten seconds.
bool logInOnScreen(MainWindow *window, const QString &name, const QString &pin);

// The demo shop with `payments` payments and the cheap PIN hash, for a whole test case: start it in
// initTestCase(), drop it in cleanupTestCase().
class DemoShop : public DemoSession
{
public:
    explicit DemoShop(int payments);

    // Starts the session and waits for it: false with `error` when it failed or took over a minute.
    bool startAndWait(QString *error);
    // What ConsoleApp gives the pages in demo mode (the demo users shown on the log-in screen).
    ConsoleContext context();
    // The demo user `name` authenticated with `pin` (their demo PIN when empty), as the log-in screen does:
    // an empty ActingUser when refused.
    security::ActingUser logIn(const QString &name, const QString &pin = {});
};

// A console started without --demo, as on a till of its own: a data folder, the simulator as Stripe and a
// keychain in memory, with KASSA_STRIPE_API_KEY and KASSA_API_BASE out of the environment. The ConsoleApp
// is made on request and goes before the keychain, the simulator and the folder it uses.
class ConsoleFixture
{
public:
    static constexpr auto TillId = "till-test";
    static constexpr auto OwnerName = "olga";
    static constexpr auto OwnerPin = "1111";

    ConsoleFixture();
    ~ConsoleFixture();
    ConsoleFixture(const ConsoleFixture &) = delete;
    ConsoleFixture &operator=(const ConsoleFixture &) = delete;

    // Whether the folder and the simulator are there; `error` says why not.
    bool isReady(QString *error) const;

    QString dataDir() const { return m_dir.path(); }
    QString storePath() const;
    sim::Simulator &simulator() { return m_sim; }
    security::MemorySecretStore &keychain() { return *m_keychain; }
    ConsoleApp *console() const { return m_console.get(); }

    // A ConsoleApp over the data folder (or `dataDir`, another till's), the simulator and the keychain,
    // started; the one before is stopped first.
    ConsoleApp *startConsole(const QString &dataDir = {});
    void stopConsole();
    // An empty keychain instead of the one there, as on another computer; the console is stopped first.
    void replaceKeychain();
    // Until the console has a main window (shown too, with `visible`).
    bool waitForWindow(int timeoutMs, bool visible = false) const;

    // Another connection to the console's SQLite store, as another till would open it; null on failure.
    std::unique_ptr<store::Database> openStore() const;
    // The store made and migrated with the owner olga (PIN 1111: an owner may have a PIN too), as a first
    // run leaves it; the connection, to write more before dropping it, or null on failure. `owner`, when
    // given, is set to olga as an acting user.
    std::unique_ptr<store::Database> makeStoreWithOwner(security::ActingUser *owner = nullptr) const;
    // `value` written to the keychain and waited for: false when the keychain refused it.
    bool writeSecret(const security::SecretId &id, const QString &value);
    // Every object of a list endpoint of the simulator, read with `apiKey`; empty on failure.
    QList<QJsonObject> listOnSimulator(const QString &path, const QString &apiKey);

private:
    QTemporaryDir m_dir;
    sim::Simulator m_sim;
    bool m_listening = false;
    std::unique_ptr<security::MemorySecretStore> m_keychain;
    std::unique_ptr<ConsoleApp> m_console;
};

} // namespace kassa::gui::test
