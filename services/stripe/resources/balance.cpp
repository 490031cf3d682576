#include "services/stripe/resources/balance.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest Balance::retrieve()
{
    return StripeRequest::get(u"/v1/balance"_s);
}
} // namespace kassa::stripe
