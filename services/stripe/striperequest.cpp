#include "services/stripe/striperequest.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest StripeRequest::get(const QString &path, const StripeParams &params)
{
    return StripeRequest{Method::Get, path, params, {}, 0};
}

StripeRequest StripeRequest::post(const QString &path, const StripeParams &params,
                                  const QString &idempotencyKey)
{
    return StripeRequest{Method::Post, path, params, idempotencyKey, 0};
}

StripeRequest StripeRequest::del(const QString &path, const StripeParams &params)
{
    return StripeRequest{Method::Delete, path, params, {}, 0};
}

QString StripeRequest::resourcePath(const QString &collection, const QString &id, const QString &suffix)
{
    return collection + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(id)) + suffix;
}

QString StripeRequest::methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return u"GET"_s;
    case Method::Post:
        return u"POST"_s;
    case Method::Delete:
        return u"DELETE"_s;
    }
    return {};
}

} // namespace kassa::stripe
