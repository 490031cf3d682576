#pragma once

#include "services/security/secretstore.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace kassa::cli {

class CliSession;

// `keys set|check|remove`: the profile's Stripe keys, webhook secret and PostgreSQL password in the OS
// keychain. And how every other command finds its secrets: the key for Stripe calls, the webhook secret
// for `webhook serve`, the password of a --database URL that has none.
class KeyCommands
{
public:
    static bool run(CliSession &session, const QString &command, const QStringList &args);

    // The key for Stripe calls: from stdin's first line with --api-key-stdin, else KASSA_STRIPE_API_KEY,
    // else the keychain. Calls `use` with it; when there is none, or it is not a secret or restricted
    // key, prints why and what to do and finishes the session with ExitAuthentication.
    static void resolveStripeKey(CliSession &session, bool fromStdin,
                                 const std::function<void(const QString &)> &use);

    // The profile's secret of `kind` from the keychain. Calls `use` with it; when there is none calls
    // `missing` with the keychain's error (not found, no service, locked, ...).
    static void readSecret(CliSession &session, security::SecretKind kind,
                           const std::function<void(const QString &)> &use,
                           const std::function<void(const security::SecretError &)> &missing);

    // `webhook register`: keeps the new endpoint's secret in the keychain. Calls `done` with the error,
    // if any.
    static void storeWebhookSecret(CliSession &session, const QString &secret,
                                   const std::function<void(const security::SecretError &)> &done);

    // Before a command runs: a --database URL without a password takes the profile's PostgreSQL password
    // from the keychain when one is kept there; else libpq finds one (PGPASSWORD, ~/.pgpass). Then `next`.
    static void prepareDatabasePassword(CliSession &session, const std::function<void()> &next);

    // What kassa-cli adds to a keychain error: how to go on without the keychain.
    static QString withoutKeychainHint(security::SecretKind kind);
};

} // namespace kassa::cli
