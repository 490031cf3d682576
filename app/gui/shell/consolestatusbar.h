// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"

#include <QStatusBar>
#include <QTimer>

class QLabel;

namespace kassa::sync {
class WebhookInbox;
}

namespace kassa::gui {

// What a cashier and a manager glance at: whether Stripe answers, when the store last caught up with
// it, how many money calls wait in the outbox (a payment that was sent but not answered yet is one),
// and whether this till receives webhooks (listening, failed to listen, or not set up). Connection and
// last sync follow the events poller and the webhook receiver; the outbox count is read from the store
// every few seconds (a count over an indexed column).
class ConsoleStatusBar : public QStatusBar
{
    Q_OBJECT
public:
    static constexpr int OutboxRefreshMs = 5000;

    explicit ConsoleStatusBar(const ConsoleContext &context, QWidget *parent = nullptr);

    QString connectionText() const;
    QString lastSyncText() const;
    QString outboxText() const;
    QString webhookText() const;

    void setConnected(bool connected, const QString &detail = {});
    void setLastSync(qint64 unixSeconds);
    void setWebhookState(const QString &text);
    // Webhooks chosen but not received: why, shown as a problem (the poller keeps the store up to date).
    void setWebhookProblem(const QString &text, const QString &detail = {});
    // The console's receiver listens on `address`: said until it stops; what it applies counts as a sync.
    void watchWebhooks(sync::WebhookInbox *inbox, const QString &address);
    void refreshOutbox();

private:
    void showListening(const QString &address);

    ConsoleContext m_context;
    QLabel *m_connection;
    QLabel *m_lastSync;
    QLabel *m_outbox;
    QLabel *m_webhook;
    QTimer m_outboxTimer;
};

} // namespace kassa::gui
