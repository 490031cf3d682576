// SPDX-License-Identifier: GPL-3.0-or-later
//
// bench_ingest: how fast Stripe JSON goes into the store. Upserts the PaymentIntents of the generated
// shop (each with its latest charge expanded, as a backfill page with expand[]=data.latest_charge brings
// them; its customers written first) through StoreIngest::upsertMany, in transactions of 100 as
// Backfill writes a page and in larger ones, into a fresh SQLite store. Reference in the same run: a
// plain prepared INSERT of the same rows (the payments and charges rows with the same columns and
// values, the raw JSON compressed as the store keeps it) through QSqlQuery, in transactions of the same
// size, into a store of the same schema (same indexes and text-search triggers, and the text index
// brought up to date from its queue before each commit, as the store does) with the PRAGMAs Database
// sets (WAL, synchronous=NORMAL, cache_size, temp_store). The difference is what the store itself
// costs: reading the JSON, the never-backwards upsert, the denormalised columns.
//
//   bench_ingest [--objects 100000] [--quick]
//
// Rates are given by wall time (the goals) and by this thread's CPU time, which a busy machine does not
// distort. Each figure is printed as a human line and as a JSON line {"bench": "ingest", ...}. Exits non-zero
// only when a write fails or the store does not hold what was written, never because of a time.
#include "storebench.h"

#include "services/store/paymentrepository.h"
#include "services/store/rawjson.h"
#include "services/store/storeingest.h"
#include "services/stripe/stripejson.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::bench;
using namespace kassa::store;

namespace {

constexpr qint64 ShopEnd = 1'780'000'000;
constexpr double RateGoal = 50'000;
constexpr double RatioGoal = 1.0 / 3.0;

int g_failures = 0;

void fail(const QString &what)
{
    ++g_failures;
    err() << "WRONG RESULT: " << what << Qt::endl;
}

// The store's raw JSON column: the plain INSERT keeps the same bytes (compressed, see rawjson.h).
QByteArray packed(const QJsonObject &object)
{
    return rawjson::pack(object);
}

// The PaymentIntent as the store keeps it: its expanded charge is a row of its own.
QByteArray packedPaymentIntent(QJsonObject paymentIntent, const QString &chargeId)
{
    paymentIntent.remove(u"client_secret"_s);
    if (!chargeId.isEmpty())
        paymentIntent.insert(u"latest_charge"_s, chargeId);
    return packed(paymentIntent);
}

QVariant text(const QJsonValue &value)
{
    return value.isString() ? QVariant(value.toString()) : QVariant(u""_s);
}

QString idOf(const QJsonValue &value)
{
    const QString id = value.isObject() ? value.toObject().value(u"id"_s).toString() : value.toString();
    return id.isNull() ? u""_s : id; // NOT NULL columns: "no value" is ''
}

struct Run
{
    double seconds = 0;
    double cpuSeconds = 0; // this thread's CPU time: the figure that other load on the machine spares
    qint64 objects = 0;
    qint64 payloadBytes = 0; // the payments' and charges' raw JSON columns as stored
    double rate() const { return seconds > 0 ? double(objects) / seconds : 0; }
    double cpuRate() const { return cpuSeconds > 0 ? double(objects) / cpuSeconds : 0; }
};

// The customers the payments name, so that the denormalised columns have something to copy.
bool writeCustomers(Database &db, const Shop &shop)
{
    StoreIngest ingest(db);
    QList<QJsonObject> batch;
    for (qint64 c = 0; c < shop.customerCount(); ++c) {
        batch.append(shop.customerJson(c));
        if (batch.size() == 1000 || c + 1 == shop.customerCount()) {
            const StoreResult<BatchResult> result = ingest.upsertMany(batch, ShopEnd);
            if (!result.ok() || result.value().applied != batch.size()) {
                fail(u"customers: "_s +
                     (result.ok() ? result.value().rejections.join(u"; "_s) : result.error().toString()));
                return false;
            }
            batch.clear();
        }
    }
    return true;
}

std::optional<Run> ingestStore(const Shop &shop, qint64 objects, int batchSize, const QString &directory)
{
    QString error;
    std::unique_ptr<BenchStore> store = BenchStore::sqlite(directory + u"/store.sqlite"_s, &error);
    if (!store) {
        fail(error);
        return std::nullopt;
    }
    if (!writeCustomers(store->db(), shop))
        return std::nullopt;
    StoreIngest ingest(store->db());
    Run run;
    QList<QJsonObject> batch;
    batch.reserve(batchSize);
    for (qint64 next = 0; next < objects;) {
        batch.clear();
        while (next < objects && batch.size() < batchSize)
            batch.append(shop.paymentJson(next++));
        const double cpu = threadCpuSeconds();
        QElapsedTimer timer;
        timer.start();
        const StoreResult<BatchResult> result = ingest.upsertMany(batch, ShopEnd);
        run.seconds += double(timer.nsecsElapsed()) / 1e9;
        run.cpuSeconds += threadCpuSeconds() - cpu;
        if (!result.ok() || result.value().applied != batch.size()) {
            fail(u"StoreIngest: "_s +
                 (result.ok() ? result.value().rejections.join(u"; "_s) : result.error().toString()));
            return std::nullopt;
        }
        run.objects += batch.size();
    }
    const StoreResult<qint64> count = PaymentRepository(store->db()).count({});
    if (!count.ok() || count.value() != objects) {
        fail(u"StoreIngest: the store holds %1 payments, not %2"_s.arg(count.valueOr(-1)).arg(objects));
        return std::nullopt;
    }
    const StoreResult<QVariant> payload = store->db().queryValue(
        u"SELECT (SELECT SUM(LENGTH(raw)) FROM payments) + (SELECT SUM(LENGTH(raw)) FROM charges)"_s);
    if (!payload.ok()) {
        fail(u"StoreIngest: "_s + payload.error().toString());
        return std::nullopt;
    }
    run.payloadBytes = payload.value().toLongLong();
    PaymentFilter last4;
    last4.cardLast4 = shop.payment(0).last4.isEmpty() ? shop.payment(1).last4 : shop.payment(0).last4;
    if (PaymentRepository(store->db()).count(last4).valueOr(0) == 0)
        fail(u"StoreIngest: the denormalised card_last4 is missing"_s);
    return run;
}

// Drops every index and trigger of the payments and charges tables: what is left is SQLite writing the
// rows themselves (the B-tree of each table and the WAL), the floor under any ingest into this schema.
bool dropIndexes(QSqlDatabase &db)
{
    QSqlQuery list(db);
    if (!list.exec(u"SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') "
                   "AND tbl_name IN ('payments', 'charges') AND sql IS NOT NULL"_s)) {
        fail(u"bare: "_s + list.lastError().text());
        return false;
    }
    QStringList drops;
    while (list.next())
        drops.append(u"DROP %1 %2"_s.arg(list.value(0).toString().toUpper(), list.value(1).toString()));
    for (const QString &drop : std::as_const(drops)) {
        QSqlQuery q(db);
        if (!q.exec(drop)) {
            fail(u"bare: "_s + q.lastError().text());
            return false;
        }
    }
    return true;
}

enum class Shape { Indexed, Bare };

// The same rows with QSqlQuery: no JSON reading beyond looking the fields up, no upsert, no refresh.
// Shape::Bare writes them into the same tables without their indexes and text index.
std::optional<Run> insertPlain(const Shop &shop, qint64 objects, int batchSize, const QString &directory,
                               Shape shape)
{
    const QString path = directory + (shape == Shape::Bare ? u"/bare.sqlite"_s : u"/plain.sqlite"_s);
    {
        // The same schema as the store's (made by Migrations), then closed.
        QString error;
        std::unique_ptr<BenchStore> schema = BenchStore::sqlite(path, &error);
        if (!schema) {
            fail(error);
            return std::nullopt;
        }
        if (!writeCustomers(schema->db(), shop))
            return std::nullopt;
    }
    const QString name = u"kassa.bench.plain.%1.%2"_s.arg(batchSize).arg(int(shape));
    Run run;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (!db.open()) {
            fail(u"plain: "_s + db.lastError().text());
            return std::nullopt;
        }
        for (const QString &pragma : {u"PRAGMA journal_mode = WAL"_s, u"PRAGMA synchronous = NORMAL"_s,
                                      u"PRAGMA foreign_keys = ON"_s, u"PRAGMA busy_timeout = 5000"_s,
                                      u"PRAGMA cache_size = -32768"_s, u"PRAGMA temp_store = MEMORY"_s}) {
            QSqlQuery q(db);
            if (!q.exec(pragma)) {
                fail(u"plain: "_s + q.lastError().text());
                return std::nullopt;
            }
        }
        if (shape == Shape::Bare && !dropIndexes(db))
            return std::nullopt;
        QSqlQuery payment(db);
        QSqlQuery charge(db);
        const bool prepared =
            payment.prepare(
                u"INSERT INTO payments (id, status, status_rank, progress, amount, amount_received, "
                "amount_capturable, amount_refunded, currency, created, customer_id, customer_name, "
                "customer_email, description, order_ref, till, cashier, payment_method_id, card_brand, "
                "card_last4, latest_charge_id, capture_method, error_code, decline_code, livemode, "
                "observed_at, updated_at, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s) &&
            charge.prepare(
                u"INSERT INTO charges (id, payment_intent_id, customer_id, status, status_rank, "
                "progress, amount, amount_captured, amount_refunded, currency, refunded, captured, "
                "paid, disputed, payment_method_id, payment_method_type, card_brand, card_last4, "
                "failure_code, created, livemode, observed_at, updated_at, raw) VALUES (?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
        if (!prepared) {
            fail(u"plain: prepare: "_s + payment.lastError().text() + charge.lastError().text());
            return std::nullopt;
        }
        // The text index's queue (schema step 6), applied before each commit as the store applies it.
        std::vector<std::unique_ptr<QSqlQuery>> textIndex;
        for (const QString &statement :
             shape == Shape::Bare ? QStringList{} : PaymentRepository::textIndexQueueStatements()) {
            textIndex.push_back(std::make_unique<QSqlQuery>(db));
            if (!textIndex.back()->prepare(statement)) {
                fail(u"plain: prepare: "_s + textIndex.back()->lastError().text());
                return std::nullopt;
            }
        }
        QList<QJsonObject> batch;
        batch.reserve(batchSize);
        for (qint64 next = 0; next < objects;) {
            batch.clear();
            QList<Shop::Facts> facts; // the customer's name and email, as the store copies them
            while (next < objects && batch.size() < batchSize) {
                facts.append(shop.payment(next));
                batch.append(shop.paymentJson(next++));
            }
            const double cpu = threadCpuSeconds();
            QElapsedTimer timer;
            timer.start();
            bool ok = db.transaction();
            for (qsizetype k = 0; ok && k < batch.size(); ++k) {
                const QJsonObject &pi = batch[k];
                const QJsonObject ch = pi.value(u"latest_charge"_s).toObject();
                const QJsonObject card =
                    ch.value(u"payment_method_details"_s).toObject().value(u"card"_s).toObject();
                const QJsonObject error = pi.value(u"last_payment_error"_s).toObject();
                const QJsonObject metadata = pi.value(u"metadata"_s).toObject();
                const qint64 customer = facts[k].customer;
                if (!ch.isEmpty()) {
                    const QVariantList values{
                        ch.value(u"id"_s).toString(),
                        pi.value(u"id"_s).toString(),
                        idOf(ch.value(u"customer"_s)),
                        ch.value(u"status"_s).toString(),
                        20,
                        ch.value(u"amount_captured"_s).toInteger(),
                        ch.value(u"amount"_s).toInteger(),
                        ch.value(u"amount_captured"_s).toInteger(),
                        ch.value(u"amount_refunded"_s).toInteger(),
                        ch.value(u"currency"_s).toString(),
                        ch.value(u"refunded"_s).toBool() ? 1 : 0,
                        ch.value(u"captured"_s).toBool() ? 1 : 0,
                        ch.value(u"paid"_s).toBool() ? 1 : 0,
                        ch.value(u"disputed"_s).toBool() ? 1 : 0,
                        text(ch.value(u"payment_method"_s)),
                        u"card"_s,
                        card.value(u"brand"_s).toString(),
                        card.value(u"last4"_s).toString(),
                        text(ch.value(u"failure_code"_s)),
                        ch.value(u"created"_s).toInteger(),
                        0,
                        ShopEnd,
                        ShopEnd,
                        packed(ch),
                    };
                    for (qsizetype v = 0; v < values.size(); ++v)
                        charge.bindValue(int(v), values[v]);
                    ok = charge.exec();
                }
                const QVariantList values{
                    pi.value(u"id"_s).toString(),
                    pi.value(u"status"_s).toString(),
                    20,
                    pi.value(u"amount_received"_s).toInteger(),
                    pi.value(u"amount"_s).toInteger(),
                    pi.value(u"amount_received"_s).toInteger(),
                    pi.value(u"amount_capturable"_s).toInteger(),
                    ch.value(u"amount_refunded"_s).toInteger(),
                    pi.value(u"currency"_s).toString(),
                    pi.value(u"created"_s).toInteger(),
                    text(pi.value(u"customer"_s)),
                    customer >= 0 ? shop.customerName(customer) : QString(u""_s),
                    customer >= 0 ? shop.customerEmail(customer) : QString(u""_s),
                    text(pi.value(u"description"_s)),
                    text(metadata.value(u"order_ref"_s)),
                    text(metadata.value(u"kassa_till"_s)),
                    text(metadata.value(u"kassa_cashier"_s)),
                    text(pi.value(u"payment_method"_s)),
                    text(card.value(u"brand"_s)),
                    text(card.value(u"last4"_s)),
                    idOf(pi.value(u"latest_charge"_s)),
                    pi.value(u"capture_method"_s).toString(),
                    text(error.value(u"code"_s)),
                    text(error.value(u"decline_code"_s)),
                    0,
                    ShopEnd,
                    ShopEnd,
                    packedPaymentIntent(pi, ch.value(u"id"_s).toString()),
                };
                for (qsizetype v = 0; ok && v < values.size(); ++v)
                    payment.bindValue(int(v), values[v]);
                ok = ok && payment.exec();
            }
            for (const std::unique_ptr<QSqlQuery> &statement : textIndex)
                ok = ok && statement->exec();
            ok = ok && db.commit();
            run.seconds += double(timer.nsecsElapsed()) / 1e9;
            run.cpuSeconds += threadCpuSeconds() - cpu;
            if (!ok) {
                fail(u"plain insert: "_s + payment.lastError().text() + u' ' + charge.lastError().text() +
                     u' ' + db.lastError().text());
                return std::nullopt;
            }
            run.objects += batch.size();
        }
        QSqlQuery count(db);
        if (!count.exec(u"SELECT COUNT(*) FROM payments"_s) || !count.next() ||
            count.value(0).toLongLong() != objects)
            fail(u"plain insert: the table does not hold %1 payments"_s.arg(objects));
    }
    QSqlDatabase::removeDatabase(name);
    return run;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"StoreIngest's rate against a plain prepared INSERT of the same rows."_s);
    parser.addHelpOption();
    const QCommandLineOption objectsOption(u"objects"_s, u"PaymentIntents per run (100000)."_s, u"N"_s);
    const QCommandLineOption quick(u"quick"_s, u"Smoke size: 2000 PaymentIntents."_s);
    parser.addOptions({objectsOption, quick});
    parser.process(app);
    qint64 objects = parser.isSet(quick) ? 2'000 : 100'000;
    if (parser.isSet(objectsOption))
        objects = std::max<qint64>(100, parser.value(objectsOption).toLongLong());

    // The shop sized for these payments: its customers are written before each run, untimed.
    const Shop shop(objects, 0, ShopEnd);
    out() << "bench_ingest: " << objects << " PaymentIntents (each with its latest charge expanded; "
          << shop.customerCount() << " customers written first, untimed), SQLite. objects/s counts "
          << "PaymentIntents; stripe_objects/s counts each PaymentIntent and its charge" << Qt::endl;

    for (const int batchSize : {100, 1000}) {
        QTemporaryDir dir;
        if (!dir.isValid()) {
            fail(u"no temporary directory"_s);
            break;
        }
        const std::optional<Run> store = ingestStore(shop, objects, batchSize, dir.path());
        const std::optional<Run> plain = insertPlain(shop, objects, batchSize, dir.path(), Shape::Indexed);
        const std::optional<Run> bare = insertPlain(shop, objects, batchSize, dir.path(), Shape::Bare);
        if (!store || !plain || !bare)
            break;
        out() << Qt::endl << "== transactions of " << batchSize << " ==" << Qt::endl;
        const QString suffix = u"batch%1"_s.arg(batchSize);
        report(u"ingest"_s, u"storeingest_objects_per_s."_s + suffix, store->rate(), u"objects/s"_s,
               u">= %1: %2"_s.arg(RateGoal).arg(store->rate() >= RateGoal ? u"met"_s : u"MISSED"_s));
        // Each PaymentIntent brings its charge: two Stripe objects, each upserted into its own table with
        // its raw JSON.
        report(u"ingest"_s, u"storeingest_stripe_objects_per_s."_s + suffix, 2 * store->rate(),
               u"objects/s"_s);
        report(u"ingest"_s, u"raw_json_bytes_per_payment."_s + suffix, double(store->payloadBytes) / objects,
               u"bytes"_s);
        report(u"ingest"_s, u"plain_insert_objects_per_s."_s + suffix, plain->rate(), u"objects/s"_s);
        const double ratio = plain->rate() > 0 ? store->rate() / plain->rate() : 0;
        report(u"ingest"_s, u"ratio_store_to_plain."_s + suffix, ratio, u"x"_s,
               u">= 0.33: %1"_s.arg(ratio >= RatioGoal ? u"met"_s : u"MISSED"_s));
        report(u"ingest"_s, u"storeingest_objects_per_cpu_s."_s + suffix, store->cpuRate(), u"objects/s"_s);
        report(u"ingest"_s, u"plain_insert_objects_per_cpu_s."_s + suffix, plain->cpuRate(), u"objects/s"_s);
        report(u"ingest"_s, u"ratio_store_to_plain_cpu."_s + suffix,
               plain->cpuRate() > 0 ? store->cpuRate() / plain->cpuRate() : 0, u"x"_s);
        // The floor: no index, no text index. When even this is below the goal, the goal asks for less
        // work per object than keeping the raw JSON in SQLite takes on this machine.
        report(u"ingest"_s, u"bare_insert_objects_per_s."_s + suffix, bare->rate(), u"objects/s"_s);
        report(u"ingest"_s, u"bare_insert_objects_per_cpu_s."_s + suffix, bare->cpuRate(), u"objects/s"_s);
    }
    out() << Qt::endl;
    report(u"ingest"_s, u"peak_rss"_s, peakRssMiB(), u"MiB"_s);
    if (g_failures > 0) {
        err() << g_failures << " wrong result(s)" << Qt::endl;
        return 1;
    }
    return 0;
}
