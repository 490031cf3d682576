// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/refundrequestcommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "services/refunds/refundrequestservice.h"
#include "services/security/auditlog.h"
#include "services/sync/outbox.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

using refunds::RefundRequestOutcome;
using refunds::RefundRequestService;
using security::SecurityError;
using store::RefundRequestRow;

const QStringList Subcommands{u"request"_s, u"pending"_s, u"history"_s, u"approve"_s, u"reject"_s};

int exitCodeOf(const SecurityError &error)
{
    switch (error.kind) {
    case SecurityError::Kind::None:
        return ExitOk;
    case SecurityError::Kind::Refused:
        return ExitPermission;
    case SecurityError::Kind::WrongPin:
    case SecurityError::Kind::Locked:
    case SecurityError::Kind::Disabled:
        return ExitAuthentication;
    case SecurityError::Kind::Invalid:
    case SecurityError::Kind::NotFound:
    case SecurityError::Kind::Exists:
        return ExitInvalidRequest;
    case SecurityError::Kind::Store:
        return ExitFailure;
    }
    return ExitFailure;
}

QJsonObject toJson(const RefundRequestRow &row)
{
    return QJsonObject{
        {u"object"_s, u"kassa.refund_request"_s},
        {u"id"_s, row.id},
        {u"payment_intent"_s, row.paymentIntentId},
        {u"amount"_s, row.amount.minorUnits()},
        {u"currency"_s, row.amount.currency().code().toLower()},
        {u"reason"_s, row.reason},
        {u"note"_s, row.note},
        {u"state"_s, row.state},
        {u"requested_by"_s, row.requestedBy},
        {u"requested_at"_s, row.requestedAt},
        {u"decided_by"_s, row.decidedBy},
        {u"decided_at"_s, row.decidedAt},
        {u"decision_reason"_s, row.decisionReason},
        {u"refund"_s, row.refundId},
        {u"failure_reason"_s, row.failureReason},
        {u"till"_s, row.till},
    };
}

void printRow(CliSession &s, const RefundRequestRow &row)
{
    if (s.json()) {
        s.out() << QString::fromUtf8(QJsonDocument(toJson(row)).toJson(QJsonDocument::Compact)) << '\n';
        return;
    }
    const QString at = QDateTime::fromSecsSinceEpoch(row.requestedAt).toString(u"yyyy-MM-dd HH:mm"_s);
    s.out() << row.id << "  " << row.state << "  " << row.amount.format(QLocale()) << "  "
            << row.paymentIntentId << "  requested by " << row.requestedBy << ' ' << at;
    if (!row.reason.isEmpty())
        s.out() << "  reason " << row.reason;
    if (!row.note.isEmpty())
        s.out() << "  note \"" << row.note << '"';
    if (!row.decidedBy.isEmpty())
        s.out() << "  decided by " << row.decidedBy;
    if (!row.decisionReason.isEmpty())
        s.out() << " (" << row.decisionReason << ')';
    if (!row.refundId.isEmpty())
        s.out() << "  " << row.refundId;
    if (!row.failureReason.isEmpty())
        s.out() << "  failed: " << row.failureReason;
    s.out() << '\n';
}

// The service on the session's store; owned by the session, so that it outlives the Stripe call.
RefundRequestService *service(CliSession &s)
{
    store::Database *db = s.store();
    if (!db)
        return nullptr;
    auto *outbox = new sync::Outbox(*db, s.client(), &s);
    auto *audit = new security::AuditLog(*db, CliSession::tillId());
    auto *requests = new RefundRequestService(*db, *outbox, *audit, &s);
    QObject::connect(requests, &QObject::destroyed, [audit] { delete audit; });
    return requests;
}

// The session's user, or in single-operator mode (a store without users) nobody: then refund approval
// has nobody to ask and nobody to decide, so it says how to add users.
bool needsUsers(CliSession &s)
{
    const std::optional<bool> hasUsers = s.storeHasUsers();
    if (!hasUsers)
        return false;
    if (*hasUsers)
        return true;
    s.err()
        << "kassa-cli: refund approval needs users (a cashier asks, a manager decides); add the owner first "
           "with kassa-cli users add NAME --role owner, or refund directly with kassa-cli refund\n";
    s.finish(ExitPermission);
    return false;
}

void finishWith(CliSession &s, const RefundRequestOutcome &outcome)
{
    if (outcome.kind == RefundRequestOutcome::Kind::Refused) {
        s.err() << "kassa-cli: " << outcome.message << '\n';
        return s.finish(exitCodeOf(outcome.error));
    }
    printRow(s, outcome.request);
    s.err() << outcome.message << '\n';
    switch (outcome.kind) {
    case RefundRequestOutcome::Kind::Failed:
        return s.finish(ExitInvalidRequest);
    case RefundRequestOutcome::Kind::Unknown:
        return s.finish(ExitConnection);
    default:
        return s.finish(ExitOk);
    }
}

void request(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"amount"_s, u"reason"_s, u"note"_s}, {});
    if (!args.isValid() || args.positionals().size() != 1 || !args.has(u"reason"_s))
        return s.usage(args.isValid() ? u"usage: refunds request PI [--amount A] --reason "
                                        "duplicate|fraudulent|requested_by_customer|none [--note TEXT]"_s
                                      : args.error());
    const QString reasonText = args.value(u"reason"_s);
    const RefundReason reason =
        reasonText == u"none"_s ? RefundReason::None : fromStripe<RefundReason>(reasonText);
    if (reason == RefundReason::Unknown || reason == RefundReason::ExpiredUncapturedCharge)
        return s.usage(u"--reason is duplicate, fraudulent, requested_by_customer or none"_s);
    if (!needsUsers(s))
        return;
    RefundRequestService *requests = service(s);
    if (!requests)
        return;
    RefundRequestService::NewRequest input;
    input.paymentIntentId = args.positional(0);
    input.reason = reason;
    input.note = args.value(u"note"_s);
    if (args.has(u"amount"_s)) {
        // Read in the payment's currency, which the store knows.
        const security::SecurityResult<Money> left =
            requests->refundableAmount(s.actingUser(), input.paymentIntentId);
        if (!left.ok()) {
            s.err() << "kassa-cli: " << left.error().message << '\n';
            return s.finish(exitCodeOf(left.error()));
        }
        const std::optional<Money> amount =
            Money::fromDecimalString(args.value(u"amount"_s), left.value().currency());
        if (!amount)
            return s.usage(u"--amount %1 is not an amount in %2 such as 12.50"_s.arg(
                args.value(u"amount"_s), left.value().currency().code()));
        input.amount = amount->minorUnits();
    }
    requests->request(s.actingUser(), input,
                      [&s](const RefundRequestOutcome &outcome) { finishWith(s, outcome); });
}

void list(CliSession &s, const QString &sub, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"limit"_s}, {});
    bool ok = true;
    const int limit = args.value(u"limit"_s, u"50"_s).toInt(&ok);
    if (!args.isValid() || !args.positionals().isEmpty() || !ok || limit < 0)
        return s.usage(args.isValid() ? u"usage: refunds %1 [--limit N]"_s.arg(sub) : args.error());
    if (!needsUsers(s))
        return;
    RefundRequestService *requests = service(s);
    if (!requests)
        return;
    const security::SecurityResult<QList<RefundRequestRow>> rows =
        sub == u"pending"_s ? requests->pending(s.actingUser()) : requests->history(s.actingUser(), limit);
    if (!rows.ok()) {
        s.err() << "kassa-cli: " << rows.error().message << '\n';
        return s.finish(exitCodeOf(rows.error()));
    }
    for (const RefundRequestRow &row : rows.value())
        printRow(s, row);
    if (rows.value().isEmpty() && !s.json())
        s.err() << (sub == u"pending"_s ? "no refund requests are waiting\n" : "no refund requests yet\n");
    s.finish(ExitOk);
}

void decide(CliSession &s, const QString &sub, const QStringList &arguments)
{
    const bool approve = sub == u"approve"_s;
    const CliArgs args = CliArgs::parse(arguments, {u"reason"_s}, {});
    if (!args.isValid() || args.positionals().size() != 1 || (!approve && !args.has(u"reason"_s)))
        return s.usage(args.isValid() ? (approve ? u"usage: refunds approve REQUEST"_s
                                                 : u"usage: refunds reject REQUEST --reason TEXT"_s)
                                      : args.error());
    if (!needsUsers(s))
        return;
    RefundRequestService *requests = service(s);
    if (!requests)
        return;
    // The manager's PIN was entered for this very command (--user with KASSA_PIN or stdin): that is the
    // re-entry the approval asks for.
    if (approve) {
        requests->approve(s.actingUser(), args.positional(0),
                          [&s](const RefundRequestOutcome &outcome) { finishWith(s, outcome); });
        return;
    }
    finishWith(s, requests->reject(s.actingUser(), args.positional(0), args.value(u"reason"_s)));
}

} // namespace

bool RefundRequestCommands::handles(const QString &command, const QStringList &args)
{
    return command == u"refunds"_s && Subcommands.contains(args.value(0));
}

bool RefundRequestCommands::readsStoreOnly(const QString &command, const QStringList &args)
{
    const QString sub = args.value(0);
    return command == u"refunds"_s && (sub == u"pending"_s || sub == u"history"_s || sub == u"reject"_s);
}

bool RefundRequestCommands::run(CliSession &session, const QString &command, const QStringList &args)
{
    if (!handles(command, args))
        return false;
    const QString sub = args.value(0);
    if (sub == u"request"_s)
        request(session, args.mid(1));
    else if (sub == u"pending"_s || sub == u"history"_s)
        list(session, sub, args.mid(1));
    else
        decide(session, sub, args.mid(1));
    return true;
}

} // namespace kassa::cli
