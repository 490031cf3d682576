// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/settings/keyspanel.h"

#include "app/gui/settings/keyentrywidget.h"
#include "services/security/auditlog.h"
#include "services/security/settingsservice.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

using security::KeyService;
using security::SecretKind;
using security::StripeKey;
using Status = KeyService::Outcome::Status;

namespace {

constexpr int ButtonHeight = 40;

QString capitalized(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

QPushButton *button(const QString &text, const QString &accessibleName, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setAccessibleName(accessibleName);
    b->setMinimumHeight(ButtonHeight);
    return b;
}

void styleMessage(QLabel *label, const QString &text, bool error)
{
    label->setText(capitalized(text));
    label->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : u"color: #1b5e20;"_s);
}

// "sk_test_...5678 (test secret key)": the stored form, masked, and what it is.
QString describeStored(const KeyService::Outcome &outcome)
{
    if (outcome.status == Status::NotFound)
        return u"Nothing stored"_s;
    if (outcome.status != Status::Done)
        return capitalized(outcome.message);
    if (outcome.kind == SecretKind::DatabasePassword)
        return u"Stored"_s;
    const StripeKey &key = outcome.key;
    const QString mode =
        key.mode() == StripeKey::Mode::Unknown ? QString() : StripeKey::modeName(key.mode()) + u' ';
    return u"%1  (%2%3)"_s.arg(key.masked(), mode, StripeKey::typeName(key.type()));
}

// A shop setting as text; empty when unset or unreadable.
QString settingText(security::SettingsService &settings, QLatin1StringView key)
{
    const security::SecurityResult<QString> value = settings.value(key);
    return value.ok() ? value.value() : QString();
}

} // namespace

KeysPanel::KeysPanel(KeyService &keys, QWidget *parent)
    : QWidget(parent)
    , m_keys(keys)
    , m_check(button(u"Check with Stripe"_s, u"Check the stored secret key with Stripe"_s, this))
    , m_message(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        u"Keys of profile <b>%1</b> (kept in: %2). They show masked only. A new secret key is checked "
        "with Stripe before it is kept, and the till uses it from its next start."_s.arg(
            keys.profile().toHtmlEscaped(), keys.secrets().backendName().toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Keys message"_s);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    for (size_t index = 0; index < Kinds.size(); ++index) {
        const SecretKind kind = Kinds.at(index);
        const QString label = security::secretKindLabel(kind);
        auto *group = new QGroupBox(capitalized(label), this);
        auto *form = new QFormLayout(group);
        Row &row = m_rows.at(index);
        row.stored = new QLabel(u"…"_s, group);
        row.stored->setAccessibleName(u"Stored "_s + label);
        row.stored->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(u"Stored:"_s, row.stored);
        row.entry = new KeyEntryWidget(kind, group);
        auto *actions = new QHBoxLayout;
        actions->addWidget(row.entry, 1);
        row.save = button(u"Save"_s, u"Save the new "_s + label, group);
        row.save->setEnabled(false);
        actions->addWidget(row.save, 0, Qt::AlignTop);
        if (kind == SecretKind::StripeSecretKey)
            actions->addWidget(m_check, 0, Qt::AlignTop);
        row.remove = button(u"Remove"_s, u"Remove the stored "_s + label, group);
        actions->addWidget(row.remove, 0, Qt::AlignTop);
        form->addRow(u"New:"_s, actions);
        layout->addWidget(group);
        connect(row.entry, &KeyEntryWidget::changed, this,
                [this, kind] { this->row(kind).save->setEnabled(this->row(kind).entry->isAcceptable()); });
        connect(row.entry, &KeyEntryWidget::submitted, this, [this, kind] { save(kind); });
        connect(row.save, &QPushButton::clicked, this, [this, kind] { save(kind); });
        connect(row.remove, &QPushButton::clicked, this, [this, kind] { removeKey(kind); });
    }
    connect(m_check, &QPushButton::clicked, this, &KeysPanel::checkSecretKey);
    layout->addStretch(1);
}

QString KeysPanel::message() const
{
    return m_message->text();
}

void KeysPanel::setMessage(const QString &text, bool error)
{
    styleMessage(m_message, text, error);
}

void KeysPanel::setUser(const security::ActingUser &user)
{
    m_user = user;
    clearEntries();
    setMessage({}, false);
    if (m_user.isValid() && allows(m_user.role, Permission::ManageKeys))
        refresh();
}

const KeysPanel::Row &KeysPanel::row(SecretKind kind) const
{
    for (size_t index = 0; index < Kinds.size(); ++index) {
        if (Kinds.at(index) == kind)
            return m_rows.at(index);
    }
    // Asked for a kind without a row (a database password): the secret key's row stands in.
    return m_rows.at(0);
}

void KeysPanel::clearEntries()
{
    for (const Row &row : std::as_const(m_rows))
        row.entry->clear();
}

void KeysPanel::finished()
{
    --m_busy;
}

void KeysPanel::refresh()
{
    for (const SecretKind kind : Kinds) {
        ++m_busy;
        m_keys.check(m_user, kind, false, this, [this](const KeyService::Outcome &outcome) {
            finished();
            showStored(outcome);
        });
    }
}

void KeysPanel::showStored(const KeyService::Outcome &outcome)
{
    if (outcome.kind == SecretKind::DatabasePassword)
        return;
    const Row &row = this->row(outcome.kind);
    row.stored->setText(describeStored(outcome));
    row.remove->setEnabled(outcome.status != Status::NotFound);
    if (outcome.kind == SecretKind::StripeSecretKey)
        m_check->setEnabled(outcome.ok());
}

void KeysPanel::save(SecretKind kind)
{
    const Row &row = this->row(kind);
    if (!row.entry->isAcceptable())
        return;
    const QString text = row.entry->secret();
    // The text leaves the widget at once: whatever happens next, it is not left in a field.
    row.entry->clear();
    ++m_busy;
    setMessage(kind == SecretKind::StripeSecretKey ? u"Asking Stripe about the key…"_s : u"Saving…"_s, false);
    m_keys.set(m_user, kind, text, this, [this, kind](const KeyService::Outcome &outcome) {
        finished();
        if (!outcome.ok())
            return setMessage(outcome.message, true);
        setMessage(u"%1 %2: %3."_s.arg(capitalized(security::secretKindLabel(outcome.kind)),
                                       outcome.key.masked(), outcome.message),
                   false);
        refresh();
        if (kind == SecretKind::WebhookSecret)
            emit webhookSecretChanged();
    });
}

void KeysPanel::removeKey(SecretKind kind)
{
    ++m_busy;
    m_keys.remove(m_user, kind, this, [this, kind](const KeyService::Outcome &outcome) {
        finished();
        setMessage(outcome.message, !outcome.ok());
        if (!outcome.ok())
            return;
        refresh();
        if (kind == SecretKind::WebhookSecret)
            emit webhookSecretChanged();
    });
}

void KeysPanel::checkSecretKey()
{
    ++m_busy;
    setMessage(u"Asking Stripe about the stored key…"_s, false);
    m_keys.check(m_user, SecretKind::StripeSecretKey, true, this, [this](const KeyService::Outcome &outcome) {
        finished();
        if (!outcome.ok())
            return setMessage(outcome.message, true);
        setMessage(u"The secret key %1 is %2."_s.arg(outcome.key.masked(), outcome.message), false);
    });
}

WebhookPanel::WebhookPanel(const ConsoleContext &context, KeyService &keys, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_keys(keys)
    , m_listen(new QLineEdit(this))
    , m_saveListen(button(u"Save"_s, u"Save the listen address"_s, this))
    , m_url(new QLineEdit(this))
    , m_register(button(u"Register at Stripe"_s, u"Register the webhook endpoint at Stripe"_s, this))
    , m_endpoint(new QLabel(this))
    , m_secret(new QLabel(this))
    , m_message(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        u"The till follows Stripe's events by polling, which needs no public address. A webhook adds "
        "instant updates where Stripe (or <tt>stripe listen --forward-to</tt>) can reach the till."_s,
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Webhook message"_s);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    auto *receiver = new QGroupBox(u"Receiver on this till"_s, this);
    auto *receiverForm = new QFormLayout(receiver);
    m_listen->setAccessibleName(u"Webhook listen address"_s);
    m_listen->setPlaceholderText(u"127.0.0.1:8787"_s);
    m_listen->setMinimumHeight(36);
    auto *listenRow = new QHBoxLayout;
    listenRow->addWidget(m_listen, 1);
    listenRow->addWidget(m_saveListen);
    auto *listenLabel = new QLabel(u"&Listen on:"_s, receiver);
    listenLabel->setBuddy(m_listen);
    receiverForm->addRow(listenLabel, listenRow);
    auto *listenNote =
        new QLabel(u"The console listens there as soon as it is saved (empty: no receiver, polling "
                   "only); kassa-cli webhook serve uses it too."_s,
                   receiver);
    listenNote->setWordWrap(true);
    listenNote->setStyleSheet(u"color: palette(mid);"_s);
    receiverForm->addRow(QString(), listenNote);
    layout->addWidget(receiver);

    auto *endpoint = new QGroupBox(u"Endpoint at Stripe"_s, this);
    auto *endpointForm = new QFormLayout(endpoint);
    m_endpoint->setAccessibleName(u"Registered webhook endpoint"_s);
    m_endpoint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    endpointForm->addRow(u"Registered:"_s, m_endpoint);
    m_url->setAccessibleName(u"Webhook endpoint URL"_s);
    m_url->setPlaceholderText(u"https://till.example.com/webhook"_s);
    m_url->setMinimumHeight(36);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_register);
    auto *urlLabel = new QLabel(u"&URL:"_s, endpoint);
    urlLabel->setBuddy(m_url);
    endpointForm->addRow(urlLabel, urlRow);
    m_secret->setAccessibleName(u"Stored webhook secret"_s);
    endpointForm->addRow(u"Signing secret:"_s, m_secret);
    layout->addWidget(endpoint);
    layout->addStretch(1);

    m_register->setEnabled(false);
    connect(m_url, &QLineEdit::textChanged, this, [this] {
        m_register->setEnabled(m_context.client && !m_url->text().trimmed().isEmpty() && m_busy == 0);
    });
    connect(m_saveListen, &QPushButton::clicked, this, &WebhookPanel::saveListen);
    connect(m_listen, &QLineEdit::returnPressed, this, &WebhookPanel::saveListen);
    connect(m_register, &QPushButton::clicked, this, &WebhookPanel::registerEndpoint);
}

QString WebhookPanel::message() const
{
    return m_message->text();
}

void WebhookPanel::setMessage(const QString &text, bool error)
{
    styleMessage(m_message, text, error);
}

void WebhookPanel::setUser(const security::ActingUser &user)
{
    m_user = user;
    setMessage({}, false);
    if (m_user.isValid() && allows(m_user.role, Permission::ManageKeys))
        refresh();
}

void WebhookPanel::refresh()
{
    security::AuditLog audit(*m_context.db, m_context.till);
    security::SettingsService settings(*m_context.db, audit);
    m_listen->setText(settingText(settings, security::SettingsService::WebhookListenKey));
    const QString url = settingText(settings, security::SettingsService::WebhookEndpointUrlKey);
    const QString id = settingText(settings, security::SettingsService::WebhookEndpointIdKey);
    m_endpoint->setText(url.isEmpty() ? u"None registered from Kassa"_s : u"%1  (%2)"_s.arg(url, id));
    if (!m_context.client)
        m_register->setToolTip(u"Needs a Stripe key"_s);
    ++m_busy;
    m_keys.check(m_user, security::SecretKind::WebhookSecret, false, this,
                 [this](const KeyService::Outcome &outcome) {
                     --m_busy;
                     m_secret->setText(describeStored(outcome));
                 });
}

void WebhookPanel::saveListen()
{
    // An address turns webhooks on for the shop's tills, an empty one off: the events poller goes on
    // either way.
    const QString listen = m_listen->text().trimmed();
    security::AuditLog audit(*m_context.db, m_context.till);
    security::SettingsService settings(*m_context.db, audit);
    security::SecurityError error =
        settings.setValue(m_user, security::SettingsService::WebhookListenKey, listen);
    if (!error.isError())
        error = settings.setValue(m_user, security::SettingsService::EventsSourceKey,
                                  listen.isEmpty() ? u"poll"_s : u"webhook"_s);
    if (error.isError())
        return setMessage(error.message, true);
    setMessage(listen.isEmpty() ? u"Listen address cleared: this till follows Stripe's events by polling."_s
                                : u"Listen address saved: this till listens there now."_s,
               false);
    emit webhookChanged();
}

void WebhookPanel::registerEndpoint()
{
    if (!m_context.client)
        return setMessage(u"registering an endpoint needs a Stripe key"_s, true);
    const QString url = m_url->text().trimmed();
    ++m_busy;
    m_register->setEnabled(false);
    setMessage(u"Registering %1 at Stripe…"_s.arg(url), false);
    m_keys.registerWebhook(
        m_user, *m_context.client, url, {}, this, [this](const KeyService::Outcome &outcome) {
            --m_busy;
            m_register->setEnabled(!m_url->text().trimmed().isEmpty());
            if (!outcome.endpointId.isEmpty()) {
                // Kept for the next look at this tab, and for other tills: which endpoint Kassa made.
                security::AuditLog audit(*m_context.db, m_context.till);
                security::SettingsService settings(*m_context.db, audit);
                const security::SecurityError urlSaved = settings.setValue(
                    m_user, security::SettingsService::WebhookEndpointUrlKey, outcome.endpointUrl);
                const security::SecurityError idSaved = settings.setValue(
                    m_user, security::SettingsService::WebhookEndpointIdKey, outcome.endpointId);
                if (urlSaved.isError() || idSaved.isError())
                    setMessage(
                        u"the endpoint %1 was created, but this till could not note it: %2"_s.arg(
                            outcome.endpointId, urlSaved.isError() ? urlSaved.message : idSaved.message),
                        true);
            }
            if (!outcome.ok())
                return setMessage(outcome.message, true);
            m_url->clear();
            refresh();
            setMessage(u"Endpoint %1 registered; %2."_s.arg(outcome.endpointId, outcome.message), false);
            emit webhookChanged(); // its secret is the one the receiver checks now
        });
}

} // namespace kassa::gui
