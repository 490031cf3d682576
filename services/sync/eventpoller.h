// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/stripe/stripepager.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripePager;
class StripeClient;
} // namespace kassa::stripe

namespace kassa::sync {

class EventProcessor;

// Follows Stripe's Events API, which needs no public URL (the normal case for a till): every interval,
// GET /v1/events?created[gte]=watermark-overlap, all pages, applied oldest first through the
// EventProcessor (which skips events applied before, by any feed). The watermark (the newest `created`
// applied) is saved in sync_state only after the whole batch is applied, so a crash re-reads the batch.
class EventPoller : public QObject
{
    Q_OBJECT
public:
    static constexpr auto WatermarkKey = "events.watermark";

    struct Options
    {
        int intervalMs = 15'000;
        int overlapSeconds = 60; // `created` has one-second resolution; events of one second arrive late
    };

    EventPoller(store::Database &db, stripe::StripeClient &client, EventProcessor &processor,
                QObject *parent = nullptr);
    EventPoller(store::Database &db, stripe::StripeClient &client, EventProcessor &processor,
                const Options &options, QObject *parent = nullptr);
    ~EventPoller() override;

    // Polls now and then every interval until stop().
    void start();
    void stop();
    // One batch now (unless one is running).
    void pollOnce();
    bool isPolling() const { return m_pager != nullptr; }

    // The saved watermark, 0 when none.
    qint64 watermark() const;

signals:
    // A batch was read and applied: how many events it held, how many were new, the watermark now.
    void batchApplied(int events, int applied, qint64 watermark);
    // A batch could not be read or applied; the watermark did not move.
    void failed(const QString &error);

private:
    void onFinished(bool ok, const QString &error);

    store::Database &m_db;
    stripe::StripeClient &m_client;
    EventProcessor &m_processor;
    Options m_options;
    QTimer m_timer;
    QPointer<stripe::StripePager> m_pager;
    QList<QJsonObject> m_batch;
};

} // namespace kassa::sync
