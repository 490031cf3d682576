#include "sim/idempotencystore.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

IdempotencyStore::Outcome IdempotencyStore::begin(const QString &key, const QByteArray &fingerprint,
                                                  qint64 now, Saved *saved)
{
    expire(now);
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend()) {
        m_entries.insert(key, Entry{fingerprint, true, {}, now});
        return Outcome::New;
    }
    if (it->fingerprint != fingerprint)
        return Outcome::Mismatch;
    if (it->inFlight)
        return Outcome::InFlight;
    *saved = it->saved;
    return Outcome::Replay;
}

void IdempotencyStore::finish(const QString &key, int status, const QByteArray &body,
                              const QString &requestId, qint64 now)
{
    Entry &entry = m_entries[key];
    entry.inFlight = false;
    entry.saved = Saved{status, body, requestId};
    if (entry.created == 0)
        entry.created = now;
}

void IdempotencyStore::abandon(const QString &key)
{
    m_entries.remove(key);
}

void IdempotencyStore::expire(qint64 now)
{
    // At most once a minute: the table is scanned in full.
    if (now - m_lastExpiry < 60)
        return;
    m_lastExpiry = now;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (!it->inFlight && now - it->created > RetentionSeconds)
            it = m_entries.erase(it);
        else
            ++it;
    }
}

QJsonObject IdempotencyStore::toJson() const
{
    QJsonObject out;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (it->inFlight)
            continue;
        out.insert(it.key(), QJsonObject{{u"fingerprint"_s, QString::fromLatin1(it->fingerprint.toBase64())},
                                         {u"status"_s, it->saved.status},
                                         {u"body"_s, QString::fromUtf8(it->saved.body)},
                                         {u"request_id"_s, it->saved.requestId},
                                         {u"created"_s, it->created}});
    }
    return out;
}

void IdempotencyStore::fromJson(const QJsonObject &json)
{
    m_entries.clear();
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QJsonObject e = it->toObject();
        Entry entry;
        entry.fingerprint = QByteArray::fromBase64(e.value(u"fingerprint"_s).toString().toLatin1());
        entry.inFlight = false;
        entry.saved = Saved{int(e.value(u"status"_s).toInteger()), e.value(u"body"_s).toString().toUtf8(),
                            e.value(u"request_id"_s).toString()};
        entry.created = e.value(u"created"_s).toInteger();
        m_entries.insert(it.key(), entry);
    }
}

} // namespace kassa::sim
