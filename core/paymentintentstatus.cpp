// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/paymentintentstatus.h"

namespace kassa {
namespace {

constexpr detail::StripeName<PaymentIntentStatus> Names[] = {
    {PaymentIntentStatus::RequiresPaymentMethod, u"requires_payment_method"},
    {PaymentIntentStatus::RequiresConfirmation, u"requires_confirmation"},
    {PaymentIntentStatus::RequiresAction, u"requires_action"},
    {PaymentIntentStatus::Processing, u"processing"},
    {PaymentIntentStatus::RequiresCapture, u"requires_capture"},
    {PaymentIntentStatus::Canceled, u"canceled"},
    {PaymentIntentStatus::Succeeded, u"succeeded"},
};

} // namespace

template<>
PaymentIntentStatus fromStripe<PaymentIntentStatus>(QStringView text)
{
    return detail::enumFromStripe(Names, text, PaymentIntentStatus::Unknown);
}

QString toStripe(PaymentIntentStatus value)
{
    return detail::enumToStripe(Names, value);
}

} // namespace kassa
