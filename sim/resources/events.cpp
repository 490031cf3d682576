#include "sim/resources/events.h"

#include "sim/resources/apisupport.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

Events::Events(SimContext &context)
    : m_context(context)
{
}

void Events::registerRoutes(Router &router)
{
    router.add(u"GET"_s, u"/v1/events"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/events/{id}"_s, [this](const ApiCall &c) { return retrieve(c); });
}

ApiReply Events::list(const ApiCall &call)
{
    const QString type = call.string(u"type"_s);
    QStringList types;
    const QJsonArray typesParam = call.params.value(u"types"_s).toArray();
    for (const QJsonValue &value : typesParam)
        types.append(value.toString());
    if (!type.isEmpty() && !types.isEmpty())
        return ApiReply::invalidRequest(u"You may only specify one of these parameters: type, types."_s,
                                        u"types"_s, u"parameters_exclusive"_s);
    if (types.size() > 20)
        return ApiReply::invalidRequest(u"You may pass at most 20 types."_s, u"types"_s);
    const qint64 oldest = m_context.now() - RetentionSeconds;
    auto typeMatches = [](const QString &pattern, const QString &actual) {
        if (pattern.endsWith(u".*"_s))
            return actual.startsWith(pattern.chopped(1));
        return pattern == actual;
    };
    return api::list(m_context, call, u"event"_s, u"/v1/events"_s, [=](const QJsonObject &event) {
        if (event.value(u"created"_s).toInteger() < oldest)
            return false;
        const QString actual = event.value(u"type"_s).toString();
        if (!type.isEmpty() && !typeMatches(type, actual))
            return false;
        if (!types.isEmpty()) {
            for (const QString &pattern : types) {
                if (typeMatches(pattern, actual))
                    return true;
            }
            return false;
        }
        return true;
    });
}

ApiReply Events::retrieve(const ApiCall &call)
{
    const QJsonObject event = m_context.store.get(call.arg(), u"event");
    if (event.isEmpty() || event.value(u"created"_s).toInteger() < m_context.now() - RetentionSeconds)
        return ApiReply::noSuch(u"event", call.arg(), u"id"_s);
    return api::object(m_context, call, event);
}

} // namespace kassa::sim
