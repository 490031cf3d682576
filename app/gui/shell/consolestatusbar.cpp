// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/consolestatusbar.h"

#include "services/store/outboxrepository.h"
#include "services/sync/eventpoller.h"
#include "services/sync/webhookinbox.h"

#include <QDateTime>
#include <QLabel>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QLabel *statusLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setContentsMargins(6, 0, 6, 0);
    return label;
}

} // namespace

ConsoleStatusBar::ConsoleStatusBar(const ConsoleContext &context, QWidget *parent)
    : QStatusBar(parent)
    , m_context(context)
    , m_connection(statusLabel(u"statusConnection"_s, this))
    , m_lastSync(statusLabel(u"statusLastSync"_s, this))
    , m_outbox(statusLabel(u"statusOutbox"_s, this))
    , m_webhook(statusLabel(u"statusWebhook"_s, this))
{
    addWidget(m_connection);
    addWidget(m_lastSync);
    addWidget(m_outbox);
    addPermanentWidget(m_webhook);

    if (!m_context.client)
        setConnected(false, u"no Stripe key"_s);
    else
        m_connection->setText(u"Stripe (%1): connecting…"_s.arg(m_context.stripeDescription));
    setLastSync(m_context.lastSyncAt);
    // Until ConsoleApp starts the receiver that Settings asks for (the demo never does).
    setWebhookState(m_context.poller ? u"Webhooks: not listening (not set up; following Stripe's events)"_s
                                     : u"Webhooks: not listening (not set up)"_s);

    if (sync::EventPoller *poller = m_context.poller) {
        connect(poller, &sync::EventPoller::batchApplied, this, [this](int, int, qint64) {
            setConnected(true);
            setLastSync(QDateTime::currentSecsSinceEpoch());
            refreshOutbox();
        });
        connect(poller, &sync::EventPoller::failed, this,
                [this](const QString &error) { setConnected(false, error); });
    }
    connect(&m_outboxTimer, &QTimer::timeout, this, &ConsoleStatusBar::refreshOutbox);
    m_outboxTimer.start(OutboxRefreshMs);
    refreshOutbox();
}

QString ConsoleStatusBar::connectionText() const
{
    return m_connection->text();
}

QString ConsoleStatusBar::lastSyncText() const
{
    return m_lastSync->text();
}

QString ConsoleStatusBar::outboxText() const
{
    return m_outbox->text();
}

QString ConsoleStatusBar::webhookText() const
{
    return m_webhook->text();
}

void ConsoleStatusBar::setConnected(bool connected, const QString &detail)
{
    if (connected) {
        m_connection->setText(u"● Stripe (%1): connected"_s.arg(m_context.stripeDescription));
        m_connection->setStyleSheet(u"QLabel { color: #1b5e20; }"_s);
    } else {
        m_connection->setText(u"● Stripe: no connection (%1)"_s.arg(detail));
        m_connection->setStyleSheet(u"QLabel { color: #b00020; font-weight: bold; }"_s);
    }
    m_connection->setToolTip(detail);
}

void ConsoleStatusBar::setLastSync(qint64 unixSeconds)
{
    if (unixSeconds <= 0) {
        m_lastSync->setText(u"Last sync: never"_s);
        return;
    }
    const QDateTime at = QDateTime::fromSecsSinceEpoch(unixSeconds);
    m_lastSync->setText(u"Last sync: "_s + QLocale().toString(at.time(), QLocale::ShortFormat));
    m_lastSync->setToolTip(QLocale().toString(at, QLocale::LongFormat));
}

void ConsoleStatusBar::setWebhookState(const QString &text)
{
    m_webhook->setText(text);
    m_webhook->setToolTip(
        u"Settings > Webhook: receive Stripe's events as they happen (a listen address and the endpoint's "
        "secret in the keychain)."_s);
    m_webhook->setStyleSheet(QString());
}

void ConsoleStatusBar::setWebhookProblem(const QString &text, const QString &detail)
{
    m_webhook->setText(text);
    m_webhook->setToolTip(QString(
        detail + (detail.isEmpty() ? u""_s : u"\n"_s) +
        u"Kassa keeps asking Stripe for its events at the poll interval meanwhile, so nothing is lost; "
        "webhooks only make changes arrive sooner."_s));
    m_webhook->setStyleSheet(u"QLabel { color: #b00020; font-weight: bold; }"_s);
}

void ConsoleStatusBar::showListening(const QString &address)
{
    m_webhook->setText(u"● Webhooks: listening on "_s + address);
    m_webhook->setToolTip(u"Stripe's deliveries arrive at http://%1/webhook. Kassa also asks Stripe for its "
                          "events at the poll interval, in case a delivery is missed."_s.arg(address));
    m_webhook->setStyleSheet(u"QLabel { color: #1b5e20; }"_s);
}

void ConsoleStatusBar::watchWebhooks(sync::WebhookInbox *inbox, const QString &address)
{
    showListening(address);
    connect(inbox, &sync::WebhookInbox::applied, this, [this, address](int) {
        showListening(address); // also after a failure to store that has passed
        setLastSync(QDateTime::currentSecsSinceEpoch());
        refreshOutbox();
    });
    connect(inbox, &sync::WebhookInbox::applyFailed, this, [this, address](const QString &error) {
        setWebhookProblem(u"Webhooks: listening on %1, but received events cannot be stored"_s.arg(address),
                          error);
    });
    connect(inbox, &sync::WebhookInbox::stopped, this,
            [this, address] { setWebhookProblem(u"Webhooks: stopped listening on "_s + address); });
    connect(inbox, &QObject::destroyed, this,
            [this, address] { setWebhookProblem(u"Webhooks: stopped listening on "_s + address); });
}

void ConsoleStatusBar::refreshOutbox()
{
    store::OutboxRepository outbox(*m_context.db);
    const store::StoreResult<qint64> pending = outbox.countInState(store::OutboxState::Pending);
    const store::StoreResult<qint64> sending = outbox.countInState(store::OutboxState::Sending);
    if (!pending.ok() || !sending.ok()) {
        m_outbox->setText(u"Outbox: cannot read"_s);
        m_outbox->setToolTip((pending.ok() ? sending.error() : pending.error()).toString());
        return;
    }
    const qint64 waiting = pending.value() + sending.value();
    m_outbox->setText(waiting == 0
                          ? u"Outbox: nothing waiting"_s
                          : u"Outbox: %1 waiting to reach Stripe"_s.arg(QLocale().toString(waiting)));
    m_outbox->setStyleSheet(waiting == 0 ? QString() : u"QLabel { color: #8a5a00; font-weight: bold; }"_s);
    m_outbox->setToolTip(u"Payments and refunds written here and not yet answered by Stripe; they are sent "
                         "again with the same key, so nobody is charged twice."_s);
}

} // namespace kassa::gui
