#include "services/stripe/resources/charges.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest Charges::retrieve(const QString &id, const QStringList &expand)
{
    StripeParams params;
    for (const QString &path : expand)
        params.expand(path);
    return StripeRequest::get(StripeRequest::resourcePath(u"/v1/charges"_s, id), params);
}
} // namespace kassa::stripe
