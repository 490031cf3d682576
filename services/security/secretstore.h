#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace kassa::security {

// What a profile keeps in the keychain. One entry each; a profile is one Stripe account (and store).
enum class SecretKind {
    StripeSecretKey,      // sk_... or rk_...: the key every Stripe call uses
    StripePublishableKey, // pk_...: for the customer-facing side (Checkout, Terminal connection tokens)
    WebhookSecret,        // whsec_...: checks the signatures of webhook deliveries
    DatabasePassword,     // the PostgreSQL password of a shared store
};

// The name a secret has in the keychain entry ("stripe-secret-key", ...): stable, never translated.
QString secretKindName(SecretKind kind);
// What a person calls it in a message ("Stripe secret key", ...).
QString secretKindLabel(SecretKind kind);

struct SecretId
{
    QString profile = QStringLiteral("default");
    SecretKind kind = SecretKind::StripeSecretKey;

    // "default/stripe-secret-key": the keychain entry's key within Kassa's service.
    QString entryName() const;
};

// Why a secret could not be read, written or removed. `message` names the cause and what to do and is
// fit to show as it is; it never contains the secret.
struct SecretError
{
    enum class Kind {
        None,
        NotFound,  // nothing stored under that profile and kind
        NoService, // no Secret Service (keychain daemon) to talk to, or it has no keyring to keep secrets in
        Locked,    // the keyring is locked, or the user or the system refused access
        Other,
    };

    Kind kind = Kind::None;
    QString message;
    // What the backend said, for a log line or a bug report.
    QString detail;

    bool isError() const { return kind != Kind::None; }
    // The cases in which a caller may offer to keep the secret for this session only (in memory).
    bool allowsSessionOnly() const { return kind == Kind::NoService || kind == Kind::Locked; }

    // "not found", "no secret service", "locked", "other".
    static QString kindName(Kind kind);
    // The error for `kind` and the secret `id`, with the message that goes with it.
    static SecretError make(Kind kind, const SecretId &id, const QString &detail = {});
};

struct SecretResult
{
    SecretError error;
    QString value;

    bool ok() const { return !error.isError(); }
};

// Where Kassa keeps keys and passwords. Every operation is asynchronous: the callback runs later, from
// the event loop, in `context`'s thread, and not at all once `context` is gone. The GUI never waits for
// the keychain (which may show an unlock prompt for as long as the user takes).
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using ReadCallback = std::function<void(const SecretResult &)>;
    using DoneCallback = std::function<void(const SecretError &)>;

    using QObject::QObject;

    virtual void read(const SecretId &id, QObject *context, ReadCallback callback) = 0;
    virtual void write(const SecretId &id, const QString &value, QObject *context, DoneCallback callback) = 0;
    // Removing what is not there succeeds.
    virtual void remove(const SecretId &id, QObject *context, DoneCallback callback) = 0;
    // "OS keychain", "memory", ...: where the secrets go, for messages.
    virtual QString backendName() const = 0;
};

} // namespace kassa::security
