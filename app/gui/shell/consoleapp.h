// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "app/gui/shell/sections.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QLabel;
class QNetworkAccessManager;

namespace kassa::customers {
class SavedMethodService;
}
namespace kassa::refunds {
class RefundRequestService;
}
namespace kassa::sale {
class SaleService;
}
namespace kassa::security {
class AuditLog;
class SecretStore;
class MemorySecretStore;
class SessionSecretStore;
struct SecretError;
} // namespace kassa::security
namespace kassa::sync {
class EventProcessor;
class Outbox;
class EventPoller;
class WebhookInbox;
} // namespace kassa::sync

namespace kassa::gui {

class DemoSession;
class FirstRunWizard;
class KeychainDialog;
class MainWindow;

// How `kassa` was started.
struct ConsoleOptions
{
    bool demo = false;
    QString dataDir;     // --data-dir: as kassa-cli's; the demo keeps its store in DIR/demo
    QString databaseUrl; // --database postgresql://...
    QString profile = QStringLiteral("default");
    QString screenshotDir; // --screenshot DIR: save login.png and one PNG per page there, then quit
};

// The console's composition root: builds the store, the Stripe client, the events poller and the
// window from the options (the demo: a DemoSession), shows a splash while that takes, and hands the
// window its pages. Asks to quit through exitRequested() when it cannot go on.
class ConsoleApp : public QObject
{
    Q_OBJECT
public:
    explicit ConsoleApp(const ConsoleOptions &options, QObject *parent = nullptr);
    ~ConsoleApp() override;

    // The webhook receiver while it runs (Settings chose webhooks and it could listen), else null.
    sync::WebhookInbox *webhooks() const { return m_webhooks.get(); }

    // Before start(), for tests: the keychain to use instead of the OS's (not owned; outlives this), where
    // Stripe is (default: KASSA_API_BASE, else Stripe), and the PIN hasher of new users and log-ins.
    void setKeychain(security::SecretStore *keychain) { m_injectedKeychain = keychain; }
    void setApiBase(const QUrl &apiBase) { m_apiBase = apiBase; }
    void setPinHasher(const security::PinHasher &hasher) { m_hasher = hasher; }

    void start();
    MainWindow *window() const { return m_window.get(); }
    // While they are open: the first-run wizard, the keychain dialog of the start-up.
    FirstRunWizard *firstRunWizard() const;
    KeychainDialog *keychainDialog() const;
    // What the start-up recovery did, in words (empty while it runs or when there was nothing to do).
    QString recoveryNotice() const { return m_recoveryNotice; }

signals:
    void exitRequested(int exitCode);
    // The start-up recovery is over: what it did, or empty when nothing was left to recover.
    void recoveryFinished(const QString &notice);

private:
    void startDemo();
    void startStore();
    void openStore(const QString &databasePassword);
    void startFirstRun();
    void readKey();
    void askKeychain(const security::SecretError &error);
    void openWithKey(const QString &key);
    void openWindow(ConsoleContext context);
    void startWebhooks();
    void restartWebhooks();
    void listenForWebhooks(const QString &listen, const QByteArray &secret);
    void recoverAtStartup();
    void showRecoveryNotice(const QStringList &done);
    void takeScreenshots();
    void takeNextScreenshot(const QString &dir);
    void stageScreenshot(Section section);
    void showSplash(const QString &text);
    void stop(const QString &message, int exitCode);

    ConsoleOptions m_options;
    std::unique_ptr<QLabel> m_splash;
    std::unique_ptr<DemoSession> m_demo;
    security::SecretStore *m_injectedKeychain = nullptr;
    std::unique_ptr<security::SecretStore> m_keychain;
    std::unique_ptr<security::SessionSecretStore> m_secrets;
    std::unique_ptr<security::MemorySecretStore> m_demoSecrets; // the demo's key, for the Keys tab
    QUrl m_apiBase;
    security::PinHasher m_hasher;
    QPointer<FirstRunWizard> m_wizard;
    QPointer<KeychainDialog> m_keychainDialog;
    QStringList m_startupNotes; // said in the status bar once the window is open
    QString m_recoveryNotice;
    std::unique_ptr<store::Database> m_db;
    store::DatabaseConfig m_config;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<stripe::StripeClient> m_client;
    std::unique_ptr<sync::EventProcessor> m_processor;
    std::unique_ptr<sync::EventPoller> m_poller;
    std::unique_ptr<sync::WebhookInbox> m_webhooks; // when Settings chose webhooks
    std::unique_ptr<security::AuditLog> m_audit;
    std::unique_ptr<sync::Outbox> m_outbox;
    std::unique_ptr<sale::SaleService> m_sales;
    std::unique_ptr<refunds::RefundRequestService> m_refunds;
    std::unique_ptr<customers::SavedMethodService> m_savedMethods;
    std::unique_ptr<MainWindow> m_window;
    QList<Section> m_screenshotQueue; // --screenshot: the pages still to take
};

} // namespace kassa::gui
