#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

namespace kassa::sim {

// Stripe's idempotency keys: the first result of a POST is kept (24 hours) and replayed for the same
// key; the same key with other parameters is an error; a key whose request is still running is busy.
class IdempotencyStore
{
public:
    enum class Outcome { New, Replay, Mismatch, InFlight };
    struct Saved
    {
        int status = 0;
        QByteArray body;
        QString requestId;
    };

    static constexpr qint64 RetentionSeconds = 24 * 3600;

    // Looks the key up for a request with that fingerprint (method, path and parameters). For New,
    // the key is now in flight until finish() or abandon().
    Outcome begin(const QString &key, const QByteArray &fingerprint, qint64 now, Saved *saved);
    void finish(const QString &key, int status, const QByteArray &body, const QString &requestId, qint64 now);
    // Forgets a key whose request did not start executing (validation errors, injected faults).
    void abandon(const QString &key);

    qsizetype size() const { return m_entries.size(); }
    QJsonObject toJson() const;
    void fromJson(const QJsonObject &json);
    void clear() { m_entries.clear(); }

private:
    struct Entry
    {
        QByteArray fingerprint;
        bool inFlight = true;
        Saved saved;
        qint64 created = 0;
    };
    void expire(qint64 now);

    QHash<QString, Entry> m_entries;
    qint64 m_lastExpiry = 0;
};

} // namespace kassa::sim
