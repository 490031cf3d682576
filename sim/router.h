#pragma once

#include "sim/apireply.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace kassa::sim {

// One API request after authentication and parameter validation.
struct ApiCall
{
    QString method;       // GET, POST, DELETE
    QString pathTemplate; // "/v1/payment_intents/{intent}" as the OpenAPI spec writes it
    QStringList args;     // the path's {placeholders}, percent-decoded, in order
    QJsonObject params;   // typed by the parameter table
    QString requestId;
    QString idempotencyKey;

    QString arg(int index = 0) const { return args.value(index); }
    QString string(const QString &name) const { return params.value(name).toString(); }
    bool has(const QString &name) const { return params.contains(name); }
};

using ApiHandler = std::function<ApiReply(const ApiCall &)>;

class Router
{
public:
    struct Route
    {
        QString method;
        QString pathTemplate;
        QStringList segments; // "{x}" for a placeholder
        int literalCount = 0;
        ApiHandler handler;
    };
    struct Match
    {
        const Route *route = nullptr;
        QStringList args;
    };

    void add(const QString &method, const QString &pathTemplate, ApiHandler handler);
    // The most specific route (most literal segments) for the method and the percent-encoded path.
    std::optional<Match> match(QStringView method, QStringView path) const;
    const QList<Route> &routes() const { return m_routes; }

private:
    QList<Route> m_routes;
};

} // namespace kassa::sim
