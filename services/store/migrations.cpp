// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/migrations.h"

#include "services/store/database.h"
#include "services/store/migrationsteps.h"
#include "services/store/storelogging.h"
#include "services/store/transaction.h"

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

// pg_advisory_xact_lock key of schema changes ("kassa" in ASCII, as a number).
constexpr qint64 MigrationLockKey = 0x6b61737361;

// PostgreSQL: one migrating connection at a time, and it may wait longer than a normal statement.
StoreError lockForMigration(Database &db)
{
    if (!db.isPostgres())
        return {}; // BEGIN IMMEDIATE already serializes writers
    if (const StoreError error = db.execDirect(u"SET LOCAL lock_timeout = '120s'"_s); error.isError())
        return error;
    const StoreResult<QVariant> locked = db.queryValue(
        u"SELECT 1 FROM (SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))) AS locked"_s, {MigrationLockKey});
    return locked.ok() ? StoreError{} : locked.error();
}

StoreError createVersionTable(Database &db)
{
    return Transaction::run(db, [&db]() -> StoreError {
        if (const StoreError error = lockForMigration(db); error.isError())
            return error;
        const StoreResult<int> version = Migrations::currentVersion(db);
        if (!version.ok())
            return version.error();
        if (version.value() > 0)
            return {};
        return db.execDirect(
            u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, "
            "description TEXT NOT NULL, applied_at BIGINT NOT NULL)"_s);
    });
}

} // namespace

const QList<Migrations::Step> &Migrations::steps()
{
    static const QList<Step> all = schema::productSteps();
    return all;
}

int Migrations::latestVersion()
{
    return steps().isEmpty() ? 0 : steps().constLast().version;
}

StoreResult<int> Migrations::currentVersion(Database &db)
{
    const QString exists =
        db.isSqlite()
            ? u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"_s
            : u"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
              "AND table_name = 'schema_version'"_s;
    const StoreResult<QVariant> found = db.queryValue(exists);
    if (!found.ok())
        return found.error();
    if (found.value().toLongLong() == 0)
        return 0;
    const StoreResult<QVariant> version =
        db.queryValue(u"SELECT COALESCE(MAX(version), 0) FROM schema_version"_s);
    if (!version.ok())
        return version.error();
    return int(version.value().toLongLong());
}

StoreError Migrations::migrate(Database &db)
{
    return apply(db, steps(), latestVersion());
}

StoreError Migrations::migrateTo(Database &db, int version)
{
    return apply(db, steps(), version);
}

StoreError Migrations::apply(Database &db, const QList<Step> &steps, int targetVersion)
{
    if (db.inTransaction()) {
        return StoreError::make(StoreError::Kind::Transaction,
                                u"migrations run their own transactions; commit the open one first"_s);
    }
    const int known = steps.isEmpty() ? 0 : steps.constLast().version;
    if (targetVersion < 0 || targetVersion > known) {
        return StoreError::make(
            StoreError::Kind::Schema,
            u"schema version %1 is not one this build knows (1 to %2)"_s.arg(targetVersion).arg(known));
    }
    if (const StoreError error = createVersionTable(db); error.isError())
        return error;

    for (const Step &step : steps) {
        if (step.version > targetVersion)
            break;
        Transaction transaction(db);
        if (!transaction.isActive())
            return transaction.error();
        if (const StoreError error = lockForMigration(db); error.isError())
            return error;
        // Read inside the transaction: another till may have applied this step meanwhile.
        const StoreResult<int> current = currentVersion(db);
        if (!current.ok())
            return current.error();
        if (current.value() > known) {
            return StoreError::make(
                StoreError::Kind::Schema,
                u"%1 has schema version %2, made by a newer Kassa; this build knows versions up "
                "to %3. Update Kassa on this till."_s.arg(db.displayName())
                    .arg(current.value())
                    .arg(known));
        }
        if (current.value() >= step.version)
            continue;
        if (current.value() != step.version - 1) {
            return StoreError::make(
                StoreError::Kind::Schema,
                u"schema version %1 cannot be brought to %2: a step is missing"_s.arg(current.value())
                    .arg(step.version));
        }
        qCInfo(lcStore).noquote() << "migrating" << db.displayName() << "to schema version" << step.version
                                  << "(" << step.description << ")";
        StoreError error = step.apply(db);
        if (!error.isError()) {
            const StoreResult<qint64> recorded =
                db.exec(u"INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"_s,
                        {step.version, step.description, db.now()});
            if (!recorded.ok())
                error = recorded.error();
        }
        if (!error.isError())
            error = transaction.commit();
        if (error.isError()) {
            transaction.rollback();
            StoreError failed = error;
            // Busy, Full, Connection... stay what they are (the caller may retry); SQL errors mean a bad
            // step.
            if (error.kind == StoreError::Kind::Query || error.kind == StoreError::Kind::Constraint ||
                error.kind == StoreError::Kind::Transaction)
                failed.kind = StoreError::Kind::Schema;
            failed.message =
                u"migration to schema version %1 (%2) failed and was rolled back: %3"_s.arg(step.version)
                    .arg(step.description, error.message);
            qCWarning(lcStore).noquote() << failed.toString();
            return failed;
        }
    }
    const StoreResult<int> reached = currentVersion(db);
    if (!reached.ok())
        return reached.error();
    if (reached.value() > known) {
        return StoreError::make(
            StoreError::Kind::Schema,
            u"%1 has schema version %2, made by a newer Kassa; this build knows versions up to "
            "%3. Update Kassa on this till."_s.arg(db.displayName())
                .arg(reached.value())
                .arg(known));
    }
    return {};
}

StoreResult<bool> Migrations::hasIndexedTextSearch(Database &db)
{
    const QString sql =
        db.isSqlite() ? u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'payments_fts'"_s
                      : u"SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() "
                        "AND indexname = 'payments_description_trgm'"_s;
    const StoreResult<QVariant> count = db.queryValue(sql);
    if (!count.ok())
        return count.error();
    return count.value().toLongLong() > 0;
}

} // namespace kassa::store
