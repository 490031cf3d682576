// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/settings/keyentrywidget.h"

#include "services/security/keyservice.h"

#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

using security::KeyService;
using security::SecretKind;
using security::StripeKey;

namespace {

QString placeholderFor(SecretKind kind)
{
    switch (kind) {
    case SecretKind::StripeSecretKey:
        return u"sk_test_… or rk_test_… (live: sk_live_…)"_s;
    case SecretKind::StripePublishableKey:
        return u"pk_test_… or pk_live_…"_s;
    case SecretKind::WebhookSecret:
        return u"whsec_…"_s;
    case SecretKind::DatabasePassword:
        break;
    }
    return u"password"_s;
}

} // namespace

KeyEntryWidget::KeyEntryWidget(SecretKind kind, QWidget *parent)
    : QWidget(parent)
    , m_kind(kind)
    , m_field(new QLineEdit(this))
    , m_hint(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_field->setEchoMode(QLineEdit::Password);
    // Nothing typed here is offered to input methods' dictionaries or their suggestion lists.
    m_field->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_field->setPlaceholderText(placeholderFor(kind));
    m_field->setAccessibleName(u"New "_s + security::secretKindLabel(kind));
    m_field->setMinimumHeight(36);
    m_hint->setAccessibleName(security::secretKindLabel(kind) + u" entered"_s);
    m_hint->setWordWrap(true);
    layout->addWidget(m_field);
    layout->addWidget(m_hint);
    connect(m_field, &QLineEdit::textChanged, this, [this] {
        updateHint();
        emit changed();
    });
    connect(m_field, &QLineEdit::returnPressed, this, [this] {
        if (isAcceptable())
            emit submitted();
    });
    updateHint();
}

QString KeyEntryWidget::secret() const
{
    return m_field->text().trimmed();
}

bool KeyEntryWidget::isAcceptable() const
{
    StripeKey key;
    return !secret().isEmpty() && KeyService::formatProblem(m_kind, secret(), &key).isEmpty();
}

QString KeyEntryWidget::hintText() const
{
    if (secret().isEmpty())
        return {};
    StripeKey key;
    if (const QString why = KeyService::formatProblem(m_kind, secret(), &key); !why.isEmpty())
        return why;
    if (m_kind == SecretKind::DatabasePassword)
        return u"%1 characters"_s.arg(secret().size());
    const QString mode =
        key.mode() == StripeKey::Mode::Unknown ? QString() : StripeKey::modeName(key.mode()) + u' ';
    return mode + StripeKey::typeName(key.type()) + u' ' + key.masked();
}

void KeyEntryWidget::clear()
{
    m_field->clear();
}

void KeyEntryWidget::updateHint()
{
    const QString text = hintText();
    m_hint->setText(text);
    m_hint->setVisible(!text.isEmpty());
    m_hint->setStyleSheet(isAcceptable() || text.isEmpty() ? u"color: palette(mid);"_s
                                                           : u"color: #b00020;"_s);
}

} // namespace kassa::gui
