// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/refundstatus.h"

namespace kassa {
namespace {

constexpr detail::StripeName<RefundStatus> Names[] = {
    {RefundStatus::Pending, u"pending"},     {RefundStatus::RequiresAction, u"requires_action"},
    {RefundStatus::Succeeded, u"succeeded"}, {RefundStatus::Failed, u"failed"},
    {RefundStatus::Canceled, u"canceled"},
};

} // namespace

template<>
RefundStatus fromStripe<RefundStatus>(QStringView text)
{
    return detail::enumFromStripe(Names, text, RefundStatus::Unknown);
}

QString toStripe(RefundStatus value)
{
    return detail::enumToStripe(Names, value);
}

} // namespace kassa
