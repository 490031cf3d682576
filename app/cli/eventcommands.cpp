#include "app/cli/eventcommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "services/stripe/resources/balance.h"
#include "services/stripe/resources/events.h"
#include "services/stripe/webhooksignature.h"

#include <QDateTime>
#include <QFile>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

using namespace kassa::stripe;

void events(CliSession &s, const QStringList &arguments)
{
    const QString sub = arguments.value(0);
    const CliArgs args = CliArgs::parse(arguments.mid(1), {u"limit"_s, u"type"_s, u"since"_s}, {});
    if (!args.isValid())
        return s.usage(args.error());
    if (sub == u"show"_s && args.positionals().size() == 1) {
        s.call(Events::retrieve(args.positional(0)), [&s](const QJsonObject &event) {
            s.print(event);
            s.finish(ExitOk);
        });
        return;
    }
    if (sub != u"list"_s)
        return s.usage(
            u"usage: events list [--type TYPE] [--since UNIX_TIME] [--limit N] | events show EVENT"_s);
    bool ok = true;
    const int limit = args.value(u"limit"_s, u"20"_s).toInt(&ok);
    bool sinceOk = true;
    const qint64 since = args.value(u"since"_s, u"0"_s).toLongLong(&sinceOk);
    if (!ok || limit < 0 || !sinceOk || since < 0)
        return s.usage(u"--limit and --since take numbers"_s);
    Events::ListParams params;
    params.limit = limit == 0 ? 100 : qMin(limit, 100);
    params.createdGte = since;
    if (args.has(u"type"_s))
        params.types = {args.value(u"type"_s)};
    s.listAll(Events::list(params), limit);
}

// The secret is read from stdin so that it never shows in a process list or a shell history.
QByteArray readSecret(CliSession &s)
{
    return s.readStdinLine().trimmed().toUtf8();
}

void webhook(CliSession &s, const QStringList &arguments)
{
    const QString sub = arguments.value(0);
    const CliArgs args = CliArgs::parse(
        arguments.mid(1), {u"payload"_s, u"header"_s, u"tolerance"_s, u"timestamp"_s}, {u"secret-stdin"_s});
    if (!args.isValid())
        return s.usage(args.error());
    if (sub != u"verify"_s && sub != u"sign"_s)
        return s.usage(u"usage: webhook verify --secret-stdin --payload FILE --header 'STRIPE_SIGNATURE' | "
                       "webhook sign --secret-stdin --payload FILE [--timestamp UNIX_TIME]"_s);
    if (!args.has(u"secret-stdin"_s) || !args.has(u"payload"_s))
        return s.usage(u"webhook %1 needs --secret-stdin and --payload FILE"_s.arg(sub));
    QFile file(args.value(u"payload"_s));
    if (!file.open(QIODevice::ReadOnly)) {
        s.err() << "kassa-cli: cannot read " << file.fileName() << ": " << file.errorString() << '\n';
        return s.finish(ExitFailure);
    }
    const QByteArray payload = file.readAll();
    const QByteArray secret = readSecret(s);
    if (!secret.startsWith("whsec_"))
        return s.usage(u"the secret on stdin must start with whsec_"_s);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    bool ok = true;
    if (sub == u"sign"_s) {
        const qint64 timestamp = args.value(u"timestamp"_s, QString::number(now)).toLongLong(&ok);
        if (!ok)
            return s.usage(u"--timestamp takes a Unix time"_s);
        s.out() << WebhookSignature::sign(payload, secret, timestamp) << '\n';
        return s.finish(ExitOk);
    }
    const int tolerance =
        args.value(u"tolerance"_s, QString::number(WebhookSignature::DefaultToleranceSeconds)).toInt(&ok);
    if (!ok || tolerance < 0)
        return s.usage(u"--tolerance takes seconds (0: no age check)"_s);
    const WebhookSignature::Result result =
        WebhookSignature::verify(payload, args.value(u"header"_s).toUtf8(), secret, now, tolerance);
    if (result != WebhookSignature::Result::Valid) {
        s.err() << "invalid: " << WebhookSignature::describe(result) << '\n';
        return s.finish(ExitSignature);
    }
    s.out() << "valid\n";
    s.finish(ExitOk);
}

} // namespace

bool EventCommands::run(CliSession &session, const QString &command, const QStringList &args)
{
    if (command == u"events"_s) {
        events(session, args);
    } else if (command == u"webhook"_s) {
        webhook(session, args);
    } else if (command == u"balance"_s) {
        session.call(Balance::retrieve(), [&session](const QJsonObject &balance) {
            session.print(balance);
            session.finish(ExitOk);
        });
    } else {
        return false;
    }
    return true;
}

} // namespace kassa::cli
