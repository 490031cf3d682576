#include "sim/resources/searchquery.h"

#include "sim/resources/apisupport.h"
#include "sim/simcontext.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

QJsonValue valueAt(const QJsonObject &object, const QString &path)
{
    const QStringList parts = path.split(u'.');
    QJsonValue current = object;
    for (const QString &part : parts)
        current = current.toObject().value(part);
    return current;
}

QString valueText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble())
        return QString::number(value.toInteger());
    return {};
}

} // namespace

SearchQuery SearchQuery::parse(QStringView text, const QStringList &allowedFields)
{
    SearchQuery query;
    qsizetype i = 0;
    const qsizetype n = text.size();
    auto skipSpace = [&] {
        while (i < n && text.at(i).isSpace())
            ++i;
    };
    auto fail = [&](const QString &why) {
        query.m_error = u"We could not parse your search query: %1. See "
                        u"https://stripe.com/docs/search#search-query-language "
                        "for the query syntax."_s.arg(why);
        query.m_clauses.clear();
        return query;
    };
    QString joiner;
    while (true) {
        skipSpace();
        if (i >= n)
            break;
        Clause clause;
        if (text.at(i) == u'-') {
            clause.negated = true;
            ++i;
        }
        const qsizetype fieldStart = i;
        while (i < n && (text.at(i).isLetterOrNumber() || text.at(i) == u'_' || text.at(i) == u'.'))
            ++i;
        clause.field = text.mid(fieldStart, i - fieldStart).toString();
        if (clause.field.isEmpty())
            return fail(u"expected a field name at position %1"_s.arg(fieldStart));
        if (clause.field == u"metadata"_s) {
            if (i + 1 >= n || text.at(i) != u'[' || (text.at(i + 1) != u'\'' && text.at(i + 1) != u'"'))
                return fail(u"metadata needs a key, as in metadata['order_id']"_s);
            const QChar quote = text.at(i + 1);
            const qsizetype end = text.indexOf(quote, i + 2);
            if (end < 0 || end + 1 >= n || text.at(end + 1) != u']')
                return fail(u"unterminated metadata key"_s);
            clause.metadataKey = text.mid(i + 2, end - i - 2).toString();
            i = end + 2;
        }
        if (!allowedFields.contains(clause.field))
            return fail(u"the field '%1' is not supported; supported fields are %2"_s.arg(
                clause.field, allowedFields.join(u", ")));
        for (const QStringView op : {u">=", u"<=", u":", u"~", u">", u"<"}) {
            if (text.mid(i).startsWith(op)) {
                clause.op = op.toString();
                i += op.size();
                break;
            }
        }
        if (clause.op.isEmpty())
            return fail(u"expected one of : ~ > < >= <= after '%1'"_s.arg(clause.field));
        if (i < n && (text.at(i) == u'\'' || text.at(i) == u'"')) {
            const QChar quote = text.at(i);
            QString value;
            ++i;
            bool closed = false;
            while (i < n) {
                if (text.at(i) == u'\\' && i + 1 < n) {
                    value.append(text.at(i + 1));
                    i += 2;
                    continue;
                }
                if (text.at(i) == quote) {
                    closed = true;
                    ++i;
                    break;
                }
                value.append(text.at(i++));
            }
            if (!closed)
                return fail(u"unterminated string"_s);
            clause.value = value;
        } else {
            const qsizetype start = i;
            while (i < n && !text.at(i).isSpace())
                ++i;
            clause.value = text.mid(start, i - start).toString();
            if (clause.value == u"null"_s && clause.op == u":"_s)
                clause.isNull = true;
            else if (!clause.value.isEmpty() &&
                     (clause.value.at(0).isDigit() || clause.value.at(0) == u'-')) {
                bool ok = false;
                clause.value.toLongLong(&ok);
                if (!ok)
                    return fail(u"'%1' is not a number; quote strings"_s.arg(clause.value));
                clause.numeric = true;
            } else {
                return fail(u"'%1' must be quoted"_s.arg(clause.value));
            }
        }
        if (clause.op != u":"_s && clause.op != u"~"_s && !clause.numeric)
            return fail(u"%1 compares numbers only"_s.arg(clause.op));
        if (clause.op == u"~"_s && clause.value.size() < 3)
            return fail(u"a substring match (~) needs at least 3 characters"_s);
        query.m_clauses.append(clause);
        skipSpace();
        if (i >= n)
            break;
        const qsizetype wordStart = i;
        while (i < n && text.at(i).isLetter())
            ++i;
        const QString word = text.mid(wordStart, i - wordStart).toString();
        if (word != u"AND"_s && word != u"OR"_s)
            return fail(u"expected AND or OR at position %1"_s.arg(wordStart));
        if (!joiner.isEmpty() && joiner != word)
            return fail(u"AND and OR cannot be mixed in one query"_s);
        joiner = word;
        skipSpace();
        if (i >= n)
            return fail(u"expected a clause after %1"_s.arg(word));
    }
    if (query.m_clauses.isEmpty())
        return fail(u"the query is empty"_s);
    if (query.m_clauses.size() > 10)
        return fail(u"a query can have at most 10 clauses"_s);
    query.m_any = joiner == u"OR"_s;
    return query;
}

bool SearchQuery::clauseMatches(const Clause &clause, const QJsonObject &object) const
{
    const QJsonValue value = clause.metadataKey.isEmpty()
                                 ? valueAt(object, clause.field)
                                 : object.value(u"metadata"_s).toObject().value(clause.metadataKey);
    bool result = false;
    if (clause.isNull) {
        result = value.isNull() || value.isUndefined() || (value.isString() && value.toString().isEmpty());
    } else if (clause.numeric) {
        const qint64 actual = value.toInteger();
        const qint64 wanted = clause.value.toLongLong();
        if (value.isUndefined() || value.isNull())
            result = false;
        else if (clause.op == u":"_s)
            result = actual == wanted;
        else if (clause.op == u">"_s)
            result = actual > wanted;
        else if (clause.op == u"<"_s)
            result = actual < wanted;
        else if (clause.op == u">="_s)
            result = actual >= wanted;
        else
            result = actual <= wanted;
    } else if (clause.op == u"~"_s) {
        result = valueText(value).contains(clause.value, Qt::CaseInsensitive);
    } else {
        result = valueText(value).compare(clause.value, Qt::CaseInsensitive) == 0;
    }
    return clause.negated ? !result : result;
}

bool SearchQuery::matches(const QJsonObject &object) const
{
    if (object.value(u"deleted"_s).toBool())
        return false;
    for (const Clause &clause : m_clauses) {
        const bool hit = clauseMatches(clause, object);
        if (m_any && hit)
            return true;
        if (!m_any && !hit)
            return false;
    }
    return !m_any;
}

ApiReply SearchQuery::run(SimContext &context, const ApiCall &call, const QString &objectType,
                          const QString &url, const QStringList &allowedFields)
{
    const SearchQuery query = parse(call.string(u"query"_s), allowedFields);
    if (!query.isValid())
        return ApiReply::invalidRequest(query.error(), u"query"_s);
    qint64 limit = 10;
    if (call.has(u"limit"_s)) {
        limit = call.params.value(u"limit"_s).toInteger();
        if (limit < 1 || limit > 100)
            return ApiReply::invalidRequest(u"Invalid limit: must be between 1 and 100"_s, u"limit"_s);
    }
    // The page token is the id of the last object of the previous page, made opaque.
    QString after;
    if (call.has(u"page"_s)) {
        after = QString::fromUtf8(
            QByteArray::fromBase64(call.string(u"page"_s).toLatin1(),
                                   QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors));
        if (!after.startsWith(u"sim:"_s))
            return ApiReply::invalidRequest(u"Invalid page: the page token is not valid."_s, u"page"_s);
        after = after.mid(4);
    }
    QJsonArray data;
    bool hasMore = false;
    bool skipping = !after.isEmpty();
    QString lastId;
    context.store.forEachNewestFirst(objectType, [&](const QJsonObject &object) {
        const QString id = object.value(u"id"_s).toString();
        if (skipping) {
            skipping = id != after;
            return true;
        }
        if (!query.matches(object))
            return true;
        if (data.size() == limit) {
            hasMore = true;
            return false;
        }
        data.append(object);
        lastId = id;
        return true;
    });
    QJsonObject body{{u"object"_s, u"search_result"_s},
                     {u"data"_s, data},
                     {u"has_more"_s, hasMore},
                     {u"next_page"_s,
                      hasMore
                          ? QJsonValue(QString::fromLatin1(
                                QByteArray("sim:" + lastId.toUtf8()).toBase64(QByteArray::Base64UrlEncoding)))
                          : QJsonValue()},
                     {u"url"_s, url}};
    if (auto error = api::expand(context, body, call.params.value(u"expand"_s).toArray()))
        return *error;
    return ApiReply::ok(body);
}

} // namespace kassa::sim
