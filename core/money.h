// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/currency.h"
#include "core/moneyparseresult.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <compare>
#include <optional>

class QDebug;
class QLocale;

namespace kassa {

// Why a Money operation gave no result.
enum class MoneyError {
    None,
    CurrencyMismatch, // the operands are in different currencies
    Overflow,         // the result does not fit a qint64 of minor units
    InvalidCurrency,  // an operand has an invalid (default-constructed) currency
};

// An amount of money: a whole number of minor units (cents, yen, fils) of one currency, exactly as
// Stripe counts it. No floating point anywhere: arithmetic is checked integer arithmetic that never
// wraps, parsing reads digits, formatting writes digits.
//
// A default-constructed Money is zero in an invalid currency; arithmetic on it fails with
// MoneyError::InvalidCurrency.
class Money
{
public:
    // Stripe accepts at most eight digits of minor units ($999,999.99; ¥99,999,999).
    static constexpr qint64 StripeMaximumAmount = 99'999'999;

    constexpr Money() noexcept = default;
    constexpr Money(qint64 minorUnits, Currency currency) noexcept
        : m_minorUnits(minorUnits)
        , m_currency(currency)
    {
    }

    constexpr qint64 minorUnits() const noexcept { return m_minorUnits; }
    constexpr Currency currency() const noexcept { return m_currency; }
    bool isValid() const noexcept { return m_currency.isValid(); }

    constexpr bool isZero() const noexcept { return m_minorUnits == 0; }
    constexpr bool isNegative() const noexcept { return m_minorUnits < 0; }
    constexpr bool isPositive() const noexcept { return m_minorUnits > 0; }

    // Checked arithmetic. On failure: std::nullopt, and *error (if given) says why; on success *error is
    // MoneyError::None.
    std::optional<Money> add(const Money &other, MoneyError *error = nullptr) const;
    std::optional<Money> subtract(const Money &other, MoneyError *error = nullptr) const;
    std::optional<Money> multiply(qint64 factor, MoneyError *error = nullptr) const;
    std::optional<Money> negate(MoneyError *error = nullptr) const;
    std::optional<Money> abs(MoneyError *error = nullptr) const;
    // Zero in `currency` for an empty list; every item must be in `currency`.
    static std::optional<Money> sum(const QList<Money> &items, Currency currency,
                                    MoneyError *error = nullptr);

    // Ordering within one currency; std::nullopt across currencies.
    std::optional<std::strong_ordering> compare(const Money &other) const noexcept;
    // Equal: same currency and same amount. Ordered only within a currency: across currencies every
    // relational operator is false (std::partial_ordering::unordered).
    friend bool operator==(const Money &, const Money &) noexcept = default;
    friend std::partial_ordering operator<=>(const Money &a, const Money &b) noexcept;

    // Parses what a cashier types, in the conventions of `locale`. The rules (separators, symbols, signs)
    // are documented in core/moneyparser.h.
    static MoneyParseResult parse(QStringView text, Currency currency, const QLocale &locale,
                                  MoneyParseOptions options = MoneyParseOption::None);

    // "1.234,50 €" (de_DE), "$1,234.50" (en_US), "($1,234.50)" (en_US, negative), "￥1,235" (ja_JP):
    // QLocale's currency pattern, symbol and digit grouping, with exactly exponent() decimals.
    QString format(const QLocale &locale) const;
    // "1.234,50" / "-1,234.50": the number alone, for input fields; parse() reads it back.
    QString formatPlain(const QLocale &locale) const;
    // "1234.50", "-0.05", "1200" (jpy), "1.234" (kwd): locale-independent, for CSV and logs.
    QString toDecimalString() const;
    // Reads toDecimalString() back: an optional '-', ASCII digits, and optionally '.' followed by at most
    // exponent() digits. Nothing else (no spaces, no '+', no grouping). std::nullopt when invalid or out
    // of range.
    static std::optional<Money> fromDecimalString(QStringView text, Currency currency);

private:
    QString formatMagnitude(const QLocale &locale) const;

    qint64 m_minorUnits = 0;
    Currency m_currency;
};

size_t qHash(const Money &money, size_t seed = 0) noexcept;
QDebug operator<<(QDebug debug, const Money &money);

} // namespace kassa
