#include "services/security/secretstore.h"

using namespace Qt::StringLiterals;

namespace kassa::security {

QString secretKindName(SecretKind kind)
{
    switch (kind) {
    case SecretKind::StripeSecretKey:
        return u"stripe-secret-key"_s;
    case SecretKind::StripePublishableKey:
        return u"stripe-publishable-key"_s;
    case SecretKind::WebhookSecret:
        return u"stripe-webhook-secret"_s;
    case SecretKind::DatabasePassword:
        return u"database-password"_s;
    }
    return u"unknown"_s;
}

QString secretKindLabel(SecretKind kind)
{
    switch (kind) {
    case SecretKind::StripeSecretKey:
        return u"Stripe secret key"_s;
    case SecretKind::StripePublishableKey:
        return u"Stripe publishable key"_s;
    case SecretKind::WebhookSecret:
        return u"webhook signing secret"_s;
    case SecretKind::DatabasePassword:
        return u"PostgreSQL password"_s;
    }
    return u"secret"_s;
}

QString SecretId::entryName() const
{
    return profile + u'/' + secretKindName(kind);
}

QString SecretError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return u"none"_s;
    case Kind::NotFound:
        return u"not found"_s;
    case Kind::NoService:
        return u"no secret service"_s;
    case Kind::Locked:
        return u"locked"_s;
    case Kind::Other:
        return u"other"_s;
    }
    return u"other"_s;
}

SecretError SecretError::make(Kind kind, const SecretId &id, const QString &detail)
{
    SecretError error;
    error.kind = kind;
    error.detail = detail;
    const QString what = secretKindLabel(id.kind);
    const QString because = detail.isEmpty() ? QString() : u" ("_s + detail + u')';
    switch (kind) {
    case Kind::None:
        break;
    case Kind::NotFound:
        error.message = u"no %1 is stored for profile '%2'"_s.arg(what, id.profile);
        break;
    case Kind::NoService:
        error.message =
            u"no Secret Service is available to keep the %1 of profile '%2'%3. Kassa keeps keys only in the "
            "OS keychain (GNOME Keyring, KWallet or another Secret Service), never in a plain file: start "
            "one (log in to a desktop session, or run gnome-keyring-daemon), or keep the key for this "
            "session only"_s.arg(what, id.profile, because);
        break;
    case Kind::Locked:
        error.message =
            u"the keychain is locked or refused access to the %1 of profile '%2'%3. Unlock it (log "
            "in to the desktop session, or unlock the keyring in Passwords and Keys) and try "
            "again, or keep the key for this session only"_s.arg(what, id.profile, because);
        break;
    case Kind::Other:
        error.message = u"the keychain failed for the %1 of profile '%2'%3"_s.arg(what, id.profile, because);
        break;
    }
    return error;
}

} // namespace kassa::security
