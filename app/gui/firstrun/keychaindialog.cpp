// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/keychaindialog.h"

#include "services/security/stripekey.h"
#include "services/security/stripekeycheck.h"
#include "services/stripe/stripeclient.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

KeychainDialog::KeychainDialog(const security::SecretError &error, const QUrl &apiBase, QWidget *parent)
    : QDialog(parent)
    , m_network(std::make_unique<QNetworkAccessManager>())
    , m_client(std::make_unique<stripe::StripeClient>(*m_network))
{
    if (!apiBase.isEmpty())
        m_client->setApiBase(apiBase);
    setWindowTitle(u"Kassa: the keychain"_s);
    auto *layout = new QVBoxLayout(this);
    const QString cause = error.kind == security::SecretError::Kind::Locked
                              ? u"The keychain is locked, so Kassa cannot read your Stripe key."_s
                              : u"There is no keychain on this computer (no Secret Service is running), so "
                                "Kassa cannot read your Stripe key."_s;
    auto *title = new QLabel(u"<h3>%1</h3>"_s.arg(cause.toHtmlEscaped()), this);
    title->setWordWrap(true);
    layout->addWidget(title);
    // The keychain's message, as a sentence of its own.
    QString message = error.message;
    if (!message.isEmpty())
        message[0] = message.at(0).toUpper();
    if (!message.endsWith(u'.'))
        message += u'.';
    auto *detail = new QLabel(message, this);
    detail->setObjectName(u"keychainError"_s);
    detail->setWordWrap(true);
    detail->setTextFormat(Qt::PlainText);
    layout->addWidget(detail);
    auto *choices = new QLabel(
        u"• Try again: after unlocking the keychain (it may ask for your login password).\n"
        "• Enter the key for this session: Kassa keeps it in memory until it closes, never on disk, and "
        "asks again at the next start.\n"
        "• Without Stripe: the records, reports and users work; sales and refunds need the key."_s,
        this);
    choices->setWordWrap(true);
    choices->setTextFormat(Qt::PlainText);
    layout->addWidget(choices);
    layout->addSpacing(8);

    m_keyBox = new QWidget(this);
    auto *keyRow = new QHBoxLayout(m_keyBox);
    keyRow->setContentsMargins(0, 0, 0, 0);
    m_key = new QLineEdit(m_keyBox);
    m_key->setObjectName(u"sessionKey"_s);
    m_key->setAccessibleName(u"Stripe secret key for this session"_s);
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(u"sk_test_… or sk_live_…"_s);
    keyRow->addWidget(m_key, 1);
    m_useKey = new QPushButton(u"Use this key"_s, m_keyBox);
    m_useKey->setObjectName(u"useSessionKey"_s);
    keyRow->addWidget(m_useKey);
    m_keyBox->hide();
    layout->addWidget(m_keyBox);
    m_result = new QLabel(this);
    m_result->setObjectName(u"sessionKeyResult"_s);
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->hide();
    layout->addWidget(m_result);

    auto *buttons = new QHBoxLayout;
    m_retry = new QPushButton(u"Try again"_s, this);
    m_retry->setObjectName(u"keychainRetry"_s);
    m_session = new QPushButton(u"Enter the key for this session…"_s, this);
    m_session->setObjectName(u"keychainSession"_s);
    m_without = new QPushButton(u"Continue without Stripe"_s, this);
    m_without->setObjectName(u"keychainWithout"_s);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_session);
    buttons->addStretch();
    buttons->addWidget(m_without);
    layout->addLayout(buttons);
    m_retry->setDefault(true);

    connect(m_retry, &QPushButton::clicked, this, [this] { done(Retry); });
    connect(m_without, &QPushButton::clicked, this, [this] { done(WithoutStripe); });
    connect(m_session, &QPushButton::clicked, this, [this] {
        m_keyBox->show();
        m_useKey->setDefault(true);
        m_key->setFocus();
    });
    connect(m_useKey, &QPushButton::clicked, this, &KeychainDialog::checkKey);
    connect(m_key, &QLineEdit::returnPressed, this, &KeychainDialog::checkKey);
    setMinimumWidth(560);
}

KeychainDialog::~KeychainDialog() = default;

void KeychainDialog::checkKey()
{
    auto show = [this](const QString &text, bool error) {
        m_result->setText(text);
        m_result->setStyleSheet(error ? u"color: #b00020;"_s : QString());
        m_result->show();
    };
    const security::StripeKey key = security::StripeKey::parse(m_key->text());
    if (!key.isValid())
        return show(u"This is not a Stripe key: "_s + key.error(), true);
    if (!key.isServerKey())
        return show(u"This is a %1; Kassa needs the secret key (sk_…) or a restricted key (rk_…)."_s.arg(
                        security::StripeKey::typeName(key.type())),
                    true);
    m_useKey->setEnabled(false);
    show(u"Asking Stripe about %1…"_s.arg(key.masked()), false);
    security::StripeKeyCheck::run(
        *m_client, key, this, [this, show](const security::StripeKeyCheck::Result &result) {
            m_useKey->setEnabled(true);
            if (!result.accepted)
                return show(u"Stripe does not accept this key: "_s + result.error.message, true);
            m_sessionKey = result.key.value();
            done(SessionKey);
        });
}

} // namespace kassa::gui
