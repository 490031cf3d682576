#pragma once

#include "services/security/securityerror.h"
#include "services/stripe/stripeerror.h"

namespace kassa::cli {

// kassa-cli's exit codes: one per kind of failure, so that scripts can tell a decline from an outage.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,        // anything not listed below (a file that cannot be read, ...)
    ExitUsage = 2,          // wrong command line
    ExitCard = 3,           // card_error: declined, expired, ...
    ExitInvalidRequest = 4, // invalid_request_error
    ExitIdempotency = 5,    // idempotency_error
    ExitAuthentication = 6, // no key, or the key is refused
    ExitPermission = 7,
    ExitRateLimit = 8,
    ExitApi = 9,         // Stripe's 5xx, or an answer that cannot be read
    ExitConnection = 10, // no answer from Stripe
    ExitCanceled = 11,
    ExitSignature = 12, // webhook verify: the signature does not verify
};

inline int exitCodeFor(stripe::StripeError::Kind kind)
{
    using Kind = stripe::StripeError::Kind;
    switch (kind) {
    case Kind::None:
        return ExitOk;
    case Kind::Card:
        return ExitCard;
    case Kind::InvalidRequest:
        return ExitInvalidRequest;
    case Kind::Idempotency:
        return ExitIdempotency;
    case Kind::Authentication:
        return ExitAuthentication;
    case Kind::Permission:
        return ExitPermission;
    case Kind::RateLimit:
        return ExitRateLimit;
    case Kind::Api:
        return ExitApi;
    case Kind::Connection:
        return ExitConnection;
    case Kind::Canceled:
        return ExitCanceled;
    }
    return ExitFailure;
}

// A refusal by the security services: who may not, a wrong PIN, a name or amount the rules refuse.
inline int exitCodeFor(const security::SecurityError &error)
{
    using Kind = security::SecurityError::Kind;
    switch (error.kind) {
    case Kind::None:
        return ExitOk;
    case Kind::Refused:
        return ExitPermission;
    case Kind::WrongPin:
    case Kind::Locked:
    case Kind::Disabled:
        return ExitAuthentication;
    case Kind::Invalid:
    case Kind::NotFound:
    case Kind::Exists:
        return ExitInvalidRequest;
    case Kind::Store:
        return ExitFailure;
    }
    return ExitFailure;
}

} // namespace kassa::cli
