// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What bench_store and bench_ingest share: a deterministic shop whose Stripe objects are generated as
// JSON one at a time (payment i is always the same payment, so a query can be checked against what
// was written without keeping anything in memory), the two backends (a SQLite file in a directory,
// a PostgreSQL database made in the server that the PG* variables name and dropped afterwards), and the
// printing of figures as human lines and JSON lines.

#include "benchsupport.h"

#include "services/store/database.h"
#include "services/store/databaseconfig.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <memory>
#include <optional>
#include <vector>

namespace kassa::bench {

// The shop's fixed "now" (Unix seconds), so that runs, backends and benches hold the same store.
constexpr qint64 DefaultShopEnd = 1'780'000'000;

// The generated shop. Every field of payment i is a function of i (and of the sizes), so the same
// settings give the same store on every run and every backend.
class Shop
{
public:
    Shop(qint64 payments, qint64 refunds, qint64 endTime);

    qint64 paymentCount() const { return m_payments; }
    // How many of the payments (the first ones, 0..n-1) the store holds: all unless a fill was cut
    // short (bench_store --filled). Queries pick their parameters among these.
    qint64 presentCount() const { return m_present > 0 ? m_present : m_payments; }
    void setPresent(qint64 n) { m_present = n; }
    // The `created` of the newest present payment, about.
    qint64 presentEnd() const { return m_start + (m_end - m_start) * presentCount() / m_payments; }
    qint64 customerCount() const { return m_customers; }
    qint64 startTime() const { return m_start; }
    qint64 endTime() const { return m_end; }

    // What a payment is, without its JSON.
    struct Facts
    {
        QString id;
        QString chargeId; // empty when it has no charge
        QString status;
        qint64 amount = 0;
        qint64 created = 0;
        qint64 customer = -1; // index, -1: none
        QString description;
        QString orderRef;
        QString till;
        QString cashier;
        QString brand;
        QString last4;
        qint64 refunded = 0; // what its refund gives back, 0 when none
    };
    Facts payment(qint64 i) const;

    QString customerId(qint64 c) const;
    QString customerName(qint64 c) const;
    QString customerEmail(qint64 c) const;

    // The Stripe JSON: a customer; a PaymentIntent with its latest_charge expanded (as a backfill
    // page with expand[]=data.latest_charge gives it); the refund of payment i (only when refunded).
    QJsonObject customerJson(qint64 c) const;
    QJsonObject paymentJson(qint64 i) const;
    QJsonObject refundJson(qint64 i) const;

    // The words descriptions are made of (menu items), for searches.
    static const QStringList &menu();

private:
    qint64 m_payments;
    qint64 m_present = 0;
    qint64 m_customers;
    qint64 m_end;
    qint64 m_start;
    quint64 m_refundPerMillion; // chance that a succeeded payment has a refund
};

// A store for one backend. SQLite in `directory` (kept when the caller says so); PostgreSQL in a
// database created for the run and dropped when this goes away.
class BenchStore
{
public:
    ~BenchStore();
    BenchStore(const BenchStore &) = delete;
    BenchStore &operator=(const BenchStore &) = delete;

    static std::unique_ptr<BenchStore> sqlite(const QString &path, QString *error);
    // `keepName`: use (or create) the database of that name and keep it afterwards; empty: a fresh one,
    // dropped at the end.
    static std::unique_ptr<BenchStore> postgres(const QString &tag, QString *error,
                                                const QString &keepName = {});
    // Whether the PG* variables name a server (pg_virtualenv sets them).
    static bool postgresConfigured();

    store::Database &db() { return *m_db; }
    const store::DatabaseConfig &config() const { return m_config; }
    QString backend() const
    {
        return m_config.dialect == store::Dialect::Postgres ? QStringLiteral("postgres")
                                                            : QStringLiteral("sqlite");
    }

private:
    BenchStore() = default;
    store::DatabaseConfig m_config;
    std::unique_ptr<store::Database> m_db;
    QString m_postgresName;
};

// Writes the whole shop into `store` through StoreIngest, a thousand objects per transaction as backfill
// writes them (customers, then payments with their charges, then refunds), printing progress every 10 s
// and the fill rate. False, with `error`, when a write fails or is not applied.
bool fillShop(BenchStore &store, const Shop &shop, QString *error);

} // namespace kassa::bench
