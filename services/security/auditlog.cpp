// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/auditlog.h"

#include "services/security/securitylogging.h"
#include "services/store/database.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

const QString EntryColumns =
    u"seq, at, till, user_id, user_name, action, object_ids, details, prev_hash, hash"_s;

AuditEntry readEntry(const QSqlQuery &row)
{
    AuditEntry entry;
    entry.seq = row.value(0).toLongLong();
    entry.at = row.value(1).toLongLong();
    entry.till = row.value(2).toString();
    entry.userId = row.value(3).toLongLong();
    entry.userName = row.value(4).toString();
    entry.action = row.value(5).toString();
    entry.objectIdsJson = row.value(6).toString();
    entry.detailsJson = row.value(7).toString();
    entry.prevHash = row.value(8).toString();
    entry.hash = row.value(9).toString();
    return entry;
}

void appendField(QByteArray &out, const QByteArray &value)
{
    out += QByteArray::number(value.size());
    out += ':';
    out += value;
    out += '\n';
}

// A details key that names a secret: its words (split at _ - . spaces and camelCase humps, lower case)
// include one of these. Checked in nested objects and arrays too.
bool namesSecret(const QString &key)
{
    static const QStringList Forbidden{u"pin"_s,    u"pins"_s, u"passphrase"_s, u"password"_s,
                                       u"secret"_s, u"hash"_s, u"salt"_s,       u"apikey"_s};
    static const QRegularExpression CamelCase(u"([a-z0-9])([A-Z])"_s);
    static const QRegularExpression Separators(u"[^a-z0-9]+"_s);
    const QStringList words =
        QString(key).replace(CamelCase, u"\\1_\\2"_s).toLower().split(Separators, Qt::SkipEmptyParts);
    return std::any_of(words.cbegin(), words.cend(), [](const QString &w) { return Forbidden.contains(w); });
}

QString forbiddenKey(const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (namesSecret(it.key()))
                return it.key();
            if (QString nested = forbiddenKey(it.value()); !nested.isEmpty())
                return nested;
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array) {
            if (QString nested = forbiddenKey(item); !nested.isEmpty())
                return nested;
        }
    }
    return {};
}

} // namespace

QStringList AuditEntry::objectIds() const
{
    QStringList ids;
    const QJsonArray array = QJsonDocument::fromJson(objectIdsJson.toUtf8()).array();
    for (const QJsonValue &id : array)
        ids << id.toString();
    return ids;
}

QJsonObject AuditEntry::details() const
{
    return QJsonDocument::fromJson(detailsJson.toUtf8()).object();
}

QString AuditVerification::message() const
{
    if (intact) {
        return u"audit log intact: %1 entries, head %2"_s.arg(entries).arg(entries == 0 ? u"(empty)"_s
                                                                                        : headHash);
    }
    return u"audit log broken at entry %1: %2"_s.arg(firstBroken).arg(problem);
}

AuditLog::AuditLog(store::Database &db, const QString &till)
    : m_db(db)
    , m_till(till)
{
}

QByteArray AuditLog::canonical(const AuditEntry &entry)
{
    QByteArray out = "kassa-audit-v1\n";
    appendField(out, QByteArray::number(entry.at));
    appendField(out, entry.till.toUtf8());
    appendField(out, QByteArray::number(entry.userId));
    appendField(out, entry.userName.toUtf8());
    appendField(out, entry.action.toUtf8());
    appendField(out, entry.objectIdsJson.toUtf8());
    appendField(out, entry.detailsJson.toUtf8());
    return out;
}

QString AuditLog::chainHash(const QString &prevHash, const AuditEntry &entry)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(prevHash.toLatin1());
    hash.addData(canonical(entry));
    return QString::fromLatin1(hash.result().toHex());
}

store::StoreResult<std::pair<qint64, QString>> AuditLog::readHead(bool forUpdate)
{
    // FOR UPDATE makes every PostgreSQL writer wait here for the one before it to commit, and then read
    // the head that writer left. SQLite has no row locks, and needs none: the writer already holds the
    // database's write lock (BEGIN IMMEDIATE).
    const QString sql = u"SELECT seq, hash FROM audit_head WHERE id = 1"_s +
                        (forUpdate && m_db.isPostgres() ? u" FOR UPDATE"_s : QString());
    std::optional<std::pair<qint64, QString>> head;
    const store::StoreError error = m_db.query(sql, {}, [&head](const QSqlQuery &row) {
        head = std::make_pair(row.value(0).toLongLong(), row.value(1).toString());
        return false;
    });
    if (error.isError())
        return error;
    if (!head)
        return store::sql::invalidData(u"the audit log has no head row"_s);
    return *head;
}

store::StoreError AuditLog::lockHead()
{
    if (!m_db.inTransaction())
        return store::StoreError::make(store::StoreError::Kind::Transaction,
                                       u"locking the audit head needs an open transaction"_s);
    const store::StoreResult<std::pair<qint64, QString>> head = readHead(true);
    return head.ok() ? store::StoreError{} : head.error();
}

store::StoreError AuditLog::record(const ActingUser &actor, const QString &action,
                                   const QStringList &objectIds, const QJsonObject &details)
{
    if (action.isEmpty())
        return store::sql::invalidData(u"an audit entry needs an action"_s);
    if (const QString key = forbiddenKey(details); !key.isEmpty()) {
        return store::sql::invalidData(
            u"audit details must never hold a PIN, passphrase, hash or secret (key '%1')"_s.arg(key));
    }
    AuditEntry entry;
    entry.till = actor.till.isEmpty() ? m_till : actor.till;
    entry.userId = actor.id;
    entry.userName = actor.name;
    entry.action = action;
    entry.objectIdsJson = QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(objectIds)).toJson(QJsonDocument::Compact));
    entry.detailsJson = QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));

    return store::Transaction::run(m_db, [&]() -> store::StoreError {
        const store::StoreResult<std::pair<qint64, QString>> head = readHead(true);
        if (!head.ok())
            return head.error();
        entry.seq = head.value().first + 1;
        entry.at = m_db.now();
        entry.prevHash = head.value().first == 0 ? QString(GenesisHash) : head.value().second;
        entry.hash = chainHash(entry.prevHash, entry);
        const store::StoreResult<qint64> inserted =
            m_db.exec(u"INSERT INTO audit_log (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(EntryColumns),
                      {entry.seq, entry.at, store::sql::text(entry.till), entry.userId,
                       store::sql::text(entry.userName), store::sql::text(entry.action),
                       store::sql::text(entry.objectIdsJson), store::sql::text(entry.detailsJson),
                       store::sql::text(entry.prevHash), store::sql::text(entry.hash)});
        if (!inserted.ok())
            return inserted.error();
        const store::StoreResult<qint64> moved =
            m_db.exec(u"UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"_s,
                      {entry.seq, store::sql::text(entry.hash)});
        return moved.ok() ? store::StoreError{} : moved.error();
    });
}

store::StoreResult<QList<AuditEntry>> AuditLog::latest(int limit)
{
    store::StoreResult<QList<AuditEntry>> rows =
        limit > 0
            ? store::sql::allRows<AuditEntry>(
                  m_db, u"SELECT %1 FROM audit_log ORDER BY seq DESC LIMIT ?"_s.arg(EntryColumns), {limit},
                  readEntry)
            : store::sql::allRows<AuditEntry>(
                  m_db, u"SELECT %1 FROM audit_log ORDER BY seq DESC"_s.arg(EntryColumns), {}, readEntry);
    if (!rows.ok())
        return rows.error();
    QList<AuditEntry> entries = std::move(rows).value();
    std::reverse(entries.begin(), entries.end());
    return entries;
}

store::StoreResult<AuditVerification> AuditLog::verify()
{
    // The head first, and only the entries up to it: entries that tills append while this runs are not
    // part of what is checked (and cannot look like a break).
    const store::StoreResult<std::pair<qint64, QString>> head = readHead(false);
    if (!head.ok())
        return head.error();
    const qint64 headSeq = head.value().first;

    AuditVerification result;
    QString expectedPrev = GenesisHash;
    qint64 expectedSeq = 1;
    enum class Break { None, Gap, Changed, Link } broken = Break::None;
    AuditEntry at;
    const store::StoreError walked =
        m_db.query(u"SELECT %1 FROM audit_log WHERE seq <= ? ORDER BY seq"_s.arg(EntryColumns), {headSeq},
                   [&](const QSqlQuery &row) {
                       at = readEntry(row);
                       if (at.seq != expectedSeq)
                           broken = Break::Gap;
                       else if (chainHash(at.prevHash, at) != at.hash)
                           broken = Break::Changed;
                       else if (at.prevHash != expectedPrev)
                           broken = Break::Link;
                       if (broken != Break::None)
                           return false;
                       expectedPrev = at.hash;
                       ++expectedSeq;
                       ++result.entries;
                       return true;
                   });
    if (walked.isError())
        return walked;

    auto fail = [&result](qint64 seq, const QString &problem) {
        result.intact = false;
        result.firstBroken = seq;
        result.problem = problem;
        qCWarning(lcSecurity).noquote() << result.message();
        return result;
    };
    switch (broken) {
    case Break::None:
        break;
    case Break::Gap:
        if (at.seq > expectedSeq) {
            return fail(expectedSeq,
                        at.seq == expectedSeq + 1
                            ? u"it is missing (deleted)"_s
                            : u"it and the entries up to %1 are missing (deleted)"_s.arg(at.seq - 1));
        }
        return fail(at.seq, u"its sequence number is out of place (expected %1)"_s.arg(expectedSeq));
    case Break::Changed:
        return fail(at.seq, u"it was changed after it was written (its hash does not match its contents)"_s);
    case Break::Link: {
        // Whose hash does it follow? Later: the entries were reordered; earlier: entries were put in between;
        // none: the entry it follows is gone.
        const store::StoreResult<QVariant> follows = m_db.queryValue(
            u"SELECT MIN(seq) FROM audit_log WHERE hash = ?"_s, {store::sql::text(at.prevHash)});
        if (!follows.ok())
            return follows.error();
        const qint64 predecessor = follows.value().isNull() ? 0 : follows.value().toLongLong();
        if (predecessor > at.seq)
            return fail(at.seq,
                        u"it is out of order: it was written after entry %1 (reordered)"_s.arg(predecessor));
        if (predecessor > 0 && predecessor < at.seq - 1) {
            return fail(
                predecessor + 1,
                u"it was inserted: entry %1 was written right after entry %2"_s.arg(at.seq).arg(predecessor));
        }
        return fail(at.seq, u"the entry it was written after is missing (deleted)"_s);
    }
    }

    // The walk reached the head's seq; the head must agree with the last entry.
    const qint64 last = expectedSeq - 1;
    if (last < headSeq)
        return fail(last + 1, u"it is missing from the end of the log (deleted)"_s);
    if (headSeq > 0 && head.value().second != expectedPrev)
        return fail(last, u"the log's head does not match it (the end of the log was replaced)"_s);
    // Entries beyond the head were not appended through it. (Every append moves the head in the same
    // transaction, so a committed entry is never beyond the head read after it.)
    const store::StoreResult<QVariant> maxSeq = m_db.queryValue(u"SELECT MAX(seq) FROM audit_log"_s);
    if (!maxSeq.ok())
        return maxSeq.error();
    const store::StoreResult<std::pair<qint64, QString>> headAfter = readHead(false);
    if (!headAfter.ok())
        return headAfter.error();
    if (!maxSeq.value().isNull() && maxSeq.value().toLongLong() > headAfter.value().first)
        return fail(headAfter.value().first + 1, u"it was inserted after the log's head"_s);
    result.headHash = expectedPrev;
    return result;
}

} // namespace kassa::security
