// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/synccommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "app/cli/keycommands.h"
#include "core/money.h"
#include "services/security/keyservice.h"
#include "services/security/stripekey.h"
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
#include "services/sync/webhookinbox.h"
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

void recover(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"stale-after"_s, u"rounds"_s}, {});
    if (!args.isValid() || !args.positionals().isEmpty())
        return s.usage(u"usage: recover [--stale-after SECONDS] [--rounds N]"_s);
    store::Database *db = s.store();
    if (!db)
        return;
    sync::Outbox::Options options;
    options.staleAfterSeconds = args.value(u"stale-after"_s, u"300"_s).toLongLong();
    options.maxRounds = std::max(1, args.value(u"rounds"_s, u"5"_s).toInt());
    auto *outbox = new sync::Outbox(*db, s.client(), options, &s);
    outbox->recover([&s](const sync::RecoveryReport &report) {
        for (const sync::OutboxResult &row : report.rows)
            s.out() << sync::OutboxResult::outcomeName(row.outcome) << ' '
                    << CliSession::describeOutboxEntry(row.entry)
                    << (row.error.isEmpty() ? QString() : u" ("_s + row.error + u')') << '\n';
        s.out() << "recover: " << report.claimed << " sent, " << report.done << " done, " << report.failed
                << " failed, " << report.stillPending << " still pending, in " << report.rounds
                << " rounds\n";
        if (!report.storeError.isEmpty())
            s.err() << "kassa-cli: store: " << report.storeError << '\n';
        s.finish(report.storeError.isEmpty() && report.stillPending == 0 ? ExitOk : ExitFailure);
    });
}

void syncCommand(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"interval"_s}, {u"backfill"_s, u"follow"_s});
    if (!args.isValid() || !args.positionals().isEmpty())
        return s.usage(u"usage: sync [--backfill] [--follow] [--interval SECONDS]"_s);
    store::Database *db = s.store();
    if (!db)
        return;
    auto *processor = new sync::EventProcessor(*db, &s.client(), &s);
    sync::EventPoller::Options options;
    options.intervalMs = std::max(1, args.value(u"interval"_s, u"15"_s).toInt()) * 1000;
    auto *poller = new sync::EventPoller(*db, s.client(), *processor, options, &s);
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
    auto *backfill = new sync::Backfill(*db, s.client(), &s);
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

void serve(CliSession &s, const QHostAddress &address, quint16 port, const QString &listen,
           const sync::WebhookReceiver::Options &options, const QByteArray &secret);

void webhook(CliSession &s, const QStringList &arguments)
{
    const CliArgs args =
        CliArgs::parse(arguments, {u"listen"_s, u"events"_s, u"rate-limit"_s}, {u"secret-stdin"_s});
    if (!args.isValid())
        return s.usage(u"webhook: "_s + args.error());
    const QString sub = args.positional(0);
    if (sub == u"register"_s) {
        if (args.positionals().size() != 2)
            return s.usage(u"usage: webhook register URL [--events a,b]"_s);
        const QStringList events = args.value(u"events"_s, u"*"_s).split(u',', Qt::SkipEmptyParts);
        // The console's Settings page registers through the same service.
        security::KeyService keys(
            s.secrets(), &s.client(), s.profile(), security::KeyService::Gate::CallerChecked,
            [&s](const security::ActingUser &, const QString &action, const QStringList &ids,
                 const QJsonObject &details) { s.audit(action, ids, details); });
        keys.registerWebhook({}, s.client(), args.positional(1), events, &s,
                             [&s](const security::KeyService::Outcome &outcome) {
                                 using Status = security::KeyService::Outcome::Status;
                                 if (outcome.status == Status::Rejected && outcome.endpointId.isEmpty()) {
                                     s.printError(outcome.stripeError);
                                     return s.finish(exitCodeFor(outcome.stripeError.kind));
                                 }
                                 if (outcome.status == Status::Invalid)
                                     return s.usage(outcome.message);
                                 s.out() << "endpoint " << outcome.endpointId << ' ' << outcome.endpointUrl
                                         << '\n';
                                 if (!outcome.ok()) {
                                     s.err() << "kassa-cli: " << outcome.message << ".\n";
                                     return s.finish(ExitFailure);
                                 }
                                 s.out() << outcome.message << " (webhook serve uses it)\n";
                                 s.finish(ExitOk);
                             });
        return;
    }
    // serve
    const QString listen = args.value(u"listen"_s, u"127.0.0.1:0"_s);
    sync::ListenAddress where;
    if (!sync::ListenAddress::parse(listen, &where))
        return s.usage(u"--listen ADDRESS:PORT, e.g. 127.0.0.1:8787"_s);
    const QHostAddress address = where.address;
    const quint16 port = where.port;
    sync::WebhookReceiver::Options options;
    if (args.has(u"rate-limit"_s)) {
        // Stripe (or `stripe listen`) delivers from few addresses; a shop with bursts of events, or a
        // benchmark on loopback, raises the per-address limit or turns it off with 0.
        bool rateOk = false;
        options.perClientRate = args.value(u"rate-limit"_s).toInt(&rateOk);
        if (!rateOk || options.perClientRate < 0)
            return s.usage(u"--rate-limit N: requests per second from one address, 0 for no limit"_s);
    }
    if (args.has(u"secret-stdin"_s)) {
        const QByteArray secret = s.readStdinLine().trimmed().toUtf8();
        if (!secret.startsWith("whsec_"))
            return s.usage(u"the secret on stdin must start with whsec_"_s);
        return serve(s, address, port, listen, options, secret);
    }
    KeyCommands::readSecret(
        s, security::SecretKind::WebhookSecret,
        [&s, address, port, listen, options](const QString &secret) {
            if (!secret.startsWith(u"whsec_"_s)) {
                s.err()
                    << "kassa-cli: the webhook secret in the keychain does not start with whsec_; store it "
                       "again with kassa-cli keys set --webhook\n";
                return s.finish(ExitFailure);
            }
            serve(s, address, port, listen, options, secret.toUtf8());
        },
        [&s](const security::SecretError &error) {
            if (error.kind == security::SecretError::Kind::NotFound)
                return s.usage(
                    u"webhook serve needs the endpoint's whsec_ secret: give it with --secret-stdin, "
                    "or keep it in the keychain with keys set --webhook (webhook register does)"_s);
            s.err() << "kassa-cli: " << error.message << ".\n"
                    << KeyCommands::withoutKeychainHint(security::SecretKind::WebhookSecret) << '\n';
            s.finish(ExitFailure);
        });
}

void serve(CliSession &s, const QHostAddress &address, quint16 port, const QString &listen,
           const sync::WebhookReceiver::Options &options, const QByteArray &secret)
{
    store::Database *db = s.store();
    if (!db)
        return;
    auto *processor = new sync::EventProcessor(*db, s.client().hasApiKey() ? &s.client() : nullptr, &s);
    // The console runs the same inbox (WebhookInbox says how deliveries are answered and applied).
    auto *inbox = new sync::WebhookInbox(*db, *processor, options, &s);
    inbox->setConnectionConfig(s.storeConfig()); // a keychain password included
    QObject::connect(inbox, &sync::WebhookInbox::applyFailed, &s, [&s](const QString &error) {
        s.err() << "kassa-cli: applying received events: " << error << Qt::endl;
    });
    if (QString why; !inbox->startCheckpoints(&why))
        s.err() << "kassa-cli: checkpoints stay in the receiving thread: " << why << Qt::endl;
    inbox->setSecrets({secret});
    if (!inbox->listen(address, port)) {
        s.err() << "kassa-cli: cannot listen on " << listen << ": " << inbox->errorString() << '\n';
        return s.finish(ExitFailure);
    }
    s.out() << "listening on http://" << address.toString() << ':' << inbox->port() << "/webhook" << Qt::endl;
}

void paymentsFromStore(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"limit"_s, u"status"_s, u"search"_s, u"customer"_s}, {});
    if (!args.isValid())
        return s.usage(u"payments: "_s + args.error());
    const QString sub = args.positional(0);
    if (sub != u"list"_s && sub != u"show"_s)
        return s.usage(u"usage: payments list [--limit N] [--status S] [--search TEXT] | payments show PI"_s);
    store::Database *db = s.store();
    if (!db)
        return;
    store::PaymentRepository payments(*db);
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
    bool limitOk = true;
    const int limit = args.value(u"limit"_s, u"20"_s).toInt(&limitOk);
    if (!limitOk || limit < 0)
        return s.usage(u"--limit takes a number (0: all)"_s);
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
    if (printed == 0) // on stderr, so that scripts reading stdout still see an empty list
        s.err() << (filter.isEmpty()
                        ? "no payments in the local store yet (kassa-cli sync --backfill copies them "
                          "from Stripe; --remote asks Stripe)\n"
                        : "no payments in the local store match\n");
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

void exportCsv(CliSession &s, const QStringList &arguments)
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
    store::Database *db = s.store();
    if (!db)
        return;
    QSaveFile file(args.positional(1));
    if (!file.open(QIODevice::WriteOnly)) {
        s.err() << "kassa-cli: cannot write " << args.positional(1) << ": " << file.errorString() << '\n';
        return s.finish(ExitFailure);
    }
    file.write(
        "id,created,status,amount,currency,amount_refunded,customer,email,description,order_ref,card\n");
    store::PaymentRepository payments(*db);
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

bool SyncCommands::handles(const QString &command, const QStringList &args)
{
    if (command == u"recover"_s || command == u"sync"_s || command == u"export"_s)
        return true;
    if (command == u"payments"_s)
        return !args.contains(u"--remote"_s);
    if (command == u"webhook"_s)
        return args.value(0) == u"serve"_s || args.value(0) == u"register"_s;
    return false;
}

bool SyncCommands::run(CliSession &session, const QString &command, const QStringList &args)
{
    if (!handles(command, args))
        return false;
    if (command == u"recover"_s)
        recover(session, args);
    else if (command == u"sync"_s)
        syncCommand(session, args);
    else if (command == u"webhook"_s)
        webhook(session, args);
    else if (command == u"payments"_s)
        paymentsFromStore(session, args);
    else
        exportCsv(session, args);
    return true;
}

} // namespace kassa::cli
