// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/currency.h"

#include <QFlags>
#include <QString>

#include <optional>

namespace kassa {

class Money;

// Why Money::parse() refused a text. Each error has its own translated message().
enum class MoneyParseError {
    None,                    // parsed
    Empty,                   // nothing but whitespace
    Garbage,                 // not an amount: letters, two signs, two symbols, "1.2.3", "1e3", "0x10", "12-"
    UnsupportedDigits,       // digits of another script than 0-9 or the locale's own ("١٢" in en_US)
    TooManyDecimals,         // more decimals than the currency has ("12.345" usd, "1.5" jpy, "1.2345" kwd)
    Ambiguous,               // separators that only make sense in another convention ("12,50" in en_US)
    MisplacedGroupSeparator, // digit groups of the wrong size ("12,34,5", "1 23")
    WrongCurrencySymbol,     // a symbol or code of another currency ("€12" for usd)
    Negative,                // a sign where negative amounts are not allowed
    Overflow,                // more than a qint64 of minor units
    AboveMaximum,            // more than Stripe's maximum amount (Money::StripeMaximumAmount minor units)
};

enum class MoneyParseOption {
    None = 0x0,
    AllowNegative = 0x1,           // accept "-5.00", "(5.00)" (refund adjustments, corrections)
    AllowAboveStripeMaximum = 0x2, // accept amounts above Money::StripeMaximumAmount (reports, filters)
};
Q_DECLARE_FLAGS(MoneyParseOptions, MoneyParseOption)
Q_DECLARE_OPERATORS_FOR_FLAGS(MoneyParseOptions)

// The outcome of Money::parse(): an amount, or an error with the text to show the cashier.
class MoneyParseResult
{
public:
    MoneyParseResult() = default;

    static MoneyParseResult success(qint64 minorUnits, Currency currency);
    // token: the offending part of the input, where there is one; suggestion: for Ambiguous, the amount
    // as the other reading gives it, written in the locale's own notation; for AboveMaximum, the
    // maximum written in the locale's notation.
    static MoneyParseResult failure(MoneyParseError error, Currency currency, const QString &token = {},
                                    const QString &suggestion = {});

    bool isValid() const noexcept { return m_error == MoneyParseError::None; }
    explicit operator bool() const noexcept { return isValid(); }

    MoneyParseError error() const noexcept { return m_error; }
    Currency currency() const noexcept { return m_currency; }
    // The amount; zero in currency() when !isValid().
    Money money() const;
    // The amount, or std::nullopt when !isValid().
    std::optional<Money> value() const;

    QString token() const { return m_token; }
    QString suggestion() const { return m_suggestion; }

    // A translated sentence for the cashier ("Did you mean 12.50?"). Empty when isValid().
    QString message() const;

    // A stable, untranslated name of an error ("TooManyDecimals"), for logs and test output.
    static QString errorName(MoneyParseError error);

private:
    MoneyParseError m_error = MoneyParseError::Empty;
    Currency m_currency;
    qint64 m_minorUnits = 0;
    QString m_token;
    QString m_suggestion;
};

} // namespace kassa
