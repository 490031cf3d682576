// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "services/store/objectversion.h"
#include "services/store/storeresult.h"
#include "services/store/upsertresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace kassa::store {

class Database;

// One charge as the store keeps it (the queried columns; the whole object is rawJson()).
struct ChargeRow
{
    QString id; // ch_... or py_...
    QString paymentIntentId;
    QString customerId;
    QString status;
    Money amount;
    Money amountCaptured;
    Money amountRefunded;
    bool refunded = false;
    bool captured = false;
    bool paid = false;
    bool disputed = false;
    QString paymentMethodId;
    QString paymentMethodType; // Stripe's text: card, card_present, ...
    QString cardBrand;         // Stripe's text: visa, ...
    QString cardLast4;
    QString failureCode;
    qint64 created = 0;
    qint64 observedAt = 0;

    friend bool operator==(const ChargeRow &, const ChargeRow &) = default;
};

// Charges: written from Stripe JSON (a charge alone, or expanded in a PaymentIntent's latest_charge),
// never moving backwards (ObjectVersion: pending 10, succeeded 20, failed final). Writing a charge
// also refreshes the card and refunded amount of the payments whose latest charge it is.
//
// Every method runs on the caller's open transaction when there is one, else in its own.
class ChargeRepository
{
public:
    explicit ChargeRepository(Database &db);

    // `observedAt`: when Stripe produced this state (see ObjectVersion). InvalidData when the JSON is
    // not a charge Kassa can read.
    StoreResult<UpsertOutcome> upsert(const QJsonObject &charge, qint64 observedAt);
    StoreResult<BatchResult> upsertMany(const QList<QJsonObject> &charges, qint64 observedAt);

    StoreResult<std::optional<ChargeRow>> find(const QString &id);
    StoreResult<std::optional<QJsonObject>> rawJson(const QString &id);
    // Every charge of a PaymentIntent, newest first.
    StoreResult<QList<ChargeRow>> forPayment(const QString &paymentIntentId);
    StoreResult<std::optional<ObjectVersion>> version(const QString &id);
    // True when the store holds a state of `id` that `incoming` does not supersede (re-fetch instead).
    StoreResult<bool> holdsNewerThan(const QString &id, const ObjectVersion &incoming);

private:
    StoreResult<UpsertOutcome> write(const QJsonObject &json, qint64 observedAt);
    Database &m_db;
};

} // namespace kassa::store
