// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sim/params/formnode.h"
#include "sim/params/schemanode.h"
#include "sim/params/validationresult.h"

#include <QByteArrayView>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <vector>

namespace kassa::sim {

// The request parameters of the endpoints the simulator serves, from the table that
// scripts/gen-sim-params.py generates out of Stripe's OpenAPI spec (sim/params/stripe-params.json,
// embedded as :/sim/stripe-params.json). load() turns the JSON into SchemaNodes once; validate()
// then checks a request against them and returns its parameters typed, or the error Stripe would
// give. A loaded schema is immutable, so one instance can be shared by every request handler.
class ParamSchema
{
public:
    struct Endpoint
    {
        QString method;       // "GET", "POST", "DELETE"
        QString pathTemplate; // as the spec writes it, e.g. "/v1/payment_intents/{intent}"
        friend bool operator==(const Endpoint &, const Endpoint &) = default;
    };

    static QString embeddedResourcePath() { return QStringLiteral(":/sim/stripe-params.json"); }

    // Replaces the table with the one in `json`. On failure returns false, says why in *error and
    // keeps the previous table.
    bool load(QByteArrayView json, QString *error = nullptr);
    // load() from embeddedResourcePath().
    bool loadEmbedded(QString *error = nullptr);

    bool isLoaded() const { return !m_endpoints.isEmpty(); }
    // The method is matched case-insensitively, the path template exactly.
    bool hasEndpoint(QStringView method, QStringView pathTemplate) const;
    QList<Endpoint> endpoints() const { return m_endpoints; }
    // Where the table comes from, and what it adds to Stripe's spec (from the table's "about").
    QString source() const { return m_source; }
    QStringList supplements() const { return m_supplements; }

    // Checks decoded parameters (a POST body or a GET/DELETE query) of one endpoint. An endpoint
    // not in the table gives a 404 error.
    ValidationResult validate(QStringView method, QStringView pathTemplate, const FormNode &params) const;
    // The same from the raw body or query string (without '?'), decoded with FormDecoder first;
    // malformed input gives a 400 error naming the parameter.
    ValidationResult validate(QStringView method, QStringView pathTemplate, QByteArrayView encoded) const;

private:
    int rootOf(QStringView method, QStringView pathTemplate) const;
    static ValidationResult unknownEndpoint(QStringView method, QStringView pathTemplate);

    std::vector<SchemaNode> m_nodes;
    QHash<QString, int> m_roots; // "POST /v1/payment_intents" -> index in m_nodes
    QList<Endpoint> m_endpoints;
    QString m_source;
    QStringList m_supplements;
};

} // namespace kassa::sim
