// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/stripeenum.h"

namespace kassa {

// The status of a PaymentIntent (Payment::status).
enum class PaymentIntentStatus {
    Unknown,               // a value this version does not know, or none
    RequiresPaymentMethod, // requires_payment_method
    RequiresConfirmation,  // requires_confirmation
    RequiresAction,        // requires_action
    Processing,            // processing
    RequiresCapture,       // requires_capture
    Canceled,              // canceled
    Succeeded,             // succeeded
};

template<>
PaymentIntentStatus fromStripe<PaymentIntentStatus>(QStringView text);
QString toStripe(PaymentIntentStatus value);

} // namespace kassa
