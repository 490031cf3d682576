#include "sim/apireply.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

ApiReply ApiReply::error(int status, const QString &type, const QString &message, const QString &code,
                         const QString &param)
{
    QJsonObject error{{u"type"_s, type}, {u"message"_s, message}};
    if (!code.isEmpty())
        error.insert(u"code"_s, code);
    if (!param.isEmpty())
        error.insert(u"param"_s, param);
    if (!code.isEmpty())
        error.insert(u"doc_url"_s,
                     QString(u"https://stripe.com/docs/error-codes/"_s + QString(code).replace(u'_', u'-')));
    return ApiReply{status, QJsonObject{{u"error"_s, error}}, true, {}};
}

ApiReply ApiReply::invalidRequest(const QString &message, const QString &param, const QString &code)
{
    return error(400, u"invalid_request_error"_s, message, code, param);
}

ApiReply ApiReply::noSuch(QStringView objectName, const QString &id, const QString &param)
{
    return error(404, u"invalid_request_error"_s, u"No such %1: '%2'"_s.arg(objectName, id),
                 u"resource_missing"_s, param);
}

ApiReply ApiReply::noSuchParam(QStringView objectName, const QString &id, const QString &param)
{
    return error(400, u"invalid_request_error"_s, u"No such %1: '%2'"_s.arg(objectName, id),
                 u"resource_missing"_s, param);
}

ApiReply ApiReply::unexpectedState(const QString &message, const QString &code)
{
    return error(400, u"invalid_request_error"_s, message, code);
}

ApiReply &ApiReply::withErrorField(const QString &name, const QJsonValue &value)
{
    QJsonObject error = body.value(u"error"_s).toObject();
    error.insert(name, value);
    body.insert(u"error"_s, error);
    return *this;
}

} // namespace kassa::sim
