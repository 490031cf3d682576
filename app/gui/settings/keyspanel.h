// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "services/security/actinguser.h"
#include "services/security/keyservice.h"

#include <QWidget>

#include <array>

class QLabel;
class QLineEdit;
class QPushButton;

namespace kassa::gui {

class KeyEntryWidget;

// The profile's Stripe secret key, publishable key and webhook secret: what is stored (masked), a field
// to store a new one (the secret key is checked at Stripe first), a check at Stripe for the secret key,
// and removal. Everything through KeyService, which refuses anybody without ManageKeys.
class KeysPanel : public QWidget
{
    Q_OBJECT
public:
    KeysPanel(security::KeyService &keys, QWidget *parent = nullptr);

    void setUser(const security::ActingUser &user);
    // Reads what is stored again (masked).
    void refresh();
    // Empties every entry field.
    void clearEntries();

    // The three Stripe kinds (secret, publishable, webhook secret); a database password has no row.
    KeyEntryWidget *entry(security::SecretKind kind) const { return row(kind).entry; }
    QLabel *storedLabel(security::SecretKind kind) const { return row(kind).stored; }
    QPushButton *saveButton(security::SecretKind kind) const { return row(kind).save; }
    QPushButton *removeButton(security::SecretKind kind) const { return row(kind).remove; }
    QPushButton *checkButton() const { return m_check; }
    QLabel *messageLabel() const { return m_message; }
    QString message() const;
    // Calls under way (the keychain or Stripe has not answered yet).
    int busy() const { return m_busy; }

signals:
    // The webhook secret was kept or removed: the console's receiver checks with the one kept now.
    void webhookSecretChanged();

private:
    struct Row
    {
        QLabel *stored = nullptr;
        KeyEntryWidget *entry = nullptr;
        QPushButton *save = nullptr;
        QPushButton *remove = nullptr;
    };

    static constexpr std::array<security::SecretKind, 3> Kinds{security::SecretKind::StripeSecretKey,
                                                               security::SecretKind::StripePublishableKey,
                                                               security::SecretKind::WebhookSecret};
    const Row &row(security::SecretKind kind) const;
    void save(security::SecretKind kind);
    void removeKey(security::SecretKind kind);
    void checkSecretKey();
    void showStored(const security::KeyService::Outcome &outcome);
    void setMessage(const QString &text, bool error);
    void finished();

    security::KeyService &m_keys;
    security::ActingUser m_user;
    std::array<Row, 3> m_rows;
    QPushButton *m_check;
    QLabel *m_message;
    int m_busy = 0;
};

// The webhook: where this till's receiver listens (a shop setting), the endpoint registered at Stripe
// (KeyService::registerWebhook, whose secret goes to the keychain) and that secret, masked.
class WebhookPanel : public QWidget
{
    Q_OBJECT
public:
    WebhookPanel(const ConsoleContext &context, security::KeyService &keys, QWidget *parent = nullptr);

    void setUser(const security::ActingUser &user);
    void refresh();

    QLineEdit *listenField() const { return m_listen; }
    QPushButton *saveListenButton() const { return m_saveListen; }
    QLineEdit *urlField() const { return m_url; }
    QPushButton *registerButton() const { return m_register; }
    QLabel *endpointLabel() const { return m_endpoint; }
    QLabel *secretLabel() const { return m_secret; }
    QString message() const;
    int busy() const { return m_busy; }

signals:
    // The listen address was saved or an endpoint's secret kept: the console's receiver starts again
    // as configured now.
    void webhookChanged();

private:
    void saveListen();
    void registerEndpoint();
    void setMessage(const QString &text, bool error);

    ConsoleContext m_context;
    security::KeyService &m_keys;
    security::ActingUser m_user;
    QLineEdit *m_listen;
    QPushButton *m_saveListen;
    QLineEdit *m_url;
    QPushButton *m_register;
    QLabel *m_endpoint;
    QLabel *m_secret;
    QLabel *m_message;
    int m_busy = 0;
};

} // namespace kassa::gui
