#pragma once

#include "services/stripe/striperequest.h"

namespace kassa::stripe {

// Requests of /v1/charges.
class Charges
{
public:
    static StripeRequest retrieve(const QString &id, const QStringList &expand = {});
};
} // namespace kassa::stripe
