// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/actinguser.h"
#include "services/store/storeresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace kassa::store {
class Database;
}

namespace kassa::security {

// One entry of the audit log, as stored. objectIds and details are kept as the exact JSON text that
// was hashed (objectIdsJson, detailsJson); the lists are read from them.
struct AuditEntry
{
    qint64 seq = 0; // 1, 2, 3, ... without gaps
    qint64 at = 0;  // Unix seconds
    QString till;
    qint64 userId = 0; // 0: nobody logged in (a failed log-in, the first user's creation)
    QString userName;
    QString action;        // "login", "login.failed", "user.add", "refund.approve", ...
    QString objectIdsJson; // a JSON array of strings
    QString detailsJson;   // a JSON object
    QString prevHash;
    QString hash;

    QStringList objectIds() const;
    QJsonObject details() const;
};

// What verify() found.
struct AuditVerification
{
    bool intact = true;
    qint64 entries = 0;     // entries checked before the first break (all of them when intact)
    qint64 firstBroken = 0; // seq of the first broken entry; 0 when intact
    QString problem;        // what is wrong with it
    QString headHash;       // the last entry's hash when intact: note it down to detect a rewrite

    // "audit log intact: 12 entries, head 3f2a..." or "audit log broken at entry 5: ..."
    QString message() const;
};

// The audit log: who did what, when, on which till. Append-only and tamper-evident: every entry
// carries hash = SHA-256(prev_hash + canonical(entry)) in lower-case hex, where prev_hash is the
// previous entry's hash (GenesisHash for the first), so that changing, deleting, inserting or
// reordering an entry breaks the chain at that entry, and verify() names it.
//
// The canonical form of an entry is a versioned header followed by its fields, each as its length in
// UTF-8 bytes in decimal, a colon, the UTF-8 bytes, and a newline:
//
//     "kassa-audit-v1\n" + f(at) + f(till) + f(user_id) + f(user_name) + f(action) + f(object_ids)
//                        + f(details)              where f(x) = len(x) ":" x "\n"
//
// Numbers are written in decimal without padding; object_ids and details are the exact JSON texts
// stored in their columns (not re-serialized, so that a JSON library's formatting can never change a
// hash). The length prefixes make the form unambiguous whatever the fields contain. seq is not part of
// the form: the order is the chain itself, and seq only has to agree with it (see verify()).
//
// Writers serialize on the chain head (the one row of audit_head, locked with SELECT ... FOR UPDATE on
// PostgreSQL; SQLite's write lock does it there), so that tills appending at once on one PostgreSQL
// database still make one unbroken chain. An entry is appended inside the caller's transaction when it
// has one (it then commits or rolls back with what it records), else in its own.
//
// What it does not do: someone who can write the database can also recompute every later hash. The
// head hash that verify() reports is the anchor against that: kept elsewhere (printed, exported), it
// makes a rewritten log show.
//
// Details never hold a PIN, a passphrase, a hash or a secret: record() refuses keys that name one.
class AuditLog
{
public:
    static constexpr QLatin1StringView GenesisHash{
        "0000000000000000000000000000000000000000000000000000000000000000"};

    // `till` is written into entries whose actor names none.
    explicit AuditLog(store::Database &db, const QString &till = {});

    // Appends one entry: `actor` did `action` on `objectIds` ("user:ann", "pi_123", ...). `actor` may be
    // nobody (id 0) with a name, for a failed log-in. InvalidData when details hold a forbidden key.
    store::StoreError record(const ActingUser &actor, const QString &action,
                             const QStringList &objectIds = {}, const QJsonObject &details = {});

    // Inside the caller's transaction: waits for and holds the chain head until that transaction ends,
    // as an append does. For code that must decide something (e.g. "is this the first user?") without
    // another till deciding the same at once.
    store::StoreError lockHead();

    // The last `limit` entries (0: all), oldest first.
    store::StoreResult<QList<AuditEntry>> latest(int limit);
    // Walks the chain from the first entry and stops at the first break.
    store::StoreResult<AuditVerification> verify();

    static QByteArray canonical(const AuditEntry &entry);
    static QString chainHash(const QString &prevHash, const AuditEntry &entry);

private:
    store::StoreResult<std::pair<qint64, QString>> readHead(bool forUpdate);

    store::Database &m_db;
    QString m_till;
};

} // namespace kassa::security
