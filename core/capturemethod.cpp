// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/capturemethod.h"

namespace kassa {
namespace {

constexpr detail::StripeName<CaptureMethod> Names[] = {
    {CaptureMethod::Automatic, u"automatic"},
    {CaptureMethod::AutomaticAsync, u"automatic_async"},
    {CaptureMethod::Manual, u"manual"},
};

} // namespace

template<>
CaptureMethod fromStripe<CaptureMethod>(QStringView text)
{
    return detail::enumFromStripe(Names, text, CaptureMethod::Unknown);
}

QString toStripe(CaptureMethod value)
{
    return detail::enumToStripe(Names, value);
}

} // namespace kassa
