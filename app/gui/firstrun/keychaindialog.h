// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/secretstore.h"

#include <QDialog>
#include <QUrl>

#include <memory>

class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;
class QWidget;

namespace kassa::stripe {
class StripeClient;
}

namespace kassa::gui {

// At start-up, when the Stripe key cannot be read because there is no keychain or it is locked: says so,
// and offers to try again (after unlocking it), to enter the key for this session only (checked with
// Stripe first; kept in memory until Kassa closes), or to go on without Stripe (the records only: no
// sales, no refunds).
class KeychainDialog : public QDialog
{
    Q_OBJECT
public:
    enum Choice { Retry = 1, SessionKey, WithoutStripe };

    KeychainDialog(const security::SecretError &error, const QUrl &apiBase, QWidget *parent = nullptr);
    ~KeychainDialog() override;

    // After SessionKey: the key Stripe accepted.
    QString sessionKey() const { return m_sessionKey; }

    QPushButton *retryButton() const { return m_retry; }
    QPushButton *sessionButton() const { return m_session; }
    QPushButton *withoutButton() const { return m_without; }
    QLineEdit *keyField() const { return m_key; }
    QPushButton *useKeyButton() const { return m_useKey; }
    QLabel *keyResult() const { return m_result; }

private:
    void checkKey();

    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<stripe::StripeClient> m_client;
    QPushButton *m_retry;
    QPushButton *m_session;
    QPushButton *m_without;
    QWidget *m_keyBox;
    QLineEdit *m_key;
    QPushButton *m_useKey;
    QLabel *m_result;
    QString m_sessionKey;
};

} // namespace kassa::gui
