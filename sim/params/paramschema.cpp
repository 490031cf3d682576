// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/params/paramschema.h"

#include "sim/params/formdecoder.h"
#include "sim/params/paramvalidator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::sim {

Q_LOGGING_CATEGORY(lcSimParams, "kassa.sim.params")

namespace {

constexpr int maxSchemaDepth = 64;

// Appends the SchemaNodes of one JSON schema (and of everything under it) to `nodes`.
// Returns the index of its node, or -1 with *error set.
int addSchema(std::vector<SchemaNode> &nodes, const QJsonObject &json, int depth, const QString &where,
              QString *error)
{
    using Type = SchemaNode::Type;
    if (depth > maxSchemaDepth) {
        *error = where + u": schema nested too deeply"_s;
        return -1;
    }
    SchemaNode node;

    if (const QJsonValue anyOf = json.value("anyOf"_L1); anyOf.isArray()) {
        node.type = Type::AnyOf;
        for (const QJsonValue &branch : anyOf.toArray()) {
            const int index = addSchema(nodes, branch.toObject(), depth + 1, where, error);
            if (index < 0)
                return -1;
            node.anyOf.push_back(index);
            node.emptyAllowed = node.emptyAllowed || nodes[size_t(index)].emptyAllowed;
        }
        nodes.push_back(std::move(node));
        return int(nodes.size() - 1);
    }

    const QString type = json.value("type"_L1).toString();
    if (type.isEmpty())
        node.type = Type::Any;
    else if (type == "string"_L1)
        node.type = Type::String;
    else if (type == "integer"_L1)
        node.type = Type::Integer;
    else if (type == "number"_L1)
        node.type = Type::Number;
    else if (type == "boolean"_L1)
        node.type = Type::Boolean;
    else if (type == "object"_L1)
        node.type = Type::Object;
    else if (type == "array"_L1)
        node.type = Type::Array;
    else {
        *error = where + u": unknown type '"_s + type + u"'"_s;
        return -1;
    }

    if (const QJsonValue values = json.value("enum"_L1); values.isArray()) {
        node.hasEnum = true;
        for (const QJsonValue &v : values.toArray()) {
            const QString s = v.isString() ? v.toString() : v.toVariant().toString();
            if (s.isEmpty())
                node.emptyAllowed = true;
            else
                node.enumValues.push_back(s);
        }
    }
    if (const QJsonValue maxLength = json.value("maxLength"_L1); maxLength.isDouble())
        node.maxLength = maxLength.toInteger();
    const QString format = json.value("format"_L1).toString();
    if (format == "unix-time"_L1)
        node.format = SchemaNode::Format::UnixTime;
    else if (format == "decimal"_L1)
        node.format = SchemaNode::Format::Decimal;

    if (node.type == Type::Object) {
        const QJsonValue properties = json.value("properties"_L1);
        const QJsonValue additional = json.value("additionalProperties"_L1);
        node.closed = properties.isObject() || additional == QJsonValue(false);
        const QJsonObject props = properties.toObject();
        for (auto it = props.begin(); it != props.end(); ++it) {
            const int index = addSchema(nodes, it.value().toObject(), depth + 1, where, error);
            if (index < 0)
                return -1;
            node.properties.emplace_back(it.key(), index);
        }
        std::sort(node.properties.begin(), node.properties.end());
        if (additional.isObject() || additional == QJsonValue(true) || !node.closed) {
            // A free-form map: {additionalProperties: {type: string}} is metadata; an object with
            // neither properties nor additionalProperties takes anything.
            const int index = addSchema(nodes, additional.toObject(), depth + 1, where, error);
            if (index < 0)
                return -1;
            node.additional = index;
            node.closed = false;
        }
        for (const QJsonValue &name : json.value("required"_L1).toArray())
            node.required.push_back(name.toString());
    } else if (node.type == Type::Array) {
        if (const QJsonValue items = json.value("items"_L1); items.isObject()) {
            node.items = addSchema(nodes, items.toObject(), depth + 1, where, error);
            if (node.items < 0)
                return -1;
        }
    }
    nodes.push_back(std::move(node));
    return int(nodes.size() - 1);
}

QString endpointKey(QStringView method, QStringView pathTemplate)
{
    return method.toString().toUpper() + u' ' + pathTemplate;
}

} // namespace

bool ParamSchema::load(QByteArrayView json, QString *error)
{
    QString problem;
    auto failed = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (document.isNull())
        return failed(u"parameter table is not JSON: "_s + parseError.errorString());
    const QJsonObject root = document.object();
    const QJsonValue endpoints = root.value("endpoints"_L1);
    if (!endpoints.isArray() || endpoints.toArray().isEmpty())
        return failed(u"parameter table has no endpoints"_s);

    std::vector<SchemaNode> nodes;
    QHash<QString, int> roots;
    QList<Endpoint> list;
    for (const QJsonValue &entry : endpoints.toArray()) {
        const QJsonObject endpoint = entry.toObject();
        const QString method = endpoint.value("method"_L1).toString().toUpper();
        const QString path = endpoint.value("path"_L1).toString();
        const QString where = method + u' ' + path;
        if (method.isEmpty() || !path.startsWith(u'/'))
            return failed(u"parameter table: an endpoint lacks its method or path"_s);
        if (roots.contains(where))
            return failed(u"parameter table: "_s + where + u" is listed twice"_s);
        const int index = addSchema(nodes, endpoint.value("params"_L1).toObject(), 0, where, &problem);
        if (index < 0)
            return failed(u"parameter table: "_s + problem);
        if (nodes[size_t(index)].type != SchemaNode::Type::Object)
            return failed(u"parameter table: "_s + where + u": params is not an object"_s);
        roots.insert(where, index);
        list.append(Endpoint{method, path});
    }

    const QJsonObject about = root.value("about"_L1).toObject();
    QStringList supplements;
    for (const QJsonValue &s : about.value("supplements"_L1).toArray())
        supplements.append(s.toString());

    m_nodes = std::move(nodes);
    m_roots = std::move(roots);
    m_endpoints = std::move(list);
    m_source = about.value("source"_L1).toString();
    m_supplements = std::move(supplements);
    return true;
}

bool ParamSchema::loadEmbedded(QString *error)
{
    QFile file(embeddedResourcePath());
    if (!file.open(QIODevice::ReadOnly)) {
        const QString why = u"cannot open "_s + embeddedResourcePath() + u": "_s + file.errorString();
        qCWarning(lcSimParams).noquote() << why;
        if (error)
            *error = why;
        return false;
    }
    QString why;
    if (!load(file.readAll(), &why)) {
        qCWarning(lcSimParams).noquote() << why;
        if (error)
            *error = why;
        return false;
    }
    return true;
}

bool ParamSchema::hasEndpoint(QStringView method, QStringView pathTemplate) const
{
    return rootOf(method, pathTemplate) >= 0;
}

int ParamSchema::rootOf(QStringView method, QStringView pathTemplate) const
{
    return m_roots.value(endpointKey(method, pathTemplate), -1);
}

ValidationResult ParamSchema::unknownEndpoint(QStringView method, QStringView pathTemplate)
{
    ValidationResult result;
    result.error = ParamError{404, u"invalid_request_error"_s, QString(),
                              u"Unrecognized request URL ("_s + method.toString().toUpper() + u": "_s +
                                  pathTemplate + u")."_s,
                              QString()};
    return result;
}

ValidationResult ParamSchema::validate(QStringView method, QStringView pathTemplate,
                                       const FormNode &params) const
{
    const int root = rootOf(method, pathTemplate);
    if (root < 0)
        return unknownEndpoint(method, pathTemplate);
    return ParamValidator(m_nodes).validate(root, params);
}

ValidationResult ParamSchema::validate(QStringView method, QStringView pathTemplate,
                                       QByteArrayView encoded) const
{
    const int root = rootOf(method, pathTemplate);
    if (root < 0)
        return unknownEndpoint(method, pathTemplate);
    FormDecoder::Result decoded = FormDecoder::decode(encoded);
    if (!decoded.ok()) {
        const FormDecoder::Error &first = decoded.errors.constFirst();
        ValidationResult result;
        result.error = ParamError{400, u"invalid_request_error"_s, QString(), first.message, first.param};
        return result;
    }
    return ParamValidator(m_nodes).validate(root, decoded.root);
}

} // namespace kassa::sim
