// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeerror.h"
#include "services/store/storeresult.h"

#include <QList>
#include <QString>

#include <functional>

namespace kassa::store {

class Database;

// The schema: a `schema_version` table (one row per applied step: version, description, applied_at)
// and ordered steps, each applied in one transaction together with its schema_version row, so that a
// crash leaves the database at one version or the next, never between.
//
// Steps are never edited once shipped: a change to the schema is a new step at the end (see
// migrationsteps.cpp). Steps are dialect-aware: each writes SQLite or PostgreSQL SQL where they
// differ. Several tills may start at once on one PostgreSQL database: each step runs under an advisory
// lock and re-reads the version first, so only one applies it.
//
//   1  the first schema: payments, charges, refunds, payment_methods, customers, events, event_inbox,
//      outbox, sync_state, tills, with their keys and list indexes
//   2  text search: SQLite FTS5 (trigram) over payments' description, customer name, email and order
//      ref, kept in step by triggers and filled from the rows already there; PostgreSQL pg_trgm GIN
//      indexes (when the extension can be had); an index for the cashier filter
//   3  users (PIN hashes, roles, lock-out state), settings, the audit log and its chain head, and
//      refund_requests
//   4  SQLite: a covering index of customers' email and name, for search through the customers
//   5  SQLite: the text index's triggers note changed rows in payments_fts_queue; the index is
//      brought up to date from it once, just before each transaction commits
class Migrations
{
public:
    struct Step
    {
        int version = 0;
        QString description;
        std::function<StoreError(Database &)> apply; // runs inside the step's transaction
    };

    // The product's steps, in order (versions 1, 2, ...).
    static const QList<Step> &steps();
    static int latestVersion();

    // 0 for an empty database (no schema_version table).
    static StoreResult<int> currentVersion(Database &db);

    // Brings the database to the latest version. Refuses (Kind::Schema) a database whose version is newer
    // than this build knows: an older Kassa must not write into a newer schema. Needs no open
    // transaction on `db`.
    static StoreError migrate(Database &db);
    // Brings the database to `version` exactly (never down). Tests use it to make a database of an old
    // schema.
    static StoreError migrateTo(Database &db, int version);
    // The same with other steps (tests: a failing step).
    static StoreError apply(Database &db, const QList<Step> &steps, int targetVersion);

    // Whether text search is indexed: SQLite has the payments_fts table, PostgreSQL the pg_trgm indexes.
    // Without it text search still works, by scanning.
    static StoreResult<bool> hasIndexedTextSearch(Database &db);
};

} // namespace kassa::store
