// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/stripeenum.h"

namespace kassa {

// The status of a Refund.
enum class RefundStatus {
    Unknown,        // a value this version does not know, or none
    Pending,        // pending
    RequiresAction, // requires_action
    Succeeded,      // succeeded
    Failed,         // failed
    Canceled,       // canceled
};

template<>
RefundStatus fromStripe<RefundStatus>(QStringView text);
QString toStripe(RefundStatus value);

} // namespace kassa
