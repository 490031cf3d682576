// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/sqlsupport.h"

#include "services/store/database.h"
#include "services/store/rawjson.h"
#include "services/stripe/stripejson.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::store::sql {

QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(u""_s) : QVariant(value);
}

QVariant json(const Database &db, const QJsonObject &object)
{
    if (db.isSqlite())
        return rawjson::pack(object);
    return stripe::StripeJson::compact(object);
}

QString containsPattern(const QString &term)
{
    QString escaped;
    escaped.reserve(term.size() + 4);
    for (const QChar c : term) {
        if (c == u'%' || c == u'_' || c == u'\\')
            escaped += u'\\';
        escaped += c;
    }
    return u'%' + escaped + u'%';
}

QString likeOperator(Dialect dialect)
{
    return dialect == Dialect::Postgres ? u"ILIKE"_s : u"LIKE"_s;
}

QString ftsPhrase(const QString &term)
{
    QString quoted = term;
    quoted.replace(u'"', u"\"\""_s);
    return u'"' + quoted + u'"';
}

QStringList searchTerms(const QString &text)
{
    static const QRegularExpression space(u"\\s+"_s);
    return text.split(space, Qt::SkipEmptyParts);
}

QString greatest(Dialect dialect)
{
    return dialect == Dialect::Postgres ? u"GREATEST"_s : u"MAX"_s;
}

QString Where::sql() const
{
    return clauses.isEmpty() ? QString() : u" WHERE "_s + clauses.join(u" AND "_s);
}

int limitOf(const PageRequest &request)
{
    return std::clamp(request.limit, 1, PageRequest::MaxLimit);
}

void addKeyset(Where &where, const QString &column, const PageRequest &request)
{
    if (!request.after)
        return;
    const QString op = request.order == Qt::AscendingOrder ? u">"_s : u"<"_s;
    where.add(u"(%1, id) %2 (?, ?)"_s.arg(column, op), {request.after->value, text(request.after->id)});
}

QString orderAndLimit(const QString &column, const PageRequest &request, QVariantList &params)
{
    const QString direction = request.order == Qt::AscendingOrder ? u"ASC"_s : u"DESC"_s;
    params << qint64(limitOf(request) + 1);
    return u" ORDER BY %1 %2, id %2 LIMIT ?"_s.arg(column, direction);
}

StoreError invalidData(const QString &message)
{
    return StoreError::make(StoreError::Kind::InvalidData, message);
}

QString versionedUpsert(const QString &table, const QStringList &columns)
{
    QStringList marks;
    QStringList updates;
    for (const QString &column : columns) {
        marks << u"?"_s;
        if (column != u"id"_s)
            updates << u"%1 = excluded.%1"_s.arg(column);
    }
    return u"INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (id) DO UPDATE SET %4 WHERE %5"_s.arg(
        table, columns.join(u", "_s), marks.join(u", "_s), updates.join(u", "_s),
        ObjectVersion::sqlCondition(table));
}

StoreResult<std::optional<ObjectVersion>> loadVersion(Database &db, const QString &table, const QString &id)
{
    std::optional<ObjectVersion> version;
    const StoreError error =
        db.query(u"SELECT status, status_rank, observed_at, progress FROM %1 WHERE id = ?"_s.arg(table),
                 {text(id)}, [&version](const QSqlQuery &row) {
                     version = ObjectVersion{row.value(0).toString(), int(row.value(1).toLongLong()),
                                             row.value(2).toLongLong(), row.value(3).toLongLong()};
                     return false;
                 });
    if (error.isError())
        return error;
    return version;
}

StoreResult<bool> holdsNewerThan(Database &db, const QString &table, const QString &id,
                                 const ObjectVersion &incoming)
{
    const StoreResult<std::optional<ObjectVersion>> held = loadVersion(db, table, id);
    if (!held.ok())
        return held.error();
    return held.value().has_value() && !incoming.supersedes(*held.value());
}

StoreResult<std::optional<QJsonObject>> loadRaw(Database &db, const QString &table, const QString &id)
{
    std::optional<QVariant> stored;
    const StoreError error = db.query(u"SELECT raw FROM %1 WHERE id = ?"_s.arg(table), {text(id)},
                                      [&stored](const QSqlQuery &row) {
                                          stored = row.value(0);
                                          return false;
                                      });
    if (error.isError())
        return error;
    if (!stored)
        return std::optional<QJsonObject>();
    StoreResult<QJsonObject> object = rawjson::unpack(*stored, u"%1 %2"_s.arg(table, id));
    if (!object.ok())
        return object.error();
    return std::optional<QJsonObject>(object.value());
}

qint64 seconds(const QDateTime &time)
{
    return time.isValid() ? time.toSecsSinceEpoch() : 0;
}

} // namespace kassa::store::sql
