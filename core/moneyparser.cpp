// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/moneyparser.h"

#include "core/money.h"
#include "core/numberlayout.h"

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace kassa {
namespace {

constexpr char16_t RightSingleQuotationMark = 0x2019;
constexpr char16_t MinusSign = 0x2212;
constexpr quint64 Int64Max = static_cast<quint64>(std::numeric_limits<qint64>::max());

// NFKC, invisible format characters (bidi marks, zero-width space, BOM, soft hyphen) removed, every kind
// of whitespace made a plain space, trimmed.
QString normalized(QStringView text)
{
    const QString nfkc = text.toString().normalized(QString::NormalizationForm_KC);
    QString out;
    out.reserve(nfkc.size());
    for (const QChar c : nfkc) {
        if (c.category() == QChar::Other_Format)
            continue;
        out += c.isSpace() ? QChar(u' ') : c;
    }
    return out.trimmed();
}

QString symbolKey(QStringView symbol)
{
    return normalized(symbol).simplified().toCaseFolded();
}

// The locale's decimal or group separator as one character after the same normalisation as the input,
// or `fallback` when the locale uses something longer.
QChar localeChar(const QString &text, QChar fallback)
{
    const QString n = normalized(text);
    if (n.isEmpty() && !text.isEmpty() && text.at(0).isSpace())
        return QChar(u' ');
    return n.size() == 1 ? n.at(0) : fallback;
}

bool isApostrophe(QChar c)
{
    return c == u'\'' || c == QChar(RightSingleQuotationMark);
}

bool isMinus(QChar c)
{
    return c == u'-' || c == QChar(MinusSign);
}

bool isSign(QChar c)
{
    return isMinus(c) || c == u'+';
}

// Group separators that look different but mean the same: all spaces, both apostrophes.
QChar groupKey(QChar c)
{
    if (c.isSpace())
        return QChar(u' ');
    if (isApostrophe(c))
        return QChar(u'\'');
    return c;
}

char16_t zeroOf(QChar digit)
{
    return static_cast<char16_t>(digit.unicode() - digit.digitValue());
}

} // namespace

MoneyParser::MoneyParser(Currency currency, const QLocale &locale, MoneyParseOptions options)
    : m_currency(currency)
    , m_locale(locale)
    , m_options(options)
{
    m_decimal = localeChar(locale.decimalPoint(), QChar(u'.'));
    m_group = localeChar(locale.groupSeparator(), QChar(m_decimal == u',' ? u'.' : u','));
    if (m_group == m_decimal)
        m_group = QChar(m_decimal == u',' ? u'.' : u',');

    const QString zero = locale.zeroDigit();
    if (zero.size() == 1 && zero.at(0).isDigit() && zero.at(0).digitValue() == 0)
        m_localeZero = zero.at(0).unicode();

    // Indian grouping (12,34,567): groups of two in front of the last three.
    const NumberLayout layout(locale);
    m_indianGrouping = layout.secondaryGroupSize() == 2;

    const QStringList accepted = currency.acceptedSymbols(locale);
    for (const QString &symbol : accepted)
        m_acceptedSymbolKeys.append(symbolKey(symbol));
}

bool MoneyParser::isSeparator(QChar c) const
{
    return c.isSpace() || isApostrophe(c) || c == m_decimal || c == m_group || c == u'.' || c == u',';
}

bool MoneyParser::isForeign(QChar c) const
{
    return (c == u'.' || c == u',') && c != m_decimal && c != m_group;
}

bool MoneyParser::acceptsSymbol(const QString &symbol) const
{
    return m_acceptedSymbolKeys.contains(symbolKey(symbol));
}

bool MoneyParser::isOtherCurrencySymbol(const QString &symbol) const
{
    if (!Currency::fromSymbol(symbol).isEmpty())
        return true;
    const QString key = symbolKey(symbol);
    return key == symbolKey(m_locale.currencySymbol(QLocale::CurrencySymbol)) ||
           key == symbolKey(m_locale.currencySymbol(QLocale::CurrencyIsoCode));
}

bool MoneyParser::isKnownSymbolText(QStringView text) const
{
    QString symbol = text.trimmed().toString();
    if (!symbol.isEmpty() && isSign(symbol.front()))
        symbol = symbol.mid(1).trimmed();
    return !symbol.isEmpty() && (acceptsSymbol(symbol) || isOtherCurrencySymbol(symbol));
}

MoneyParseResult MoneyParser::parse(QStringView input) const
{
    const QString typed = input.trimmed().toString();
    if (!m_currency.isValid())
        return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, typed);

    QString text = normalized(input);
    if (text.isEmpty())
        return MoneyParseResult::failure(MoneyParseError::Empty, m_currency);

    // Accounting negative: the whole amount in parentheses.
    bool negative = false;
    int signs = 0;
    if (text.startsWith(u'(') || text.endsWith(u')')) {
        if (!text.startsWith(u'(') || !text.endsWith(u')') || text.size() < 2)
            return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, typed);
        text = text.mid(1, text.size() - 2).trimmed();
        negative = true;
        ++signs;
    }

    // The number runs from the first digit to the last, plus a decimal separator right before or after.
    qsizetype first = -1;
    qsizetype last = -1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isDigit()) {
            if (first < 0)
                first = i;
            last = i;
        }
    }
    if (first < 0)
        return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, typed);

    const auto isEdge = [this](QChar c) { return c == m_decimal || c == u'.' || c == u','; };
    qsizetype begin = first;
    qsizetype end = last + 1;
    if (begin > 0 && isEdge(text.at(begin - 1)) && !isKnownSymbolText(QStringView(text).first(begin)))
        --begin;
    if (end < text.size() && isEdge(text.at(end)) && !isKnownSymbolText(QStringView(text).sliced(end)))
        ++end;
    const QString span = text.mid(begin, end - begin);

    // Digits: one script, ASCII or the locale's own.
    char16_t zero = 0;
    for (const QChar c : span) {
        if (!c.isDigit())
            continue;
        const char16_t z = zeroOf(c);
        if ((z != u'0' && z != m_localeZero) || (zero != 0 && z != zero))
            return MoneyParseResult::failure(MoneyParseError::UnsupportedDigits, m_currency, span);
        zero = z;
    }
    for (const QChar c : span) {
        if (!c.isDigit() && !isSeparator(c))
            return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, QString(c));
    }

    // Signs: at the start or the end of what comes before the number, never after it.
    QString prefix = text.first(begin).trimmed();
    QString suffix = text.sliced(end).trimmed();
    if (!prefix.isEmpty() && isSign(prefix.front())) {
        negative = negative || isMinus(prefix.front());
        ++signs;
        prefix = prefix.mid(1).trimmed();
    }
    if (!prefix.isEmpty() && isSign(prefix.back())) {
        negative = negative || isMinus(prefix.back());
        ++signs;
        prefix.chop(1);
        prefix = prefix.trimmed();
    }
    if (signs > 1)
        return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, typed);
    if (std::any_of(prefix.cbegin(), prefix.cend(), isSign))
        return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, prefix);
    if (std::any_of(suffix.cbegin(), suffix.cend(), isSign))
        return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, suffix);

    // Symbol: at most one, before or after.
    if (!prefix.isEmpty() && !suffix.isEmpty())
        return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, suffix);
    const QString symbol = prefix.isEmpty() ? suffix : prefix;
    if (!symbol.isEmpty() && !acceptsSymbol(symbol)) {
        const MoneyParseError error =
            isOtherCurrencySymbol(symbol) ? MoneyParseError::WrongCurrencySymbol : MoneyParseError::Garbage;
        return MoneyParseResult::failure(error, m_currency, symbol);
    }

    return parseNumber(span, negative, typed);
}

MoneyParser::Reading MoneyParser::evaluate(const QStringList &runs, const QString &separators,
                                           qsizetype decimalIndex) const
{
    Reading reading;
    const qsizetype groupCount = decimalIndex >= 0 ? decimalIndex : separators.size();
    const QString fraction = decimalIndex >= 0 ? runs.at(decimalIndex + 1) : QString();

    for (qsizetype i = 0; i <= groupCount; ++i) {
        const bool leadingDecimal = i == 0 && groupCount == 0 && decimalIndex >= 0 && !fraction.isEmpty();
        if (runs.at(i).isEmpty() && !leadingDecimal)
            return reading; // Malformed
    }

    if (groupCount > 0) {
        const QChar key = groupKey(separators.at(0));
        for (qsizetype i = 1; i < groupCount; ++i) {
            if (groupKey(separators.at(i)) != key) {
                reading.verdict = Verdict::BadGroups;
                return reading;
            }
        }
        const qsizetype firstSize = runs.at(0).size();
        const bool leadingZero = runs.at(0).startsWith(u'0');
        const auto middleSizesAre = [&](qsizetype size) {
            for (qsizetype i = 1; i < groupCount; ++i) {
                if (runs.at(i).size() != size)
                    return false;
            }
            return true;
        };
        const bool lastIsThree = runs.at(groupCount).size() == 3;
        const bool western = firstSize >= 1 && firstSize <= 3 && middleSizesAre(3);
        const bool indian = m_indianGrouping && firstSize >= 1 && firstSize <= 2 && middleSizesAre(2);
        if (leadingZero || !lastIsThree || !(western || indian)) {
            reading.verdict = Verdict::BadGroups;
            return reading;
        }
    }

    if (fraction.size() > m_currency.exponent()) {
        reading.verdict = Verdict::TooManyDecimals;
        return reading;
    }

    reading.verdict = Verdict::Ok;
    reading.integerDigits = runs.mid(0, groupCount + 1).join(QString());
    reading.fractionDigits = fraction;
    return reading;
}

std::optional<qint64> MoneyParser::toMinorUnits(const Reading &reading, bool negative) const
{
    const QString digits =
        reading.integerDigits + reading.fractionDigits.leftJustified(m_currency.exponent(), QChar(u'0'));
    quint64 magnitude = 0;
    for (const QChar c : digits) {
        const auto digit = static_cast<quint64>(c.unicode() - u'0');
        if (__builtin_mul_overflow(magnitude, quint64(10), &magnitude) ||
            __builtin_add_overflow(magnitude, digit, &magnitude)) {
            return std::nullopt;
        }
    }
    if (!negative)
        return magnitude <= Int64Max ? std::optional<qint64>(static_cast<qint64>(magnitude)) : std::nullopt;
    if (magnitude > Int64Max + 1)
        return std::nullopt;
    if (magnitude == Int64Max + 1)
        return std::numeric_limits<qint64>::min();
    return -static_cast<qint64>(magnitude);
}

MoneyParseResult MoneyParser::parseNumber(const QString &span, bool negative, const QString &typed) const
{
    // Split into digit runs (as ASCII) and the separators between them.
    QStringList runs{QString()};
    QString separators;
    for (const QChar c : span) {
        if (c.isDigit()) {
            runs.last().append(QChar(static_cast<char16_t>(u'0' + c.digitValue())));
        } else {
            separators.append(c);
            runs.append(QString());
        }
    }
    const qsizetype k = separators.size();
    for (qsizetype i = 1; i < k; ++i) {
        if (runs.at(i).isEmpty()) // two separators in a row
            return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, typed);
    }

    const qsizetype decimals = std::count(separators.cbegin(), separators.cend(), m_decimal);
    const qsizetype foreign =
        std::count_if(separators.cbegin(), separators.cend(), [this](QChar c) { return isForeign(c); });
    const QChar lastSeparator = k > 0 ? separators.back() : QChar();

    // The reading under the locale's own rules, if there is one: -1 = no decimal separator, k - 1 = the
    // last separator is the decimal separator.
    std::optional<qsizetype> standard;
    bool foreignLooksLikeGroup = false;
    if (k == 0) {
        standard = -1;
    } else if (decimals > 0) {
        if (decimals == 1 && lastSeparator == m_decimal)
            standard = k - 1;
    } else if (foreign > 0) {
        if (foreign == 1 && isForeign(lastSeparator)) {
            const QString &before = runs.at(0);
            foreignLooksLikeGroup = k == 1 && runs.at(1).size() == 3 && before.size() >= 1 &&
                                    before.size() <= 3 && !before.startsWith(u'0');
            if (!foreignLooksLikeGroup)
                standard = k - 1;
        } else {
            standard = -1;
        }
    } else {
        standard = -1;
    }

    if (standard) {
        const Reading reading = evaluate(runs, separators, *standard);
        if (reading.verdict == Verdict::TooManyDecimals)
            return MoneyParseResult::failure(MoneyParseError::TooManyDecimals, m_currency, typed);
        if (reading.verdict == Verdict::Ok) {
            if (negative && !m_options.testFlag(MoneyParseOption::AllowNegative))
                return MoneyParseResult::failure(MoneyParseError::Negative, m_currency, typed);
            const std::optional<qint64> minor = toMinorUnits(reading, negative);
            if (!minor)
                return MoneyParseResult::failure(MoneyParseError::Overflow, m_currency, typed);
            const bool aboveMaximum =
                *minor > Money::StripeMaximumAmount || *minor < -Money::StripeMaximumAmount;
            if (aboveMaximum && !m_options.testFlag(MoneyParseOption::AllowAboveStripeMaximum)) {
                return MoneyParseResult::failure(
                    MoneyParseError::AboveMaximum, m_currency, typed,
                    Money(Money::StripeMaximumAmount, m_currency).formatPlain(m_locale));
            }
            return MoneyParseResult::success(*minor, m_currency);
        }
    }

    // Not readable under the locale's rules: is it readable under the other convention?
    QList<qsizetype> alternatives;
    const bool lastCouldBeDecimal =
        lastSeparator == m_decimal || lastSeparator == u'.' || lastSeparator == u',';
    if (foreignLooksLikeGroup) {
        alternatives = {-1, k - 1};
    } else {
        if (k > 0 && lastCouldBeDecimal)
            alternatives.append(k - 1);
        alternatives.append(-1);
    }
    for (const qsizetype alternative : std::as_const(alternatives)) {
        if (standard && *standard == alternative)
            continue;
        const Reading reading = evaluate(runs, separators, alternative);
        if (reading.verdict != Verdict::Ok)
            continue;
        const std::optional<qint64> minor = toMinorUnits(reading, negative);
        if (!minor)
            continue;
        return MoneyParseResult::failure(MoneyParseError::Ambiguous, m_currency, typed,
                                         Money(*minor, m_currency).formatPlain(m_locale));
    }

    if (decimals > 1)
        return MoneyParseResult::failure(MoneyParseError::Garbage, m_currency, typed);
    return MoneyParseResult::failure(MoneyParseError::MisplacedGroupSeparator, m_currency, typed);
}

} // namespace kassa
