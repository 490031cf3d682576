#include "app/cli/keycommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "services/security/keyservice.h"
#include "services/security/stripekey.h"
#include "services/store/databaseconfig.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

#include <optional>

using namespace Qt::StringLiterals;
using kassa::security::SecretError;
using kassa::security::SecretKind;
using kassa::security::StripeKey;

namespace kassa::cli {

namespace {

security::SecretId idFor(const CliSession &s, SecretKind kind)
{
    return security::SecretId{s.profile(), kind};
}

const QString KeysUsage =
    u"usage: keys set [--publishable|--webhook|--database-password]   (the secret on stdin's first line)\n"
    "       keys check [--publishable|--webhook|--database-password]\n"
    "       keys remove [--publishable|--webhook|--database-password|--all]"_s;

// Which secret the flags name; nullopt (after a usage error) when more than one.
std::optional<SecretKind> kindFromFlags(CliSession &s, const CliArgs &args)
{
    std::optional<SecretKind> kind;
    int given = 0;
    const std::pair<QString, SecretKind> flags[] = {{u"publishable"_s, SecretKind::StripePublishableKey},
                                                    {u"webhook"_s, SecretKind::WebhookSecret},
                                                    {u"database-password"_s, SecretKind::DatabasePassword}};
    for (const auto &[flag, flagKind] : flags) {
        if (args.has(flag)) {
            kind = flagKind;
            ++given;
        }
    }
    if (given > 1) {
        s.usage(u"keys: give one of --publishable, --webhook, --database-password"_s);
        return std::nullopt;
    }
    return kind.value_or(SecretKind::StripeSecretKey);
}

void printKeychainError(CliSession &s, const SecretError &error, SecretKind kind)
{
    s.err() << "kassa-cli: " << error.message << ".\n";
    if (error.kind != SecretError::Kind::NotFound)
        s.err() << KeyCommands::withoutKeychainHint(kind) << '\n';
}

// One line about a stored or checked secret: never the secret, its masked form at most.
void printSecret(CliSession &s, SecretKind kind, const StripeKey &key, const QString &status)
{
    if (s.json()) {
        QJsonObject object{{u"object"_s, u"kassa.key"_s},
                           {u"profile"_s, s.profile()},
                           {u"kind"_s, security::secretKindName(kind)},
                           {u"status"_s, status}};
        if (kind != SecretKind::DatabasePassword) {
            object.insert(u"key"_s, key.masked());
            object.insert(u"type"_s, StripeKey::typeName(key.type()));
            if (key.mode() != StripeKey::Mode::Unknown)
                object.insert(u"mode"_s, StripeKey::modeName(key.mode()));
        }
        s.out() << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
        return;
    }
    if (kind == SecretKind::DatabasePassword) {
        s.out() << "PostgreSQL password  profile " << s.profile() << "  " << status << '\n';
        return;
    }
    const QString mode = key.mode() == StripeKey::Mode::Unknown ? u"-"_s : StripeKey::modeName(key.mode());
    s.out() << mode << "  " << key.masked() << "  " << StripeKey::typeName(key.type()) << "  profile "
            << s.profile() << "  " << status << '\n';
}

// The key's format, for the kind the flags named. Prints why not and returns false.
bool acceptsFormat(CliSession &s, SecretKind kind, const QString &text, StripeKey *key)
{
    if (text.isEmpty()) {
        s.usage(u"keys set reads the secret from the first line of stdin, and it was empty"_s);
        return false;
    }
    if (kind == SecretKind::DatabasePassword)
        return true;
    *key = StripeKey::parse(text);
    if (!key->isValid()) {
        s.err() << "kassa-cli: " << key->error() << " (given: " << StripeKey::mask(text) << ")\n";
        s.finish(ExitUsage);
        return false;
    }
    const bool fits =
        (kind == SecretKind::StripeSecretKey && key->isServerKey()) ||
        (kind == SecretKind::StripePublishableKey && key->type() == StripeKey::Type::Publishable) ||
        (kind == SecretKind::WebhookSecret && key->type() == StripeKey::Type::WebhookSecret);
    if (!fits) {
        QString hint;
        if (key->type() == StripeKey::Type::Publishable)
            hint = u"; store it with keys set --publishable"_s;
        else if (key->type() == StripeKey::Type::WebhookSecret)
            hint = u"; store it with keys set --webhook"_s;
        else if (key->isServerKey())
            hint = u"; store it with keys set (no flag)"_s;
        s.err() << "kassa-cli: this is a " << StripeKey::typeName(key->type()) << " (" << key->masked()
                << "), not a " << security::secretKindLabel(kind) << hint << '\n';
        s.finish(ExitUsage);
        return false;
    }
    return true;
}

// The shared keeper of keys (the console's Settings page uses the same): kassa-cli has checked the
// permission itself (permit(), or single-operator mode), and audits through its session.
security::KeyService keyService(CliSession &s)
{
    return security::KeyService(
        s.secrets(), &s.client(), s.profile(), security::KeyService::Gate::CallerChecked,
        [&s](const security::ActingUser &, const QString &action, const QStringList &objectIds,
             const QJsonObject &details) { s.audit(action, objectIds, details); });
}

// Stripe's answer to a key it refused, and the exit code that goes with it.
void reportRefusal(CliSession &s, const stripe::StripeError &error)
{
    s.printError(error);
    s.finish(exitCodeFor(error.kind));
}

// The flag of `keys set` that names `kind`, with its leading space ("" for the secret key).
QString flagFor(SecretKind kind)
{
    switch (kind) {
    case SecretKind::StripeSecretKey:
        break;
    case SecretKind::StripePublishableKey:
        return u" --publishable"_s;
    case SecretKind::WebhookSecret:
        return u" --webhook"_s;
    case SecretKind::DatabasePassword:
        return u" --database-password"_s;
    }
    return {};
}

void setKey(CliSession &s, const CliArgs &args)
{
    const std::optional<SecretKind> kind = kindFromFlags(s, args);
    if (!kind)
        return;
    const QString text = s.readStdinLine().trimmed();
    StripeKey key;
    if (!acceptsFormat(s, *kind, text, &key))
        return;
    const SecretKind k = *kind;
    // A key Stripe refuses is not stored: the mistake shows now, not at the first sale.
    keyService(s).set({}, k, text, &s, [&s, k](const security::KeyService::Outcome &outcome) {
        using Status = security::KeyService::Outcome::Status;
        if (outcome.status == Status::Rejected)
            return reportRefusal(s, outcome.stripeError);
        if (outcome.status == Status::Keychain) {
            printKeychainError(s, outcome.secretError, k);
            return s.finish(ExitFailure);
        }
        if (!outcome.ok()) {
            s.err() << "kassa-cli: " << outcome.message << '\n';
            return s.finish(ExitFailure);
        }
        printSecret(s, k, outcome.key, outcome.message);
        s.finish(ExitOk);
    });
}

void checkKey(CliSession &s, const CliArgs &args)
{
    const std::optional<SecretKind> kind = kindFromFlags(s, args);
    if (!kind)
        return;
    const SecretKind k = *kind;
    keyService(s).check({}, k, true, &s, [&s, k](const security::KeyService::Outcome &outcome) {
        using Status = security::KeyService::Outcome::Status;
        switch (outcome.status) {
        case Status::Done:
            printSecret(s, k, outcome.key, outcome.message);
            return s.finish(ExitOk);
        case Status::Invalid:
            s.err() << "kassa-cli: " << outcome.message << " with keys set\n";
            return s.finish(ExitFailure);
        case Status::Rejected:
            s.err() << "kassa-cli: Stripe refuses the stored key " << outcome.key.masked() << '\n';
            return reportRefusal(s, outcome.stripeError);
        case Status::NotFound:
        case Status::Keychain:
        case Status::Refused:
            break;
        }
        printKeychainError(s, outcome.secretError, k);
        if (outcome.status == Status::NotFound)
            s.err() << "Store one with: kassa-cli --profile " << s.profile() << " keys set" << flagFor(k)
                    << " < FILE (the secret on its first line)\n";
        s.finish(k == SecretKind::StripeSecretKey ? ExitAuthentication : ExitFailure);
    });
}

// One after the other: the keychain may prompt, and one prompt at a time is enough.
void removeFrom(CliSession &s, const QList<SecretKind> &kinds, qsizetype index)
{
    if (index == kinds.size())
        return s.finish(ExitOk);
    const SecretKind kind = kinds.at(index);
    keyService(s).remove({}, kind, &s, [&s, kinds, index](const security::KeyService::Outcome &outcome) {
        if (!outcome.ok()) {
            printKeychainError(s, outcome.secretError, outcome.kind);
            return s.finish(ExitFailure);
        }
        s.out() << outcome.message << '\n';
        removeFrom(s, kinds, index + 1);
    });
}

void removeKeys(CliSession &s, const CliArgs &args)
{
    QList<SecretKind> kinds;
    if (args.has(u"all"_s)) {
        kinds = {SecretKind::StripeSecretKey, SecretKind::StripePublishableKey, SecretKind::WebhookSecret,
                 SecretKind::DatabasePassword};
    } else {
        const std::optional<SecretKind> kind = kindFromFlags(s, args);
        if (!kind)
            return;
        kinds = {*kind};
    }
    removeFrom(s, kinds, 0);
}

} // namespace

bool KeyCommands::run(CliSession &session, const QString &command, const QStringList &arguments)
{
    if (command != u"keys"_s)
        return false;
    const CliArgs args =
        CliArgs::parse(arguments, {}, {u"publishable"_s, u"webhook"_s, u"database-password"_s, u"all"_s});
    if (!args.isValid()) {
        session.usage(u"keys: "_s + args.error() + u'\n' + KeysUsage);
        return true;
    }
    const QString sub = args.positional(0);
    if (args.positionals().size() != 1 || (args.has(u"all"_s) && sub != u"remove"_s)) {
        session.usage(KeysUsage);
        return true;
    }
    if (sub == u"set"_s)
        setKey(session, args);
    else if (sub == u"check"_s)
        checkKey(session, args);
    else if (sub == u"remove"_s)
        removeKeys(session, args);
    else
        session.usage(KeysUsage);
    return true;
}

QString KeyCommands::withoutKeychainHint(SecretKind kind)
{
    switch (kind) {
    case SecretKind::StripeSecretKey:
        return u"kassa-cli keeps no key in a file. For this run only, pass the key on stdin with "
               "--api-key-stdin, or set KASSA_STRIPE_API_KEY."_s;
    case SecretKind::WebhookSecret:
        return u"kassa-cli keeps no secret in a file. For this run only, give webhook serve the secret on "
               "stdin with --secret-stdin."_s;
    case SecretKind::DatabasePassword:
        return u"kassa-cli keeps no password in a file. libpq's own ways still work: PGPASSWORD or "
               "~/.pgpass."_s;
    case SecretKind::StripePublishableKey:
        break;
    }
    return u"kassa-cli keeps no key in a file."_s;
}

void KeyCommands::readSecret(CliSession &session, SecretKind kind,
                             const std::function<void(const QString &)> &use,
                             const std::function<void(const SecretError &)> &missing)
{
    session.secrets().read(idFor(session, kind), &session,
                           [use, missing](const security::SecretResult &result) {
                               if (result.ok() && !result.value.isEmpty())
                                   return use(result.value);
                               missing(result.error);
                           });
}

void KeyCommands::storeWebhookSecret(CliSession &session, const QString &secret,
                                     const std::function<void(const SecretError &)> &done)
{
    session.secrets().write(idFor(session, SecretKind::WebhookSecret), secret, &session, done);
}

void KeyCommands::resolveStripeKey(CliSession &s, bool fromStdin,
                                   const std::function<void(const QString &)> &use)
{
    auto accept = [&s, use](const QString &key) {
        if (!key.startsWith(u"sk_"_s) && !key.startsWith(u"rk_"_s)) {
            s.err() << "kassa-cli: the key must be a secret (sk_...) or restricted (rk_...) key.\n";
            return s.finish(ExitAuthentication);
        }
        use(key);
    };
    const QString NoKey = u"kassa-cli: no Stripe key. Pass it on stdin with --api-key-stdin, set "
                          "KASSA_STRIPE_API_KEY, or keep one in the keychain with kassa-cli keys set.\n"_s;
    if (fromStdin) {
        const QString key = s.readStdinLine().trimmed();
        if (key.isEmpty()) {
            s.err() << NoKey;
            return s.finish(ExitAuthentication);
        }
        return accept(key);
    }
    const QString key = QProcessEnvironment::systemEnvironment().value(u"KASSA_STRIPE_API_KEY"_s).trimmed();
    if (!key.isEmpty())
        return accept(key);
    readSecret(s, SecretKind::StripeSecretKey, accept, [&s, NoKey](const SecretError &error) {
        if (error.kind == SecretError::Kind::NotFound) {
            s.err() << NoKey;
        } else {
            s.err() << "kassa-cli: no Stripe key in KASSA_STRIPE_API_KEY, and " << error.message << ".\n"
                    << withoutKeychainHint(SecretKind::StripeSecretKey) << '\n';
        }
        s.finish(ExitAuthentication);
    });
}

void KeyCommands::prepareDatabasePassword(CliSession &s, const std::function<void()> &next)
{
    const QString url = s.storeLocation().databaseUrl;
    if (url.isEmpty())
        return next();
    const store::StoreResult<store::DatabaseConfig> parsed = store::DatabaseConfig::fromUrl(url);
    // A malformed URL is reported when the store is opened; a password in the URL wins.
    if (!parsed.ok() || !parsed.value().password.isEmpty())
        return next();
    readSecret(
        s, SecretKind::DatabasePassword,
        [&s, next](const QString &password) {
            s.setDatabasePassword(password);
            next();
        },
        // Nothing kept, or no keychain: libpq's own ways (PGPASSWORD, ~/.pgpass) remain.
        [next](const SecretError &) { next(); });
}

} // namespace kassa::cli
