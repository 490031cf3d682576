// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/stripeenum.h"

namespace kassa {

// How a PaymentIntent's funds are captured (Payment::captureMethod). Terminal payments use Manual.
enum class CaptureMethod {
    Unknown,        // a value this version does not know, or none
    Automatic,      // automatic
    AutomaticAsync, // automatic_async
    Manual,         // manual
};

template<>
CaptureMethod fromStripe<CaptureMethod>(QStringView text);
QString toStripe(CaptureMethod value);

} // namespace kassa
