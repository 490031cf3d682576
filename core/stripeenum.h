// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>

#include <cstddef>

namespace kassa {

// The enums of Stripe records (statuses, reasons, types, brands) all convert the same way:
//
//     fromStripe<PaymentIntentStatus>(u"requires_capture") == PaymentIntentStatus::RequiresCapture
//     toStripe(PaymentIntentStatus::RequiresCapture) == u"requires_capture"
//
// fromStripe() compares exactly (Stripe's values are lowercase snake_case) and gives the enum's
// Unknown value for anything it does not recognise, so a value Stripe adds later never breaks reading.
// toStripe() gives an empty string for Unknown (there is nothing to send), except for CardBrand, where
// "unknown" is itself one of Stripe's values.
//
// Each enum's header declares its specialisation of fromStripe() and its overload of toStripe().
template<typename Enum>
Enum fromStripe(QStringView text);

namespace detail {

template<typename Enum>
struct StripeName
{
    Enum value;
    const char16_t *name;
};

template<typename Enum, std::size_t N>
Enum enumFromStripe(const StripeName<Enum> (&table)[N], QStringView text, Enum unknown)
{
    for (const StripeName<Enum> &entry : table) {
        if (text == QStringView(entry.name))
            return entry.value;
    }
    return unknown;
}

template<typename Enum, std::size_t N>
QString enumToStripe(const StripeName<Enum> (&table)[N], Enum value)
{
    for (const StripeName<Enum> &entry : table) {
        if (entry.value == value)
            return QString::fromUtf16(entry.name);
    }
    return QString();
}

} // namespace detail
} // namespace kassa
