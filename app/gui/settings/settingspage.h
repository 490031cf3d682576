// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "services/security/actinguser.h"

#include <QString>
#include <QWidget>

#include <memory>

class QNetworkAccessManager;
class QTabWidget;

namespace kassa::security {
class KeyService;
class SecretStore;
} // namespace kassa::security

namespace kassa::gui {

class KeysPanel;
class ShopPanel;
class UsersPanel;
class WebhookPanel;

// Settings (issue 6), the owner's page: the profile's Stripe keys (masked, change, check, remove), the
// webhook (listen address, endpoint registered at Stripe, its secret), the shop's settings (refund
// threshold, idle lock, receipt texts, language, polling, the database of the next start) and the users.
// Each tab shows only to a role with its permission (ManageKeys, ManageSettings, ManageUsers); the
// services refuse anybody else as well, whatever the page shows. Nothing secret is ever shown but
// masked, and what is typed into a key or PIN field is cleared as soon as it has been taken, when the
// user changes and when the page is hidden (the till locks).
class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    struct Options
    {
        security::SecretStore *secrets = nullptr; // null: the keys cannot be shown or changed here
        QString profile = QStringLiteral("default");
        // The per-till file in which the next start's database URL is kept (LocalConfig); empty: the
        // database cannot be changed here (the demo keeps its own).
        QString localConfigPath;
    };

    SettingsPage(const ConsoleContext &context, const Options &options, QWidget *parent = nullptr);
    ~SettingsPage() override;

    // Who works at the till now; nobody (invalid) while locked.
    void setUser(const security::ActingUser &user);
    const security::ActingUser &user() const { return m_user; }

    QTabWidget *tabs() const { return m_tabs; }
    KeysPanel *keysPanel() const { return m_keys; }
    WebhookPanel *webhookPanel() const { return m_webhook; }
    ShopPanel *shopPanel() const { return m_shop; }
    UsersPanel *usersPanel() const { return m_users; }
    // The tab titles the current user sees, in order.
    QStringList visibleTabs() const;

signals:
    // Settings > Webhook changed where or with which secret the receiver listens (WebhookPanel).
    void webhookChanged();

protected:
    void hideEvent(QHideEvent *event) override;

private:
    ConsoleContext m_context;
    security::ActingUser m_user;
    // Keys are checked at Stripe with a client of their own: StripeKeyCheck sets the key it checks on
    // its client, and the till's client must go on selling with the key it started with.
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<stripe::StripeClient> m_checker;
    std::unique_ptr<security::KeyService> m_keyService;
    QTabWidget *m_tabs;
    KeysPanel *m_keys = nullptr;
    WebhookPanel *m_webhook = nullptr;
    ShopPanel *m_shop;
    UsersPanel *m_users;
};

} // namespace kassa::gui
