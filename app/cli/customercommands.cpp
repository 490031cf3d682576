#include "app/cli/customercommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
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
    // Changes to saved cards go through the outbox, like payments.
    const auto submit = [&s](const char *op, const StripeRequest &request) {
        s.submit(QString::fromLatin1(op), request, {}, [&s](const QJsonObject &object) {
            s.print(object);
            s.finish(ExitOk);
        });
    };
    if (sub == u"attach"_s && p.size() == 2)
        return submit(sync::Outbox::OpAttachPaymentMethod, PaymentMethods::attach(p.at(1), p.at(0), key));
    if (sub == u"detach"_s && p.size() == 1)
        return submit(sync::Outbox::OpDetachPaymentMethod, PaymentMethods::detach(p.at(0), key));
    if (sub == u"default"_s && p.size() == 2)
        return submit(sync::Outbox::OpSetDefaultPaymentMethod,
                      Customers::setDefaultPaymentMethod(p.at(0), p.at(1), key));
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
