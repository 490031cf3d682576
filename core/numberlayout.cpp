// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/numberlayout.h"

#include <QList>

namespace kassa {
namespace {

// The sizes of the digit runs in a formatted integer: "1.234.567" → {1, 3, 3}.
QList<int> digitRuns(const QString &formatted)
{
    QList<int> runs{0};
    for (const QChar c : formatted) {
        if (c.isDigit())
            ++runs.last();
        else if (runs.last() > 0)
            runs.append(0);
    }
    if (runs.size() > 1 && runs.last() == 0)
        runs.removeLast();
    return runs;
}

} // namespace

NumberLayout::NumberLayout(const QLocale &locale)
    : m_groups(!locale.numberOptions().testFlag(QLocale::OmitGroupSeparator))
    , m_groupSeparator(locale.groupSeparator())
{
    QLocale sample = locale;
    sample.setNumberOptions(QLocale::DefaultNumberOptions);

    const QList<int> runs = digitRuns(sample.toString(qlonglong(1234567890)));
    if (runs.size() < 2) {
        m_groups = false;
    } else {
        m_primary = runs.last();
        m_secondary = runs.size() >= 3 ? runs.at(runs.size() - 2) : m_primary;
        if (m_primary < 1 || m_secondary < 1) {
            m_primary = 3;
            m_secondary = 3;
        }
        // The smallest number of digits in front of the first group for which the locale groups at all.
        m_minimumGrouping = 3;
        qlonglong power = 1;
        for (int i = 0; i < m_primary; ++i)
            power *= 10;
        for (int m = 1; m <= 3; ++m) {
            if (digitRuns(sample.toString(power)).size() > 1) {
                m_minimumGrouping = m;
                break;
            }
            power *= 10;
        }
    }

    for (int d = 0; d < 10; ++d) {
        m_digits[d] = sample.toString(qlonglong(d));
        m_asciiDigits = m_asciiDigits && m_digits[d] == QString(QChar(static_cast<char16_t>(u'0' + d)));
    }
}

QString NumberLayout::localDigits(const QString &asciiDigits) const
{
    if (m_asciiDigits)
        return asciiDigits;
    QString result;
    result.reserve(asciiDigits.size());
    for (const QChar c : asciiDigits) {
        const int d = c.unicode() - u'0';
        result += (d >= 0 && d <= 9) ? m_digits[d] : QString(c);
    }
    return result;
}

QString NumberLayout::groupedInteger(const QString &asciiDigits) const
{
    const qsizetype n = asciiDigits.size();
    if (!m_groups || n < m_primary + m_minimumGrouping)
        return localDigits(asciiDigits);

    // Cut from the right: one primary group, then secondary groups.
    QList<QString> groups;
    qsizetype end = n;
    int size = m_primary;
    while (end > 0) {
        const qsizetype begin = qMax<qsizetype>(0, end - size);
        groups.prepend(localDigits(asciiDigits.mid(begin, end - begin)));
        end = begin;
        size = m_secondary;
    }
    return groups.join(m_groupSeparator);
}

} // namespace kassa
