// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace kassa::store {

// Which payments a list or a count covers. Every field that is set narrows the result (AND); an
// empty filter covers every payment.
//
// Text fields match case-insensitively as substrings ("jen" finds "Jenny Rosen"): through the FTS5
// trigram index on SQLite and pg_trgm indexes on PostgreSQL for terms of three characters or more,
// by scanning for shorter ones. Several words must all match ("rosen latte" finds Jenny Rosen's
// latte), each in any of the searched columns.
struct PaymentFilter
{
    // The search box: a payment matches when `text` is its id, its latest charge's id, its customer's
    // id, one of its refunds' ids, its card's last four digits or its order ref exactly, or when every
    // word of it appears in its description, customer name, customer email or order ref.
    QString text;

    QString id;           // exactly: the PaymentIntent (pi_), its latest charge (ch_/py_), a refund (re_)
    QString cardLast4;    // exactly
    QString email;        // substring of the customer's email
    QString customerName; // words in the customer's name
    QString description;  // words in the description
    std::optional<qint64> amount;      // minor units, exactly
    std::optional<qint64> amountMin;   // minor units, inclusive
    std::optional<qint64> amountMax;   // minor units, inclusive
    QString currency;                  // "usd"
    QStringList statuses;              // Stripe's texts; any of them
    std::optional<qint64> createdFrom; // Unix seconds, inclusive
    std::optional<qint64> createdTo;   // Unix seconds, exclusive
    QString till;                      // metadata.kassa_till, exactly
    QString cashier;                   // metadata.kassa_cashier, exactly
    QString orderRef;                  // metadata.order_ref, exactly
    QString customerId;                // exactly

    bool isEmpty() const;
};

} // namespace kassa::store
