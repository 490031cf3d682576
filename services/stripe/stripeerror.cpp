#include "services/stripe/stripeerror.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

StripeError::Kind kindFor(int status, const QString &type)
{
    if (type == u"card_error"_s)
        return StripeError::Kind::Card;
    if (type == u"idempotency_error"_s)
        return StripeError::Kind::Idempotency;
    switch (status) {
    case 400:
    case 404:
        return StripeError::Kind::InvalidRequest;
    case 401:
        return StripeError::Kind::Authentication;
    case 402:
        return StripeError::Kind::Card;
    case 403:
        return StripeError::Kind::Permission;
    case 409:
        return type == u"api_error"_s ? StripeError::Kind::Api : StripeError::Kind::InvalidRequest;
    case 429:
        return StripeError::Kind::RateLimit;
    default:
        break;
    }
    if (status >= 500)
        return StripeError::Kind::Api;
    if (type == u"invalid_request_error"_s)
        return StripeError::Kind::InvalidRequest;
    return StripeError::Kind::Api;
}

} // namespace

QString StripeError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return u"none"_s;
    case Kind::Card:
        return u"card"_s;
    case Kind::InvalidRequest:
        return u"invalid_request"_s;
    case Kind::Idempotency:
        return u"idempotency"_s;
    case Kind::Authentication:
        return u"authentication"_s;
    case Kind::Permission:
        return u"permission"_s;
    case Kind::RateLimit:
        return u"rate_limit"_s;
    case Kind::Api:
        return u"api"_s;
    case Kind::Connection:
        return u"connection"_s;
    case Kind::Canceled:
        return u"canceled"_s;
    }
    return {};
}

QString StripeError::toString() const
{
    QString text = code.isEmpty() ? kindName(kind) : code;
    if (!declineCode.isEmpty() && declineCode != code)
        text += u" ("_s + declineCode + u')';
    text += u": "_s + message;
    if (!param.isEmpty())
        text += u" (param: "_s + param + u')';
    if (!requestId.isEmpty())
        text += u" ["_s + requestId + u']';
    return text;
}

StripeError StripeError::fromResponse(int httpStatus, const QByteArray &body, const QString &requestId)
{
    StripeError error;
    error.httpStatus = httpStatus;
    error.requestId = requestId;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject object = document.object().value(u"error"_s).toObject();
    if (document.isObject() && !object.isEmpty()) {
        error.type = object.value(u"type"_s).toString();
        error.code = object.value(u"code"_s).toString();
        error.declineCode = object.value(u"decline_code"_s).toString();
        error.param = object.value(u"param"_s).toString();
        error.message = object.value(u"message"_s).toString();
        error.paymentIntent = object.value(u"payment_intent"_s).toObject();
        error.paymentIntentId = error.paymentIntent.value(u"id"_s).toString();
    } else {
        // A proxy's HTML page, a truncated body, anything but Stripe's error format.
        const QString excerpt = QString::fromUtf8(body.left(120)).simplified();
        error.message = QStringLiteral("Unexpected answer from the server (HTTP %1)%2")
                            .arg(httpStatus)
                            .arg(excerpt.isEmpty() ? QString() : u": "_s + excerpt);
    }
    error.kind = kindFor(httpStatus, error.type);
    if (error.message.isEmpty())
        error.message = QStringLiteral("HTTP %1 without a message").arg(httpStatus);
    return error;
}

StripeError StripeError::connection(const QString &message)
{
    StripeError error;
    error.kind = Kind::Connection;
    error.message = message;
    return error;
}

StripeError StripeError::canceled()
{
    StripeError error;
    error.kind = Kind::Canceled;
    error.message = u"The request was canceled."_s;
    return error;
}

} // namespace kassa::stripe
