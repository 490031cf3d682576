// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/currency.h"
#include "core/moneyparseresult.h"

#include <QChar>
#include <QLocale>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace kassa {

// Reads an amount as a cashier types it. Used through Money::parse(); only digits and integers, never
// floating point. The rules:
//
// Normalising. The text is NFKC-normalised (full-width "１２．５０" and "￥" become "12.50" and "¥",
// no-break and narrow no-break spaces become spaces), invisible format characters (bidi marks, zero-width
// spaces) are dropped, and surrounding whitespace is ignored. Nothing left: Empty.
//
// Shape. [sign] [symbol] [sign] NUMBER [symbol], or the whole thing in parentheses for a negative amount
// ("($12.50)", as QLocale writes negatives in en_US). At most one sign ('-', U+2212 '−', '+', or the
// parentheses) and at most one symbol; a sign after the number ("12-") is Garbage.
//
// Symbol. Case-insensitive: the currency's symbol in the locale, its ISO code, its usual symbols and a
// few aliases (Currency::acceptedSymbols()). A symbol or code of another currency ("€" for usd) is
// WrongCurrencySymbol; anything else that is not digits is Garbage (token says what).
//
// Digits. ASCII 0-9 (after NFKC, so full-width too) and the locale's own digits ("١٢٫٥٠" in ar_EG).
// Other scripts' digits, or a mix of scripts in one amount, are UnsupportedDigits.
//
// Separators. The decimal separator D and group separator G are QLocale's (de_DE: D ',' G '.'; en_US:
// D '.' G ','; fr_FR: D ',' G space; de_CH: D '.' G '’'). Spaces and apostrophes are accepted as group
// separators in every locale (they can never be decimal points). An ASCII '.' or ',' that is neither D
// nor G of the locale is "foreign" ('.' in fr_FR, ',' in de_CH).
//  - Groups must be well formed: all group separators in an amount are the same character, the first
//    group has 1-3 digits and does not start with 0, every later group has exactly 3 digits (Indian
//    2-digit groups "12,34,567" only where the locale groups that way, e.g. en_IN). "12,34,5" and
//    "12 50" are MisplacedGroupSeparator.
//  - At most one decimal separator, after all group separators, followed by at most exponent() digits;
//    more is TooManyDecimals ("12.345" usd, "1.5" jpy, "1.2345" kwd, and "1.234" in en_US for usd:
//    '.' is en_US's decimal point, so this is never read as one thousand). Trailing zeros count too.
//  - A decimal separator with nothing before it is 0 ("," + "50" = 0.50 in de_DE, ".50" in en_US), and
//    with nothing after it is a whole amount ("12." = 12.00).
//  - A foreign separator: the last separator when it is the only one of its kind, or when other
//    separators come before it, is the decimal point ("12.50" in fr_FR = 12,50; "1 234.56" in fr_FR).
//    Several foreign separators, or one followed by D, are groups ("1.234,56" in fr_FR). A single
//    foreign separator with exactly three digits after it ("1.234" in fr_FR) is Ambiguous: it is a group
//    separator in one convention and a decimal point in the other.
//  - Ambiguous otherwise means: the text does not read under the locale's rules but does under the other
//    convention. "12,50", "1,23", ",50" and "1 234,56" in en_US (G ',' used where only a decimal point
//    fits); "12.50" and "1,234.56" in de_DE; "1.234.567" in en_US. The result's suggestion() holds the
//    other reading written in the locale's notation ("12.50"), so the message can ask "Did you mean
//    12.50?". Nothing is guessed: an Ambiguous text never yields an amount.
//  - More than one decimal separator with no sensible other reading ("1.2.3" in en_US), or two
//    separators in a row ("1..2"), is Garbage. "1.2.3" in de_DE ('.' is the group separator there) is
//    MisplacedGroupSeparator.
//
// Limits, checked in this order after the shape: a sign where MoneyParseOption::AllowNegative is not set
// is Negative (also "-0"); more minor units than a qint64 holds is Overflow; more than
// Money::StripeMaximumAmount minor units is AboveMaximum unless MoneyParseOption::AllowAboveStripeMaximum
// is set.
class MoneyParser
{
public:
    MoneyParser(Currency currency, const QLocale &locale, MoneyParseOptions options);

    MoneyParseResult parse(QStringView text) const;

private:
    enum class Verdict { Ok, BadGroups, TooManyDecimals, Malformed };
    struct Reading
    {
        Verdict verdict = Verdict::Malformed;
        QString integerDigits;
        QString fractionDigits;
    };

    Reading evaluate(const QStringList &runs, const QString &separators, qsizetype decimalIndex) const;
    MoneyParseResult parseNumber(const QString &span, bool negative, const QString &typed) const;
    std::optional<qint64> toMinorUnits(const Reading &reading, bool negative) const;

    bool isSeparator(QChar c) const;
    bool isForeign(QChar c) const;
    bool acceptsSymbol(const QString &symbol) const;
    bool isOtherCurrencySymbol(const QString &symbol) const;
    bool isKnownSymbolText(QStringView text) const;

    Currency m_currency;
    QLocale m_locale;
    MoneyParseOptions m_options;
    QChar m_decimal;
    QChar m_group;
    char16_t m_localeZero = u'0';
    bool m_indianGrouping = false;
    QStringList m_acceptedSymbolKeys;
};

} // namespace kassa
