// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/payment.h"

namespace kassa {

bool Payment::isFinal() const
{
    return status == PaymentIntentStatus::Succeeded || status == PaymentIntentStatus::Canceled;
}

} // namespace kassa
