// SPDX-License-Identifier: GPL-3.0-or-later
// kassa_pgworker: one till process for tst_pgtwoprocess. It opens and migrates the store that
// --database names, says {"ready": ...} on stdout, and then runs one command per stdin line (a JSON
// object), answering each with one JSON line. Between commands it blocks on stdin, so that a test that
// writes a command to two workers at once releases them together (the barrier).
//
// Commands ("cmd"):
//   ingest   {"objects": [Stripe objects], "observed_at": N, "outbox": [rows]}: the objects through
//            StoreIngest in one transaction, then each outbox row with insertPending().
//   dump     {"payments": [ids], "refunds": [ids], "customers": [ids], "outbox_keys": [keys]}: every
//            field the repositories read back, and the raw JSON.
//   race     {"versions": [{"object", "observed_at", "index"}], "rounds": N, "seed": S}: upserts every
//            version of every object, shuffled, `rounds` times, one transaction each; after each upsert
//            reads the held version back and reports any that went backwards (metadata.kassa_v is the
//            version's place in its object's order).
//   upsert   {"objects": [...], "observed_at": N}: each object in its own transaction, in order.
//   recover  {"stale_after": S, "rounds": N, "batch": B}: sync::Outbox::recover() against --api-base.
#include "services/store/customerrepository.h"
#include "services/store/database.h"
#include "services/store/databaseconfig.h"
#include "services/store/migrations.h"
#include "services/store/outboxrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/storeingest.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/outbox.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

using namespace Qt::StringLiterals;
using namespace kassa;

namespace {

void reply(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

QJsonObject failure(const QString &why)
{
    return {{u"ok"_s, false}, {u"error"_s, why}};
}

QJsonObject errorJson(const store::StoreError &error)
{
    return {{u"kind"_s, store::StoreError::kindName(error.kind)},
            {u"code"_s, error.nativeCode},
            {u"message"_s, error.toString()}};
}

QJsonObject outboxJson(const store::OutboxEntry &e)
{
    return {{u"id"_s, e.id},
            {u"op"_s, e.op},
            {u"method"_s, e.method},
            {u"path"_s, e.path},
            {u"params"_s, QString::fromUtf8(e.params)},
            {u"idempotency_key"_s, e.idempotencyKey},
            {u"order_ref"_s, e.orderRef},
            {u"exclusive"_s, e.exclusive},
            {u"state"_s, store::outboxStateName(e.state)},
            {u"attempts"_s, e.attempts},
            {u"last_error"_s, e.lastError},
            {u"response_status"_s, e.responseStatus},
            {u"response_body"_s, QString::fromUtf8(e.responseBody)},
            {u"object_id"_s, e.objectId},
            {u"claimed_by"_s, e.claimedBy},
            {u"claimed_at"_s, e.claimedAt},
            {u"created_at"_s, e.createdAt},
            {u"updated_at"_s, e.updatedAt}};
}

QJsonObject paymentJson(const store::PaymentRow &r)
{
    return {{u"id"_s, r.id},
            {u"status"_s, r.status},
            {u"amount"_s, r.amount.minorUnits()},
            {u"amount_received"_s, r.amountReceived.minorUnits()},
            {u"amount_capturable"_s, r.amountCapturable.minorUnits()},
            {u"amount_refunded"_s, r.amountRefunded.minorUnits()},
            {u"currency"_s, r.amount.currency().code()},
            {u"created"_s, r.created},
            {u"customer_id"_s, r.customerId},
            {u"customer_name"_s, r.customerName},
            {u"customer_email"_s, r.customerEmail},
            {u"description"_s, r.description},
            {u"order_ref"_s, r.orderRef},
            {u"till"_s, r.till},
            {u"cashier"_s, r.cashier},
            {u"payment_method_id"_s, r.paymentMethodId},
            {u"card_brand"_s, r.cardBrand},
            {u"card_last4"_s, r.cardLast4},
            {u"latest_charge_id"_s, r.latestChargeId},
            {u"capture_method"_s, r.captureMethod},
            {u"error_code"_s, r.errorCode},
            {u"decline_code"_s, r.declineCode},
            {u"livemode"_s, r.livemode},
            {u"observed_at"_s, r.observedAt},
            {u"updated_at"_s, r.updatedAt}};
}

QJsonObject refundJson(const store::RefundRow &r)
{
    return {{u"id"_s, r.id},
            {u"charge_id"_s, r.chargeId},
            {u"payment_intent_id"_s, r.paymentIntentId},
            {u"status"_s, r.status},
            {u"amount"_s, r.amount.minorUnits()},
            {u"currency"_s, r.amount.currency().code()},
            {u"reason"_s, r.reason},
            {u"failure_reason"_s, r.failureReason},
            {u"requested_by"_s, r.requestedBy},
            {u"approved_by"_s, r.approvedBy},
            {u"created"_s, r.created},
            {u"observed_at"_s, r.observedAt}};
}

QJsonObject customerJson(const store::CustomerRow &r)
{
    return {{u"id"_s, r.id},
            {u"name"_s, r.name},
            {u"email"_s, r.email},
            {u"phone"_s, r.phone},
            {u"description"_s, r.description},
            {u"default_payment_method_id"_s, r.defaultPaymentMethodId},
            {u"deleted"_s, r.deleted},
            {u"created"_s, r.created},
            {u"observed_at"_s, r.observedAt}};
}

QList<QJsonObject> objectsOf(const QJsonValue &value)
{
    QList<QJsonObject> out;
    for (const QJsonValue &item : value.toArray())
        out.append(item.toObject());
    return out;
}

class Worker
{
public:
    Worker(std::unique_ptr<store::Database> db, const QUrl &apiBase, const QString &name)
        : m_db(std::move(db))
        , m_name(name)
    {
        stripe::StripeClient::Options options;
        options.apiBase = apiBase;
        options.timeoutMs = 30'000;
        m_client = std::make_unique<stripe::StripeClient>(m_network, options);
        m_client->setApiKey(qEnvironmentVariable("KASSA_STRIPE_API_KEY"));
        m_client->setRate(1000);
    }

    QJsonObject run(const QJsonObject &command)
    {
        const QString cmd = command.value(u"cmd"_s).toString();
        if (cmd == u"ingest"_s)
            return ingest(command);
        if (cmd == u"dump"_s)
            return dump(command);
        if (cmd == u"race"_s)
            return race(command);
        if (cmd == u"upsert"_s)
            return upsert(command);
        if (cmd == u"recover"_s)
            return recover(command);
        return failure(u"unknown command "_s + cmd);
    }

private:
    QJsonObject ingest(const QJsonObject &command)
    {
        store::StoreIngest ingest(*m_db);
        const auto written = ingest.upsertMany(objectsOf(command.value(u"objects"_s)),
                                               command.value(u"observed_at"_s).toInteger());
        if (!written.ok())
            return failure(written.error().toString());
        if (written.value().rejected > 0)
            return failure(written.value().rejections.join(u"; "_s));
        QJsonArray rows;
        store::OutboxRepository outbox(*m_db);
        for (const QJsonObject &row : objectsOf(command.value(u"outbox"_s))) {
            store::OutboxEntry entry;
            entry.op = row.value(u"op"_s).toString();
            entry.method = row.value(u"method"_s).toString();
            entry.path = row.value(u"path"_s).toString();
            entry.params = row.value(u"params"_s).toString().toUtf8();
            entry.idempotencyKey = row.value(u"idempotency_key"_s).toString();
            entry.orderRef = row.value(u"order_ref"_s).toString();
            entry.exclusive = row.value(u"exclusive"_s).toBool();
            const auto inserted = outbox.insertPending(entry);
            if (!inserted.ok())
                return failure(inserted.error().toString());
            if (!inserted.value().inserted)
                return failure(u"outbox row not inserted: "_s + entry.idempotencyKey);
            rows.append(outboxJson(inserted.value().entry));
        }
        return {{u"ok"_s, true}, {u"applied"_s, written.value().applied}, {u"outbox"_s, rows}};
    }

    QJsonObject dump(const QJsonObject &command)
    {
        QJsonObject payments;
        store::PaymentRepository paymentRepository(*m_db);
        for (const QJsonValue &id : command.value(u"payments"_s).toArray()) {
            const auto row = paymentRepository.find(id.toString());
            const auto raw = paymentRepository.rawJson(id.toString());
            if (!row.ok() || !raw.ok())
                return failure(u"reading payment "_s + id.toString());
            if (!row.value() || !raw.value())
                continue;
            QJsonObject fields = paymentJson(*row.value());
            fields.insert(u"raw"_s, *raw.value());
            payments.insert(id.toString(), fields);
        }
        QJsonObject refunds;
        store::RefundRepository refundRepository(*m_db);
        for (const QJsonValue &id : command.value(u"refunds"_s).toArray()) {
            const auto row = refundRepository.find(id.toString());
            const auto raw = refundRepository.rawJson(id.toString());
            if (!row.ok() || !raw.ok())
                return failure(u"reading refund "_s + id.toString());
            if (!row.value() || !raw.value())
                continue;
            QJsonObject fields = refundJson(*row.value());
            fields.insert(u"raw"_s, *raw.value());
            refunds.insert(id.toString(), fields);
        }
        QJsonObject customers;
        store::CustomerRepository customerRepository(*m_db);
        for (const QJsonValue &id : command.value(u"customers"_s).toArray()) {
            const auto row = customerRepository.find(id.toString());
            const auto raw = customerRepository.rawJson(id.toString());
            if (!row.ok() || !raw.ok())
                return failure(u"reading customer "_s + id.toString());
            if (!row.value() || !raw.value())
                continue;
            QJsonObject fields = customerJson(*row.value());
            fields.insert(u"raw"_s, *raw.value());
            customers.insert(id.toString(), fields);
        }
        QJsonObject outboxRows;
        store::OutboxRepository outbox(*m_db);
        for (const QJsonValue &key : command.value(u"outbox_keys"_s).toArray()) {
            const auto row = outbox.findByKey(key.toString());
            if (!row.ok())
                return failure(u"reading outbox row "_s + key.toString());
            if (row.value())
                outboxRows.insert(key.toString(), outboxJson(*row.value()));
        }
        return {{u"ok"_s, true},
                {u"payments"_s, payments},
                {u"refunds"_s, refunds},
                {u"customers"_s, customers},
                {u"outbox"_s, outboxRows}};
    }

    // The version index (metadata.kassa_v) the store holds for `object`'s id; -1 when none.
    int heldIndex(const QJsonObject &object)
    {
        const QString type = object.value(u"object"_s).toString();
        const QString id = object.value(u"id"_s).toString();
        store::StoreResult<std::optional<QJsonObject>> raw = std::optional<QJsonObject>();
        if (type == u"payment_intent"_s)
            raw = store::PaymentRepository(*m_db).rawJson(id);
        else if (type == u"refund"_s)
            raw = store::RefundRepository(*m_db).rawJson(id);
        else if (type == u"customer"_s)
            raw = store::CustomerRepository(*m_db).rawJson(id);
        if (!raw.ok() || !raw.value())
            return -1;
        return raw.value()->value(u"metadata"_s).toObject().value(u"kassa_v"_s).toString().toInt();
    }

    // One object in its own transaction. A Busy (lock timeout, deadlock, serialization failure) means
    // nothing was written and the store asks to try again: so does this, counting it.
    store::StoreResult<store::UpsertOutcome> upsertRetrying(const QJsonObject &object, qint64 observedAt,
                                                            int *busy)
    {
        store::StoreIngest ingest(*m_db);
        for (int attempt = 0;; ++attempt) {
            auto written = ingest.upsert(object, observedAt);
            if (written.ok() || written.error().kind != store::StoreError::Kind::Busy || attempt >= 20)
                return written;
            ++*busy;
        }
    }

    QJsonObject race(const QJsonObject &command)
    {
        struct Version
        {
            QJsonObject object;
            qint64 observedAt;
            int index;
        };
        QList<Version> versions;
        for (const QJsonObject &v : objectsOf(command.value(u"versions"_s)))
            versions.append({v.value(u"object"_s).toObject(), v.value(u"observed_at"_s).toInteger(),
                             v.value(u"index"_s).toInt()});
        const int rounds = command.value(u"rounds"_s).toInt(1);
        QRandomGenerator random(quint32(command.value(u"seed"_s).toInteger()));
        QHash<QString, int> seen; // the highest index this process has read back, per id
        int upserts = 0;
        int applied = 0;
        int stale = 0;
        int busy = 0;
        QJsonArray errors;
        QJsonArray backwards;
        for (int round = 0; round < rounds; ++round) {
            std::shuffle(versions.begin(), versions.end(), random);
            for (const Version &v : std::as_const(versions)) {
                const auto written = upsertRetrying(v.object, v.observedAt, &busy);
                ++upserts;
                if (!written.ok()) {
                    if (errors.size() < 20)
                        errors.append(errorJson(written.error()));
                    continue;
                }
                if (written.value() == store::UpsertOutcome::Applied)
                    ++applied;
                else if (written.value() == store::UpsertOutcome::Stale)
                    ++stale;
                const QString id = v.object.value(u"id"_s).toString();
                const int held = heldIndex(v.object);
                const int before = seen.value(id, -1);
                // What this process wrote is held now or was superseded: never less than it.
                if (held < before || (written.value() == store::UpsertOutcome::Applied && held < v.index)) {
                    if (backwards.size() < 20)
                        backwards.append(QJsonObject{
                            {u"id"_s, id}, {u"before"_s, before}, {u"wrote"_s, v.index}, {u"held"_s, held}});
                }
                seen.insert(id, std::max(before, held));
            }
        }
        return {{u"ok"_s, true},   {u"upserts"_s, upserts}, {u"applied"_s, applied},    {u"stale"_s, stale},
                {u"busy"_s, busy}, {u"errors"_s, errors},   {u"backwards"_s, backwards}};
    }

    QJsonObject upsert(const QJsonObject &command)
    {
        const qint64 observedAt = command.value(u"observed_at"_s).toInteger();
        int busy = 0;
        int applied = 0;
        QJsonArray errors;
        for (const QJsonObject &object : objectsOf(command.value(u"objects"_s))) {
            const auto written = upsertRetrying(object, observedAt, &busy);
            if (!written.ok())
                errors.append(errorJson(written.error()));
            else if (written.value() == store::UpsertOutcome::Applied)
                ++applied;
        }
        return {{u"ok"_s, true}, {u"applied"_s, applied}, {u"busy"_s, busy}, {u"errors"_s, errors}};
    }

    QJsonObject recover(const QJsonObject &command)
    {
        sync::Outbox::Options options;
        options.owner = m_name;
        options.staleAfterSeconds = command.value(u"stale_after"_s).toInteger(300);
        options.maxRounds = command.value(u"rounds"_s).toInt(5);
        options.batchSize = command.value(u"batch"_s).toInt(200);
        sync::Outbox outbox(*m_db, *m_client, options);
        QEventLoop loop;
        sync::RecoveryReport report;
        bool finished = false;
        outbox.recover([&](const sync::RecoveryReport &r) {
            report = r;
            finished = true;
            loop.quit();
        });
        if (!finished)
            loop.exec();
        QJsonArray rows;
        for (const sync::OutboxResult &row : report.rows)
            rows.append(QJsonObject{{u"id"_s, row.entry.id},
                                    {u"key"_s, row.entry.idempotencyKey},
                                    {u"order_ref"_s, row.entry.orderRef},
                                    {u"outcome"_s, sync::OutboxResult::outcomeName(row.outcome)},
                                    {u"object_id"_s, row.entry.objectId},
                                    {u"error"_s, row.error}});
        return {{u"ok"_s, report.storeError.isEmpty()},
                {u"claimed"_s, report.claimed},
                {u"done"_s, report.done},
                {u"failed"_s, report.failed},
                {u"still_pending"_s, report.stillPending},
                {u"rounds"_s, report.rounds},
                {u"store_error"_s, report.storeError},
                {u"rows"_s, rows}};
    }

    std::unique_ptr<store::Database> m_db;
    QString m_name;
    QNetworkAccessManager m_network;
    std::unique_ptr<stripe::StripeClient> m_client;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({u"database"_s, u"postgresql:// URL of the store"_s, u"url"_s});
    parser.addOption({u"api-base"_s, u"the simulator's address"_s, u"url"_s});
    parser.addOption({u"name"_s, u"this worker's name (the outbox owner)"_s, u"name"_s});
    parser.process(app);

    const auto config = store::DatabaseConfig::fromUrl(parser.value(u"database"_s));
    if (!config.ok()) {
        reply(failure(u"--database: "_s + config.error().toString()));
        return 2;
    }
    auto opened = store::Database::open(config.value());
    if (!opened.ok()) {
        reply(failure(opened.error().toString()));
        return 1;
    }
    std::unique_ptr<store::Database> db = std::move(opened).value();
    if (const store::StoreError migrated = store::Migrations::migrate(*db); migrated.isError()) {
        reply(failure(migrated.toString()));
        return 1;
    }
    const QString name = parser.value(u"name"_s).isEmpty()
                             ? u"pgworker:%1"_s.arg(QCoreApplication::applicationPid())
                             : parser.value(u"name"_s);
    Worker worker(std::move(db), QUrl(parser.value(u"api-base"_s)), name);
    reply({{u"ok"_s, true}, {u"ready"_s, name}, {u"pid"_s, QCoreApplication::applicationPid()}});

    std::string line;
    while (std::getline(std::cin, line)) {
        QJsonParseError error;
        const QJsonDocument command = QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
        if (!command.isObject()) {
            reply(failure(u"not a JSON object: "_s + error.errorString()));
            continue;
        }
        reply(worker.run(command.object()));
    }
    return 0;
}
