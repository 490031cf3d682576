// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every store test needs: a fresh database per test on SQLite (a temporary directory) and on
// PostgreSQL (a database created for the test and dropped after it, in the server the PG* variables
// of pg_virtualenv name), and realistic Stripe JSON built from Stripe's own example objects.
//
// Every test class has
//     void initTestCase_data() { kassa::store::test::addBackendData(); }
// so that each of its test functions (and each row of their own data) runs once per backend.

#include "services/store/database.h"
#include "services/store/databaseconfig.h"

#include <QJsonObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

namespace kassa::store::test {

// The global "backend" column: "sqlite" and "postgres".
void addBackendData();
// KASSA_REQUIRE_SERVICES=1: a missing PostgreSQL fails instead of skipping.
bool servicesRequired();
// "kind: message [code: driver text]", for QVERIFY2.
QByteArray describe(const StoreError &error);

// One empty database for one test.
// A postgresql:// URL for `config` (user, host, port, database; never the password), as kassa-cli's
// --database takes it.
QString postgresUrl(const DatabaseConfig &config);

class TestStore
{
public:
    enum class Status { Ready, Skip, Fail };

    TestStore() = default;
    ~TestStore();
    TestStore(const TestStore &) = delete;
    TestStore &operator=(const TestStore &) = delete;

    // Makes the database. Skip: PostgreSQL is not configured (message says how to get it); Fail: it is
    // required or configured but broken.
    Status create(const QString &backend, QString *message);
    bool isPostgres() const { return m_config.dialect == Dialect::Postgres; }
    DatabaseConfig config(int busyTimeoutMs = 5000) const;
    // Another connection to the same database.
    StoreResult<std::unique_ptr<Database>> open(int busyTimeoutMs = 5000) const;
    // SQLite: the database file.
    QString path() const { return m_config.sqlitePath; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    DatabaseConfig m_config;
    QString m_postgresName; // the database this fixture created, dropped at destruction
};

// Stripe's example object `resource` of tests/fixtures/stripe/fixtures3.json ("payment_intent", ...).
QJsonObject fixture(const QString &resource);

// Stripe objects built on the fixtures, with the fields tests care about.
struct PaymentSpec
{
    QString id = {};
    qint64 amount = 1000;
    QString currency = QStringLiteral("usd");
    QString status = QStringLiteral("succeeded");
    qint64 created = 1'700'000'000;
    QString customer = {};
    QString description = {};
    QString orderRef = {};
    QString till = {};
    QString cashier = {};
    QString latestCharge = {};
    QString paymentMethod = {};
};
QJsonObject paymentIntent(const PaymentSpec &spec);

struct ChargeSpec
{
    QString id = {};
    QString paymentIntent = {};
    qint64 amount = 1000;
    qint64 amountRefunded = 0;
    QString status = QStringLiteral("succeeded");
    QString brand = QStringLiteral("visa");
    QString last4 = QStringLiteral("4242");
    qint64 created = 1'700'000'000;
};
QJsonObject charge(const ChargeSpec &spec);

struct RefundSpec
{
    QString id = {};
    QString charge = {};
    QString paymentIntent = {};
    qint64 amount = 100;
    QString status = QStringLiteral("succeeded");
    qint64 created = 1'700'000'100;
};
QJsonObject refund(const RefundSpec &spec);

QJsonObject customer(const QString &id, const QString &name, const QString &email,
                     qint64 created = 1'690'000'000);
QJsonObject paymentMethod(const QString &id, const QString &customerId, const QString &brand,
                          const QString &last4);

} // namespace kassa::store::test

// In init(): makes m_fixture's database for the global "backend" row, skipping or failing as it says.
#define KASSA_CREATE_TEST_DATABASE(fixture)                                                                  \
    do {                                                                                                     \
        QFETCH_GLOBAL(QString, backend);                                                                     \
        QString kassaMessage;                                                                                \
        const auto kassaStatus = (fixture).create(backend, &kassaMessage);                                   \
        if (kassaStatus == kassa::store::test::TestStore::Status::Skip)                                      \
            QSKIP(qPrintable(kassaMessage));                                                                 \
        if (kassaStatus == kassa::store::test::TestStore::Status::Fail)                                      \
            QFAIL(qPrintable(kassaMessage));                                                                 \
    } while (false)

#define VERIFY_STORE(error)                                                                                  \
    do {                                                                                                     \
        const kassa::store::StoreError kassaError = (error);                                                 \
        QVERIFY2(!kassaError.isError(), kassa::store::test::describe(kassaError).constData());               \
    } while (false)

// Evaluates `result` once (QVERIFY2 evaluates its description even when the check passes).
#define VERIFY_RESULT(result)                                                                                \
    do {                                                                                                     \
        const auto &kassaResult = (result);                                                                  \
        QVERIFY2(kassaResult.ok(), kassa::store::test::describe(kassaResult.error()).constData());           \
    } while (false)
