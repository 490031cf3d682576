// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chargestatus.h"

namespace kassa {
namespace {

constexpr detail::StripeName<ChargeStatus> Names[] = {
    {ChargeStatus::Succeeded, u"succeeded"},
    {ChargeStatus::Pending, u"pending"},
    {ChargeStatus::Failed, u"failed"},
};

} // namespace

template<>
ChargeStatus fromStripe<ChargeStatus>(QStringView text)
{
    return detail::enumFromStripe(Names, text, ChargeStatus::Unknown);
}

QString toStripe(ChargeStatus value)
{
    return detail::enumToStripe(Names, value);
}

} // namespace kassa
