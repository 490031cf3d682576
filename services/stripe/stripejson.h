#pragma once

#include "core/charge.h"
#include "core/customer.h"
#include "core/payment.h"
#include "core/paymentmethod.h"
#include "core/refund.h"

#include <QJsonObject>
#include <QString>

namespace kassa::stripe {

// Stripe JSON objects to core records. Tolerant of what Stripe may add or leave out; a field of the
// wrong type, a missing id or an unknown currency makes parse() return false with a message naming the
// field. PaymentIntents of API versions before 2022-11-15 (a `charges` list instead of `latest_charge`)
// are read too.
class StripeJson
{
public:
    // `object` without its client_secret (PaymentIntents, SetupIntents, Checkout Sessions): the key a
    // customer's browser would use, which Stripe says must not be stored, logged or shown to anyone else.
    // A till has no use for it, so nothing Kassa stores or prints keeps it.
    static QJsonObject withoutClientSecret(QJsonObject object);
    // The same for JSON text that is kept byte for byte (an event as received): every "client_secret"
    // string value, at any depth, becomes "". Cheaper than parsing and writing the JSON again.
    static QByteArray blankClientSecrets(QByteArray json);
    // The same into `out`, which keeps its capacity from one call to the next.
    static void blankClientSecrets(QByteArrayView json, QByteArray *out);
    // `object` as compact JSON text: what QJsonDocument(object).toJson(Compact) holds (keys in the same
    // order, the same escapes, integers as integers), written straight into one QString. The store keeps
    // every object's raw JSON beside its columns and writes it once per upsert; Qt's writer builds a
    // QCborValue, a temporary QByteArray per string and the UTF-8 text that is then converted back to UTF-16
    // for binding, which was a quarter of an upsert's time.
    static QString compact(const QJsonObject &object);
    // The same text in UTF-8, written as such (what compact().toUtf8() gives).
    static QByteArray compactUtf8(const QJsonObject &object);

    static bool parse(const QJsonObject &json, Payment *out, QString *error);
    static bool parse(const QJsonObject &json, Charge *out, QString *error);
    static bool parse(const QJsonObject &json, Refund *out, QString *error);
    static bool parse(const QJsonObject &json, PaymentMethod *out, QString *error);
    static bool parse(const QJsonObject &json, Customer *out, QString *error);
};

} // namespace kassa::stripe
