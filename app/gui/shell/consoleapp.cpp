// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/consoleapp.h"

#include "app/gui/demo/demosession.h"
#include "app/gui/pages/refundspage.h"
#include "app/gui/pages/salepage.h"
#include "app/gui/pages/transactionspage.h"
#include "app/gui/settings/settingspage.h"
#include "app/gui/shell/localconfig.h"
#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "services/refunds/refundrequestservice.h"
#include "services/sale/saleservice.h"
#include "services/security/auditlog.h"
#include "services/security/keychainsecretstore.h"
#include "services/security/memorysecretstore.h"
#include "services/security/settingsservice.h"
#include "services/security/stripekey.h"
#include "services/security/userservice.h"
#include "services/store/database.h"
#include "services/store/migrations.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/eventpoller.h"
#include "services/sync/eventprocessor.h"
#include "services/sync/outbox.h"
#include "sim/simulator.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QSysInfo>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int DemoPollIntervalMs = 10'000;

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
    // of them the client.
    m_window.reset();
    m_sales.reset();
    m_refunds.reset();
    m_outbox.reset();
    m_audit.reset();
    m_poller.reset();
    m_processor.reset();
    m_client.reset();
    m_network.reset();
    m_db.reset();
    m_demo.reset();
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
    m_secrets = std::make_unique<security::KeychainSecretStore>();
    // Settings can name this till's database for the next start; --database still wins.
    if (m_options.databaseUrl.isEmpty())
        m_options.databaseUrl = LocalConfig(LocalConfig::defaultPath(m_options.dataDir)).databaseUrl();
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
    if (!hasUsers.value()) {
        // The first-run wizard is not built yet; say what works today instead of an empty log-in.
        return stop(
            u"The store %1 has no users yet. Create the owner with\n\n    kassa-cli users add NAME --role "
            "owner\n\n(and add the Stripe key with kassa-cli keys set), or try the console with "
            "kassa --demo."_s.arg(m_config.toDisplayString()),
            1);
    }
    readKey();
}

void ConsoleApp::readKey()
{
    showSplash(u"Reading the Stripe key from the keychain…"_s);
    m_secrets->read({m_options.profile, security::SecretKind::StripeSecretKey}, this,
                    [this](const security::SecretResult &result) {
                        ConsoleContext context;
                        context.db = m_db.get();
                        context.databaseConfig = m_config;
                        context.till = tillId();
                        const QString key = qEnvironmentVariable("KASSA_STRIPE_API_KEY", result.value);
                        if (!key.isEmpty()) {
                            m_network = std::make_unique<QNetworkAccessManager>();
                            m_client = std::make_unique<stripe::StripeClient>(*m_network);
                            const QString apiBase = qEnvironmentVariable("KASSA_API_BASE");
                            if (!apiBase.isEmpty())
                                m_client->setApiBase(QUrl(apiBase));
                            m_client->setApiKey(key);
                            m_processor = std::make_unique<sync::EventProcessor>(*m_db, m_client.get());
                            m_poller = std::make_unique<sync::EventPoller>(*m_db, *m_client, *m_processor,
                                                                           pollOptions(*m_db));
                            context.client = m_client.get();
                            context.poller = m_poller.get();
                            context.testMode = !security::StripeKey::parse(key).isLive();
                            context.stripeDescription = m_client->apiBase().host();
                        }
                        openWindow(context);
                        if (m_poller)
                            m_poller->start();
                    });
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
    }
    auto *transactions = new TransactionsPage(*context.db);
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
    SettingsPage::Options settingsOptions;
    if (m_demo) {
        // The demo's key lives in this process only; the Keys tab shows it masked like a kept one.
        m_secrets = std::make_unique<security::MemorySecretStore>();
        m_secrets->write({m_options.profile, security::SecretKind::StripeSecretKey}, DemoSession::apiKey(),
                         this, [](const security::SecretError &) {});
    } else {
        settingsOptions.localConfigPath = LocalConfig::defaultPath(m_options.dataDir);
    }
    settingsOptions.secrets = m_secrets.get();
    settingsOptions.profile = m_options.profile;
    auto *settingsPage = new SettingsPage(context, settingsOptions);
    m_window->addPage(Section::Settings, settingsPage);
    connect(m_window.get(), &MainWindow::userChanged, settingsPage, &SettingsPage::setUser);
    m_window->resize(1280, 760);
    m_window->show();
    m_splash.reset();
    if (!m_options.screenshotDir.isEmpty())
        QTimer::singleShot(500, this, &ConsoleApp::takeScreenshots);
}

void ConsoleApp::takeScreenshots()
{
    // The log-in screen as it is, then a manager's first screen after a real log-in by PIN, then the
    // Refunds page with the demo's pending request.
    QDir dir(m_options.screenshotDir);
    dir.mkpath(u"."_s);
    if (!m_window->grab().save(dir.filePath(u"login.png"_s)))
        return stop(u"cannot write "_s + dir.filePath(u"login.png"_s), 1);
    QString pin;
    for (const DemoUser &user : DemoSession::users()) {
        if (user.role == Role::Manager)
            pin = user.pin;
    }
    if (!m_options.demo || pin.isEmpty()) {
        emit exitRequested(0);
        return;
    }
    connect(m_window.get(), &MainWindow::userChanged, this, [this, dir] {
        QTimer::singleShot(800, this, [this, dir] {
            if (!m_window->grab().save(dir.filePath(u"main.png"_s)))
                return stop(u"cannot write "_s + dir.filePath(u"main.png"_s), 1);
            takeRefundsScreenshot(dir.path());
        });
    });
    LoginScreen *login = m_window->loginScreen();
    login->selectUser(u"max"_s);
    login->pinField()->setText(pin);
    QKeyEvent enter(QEvent::KeyPress, Qt::Key_Return, Qt::NoModifier);
    QApplication::sendEvent(login->pinField(), &enter);
}

void ConsoleApp::takeSaleScreenshot(const QString &dir)
{
    // The Sale page with an amount typed on the keyboard, as a cashier sees it before paying.
    auto *page = qobject_cast<SalePage *>(m_window->page(Section::Sale));
    if (!page) {
        emit exitRequested(0);
        return;
    }
    m_window->showSection(Section::Sale);
    for (const int key : {Qt::Key_1, Qt::Key_2, Qt::Key_5, Qt::Key_0}) {
        QKeyEvent digit(QEvent::KeyPress, key, Qt::NoModifier, QString(QChar(u'0' + (key - Qt::Key_0))));
        QApplication::sendEvent(page->amountDisplay(), &digit);
    }
    page->descriptionField()->setText(u"Order 1042: coffee beans"_s);
    QTimer::singleShot(1500, this, [this, dir] {
        const QString path = QDir(dir).filePath(u"sale.png"_s);
        const bool saved = m_window->grab().save(path);
        if (!saved)
            qCritical("kassa: cannot write %s", qUtf8Printable(path));
        emit exitRequested(saved ? 0 : 1);
    });
}

void ConsoleApp::takeRefundsScreenshot(const QString &dir)
{
    // The approval queue as the manager finds it, with the demo's request picked; then the Sale page.
    auto *refundsPage = qobject_cast<RefundsPage *>(m_window->page(Section::Refunds));
    if (!refundsPage)
        return takeSaleScreenshot(dir);
    m_window->showSection(Section::Refunds);
    refundsPage->selectPending(m_demo->pendingRefundRequestId());
    QTimer::singleShot(500, this, [this, dir] {
        const QString path = QDir(dir).filePath(u"refunds.png"_s);
        if (!m_window->grab().save(path))
            return stop(u"cannot write "_s + path, 1);
        takeSaleScreenshot(dir);
    });
}

} // namespace kassa::gui
