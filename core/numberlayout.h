// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QString>

namespace kassa {

// How a locale writes the integer part of a number: digit group sizes, minimum grouping digits and its
// digits. Derived from what QLocale writes for a few sample integers, because QLocale does not expose
// its grouping data; then applied by this class itself, because Qt 6.4 applies CLDR's "minimum grouping
// digits" wrongly (es_ES: QLocale writes 1234567 as "1234.567"; CLDR and this class write "1.234.567").
// Internal to core/ (Money's formatting and parsing).
class NumberLayout
{
public:
    explicit NumberLayout(const QLocale &locale);

    int primaryGroupSize() const noexcept { return m_primary; }     // 3 nearly everywhere
    int secondaryGroupSize() const noexcept { return m_secondary; } // 2 in Indian grouping (12,34,567)
    int minimumGroupingDigits() const noexcept { return m_minimumGrouping; } // 2 in es_ES, pl_PL: "1234"
    bool groups() const noexcept { return m_groups; } // false with QLocale::OmitGroupSeparator

    // ASCII digits ("1234567") → the locale's grouped digits ("1.234.567", "12,34,567", "١٬٢٣٤٬٥٦٧").
    QString groupedInteger(const QString &asciiDigits) const;
    // ASCII digits → the locale's digits, no grouping.
    QString localDigits(const QString &asciiDigits) const;

private:
    int m_primary = 3;
    int m_secondary = 3;
    int m_minimumGrouping = 1;
    bool m_groups = true;
    bool m_asciiDigits = true;
    QString m_groupSeparator;
    QString m_digits[10];
};

} // namespace kassa
