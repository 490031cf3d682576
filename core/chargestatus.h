// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/stripeenum.h"

namespace kassa {

// The status of a Charge.
enum class ChargeStatus {
    Unknown,   // a value this version does not know, or none
    Succeeded, // succeeded
    Pending,   // pending
    Failed,    // failed
};

template<>
ChargeStatus fromStripe<ChargeStatus>(QStringView text);
QString toStripe(ChargeStatus value);

} // namespace kassa
