// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the tests of core/: readable QCOMPARE output and short constructors.
#pragma once

#include "core/currency.h"
#include "core/money.h"
#include "core/moneyparseresult.h"

#include <QByteArray>
#include <QLatin1StringView>
#include <QString>

#include <cstring>

namespace kassa {

// Found by argument-dependent lookup from QCOMPARE, so failures print "TooManyDecimals", not "4".
inline char *toString(MoneyParseError error)
{
    const QByteArray name = MoneyParseResult::errorName(error).toUtf8();
    char *copy = new char[static_cast<std::size_t>(name.size()) + 1];
    std::memcpy(copy, name.constData(), static_cast<std::size_t>(name.size()) + 1);
    return copy;
}

namespace test {

// A currency the test knows is supported; fails the calling test (by returning an invalid currency that
// every comparison then catches) rather than crashing when it is not.
inline Currency currency(const char *code)
{
    return Currency::fromCode(QString(QLatin1StringView(code))).value_or(Currency());
}

inline Money money(qint64 minorUnits, const char *code)
{
    return Money(minorUnits, currency(code));
}

} // namespace test
} // namespace kassa
