// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/stripeenum.h"

namespace kassa {

// Why a refund was made (Refund::reason). Stripe sends null when no reason was given: that is None,
// which fromStripe() gives for an empty string and toStripe() writes as an empty string (send no
// `reason` parameter). Unknown is a reason this version does not know.
enum class RefundReason {
    Unknown,
    None,                    // null: no reason given
    Duplicate,               // duplicate
    Fraudulent,              // fraudulent
    RequestedByCustomer,     // requested_by_customer
    ExpiredUncapturedCharge, // expired_uncaptured_charge (set by Stripe, not sent by us)
};

template<>
RefundReason fromStripe<RefundReason>(QStringView text);
QString toStripe(RefundReason value);

} // namespace kassa
