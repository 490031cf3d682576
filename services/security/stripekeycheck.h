#pragma once

#include "services/security/stripekey.h"
#include "services/stripe/stripeerror.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace kassa::stripe {
class StripeClient;
}

namespace kassa::security {

// Asks Stripe whether a secret or restricted key works, with GET /v1/balance: read-only, cheap, and
// answered for every valid key. Checked before a key is stored, and on demand.
class StripeKeyCheck
{
public:
    struct Result
    {
        StripeKey key;
        // Stripe took the key. A restricted key without the balance permission is taken too (403): it
        // authenticates, it just may not read the balance.
        bool accepted = false;
        bool balanceReadable = false;
        QJsonObject balance;
        stripe::StripeError error; // why not, when not accepted (or the 403 of a restricted key)
    };
    using Callback = std::function<void(const Result &)>;

    // Sets `key` on `client` (whose API base the caller has chosen) and asks. `key` must be a server key
    // (StripeKey::isServerKey()); anything else gives a result that is not accepted without a request.
    static void run(stripe::StripeClient &client, const StripeKey &key, QObject *context, Callback callback);
};

} // namespace kassa::security
