#include "services/security/stripekeycheck.h"

#include "services/stripe/resources/balance.h"
#include "services/stripe/stripeclient.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace kassa::security {

void StripeKeyCheck::run(stripe::StripeClient &client, const StripeKey &key, QObject *context,
                         Callback callback)
{
    Result result;
    result.key = key;
    if (!key.isServerKey()) {
        result.error.kind = stripe::StripeError::Kind::Authentication;
        result.error.message = key.isValid()
                                   ? u"a %1 cannot call the API; give a secret (sk_...) or restricted "
                                     "(rk_...) key"_s.arg(StripeKey::typeName(key.type()))
                                   : key.error();
        QMetaObject::invokeMethod(
            context, [callback = std::move(callback), result] { callback(result); }, Qt::QueuedConnection);
        return;
    }
    client.setApiKey(key.value());
    client.send(stripe::Balance::retrieve(), context,
                [result, callback = std::move(callback)](const stripe::StripeResponse &response) mutable {
                    if (response.ok()) {
                        result.accepted = true;
                        result.balanceReadable = true;
                        result.balance = response.json;
                    } else {
                        result.error = response.error;
                        result.accepted = response.error.kind == stripe::StripeError::Kind::Permission &&
                                          result.key.type() == StripeKey::Type::Restricted;
                    }
                    callback(result);
                });
}

} // namespace kassa::security
