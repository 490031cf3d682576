#pragma once

#include "core/capturemethod.h"
#include "core/money.h"
#include "services/stripe/striperequest.h"

#include <QMap>
#include <QStringList>

namespace kassa::stripe {

// Requests of /v1/payment_intents. Builders only: values that the outbox can store and StripeClient sends.
class PaymentIntents
{
public:
    struct CreateParams
    {
        Money amount;
        QStringList paymentMethodTypes{QStringLiteral("card")}; // sent explicitly (see README)
        QString customerId;
        QString paymentMethodId; // pm_... or a test token such as pm_card_visa
        bool confirm = false;
        CaptureMethod captureMethod = CaptureMethod::Automatic;
        QString description;
        QString receiptEmail;
        QMap<QString, QString> metadata;
        QString returnUrl; // with confirm: where 3-D Secure sends the customer back
        bool errorOnRequiresAction = false;
        QStringList expand;
    };
    struct UpdateParams
    {
        std::optional<Money> amount;
        QString description;
        QString customerId;
        QString paymentMethodId;
        QMap<QString, QString> metadata; // a value "" removes that key
    };
    struct ListParams
    {
        int limit = 100;
        QString customerId;
        qint64 createdGte = 0; // 0: no bound
        qint64 createdLt = 0;
        QString startingAfter;
        QStringList expand;
    };

    static StripeRequest create(const CreateParams &params, const QString &idempotencyKey = {});
    static StripeRequest retrieve(const QString &id, const QStringList &expand = {});
    static StripeRequest update(const QString &id, const UpdateParams &params,
                                const QString &idempotencyKey = {});
    static StripeRequest confirm(const QString &id, const QString &paymentMethodId = {},
                                 const QString &returnUrl = {}, const QString &idempotencyKey = {});
    // amountToCapture empty: capture everything capturable.
    static StripeRequest capture(const QString &id, std::optional<qint64> amountToCapture = std::nullopt,
                                 const QString &idempotencyKey = {});
    static StripeRequest cancel(const QString &id, const QString &reason = {},
                                const QString &idempotencyKey = {});
    static StripeRequest list(const ListParams &params);
    static StripeRequest search(const QString &query, int limit = 100, const QString &page = {});
};

} // namespace kassa::stripe
