// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"

#include <QObject>
#include <QString>

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
} // namespace kassa::security
namespace kassa::sync {
class EventProcessor;
class Outbox;
class EventPoller;
class Outbox;
} // namespace kassa::sync

namespace kassa::gui {

class DemoSession;
class MainWindow;

// How `kassa` was started.
struct ConsoleOptions
{
    bool demo = false;
    QString dataDir;     // --data-dir: as kassa-cli's; the demo keeps its store in DIR/demo
    QString databaseUrl; // --database postgresql://...
    QString profile = QStringLiteral("default");
    QString screenshotDir; // --screenshot DIR: save login.png, main.png (and sale.png) there, then quit
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

    void start();
    MainWindow *window() const { return m_window.get(); }

signals:
    void exitRequested(int exitCode);

private:
    void startDemo();
    void startStore();
    void openStore(const QString &databasePassword);
    void readKey();
    void openWindow(ConsoleContext context);
    void takeScreenshots();
    void takeSaleScreenshot(const QString &dir);
    void takeRefundsScreenshot(const QString &dir);
    void showSplash(const QString &text);
    void stop(const QString &message, int exitCode);

    ConsoleOptions m_options;
    std::unique_ptr<QLabel> m_splash;
    std::unique_ptr<DemoSession> m_demo;
    std::unique_ptr<security::SecretStore> m_secrets;
    std::unique_ptr<store::Database> m_db;
    store::DatabaseConfig m_config;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<stripe::StripeClient> m_client;
    std::unique_ptr<sync::EventProcessor> m_processor;
    std::unique_ptr<sync::EventPoller> m_poller;
    std::unique_ptr<security::AuditLog> m_audit;
    std::unique_ptr<sync::Outbox> m_outbox;
    std::unique_ptr<sale::SaleService> m_sales;
    std::unique_ptr<refunds::RefundRequestService> m_refunds;
    std::unique_ptr<customers::SavedMethodService> m_savedMethods;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace kassa::gui
