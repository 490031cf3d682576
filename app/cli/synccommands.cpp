// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/synccommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "core/money.h"
#include "services/store/database.h"
#include "services/store/databaseconfig.h"
#include "services/store/migrations.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrepository.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/webhookendpoints.h"
#include "services/sync/backfill.h"
#include "services/sync/eventpoller.h"
#include "services/sync/eventprocessor.h"
#include "services/sync/outbox.h"
#include "services/sync/webhookreceiver.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>

#include <memory>

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

// Owns the store (and whatever a command builds on it) for as long as the session runs.
class StoreHolder : public QObject
{
public:
    StoreHolder(std::unique_ptr<store::Database> db, QObject *parent)
        : QObject(parent)
        , m_db(std::move(db))
    {
    }
    ~StoreHolder() override
    {
        qDeleteAll(children()); // the services built on the store go first
    }
    store::Database &db() { return *m_db; }

private:
    std::unique_ptr<store::Database> m_db;
};

StoreHolder *openStore(CliSession &s, const StoreLocation &location)
{
    store::DatabaseConfig config;
    if (!location.databaseUrl.isEmpty()) {
        const store::StoreResult<store::DatabaseConfig> parsed =
            store::DatabaseConfig::fromUrl(location.databaseUrl);
        if (!parsed.ok()) {
            s.usage(u"--database: "_s + parsed.error().message);
            return nullptr;
        }
        config = parsed.value();
    } else {
        config = store::DatabaseConfig::sqlite(location.dataDir.isEmpty()
                                                   ? store::DatabaseConfig::defaultSqlitePath()
                                                   : QDir(location.dataDir).filePath(u"kassa.sqlite"_s));
    }
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(config);
    if (!opened.ok()) {
        s.err() << "kassa-cli: cannot open the store: " << opened.error().toString() << '\n';
        s.finish(ExitFailure);
        return nullptr;
    }
    std::unique_ptr<store::Database> db = std::move(opened).value();
    const store::StoreError migrated = store::Migrations::migrate(*db);
    if (migrated.isError()) {
        s.err() << "kassa-cli: cannot prepare the store: " << migrated.toString() << '\n';
        s.finish(ExitFailure);
        return nullptr;
    }
    return new StoreHolder(std::move(db), &s);
}

QString describe(const store::OutboxEntry &entry)
{
    return u"%1 %2 order=%3 key=%4 state=%5 object=%6 attempts=%7"_s.arg(
        entry.op, entry.path, entry.orderRef.isEmpty() ? u"-"_s : entry.orderRef, entry.idempotencyKey,
        store::outboxStateName(entry.state), entry.objectId.isEmpty() ? u"-"_s : entry.objectId,
        QString::number(entry.attempts));
}

int exitFor(const sync::OutboxResult &result)
{
    switch (result.outcome) {
    case sync::OutboxResult::Outcome::Done:
    case sync::OutboxResult::Outcome::Earlier:
        return ExitOk;
    case sync::OutboxResult::Outcome::Failed:
        return exitCodeFor(result.response.error.kind);
    case sync::OutboxResult::Outcome::Unknown:
        return result.response.error.isError() ? exitCodeFor(result.response.error.kind) : ExitFailure;
    case sync::OutboxResult::Outcome::StoreError:
        break;
    }
    return ExitFailure;
}

void payThroughOutbox(CliSession &s, const QStringList &arguments, const StoreLocation &location)
{
    const CliArgs args =
        CliArgs::parse(arguments,
                       {u"amount"_s, u"currency"_s, u"payment-method"_s, u"customer"_s, u"description"_s,
                        u"order-ref"_s, u"capture"_s, u"idempotency-key"_s, u"return-url"_s},
                       {});
    if (!args.isValid())
        return s.usage(u"pay: "_s + args.error());
    if (!args.has(u"amount"_s) || !args.has(u"currency"_s))
        return s.usage(u"pay needs --amount and --currency"_s);
    const std::optional<Currency> currency = Currency::fromCode(args.value(u"currency"_s));
    if (!currency)
        return s.usage(u"unknown currency '%1'"_s.arg(args.value(u"currency"_s)));
    const MoneyParseResult amount = Money::parse(args.value(u"amount"_s), *currency, QLocale::c());
    if (!amount)
        return s.usage(u"--amount %1: %2"_s.arg(args.value(u"amount"_s), amount.message()));
    const QString capture = args.value(u"capture"_s, u"automatic"_s);
    if (capture != u"automatic"_s && capture != u"manual"_s)
        return s.usage(u"--capture is automatic or manual"_s);
    StoreHolder *holder = openStore(s, location);
    if (!holder)
        return;
    stripe::PaymentIntents::CreateParams params;
    params.amount = amount.money();
    params.customerId = args.value(u"customer"_s);
    params.paymentMethodId = args.value(u"payment-method"_s);
    params.confirm = !params.paymentMethodId.isEmpty();
    params.captureMethod = capture == u"manual"_s ? CaptureMethod::Manual : CaptureMethod::Automatic;
    params.description = args.value(u"description"_s);
    params.returnUrl = args.value(u"return-url"_s);
    params.expand = {u"latest_charge"_s};
    const QString orderRef = args.value(u"order-ref"_s);
    params.metadata.insert(u"order_ref"_s, orderRef);
    auto *outbox = new sync::Outbox(holder->db(), s.client(), holder);
    outbox->submit(QString::fromLatin1(sync::Outbox::OpCreatePayment),
                   stripe::PaymentIntents::create(params, args.value(u"idempotency-key"_s)), orderRef,
                   [&s](const sync::OutboxResult &result) {
                       switch (result.outcome) {
                       case sync::OutboxResult::Outcome::Done:
                           s.print(result.response.json);
                           break;
                       case sync::OutboxResult::Outcome::Earlier:
                           s.err() << "kassa-cli: order already has an attempt, not charged again: "
                                   << describe(result.entry) << '\n';
                           if (!result.entry.responseBody.isEmpty())
                               s.print(QJsonDocument::fromJson(result.entry.responseBody).object());
                           break;
                       case sync::OutboxResult::Outcome::Failed:
                           s.printError(result.response.error);
                           break;
                       case sync::OutboxResult::Outcome::Unknown:
                           s.err() << "kassa-cli: outcome unknown (" << result.error
                                   << "); the attempt stays pending: run kassa-cli recover\n";
                           break;
                       case sync::OutboxResult::Outcome::StoreError:
                           s.err() << "kassa-cli: store: " << result.error << '\n';
                           break;
                       }
                       s.finish(exitFor(result));
                   });
}

void recover(CliSession &s, const QStringList &arguments, const StoreLocation &location)
{
    const CliArgs args = CliArgs::parse(arguments, {u"stale-after"_s, u"rounds"_s}, {});
    if (!args.isValid() || !args.positionals().isEmpty())
        return s.usage(u"usage: recover [--stale-after SECONDS] [--rounds N]"_s);
    StoreHolder *holder = openStore(s, location);
    if (!holder)
        return;
    sync::Outbox::Options options;
    options.staleAfterSeconds = args.value(u"stale-after"_s, u"300"_s).toLongLong();
    options.maxRounds = std::max(1, args.value(u"rounds"_s, u"5"_s).toInt());
    auto *outbox = new sync::Outbox(holder->db(), s.client(), options, holder);
    outbox->recover([&s](const sync::RecoveryReport &report) {
        for (const sync::OutboxResult &row : report.rows)
            s.out() << sync::OutboxResult::outcomeName(row.outcome) << ' ' << describe(row.entry)
                    << (row.error.isEmpty() ? QString() : u" ("_s + row.error + u')') << '\n';
        s.out() << "recover: " << report.claimed << " sent, " << report.done << " done, " << report.failed
                << " failed, " << report.stillPending << " still pending, in " << report.rounds
                << " rounds\n";
        if (!report.storeError.isEmpty())
            s.err() << "kassa-cli: store: " << report.storeError << '\n';
        s.finish(report.storeError.isEmpty() && report.stillPending == 0 ? ExitOk : ExitFailure);
    });
}

void syncCommand(CliSession &s, const QStringList &arguments, const StoreLocation &location)
{
    const CliArgs args = CliArgs::parse(arguments, {u"interval"_s}, {u"backfill"_s, u"follow"_s});
    if (!args.isValid() || !args.positionals().isEmpty())
        return s.usage(u"usage: sync [--backfill] [--follow] [--interval SECONDS]"_s);
    StoreHolder *holder = openStore(s, location);
    if (!holder)
        return;
    auto *processor = new sync::EventProcessor(holder->db(), &s.client(), holder);
    sync::EventPoller::Options options;
    options.intervalMs = std::max(1, args.value(u"interval"_s, u"15"_s).toInt()) * 1000;
    auto *poller = new sync::EventPoller(holder->db(), s.client(), *processor, options, holder);
    const bool follow = args.has(u"follow"_s);
    QObject::connect(poller, &sync::EventPoller::batchApplied, poller,
                     [&s, follow, processor](int events, int applied, qint64 watermark) {
                         s.out() << "events: " << events << " read, " << applied << " applied, watermark "
                                 << watermark << Qt::endl;
                         if (follow)
                             return;
                         // Objects being fetched again are written before the command ends.
                         if (processor->pendingRefetches() == 0)
                             return s.finish(ExitOk);
                         QObject::connect(processor, &sync::EventProcessor::idle, processor,
                                          [&s] { s.finish(ExitOk); });
                     });
    QObject::connect(poller, &sync::EventPoller::failed, poller, [&s, follow](const QString &error) {
        s.err() << "kassa-cli: events: " << error << Qt::endl;
        if (!follow)
            s.finish(ExitFailure);
    });
    auto startPolling = [poller, follow] { follow ? poller->start() : poller->pollOnce(); };
    if (!args.has(u"backfill"_s))
        return startPolling();
    auto *backfill = new sync::Backfill(holder->db(), s.client(), holder);
    QObject::connect(backfill, &sync::Backfill::progress, backfill,
                     [&s](const QString &resource, qint64 done, qint64 estimate) {
                         s.err() << "backfill: " << resource << ' ' << done << '/' << estimate << Qt::endl;
                     });
    QObject::connect(backfill, &sync::Backfill::finished, backfill,
                     [&s, startPolling](bool ok, const QString &error) {
                         if (!ok) {
                             s.err() << "kassa-cli: backfill: " << error << Qt::endl;
                             return s.finish(ExitFailure);
                         }
                         startPolling();
                     });
    backfill->start();
}

void webhook(CliSession &s, const QStringList &arguments, const StoreLocation &location)
{
    const CliArgs args = CliArgs::parse(arguments, {u"listen"_s, u"events"_s}, {u"secret-stdin"_s});
    if (!args.isValid())
        return s.usage(u"webhook: "_s + args.error());
    const QString sub = args.positional(0);
    if (sub == u"register"_s) {
        if (args.positionals().size() != 2)
            return s.usage(u"usage: webhook register URL [--events a,b]"_s);
        const QStringList events = args.value(u"events"_s, u"*"_s).split(u',', Qt::SkipEmptyParts);
        s.call(stripe::WebhookEndpoints::create(args.positional(1), events, u"Kassa"_s),
               [&s](const QJsonObject &endpoint) {
                   s.out() << "endpoint " << endpoint.value(u"id"_s).toString() << ' '
                           << endpoint.value(u"url"_s).toString() << '\n';
                   // Stripe shows the secret once; until the keychain lands, the user keeps it.
                   s.out() << "secret " << endpoint.value(u"secret"_s).toString() << '\n';
                   s.finish(ExitOk);
               });
        return;
    }
    // serve
    if (!args.has(u"secret-stdin"_s))
        return s.usage(u"webhook serve needs --secret-stdin (the endpoint's whsec_ secret)"_s);
    const QString listen = args.value(u"listen"_s, u"127.0.0.1:0"_s);
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    const quint16 port = colon < 0 ? 0 : listen.mid(colon + 1).toUShort(&portOk);
    const QHostAddress address(colon < 0 ? listen : listen.left(colon));
    if (address.isNull() || (colon >= 0 && !portOk))
        return s.usage(u"--listen ADDRESS:PORT, e.g. 127.0.0.1:8787"_s);
    QFile in;
    QByteArray secret;
    if (in.open(stdin, QIODevice::ReadOnly))
        secret = in.readLine().trimmed();
    if (!secret.startsWith("whsec_"))
        return s.usage(u"the secret on stdin must start with whsec_"_s);
    StoreHolder *holder = openStore(s, location);
    if (!holder)
        return;
    auto *processor =
        new sync::EventProcessor(holder->db(), s.client().hasApiKey() ? &s.client() : nullptr, holder);
    auto *receiver =
        new sync::WebhookReceiver([processor](const QJsonObject &event, const QByteArray &body,
                                              QString *error) { return processor->sink(event, body, error); },
                                  holder);
    receiver->setSecrets({secret});
    if (!receiver->listen(address, port)) {
        s.err() << "kassa-cli: cannot listen on " << listen << ": " << receiver->errorString() << '\n';
        return s.finish(ExitFailure);
    }
    s.out() << "listening on http://" << address.toString() << ':' << receiver->port() << "/webhook"
            << Qt::endl;
}

void paymentsFromStore(CliSession &s, const QStringList &arguments, const StoreLocation &location)
{
    const CliArgs args = CliArgs::parse(arguments, {u"limit"_s, u"status"_s, u"search"_s, u"customer"_s}, {});
    if (!args.isValid())
        return s.usage(u"payments: "_s + args.error());
    const QString sub = args.positional(0);
    if (sub != u"list"_s && sub != u"show"_s)
        return s.usage(u"usage: payments list [--limit N] [--status S] [--search TEXT] | payments show PI"_s);
    StoreHolder *holder = openStore(s, location);
    if (!holder)
        return;
    store::PaymentRepository payments(holder->db());
    if (sub == u"show"_s) {
        const auto raw = payments.rawJson(args.positional(1));
        if (!raw.ok()) {
            s.err() << "kassa-cli: store: " << raw.error().toString() << '\n';
            return s.finish(ExitFailure);
        }
        if (!raw.value()) {
            s.err() << "kassa-cli: no payment " << args.positional(1) << " in the store\n";
            return s.finish(ExitInvalidRequest);
        }
        s.print(*raw.value());
        return s.finish(ExitOk);
    }
    store::PaymentFilter filter;
    filter.text = args.value(u"search"_s);
    filter.customerId = args.value(u"customer"_s);
    if (args.has(u"status"_s))
        filter.statuses = args.value(u"status"_s).split(u',', Qt::SkipEmptyParts);
    int limit = args.value(u"limit"_s, u"10"_s).toInt();
    store::PageRequest request;
    std::optional<store::PageKey> after;
    int printed = 0;
    do {
        request.limit = limit <= 0 ? store::PageRequest::MaxLimit
                                   : std::min(limit - printed, int(store::PageRequest::MaxLimit));
        request.after = after;
        const auto page = payments.page(filter, request);
        if (!page.ok()) {
            s.err() << "kassa-cli: store: " << page.error().toString() << '\n';
            return s.finish(ExitFailure);
        }
        for (const store::PaymentRow &row : page.value().rows) {
            if (s.json()) {
                const auto raw = payments.rawJson(row.id);
                if (raw.ok() && raw.value())
                    s.print(*raw.value());
            } else {
                s.out() << row.id << "  " << row.status << "  " << row.amount.toDecimalString() << ' '
                        << row.amount.currency().code() << "  " << row.createdAt().toString(Qt::ISODate)
                        << "  " << (row.orderRef.isEmpty() ? u"-"_s : row.orderRef) << "  " << row.description
                        << '\n';
            }
            ++printed;
        }
        after = page.value().next;
    } while (after && (limit <= 0 || printed < limit));
    s.finish(ExitOk);
}

QString csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n'))
        return text;
    return u'"' + QString(text).replace(u"\""_s, u"\"\""_s) + u'"';
}

std::optional<qint64> parseDate(const QString &text)
{
    QDateTime when = QDateTime::fromString(text, Qt::ISODate);
    if (!when.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (!date.isValid())
            return std::nullopt;
        when = date.startOfDay(Qt::UTC);
    }
    return when.toSecsSinceEpoch();
}

void exportCsv(CliSession &s, const QStringList &arguments, const StoreLocation &location)
{
    const CliArgs args = CliArgs::parse(arguments, {u"from"_s, u"to"_s}, {});
    if (!args.isValid() || args.positional(0) != u"csv"_s || args.positionals().size() != 2)
        return s.usage(u"usage: export csv [--from DATE] [--to DATE] FILE"_s);
    store::PaymentFilter filter;
    if (args.has(u"from"_s)) {
        filter.createdFrom = parseDate(args.value(u"from"_s));
        if (!filter.createdFrom)
            return s.usage(u"--from: a date such as 2024-06-01 or 2024-06-01T09:00:00Z"_s);
    }
    if (args.has(u"to"_s)) {
        filter.createdTo = parseDate(args.value(u"to"_s));
        if (!filter.createdTo)
            return s.usage(u"--to: a date such as 2024-07-01 (exclusive)"_s);
    }
    StoreHolder *holder = openStore(s, location);
    if (!holder)
        return;
    QSaveFile file(args.positional(1));
    if (!file.open(QIODevice::WriteOnly)) {
        s.err() << "kassa-cli: cannot write " << args.positional(1) << ": " << file.errorString() << '\n';
        return s.finish(ExitFailure);
    }
    file.write(
        "id,created,status,amount,currency,amount_refunded,customer,email,description,order_ref,card\n");
    store::PaymentRepository payments(holder->db());
    store::PageRequest request;
    request.limit = store::PageRequest::MaxLimit;
    qint64 rows = 0;
    do {
        const auto page = payments.page(filter, request);
        if (!page.ok()) {
            s.err() << "kassa-cli: store: " << page.error().toString() << '\n';
            return s.finish(ExitFailure);
        }
        for (const store::PaymentRow &row : page.value().rows) {
            const QStringList fields{row.id,
                                     row.createdAt().toString(Qt::ISODate),
                                     row.status,
                                     row.amount.toDecimalString(),
                                     row.amount.currency().code(),
                                     row.amountRefunded.toDecimalString(),
                                     row.customerId,
                                     row.customerEmail,
                                     row.description,
                                     row.orderRef,
                                     row.cardLast4};
            QStringList quoted;
            for (const QString &field : fields)
                quoted.append(csvField(field));
            file.write(quoted.join(u',').toUtf8() + '\n');
            ++rows;
        }
        request.after = page.value().next;
    } while (request.after);
    if (!file.commit()) {
        s.err() << "kassa-cli: cannot write " << args.positional(1) << ": " << file.errorString() << '\n';
        return s.finish(ExitFailure);
    }
    s.err() << "exported " << rows << " payments\n";
    s.finish(ExitOk);
}

} // namespace

bool SyncCommands::handles(const QString &command, const QStringList &args, const StoreLocation &location)
{
    if (command == u"recover"_s || command == u"sync"_s || command == u"export"_s)
        return true;
    // Until the console's settings say where the store is, the store-backed forms of pay and payments
    // need --data-dir or --database; without one they ask Stripe as before.
    if (!location.isSet())
        return false;
    if (command == u"pay"_s)
        return args.contains(u"--order-ref"_s) || !args.filter(u"--order-ref="_s).isEmpty();
    if (command == u"payments"_s)
        return !args.contains(u"--remote"_s);
    if (command == u"webhook"_s)
        return args.value(0) == u"serve"_s || args.value(0) == u"register"_s;
    return false;
}

bool SyncCommands::run(CliSession &session, const QString &command, const QStringList &args,
                       const StoreLocation &location)
{
    if (!handles(command, args, location))
        return false;
    if (command == u"pay"_s)
        payThroughOutbox(session, args, location);
    else if (command == u"recover"_s)
        recover(session, args, location);
    else if (command == u"sync"_s)
        syncCommand(session, args, location);
    else if (command == u"webhook"_s)
        webhook(session, args, location);
    else if (command == u"payments"_s)
        paymentsFromStore(session, args, location);
    else
        exportCsv(session, args, location);
    return true;
}

} // namespace kassa::cli
