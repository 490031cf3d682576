#pragma once

#include "services/stripe/striperequest.h"

#include <QMap>

namespace kassa::stripe {

// Requests of /v1/customers.
class Customers
{
public:
    struct Params
    {
        QString name;
        QString email;
        QString phone;
        QString description;
        QString defaultPaymentMethodId; // invoice_settings[default_payment_method]
        QMap<QString, QString> metadata;
    };
    static StripeRequest create(const Params &params, const QString &idempotencyKey = {});
    static StripeRequest retrieve(const QString &id);
    static StripeRequest update(const QString &id, const Params &params, const QString &idempotencyKey = {});
    static StripeRequest setDefaultPaymentMethod(const QString &id, const QString &paymentMethodId,
                                                 const QString &idempotencyKey = {});
    static StripeRequest remove(const QString &id);
    static StripeRequest list(const QString &email = {}, int limit = 100, const QString &startingAfter = {});
    static StripeRequest search(const QString &query, int limit = 100, const QString &page = {});
};
} // namespace kassa::stripe
