#pragma once

#include "services/stripe/stripeerror.h"

#include <QJsonObject>
#include <QString>

namespace kassa::stripe {

// What came back from one StripeRequest, after every retry.
struct StripeResponse
{
    int httpStatus = 0;
    QJsonObject json; // the object on success
    QString requestId;
    QString idempotencyKey;
    bool idempotentReplayed = false;
    int attempts = 0;
    StripeError error; // kind None on success

    bool ok() const { return !error.isError(); }
};

} // namespace kassa::stripe
