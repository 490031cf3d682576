#pragma once

#include "sim/simhttp.h"

#include <QJsonObject>
#include <QString>

namespace kassa::sim {

// What an API handler answers: status and JSON body, as Stripe would send them.
struct ApiReply
{
    int status = 200;
    QJsonObject body;
    // False for failures that happen before a request starts executing (parameter validation,
    // injected faults): Stripe saves no idempotent result for those, so a retry runs again.
    bool saveIdempotent = true;
    HttpHeaders extraHeaders;

    static ApiReply ok(const QJsonObject &body) { return ApiReply{200, body, true, {}}; }

    // {"error": {...}} in Stripe's error format. Empty strings are left out.
    static ApiReply error(int status, const QString &type, const QString &message, const QString &code = {},
                          const QString &param = {});
    static ApiReply invalidRequest(const QString &message, const QString &param = {},
                                   const QString &code = {});
    // 404 resource_missing: "No such payment_intent: 'pi_123'".
    static ApiReply noSuch(QStringView objectName, const QString &id, const QString &param);
    // 400 resource_missing for an id given as a parameter that does not exist.
    static ApiReply noSuchParam(QStringView objectName, const QString &id, const QString &param);
    static ApiReply unexpectedState(const QString &message, const QString &code);

    ApiReply &withErrorField(const QString &name, const QJsonValue &value);
};

} // namespace kassa::sim
