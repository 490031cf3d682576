#pragma once

#include "services/stripe/striperequest.h"

#include "core/refundreason.h"

#include <QMap>
#include <optional>

namespace kassa::stripe {

// Requests of /v1/refunds.
class Refunds
{
public:
    struct CreateParams
    {
        QString paymentIntentId; // or chargeId
        QString chargeId;
        std::optional<qint64> amount; // empty: what is left
        RefundReason reason = RefundReason::None;
        QMap<QString, QString> metadata;
    };
    static StripeRequest create(const CreateParams &params, const QString &idempotencyKey = {});
    static StripeRequest retrieve(const QString &id);
    static StripeRequest list(const QString &paymentIntentId = {}, int limit = 100,
                              const QString &startingAfter = {});
    static StripeRequest cancel(const QString &id, const QString &idempotencyKey = {});
};
} // namespace kassa::stripe
