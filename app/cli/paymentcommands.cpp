#include "app/cli/paymentcommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "core/money.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/refunds.h"
#include "services/sync/outbox.h"

#include <QLocale>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

using namespace kassa::stripe;
using sync::Outbox;

void printAndFinish(CliSession &s, const QJsonObject &object)
{
    s.print(object);
    s.finish(ExitOk);
}

// Amounts on the command line are read the same way on every machine: "12.50", "1200" (JPY).
std::optional<Money> parseAmount(CliSession &session, const QString &text, const QString &currencyCode)
{
    const std::optional<Currency> currency = Currency::fromCode(currencyCode);
    if (!currency) {
        session.usage(u"unknown currency '%1'"_s.arg(currencyCode));
        return std::nullopt;
    }
    const MoneyParseResult parsed = Money::parse(text, *currency, QLocale::c());
    if (!parsed) {
        session.usage(u"--amount %1: %2"_s.arg(text, parsed.message()));
        return std::nullopt;
    }
    return parsed.money();
}

// The shape of an amount, checked before any request: digits with at most one dot.
bool looksLikeAmount(const QString &text)
{
    static const QRegularExpression Shape(u"^[0-9]+(\\.[0-9]+)?$"_s);
    return Shape.match(text).hasMatch();
}

void pay(CliSession &s, const QStringList &arguments)
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
    const QString capture = args.value(u"capture"_s, u"automatic"_s);
    if (capture != u"automatic"_s && capture != u"manual"_s)
        return s.usage(u"--capture is automatic or manual"_s);
    const std::optional<Money> amount = parseAmount(s, args.value(u"amount"_s), args.value(u"currency"_s));
    if (!amount)
        return;
    PaymentIntents::CreateParams params;
    params.amount = *amount;
    params.customerId = args.value(u"customer"_s);
    params.paymentMethodId = args.value(u"payment-method"_s);
    params.confirm = !params.paymentMethodId.isEmpty();
    params.captureMethod = capture == u"manual"_s ? CaptureMethod::Manual : CaptureMethod::Automatic;
    params.description = args.value(u"description"_s);
    params.returnUrl = args.value(u"return-url"_s);
    const QString orderRef = args.value(u"order-ref"_s);
    if (!orderRef.isEmpty())
        params.metadata.insert(u"order_ref"_s, orderRef);
    params.expand = {u"latest_charge"_s};
    s.submit(QString::fromLatin1(Outbox::OpCreatePayment),
             PaymentIntents::create(params, args.value(u"idempotency-key"_s)), orderRef,
             [&s](const QJsonObject &pi) { printAndFinish(s, pi); });
}

void capture(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"amount"_s, u"idempotency-key"_s}, {});
    if (!args.isValid() || args.positionals().size() != 1)
        return s.usage(args.isValid() ? u"usage: capture PI [--amount AMOUNT]"_s : args.error());
    const QString id = args.positional(0);
    if (args.has(u"amount"_s) && !looksLikeAmount(args.value(u"amount"_s)))
        return s.usage(u"--amount %1 is not an amount such as 12.50"_s.arg(args.value(u"amount"_s)));
    if (!args.has(u"amount"_s)) {
        s.submit(QString::fromLatin1(Outbox::OpCapturePayment),
                 PaymentIntents::capture(id, std::nullopt, args.value(u"idempotency-key"_s)), {},
                 [&s](const QJsonObject &pi) { printAndFinish(s, pi); });
        return;
    }
    // The amount is read in the PaymentIntent's currency.
    const QString amountText = args.value(u"amount"_s);
    const QString key = args.value(u"idempotency-key"_s);
    s.call(PaymentIntents::retrieve(id), [&s, id, amountText, key](const QJsonObject &pi) {
        const std::optional<Money> amount = parseAmount(s, amountText, pi.value(u"currency"_s).toString());
        if (!amount)
            return;
        s.submit(QString::fromLatin1(Outbox::OpCapturePayment),
                 PaymentIntents::capture(id, amount->minorUnits(), key), {},
                 [&s](const QJsonObject &captured) { printAndFinish(s, captured); });
    });
}

void cancel(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"reason"_s, u"idempotency-key"_s}, {});
    if (!args.isValid() || args.positionals().size() != 1)
        return s.usage(args.isValid() ? u"usage: cancel PI [--reason REASON]"_s : args.error());
    s.submit(
        QString::fromLatin1(Outbox::OpCancelPayment),
        PaymentIntents::cancel(args.positional(0), args.value(u"reason"_s), args.value(u"idempotency-key"_s)),
        {}, [&s](const QJsonObject &pi) { printAndFinish(s, pi); });
}

void refund(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"amount"_s, u"reason"_s, u"idempotency-key"_s}, {});
    if (!args.isValid() || args.positionals().size() != 1)
        return s.usage(args.isValid() ? u"usage: refund PI [--amount AMOUNT] [--reason REASON]"_s
                                      : args.error());
    const QString reason = args.value(u"reason"_s);
    const RefundReason parsedReason =
        reason.isEmpty() ? RefundReason::None : fromStripe<RefundReason>(reason);
    if (!reason.isEmpty() && parsedReason == RefundReason::Unknown)
        return s.usage(u"--reason is duplicate, fraudulent or requested_by_customer"_s);
    const QString id = args.positional(0);
    const QString amountText = args.value(u"amount"_s);
    if (!amountText.isEmpty() && !looksLikeAmount(amountText))
        return s.usage(u"--amount %1 is not an amount such as 12.50"_s.arg(amountText));
    const QString key = args.value(u"idempotency-key"_s);
    s.call(PaymentIntents::retrieve(id), [&s, id, amountText, parsedReason, key](const QJsonObject &pi) {
        Refunds::CreateParams params;
        params.paymentIntentId = id;
        params.reason = parsedReason;
        if (!amountText.isEmpty()) {
            const std::optional<Money> amount =
                parseAmount(s, amountText, pi.value(u"currency"_s).toString());
            if (!amount)
                return;
            params.amount = amount->minorUnits();
        }
        s.submit(QString::fromLatin1(Outbox::OpCreateRefund), Refunds::create(params, key), {},
                 [&s](const QJsonObject &refund) { printAndFinish(s, refund); });
    });
}

void listOrShow(CliSession &s, const QString &what, const QStringList &arguments)
{
    const bool payments = what == u"payments"_s;
    const QString sub = arguments.value(0);
    const CliArgs args = CliArgs::parse(arguments.mid(1), {u"limit"_s, u"customer"_s, u"search"_s}, {});
    if (!args.isValid())
        return s.usage(args.error());
    if (sub == u"show"_s) {
        if (args.positionals().size() != 1)
            return s.usage(u"usage: %1 show ID"_s.arg(what));
        const StripeRequest request = payments
                                          ? PaymentIntents::retrieve(args.positional(0), {u"latest_charge"_s})
                                          : Refunds::retrieve(args.positional(0));
        s.call(request, [&s](const QJsonObject &object) {
            s.print(object);
            s.finish(ExitOk);
        });
        return;
    }
    if (sub != u"list"_s)
        return s.usage(u"usage: %1 list [--limit N] | %1 show ID"_s.arg(what));
    bool ok = true;
    const int limit = args.value(u"limit"_s, u"20"_s).toInt(&ok);
    if (!ok || limit < 0)
        return s.usage(u"--limit takes a number (0: all)"_s);
    const int page = limit == 0 ? 100 : qMin(limit, 100);
    if (payments && args.has(u"search"_s)) {
        s.listAll(PaymentIntents::search(args.value(u"search"_s), page), limit);
        return;
    }
    if (payments) {
        PaymentIntents::ListParams params;
        params.limit = page;
        params.customerId = args.value(u"customer"_s);
        params.expand = {u"data.latest_charge"_s};
        s.listAll(PaymentIntents::list(params), limit);
    } else {
        s.listAll(Refunds::list({}, page), limit);
    }
}

} // namespace

bool PaymentCommands::run(CliSession &session, const QString &command, const QStringList &args)
{
    if (command == u"pay"_s)
        pay(session, args);
    else if (command == u"capture"_s)
        capture(session, args);
    else if (command == u"cancel"_s)
        cancel(session, args);
    else if (command == u"refund"_s)
        refund(session, args);
    else if (command == u"payments"_s || command == u"refunds"_s)
        listOrShow(session, command, args);
    else
        return false;
    return true;
}

} // namespace kassa::cli
