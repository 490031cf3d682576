#pragma once

#include "sim/objectstore.h"
#include "sim/testcards.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QRandomGenerator>
#include <QString>

#include <functional>
#include <optional>

namespace kassa::sim {

// The shared state every resource handler works on: the objects, the test clock, ids, events and
// jobs that are due later (refunds that settle, sessions that expire).
class SimContext
{
public:
    SimContext();

    ObjectStore store;
    TestCards testCards;

    // Unix seconds on the simulator's clock: the wall clock plus what /_sim/advance added.
    qint64 now() const;
    void advance(qint64 seconds) { m_clockOffset += seconds; }
    // Pins now() to a moment (demo data is made in the past); std::nullopt returns to the clock.
    void setFixedNow(std::optional<qint64> now) { m_fixedNow = now; }
    qint64 clockOffset() const { return m_clockOffset; }

    // "pi_" + 24 characters of [0-9A-Za-z], as Stripe's ids look.
    QString newId(QStringView prefix, int length = 24);
    QString randomToken(int length);
    void seedRandom(quint32 seed) { m_random.seed(seed); }
    QRandomGenerator &random() { return m_random; }

    QString baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QString &url) { m_baseUrl = url; }

    // The request being executed, for the `request` hash of events.
    void setCurrentRequest(const QString &requestId, const QString &idempotencyKey);
    void clearCurrentRequest() { setCurrentRequest({}, {}); }

    // Records an event of a state change and hands it to the event sink (webhook delivery).
    QJsonObject emitEvent(const QString &type, const QJsonObject &object,
                          const QJsonObject &previousAttributes = {});
    void setEventSink(std::function<void(const QJsonObject &)> sink) { m_eventSink = std::move(sink); }
    // Events of state changes before this time are not kept (demo history older than the 30 days of
    // events Stripe keeps would never be seen).
    void setEventHorizon(qint64 oldest) { m_eventHorizon = oldest; }
    // Counts pending deliveries on the stored event.
    void setPendingWebhooks(const QString &eventId, int pending);

    // Jobs run by runDueJobs() once the clock reaches `due`.
    void schedule(qint64 due, const QString &kind, const QString &objectId);
    void setJobHandler(const QString &kind, std::function<void(const QString &objectId)> handler);
    int runDueJobs();

    bool isDirty() const { return m_dirty; }
    void markDirty() { m_dirty = true; }
    void clearDirty() { m_dirty = false; }

    QJsonObject toJson() const;
    bool fromJson(const QJsonObject &json, QString *error);
    void reset();

    static constexpr auto ApiVersion = "2024-06-20";

private:
    struct Job
    {
        qint64 due;
        QString kind;
        QString objectId;
    };

    qint64 m_clockOffset = 0;
    std::optional<qint64> m_fixedNow;
    qint64 m_eventHorizon = 0;
    QRandomGenerator m_random;
    QString m_baseUrl;
    QString m_requestId;
    QString m_idempotencyKey;
    std::function<void(const QJsonObject &)> m_eventSink;
    QList<Job> m_jobs;
    QHash<QString, std::function<void(const QString &)>> m_jobHandlers;
    bool m_dirty = false;
};

} // namespace kassa::sim
