// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>

namespace kassa::sim {

// A rejected request, in the words Stripe uses: serialise with toJson() as the response body.
struct ParamError
{
    int httpStatus = 400;
    QString type = QStringLiteral("invalid_request_error");
    QString code; // e.g. "parameter_unknown"; empty where Stripe sends none
    QString message;
    QString param; // the full bracketed name, e.g. "payment_method_options[card][foo]"

    // {"error": {"type", "code", "message", "param"}}, leaving out empty code and param.
    QJsonObject toJson() const
    {
        QJsonObject error{{QStringLiteral("type"), type}, {QStringLiteral("message"), message}};
        if (!code.isEmpty())
            error.insert(QStringLiteral("code"), code);
        if (!param.isEmpty())
            error.insert(QStringLiteral("param"), param);
        return QJsonObject{{QStringLiteral("error"), error}};
    }

    friend bool operator==(const ParamError &, const ParamError &) = default;
};

} // namespace kassa::sim
