#include "app/cli/terminalcommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "core/money.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/resources/terminalreaders.h"

#include <QLocale>

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

void readers(CliSession &s, const QStringList &arguments)
{
    const QString sub = arguments.value(0);
    const CliArgs args = CliArgs::parse(arguments.mid(1), {u"card"_s, u"idempotency-key"_s}, {});
    if (!args.isValid())
        return s.usage(args.error());
    const QStringList p = args.positionals();
    const QString key = args.value(u"idempotency-key"_s);
    if (sub == u"list"_s && p.isEmpty())
        return s.listAll(TerminalReaders::list(), 0);
    if (sub == u"show"_s && p.size() == 1)
        return printAndFinish(s, TerminalReaders::retrieve(p.at(0)));
    if (sub == u"process"_s && p.size() == 2)
        return printAndFinish(s, TerminalReaders::processPaymentIntent(p.at(0), p.at(1), key));
    if (sub == u"present"_s && p.size() == 1)
        return printAndFinish(s, TerminalReaders::presentPaymentMethod(p.at(0), args.value(u"card"_s), key));
    if (sub == u"cancel"_s && p.size() == 1)
        return printAndFinish(s, TerminalReaders::cancelAction(p.at(0), key));
    s.usage(u"usage: readers list | readers show READER | readers process READER PI | "
            "readers present READER [--card NUMBER] | readers cancel READER"_s);
}

void checkout(CliSession &s, const QStringList &arguments)
{
    const QString sub = arguments.value(0);
    const CliArgs args = CliArgs::parse(arguments.mid(1),
                                        {u"amount"_s, u"currency"_s, u"mode"_s, u"customer"_s, u"name"_s,
                                         u"success-url"_s, u"idempotency-key"_s},
                                        {});
    if (!args.isValid())
        return s.usage(args.error());
    if (sub == u"show"_s && args.positionals().size() == 1)
        return printAndFinish(s, CheckoutSessions::retrieve(args.positional(0)));
    if (sub == u"expire"_s && args.positionals().size() == 1)
        return printAndFinish(s,
                              CheckoutSessions::expire(args.positional(0), args.value(u"idempotency-key"_s)));
    if (sub != u"create"_s)
        return s.usage(
            u"usage: checkout create --amount A --currency C | checkout create --mode setup --customer "
            "CUSTOMER | checkout show SESSION | checkout expire SESSION"_s);
    const QString mode = args.value(u"mode"_s, u"payment"_s);
    const QString successUrl = args.value(u"success-url"_s, u"https://example.com/kassa/checkout-done"_s);
    const QString key = args.value(u"idempotency-key"_s);
    if (mode == u"setup"_s) {
        if (!args.has(u"customer"_s))
            return s.usage(u"checkout create --mode setup needs --customer"_s);
        return printAndFinish(s, CheckoutSessions::createSetup(args.value(u"customer"_s),
                                                               args.value(u"currency"_s), successUrl, key));
    }
    if (mode != u"payment"_s)
        return s.usage(u"--mode is payment or setup"_s);
    if (!args.has(u"amount"_s) || !args.has(u"currency"_s))
        return s.usage(u"checkout create needs --amount and --currency"_s);
    const std::optional<Currency> currency = Currency::fromCode(args.value(u"currency"_s));
    if (!currency)
        return s.usage(u"unknown currency '%1'"_s.arg(args.value(u"currency"_s)));
    const MoneyParseResult amount = Money::parse(args.value(u"amount"_s), *currency, QLocale::c());
    if (!amount)
        return s.usage(u"--amount: "_s + amount.message());
    CheckoutSessions::PaymentParams params;
    params.amount = amount.money();
    params.itemName = args.value(u"name"_s);
    params.customerId = args.value(u"customer"_s);
    params.successUrl = successUrl;
    printAndFinish(s, CheckoutSessions::createPayment(params, key));
}

} // namespace

bool TerminalCommands::run(CliSession &session, const QString &command, const QStringList &args)
{
    if (command == u"readers"_s)
        readers(session, args);
    else if (command == u"checkout"_s)
        checkout(session, args);
    else
        return false;
    return true;
}

} // namespace kassa::cli
