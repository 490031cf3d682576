// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers the repositories share to build their statements. Internal to services/store.

#include "services/store/dialect.h"
#include "services/store/objectversion.h"
#include "services/store/page.h"
#include "services/store/storeerror.h"
#include "services/store/storeresult.h"
#include "services/store/transaction.h"
#include "services/store/upsertresult.h"

#include "services/store/database.h"

#include <QJsonObject>
#include <QList>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantList>

#include <optional>

class QDateTime;

class QSqlQuery;

namespace kassa::store {
class Database;
}

namespace kassa::store::sql {

// A text parameter that is never NULL: a null QString binds as SQL NULL, which NOT NULL columns
// refuse. The store keeps "no value" as ''.
QVariant text(const QString &value);
// The object for a raw column: compressed on SQLite (see rawjson.h), compact JSON text on PostgreSQL.
QVariant json(const Database &db, const QJsonObject &object);

// A "contains" pattern for LIKE/ILIKE ... ESCAPE '\': %, _ and \ in `term` match themselves.
QString containsPattern(const QString &term);
// LIKE (SQLite: case-insensitive for ASCII) or ILIKE (PostgreSQL).
QString likeOperator(Dialect dialect);
// One FTS5 phrase: the term in double quotes, inner quotes doubled. A trigram phrase matches any
// substring of at least three characters.
QString ftsPhrase(const QString &term);
// Words of a search text, split at white space.
QStringList searchTerms(const QString &text);
// The two-argument maximum: MAX on SQLite, GREATEST on PostgreSQL.
QString greatest(Dialect dialect);

// WHERE clauses with their bound values.
struct Where
{
    QStringList clauses;
    QVariantList params;

    void add(const QString &clause, const QVariantList &values = {})
    {
        clauses << clause;
        params << values;
    }
    // " WHERE a AND b", or "" when empty.
    QString sql() const;
};

// The page condition ((column, id) after the key, in the request's direction) and its ORDER BY and LIMIT
// (whose value orderAndLimit() appends to `params`). `column` is the SQL column of request.sort. The
// query asks for one row more than the limit to tell whether another page follows.
void addKeyset(Where &where, const QString &column, const PageRequest &request);
QString orderAndLimit(const QString &column, const PageRequest &request, QVariantList &params);
int limitOf(const PageRequest &request);

StoreError invalidData(const QString &message);

// "INSERT INTO <table> (<columns>) VALUES (?, ...) ON CONFLICT (id) DO UPDATE SET <every column but id> =
// excluded.<column> WHERE <ObjectVersion::sqlCondition>": the never-backwards upsert of a versioned
// table (columns status, status_rank and observed_at among `columns`, id first).
QString versionedUpsert(const QString &table, const QStringList &columns);
// The version the store holds of `id` in a versioned table; none when it holds no row.
StoreResult<std::optional<ObjectVersion>> loadVersion(Database &db, const QString &table, const QString &id);
// True when the store holds a state of `id` that `incoming` does not supersede.
StoreResult<bool> holdsNewerThan(Database &db, const QString &table, const QString &id,
                                 const ObjectVersion &incoming);
// The raw JSON of `id` in `table`; none when it holds no row.
StoreResult<std::optional<QJsonObject>> loadRaw(Database &db, const QString &table, const QString &id);
// Unix seconds of a QDateTime, 0 for a null one.
qint64 seconds(const QDateTime &time);

// The first row of a query read by `read`, or nothing.
template<typename Row, typename Read>
StoreResult<std::optional<Row>> firstRow(Database &db, const QString &sql, const QVariantList &params,
                                         Read &&read)
{
    std::optional<Row> found;
    const StoreError error = db.query(sql, params, [&](const QSqlQuery &row) {
        found = read(row);
        return false;
    });
    if (error.isError())
        return error;
    return found;
}

// Every row of a query, each read by `read`.
template<typename Row, typename Read>
StoreResult<QList<Row>> allRows(Database &db, const QString &sql, const QVariantList &params, Read &&read)
{
    QList<Row> rows;
    const StoreError error = db.query(sql, params, [&](const QSqlQuery &row) {
        rows.append(read(row));
        return true;
    });
    if (error.isError())
        return error;
    return rows;
}

// upsert(): `write` (one object, no transaction handling) in the caller's transaction or its own.
template<typename Write>
StoreResult<UpsertOutcome> upsertOne(Database &db, Write &&write)
{
    UpsertOutcome outcome = UpsertOutcome::Stale;
    const StoreError error = Transaction::run(db, [&]() -> StoreError {
        const StoreResult<UpsertOutcome> written = write();
        if (!written.ok())
            return written.error();
        outcome = written.value();
        return {};
    });
    if (error.isError())
        return error;
    return outcome;
}

// upsertMany(): `write` for each object in one transaction; unreadable objects are rejected alone, an SQL
// error fails the batch.
template<typename Write>
StoreResult<BatchResult> upsertBatch(Database &db, const QList<QJsonObject> &objects, Write &&write)
{
    BatchResult result;
    const StoreError error = Transaction::run(db, [&]() -> StoreError {
        for (const QJsonObject &json : objects) {
            const StoreResult<UpsertOutcome> written = write(json);
            if (written.ok())
                result.count(written.value());
            else if (written.error().kind == StoreError::Kind::InvalidData)
                result.reject(written.error().message);
            else
                return written.error();
        }
        return {};
    });
    if (error.isError())
        return error;
    return result;
}

} // namespace kassa::store::sql
