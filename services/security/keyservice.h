// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/actinguser.h"
#include "services/security/secretstore.h"
#include "services/security/stripekey.h"
#include "services/stripe/stripeerror.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace kassa::stripe {
class StripeClient;
}

namespace kassa::security {

// A profile's Stripe keys and webhook secret in the keychain, changed the one way both faces of Kassa
// change them: the console's Settings page and kassa-cli's `keys` and `webhook register`. A secret key is
// asked about at Stripe (StripeKeyCheck) before it is kept, so that a typo shows now and not at the first
// sale; every change is audited (kind, profile, mode: never the secret); what comes back shows a secret
// masked at most.
//
// The callbacks hold copies of what they need, not this object: a caller may let it go once a call is
// made (the secret store and the checking client must live on). The console gates every call on
// Permission::ManageKeys. kassa-cli decides for itself (its
// single-operator mode has nobody logged in) and says so with Gate::CallerChecked.
class KeyService
{
public:
    enum class Gate { RequireManageKeys, CallerChecked };
    // Appends to the audit log as `actor`.
    using AuditFn = std::function<void(const ActingUser &actor, const QString &action,
                                       const QStringList &objectIds, const QJsonObject &details)>;

    struct Outcome
    {
        enum class Status {
            Done,
            Refused,  // the actor may not manage keys
            Invalid,  // malformed, or a key of another kind than the one asked for
            Rejected, // Stripe refused the key (stripeError says why)
            Keychain, // the secret store failed (secretError says why)
            NotFound, // nothing stored
        };
        Status status = Status::Done;
        SecretKind kind = SecretKind::StripeSecretKey;
        StripeKey key;        // the key concerned; show key.masked(), never key.value()
        bool checked = false; // Stripe was asked and took it
        bool balanceReadable = false;
        QString message; // for a person: what happened, what to do; never the secret
        stripe::StripeError stripeError;
        SecretError secretError;
        QString endpointId; // registerWebhook()
        QString endpointUrl;

        bool ok() const { return status == Status::Done; }
    };
    using Callback = std::function<void(const Outcome &)>;

    // `checker` runs StripeKeyCheck, which sets the key on it: give a client of its own, not the one the
    // till sells with (kassa-cli, which runs one command, gives its only one). Null: keys are stored
    // unchecked and check() says Stripe cannot be asked.
    KeyService(SecretStore &secrets, stripe::StripeClient *checker, const QString &profile, Gate gate,
               AuditFn audit);

    const QString &profile() const { return m_profile; }
    SecretStore &secrets() const { return m_secrets; }

    // Whether `key` is of `kind` (a secret key is sk_ or rk_). A database password fits anything.
    static bool fits(SecretKind kind, const StripeKey &key);
    // Why `text` cannot be kept as `kind`, or empty; `key` gets the parsed text.
    static QString formatProblem(SecretKind kind, const QString &text, StripeKey *key);

    // Keeps `text` as the profile's `kind`: format, Stripe (secret keys), keychain, audit ("keys.set").
    void set(const ActingUser &actor, SecretKind kind, const QString &text, QObject *context, Callback done);
    // Reads the stored `kind` and shows it masked (outcome.key); with `askStripe` a secret key is also
    // checked at Stripe.
    void check(const ActingUser &actor, SecretKind kind, bool askStripe, QObject *context, Callback done);
    // Removes the stored `kind` (nothing there: Done) and audits it ("keys.remove").
    void remove(const ActingUser &actor, SecretKind kind, QObject *context, Callback done);
    // Creates a webhook endpoint at `url` through `client` (the till's own: the endpoint belongs to the
    // account that client's key is of), keeps the whsec_ secret Stripe shows only this once in the
    // keychain, and audits it ("webhook.register"). A keychain failure after the endpoint was made is
    // status Keychain with endpointId set and a message on how to recover.
    void registerWebhook(const ActingUser &actor, stripe::StripeClient &client, const QString &url,
                         const QStringList &events, QObject *context, Callback done);

private:
    bool refuse(const ActingUser &actor, SecretKind kind, QObject *context, const Callback &done) const;
    void store(const ActingUser &actor, Outcome outcome, const QString &value, QObject *context,
               Callback done) const;
    static QJsonObject details(const QString &profile, SecretKind kind, const StripeKey &key);

    SecretStore &m_secrets;
    stripe::StripeClient *m_checker;
    QString m_profile;
    Gate m_gate;
    AuditFn m_audit;
};

} // namespace kassa::security
