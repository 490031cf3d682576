#include "sim/resources/webhookendpoints.h"

#include "sim/resources/apisupport.h"
#include "sim/simcontext.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace kassa::sim {

WebhookEndpoints::WebhookEndpoints(SimContext &context)
    : m_context(context)
{
}

void WebhookEndpoints::registerRoutes(Router &router)
{
    router.add(u"POST"_s, u"/v1/webhook_endpoints"_s, [this](const ApiCall &c) { return create(c); });
    router.add(u"GET"_s, u"/v1/webhook_endpoints"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/webhook_endpoints/{webhook_endpoint}"_s,
               [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/webhook_endpoints/{webhook_endpoint}"_s,
               [this](const ApiCall &c) { return update(c); });
    router.add(u"DELETE"_s, u"/v1/webhook_endpoints/{webhook_endpoint}"_s,
               [this](const ApiCall &c) { return remove(c); });
}

QJsonObject WebhookEndpoints::present(const QJsonObject &endpoint)
{
    QJsonObject shown = endpoint;
    shown.remove(u"secret"_s);
    return shown;
}

std::optional<ApiReply> WebhookEndpoints::checkUrl(const QString &text) const
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"https"_s && url.scheme() != u"http"_s) || url.host().isEmpty())
        return ApiReply::invalidRequest(
            u"Invalid URL: %1. URLs must begin with http:// or https://."_s.arg(text), u"url"_s,
            u"url_invalid"_s);
    return std::nullopt;
}

QString WebhookEndpoints::addEndpoint(const QString &url, const QString &secret,
                                      const QStringList &enabledEvents)
{
    QJsonObject endpoint{
        {u"id"_s, m_context.newId(u"we")},
        {u"object"_s, u"webhook_endpoint"_s},
        {u"api_version"_s, QJsonValue::Null},
        {u"application"_s, QJsonValue::Null},
        {u"created"_s, m_context.now()},
        {u"description"_s, QJsonValue::Null},
        {u"enabled_events"_s, QJsonArray::fromStringList(enabledEvents)},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject()},
        {u"secret"_s, secret},
        {u"status"_s, u"enabled"_s},
        {u"url"_s, url},
    };
    m_context.store.insert(endpoint);
    m_context.markDirty();
    return endpoint.value(u"id"_s).toString();
}

ApiReply WebhookEndpoints::create(const ApiCall &call)
{
    if (auto error = checkUrl(call.string(u"url"_s)))
        return *error;
    if (auto error = api::checkMetadata(call.params.value(u"metadata"_s)))
        return *error;
    QStringList events;
    const QJsonArray given = call.params.value(u"enabled_events"_s).toArray();
    for (const QJsonValue &value : given)
        events.append(value.toString());
    const QString id = addEndpoint(call.string(u"url"_s), u"whsec_"_s + m_context.randomToken(32), events);
    QJsonObject endpoint = m_context.store.get(id);
    api::copyParams(endpoint, call, {u"description"_s, u"api_version"_s});
    api::updateMetadata(endpoint, call);
    m_context.store.update(endpoint);
    return ApiReply::ok(endpoint);
}

ApiReply WebhookEndpoints::retrieve(const ApiCall &call)
{
    const QJsonObject endpoint = m_context.store.get(call.arg(), u"webhook_endpoint");
    if (endpoint.isEmpty())
        return ApiReply::noSuch(u"webhook_endpoint", call.arg(), u"webhook_endpoint"_s);
    return ApiReply::ok(present(endpoint));
}

ApiReply WebhookEndpoints::update(const ApiCall &call)
{
    QJsonObject endpoint = m_context.store.get(call.arg(), u"webhook_endpoint");
    if (endpoint.isEmpty())
        return ApiReply::noSuch(u"webhook_endpoint", call.arg(), u"webhook_endpoint"_s);
    if (call.has(u"url"_s)) {
        if (auto error = checkUrl(call.string(u"url"_s)))
            return *error;
    }
    if (auto error = api::updateMetadata(endpoint, call))
        return *error;
    api::copyParams(endpoint, call, {u"url"_s, u"description"_s, u"enabled_events"_s});
    if (call.has(u"disabled"_s))
        endpoint.insert(u"status"_s,
                        call.params.value(u"disabled"_s).toBool() ? u"disabled"_s : u"enabled"_s);
    m_context.store.update(endpoint);
    return ApiReply::ok(present(endpoint));
}

ApiReply WebhookEndpoints::list(const ApiCall &call)
{
    return api::list(m_context, call, u"webhook_endpoint"_s, u"/v1/webhook_endpoints"_s, {}, &present);
}

ApiReply WebhookEndpoints::remove(const ApiCall &call)
{
    const QJsonObject endpoint = m_context.store.get(call.arg(), u"webhook_endpoint");
    if (endpoint.isEmpty())
        return ApiReply::noSuch(u"webhook_endpoint", call.arg(), u"webhook_endpoint"_s);
    m_context.store.remove(call.arg());
    m_context.markDirty();
    return ApiReply::ok(
        QJsonObject{{u"id"_s, call.arg()}, {u"object"_s, u"webhook_endpoint"_s}, {u"deleted"_s, true}});
}

} // namespace kassa::sim
