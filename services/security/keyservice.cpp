// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/keyservice.h"

#include "services/security/stripekeycheck.h"
#include "services/stripe/resources/webhookendpoints.h"
#include "services/stripe/stripeclient.h"
#include "services/stripe/striperesponse.h"

#include <QMetaObject>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

using Status = KeyService::Outcome::Status;

// Callbacks always come later, from the event loop, as the secret store's do: a caller never has to
// cope with an answer arriving inside its own call.
void later(QObject *context, const KeyService::Callback &done, const KeyService::Outcome &outcome)
{
    QMetaObject::invokeMethod(
        context, [done, outcome] { done(outcome); }, Qt::QueuedConnection);
}

} // namespace

KeyService::KeyService(SecretStore &secrets, stripe::StripeClient *checker, const QString &profile, Gate gate,
                       AuditFn audit)
    : m_secrets(secrets)
    , m_checker(checker)
    , m_profile(profile)
    , m_gate(gate)
    , m_audit(std::move(audit))
{
}

bool KeyService::fits(SecretKind kind, const StripeKey &key)
{
    switch (kind) {
    case SecretKind::StripeSecretKey:
        return key.isServerKey();
    case SecretKind::StripePublishableKey:
        return key.type() == StripeKey::Type::Publishable;
    case SecretKind::WebhookSecret:
        return key.type() == StripeKey::Type::WebhookSecret;
    case SecretKind::DatabasePassword:
        return true;
    }
    return false;
}

QString KeyService::formatProblem(SecretKind kind, const QString &text, StripeKey *key)
{
    if (text.trimmed().isEmpty())
        return u"nothing was entered"_s;
    if (kind == SecretKind::DatabasePassword)
        return {};
    *key = StripeKey::parse(text);
    if (!key->isValid())
        return key->error();
    if (!fits(kind, *key))
        return u"this is a %1 (%2), not a %3"_s.arg(StripeKey::typeName(key->type()), key->masked(),
                                                    secretKindLabel(kind));
    return {};
}

bool KeyService::refuse(const ActingUser &actor, SecretKind kind, QObject *context,
                        const Callback &done) const
{
    if (m_gate == Gate::CallerChecked)
        return false;
    const SecurityError refused = require(actor, Permission::ManageKeys);
    if (!refused.isError())
        return false;
    Outcome outcome;
    outcome.status = Status::Refused;
    outcome.kind = kind;
    outcome.message = refused.message;
    later(context, done, outcome);
    return true;
}

QJsonObject KeyService::details(const QString &profile, SecretKind kind, const StripeKey &key)
{
    QJsonObject object{{u"kind"_s, secretKindLabel(kind)}, {u"profile"_s, profile}};
    if (key.isValid())
        object.insert(u"mode"_s, StripeKey::modeName(key.mode()));
    return object;
}

void KeyService::set(const ActingUser &actor, SecretKind kind, const QString &text, QObject *context,
                     Callback done)
{
    if (refuse(actor, kind, context, done))
        return;
    Outcome outcome;
    outcome.kind = kind;
    const QString value = text.trimmed();
    if (const QString why = formatProblem(kind, value, &outcome.key); !why.isEmpty()) {
        outcome.status = Status::Invalid;
        outcome.message = why;
        return later(context, done, outcome);
    }
    if (kind != SecretKind::StripeSecretKey || !m_checker)
        return store(actor, outcome, value, context, std::move(done));
    // A key Stripe refuses is not kept.
    StripeKeyCheck::run(
        *m_checker, outcome.key, context,
        [self = *this, actor, outcome, context, done](const StripeKeyCheck::Result &result) mutable {
            if (!result.accepted) {
                outcome.status = Status::Rejected;
                outcome.stripeError = result.error;
                outcome.message =
                    u"Stripe refuses the key %1: %2"_s.arg(result.key.masked(), result.error.toString());
                return done(outcome);
            }
            outcome.checked = true;
            outcome.balanceReadable = result.balanceReadable;
            self.store(actor, outcome, outcome.key.value(), context, done);
        });
}

void KeyService::store(const ActingUser &actor, Outcome outcome, const QString &value, QObject *context,
                       Callback done) const
{
    m_secrets.write(SecretId{m_profile, outcome.kind}, value, context,
                    [self = *this, actor, outcome, done](const SecretError &error) mutable {
                        if (error.isError()) {
                            outcome.status = Status::Keychain;
                            outcome.secretError = error;
                            outcome.message = error.message;
                            return done(outcome);
                        }
                        outcome.message = u"stored in the "_s + self.m_secrets.backendName();
                        if (outcome.checked)
                            outcome.message += outcome.balanceReadable
                                                   ? u", accepted by Stripe"_s
                                                   : u", accepted by Stripe (it may not read the balance)"_s;
                        if (self.m_audit)
                            self.m_audit(actor, u"keys.set"_s, {},
                                         details(self.m_profile, outcome.kind, outcome.key));
                        done(outcome);
                    });
}

void KeyService::check(const ActingUser &actor, SecretKind kind, bool askStripe, QObject *context,
                       Callback done)
{
    if (refuse(actor, kind, context, done))
        return;
    m_secrets.read(SecretId{m_profile, kind}, context,
                   [self = *this, kind, askStripe, context, done](const SecretResult &result) {
                       Outcome outcome;
                       outcome.kind = kind;
                       if (!result.ok() || result.value.isEmpty()) {
                           outcome.status = result.error.kind == SecretError::Kind::NotFound || result.ok()
                                                ? Status::NotFound
                                                : Status::Keychain;
                           outcome.secretError = result.error;
                           outcome.message = outcome.status == Status::NotFound
                                                 ? u"no %1 is stored for profile %2"_s.arg(
                                                       secretKindLabel(kind), self.m_profile)
                                                 : result.error.message;
                           return done(outcome);
                       }
                       if (kind == SecretKind::DatabasePassword) {
                           outcome.message = u"stored"_s;
                           return done(outcome);
                       }
                       outcome.key = StripeKey::parse(result.value);
                       if (!outcome.key.isValid()) {
                           outcome.status = Status::Invalid;
                           outcome.message = u"the stored %1 is malformed: %2; store it again"_s.arg(
                               secretKindLabel(kind), outcome.key.error());
                           return done(outcome);
                       }
                       if (kind != SecretKind::StripeSecretKey || !askStripe) {
                           outcome.message = u"stored"_s;
                           return done(outcome);
                       }
                       if (!self.m_checker) {
                           outcome.status = Status::Rejected;
                           outcome.message = u"Stripe cannot be asked from here"_s;
                           return done(outcome);
                       }
                       StripeKeyCheck::run(
                           *self.m_checker, outcome.key, context,
                           [outcome, done](const StripeKeyCheck::Result &checked) mutable {
                               if (!checked.accepted) {
                                   outcome.status = Status::Rejected;
                                   outcome.stripeError = checked.error;
                                   outcome.message = u"Stripe refuses the stored key %1: %2"_s.arg(
                                       checked.key.masked(), checked.error.toString());
                                   return done(outcome);
                               }
                               outcome.checked = true;
                               outcome.balanceReadable = checked.balanceReadable;
                               outcome.message = checked.balanceReadable
                                                     ? u"accepted by Stripe"_s
                                                     : u"accepted by Stripe (it may not read the balance)"_s;
                               done(outcome);
                           });
                   });
}

void KeyService::remove(const ActingUser &actor, SecretKind kind, QObject *context, Callback done)
{
    if (refuse(actor, kind, context, done))
        return;
    m_secrets.remove(
        SecretId{m_profile, kind}, context, [self = *this, actor, kind, done](const SecretError &error) {
            Outcome outcome;
            outcome.kind = kind;
            if (error.isError()) {
                outcome.status = Status::Keychain;
                outcome.secretError = error;
                outcome.message = error.message;
                return done(outcome);
            }
            if (self.m_audit)
                self.m_audit(actor, u"keys.remove"_s, {}, details(self.m_profile, kind, StripeKey()));
            outcome.message = u"removed the %1 of profile %2 (if there was one)"_s.arg(secretKindLabel(kind),
                                                                                       self.m_profile);
            done(outcome);
        });
}

void KeyService::registerWebhook(const ActingUser &actor, stripe::StripeClient &client, const QString &url,
                                 const QStringList &events, QObject *context, Callback done)
{
    if (refuse(actor, SecretKind::WebhookSecret, context, done))
        return;
    Outcome outcome;
    outcome.kind = SecretKind::WebhookSecret;
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"https"_s && parsed.scheme() != u"http"_s) ||
        parsed.host().isEmpty()) {
        outcome.status = Status::Invalid;
        outcome.message = u"a webhook endpoint is an http:// or https:// URL"_s;
        return later(context, done, outcome);
    }
    client.send(
        stripe::WebhookEndpoints::create(url, events.isEmpty() ? QStringList{u"*"_s} : events, u"Kassa"_s),
        context,
        [self = *this, actor, outcome, context, done](const stripe::StripeResponse &response) mutable {
            if (!response.ok()) {
                outcome.status = Status::Rejected;
                outcome.stripeError = response.error;
                outcome.message = u"Stripe did not create the endpoint: "_s + response.error.toString();
                return done(outcome);
            }
            outcome.endpointId = response.json.value(u"id"_s).toString();
            outcome.endpointUrl = response.json.value(u"url"_s).toString();
            // Stripe shows the secret once: it goes to the keychain, and only its masked form on.
            outcome.key = StripeKey::parse(response.json.value(u"secret"_s).toString());
            self.m_secrets.write(
                SecretId{self.m_profile, SecretKind::WebhookSecret}, outcome.key.value(), context,
                [self, actor, outcome, done](const SecretError &error) mutable {
                    if (self.m_audit)
                        self.m_audit(actor, u"webhook.register"_s, {outcome.endpointId},
                                     {{u"url"_s, outcome.endpointUrl},
                                      {u"profile"_s, self.m_profile},
                                      {u"kept_in_keychain"_s, !error.isError()}});
                    if (error.isError()) {
                        outcome.status = Status::Keychain;
                        outcome.secretError = error;
                        outcome.message =
                            u"the endpoint was created, but its signing secret %1 could not be kept: "
                            "%2. Reveal it in the Stripe Dashboard (Developers, Webhooks, the "
                            "endpoint, Signing secret) and store it as the webhook secret, or delete "
                            "the endpoint and register it again once the keychain works"_s.arg(
                                outcome.key.masked(), error.message);
                        return done(outcome);
                    }
                    outcome.message = u"secret %1 kept in the %2 for profile %3"_s.arg(
                        outcome.key.masked(), self.m_secrets.backendName(), self.m_profile);
                    done(outcome);
                });
        });
}

} // namespace kassa::security
