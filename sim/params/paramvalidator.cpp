// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/params/paramvalidator.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

using Type = SchemaNode::Type;

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// An optional '-' and decimal digits, within the range of qint64.
bool parseInteger(QStringView text, qint64 *out)
{
    const bool negative = text.startsWith(u'-');
    const QStringView digits = negative ? text.sliced(1) : text;
    if (digits.isEmpty())
        return false;
    const quint64 limit = negative ? quint64(std::numeric_limits<qint64>::max()) + 1
                                   : quint64(std::numeric_limits<qint64>::max());
    quint64 value = 0;
    for (const QChar c : digits) {
        if (!isDigit(c))
            return false;
        const auto digit = quint64(c.unicode() - u'0');
        if (value > (limit - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    *out = negative ? qint64(0 - value) : qint64(value);
    return true;
}

// An optional '-', digits, and an optional fraction: "12", "-0.5", "12.345", ".5".
bool isDecimal(QStringView text)
{
    if (text.startsWith(u'-'))
        text = text.sliced(1);
    qsizetype i = 0;
    qsizetype intDigits = 0;
    while (i < text.size() && isDigit(text[i])) {
        ++i;
        ++intDigits;
    }
    qsizetype fracDigits = 0;
    if (i < text.size() && text[i] == u'.') {
        ++i;
        while (i < text.size() && isDigit(text[i])) {
            ++i;
            ++fracDigits;
        }
        if (fracDigits == 0)
            return false;
    }
    return i == text.size() && intDigits + fracDigits > 0;
}

// An array index: "0" or digits without a leading zero, at most 9 of them.
bool parseIndex(QStringView key, int *out)
{
    if (key.isEmpty() || key.size() > 9 || (key.size() > 1 && key[0] == u'0'))
        return false;
    int value = 0;
    for (const QChar c : key) {
        if (!isDigit(c))
            return false;
        value = value * 10 + (c.unicode() - u'0');
    }
    *out = value;
    return true;
}

qsizetype codePoints(const QString &text)
{
    qsizetype n = 0;
    for (const QChar c : text) {
        if (!c.isLowSurrogate())
            ++n;
    }
    return n;
}

QString typeName(Type type)
{
    switch (type) {
    case Type::String:
        return u"string"_s;
    case Type::Integer:
        return u"integer"_s;
    case Type::Number:
        return u"decimal"_s;
    case Type::Boolean:
        return u"boolean"_s;
    case Type::Object:
        return u"hash"_s;
    case Type::Array:
        return u"array"_s;
    case Type::Any:
    case Type::AnyOf:
        break;
    }
    return u"value"_s;
}

bool takesMap(const SchemaNode &schema)
{
    return schema.type == Type::Object || schema.type == Type::Array || schema.type == Type::Any ||
           schema.type == Type::AnyOf;
}

bool takesValue(const SchemaNode &schema)
{
    return schema.type != Type::Object && schema.type != Type::Array;
}

// "a", "a or b", "a, b, or c"
QString oneOf(const std::vector<QString> &values)
{
    QString out;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += values.size() == 2 ? u" or "_s : (i + 1 == values.size() ? u", or "_s : u", "_s);
        out += values[i];
    }
    return out;
}

} // namespace

ParamValidator::ParamValidator(const std::vector<SchemaNode> &nodes)
    : m_nodes(nodes)
{
}

ValidationResult ParamValidator::validate(int root, const FormNode &tree)
{
    m_path.clear();
    m_error.reset();
    ValidationResult result;
    QJsonValue params;
    if (check(root, tree, &params, false))
        result.params = params.toObject();
    else
        result.error = std::move(m_error);
    return result;
}

bool ParamValidator::check(int schemaIndex, const FormNode &node, QJsonValue *out, bool inFreeMap)
{
    const SchemaNode &schema = m_nodes[size_t(schemaIndex)];
    if (node.isValue() && node.value().isEmpty()) {
        // Stripe reads "" as "unset this": valid where the table allows it, and for the values of
        // free-form maps (metadata[key]= removes one key).
        const bool freeValue = inFreeMap && (schema.type == Type::String || schema.type == Type::Any);
        if (schema.emptyAllowed || freeValue || schema.type == Type::Any) {
            *out = QString();
            return true;
        }
        const QString name = param();
        return fail(u"parameter_invalid_empty"_s,
                    u"You passed an empty string for '"_s + name +
                        u"'. We assume empty values are an attempt to unset a parameter; however '"_s + name +
                        u"' cannot be unset. You should remove '"_s + name +
                        u"' from your request or supply a non-empty value."_s);
    }
    switch (schema.type) {
    case Type::Any:
        *out = node.toJson();
        return true;
    case Type::AnyOf:
        return checkAnyOf(schema, node, out, inFreeMap);
    case Type::Object:
        return node.isMap() ? checkObject(schema, node, out) : shapeMismatch(schema);
    case Type::Array:
        return node.isMap() ? checkArray(schema, node, out) : shapeMismatch(schema);
    case Type::String:
    case Type::Integer:
    case Type::Number:
    case Type::Boolean:
        return node.isValue() ? checkScalar(schema, node.value(), out) : shapeMismatch(schema);
    }
    return false;
}

bool ParamValidator::checkScalar(const SchemaNode &schema, const QString &value, QJsonValue *out)
{
    switch (schema.type) {
    case Type::String:
        if (schema.hasEnum &&
            std::find(schema.enumValues.begin(), schema.enumValues.end(), value) == schema.enumValues.end()) {
            const QString name = param();
            return fail(QString(), u"Invalid "_s + name + u": must be one of "_s + oneOf(schema.enumValues));
        }
        if (schema.maxLength >= 0 && value.size() > schema.maxLength &&
            codePoints(value) > schema.maxLength) {
            const QString shown = value.size() > 50 ? QString(value.left(50) + u"..."_s) : value;
            return fail(QString(), u"Invalid string: "_s + shown + u"; must be at most "_s +
                                       QString::number(schema.maxLength) + u" characters"_s);
        }
        if (schema.format == SchemaNode::Format::Decimal && !isDecimal(value))
            return fail(QString(), u"Invalid decimal: "_s + value);
        *out = value;
        return true;
    case Type::Integer: {
        qint64 number = 0;
        if (!parseInteger(value, &number))
            return fail(u"parameter_invalid_integer"_s, u"Invalid integer: "_s + value);
        *out = number;
        return true;
    }
    case Type::Number: {
        bool ok = false;
        const double number = isDecimal(value) ? value.toDouble(&ok) : 0.0;
        if (!ok)
            return fail(QString(), u"Invalid decimal: "_s + value);
        *out = number;
        return true;
    }
    case Type::Boolean:
        if (value == u"true"_s) {
            *out = true;
            return true;
        }
        if (value == u"false"_s) {
            *out = false;
            return true;
        }
        return fail(QString(), u"Invalid boolean: "_s + value);
    case Type::Any:
    case Type::AnyOf:
    case Type::Object:
    case Type::Array:
        break;
    }
    return false;
}

bool ParamValidator::checkObject(const SchemaNode &schema, const FormNode &node, QJsonValue *out)
{
    QJsonObject object;
    for (const FormNode &child : node.children()) {
        m_path.append(child.key());
        const int known = schema.property(child.key());
        const int sub = known >= 0 ? known : schema.additional;
        if (sub < 0)
            return fail(u"parameter_unknown"_s, u"Received unknown parameter: "_s + param());
        QJsonValue value;
        if (!check(sub, child, &value, known < 0))
            return false;
        object.insert(child.key(), value);
        m_path.removeLast();
    }
    for (const QString &name : schema.required) {
        if (!node.child(name)) {
            m_path.append(name);
            return fail(u"parameter_missing"_s, u"Missing required param: "_s + param() + u'.');
        }
    }
    *out = object;
    return true;
}

bool ParamValidator::checkArray(const SchemaNode &schema, const FormNode &node, QJsonValue *out)
{
    const std::vector<FormNode> &children = node.children();
    QVarLengthArray<std::pair<int, const FormNode *>, 16> elements;
    elements.reserve(qsizetype(children.size()));
    for (const FormNode &child : children) {
        int index = 0;
        if (!parseIndex(child.key(), &index))
            return fail(QString(), u"Invalid array"_s);
        elements.append({index, &child});
    }
    if (node.childStyle() != FormNode::ChildStyle::Appended)
        std::sort(elements.begin(), elements.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });

    QJsonArray array;
    for (const auto &[index, child] : elements) {
        m_path.append(child->key());
        QJsonValue value;
        if (schema.items >= 0) {
            if (!check(schema.items, *child, &value, false))
                return false;
        } else {
            value = child->toJson();
        }
        array.append(value);
        m_path.removeLast();
    }
    *out = array;
    return true;
}

bool ParamValidator::checkAnyOf(const SchemaNode &schema, const FormNode &node, QJsonValue *out,
                                bool inFreeMap)
{
    // Try the branches that take this shape of input (a value or nested keys) in order; the first
    // that accepts wins. When none does, report what the first of them said.
    std::optional<ParamError> firstError;
    const SchemaNode *firstOther = nullptr;
    for (const int branch : schema.anyOf) {
        const SchemaNode &candidate = m_nodes[size_t(branch)];
        const bool unsetOnly = candidate.hasEnum && candidate.enumValues.empty(); // {enum: [""]}
        const bool fits = node.isMap() ? takesMap(candidate) : (takesValue(candidate) && !unsetOnly);
        if (!fits) {
            if (!firstOther && !unsetOnly)
                firstOther = &candidate;
            continue;
        }
        const qsizetype depth = m_path.size();
        QJsonValue value;
        if (check(branch, node, &value, inFreeMap)) {
            *out = value;
            return true;
        }
        if (!firstError)
            firstError = std::move(m_error);
        m_error.reset();
        m_path.resize(depth);
    }
    if (firstError) {
        m_error = std::move(firstError);
        return false;
    }
    return shapeMismatch(firstOther ? *firstOther : schema);
}

// A value where nested keys are expected, or nested keys where a value is expected.
bool ParamValidator::shapeMismatch(const SchemaNode &schema)
{
    if (schema.type == Type::Object || schema.type == Type::Array)
        return fail(QString(), u"Invalid "_s + typeName(schema.type));
    const QString name = typeName(schema.type);
    const QString article = name == u"integer"_s ? u"an"_s : u"a"_s;
    return fail(QString(), u"Invalid "_s + name + u": '"_s + param() + u"' must be "_s + article + u' ' +
                               name + u", not an object"_s);
}

bool ParamValidator::fail(QString code, QString message)
{
    m_error = ParamError{400, u"invalid_request_error"_s, std::move(code), std::move(message), param()};
    return false;
}

QString ParamValidator::param() const
{
    if (m_path.isEmpty())
        return QString();
    QString out = m_path[0].toString();
    for (qsizetype i = 1; i < m_path.size(); ++i)
        out += u'[' + m_path[i] + u']';
    return out;
}

} // namespace kassa::sim
