#include "sim/resources/apisupport.h"

#include "core/currency.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim::api {

namespace {

constexpr qint64 MaximumAmount = 99'999'999;

// Which fields of which object can be expanded, and to what object type.
QString expandableType(QStringView objectType, QStringView field)
{
    struct Entry
    {
        QStringView objectType;
        QStringView field;
        QStringView target;
    };
    static constexpr Entry Table[] = {
        {u"payment_intent", u"latest_charge", u"charge"},
        {u"payment_intent", u"customer", u"customer"},
        {u"payment_intent", u"payment_method", u"payment_method"},
        {u"charge", u"payment_intent", u"payment_intent"},
        {u"charge", u"customer", u"customer"},
        {u"charge", u"payment_method_object", u"payment_method"},
        {u"refund", u"charge", u"charge"},
        {u"refund", u"payment_intent", u"payment_intent"},
        {u"payment_method", u"customer", u"customer"},
        {u"customer", u"invoice_settings.default_payment_method", u"payment_method"},
        {u"setup_intent", u"payment_method", u"payment_method"},
        {u"setup_intent", u"customer", u"customer"},
        {u"checkout.session", u"payment_intent", u"payment_intent"},
        {u"checkout.session", u"setup_intent", u"setup_intent"},
        {u"checkout.session", u"customer", u"customer"},
        {u"checkout.session", u"payment_method", u"payment_method"},
        {u"terminal.reader", u"action.process_payment_intent.payment_intent", u"payment_intent"},
        {u"terminal.reader", u"action.process_setup_intent.setup_intent", u"setup_intent"},
    };
    for (const Entry &entry : Table) {
        if (entry.objectType == objectType && entry.field == field)
            return entry.target.toString();
    }
    return {};
}

std::optional<ApiReply> expandPath(const SimContext &context, QJsonObject &object, const QStringList &parts,
                                   int depth, const QString &fullPath)
{
    if (depth > 4)
        return ApiReply::invalidRequest(
            u"You cannot expand more than 4 levels of a property. Property: %1"_s.arg(fullPath), u"expand"_s);
    if (parts.isEmpty())
        return std::nullopt;
    const QString objectType = object.value(u"object"_s).toString();
    if (objectType == u"list"_s || objectType == u"search_result"_s) {
        if (parts.first() != u"data"_s)
            return ApiReply::invalidRequest(u"This property cannot be expanded (%1)."_s.arg(fullPath),
                                            u"expand"_s);
        QJsonArray data = object.value(u"data"_s).toArray();
        for (qsizetype i = 0; i < data.size(); ++i) {
            QJsonObject item = data.at(i).toObject();
            if (auto error = expandPath(context, item, parts.mid(1), depth, fullPath))
                return error;
            data.replace(i, item);
        }
        object.insert(u"data"_s, data);
        return std::nullopt;
    }
    // Fields with a dot in the table (invoice_settings.default_payment_method) are matched greedily.
    for (qsizetype take = parts.size(); take >= 1; --take) {
        const QString field = parts.mid(0, take).join(u'.');
        const QString target = expandableType(objectType, field);
        if (target.isEmpty())
            continue;
        const QStringList path = field.split(u'.');
        // Walk to the parent hash of the leaf field.
        QList<QJsonObject> chain{object};
        for (qsizetype i = 0; i + 1 < path.size(); ++i)
            chain.append(chain.last().value(path.at(i)).toObject());
        QJsonValue leaf = chain.last().value(path.last());
        if (leaf.isString()) {
            QJsonObject expanded = context.store.get(leaf.toString());
            if (expanded.isEmpty())
                return std::nullopt;
            if (auto error = expandPath(context, expanded, parts.mid(take), depth + 1, fullPath))
                return error;
            leaf = expanded;
        } else if (leaf.isObject() && take < parts.size()) {
            QJsonObject expanded = leaf.toObject();
            if (auto error = expandPath(context, expanded, parts.mid(take), depth + 1, fullPath))
                return error;
            leaf = expanded;
        }
        chain.last().insert(path.last(), leaf);
        for (qsizetype i = chain.size() - 1; i >= 1; --i)
            chain[i - 1].insert(path.at(i - 1), chain.at(i));
        object = chain.first();
        return std::nullopt;
    }
    return ApiReply::invalidRequest(u"This property cannot be expanded (%1)."_s.arg(fullPath), u"expand"_s);
}

} // namespace

bool matchesRange(const QJsonValue &filter, qint64 value)
{
    if (filter.isUndefined() || filter.isNull())
        return true;
    if (!filter.isObject())
        return value == filter.toInteger();
    const QJsonObject range = filter.toObject();
    if (range.contains(u"gt"_s) && !(value > range.value(u"gt"_s).toInteger()))
        return false;
    if (range.contains(u"gte"_s) && !(value >= range.value(u"gte"_s).toInteger()))
        return false;
    if (range.contains(u"lt"_s) && !(value < range.value(u"lt"_s).toInteger()))
        return false;
    if (range.contains(u"lte"_s) && !(value <= range.value(u"lte"_s).toInteger()))
        return false;
    return true;
}

ApiReply list(SimContext &context, const ApiCall &call, const QString &objectType, const QString &url,
              const std::function<bool(const QJsonObject &)> &filter,
              const std::function<QJsonObject(const QJsonObject &)> &present)
{
    ObjectStore::ListQuery query;
    query.type = objectType;
    if (call.has(u"limit"_s)) {
        const qint64 limit = call.params.value(u"limit"_s).toInteger();
        if (limit < 1 || limit > 100)
            return ApiReply::invalidRequest(u"Invalid limit: must be between 1 and 100"_s, u"limit"_s);
        query.limit = int(limit);
    }
    query.startingAfter = call.string(u"starting_after"_s);
    query.endingBefore = call.string(u"ending_before"_s);
    if (!query.startingAfter.isEmpty() && !query.endingBefore.isEmpty())
        return ApiReply::invalidRequest(
            u"You may only specify one of these parameters: ending_before, starting_after."_s,
            u"ending_before"_s, u"parameters_exclusive"_s);
    const QJsonValue created = call.params.value(u"created"_s);
    query.filter = [&](const QJsonObject &object) {
        if (object.value(u"deleted"_s).toBool())
            return false;
        if (!matchesRange(created, object.value(u"created"_s).toInteger()))
            return false;
        return !filter || filter(object);
    };
    const ObjectStore::ListResult result = context.store.list(query);
    if (!result.cursorFound) {
        const bool after = !query.startingAfter.isEmpty();
        const QString id = after ? query.startingAfter : query.endingBefore;
        return ApiReply::noSuchParam(objectType, id, after ? u"starting_after"_s : u"ending_before"_s);
    }
    QJsonArray data;
    for (const QJsonObject &item : result.data)
        data.append(present ? present(item) : item);
    QJsonObject body{
        {u"object"_s, u"list"_s}, {u"data"_s, data}, {u"has_more"_s, result.hasMore}, {u"url"_s, url}};
    if (auto error = expand(context, body, call.params.value(u"expand"_s).toArray()))
        return *error;
    return ApiReply::ok(body);
}

std::optional<ApiReply> expand(const SimContext &context, QJsonObject &object, const QJsonArray &paths)
{
    for (const QJsonValue &path : paths) {
        const QString text = path.toString();
        if (auto error = expandPath(context, object, text.split(u'.'), 1, text))
            return error;
    }
    return std::nullopt;
}

ApiReply object(const SimContext &context, const ApiCall &call, const QJsonObject &object)
{
    QJsonObject body = object;
    if (auto error = expand(context, body, call.params.value(u"expand"_s).toArray()))
        return *error;
    return ApiReply::ok(body);
}

std::optional<ApiReply> checkMetadata(const QJsonValue &metadata)
{
    const QJsonObject map = metadata.toObject();
    if (map.size() > 50)
        return ApiReply::invalidRequest(
            u"Metadata can have up to 50 keys, but you passed in %1 keys."_s.arg(map.size()), u"metadata"_s);
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it.key().size() > 40)
            return ApiReply::invalidRequest(
                u"Metadata keys can have up to 40 characters, but you passed in a key with %1 characters."_s
                    .arg(it.key().size()),
                u"metadata"_s);
        if (it->toString().size() > 500)
            return ApiReply::invalidRequest(
                u"Metadata values can have up to 500 characters, but you passed in a value with %1 characters."_s
                    .arg(it->toString().size()),
                u"metadata[%1]"_s.arg(it.key()));
    }
    return std::nullopt;
}

std::optional<ApiReply> updateMetadata(QJsonObject &object, const ApiCall &call)
{
    if (!call.has(u"metadata"_s))
        return std::nullopt;
    const QJsonValue given = call.params.value(u"metadata"_s);
    QJsonObject metadata = object.value(u"metadata"_s).toObject();
    if (given.isString()) {
        metadata = {};
    } else {
        const QJsonObject updates = given.toObject();
        for (auto it = updates.begin(); it != updates.end(); ++it) {
            if (it->toString().isEmpty())
                metadata.remove(it.key());
            else
                metadata.insert(it.key(), it->toString());
        }
    }
    if (auto error = checkMetadata(metadata))
        return error;
    object.insert(u"metadata"_s, metadata);
    return std::nullopt;
}

QString formatAmount(qint64 amount, const QString &currency)
{
    const std::optional<Currency> c = Currency::fromCode(currency);
    const int exponent = c ? c->exponent() : 2;
    QString digits = QString::number(amount < 0 ? -amount : amount);
    if (exponent > 0) {
        digits = digits.rightJustified(exponent + 1, u'0');
        digits.insert(digits.size() - exponent, u'.');
    }
    QString symbol;
    if (currency == u"usd"_s)
        symbol = u"$"_s;
    else if (currency == u"eur"_s)
        symbol = u"€"_s;
    else if (currency == u"gbp"_s)
        symbol = u"£"_s;
    else if (currency == u"jpy"_s)
        symbol = u"¥"_s;
    return (amount < 0 ? u"-"_s : QString()) + symbol + digits + u' ' + currency;
}

std::optional<ApiReply> checkAmount(const QString &currency, qint64 amount, const QString &param)
{
    const std::optional<Currency> c = Currency::fromCode(currency);
    if (!c || currency != c->code())
        return ApiReply::invalidRequest(
            u"Invalid currency: %1. Stripe currently supports these currencies: usd, eur, gbp, jpy, ... (see "
            "https://stripe.com/docs/currencies)"_s.arg(currency),
            u"currency"_s);
    if (amount < 1)
        return ApiReply::invalidRequest(u"This value must be greater than or equal to 1."_s, param,
                                        u"parameter_invalid_integer"_s);
    if (amount < c->minimumChargeAmount())
        return ApiReply::invalidRequest(
            u"Amount must be at least %1"_s.arg(formatAmount(c->minimumChargeAmount(), currency)), param,
            u"amount_too_small"_s);
    if (amount > MaximumAmount)
        return ApiReply::invalidRequest(
            u"Amount must be no more than %1"_s.arg(formatAmount(MaximumAmount, currency)), param,
            u"amount_too_large"_s);
    return std::nullopt;
}

void copyParams(QJsonObject &object, const ApiCall &call, const QStringList &names, QJsonObject *previous)
{
    for (const QString &name : names) {
        if (!call.has(name))
            continue;
        QJsonValue value = call.params.value(name);
        if (value.isString() && value.toString().isEmpty())
            value = QJsonValue::Null;
        if (previous && object.value(name) != value)
            previous->insert(name, object.value(name));
        object.insert(name, value);
    }
}

} // namespace kassa::sim::api
