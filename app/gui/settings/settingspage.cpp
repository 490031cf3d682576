// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/settings/settingspage.h"

#include "app/gui/settings/keyspanel.h"
#include "app/gui/settings/shoppanel.h"
#include "app/gui/settings/userspanel.h"
#include "services/security/auditlog.h"
#include "services/security/keyservice.h"
#include "services/stripe/stripeclient.h"

#include <QHideEvent>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// The tabs and the permission each needs; the page shows a tab only to roles that have it.
enum Tab { KeysTab, WebhookTab, ShopTab, UsersTab };

Permission tabPermission(int tab)
{
    switch (tab) {
    case KeysTab:
    case WebhookTab:
        return Permission::ManageKeys;
    case UsersTab:
        return Permission::ManageUsers;
    default:
        return Permission::ManageSettings;
    }
}

} // namespace

SettingsPage::SettingsPage(const ConsoleContext &context, const Options &options, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_tabs(new QTabWidget(this))
    , m_shop(new ShopPanel(context, options.localConfigPath, this))
    , m_users(new UsersPanel(context, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(u"<h2>Settings</h2>"_s, this));
    m_tabs->setAccessibleName(u"Settings sections"_s);
    layout->addWidget(m_tabs, 1);

    QWidget *keysTab = nullptr;
    QWidget *webhookTab = nullptr;
    if (options.secrets) {
        m_network = std::make_unique<QNetworkAccessManager>();
        stripe::StripeClient::Options clientOptions;
        if (context.client)
            clientOptions.apiBase = context.client->apiBase();
        else if (const QString base = qEnvironmentVariable("KASSA_API_BASE"); !base.isEmpty())
            clientOptions.apiBase = QUrl(base);
        m_checker = std::make_unique<stripe::StripeClient>(*m_network, clientOptions);
        store::Database *db = context.db;
        const QString till = context.till;
        m_keyService = std::make_unique<security::KeyService>(
            *options.secrets, m_checker.get(), options.profile, security::KeyService::Gate::RequireManageKeys,
            [db, till](const security::ActingUser &actor, const QString &action, const QStringList &ids,
                       const QJsonObject &details) {
                // The change is made by then (the keychain took it); a log that refuses it is reported
                // in the log output, the key stays.
                if (const store::StoreError error =
                        security::AuditLog(*db, till).record(actor, action, ids, details);
                    error.isError())
                    qWarning("kassa: the audit log did not take %s: %s", qUtf8Printable(action),
                             qUtf8Printable(error.toString()));
            });
        m_keys = new KeysPanel(*m_keyService, this);
        m_webhook = new WebhookPanel(context, *m_keyService, this);
        connect(m_keys, &KeysPanel::webhookSecretChanged, this, &SettingsPage::webhookChanged);
        connect(m_webhook, &WebhookPanel::webhookChanged, this, &SettingsPage::webhookChanged);
        keysTab = m_keys;
        webhookTab = m_webhook;
    } else {
        auto *none = new QLabel(u"Kassa has no keychain in this session: keys cannot be shown or changed "
                                "here. Use kassa-cli keys on a machine with a Secret Service."_s,
                                this);
        none->setWordWrap(true);
        none->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        keysTab = none;
        webhookTab = new QLabel(none->text(), this);
    }
    m_tabs->insertTab(KeysTab, keysTab, u"&Keys"_s);
    m_tabs->insertTab(WebhookTab, webhookTab, u"&Webhook"_s);
    m_tabs->insertTab(ShopTab, m_shop, u"S&hop"_s);
    m_tabs->insertTab(UsersTab, m_users, u"&Users"_s);
    setUser({});
}

SettingsPage::~SettingsPage()
{
    // The panels' callbacks hold the key service; they go first.
    delete m_tabs;
    m_tabs = nullptr;
}

QStringList SettingsPage::visibleTabs() const
{
    QStringList titles;
    for (int tab = 0; tab < m_tabs->count(); ++tab) {
        if (m_tabs->isTabVisible(tab))
            titles << m_tabs->tabText(tab).remove(u'&');
    }
    return titles;
}

void SettingsPage::setUser(const security::ActingUser &user)
{
    m_user = user;
    int first = -1;
    for (int tab = 0; tab < m_tabs->count(); ++tab) {
        const bool may = user.isValid() && allows(user.role, tabPermission(tab));
        m_tabs->setTabVisible(tab, may);
        if (may && first < 0)
            first = tab;
    }
    if (first >= 0 && !m_tabs->isTabVisible(m_tabs->currentIndex()))
        m_tabs->setCurrentIndex(first);
    // Each panel loads only what its permission lets it, and forgets what the previous user typed.
    if (m_keys)
        m_keys->setUser(user);
    if (m_webhook)
        m_webhook->setUser(user);
    m_shop->setUser(user);
    m_users->setUser(user);
}

void SettingsPage::hideEvent(QHideEvent *event)
{
    // The till locked or another page was chosen: nothing typed stays behind.
    if (m_keys)
        m_keys->clearEntries();
    m_users->closeDialog();
    QWidget::hideEvent(event);
}

} // namespace kassa::gui
