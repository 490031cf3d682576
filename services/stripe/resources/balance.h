#pragma once

#include "services/stripe/striperequest.h"

namespace kassa::stripe {

// GET /v1/balance: cheap, read-only, and answered for any valid key, so it checks a key.
class Balance
{
public:
    static StripeRequest retrieve();
};
} // namespace kassa::stripe
