#pragma once

#include "sim/router.h"

namespace kassa::sim {

class SimContext;

// /v1/events: list (created[...], type with a trailing wildcard, types[], pagination; the last
// 30 days only, as Stripe keeps them) and retrieve.
class Events
{
public:
    explicit Events(SimContext &context);
    void registerRoutes(Router &router);

    static constexpr qint64 RetentionSeconds = 30 * 24 * 3600;

private:
    ApiReply list(const ApiCall &call);
    ApiReply retrieve(const ApiCall &call);

    SimContext &m_context;
};

} // namespace kassa::sim
