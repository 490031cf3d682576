#include "sim/simcontext.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::sim {

SimContext::SimContext()
    : m_random(QRandomGenerator::securelySeeded())
{
}

qint64 SimContext::now() const
{
    if (m_fixedNow)
        return *m_fixedNow;
    return QDateTime::currentSecsSinceEpoch() + m_clockOffset;
}

QString SimContext::newId(QStringView prefix, int length)
{
    // A seeded generator repeats its ids after a restart from a state file: skip those in use.
    QString id;
    do {
        id = prefix + u'_' + randomToken(length);
    } while (store.contains(id));
    return id;
}

QString SimContext::randomToken(int length)
{
    static constexpr char Alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QString out(length, Qt::Uninitialized);
    for (int i = 0; i < length; ++i)
        out[i] = QChar::fromLatin1(Alphabet[m_random.bounded(62)]);
    return out;
}

void SimContext::setCurrentRequest(const QString &requestId, const QString &idempotencyKey)
{
    m_requestId = requestId;
    m_idempotencyKey = idempotencyKey;
}

QJsonObject SimContext::emitEvent(const QString &type, const QJsonObject &object,
                                  const QJsonObject &previousAttributes)
{
    QJsonObject data{{u"object"_s, object}};
    if (!previousAttributes.isEmpty())
        data.insert(u"previous_attributes"_s, previousAttributes);
    const QJsonObject event{
        {u"id"_s, newId(u"evt")},
        {u"object"_s, u"event"_s},
        {u"api_version"_s, QLatin1StringView(ApiVersion)},
        {u"created"_s, now()},
        {u"data"_s, data},
        {u"livemode"_s, false},
        {u"pending_webhooks"_s, 0},
        {u"request"_s,
         QJsonObject{{u"id"_s, m_requestId.isEmpty() ? QJsonValue() : QJsonValue(m_requestId)},
                     {u"idempotency_key"_s,
                      m_idempotencyKey.isEmpty() ? QJsonValue() : QJsonValue(m_idempotencyKey)}}},
        {u"type"_s, type},
    };
    if (now() < m_eventHorizon)
        return event;
    store.insert(event);
    markDirty();
    if (m_eventSink)
        m_eventSink(event);
    return event;
}

void SimContext::setPendingWebhooks(const QString &eventId, int pending)
{
    QJsonObject event = store.get(eventId);
    if (event.isEmpty())
        return;
    event.insert(u"pending_webhooks"_s, pending);
    store.update(event);
    markDirty();
}

void SimContext::schedule(qint64 due, const QString &kind, const QString &objectId)
{
    m_jobs.append(Job{due, kind, objectId});
    markDirty();
}

void SimContext::setJobHandler(const QString &kind, std::function<void(const QString &)> handler)
{
    m_jobHandlers.insert(kind, std::move(handler));
}

int SimContext::runDueJobs()
{
    const qint64 current = now();
    int ran = 0;
    // Handlers may schedule further jobs; take the due ones out first.
    QList<Job> due;
    const auto split = std::stable_partition(m_jobs.begin(), m_jobs.end(),
                                             [current](const Job &job) { return job.due > current; });
    due = QList<Job>(split, m_jobs.end());
    m_jobs.erase(split, m_jobs.end());
    std::stable_sort(due.begin(), due.end(), [](const Job &a, const Job &b) { return a.due < b.due; });
    for (const Job &job : due) {
        const auto handler = m_jobHandlers.constFind(job.kind);
        if (handler != m_jobHandlers.cend()) {
            clearCurrentRequest();
            (*handler)(job.objectId);
            ++ran;
        }
    }
    if (ran > 0)
        markDirty();
    return ran;
}

QJsonObject SimContext::toJson() const
{
    QJsonArray jobs;
    for (const Job &job : m_jobs)
        jobs.append(QJsonObject{{u"due"_s, job.due}, {u"kind"_s, job.kind}, {u"id"_s, job.objectId}});
    return QJsonObject{{u"clock_offset"_s, m_clockOffset}, {u"jobs"_s, jobs}, {u"objects"_s, store.toJson()}};
}

bool SimContext::fromJson(const QJsonObject &json, QString *error)
{
    if (!store.fromJson(json.value(u"objects"_s).toObject(), error))
        return false;
    m_clockOffset = json.value(u"clock_offset"_s).toInteger();
    m_jobs.clear();
    const QJsonArray jobs = json.value(u"jobs"_s).toArray();
    for (const QJsonValue &value : jobs) {
        const QJsonObject job = value.toObject();
        m_jobs.append(Job{job.value(u"due"_s).toInteger(), job.value(u"kind"_s).toString(),
                          job.value(u"id"_s).toString()});
    }
    return true;
}

void SimContext::reset()
{
    store.clear();
    m_jobs.clear();
    m_clockOffset = 0;
    m_dirty = true;
}

} // namespace kassa::sim
