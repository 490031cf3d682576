// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/charge.h"

namespace kassa {

std::optional<Money> Charge::amountRefundable() const
{
    const std::optional<Money> left = amountCaptured.subtract(amountRefunded);
    if (!left)
        return std::nullopt;
    if (left->isNegative())
        return Money(0, left->currency());
    return left;
}

} // namespace kassa
