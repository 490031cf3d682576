// SPDX-License-Identifier: GPL-3.0-or-later
#include "storetestsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace kassa::store::test {

QString postgresUrl(const DatabaseConfig &config)
{
    QString url = u"postgresql://"_s;
    if (!config.user.isEmpty())
        url += QString::fromLatin1(QUrl::toPercentEncoding(config.user)) + u'@';
    url += QString::fromLatin1(QUrl::toPercentEncoding(config.host));
    if (config.port > 0)
        url += u':' + QString::number(config.port);
    url += u'/' + QString::fromLatin1(QUrl::toPercentEncoding(config.databaseName));
    return url;
}

namespace {

const QString AdminConnection = u"kassa.test.admin"_s;

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

// One administrative connection per test process, to the database PGDATABASE names.
QSqlDatabase adminConnection(QString *error)
{
    if (QSqlDatabase::contains(AdminConnection)) {
        QSqlDatabase db = QSqlDatabase::database(AdminConnection);
        if (db.isOpen())
            return db;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, AdminConnection);
    if (!env("PGHOST").isEmpty())
        db.setHostName(env("PGHOST"));
    if (!env("PGPORT").isEmpty())
        db.setPort(env("PGPORT").toInt());
    if (!env("PGUSER").isEmpty())
        db.setUserName(env("PGUSER"));
    db.setDatabaseName(env("PGDATABASE").isEmpty() ? u"postgres"_s : env("PGDATABASE"));
    if (!db.open()) {
        *error = db.lastError().text();
        return QSqlDatabase();
    }
    return db;
}

QString percentEncoded(const QString &part)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

QJsonObject loadFixtures()
{
    QFile file(QStringLiteral(KASSA_FIXTURES_DIR) + u"/stripe/fixtures3.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read fixtures3.json: %s", qPrintable(file.errorString()));
    return QJsonDocument::fromJson(file.readAll()).object().value(u"resources"_s).toObject();
}

void setOrNull(QJsonObject &object, const QString &key, const QString &value)
{
    object.insert(key, value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value));
}

} // namespace

void addBackendData()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("postgres") << u"postgres"_s;
}

bool servicesRequired()
{
    return qEnvironmentVariable("KASSA_REQUIRE_SERVICES") == u"1"_s;
}

QByteArray describe(const StoreError &error)
{
    return error.toString().toUtf8();
}

TestStore::~TestStore()
{
    if (m_postgresName.isEmpty())
        return;
    QString error;
    QSqlDatabase admin = adminConnection(&error);
    if (!admin.isOpen())
        return;
    QSqlQuery drop(admin);
    if (!drop.exec(u"DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)"_s.arg(m_postgresName)))
        qWarning("cannot drop the test database %s: %s", qPrintable(m_postgresName),
                 qPrintable(drop.lastError().text()));
}

TestStore::Status TestStore::create(const QString &backend, QString *message)
{
    if (backend == u"sqlite"_s) {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid()) {
            *message = u"cannot make a temporary directory: "_s + m_dir->errorString();
            return Status::Fail;
        }
        m_config = DatabaseConfig::sqlite(m_dir->filePath(u"store/kassa.sqlite"_s));
        return Status::Ready;
    }
    if (env("PGHOST").isEmpty() && env("PGPORT").isEmpty() && env("PGDATABASE").isEmpty()) {
        *message =
            u"PostgreSQL: no server configured (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE are not set); "
            "run the tests under pg_virtualenv, as scripts/test.sh does"_s;
        return servicesRequired() ? Status::Fail : Status::Skip;
    }
    QString error;
    QSqlDatabase admin = adminConnection(&error);
    if (!admin.isOpen()) {
        *message = u"PostgreSQL: cannot connect with the PG* variables: "_s + error;
        return servicesRequired() ? Status::Fail : Status::Skip;
    }
    const QString name =
        u"kassa_test_%1"_s.arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    QSqlQuery create(admin);
    if (!create.exec(u"CREATE DATABASE \"%1\""_s.arg(name))) {
        *message = u"PostgreSQL: CREATE DATABASE failed: "_s + create.lastError().text();
        return Status::Fail;
    }
    m_postgresName = name;
    // Through the URL, as `--database` gives it; the password comes from PGPASSWORD (libpq reads it).
    QString url = u"postgresql://"_s;
    if (!env("PGUSER").isEmpty())
        url += percentEncoded(env("PGUSER")) + u'@';
    url += percentEncoded(env("PGHOST"));
    if (!env("PGPORT").isEmpty())
        url += u':' + env("PGPORT");
    url += u'/' + name + u"?application_name=kassa-tests"_s;
    const StoreResult<DatabaseConfig> config = DatabaseConfig::fromUrl(url);
    if (!config.ok()) {
        *message = u"PostgreSQL: "_s + config.error().toString();
        return Status::Fail;
    }
    m_config = config.value();
    return Status::Ready;
}

DatabaseConfig TestStore::config(int busyTimeoutMs) const
{
    DatabaseConfig config = m_config;
    config.busyTimeoutMs = busyTimeoutMs;
    return config;
}

StoreResult<std::unique_ptr<Database>> TestStore::open(int busyTimeoutMs) const
{
    return Database::open(config(busyTimeoutMs));
}

QJsonObject fixture(const QString &resource)
{
    static const QJsonObject all = loadFixtures();
    const QJsonObject object = all.value(resource).toObject();
    if (object.isEmpty())
        qFatal("fixtures3.json has no resource %s", qPrintable(resource));
    return object;
}

QJsonObject paymentIntent(const PaymentSpec &spec)
{
    QJsonObject json = fixture(u"payment_intent"_s);
    json.insert(u"id"_s, spec.id);
    json.insert(u"amount"_s, spec.amount);
    json.insert(u"amount_received"_s, spec.status == u"succeeded"_s ? spec.amount : 0);
    json.insert(u"currency"_s, spec.currency);
    json.insert(u"status"_s, spec.status);
    json.insert(u"created"_s, spec.created);
    json.insert(u"canceled_at"_s, QJsonValue(QJsonValue::Null));
    json.insert(u"last_payment_error"_s, QJsonValue(QJsonValue::Null));
    json.insert(u"client_secret"_s, QString(spec.id + u"_secret_test"_s));
    setOrNull(json, u"customer"_s, spec.customer);
    setOrNull(json, u"description"_s, spec.description);
    setOrNull(json, u"latest_charge"_s, spec.latestCharge);
    setOrNull(json, u"payment_method"_s, spec.paymentMethod);
    QJsonObject metadata;
    if (!spec.orderRef.isEmpty())
        metadata.insert(u"order_ref"_s, spec.orderRef);
    if (!spec.till.isEmpty())
        metadata.insert(u"kassa_till"_s, spec.till);
    if (!spec.cashier.isEmpty())
        metadata.insert(u"kassa_cashier"_s, spec.cashier);
    json.insert(u"metadata"_s, metadata);
    return json;
}

QJsonObject charge(const ChargeSpec &spec)
{
    QJsonObject json = fixture(u"charge"_s);
    json.insert(u"id"_s, spec.id);
    setOrNull(json, u"payment_intent"_s, spec.paymentIntent);
    json.insert(u"amount"_s, spec.amount);
    json.insert(u"amount_captured"_s, spec.amount);
    json.insert(u"amount_refunded"_s, spec.amountRefunded);
    json.insert(u"refunded"_s, spec.amountRefunded >= spec.amount);
    json.insert(u"captured"_s, true);
    json.insert(u"status"_s, spec.status);
    json.insert(u"created"_s, spec.created);
    QJsonObject details = json.value(u"payment_method_details"_s).toObject();
    QJsonObject card = details.value(u"card"_s).toObject();
    card.insert(u"brand"_s, spec.brand);
    card.insert(u"last4"_s, spec.last4);
    details.insert(u"card"_s, card);
    details.insert(u"type"_s, u"card"_s);
    json.insert(u"payment_method_details"_s, details);
    return json;
}

QJsonObject refund(const RefundSpec &spec)
{
    QJsonObject json = fixture(u"refund"_s);
    json.insert(u"id"_s, spec.id);
    setOrNull(json, u"charge"_s, spec.charge);
    setOrNull(json, u"payment_intent"_s, spec.paymentIntent);
    json.insert(u"amount"_s, spec.amount);
    json.insert(u"status"_s, spec.status);
    json.insert(u"created"_s, spec.created);
    return json;
}

QJsonObject customer(const QString &id, const QString &name, const QString &email, qint64 created)
{
    QJsonObject json = fixture(u"customer"_s);
    json.insert(u"id"_s, id);
    setOrNull(json, u"name"_s, name);
    setOrNull(json, u"email"_s, email);
    json.insert(u"created"_s, created);
    return json;
}

QJsonObject paymentMethod(const QString &id, const QString &customerId, const QString &brand,
                          const QString &last4)
{
    QJsonObject json = fixture(u"payment_method"_s);
    json.insert(u"id"_s, id);
    setOrNull(json, u"customer"_s, customerId);
    QJsonObject card = json.value(u"card"_s).toObject();
    card.insert(u"brand"_s, brand);
    card.insert(u"display_brand"_s, brand);
    card.insert(u"last4"_s, last4);
    json.insert(u"card"_s, card);
    return json;
}

} // namespace kassa::store::test
