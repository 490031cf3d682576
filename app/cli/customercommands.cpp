#include "app/cli/customercommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "services/customers/savedmethodservice.h"
#include "services/security/auditlog.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/paymentmethods.h"
#include "services/sync/outbox.h"

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

using namespace kassa::stripe;

void printAndFinish(CliSession &s, const StripeRequest &request)
{
    s.call(request, [&s](const QJsonObject &object) {
        s.print(object);
        s.finish(ExitOk);
    });
}

void customers(CliSession &s, const QStringList &arguments)
{
    const QString sub = arguments.value(0);
    const CliArgs args = CliArgs::parse(
        arguments.mid(1), {u"email"_s, u"name"_s, u"phone"_s, u"limit"_s, u"search"_s, u"idempotency-key"_s},
        {});
    if (!args.isValid())
        return s.usage(args.error());
    if (sub == u"create"_s) {
        Customers::Params params;
        params.email = args.value(u"email"_s);
        params.name = args.value(u"name"_s);
        params.phone = args.value(u"phone"_s);
        return printAndFinish(s, Customers::create(params, args.value(u"idempotency-key"_s)));
    }
    if (sub == u"show"_s) {
        if (args.positionals().size() != 1)
            return s.usage(u"usage: customers show CUSTOMER"_s);
        return printAndFinish(s, Customers::retrieve(args.positional(0)));
    }
    if (sub == u"list"_s) {
        bool ok = true;
        const int limit = args.value(u"limit"_s, u"20"_s).toInt(&ok);
        if (!ok || limit < 0)
            return s.usage(u"--limit takes a number (0: all)"_s);
        const int page = limit == 0 ? 100 : qMin(limit, 100);
        if (args.has(u"search"_s))
            return s.listAll(Customers::search(args.value(u"search"_s), page), limit);
        return s.listAll(Customers::list(args.value(u"email"_s), page), limit);
    }
    s.usage(u"usage: customers create [--email E] [--name N] | customers list [--email E] [--search Q] | "
            "customers show CUSTOMER"_s);
}

// The saved-methods service over the session's store and client, owned by the session; null (after
// printing why and finishing) when the store cannot be opened.
customers::SavedMethodService *savedMethods(CliSession &s)
{
    store::Database *db = s.store();
    if (!db)
        return nullptr;
    const std::optional<bool> hasUsers = s.storeHasUsers();
    if (!hasUsers)
        return nullptr;
    customers::SavedMethodService::Options options;
    options.testMode = !s.client().isLiveMode();
    options.singleOperator = !*hasUsers;
    auto *outbox = new sync::Outbox(*db, s.client(), &s);
    auto *audit = new security::AuditLog(*db, CliSession::tillId());
    auto *service = new customers::SavedMethodService(*db, s.client(), *outbox, *audit, options, outbox);
    QObject::connect(service, &QObject::destroyed, [audit] { delete audit; });
    return service;
}

void methods(CliSession &s, const QStringList &arguments)
{
    const QString sub = arguments.value(0);
    const CliArgs args = CliArgs::parse(arguments.mid(1), {u"type"_s, u"idempotency-key"_s}, {});
    if (!args.isValid())
        return s.usage(args.error());
    const QStringList p = args.positionals();
    const QString key = args.value(u"idempotency-key"_s);
    if (sub == u"list"_s && p.size() == 1)
        return s.listAll(PaymentMethods::list(p.at(0), args.value(u"type"_s)), 0);
    const bool attach = sub == u"attach"_s && p.size() == 2;
    const bool detach = sub == u"detach"_s && p.size() == 1;
    const bool setDefault = sub == u"default"_s && p.size() == 2;
    if (attach || detach || setDefault) {
        // The console's service: the permission check, the outbox and the audit log in one place.
        customers::SavedMethodService *service = savedMethods(s);
        if (!service)
            return;
        const auto done = [&s](const customers::SavedMethodOutcome &outcome) {
            if (!outcome.sent) {
                s.err() << "kassa-cli: " << outcome.message << '\n';
                return s.finish(ExitUsage);
            }
            s.finishOutboxResult(outcome.result, [&s](const QJsonObject &object) {
                s.print(object);
                s.finish(ExitOk);
            });
        };
        if (const QString refused = service->refusal(s.actingUser()); !refused.isEmpty()) {
            s.err() << "kassa-cli: " << refused << '\n';
            return s.finish(ExitPermission);
        }
        if (attach)
            return service->attach(s.actingUser(), p.at(0), p.at(1), done, key);
        if (detach)
            return service->detach(s.actingUser(), p.at(0), done, key);
        return service->setDefault(s.actingUser(), p.at(0), p.at(1), done, key);
    }
    s.usage(u"usage: methods list CUSTOMER | methods attach CUSTOMER PM | methods detach PM | "
            "methods default CUSTOMER PM"_s);
}

} // namespace

bool CustomerCommands::run(CliSession &session, const QString &command, const QStringList &args)
{
    if (command == u"customers"_s)
        customers(session, args);
    else if (command == u"methods"_s)
        methods(session, args);
    else
        return false;
    return true;
}

} // namespace kassa::cli
