// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/objectversion.h"
#include "services/store/storeresult.h"
#include "services/store/upsertresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace kassa::store {

class Database;

struct PaymentMethodRow
{
    QString id;         // pm_...
    QString customerId; // empty once detached
    QString type;       // Stripe's text: card, card_present, sepa_debit, ...
    QString cardBrand;  // Stripe's text
    QString cardLast4;  // also the last four of a bank account
    int expMonth = 0;
    int expYear = 0;
    QString billingName;
    QString billingEmail;
    qint64 created = 0;
    qint64 observedAt = 0;

    friend bool operator==(const PaymentMethodRow &, const PaymentMethodRow &) = default;
};

// Saved (and presented) payment methods, written from Stripe JSON; ordered by observedAt alone
// (ObjectVersion: no status). A detach is a write with `customer` null. Writing one refreshes the card
// shown beside payments that use it and have no charge in the store yet.
//
// Every method runs on the caller's open transaction when there is one, else in its own.
class PaymentMethodRepository
{
public:
    explicit PaymentMethodRepository(Database &db);

    StoreResult<UpsertOutcome> upsert(const QJsonObject &paymentMethod, qint64 observedAt);
    StoreResult<BatchResult> upsertMany(const QList<QJsonObject> &paymentMethods, qint64 observedAt);

    StoreResult<std::optional<PaymentMethodRow>> find(const QString &id);
    StoreResult<std::optional<QJsonObject>> rawJson(const QString &id);
    // The methods attached to a customer, newest first.
    StoreResult<QList<PaymentMethodRow>> forCustomer(const QString &customerId);
    StoreResult<std::optional<ObjectVersion>> version(const QString &id);
    StoreResult<bool> holdsNewerThan(const QString &id, const ObjectVersion &incoming);

private:
    StoreResult<UpsertOutcome> write(const QJsonObject &json, qint64 observedAt);
    Database &m_db;
};

} // namespace kassa::store
