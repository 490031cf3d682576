// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/consoleapp.h"

#include "app/gui/demo/demosession.h"
#include "app/gui/firstrun/firstrunwizard.h"
#include "app/gui/firstrun/keychaindialog.h"
#include "app/gui/pages/customerspage.h"
#include "app/gui/pages/refundspage.h"
#include "app/gui/pages/reportspage.h"
#include "app/gui/pages/salepage.h"
#include "app/gui/pages/transactionspage.h"
#include "app/gui/receipts/receiptdocument.h"
#include "app/gui/settings/settingspage.h"
#include "app/gui/shell/consolestatusbar.h"
#include "app/gui/shell/localconfig.h"
#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "services/customers/savedmethodservice.h"
#include "services/refunds/refundrequestservice.h"
#include "services/sale/saleservice.h"
#include "services/security/auditlog.h"
#include "services/security/keychainsecretstore.h"
#include "services/security/memorysecretstore.h"
#include "services/security/sessionsecretstore.h"
#include "services/security/settingsservice.h"
#include "services/security/stripekey.h"
#include "services/security/userservice.h"
#include "services/store/database.h"
#include "services/store/migrations.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/eventpoller.h"
#include "services/sync/eventprocessor.h"
#include "services/sync/outbox.h"
#include "services/sync/webhookinbox.h"
#include "sim/simulator.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSysInfo>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int DemoPollIntervalMs = 10'000;

// A line in the status bar beside the connection and outbox labels (which stay visible) until the
// Dismiss button beside it is pressed: what the start-up did on its own is never done silently.
void addNotice(MainWindow *window, const QString &text, const QString &name)
{
    auto *notice = new QWidget;
    notice->setObjectName(name);
    auto *layout = new QHBoxLayout(notice);
    layout->setContentsMargins(8, 0, 0, 0);
    auto *label = new QLabel(text, notice);
    label->setTextFormat(Qt::PlainText);
    label->setToolTip(text);
    label->setStyleSheet(u"color: #8a5300;"_s);
    layout->addWidget(label, 1);
    auto *dismiss = new QPushButton(u"Dismiss"_s, notice);
    dismiss->setAccessibleName(u"Dismiss the notice: "_s + text);
    layout->addWidget(dismiss);
    QObject::connect(dismiss, &QPushButton::clicked, notice, &QObject::deleteLater);
    window->statusBar()->addWidget(notice, 1);
}

QString tillId()
{
    const QString till = qEnvironmentVariable("KASSA_TILL");
    return till.isEmpty() ? u"kassa@"_s + QSysInfo::machineHostName() : till;
}

// The shop's polling interval (Settings), read once at start.
sync::EventPoller::Options pollOptions(store::Database &db)
{
    security::AuditLog audit(db, tillId());
    sync::EventPoller::Options options;
    options.intervalMs = security::SettingsService(db, audit).pollIntervalSeconds() * 1000;
    return options;
}

} // namespace

ConsoleApp::ConsoleApp(const ConsoleOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
}

ConsoleApp::~ConsoleApp()
{
    // The window and its pages use everything below; sales use the outbox, the poller the processor, all
    // of them the client. The wizard and the keychain dialog use the secret store.
    delete m_wizard.data();
    delete m_keychainDialog.data();
    m_window.reset();
    m_savedMethods.reset();
    m_sales.reset();
    m_refunds.reset();
    m_outbox.reset();
    m_audit.reset();
    m_webhooks.reset();
    m_poller.reset();
    m_processor.reset();
    m_client.reset();
    m_network.reset();
    m_db.reset();
    m_demo.reset();
}

FirstRunWizard *ConsoleApp::firstRunWizard() const
{
    return m_wizard.data();
}

KeychainDialog *ConsoleApp::keychainDialog() const
{
    return m_keychainDialog.data();
}

void ConsoleApp::start()
{
    if (m_options.demo)
        startDemo();
    else
        startStore();
}

void ConsoleApp::showSplash(const QString &text)
{
    if (!m_splash) {
        m_splash = std::make_unique<QLabel>();
        m_splash->setWindowTitle(u"Kassa"_s);
        m_splash->setAlignment(Qt::AlignCenter);
        m_splash->setMinimumSize(520, 160);
        m_splash->setMargin(24);
        m_splash->show();
    }
    m_splash->setText(u"<h2>Kassa</h2>"_s + text.toHtmlEscaped());
}

void ConsoleApp::stop(const QString &message, int exitCode)
{
    m_splash.reset();
    qCritical("kassa: %s", qUtf8Printable(message));
    if (m_options.screenshotDir.isEmpty())
        QMessageBox::critical(nullptr, u"Kassa"_s, message);
    emit exitRequested(exitCode);
}

void ConsoleApp::startDemo()
{
    showSplash(u"Preparing the demo shop…"_s);
    DemoSession::Options options;
    options.dataDir = m_options.dataDir;
    m_demo = std::make_unique<DemoSession>(options);
    connect(m_demo.get(), &DemoSession::progress, this,
            [this](const QString &step) { showSplash(step + u"…"_s); });
    connect(m_demo.get(), &DemoSession::failed, this,
            [this](const QString &error) { stop(u"The demo could not start: "_s + error, 1); });
    connect(m_demo.get(), &DemoSession::ready, this, [this] {
        m_processor = std::make_unique<sync::EventProcessor>(m_demo->database(), &m_demo->client());
        sync::EventPoller::Options pollOptions;
        pollOptions.intervalMs = DemoPollIntervalMs;
        m_poller = std::make_unique<sync::EventPoller>(m_demo->database(), m_demo->client(), *m_processor,
                                                       pollOptions);
        ConsoleContext context;
        context.db = &m_demo->database();
        context.databaseConfig = m_demo->databaseConfig();
        context.client = &m_demo->client();
        context.poller = m_poller.get();
        context.till = DemoSession::tillId();
        context.testMode = true;
        context.demo = true;
        context.demoUsers = DemoSession::users();
        context.stripeDescription = u"simulator at "_s + m_demo->simulator().baseUrl().authority();
        context.lastSyncAt = QDateTime::currentSecsSinceEpoch();
        openWindow(context);
        m_poller->start();
    });
    m_demo->start();
}

void ConsoleApp::startStore()
{
    if (!m_injectedKeychain)
        m_keychain = std::make_unique<security::KeychainSecretStore>();
    // Every secret of the console goes through the session store: the keychain, plus the explicit choice
    // to keep a key in memory for this session when the keychain is missing or locked.
    m_secrets = std::make_unique<security::SessionSecretStore>(m_injectedKeychain ? *m_injectedKeychain
                                                                                  : *m_keychain);
    if (m_apiBase.isEmpty() && qEnvironmentVariableIsSet("KASSA_API_BASE"))
        m_apiBase = QUrl(qEnvironmentVariable("KASSA_API_BASE"));
    // --database, else the PostgreSQL store the first-run wizard chose on this computer, else SQLite.
    if (m_options.databaseUrl.isEmpty())
        m_options.databaseUrl =
            LocalConfig(LocalConfig::defaultPath(m_options.dataDir)).databaseUrl(m_options.profile);
    if (m_options.databaseUrl.isEmpty())
        return openStore({});
    // A URL without a password takes the profile's from the keychain (else libpq's PGPASSWORD, ~/.pgpass).
    showSplash(u"Reading the database password from the keychain…"_s);
    m_secrets->read(
        {m_options.profile, security::SecretKind::DatabasePassword}, this,
        [this](const security::SecretResult &result) { openStore(result.ok() ? result.value : QString()); });
}

void ConsoleApp::openStore(const QString &databasePassword)
{
    if (!m_options.databaseUrl.isEmpty()) {
        const store::StoreResult<store::DatabaseConfig> parsed =
            store::DatabaseConfig::fromUrl(m_options.databaseUrl, databasePassword);
        if (!parsed.ok())
            return stop(u"--database: "_s + parsed.error().message, 2);
        m_config = parsed.value();
    } else {
        m_config = store::DatabaseConfig::sqlite(m_options.dataDir.isEmpty()
                                                     ? store::DatabaseConfig::defaultSqlitePath()
                                                     : QDir(m_options.dataDir).filePath(u"kassa.sqlite"_s));
    }
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(m_config);
    if (!opened.ok())
        return stop(
            u"Cannot open the store %1: %2"_s.arg(m_config.toDisplayString(), opened.error().toString()), 1);
    m_db = std::move(opened).value();
    if (const store::StoreError migrated = store::Migrations::migrate(*m_db); migrated.isError())
        return stop(u"Cannot prepare the store %1: %2"_s.arg(m_config.toDisplayString(), migrated.toString()),
                    1);

    security::AuditLog audit(*m_db, tillId());
    const security::SecurityResult<bool> hasUsers = security::UserService(*m_db, audit).hasUsers();
    if (!hasUsers.ok())
        return stop(u"Cannot read the users: "_s + hasUsers.error().message, 1);
    if (!hasUsers.value())
        return startFirstRun();
    readKey();
}

void ConsoleApp::startFirstRun()
{
    m_splash.reset();
    FirstRunEnvironment environment;
    environment.secrets = m_secrets.get();
    environment.profile = m_options.profile;
    environment.apiBase = m_apiBase;
    environment.sqlite = store::DatabaseConfig::sqlite(
        m_options.dataDir.isEmpty() ? store::DatabaseConfig::defaultSqlitePath()
                                    : QDir(m_options.dataDir).filePath(u"kassa.sqlite"_s));
    if (m_config.dialect == store::Dialect::Postgres)
        environment.current = m_config;
    environment.till = tillId();
    environment.hasher = m_hasher;
    auto *wizard = new FirstRunWizard(environment);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    m_wizard = wizard;
    connect(wizard, &QWizard::finished, this, [this, wizard](int result) {
        if (result != QDialog::Accepted) {
            // Nothing was saved but the store's empty tables: the next start asks again.
            qInfo("kassa: set-up canceled; nothing was saved");
            emit exitRequested(0);
            return;
        }
        m_startupNotes = wizard->warnings();
        if (wizard->keyForSessionOnly())
            m_startupNotes << u"The Stripe key is kept for this session only: Kassa asks for it again at the "
                              "next start."_s;
        const store::DatabaseConfig chosen = wizard->databaseConfig();
        if (chosen.toDisplayString() != m_config.toDisplayString()) {
            m_db.reset();
            m_config = chosen;
            store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(m_config);
            if (!opened.ok())
                return stop(u"Cannot open the store %1: %2"_s.arg(m_config.toDisplayString(),
                                                                  opened.error().toString()),
                            1);
            m_db = std::move(opened).value();
            if (const store::StoreError migrated = store::Migrations::migrate(*m_db); migrated.isError())
                return stop(
                    u"Cannot prepare the store %1: %2"_s.arg(m_config.toDisplayString(), migrated.toString()),
                    1);
        }
        readKey();
    });
    wizard->show();
}

void ConsoleApp::readKey()
{
    // A key in the environment wins (kassa-cli's order): the keychain is not asked.
    if (const QString key = qEnvironmentVariable("KASSA_STRIPE_API_KEY"); !key.isEmpty())
        return openWithKey(key);
    showSplash(u"Reading the Stripe key from the keychain…"_s);
    m_secrets->read({m_options.profile, security::SecretKind::StripeSecretKey}, this,
                    [this](const security::SecretResult &result) {
                        if (!result.ok() && result.error.allowsSessionOnly())
                            return askKeychain(result.error);
                        if (!result.ok())
                            m_startupNotes << u"No Stripe key: "_s + result.error.message +
                                                  u" Sales and refunds need one."_s;
                        openWithKey(result.value);
                    });
}

void ConsoleApp::askKeychain(const security::SecretError &error)
{
    m_splash.reset();
    auto *dialog = new KeychainDialog(error, m_apiBase);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_keychainDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, dialog](int choice) {
        switch (choice) {
        case KeychainDialog::Retry:
            return readKey();
        case KeychainDialog::SessionKey:
            m_secrets->keepForSession({m_options.profile, security::SecretKind::StripeSecretKey},
                                      dialog->sessionKey());
            m_startupNotes << u"The Stripe key is kept for this session only."_s;
            return readKey();
        default:
            m_startupNotes << u"Without Stripe: the keychain could not be read. Sales and refunds need the "
                              "key; restart Kassa once the keychain is unlocked."_s;
            return openWithKey({});
        }
    });
    dialog->show();
}

void ConsoleApp::openWithKey(const QString &key)
{
    ConsoleContext context;
    context.db = m_db.get();
    context.databaseConfig = m_config;
    context.till = tillId();
    context.hasher = m_hasher;
    if (!key.isEmpty()) {
        m_network = std::make_unique<QNetworkAccessManager>();
        m_client = std::make_unique<stripe::StripeClient>(*m_network);
        if (!m_apiBase.isEmpty())
            m_client->setApiBase(m_apiBase);
        m_client->setApiKey(key);
        m_processor = std::make_unique<sync::EventProcessor>(*m_db, m_client.get());
        m_poller = std::make_unique<sync::EventPoller>(*m_db, *m_client, *m_processor, pollOptions(*m_db));
        context.client = m_client.get();
        context.poller = m_poller.get();
        context.testMode = !security::StripeKey::parse(key).isLive();
        context.stripeDescription = m_client->apiBase().host();
    }
    openWindow(context);
    if (m_poller)
        m_poller->start();
    startWebhooks();
    recoverAtStartup();
}

void ConsoleApp::startWebhooks()
{
    // Webhooks make changes arrive sooner; the poller above stays the safety net at its interval, so
    // nothing here may keep the console from opening: a problem is said in the status bar.
    ConsoleStatusBar *bar = m_window->consoleStatusBar();
    security::AuditLog audit(*m_db, tillId());
    security::SettingsService settings(*m_db, audit);
    const security::SecurityResult<QString> source = settings.value(QString(EventsSourceSetting), u"poll"_s);
    if (!source.ok() || source.value() != u"webhook"_s)
        return;
    const security::SecurityResult<QString> listen =
        settings.value(QString(security::SettingsService::WebhookListenKey));
    if (!listen.ok() || listen.value().isEmpty())
        return bar->setWebhookProblem(u"Webhooks: not listening (no listen address in Settings)"_s);
    m_secrets->read({m_options.profile, security::SecretKind::WebhookSecret}, this,
                    [this, listen = listen.value()](const security::SecretResult &result) {
                        if (!m_window)
                            return;
                        if (!result.ok() || !result.value.startsWith(u"whsec_"_s)) {
                            const QString why = result.ok() ? u"the webhook secret in the keychain does not "
                                                              "start with whsec_"_s
                                                            : result.error.message;
                            return m_window->consoleStatusBar()->setWebhookProblem(
                                u"Webhooks: not listening (no webhook secret)"_s,
                                why + u". Settings > Keys keeps the endpoint's secret."_s);
                        }
                        listenForWebhooks(listen, result.value.toUtf8());
                    });
}

void ConsoleApp::restartWebhooks()
{
    // Settings > Webhook changed the address or the secret: what the running receiver holds is stored
    // first (close()), then the receiver starts as the settings say now, or stays off.
    if (!m_window)
        return;
    if (m_webhooks) {
        // Its status-bar watch would call this stop a problem: it is the cashier's choice.
        disconnect(m_webhooks.get(), nullptr, m_window->consoleStatusBar(), nullptr);
        m_webhooks->close();
        m_webhooks.reset();
    }
    m_window->consoleStatusBar()->setWebhookState(
        m_poller ? u"Webhooks: not listening (not set up; following Stripe's events)"_s
                 : u"Webhooks: not listening (not set up)"_s);
    startWebhooks();
}

void ConsoleApp::listenForWebhooks(const QString &listen, const QByteArray &secret)
{
    ConsoleStatusBar *bar = m_window->consoleStatusBar();
    sync::ListenAddress where;
    if (!sync::ListenAddress::parse(listen, &where))
        return bar->setWebhookProblem(u"Webhooks: not listening (\"%1\" is not ADDRESS:PORT)"_s.arg(listen));
    // Without a Stripe key there is no poller; received events are still applied, without re-fetches.
    if (!m_processor)
        m_processor = std::make_unique<sync::EventProcessor>(*m_db, nullptr);
    auto inbox = std::make_unique<sync::WebhookInbox>(*m_db, *m_processor);
    inbox->setConnectionConfig(m_config); // a keychain password included
    if (QString why; !inbox->startCheckpoints(&why))
        qWarning("kassa: checkpoints stay in the receiving thread: %s", qUtf8Printable(why));
    inbox->setSecrets({secret});
    if (!inbox->listen(where.address, where.port)) {
        const QString reason =
            inbox->addressInUse() ? u"the port is in use by another program"_s : inbox->errorString();
        qWarning("kassa: cannot listen for webhooks on %s: %s", qUtf8Printable(listen),
                 qUtf8Printable(reason));
        return bar->setWebhookProblem(
            u"Webhooks: failed to listen on %1: %2"_s.arg(listen, reason),
            u"Change the listen address in Settings > Webhook (it applies at once), or "
            "stop the other program and save the address again."_s);
    }
    m_webhooks = std::move(inbox);
    // What arrives shows on the pages as the poller's batches do.
    connect(m_webhooks.get(), &sync::WebhookInbox::applied, this, [this](int) {
        if (!m_window)
            return;
        if (auto *page = qobject_cast<TransactionsPage *>(m_window->page(Section::Transactions)))
            page->refresh();
        if (auto *page = qobject_cast<RefundsPage *>(m_window->page(Section::Refunds)))
            page->refresh();
        if (auto *page = qobject_cast<CustomersPage *>(m_window->page(Section::Customers)))
            page->refresh();
    });
    bar->watchWebhooks(m_webhooks.get(), u"%1:%2"_s.arg(where.address.toString()).arg(m_webhooks->port()));
    qInfo("kassa: listening for webhooks on %s:%u", qUtf8Printable(where.address.toString()),
          unsigned(m_webhooks->port()));
}

void ConsoleApp::openWindow(ConsoleContext context)
{
    // Before any page is built: they format amounts and dates with the default locale.
    applyLocaleSetting(*context.db, context.till);
    m_window = std::make_unique<MainWindow>(context);
    if (context.client) {
        // Sales need Stripe: without a key the Sale section is not offered.
        m_outbox = std::make_unique<sync::Outbox>(*context.db, *context.client);
        sale::SaleOptions saleOptions;
        // Where the customer's phone goes after paying by QR code. The demo has no shop page to return to:
        // the simulator's own address stands in for it.
        saleOptions.checkoutSuccessUrl = qEnvironmentVariable("KASSA_CHECKOUT_SUCCESS_URL");
        if (saleOptions.checkoutSuccessUrl.isEmpty() && m_demo)
            saleOptions.checkoutSuccessUrl = m_demo->simulator().baseUrl().toString();
        m_sales = std::make_unique<sale::SaleService>(*context.db, *context.client, *m_outbox, saleOptions);
        SalePage::Options pageOptions;
        pageOptions.testMode = context.testMode;
        pageOptions.till = context.till;
        auto *salePage = new SalePage(*m_sales, *context.client, *context.db, pageOptions);
        m_window->addPage(Section::Sale, salePage);
        connect(m_window.get(), &MainWindow::userChanged, salePage, &SalePage::setUser);
        store::Database *db = context.db;
        connect(
            salePage, &SalePage::receiptRequested, salePage,
            [salePage, db](const QString &paymentIntentId) { printReceipt(salePage, *db, paymentIntentId); });
    }
    auto *transactions = new TransactionsPage(*context.db, context.databaseConfig);
    transactions->setTestMode(context.testMode);
    m_window->addPage(Section::Transactions, transactions);
    if (context.poller)
        connect(context.poller, &sync::EventPoller::batchApplied, transactions,
                [transactions](int, int applied, qint64) {
                    if (applied > 0)
                        transactions->refresh();
                });
    // Refund requests need Stripe behind them: the demo's service, or one over this store's outbox.
    refunds::RefundRequestService *refundService = nullptr;
    if (m_demo) {
        refundService = &m_demo->refundRequests();
    } else if (context.client) {
        m_audit = std::make_unique<security::AuditLog>(*context.db, context.till);
        if (!m_outbox)
            m_outbox = std::make_unique<sync::Outbox>(*context.db, *context.client);
        m_refunds = std::make_unique<refunds::RefundRequestService>(*context.db, *m_outbox, *m_audit);
        refundService = m_refunds.get();
    }
    if (refundService) {
        auto *refundsPage = new RefundsPage(context, *refundService);
        m_window->addPage(Section::Refunds, refundsPage);
        connect(m_window.get(), &MainWindow::userChanged, refundsPage, &RefundsPage::setUser);
        transactions->setRefundsEnabled(true);
        connect(transactions, &TransactionsPage::refundRequested, refundsPage,
                [this, refundsPage](const QString &paymentIntentId) {
                    m_window->showSection(Section::Refunds);
                    refundsPage->openRequestDialog(paymentIntentId);
                });
        if (context.poller)
            connect(context.poller, &sync::EventPoller::batchApplied, refundsPage,
                    [refundsPage](int, int applied, qint64) {
                        if (applied > 0)
                            refundsPage->refresh();
                    });
    }
    // Saved payment methods change at Stripe: without a key the Customers page is read-only.
    if (context.client) {
        if (!m_audit)
            m_audit = std::make_unique<security::AuditLog>(*context.db, context.till);
        customers::SavedMethodService::Options methodOptions;
        methodOptions.testMode = context.testMode;
        methodOptions.checkoutSuccessUrl = m_sales->options().checkoutSuccessUrl;
        m_savedMethods = std::make_unique<customers::SavedMethodService>(*context.db, *context.client,
                                                                         *m_outbox, *m_audit, methodOptions);
    }
    auto *customersPage = new CustomersPage(*context.db, m_savedMethods.get());
    m_window->addPage(Section::Customers, customersPage);
    connect(m_window.get(), &MainWindow::userChanged, customersPage, &CustomersPage::setUser);
    if (context.poller)
        connect(context.poller, &sync::EventPoller::batchApplied, customersPage,
                [customersPage](int, int applied, qint64) {
                    if (applied > 0)
                        customersPage->refresh();
                });
    auto *reportsPage = new ReportsPage(context);
    m_window->addPage(Section::Reports, reportsPage);
    connect(m_window.get(), &MainWindow::userChanged, reportsPage, &ReportsPage::setUser);
    if (context.poller)
        connect(context.poller, &sync::EventPoller::batchApplied, reportsPage,
                [reportsPage](int, int applied, qint64) {
                    // Only while on screen: the page computes afresh whenever it is shown.
                    if (applied > 0 && reportsPage->isVisible())
                        reportsPage->refresh();
                });
    SettingsPage::Options settingsOptions;
    if (m_demo) {
        // The demo's key lives in this process only; the Keys tab shows it masked like a kept one.
        m_demoSecrets = std::make_unique<security::MemorySecretStore>();
        m_demoSecrets->write({m_options.profile, security::SecretKind::StripeSecretKey},
                             DemoSession::apiKey(), this, [](const security::SecretError &) {});
    } else {
        settingsOptions.localConfigPath = LocalConfig::defaultPath(m_options.dataDir);
    }
    settingsOptions.secrets =
        m_demo ? static_cast<security::SecretStore *>(m_demoSecrets.get()) : m_secrets.get();
    settingsOptions.profile = m_options.profile;
    auto *settingsPage = new SettingsPage(context, settingsOptions);
    m_window->addPage(Section::Settings, settingsPage);
    connect(m_window.get(), &MainWindow::userChanged, settingsPage, &SettingsPage::setUser);
    if (!m_demo)
        connect(settingsPage, &SettingsPage::webhookChanged, this, &ConsoleApp::restartWebhooks);
    m_window->resize(1280, 760);
    m_window->show();
    m_splash.reset();
    if (!m_startupNotes.isEmpty())
        addNotice(m_window.get(), m_startupNotes.join(u' '), u"startupNotice"_s);
    if (!m_options.screenshotDir.isEmpty())
        QTimer::singleShot(500, this, &ConsoleApp::takeScreenshots);
}

void ConsoleApp::recoverAtStartup()
{
    // What a crash or a lost reply left: money calls without a final answer (unfinished sales among
    // them), then approved refunds that never reached Stripe. Stripe replays the first answer of a
    // request sent again with its key, so nothing is charged or refunded twice.
    if (!m_outbox || m_demo)
        return;
    QString error;
    const int unfinishedSales = int(m_sales ? m_sales->unfinishedOrders(&error).size() : 0);
    m_outbox->recover([this, unfinishedSales](const sync::RecoveryReport &report) {
        QStringList done;
        if (report.claimed > 0) {
            done << u"Sent again what Stripe had not answered when Kassa stopped: %1 request(s), %2 of them "
                    "unfinished sale(s), with their first keys, so nothing is charged twice: %3 done, %4 "
                    "failed, %5 still waiting."_s.arg(report.claimed)
                        .arg(unfinishedSales)
                        .arg(report.done)
                        .arg(report.failed)
                        .arg(report.stillPending);
        }
        if (!report.storeError.isEmpty())
            done << u"The outbox could not be read: "_s + report.storeError;
        if (!m_refunds)
            return showRecoveryNotice(done);
        m_refunds->resume([this, done](int sent) mutable {
            if (sent > 0)
                done << u"Sent %1 approved refund(s) that had not reached Stripe."_s.arg(sent);
            showRecoveryNotice(done);
        });
    });
}

void ConsoleApp::showRecoveryNotice(const QStringList &done)
{
    m_recoveryNotice = done.join(u' ');
    if (!m_recoveryNotice.isEmpty()) {
        qInfo("kassa: at start-up: %s", qUtf8Printable(m_recoveryNotice));
        if (m_window)
            addNotice(m_window.get(), u"Recovered at start-up: "_s + m_recoveryNotice, u"recoveryNotice"_s);
        if (m_window)
            m_window->consoleStatusBar()->refreshOutbox();
    }
    emit recoveryFinished(m_recoveryNotice);
}

void ConsoleApp::takeScreenshots()
{
    // The log-in screen as it is; then, after a real log-in by PIN as the owner (who sees every section),
    // each page in navigation order, staged the way a person would find it.
    QDir dir(m_options.screenshotDir);
    dir.mkpath(u"."_s);
    if (!m_window->grab().save(dir.filePath(u"login.png"_s)))
        return stop(u"cannot write "_s + dir.filePath(u"login.png"_s), 1);
    QString pin;
    for (const DemoUser &user : DemoSession::users()) {
        if (user.role == Role::Owner)
            pin = user.pin;
    }
    if (!m_options.demo || pin.isEmpty()) {
        emit exitRequested(0);
        return;
    }
    connect(
        m_window.get(), &MainWindow::userChanged, this,
        [this, dir] {
            m_screenshotQueue = m_window->visibleSections();
            QTimer::singleShot(800, this, [this, dir] { takeNextScreenshot(dir.path()); });
        },
        Qt::SingleShotConnection);
    LoginScreen *login = m_window->loginScreen();
    login->selectUser(u"olga"_s);
    login->pinField()->setText(pin);
    QKeyEvent enter(QEvent::KeyPress, Qt::Key_Return, Qt::NoModifier);
    QApplication::sendEvent(login->pinField(), &enter);
}

void ConsoleApp::takeNextScreenshot(const QString &dir)
{
    if (m_screenshotQueue.isEmpty()) {
        emit exitRequested(0);
        return;
    }
    const Section section = m_screenshotQueue.takeFirst();
    m_window->showSection(section);
    stageScreenshot(section);
    QTimer::singleShot(1200, this, [this, dir, section] {
        // "transactions.png"; the first page after the log-in is also the README's main.png.
        QStringList names{sectionTitle(section).toLower().replace(u' ', u'-') + u".png"_s};
        if (section == Section::Transactions)
            names.append(u"main.png"_s);
        for (const QString &name : names) {
            const QString path = QDir(dir).filePath(name);
            if (!m_window->grab().save(path))
                return stop(u"cannot write "_s + path, 1);
        }
        takeNextScreenshot(dir);
    });
}

void ConsoleApp::stageScreenshot(Section section)
{
    switch (section) {
    case Section::Sale:
        // An amount typed on the keyboard, as a cashier sees it before paying.
        if (auto *page = qobject_cast<SalePage *>(m_window->page(Section::Sale))) {
            for (const int key : {Qt::Key_1, Qt::Key_2, Qt::Key_5, Qt::Key_0}) {
                QKeyEvent digit(QEvent::KeyPress, key, Qt::NoModifier,
                                QString(QChar(u'0' + (key - Qt::Key_0))));
                QApplication::sendEvent(page->amountDisplay(), &digit);
            }
            page->descriptionField()->setText(u"Order 1042: coffee beans"_s);
        }
        break;
    case Section::Refunds:
        // The approval queue as a manager finds it, with the demo's request picked.
        if (auto *page = qobject_cast<RefundsPage *>(m_window->page(Section::Refunds)))
            page->selectPending(m_demo->pendingRefundRequestId());
        break;
    case Section::Transactions:
    case Section::Customers:
    case Section::Reports:
    case Section::Settings:
        break;
    }
}

} // namespace kassa::gui
