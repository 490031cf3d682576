// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/keypage.h"

#include "services/security/sessionsecretstore.h"
#include "services/security/stripekey.h"
#include "services/security/stripekeycheck.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace kassa::gui::firstrun {

KeyPage::KeyPage(const FirstRunEnvironment &environment)
    : m_environment(environment)
{
    setTitle(u"Your Stripe key"_s);
    setSubTitle(u"Kassa talks to Stripe with your account's secret key. Find it in the Stripe "
                "Dashboard under Developers, API keys."_s);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(wrapped(u"A test key (sk_test_…) lets you try every payment with test cards: "
                              "no money moves, and Kassa shows TEST MODE. A live key (sk_live_…) takes "
                              "real payments. A restricted key (rk_…) works too."_s,
                              this));
    m_key = new QLineEdit(this);
    m_key->setObjectName(u"stripeKey"_s);
    m_key->setAccessibleName(u"Stripe secret key"_s);
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(u"sk_test_… or sk_live_…"_s);
    auto *row = new QHBoxLayout;
    row->addWidget(m_key, 1);
    m_show = new QCheckBox(u"Show"_s, this);
    m_show->setAccessibleName(u"Show the key"_s);
    row->addWidget(m_show);
    layout->addLayout(row);
    m_result = wrapped(QString(), this);
    m_result->setObjectName(u"keyResult"_s);
    m_result->hide();
    layout->addWidget(m_result);

    m_keychainBox = new QWidget(this);
    auto *keychain = new QVBoxLayout(m_keychainBox);
    keychain->setContentsMargins(0, 12, 0, 0);
    m_keychainText = wrapped(QString(), m_keychainBox);
    m_keychainText->setObjectName(u"keychainProblem"_s);
    m_keychainText->setStyleSheet(u"color: #8a5300;"_s);
    keychain->addWidget(m_keychainText);
    auto *choices = new QHBoxLayout;
    m_retry = new QPushButton(u"Try the keychain again"_s, m_keychainBox);
    m_retry->setObjectName(u"keychainRetry"_s);
    choices->addWidget(m_retry);
    choices->addStretch();
    keychain->addLayout(choices);
    m_sessionOnly = new QCheckBox(u"Keep the key for this session only"_s, m_keychainBox);
    m_sessionOnly->setObjectName(u"sessionOnly"_s);
    m_sessionOnly->setAccessibleName(u"Keep the key for this session only"_s);
    keychain->addWidget(m_sessionOnly);
    keychain->addWidget(wrapped(u"The key then stays in Kassa's memory until Kassa closes and is never "
                                "written to disk. At the next start Kassa asks for it again, unless "
                                "the keychain works by then (store it with kassa-cli keys set)."_s,
                                m_keychainBox));
    m_keychainBox->hide();
    layout->addWidget(m_keychainBox);
    layout->addStretch();

    connect(m_show, &QCheckBox::toggled, this,
            [this](bool on) { m_key->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password); });
    connect(m_key, &QLineEdit::textChanged, this, [this] {
        m_checked.clear();
        showMessage(m_result, QString(), false);
        emit completeChanged();
    });
    connect(m_sessionOnly, &QCheckBox::toggled, this, [this] { emit completeChanged(); });
    connect(m_retry, &QPushButton::clicked, this, [this] { probeKeychain(); });
}

int KeyPage::nextId() const
{
    const FirstRunWizard *wizard = firstRun();
    return wizard && wizard->joinedExistingStore() ? FirstRunWizard::FinishPageId
                                                   : FirstRunWizard::EventsPageId;
}

bool KeyPage::isComplete() const
{
    return !m_checking && !m_probing && !m_key->text().trimmed().isEmpty() &&
           (m_keychainWorks || m_sessionOnly->isChecked());
}

bool KeyPage::validatePage()
{
    const security::StripeKey key = security::StripeKey::parse(m_key->text());
    if (!key.isValid()) {
        showMessage(m_result, u"This is not a Stripe key: "_s + key.error(), true);
        return false;
    }
    if (!key.isServerKey()) {
        showMessage(m_result,
                    u"This is a %1. Kassa needs the secret key (sk_test_… or sk_live_…) or a "
                    "restricted key (rk_…)."_s.arg(security::StripeKey::typeName(key.type())),
                    true);
        return false;
    }
    const bool sessionOnly = !m_keychainWorks && m_sessionOnly->isChecked();
    if (m_checked == key.value()) {
        firstRun()->setCheckedKey(key.value(), sessionOnly);
        return true;
    }
    // Next asks Stripe first and goes on by itself when Stripe takes the key.
    m_checking = true;
    emit completeChanged();
    showMessage(m_result, u"Asking Stripe about %1…"_s.arg(key.masked()), false);
    security::StripeKeyCheck::run(
        firstRun()->client(), key, this, [this](const security::StripeKeyCheck::Result &result) {
            m_checking = false;
            emit completeChanged();
            if (!result.accepted) {
                showMessage(m_result, refusal(result.error), true);
                return;
            }
            m_checked = result.key.value();
            showMessage(m_result,
                        u"Stripe accepts this %1 %2 (%3)."_s.arg(
                            security::StripeKey::modeName(result.key.mode()),
                            security::StripeKey::typeName(result.key.type()), result.key.masked()),
                        false);
            wizard()->next();
        });
    return false;
}

QString KeyPage::refusal(const stripe::StripeError &error)
{
    switch (error.kind) {
    case stripe::StripeError::Kind::Authentication:
        return u"Stripe does not accept this key: %1\nCopy it again from the Stripe Dashboard "
               "(Developers, API keys); a key that was rolled no longer works."_s.arg(error.message);
    case stripe::StripeError::Kind::Connection:
        return u"Kassa cannot reach Stripe: %1\nCheck the network connection, then press Next "
               "again."_s.arg(error.message);
    default:
        return u"Stripe refused the key: "_s + error.toString();
    }
}

void KeyPage::probeKeychain()
{
    m_probing = true;
    emit completeChanged();
    m_retry->setEnabled(false);
    // A read tells whether the keychain answers at all; NotFound is the normal answer on a first run.
    m_environment.secrets->read({m_environment.profile, security::SecretKind::StripeSecretKey}, this,
                                [this](const security::SecretResult &result) {
                                    m_probing = false;
                                    m_retry->setEnabled(true);
                                    m_keychainWorks = !result.error.allowsSessionOnly();
                                    m_keychainBox->setVisible(!m_keychainWorks);
                                    if (!m_keychainWorks)
                                        m_keychainText->setText(
                                            u"Kassa cannot keep the key in the keychain: "_s +
                                            result.error.message +
                                            (result.error.message.endsWith(u'.') ? QString() : u"."_s));
                                    emit completeChanged();
                                });
}

} // namespace kassa::gui::firstrun
