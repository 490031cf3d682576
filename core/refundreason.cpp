// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/refundreason.h"

namespace kassa {
namespace {

constexpr detail::StripeName<RefundReason> Names[] = {
    {RefundReason::None, u""},
    {RefundReason::Duplicate, u"duplicate"},
    {RefundReason::Fraudulent, u"fraudulent"},
    {RefundReason::RequestedByCustomer, u"requested_by_customer"},
    {RefundReason::ExpiredUncapturedCharge, u"expired_uncaptured_charge"},
};

} // namespace

template<>
RefundReason fromStripe<RefundReason>(QStringView text)
{
    return detail::enumFromStripe(Names, text, RefundReason::Unknown);
}

QString toStripe(RefundReason value)
{
    return detail::enumToStripe(Names, value);
}

} // namespace kassa
