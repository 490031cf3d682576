// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/money.h"

#include "core/moneyparser.h"
#include "core/numberlayout.h"

#include <QDebug>
#include <QHashFunctions>
#include <QLocale>

#include <limits>

using namespace Qt::StringLiterals;

namespace kassa {
namespace {

constexpr qint64 Int64Min = std::numeric_limits<qint64>::min();

quint64 magnitudeOf(qint64 value)
{
    // Well defined for Int64Min too: unsigned arithmetic wraps by definition.
    return value < 0 ? quint64(0) - static_cast<quint64>(value) : static_cast<quint64>(value);
}

quint64 powerOfTen(int exponent)
{
    quint64 result = 1;
    for (int i = 0; i < exponent; ++i)
        result *= 10;
    return result;
}

void setError(MoneyError *error, MoneyError value)
{
    if (error)
        *error = value;
}

std::optional<Money> fail(MoneyError *error, MoneyError value)
{
    setError(error, value);
    return std::nullopt;
}

std::optional<Money> succeed(MoneyError *error, qint64 minorUnits, Currency currency)
{
    setError(error, MoneyError::None);
    return Money(minorUnits, currency);
}

} // namespace

std::optional<Money> Money::add(const Money &other, MoneyError *error) const
{
    if (!isValid() || !other.isValid())
        return fail(error, MoneyError::InvalidCurrency);
    if (m_currency != other.m_currency)
        return fail(error, MoneyError::CurrencyMismatch);
    qint64 result = 0;
    if (__builtin_add_overflow(m_minorUnits, other.m_minorUnits, &result))
        return fail(error, MoneyError::Overflow);
    return succeed(error, result, m_currency);
}

std::optional<Money> Money::subtract(const Money &other, MoneyError *error) const
{
    if (!isValid() || !other.isValid())
        return fail(error, MoneyError::InvalidCurrency);
    if (m_currency != other.m_currency)
        return fail(error, MoneyError::CurrencyMismatch);
    qint64 result = 0;
    if (__builtin_sub_overflow(m_minorUnits, other.m_minorUnits, &result))
        return fail(error, MoneyError::Overflow);
    return succeed(error, result, m_currency);
}

std::optional<Money> Money::multiply(qint64 factor, MoneyError *error) const
{
    if (!isValid())
        return fail(error, MoneyError::InvalidCurrency);
    qint64 result = 0;
    if (__builtin_mul_overflow(m_minorUnits, factor, &result))
        return fail(error, MoneyError::Overflow);
    return succeed(error, result, m_currency);
}

std::optional<Money> Money::negate(MoneyError *error) const
{
    if (!isValid())
        return fail(error, MoneyError::InvalidCurrency);
    qint64 result = 0;
    if (__builtin_sub_overflow(qint64(0), m_minorUnits, &result))
        return fail(error, MoneyError::Overflow);
    return succeed(error, result, m_currency);
}

std::optional<Money> Money::abs(MoneyError *error) const
{
    if (!isNegative()) {
        if (!isValid())
            return fail(error, MoneyError::InvalidCurrency);
        return succeed(error, m_minorUnits, m_currency);
    }
    return negate(error);
}

std::optional<Money> Money::sum(const QList<Money> &items, Currency currency, MoneyError *error)
{
    if (!currency.isValid())
        return fail(error, MoneyError::InvalidCurrency);
    Money total(0, currency);
    for (const Money &item : items) {
        const std::optional<Money> next = total.add(item, error);
        if (!next)
            return std::nullopt;
        total = *next;
    }
    return succeed(error, total.m_minorUnits, currency);
}

std::optional<std::strong_ordering> Money::compare(const Money &other) const noexcept
{
    if (m_currency != other.m_currency)
        return std::nullopt;
    return m_minorUnits <=> other.m_minorUnits;
}

std::partial_ordering operator<=>(const Money &a, const Money &b) noexcept
{
    if (a.m_currency != b.m_currency)
        return std::partial_ordering::unordered;
    return a.m_minorUnits <=> b.m_minorUnits;
}

MoneyParseResult Money::parse(QStringView text, Currency currency, const QLocale &locale,
                              MoneyParseOptions options)
{
    return MoneyParser(currency, locale, options).parse(text);
}

QString Money::formatMagnitude(const QLocale &locale) const
{
    const int exponent = m_currency.exponent();
    const quint64 scale = powerOfTen(exponent);
    const quint64 magnitude = magnitudeOf(m_minorUnits);
    const NumberLayout layout(locale);
    QString text = layout.groupedInteger(QString::number(magnitude / scale));
    if (exponent > 0) {
        const QString fraction = QString::number(magnitude % scale).rightJustified(exponent, u'0');
        text += locale.decimalPoint() + layout.localDigits(fraction);
    }
    return text;
}

QString Money::format(const QLocale &locale) const
{
    const QString symbol = m_currency.symbol(locale);
    if (symbol.isEmpty())
        return formatPlain(locale);

    // Let QLocale lay out a one-unit amount with a placeholder symbol (sign or parentheses, symbol before
    // or after, spacing), then put the real number and symbol in. QLocale::toCurrencyString() takes whole
    // units only (or a double, which money never goes through), so the digits are ours.
    const QChar placeholder(0xE000); // private use: never a digit, never in a locale's pattern
    const QString pattern = locale.toCurrencyString(qlonglong(isNegative() ? -1 : 1), QString(placeholder));
    const QString one = locale.toString(qlonglong(1));
    const qsizetype at = pattern.indexOf(one);
    if (at < 0 || !pattern.contains(placeholder))
        return formatPlain(locale) + QChar(0x00a0) + symbol;

    QString result = pattern;
    result.replace(at, one.size(), formatMagnitude(locale));
    result.replace(placeholder, symbol);
    return result;
}

QString Money::formatPlain(const QLocale &locale) const
{
    const QString magnitude = formatMagnitude(locale);
    if (!isNegative())
        return magnitude;
    return locale.negativeSign() + magnitude;
}

QString Money::toDecimalString() const
{
    const int exponent = m_currency.exponent();
    const quint64 scale = powerOfTen(exponent);
    const quint64 magnitude = magnitudeOf(m_minorUnits);
    QString text = QString::number(magnitude / scale);
    if (exponent > 0)
        text += u'.' + QString::number(magnitude % scale).rightJustified(exponent, u'0');
    if (!isNegative())
        return text;
    return u'-' + text;
}

std::optional<Money> Money::fromDecimalString(QStringView text, Currency currency)
{
    if (!currency.isValid())
        return std::nullopt;
    const int exponent = currency.exponent();
    const bool negative = text.startsWith(u'-');
    if (negative)
        text = text.sliced(1);
    const qsizetype dot = text.indexOf(u'.');
    const QStringView whole = dot < 0 ? text : text.first(dot);
    const QStringView fraction = dot < 0 ? QStringView() : text.sliced(dot + 1);
    if (whole.isEmpty() || (dot >= 0 && (fraction.isEmpty() || fraction.size() > exponent)))
        return std::nullopt;

    quint64 magnitude = 0;
    const auto append = [&magnitude](QChar c) {
        if (c < u'0' || c > u'9')
            return false;
        return !__builtin_mul_overflow(magnitude, quint64(10), &magnitude) &&
               !__builtin_add_overflow(magnitude, static_cast<quint64>(c.unicode() - u'0'), &magnitude);
    };
    for (const QChar c : whole) {
        if (!append(c))
            return std::nullopt;
    }
    for (int i = 0; i < exponent; ++i) {
        if (!append(i < fraction.size() ? fraction.at(i) : QChar(u'0')))
            return std::nullopt;
    }

    const quint64 limit = static_cast<quint64>(std::numeric_limits<qint64>::max()) + (negative ? 1 : 0);
    if (magnitude > limit)
        return std::nullopt;
    if (!negative)
        return Money(static_cast<qint64>(magnitude), currency);
    if (magnitude == limit)
        return Money(Int64Min, currency);
    return Money(-static_cast<qint64>(magnitude), currency);
}

size_t qHash(const Money &money, size_t seed) noexcept
{
    return qHashMulti(seed, money.minorUnits(), money.currency());
}

QDebug operator<<(QDebug debug, const Money &money)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Money(" << money.toDecimalString() << ' '
                              << (money.currency().isValid() ? money.currency().code() : u"invalid"_s) << ')';
    return debug;
}

} // namespace kassa
