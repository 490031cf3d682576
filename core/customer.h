// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>

namespace kassa {

// A customer on file. A plain value. A deleted customer (Stripe still returns `{"id", "deleted": true}`)
// has deleted set and nothing else.
struct Customer
{
    QString id; // cus_...
    QString name;
    QString email;
    QString phone;
    QString description;
    QString defaultPaymentMethodId; // invoice_settings.default_payment_method; empty if none
    QMap<QString, QString> metadata;
    QDateTime created; // UTC
    bool deleted = false;
    bool livemode = false;

    // What to call the customer in a list: the name, else the email, else the phone, else the id.
    QString displayName() const;

    friend bool operator==(const Customer &, const Customer &) = default;
};

} // namespace kassa
