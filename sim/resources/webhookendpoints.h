#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;

// /v1/webhook_endpoints: create (the only answer that carries the whsec_ secret), retrieve, update,
// list, delete.
class WebhookEndpoints
{
public:
    explicit WebhookEndpoints(SimContext &context);
    void registerRoutes(Router &router);

    // An endpoint made outside the API (the --webhook option); returns its id.
    QString addEndpoint(const QString &url, const QString &secret, const QStringList &enabledEvents);

private:
    ApiReply create(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);
    ApiReply update(const ApiCall &call);
    ApiReply list(const ApiCall &call);
    ApiReply remove(const ApiCall &call);
    static QJsonObject present(const QJsonObject &endpoint);
    std::optional<ApiReply> checkUrl(const QString &url) const;

    SimContext &m_context;
};

} // namespace kassa::sim
