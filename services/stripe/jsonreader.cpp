#include "services/stripe/jsonreader.h"

#include <QJsonArray>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"a list"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Undefined:
        return u"nothing"_s;
    }
    return {};
}

} // namespace

JsonReader::JsonReader(const QJsonObject &object, const QString &path)
    : JsonReader(object, path, std::make_shared<QString>())
{
}

JsonReader::JsonReader(const QJsonObject &object, const QString &path, std::shared_ptr<QString> error)
    : m_object(object)
    , m_path(path)
    , m_error(std::move(error))
{
}

QString JsonReader::where(const QString &key) const
{
    return m_path + u'.' + key;
}

void JsonReader::fail(const QString &key, const QString &message) const
{
    if (m_error->isEmpty())
        *m_error = where(key) + u": "_s + message;
}

JsonReader JsonReader::child(const QString &key) const
{
    return JsonReader(object(key), where(key), m_error);
}

bool JsonReader::has(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    return !value.isUndefined() && !value.isNull();
}

QString JsonReader::string(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString()) {
        fail(key, u"expected a string, got "_s + typeName(value));
        return {};
    }
    return value.toString();
}

QString JsonReader::requiredString(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    if (!value.isString() || value.toString().isEmpty()) {
        fail(key, value.isString() ? u"expected a non-empty string"_s
                                   : u"expected a string, got "_s + typeName(value));
        return {};
    }
    return value.toString();
}

qint64 JsonReader::integer(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    if (value.isUndefined() || value.isNull())
        return 0;
    if (!value.isDouble()) {
        fail(key, u"expected an integer, got "_s + typeName(value));
        return 0;
    }
    // Stripe sends integers; a fraction means the answer is not what it claims to be.
    const qint64 integer = value.toInteger(std::numeric_limits<qint64>::min());
    if (integer == std::numeric_limits<qint64>::min()) {
        fail(key, u"expected an integer, got a number with a fraction or out of range"_s);
        return 0;
    }
    return integer;
}

qint64 JsonReader::requiredInteger(const QString &key) const
{
    if (!m_object.value(key).isDouble()) {
        fail(key, u"expected an integer, got "_s + typeName(m_object.value(key)));
        return 0;
    }
    return integer(key);
}

bool JsonReader::boolean(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    if (value.isUndefined() || value.isNull())
        return false;
    if (!value.isBool()) {
        fail(key, u"expected a boolean, got "_s + typeName(value));
        return false;
    }
    return value.toBool();
}

QDateTime JsonReader::time(const QString &key) const
{
    if (!has(key))
        return {};
    const qint64 seconds = integer(key);
    return ok() ? QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc()) : QDateTime();
}

QJsonObject JsonReader::object(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject()) {
        fail(key, u"expected an object, got "_s + typeName(value));
        return {};
    }
    return value.toObject();
}

QString JsonReader::idOf(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    if (value.isObject()) {
        const QJsonValue id = value.toObject().value(u"id"_s);
        if (!id.isString())
            fail(key + u".id"_s, u"an expanded object without a string id"_s);
        return id.toString();
    }
    return string(key);
}

QMap<QString, QString> JsonReader::metadata(const QString &key) const
{
    QMap<QString, QString> out;
    const QJsonObject map = object(key);
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it->isString()) {
            fail(key + u'.' + it.key(), u"expected a string, got "_s + typeName(*it));
            continue;
        }
        out.insert(it.key(), it->toString());
    }
    return out;
}

} // namespace kassa::stripe
