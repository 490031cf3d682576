// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/eventpoller.h"

#include "services/store/syncstaterepository.h"
#include "services/stripe/stripeclient.h"
#include "services/stripe/stripepager.h"
#include "services/sync/eventprocessor.h"
#include "services/sync/synclogging.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::sync {

EventPoller::EventPoller(store::Database &db, stripe::StripeClient &client, EventProcessor &processor,
                         QObject *parent)
    : EventPoller(db, client, processor, Options(), parent)
{
}

EventPoller::EventPoller(store::Database &db, stripe::StripeClient &client, EventProcessor &processor,
                         const Options &options, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_client(client)
    , m_processor(processor)
    , m_options(options)
{
    m_timer.setInterval(std::max(100, m_options.intervalMs));
    connect(&m_timer, &QTimer::timeout, this, &EventPoller::pollOnce);
}

EventPoller::~EventPoller()
{
    if (m_pager)
        m_pager->cancel();
}

void EventPoller::start()
{
    m_timer.start();
    pollOnce();
}

void EventPoller::stop()
{
    m_timer.stop();
    if (m_pager)
        m_pager->cancel();
}

qint64 EventPoller::watermark() const
{
    store::SyncStateRepository state(m_db);
    const auto value = state.integer(QString::fromLatin1(WatermarkKey));
    return value.ok() && value.value() ? *value.value() : 0;
}

void EventPoller::pollOnce()
{
    if (m_pager)
        return;
    const qint64 from = std::max<qint64>(0, watermark() - m_options.overlapSeconds);
    stripe::StripeParams params;
    params.add(u"limit"_s, 100);
    if (from > 0)
        params.add(u"created[gte]"_s, from);
    m_batch.clear();
    auto *pager =
        new stripe::StripePager(m_client, stripe::StripeRequest::get(u"/v1/events"_s, params), this);
    m_pager = pager;
    connect(pager, &stripe::StripePager::page, this, [this](const QJsonArray &items) {
        for (const QJsonValue &item : items)
            m_batch.append(item.toObject());
    });
    connect(pager, &stripe::StripePager::finished, this, [this, pager](const stripe::StripeError &error) {
        pager->deleteLater();
        m_pager = nullptr;
        onFinished(!error.isError(), error.toString());
    });
    pager->start();
}

void EventPoller::onFinished(bool ok, const QString &error)
{
    QList<QJsonObject> batch = std::move(m_batch);
    m_batch.clear();
    if (!ok) {
        qCWarning(lcSync) << "events poll failed:" << error;
        emit failed(error);
        return;
    }
    // Stripe lists newest first: oldest first is the reverse, ordered by created (stable for ties).
    std::reverse(batch.begin(), batch.end());
    std::stable_sort(batch.begin(), batch.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(u"created"_s).toInteger() < b.value(u"created"_s).toInteger();
    });
    qint64 newest = watermark();
    int applied = 0;
    for (const QJsonObject &event : std::as_const(batch)) {
        const EventProcessor::Result result = m_processor.process(event);
        if (!result.ok) {
            qCWarning(lcSync) << "cannot apply event" << event.value(u"id"_s).toString() << result.error;
            emit failed(result.error);
            return; // the watermark stays; the next poll reads the batch again
        }
        if (!result.duplicate)
            ++applied;
        newest = std::max(newest, event.value(u"created"_s).toInteger());
    }
    store::SyncStateRepository state(m_db);
    const store::StoreError saved = state.setInteger(QString::fromLatin1(WatermarkKey), newest);
    if (saved.isError()) {
        emit failed(saved.toString());
        return;
    }
    qCDebug(lcSync) << "events poll:" << batch.size() << "events," << applied << "new, watermark" << newest;
    emit batchApplied(int(batch.size()), applied, newest);
}

} // namespace kassa::sync
