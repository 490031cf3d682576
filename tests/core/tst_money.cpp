// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/money.h"

#include "coretestsupport.h"

#include <QLocale>
#include <QSet>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace kassa;

namespace {

constexpr qint64 Max = std::numeric_limits<qint64>::max();
constexpr qint64 Min = std::numeric_limits<qint64>::min();

constexpr MoneyParseOptions Strict = MoneyParseOption::None;
constexpr MoneyParseOptions Negative = MoneyParseOption::AllowNegative;
constexpr MoneyParseOptions Above = MoneyParseOption::AllowAboveStripeMaximum;
constexpr MoneyParseOptions Any =
    MoneyParseOptions(MoneyParseOption::AllowNegative) | MoneyParseOption::AllowAboveStripeMaximum;

using E = MoneyParseError;

} // namespace

class tst_Money : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void parseMessages_data();
    void parseMessages();
    void parseInvalidCurrency();

    void format_data();
    void format();
    void formatMatchesQLocale_data();
    void formatMatchesQLocale();
    void formatPlain_data();
    void formatPlain();
    void toDecimalString_data();
    void toDecimalString();
    void fromDecimalString_data();
    void fromDecimalString();
    void roundTrip_data();
    void roundTrip();

    void arithmetic_data();
    void arithmetic();
    void sum_data();
    void sum();
    void comparison();
    void hashAndDebug();

private:
    static void addParseRow(const QString &locale, const char *currency, const QString &text,
                            MoneyParseError error, qint64 minor = 0, MoneyParseOptions options = Strict,
                            const QString &suggestion = {});
};

void tst_Money::addParseRow(const QString &locale, const char *currency, const QString &text,
                            MoneyParseError error, qint64 minor, MoneyParseOptions options,
                            const QString &suggestion)
{
    // Row names show invisible and non-ASCII characters as \uXXXX.
    QString name;
    for (const QChar c : text)
        name += (c.unicode() >= 0x20 && c.unicode() < 0x7f)
                    ? QString(c)
                    : u"\\u%1"_s.arg(int(c.unicode()), 4, 16, QChar(u'0'));
    QTest::addRow("%s %s [%s] options=%d", qPrintable(locale), currency, qPrintable(name), options.toInt())
        << locale << QString::fromLatin1(currency) << text << options << error << minor << suggestion;
}

void tst_Money::parse_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<QString>("text");
    QTest::addColumn<MoneyParseOptions>("options");
    QTest::addColumn<MoneyParseError>("error");
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("suggestion");

    const QString us = u"en_US"_s;
    const QString de = u"de_DE"_s;
    const QString fr = u"fr_FR"_s;
    const QString ch = u"de_CH"_s;
    const QString ja = u"ja_JP"_s;
    const QString in = u"en_IN"_s;

    // en_US, usd: accepted forms.
    addParseRow(us, "usd", u"12.50"_s, E::None, 1250);
    addParseRow(us, "usd", u"12"_s, E::None, 1200);
    addParseRow(us, "usd", u"0"_s, E::None, 0);
    addParseRow(us, "usd", u"0.5"_s, E::None, 50);
    addParseRow(us, "usd", u"0.01"_s, E::None, 1);
    addParseRow(us, "usd", u"007"_s, E::None, 700);
    addParseRow(us, "usd", u"$12.50"_s, E::None, 1250);
    addParseRow(us, "usd", u"$ 12.50"_s, E::None, 1250);
    addParseRow(us, "usd", u"12.50 $"_s, E::None, 1250);
    addParseRow(us, "usd", u"USD 12.50"_s, E::None, 1250);
    addParseRow(us, "usd", u"usd12.50"_s, E::None, 1250);
    addParseRow(us, "usd", u"12.50 USD"_s, E::None, 1250);
    addParseRow(us, "usd", u"US$12.50"_s, E::None, 1250);
    addParseRow(us, "usd", u"1,234.56"_s, E::None, 123456);
    addParseRow(us, "usd", u"1,234"_s, E::None, 123400);
    addParseRow(us, "usd", u"12,345"_s, E::None, 1234500);
    addParseRow(us, "usd", u"1 234.56"_s, E::None, 123456);
    addParseRow(us, "usd", u"1\u00a0234.56"_s, E::None, 123456);
    addParseRow(us, "usd", u"  12.50  "_s, E::None, 1250);
    addParseRow(us, "usd", u"\t12.50\n"_s, E::None, 1250);
    addParseRow(us, "usd", u"\u200e12.50\u200f"_s, E::None, 1250);
    addParseRow(us, "usd", u"+12"_s, E::None, 1200);
    addParseRow(us, "usd", u"+ $12"_s, E::None, 1200);
    addParseRow(us, "usd", u"12."_s, E::None, 1200);
    addParseRow(us, "usd", u".50"_s, E::None, 50);
    addParseRow(us, "usd", u"$.50"_s, E::None, 50);
    addParseRow(us, "usd", u"\uff11\uff12"_s, E::None, 1200);                   // full-width "１２"
    addParseRow(us, "usd", u"\uff11\uff12\uff0e\uff15\uff10"_s, E::None, 1250); // "１２．５０"
    addParseRow(us, "usd", u"\uff04\uff11\uff12"_s, E::None, 1200);             // "＄１２"
    addParseRow(us, "usd", u"999,999.99"_s, E::None, Money::StripeMaximumAmount);
    addParseRow(us, "usd", u"1,234,567.89"_s, E::None, 123456789, Above);
    addParseRow(us, "usd", u"1,000,000.00"_s, E::None, 100000000, Above);

    // en_US, usd: signs.
    addParseRow(us, "usd", u"-5.00"_s, E::Negative, 0, Strict);
    addParseRow(us, "usd", u"-5.00"_s, E::None, -500, Negative);
    addParseRow(us, "usd", u"\u22125.00"_s, E::None, -500, Negative); // U+2212 MINUS SIGN
    addParseRow(us, "usd", u"-$5.00"_s, E::None, -500, Negative);
    addParseRow(us, "usd", u"$-5.00"_s, E::None, -500, Negative);
    addParseRow(us, "usd", u"- 5"_s, E::None, -500, Negative);
    addParseRow(us, "usd", u"($5.00)"_s, E::None, -500, Negative);
    addParseRow(us, "usd", u"($5.00)"_s, E::Negative, 0, Strict);
    addParseRow(us, "usd", u"-0"_s, E::Negative, 0, Strict);
    addParseRow(us, "usd", u"-0"_s, E::None, 0, Negative);
    addParseRow(us, "usd", u"-.5"_s, E::None, -50, Negative);
    addParseRow(us, "usd", u"-($5.00)"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"(5.00"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"5.00)"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"--5"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"+-5"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"-$-5"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"12-"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"12-3"_s, E::Garbage, 0, Negative);
    addParseRow(us, "usd", u"$12 -"_s, E::Garbage, 0, Negative);

    // en_US, usd: not amounts.
    addParseRow(us, "usd", QString(), E::Empty);
    addParseRow(us, "usd", u"  "_s, E::Empty);
    addParseRow(us, "usd", u"\u00a0\u202f"_s, E::Empty);
    addParseRow(us, "usd", u"\u200e"_s, E::Empty);
    addParseRow(us, "usd", u"-"_s, E::Garbage);
    addParseRow(us, "usd", u"."_s, E::Garbage);
    addParseRow(us, "usd", u","_s, E::Garbage);
    addParseRow(us, "usd", u"$"_s, E::Garbage);
    addParseRow(us, "usd", u"abc"_s, E::Garbage);
    addParseRow(us, "usd", u"12abc"_s, E::Garbage);
    addParseRow(us, "usd", u"12 dollars"_s, E::Garbage);
    addParseRow(us, "usd", u"1e3"_s, E::Garbage);
    addParseRow(us, "usd", u"0x10"_s, E::Garbage);
    addParseRow(us, "usd", u"1.2.3"_s, E::Garbage);
    addParseRow(us, "usd", u"1..2"_s, E::Garbage);
    addParseRow(us, "usd", u"12.."_s, E::Garbage);
    addParseRow(us, "usd", u"1,,234"_s, E::Garbage);
    addParseRow(us, "usd", u"$12$"_s, E::Garbage);
    addParseRow(us, "usd", u"$$12"_s, E::Garbage);
    addParseRow(us, "usd", u"$ USD 12"_s, E::Garbage);
    addParseRow(us, "usd", u"USD 12 $"_s, E::Garbage);
    addParseRow(us, "usd", u"12.50 USD USD"_s, E::Garbage);
    addParseRow(us, "usd", u"1/2"_s, E::Garbage);
    addParseRow(us, "usd", u"\u00bd"_s, E::Garbage); // ½
    addParseRow(us, "usd", u"NaN"_s, E::Garbage);
    addParseRow(us, "usd", u"inf"_s, E::Garbage);

    // en_US, usd: other scripts' digits.
    addParseRow(us, "usd", u"\u0661\u0662\u066b\u0665\u0660"_s, E::UnsupportedDigits); // "١٢٫٥٠"
    addParseRow(us, "usd", u"1\u0662"_s, E::UnsupportedDigits);
    addParseRow(us, "usd", u"\u0967\u0968"_s, E::UnsupportedDigits); // Devanagari "१२"

    // en_US, usd: decimals and separators.
    addParseRow(us, "usd", u"12.345"_s, E::TooManyDecimals);
    addParseRow(us, "usd", u"1.234"_s, E::TooManyDecimals);
    addParseRow(us, "usd", u"12.500"_s, E::TooManyDecimals);
    addParseRow(us, "usd", u"12,50"_s, E::Ambiguous, 0, Strict, u"12.50"_s);
    addParseRow(us, "usd", u"12,5"_s, E::Ambiguous, 0, Strict, u"12.50"_s);
    addParseRow(us, "usd", u"1,23"_s, E::Ambiguous, 0, Strict, u"1.23"_s);
    addParseRow(us, "usd", u",50"_s, E::Ambiguous, 0, Strict, u"0.50"_s);
    addParseRow(us, "usd", u"0,50"_s, E::Ambiguous, 0, Strict, u"0.50"_s);
    addParseRow(us, "usd", u"1 234,56"_s, E::Ambiguous, 0, Strict, u"1,234.56"_s);
    addParseRow(us, "usd", u"1.234.567"_s, E::Ambiguous, 0, Strict, u"1,234,567.00"_s);
    addParseRow(us, "usd", u"-12,50"_s, E::Ambiguous, 0, Negative, u"-12.50"_s);
    addParseRow(us, "usd", u"12,34,5"_s, E::MisplacedGroupSeparator);
    addParseRow(us, "usd", u"1,2345"_s, E::MisplacedGroupSeparator);
    addParseRow(us, "usd", u"0,500"_s, E::MisplacedGroupSeparator);
    addParseRow(us, "usd", u"12 50"_s, E::MisplacedGroupSeparator);
    addParseRow(us, "usd", u"1,234 567"_s, E::MisplacedGroupSeparator);
    addParseRow(us, "usd", u"12,34,567.89"_s, E::MisplacedGroupSeparator); // Indian grouping is not en_US's
    addParseRow(us, "usd", u"1234,567.89"_s, E::MisplacedGroupSeparator);

    // en_US, usd: wrong currency.
    addParseRow(us, "usd", u"€12"_s, E::WrongCurrencySymbol);
    addParseRow(us, "usd", u"12 €"_s, E::WrongCurrencySymbol);
    addParseRow(us, "usd", u"EUR 12"_s, E::WrongCurrencySymbol);
    addParseRow(us, "usd", u"¥12"_s, E::WrongCurrencySymbol);
    addParseRow(us, "usd", u"CA$12"_s, E::WrongCurrencySymbol);
    addParseRow(us, "usd", u"12 kr"_s, E::WrongCurrencySymbol);

    // en_US, usd: limits.
    addParseRow(us, "usd", u"1,000,000.00"_s, E::AboveMaximum, 0, Strict, u"999,999.99"_s);
    addParseRow(us, "usd", u"-1,000,000.00"_s, E::AboveMaximum, 0, Negative, u"999,999.99"_s);
    addParseRow(us, "usd", u"9223372036854775807"_s, E::Overflow, 0, Any);
    addParseRow(us, "usd", u"92233720368547758.07"_s, E::AboveMaximum, 0, Strict, u"999,999.99"_s);
    addParseRow(us, "usd", u"92233720368547758.07"_s, E::None, Max, Above);
    addParseRow(us, "usd", u"92233720368547758.08"_s, E::Overflow, 0, Above);
    addParseRow(us, "usd", u"-92233720368547758.08"_s, E::None, Min, Any);
    addParseRow(us, "usd", u"-92233720368547758.09"_s, E::Overflow, 0, Any);
    addParseRow(us, "usd", u"-92233720368547758.08"_s, E::Negative, 0, Above);
    addParseRow(us, "usd", u"99999999999999999999999999"_s, E::Overflow, 0, Any);
    addParseRow(us, "usd", u"0000000000000000000000012.50"_s, E::None, 1250);

    // en_US, other currencies.
    addParseRow(us, "eur", u"12.50 €"_s, E::None, 1250);
    addParseRow(us, "eur", u"€12.50"_s, E::None, 1250);
    addParseRow(us, "eur", u"$12.50"_s, E::WrongCurrencySymbol);
    addParseRow(us, "cad", u"$12.50"_s, E::None, 1250);
    addParseRow(us, "cad", u"CA$12.50"_s, E::None, 1250);
    addParseRow(us, "cad", u"US$12.50"_s, E::WrongCurrencySymbol);
    addParseRow(us, "jpy", u"1200"_s, E::None, 1200);
    addParseRow(us, "jpy", u"¥1200"_s, E::None, 1200);
    addParseRow(us, "jpy", u"¥1,200"_s, E::None, 1200);
    addParseRow(us, "jpy", u"JPY 1200"_s, E::None, 1200);
    addParseRow(us, "jpy", u"1200円"_s, E::None, 1200);
    addParseRow(us, "jpy", u"1200."_s, E::None, 1200);
    addParseRow(us, "jpy", u"1.5"_s, E::TooManyDecimals);
    addParseRow(us, "jpy", u"1.0"_s, E::TooManyDecimals);
    addParseRow(us, "jpy", u"1.200"_s, E::TooManyDecimals);
    addParseRow(us, "jpy", u"1,5"_s, E::MisplacedGroupSeparator);
    addParseRow(us, "jpy", u"99,999,999"_s, E::None, 99999999);
    addParseRow(us, "jpy", u"100,000,000"_s, E::AboveMaximum, 0, Strict, u"99,999,999"_s);
    addParseRow(us, "jpy", u"9223372036854775807"_s, E::None, Max, Above);
    addParseRow(us, "jpy", u"-9223372036854775808"_s, E::None, Min, Any);
    addParseRow(us, "jpy", u"9223372036854775808"_s, E::Overflow, 0, Above);
    addParseRow(us, "jpy", u"$1200"_s, E::WrongCurrencySymbol);
    addParseRow(us, "kwd", u"1.234"_s, E::None, 1234);
    addParseRow(us, "kwd", u"KWD 1.5"_s, E::None, 1500);
    addParseRow(us, "kwd", u"1,234.567"_s, E::None, 1234567);
    addParseRow(us, "kwd", u"1.2345"_s, E::TooManyDecimals);
    addParseRow(us, "kwd", u"1,234"_s, E::None, 1234000); // ',' is en_US's group separator
    addParseRow(us, "bhd", u"0.125"_s, E::None, 125);
    addParseRow(us, "bhd", u"12"_s, E::None, 12000);
    addParseRow(us, "bhd", u"0.0001"_s, E::TooManyDecimals);
    addParseRow(us, "krw", u"₩1,000"_s, E::None, 1000);
    addParseRow(us, "krw", u"1000원"_s, E::None, 1000);
    addParseRow(us, "krw", u"1000.5"_s, E::TooManyDecimals);

    // de_DE.
    addParseRow(de, "eur", u"12,50"_s, E::None, 1250);
    addParseRow(de, "eur", u"12,5"_s, E::None, 1250);
    addParseRow(de, "eur", u"12,50 €"_s, E::None, 1250);
    addParseRow(de, "eur", u"12,50\u00a0€"_s, E::None, 1250);
    addParseRow(de, "eur", u"€12,50"_s, E::None, 1250);
    addParseRow(de, "eur", u"EUR 12,50"_s, E::None, 1250);
    addParseRow(de, "eur", u"12,50 EUR"_s, E::None, 1250);
    addParseRow(de, "eur", u"1.234,56"_s, E::None, 123456);
    addParseRow(de, "eur", u"1.234"_s, E::None, 123400);
    addParseRow(de, "eur", u"1 234,56"_s, E::None, 123456);
    addParseRow(de, "eur", u"12,"_s, E::None, 1200);
    addParseRow(de, "eur", u",50"_s, E::None, 50);
    addParseRow(de, "eur", u"-12,50 €"_s, E::None, -1250, Negative);
    addParseRow(de, "eur", u"12.50"_s, E::Ambiguous, 0, Strict, u"12,50"_s);
    addParseRow(de, "eur", u"1,234.56"_s, E::Ambiguous, 0, Strict, u"1.234,56"_s);
    addParseRow(de, "eur", u".50"_s, E::Ambiguous, 0, Strict, u"0,50"_s);
    addParseRow(de, "eur", u"12,345"_s, E::TooManyDecimals);
    addParseRow(de, "eur", u"1.2.3"_s, E::MisplacedGroupSeparator);
    addParseRow(de, "eur", u"12.34.5"_s, E::MisplacedGroupSeparator);
    addParseRow(de, "eur", u"1,2,3"_s, E::Garbage);
    addParseRow(de, "eur", u"$12,50"_s, E::WrongCurrencySymbol);
    addParseRow(de, "usd", u"12,50 $"_s, E::None, 1250);
    addParseRow(de, "usd", u"12,50 US$"_s, E::None, 1250);
    addParseRow(de, "jpy", u"1.200 ¥"_s, E::None, 1200);
    addParseRow(de, "jpy", u"1,5"_s, E::TooManyDecimals);

    // fr_FR: space, no-break space and narrow no-break space group digits.
    addParseRow(fr, "eur", u"1 234,56"_s, E::None, 123456);
    addParseRow(fr, "eur", u"1\u00a0234,56"_s, E::None, 123456);
    addParseRow(fr, "eur", u"1\u202f234,56"_s, E::None, 123456);
    addParseRow(fr, "eur", u"1\u202f234,56\u00a0€"_s, E::None, 123456);
    addParseRow(fr, "eur", u"12,50"_s, E::None, 1250);
    addParseRow(fr, "eur", u"12.50"_s, E::None, 1250);      // '.' means nothing in fr_FR: a decimal point
    addParseRow(fr, "eur", u"1 234.56"_s, E::None, 123456); // ... also after groups
    addParseRow(fr, "eur", u"1.234,56"_s, E::None, 123456); // ... and a group separator before ','
    addParseRow(fr, "eur", u"1.234.567"_s, E::None, 123456700, Above);
    addParseRow(fr, "eur", u"1.234"_s, E::Ambiguous, 0, Strict, u"1\u202f234,00"_s);
    addParseRow(fr, "eur", u"12.345"_s, E::Ambiguous, 0, Strict, u"12\u202f345,00"_s);
    addParseRow(fr, "eur", u"1,234.56"_s, E::Ambiguous, 0, Strict, u"1\u202f234,56"_s);
    addParseRow(fr, "eur", u"1.2345"_s, E::TooManyDecimals);
    addParseRow(fr, "eur", u"12 34"_s, E::MisplacedGroupSeparator);
    addParseRow(fr, "eur", u"1 234 56"_s, E::MisplacedGroupSeparator);
    addParseRow(fr, "eur", u"(1\u202f234,56\u00a0€)"_s, E::None, -123456, Negative);

    // de_CH: apostrophe groups, '.' decimal point.
    addParseRow(ch, "chf", u"1\u2019234.50"_s, E::None, 123450);
    addParseRow(ch, "chf", u"1'234.50"_s, E::None, 123450);
    addParseRow(ch, "chf", u"CHF 1'234.50"_s, E::None, 123450);
    addParseRow(ch, "chf", u"1\u2019234.50\u00a0CHF"_s, E::None, 123450);
    addParseRow(ch, "chf", u"Fr. 12.50"_s, E::None, 1250);
    addParseRow(ch, "chf", u"Fr.12.50"_s, E::None, 1250);
    addParseRow(ch, "chf", u"12,50"_s, E::None, 1250);
    addParseRow(ch, "chf", u"1,234.50"_s, E::None, 123450);
    addParseRow(ch, "chf", u"1 234.50"_s, E::None, 123450);
    addParseRow(ch, "chf", u"1,234"_s, E::Ambiguous, 0, Strict, u"1\u2019234.00"_s);
    addParseRow(ch, "chf", u"1'23.50"_s, E::MisplacedGroupSeparator);
    addParseRow(ch, "chf", u"€12"_s, E::WrongCurrencySymbol);
    addParseRow(ch, "eur", u"12.50 €"_s, E::None, 1250);

    // ja_JP.
    addParseRow(ja, "jpy", u"\uffe51,200"_s, E::None, 1200); // "￥1,200"
    addParseRow(ja, "jpy", u"¥1200"_s, E::None, 1200);
    addParseRow(ja, "jpy", u"\uff11\uff12\uff10\uff10"_s, E::None, 1200);             // "１２００"
    addParseRow(ja, "jpy", u"\uff11\uff0c\uff12\uff10\uff10\u5186"_s, E::None, 1200); // "１，２００円"
    addParseRow(ja, "jpy", u"(\uffe51,200)"_s, E::None, -1200, Negative);
    addParseRow(ja, "jpy", u"1.0"_s, E::TooManyDecimals);
    addParseRow(ja, "jpy", u"1,2"_s, E::MisplacedGroupSeparator);
    addParseRow(ja, "usd", u"$12.50"_s, E::None, 1250);
    addParseRow(ja, "usd", u"\uffe512"_s, E::WrongCurrencySymbol);
    addParseRow(ja, "krw", u"₩1,000"_s, E::None, 1000);

    // en_IN: lakh grouping as well as Western.
    addParseRow(in, "inr", u"₹1,23,456.78"_s, E::None, 12345678);
    addParseRow(in, "inr", u"1,23,456.78"_s, E::None, 12345678);
    addParseRow(in, "inr", u"12,34,567.80"_s, E::None, 123456780, Above);
    addParseRow(in, "inr", u"1,234,567"_s, E::None, 123456700, Above);
    addParseRow(in, "inr", u"Rs. 12"_s, E::None, 1200);
    addParseRow(in, "inr", u"INR 12"_s, E::None, 1200);
    addParseRow(in, "inr", u"12,34,5"_s, E::MisplacedGroupSeparator);
    addParseRow(in, "inr", u"1,2,345"_s, E::MisplacedGroupSeparator);
    addParseRow(in, "inr", u"$12"_s, E::WrongCurrencySymbol);
    addParseRow(in, "usd", u"$1,23,456.78"_s, E::None, 12345678);

    // Locales with their own digits, and the C locale.
    addParseRow(u"ar_EG"_s, "usd", u"\u0661\u0662\u066b\u0665\u0660"_s, E::None, 1250);   // "١٢٫٥٠"
    addParseRow(u"ar_EG"_s, "usd", u"\u0661\u066c\u0662\u0663\u0664"_s, E::None, 123400); // "١٬٢٣٤"
    addParseRow(u"ar_EG"_s, "usd", u"12.50"_s, E::None, 1250);
    addParseRow(u"ar_EG"_s, "usd", u"\u06612"_s, E::UnsupportedDigits); // mixed scripts
    addParseRow(u"es_ES"_s, "eur", u"1234,56"_s, E::None, 123456);
    addParseRow(u"es_ES"_s, "eur", u"1.234,56"_s, E::None, 123456);
    addParseRow(u"es_ES"_s, "eur", u"1234.567"_s, E::MisplacedGroupSeparator);
    addParseRow(u"C"_s, "usd", u"1234.50"_s, E::None, 123450);
    addParseRow(u"C"_s, "usd", u"1,234.50"_s, E::None, 123450);
    addParseRow(u"sv_SE"_s, "sek", u"\u22121\u00a0234,50\u00a0kr"_s, E::None, -123450, Negative);
}

void tst_Money::parse()
{
    QFETCH(QString, locale);
    QFETCH(QString, currency);
    QFETCH(QString, text);
    QFETCH(MoneyParseOptions, options);
    QFETCH(MoneyParseError, error);
    QFETCH(qint64, minor);
    QFETCH(QString, suggestion);

    const std::optional<Currency> c = Currency::fromCode(currency);
    QVERIFY(c.has_value());
    const MoneyParseResult result = Money::parse(text, *c, QLocale(locale), options);
    QCOMPARE(result.error(), error);
    QCOMPARE(result.isValid(), error == E::None);
    QCOMPARE(bool(result), error == E::None);
    QCOMPARE(result.currency(), *c);
    QCOMPARE(result.suggestion(), suggestion);
    if (error == E::None) {
        QCOMPARE(result.money(), Money(minor, *c));
        QVERIFY(result.value() == Money(minor, *c));
        QVERIFY(result.message().isEmpty());
    } else {
        QVERIFY(!result.value().has_value());
        QCOMPARE(result.money(), Money(0, *c));
        QVERIFY(!result.message().isEmpty());
    }
}

void tst_Money::parseMessages_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<MoneyParseError>("error");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("messageContains");

    QTest::newRow("empty") << u" "_s << E::Empty << QString() << u"Enter an amount"_s;
    QTest::newRow("garbage letter") << u"1e3"_s << E::Garbage << u"e"_s << u"“e”"_s;
    QTest::newRow("garbage suffix") << u"12abc"_s << E::Garbage << u"abc"_s << u"“abc”"_s;
    QTest::newRow("digits") << u"\u0661\u0662"_s << E::UnsupportedDigits << u"\u0661\u0662"_s << u"0 to 9"_s;
    QTest::newRow("decimals") << u"1.234"_s << E::TooManyDecimals << u"1.234"_s << u"USD has at most 2"_s;
    QTest::newRow("ambiguous") << u"12,50"_s << E::Ambiguous << u"12,50"_s << u"Did you mean 12.50?"_s;
    QTest::newRow("groups") << u"12,34,5"_s << E::MisplacedGroupSeparator << u"12,34,5"_s << u"“12,34,5”"_s;
    QTest::newRow("currency") << u"€12"_s << E::WrongCurrencySymbol << u"€"_s << u"(USD)"_s;
    QTest::newRow("negative") << u"-1"_s << E::Negative << u"-1"_s << u"negative"_s;
    QTest::newRow("overflow") << u"99999999999999999999"_s << E::Overflow << u"99999999999999999999"_s
                              << u"too large"_s;
    QTest::newRow("maximum") << u"1000000"_s << E::AboveMaximum << u"1000000"_s << u"999,999.99"_s;
}

void tst_Money::parseMessages()
{
    QFETCH(QString, text);
    QFETCH(MoneyParseError, error);
    QFETCH(QString, token);
    QFETCH(QString, messageContains);

    const MoneyParseResult result = Money::parse(text, test::currency("usd"), QLocale(u"en_US"_s));
    QCOMPARE(result.error(), error);
    QCOMPARE(result.token(), token);
    QVERIFY2(result.message().contains(messageContains), qPrintable(result.message()));
    QCOMPARE(MoneyParseResult::errorName(error).isEmpty(), false);
    QVERIFY(MoneyParseResult::errorName(error) != MoneyParseResult::errorName(E::None));
}

void tst_Money::parseInvalidCurrency()
{
    const MoneyParseResult result = Money::parse(u"12"_s, Currency(), QLocale(u"en_US"_s));
    QCOMPARE(result.error(), E::Garbage);
    QVERIFY(!result.value().has_value());
    QCOMPARE(MoneyParseResult().isValid(), false);
    QCOMPARE(MoneyParseResult().error(), E::Empty);
}

void tst_Money::format_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<Money>("money");
    QTest::addColumn<QString>("expected");

    QTest::newRow("de_DE eur") << u"de_DE"_s << test::money(123456, "eur") << u"1.234,56\u00a0€"_s;
    QTest::newRow("de_DE eur negative") << u"de_DE"_s << test::money(-123456, "eur") << u"-1.234,56\u00a0€"_s;
    QTest::newRow("de_DE eur million")
        << u"de_DE"_s << test::money(123456789, "eur") << u"1.234.567,89\u00a0€"_s;
    QTest::newRow("de_DE usd") << u"de_DE"_s << test::money(1250, "usd") << u"12,50\u00a0$"_s;
    QTest::newRow("de_DE jpy") << u"de_DE"_s << test::money(1200, "jpy") << u"1.200\u00a0¥"_s;
    QTest::newRow("en_US usd") << u"en_US"_s << test::money(123456, "usd") << u"$1,234.56"_s;
    QTest::newRow("en_US usd negative") << u"en_US"_s << test::money(-123456, "usd") << u"($1,234.56)"_s;
    QTest::newRow("en_US usd cents") << u"en_US"_s << test::money(5, "usd") << u"$0.05"_s;
    QTest::newRow("en_US usd zero") << u"en_US"_s << test::money(0, "usd") << u"$0.00"_s;
    QTest::newRow("en_US eur") << u"en_US"_s << test::money(1250, "eur") << u"€12.50"_s;
    QTest::newRow("en_US cad") << u"en_US"_s << test::money(1250, "cad") << u"CA$12.50"_s;
    QTest::newRow("en_US jpy") << u"en_US"_s << test::money(1200, "jpy") << u"¥1,200"_s;
    QTest::newRow("en_US kwd") << u"en_US"_s << test::money(1234, "kwd") << u"KWD1.234"_s;
    QTest::newRow("en_US bhd fils") << u"en_US"_s << test::money(5, "bhd") << u"BHD0.005"_s;
    QTest::newRow("en_US usd max") << u"en_US"_s << test::money(Max, "usd")
                                   << u"$92,233,720,368,547,758.07"_s;
    QTest::newRow("en_US usd min") << u"en_US"_s << test::money(Min, "usd")
                                   << u"($92,233,720,368,547,758.08)"_s;
    QTest::newRow("en_US jpy min") << u"en_US"_s << test::money(Min, "jpy")
                                   << u"(¥9,223,372,036,854,775,808)"_s;
    QTest::newRow("fr_FR eur") << u"fr_FR"_s << test::money(123456, "eur") << u"1\u202f234,56\u00a0€"_s;
    QTest::newRow("fr_FR eur negative")
        << u"fr_FR"_s << test::money(-123456, "eur") << u"(1\u202f234,56\u00a0€)"_s;
    QTest::newRow("ja_JP jpy") << u"ja_JP"_s << test::money(1200, "jpy") << u"\uffe51,200"_s;
    QTest::newRow("ja_JP jpy negative") << u"ja_JP"_s << test::money(-1200, "jpy") << u"(\uffe51,200)"_s;
    QTest::newRow("ja_JP usd") << u"ja_JP"_s << test::money(1250, "usd") << u"$12.50"_s;
    QTest::newRow("de_CH chf") << u"de_CH"_s << test::money(123450, "chf") << u"1\u2019234.50\u00a0CHF"_s;
    QTest::newRow("en_IN inr") << u"en_IN"_s << test::money(12345678, "inr") << u"₹1,23,456.78"_s;
    QTest::newRow("sv_SE sek negative")
        << u"sv_SE"_s << test::money(-123456, "sek") << u"\u22121\u00a0234,56\u00a0kr"_s;
    QTest::newRow("ar_EG egp")
        << u"ar_EG"_s << test::money(123450, "egp")
        << u"\u0661\u066c\u0662\u0663\u0664\u066b\u0665\u0660\u00a0\u062c.\u0645.\u200f"_s;
    // Minimum grouping digits 2 (CLDR): no separator in a four-digit integer, normal groups above. Qt 6.4's
    // own QLocale::toString() writes "1234.567" here; Money follows CLDR.
    QTest::newRow("es_ES eur four digits") << u"es_ES"_s << test::money(123456, "eur") << u"1234,56\u00a0€"_s;
    QTest::newRow("es_ES eur five digits")
        << u"es_ES"_s << test::money(1234567, "eur") << u"12.345,67\u00a0€"_s;
    QTest::newRow("es_ES eur seven digits")
        << u"es_ES"_s << test::money(123456789, "eur") << u"1.234.567,89\u00a0€"_s;
    QTest::newRow("pl_PL pln seven digits")
        << u"pl_PL"_s << test::money(123456789, "pln") << u"1\u00a0234\u00a0567,89\u00a0zł"_s;
    QTest::newRow("C usd") << u"C"_s << test::money(123456, "usd") << u"1234.56$"_s;
    QTest::newRow("invalid currency") << u"en_US"_s << Money(1250, Currency()) << u"12.50"_s;
}

void tst_Money::format()
{
    QFETCH(QString, locale);
    QFETCH(Money, money);
    QFETCH(QString, expected);

    QCOMPARE(money.format(QLocale(locale)), expected);
}

void tst_Money::formatMatchesQLocale_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<Money>("money");

    const QStringList locales{u"de_DE"_s, u"en_US"_s, u"fr_FR"_s, u"ja_JP"_s, u"de_CH"_s, u"en_IN"_s};
    const QList<qint64> amounts{0, 25, 50, 75, 100, 1025, 123450, 123475, 99999900, 1234567850, -25, -123450};
    for (const QString &name : locales) {
        const QLocale locale(name);
        QStringList codes{u"usd"_s, u"eur"_s, u"jpy"_s, u"kwd"_s};
        codes << locale.currencySymbol(QLocale::CurrencyIsoCode).toLower();
        codes.removeDuplicates();
        for (const QString &code : std::as_const(codes)) {
            for (const qint64 amount : amounts) {
                QTest::addRow("%s %s %lld", qPrintable(name), qPrintable(code), amount)
                    << name << Money(amount, Currency::fromCode(code).value_or(Currency()));
            }
        }
    }
}

void tst_Money::formatMatchesQLocale()
{
    QFETCH(QString, locale);
    QFETCH(Money, money);
    QVERIFY(money.isValid());

    // The oracle: QLocale's own currency formatting, which only takes a double. Only this test uses one: the
    // amounts are far below 2^53 minor units, so the double is within a tiny fraction of a minor unit of
    // the exact value and QLocale's rounding to `exponent` places gives back exactly the intended digits.
    const QLocale l(locale);
    const int exponent = money.currency().exponent();
    qint64 scale = 1;
    for (int i = 0; i < exponent; ++i)
        scale *= 10;
    const double major = static_cast<double>(money.minorUnits()) / static_cast<double>(scale);
    const QString expected = l.toCurrencyString(major, money.currency().symbol(l), exponent);
    QCOMPARE(money.format(l), expected);
}

void tst_Money::formatPlain_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<Money>("money");
    QTest::addColumn<QString>("expected");

    QTest::newRow("en_US") << u"en_US"_s << test::money(123456, "usd") << u"1,234.56"_s;
    QTest::newRow("en_US negative") << u"en_US"_s << test::money(-123456, "usd") << u"-1,234.56"_s;
    QTest::newRow("de_DE") << u"de_DE"_s << test::money(123456, "eur") << u"1.234,56"_s;
    QTest::newRow("fr_FR") << u"fr_FR"_s << test::money(123456, "eur") << u"1\u202f234,56"_s;
    QTest::newRow("de_CH") << u"de_CH"_s << test::money(123456, "chf") << u"1\u2019234.56"_s;
    QTest::newRow("en_IN") << u"en_IN"_s << test::money(12345678, "inr") << u"1,23,456.78"_s;
    QTest::newRow("en_US jpy") << u"en_US"_s << test::money(1200, "jpy") << u"1,200"_s;
    QTest::newRow("en_US kwd") << u"en_US"_s << test::money(1, "kwd") << u"0.001"_s;
    QTest::newRow("sv_SE negative") << u"sv_SE"_s << test::money(-5, "sek") << u"\u22120,05"_s;
    QTest::newRow("C no grouping") << u"C"_s << test::money(123456, "usd") << u"1234.56"_s;
}

void tst_Money::formatPlain()
{
    QFETCH(QString, locale);
    QFETCH(Money, money);
    QFETCH(QString, expected);

    QCOMPARE(money.formatPlain(QLocale(locale)), expected);
}

void tst_Money::toDecimalString_data()
{
    QTest::addColumn<Money>("money");
    QTest::addColumn<QString>("expected");

    QTest::newRow("usd") << test::money(1250, "usd") << u"12.50"_s;
    QTest::newRow("usd cents") << test::money(-5, "usd") << u"-0.05"_s;
    QTest::newRow("usd zero") << test::money(0, "usd") << u"0.00"_s;
    QTest::newRow("usd large") << test::money(123456789, "usd") << u"1234567.89"_s;
    QTest::newRow("jpy") << test::money(1200, "jpy") << u"1200"_s;
    QTest::newRow("jpy negative") << test::money(-1, "jpy") << u"-1"_s;
    QTest::newRow("kwd") << test::money(1234, "kwd") << u"1.234"_s;
    QTest::newRow("kwd fils") << test::money(1, "kwd") << u"0.001"_s;
    QTest::newRow("usd max") << test::money(Max, "usd") << u"92233720368547758.07"_s;
    QTest::newRow("usd min") << test::money(Min, "usd") << u"-92233720368547758.08"_s;
    QTest::newRow("jpy min") << test::money(Min, "jpy") << u"-9223372036854775808"_s;
}

void tst_Money::toDecimalString()
{
    QFETCH(Money, money);
    QFETCH(QString, expected);

    QCOMPARE(money.toDecimalString(), expected);
    QVERIFY(Money::fromDecimalString(expected, money.currency()) == money);
}

void tst_Money::fromDecimalString_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("minor");

    QTest::newRow("usd") << u"12.50"_s << u"usd"_s << true << qint64(1250);
    QTest::newRow("usd one decimal") << u"12.5"_s << u"usd"_s << true << qint64(1250);
    QTest::newRow("usd whole") << u"12"_s << u"usd"_s << true << qint64(1200);
    QTest::newRow("usd negative") << u"-0.05"_s << u"usd"_s << true << qint64(-5);
    QTest::newRow("jpy") << u"1200"_s << u"jpy"_s << true << qint64(1200);
    QTest::newRow("kwd") << u"1.234"_s << u"kwd"_s << true << qint64(1234);
    QTest::newRow("max") << u"92233720368547758.07"_s << u"usd"_s << true << Max;
    QTest::newRow("min") << u"-92233720368547758.08"_s << u"usd"_s << true << Min;
    QTest::newRow("jpy decimals") << u"12.5"_s << u"jpy"_s << false << qint64(0);
    QTest::newRow("too many decimals") << u"1.2345"_s << u"kwd"_s << false << qint64(0);
    QTest::newRow("empty") << QString() << u"usd"_s << false << qint64(0);
    QTest::newRow("minus only") << u"-"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("plus") << u"+12"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("trailing dot") << u"12."_s << u"usd"_s << false << qint64(0);
    QTest::newRow("leading dot") << u".5"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("grouping") << u"1,000"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("comma decimal") << u"12,50"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("space") << u" 12"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("two dots") << u"1.2.3"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("full-width") << u"\uff11\uff12"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("above max") << u"92233720368547758.08"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("below min") << u"-92233720368547758.09"_s << u"usd"_s << false << qint64(0);
    QTest::newRow("huge") << u"99999999999999999999999"_s << u"jpy"_s << false << qint64(0);
}

void tst_Money::fromDecimalString()
{
    QFETCH(QString, text);
    QFETCH(QString, currency);
    QFETCH(bool, valid);
    QFETCH(qint64, minor);

    const Currency c = Currency::fromCode(currency).value_or(Currency());
    const std::optional<Money> money = Money::fromDecimalString(text, c);
    QCOMPARE(money.has_value(), valid);
    if (money)
        QCOMPARE(*money, Money(minor, c));
    QVERIFY(!Money::fromDecimalString(text, Currency()).has_value());
}

void tst_Money::roundTrip_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<Money>("money");

    const QStringList locales{u"de_DE"_s, u"en_US"_s, u"fr_FR"_s, u"de_CH"_s, u"ja_JP"_s, u"en_IN"_s,
                              u"ar_EG"_s, u"sv_SE"_s, u"nl_NL"_s, u"es_ES"_s, u"pl_PL"_s, u"C"_s};
    const QStringList codes{u"usd"_s, u"eur"_s, u"jpy"_s, u"kwd"_s, u"bhd"_s, u"krw"_s,
                            u"chf"_s, u"inr"_s, u"sek"_s, u"egp"_s, u"cad"_s, u"pln"_s};
    const QList<qint64> amounts{0,
                                1,
                                -1,
                                5,
                                50,
                                99,
                                100,
                                1234,
                                123456,
                                1234567,
                                Money::StripeMaximumAmount,
                                -Money::StripeMaximumAmount - 1,
                                1234567890123,
                                Max,
                                Min,
                                Min + 1};
    for (const QString &locale : locales) {
        for (const QString &code : codes) {
            const Currency currency = Currency::fromCode(code).value_or(Currency());
            for (const qint64 amount : amounts) {
                QTest::addRow("%s %s %lld", qPrintable(locale), qPrintable(code), amount)
                    << locale << Money(amount, currency);
            }
        }
    }
}

void tst_Money::roundTrip()
{
    QFETCH(QString, locale);
    QFETCH(Money, money);
    QVERIFY(money.isValid());

    const QLocale l(locale);
    const QString formatted = money.format(l);
    const MoneyParseResult fromFormat = Money::parse(formatted, money.currency(), l, Any);
    QVERIFY2(fromFormat.isValid(), qPrintable(formatted + u": "_s + fromFormat.message()));
    QCOMPARE(fromFormat.money(), money);

    const QString plain = money.formatPlain(l);
    const MoneyParseResult fromPlain = Money::parse(plain, money.currency(), l, Any);
    QVERIFY2(fromPlain.isValid(), qPrintable(plain + u": "_s + fromPlain.message()));
    QCOMPARE(fromPlain.money(), money);

    QVERIFY(Money::fromDecimalString(money.toDecimalString(), money.currency()) == money);

    // Without the options, the same text is refused for the right reason.
    const MoneyParseResult strict = Money::parse(formatted, money.currency(), l);
    if (money.isNegative())
        QCOMPARE(strict.error(), E::Negative);
    else if (money.minorUnits() > Money::StripeMaximumAmount)
        QCOMPARE(strict.error(), E::AboveMaximum);
    else
        QCOMPARE(strict.money(), money);
}

void tst_Money::arithmetic_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<Money>("a");
    QTest::addColumn<Money>("b");       // the other operand (add, subtract)
    QTest::addColumn<qint64>("factor"); // multiply
    QTest::addColumn<MoneyError>("error");
    QTest::addColumn<Money>("expected");

    const Money none;
    const auto usd = [](qint64 minor) { return test::money(minor, "usd"); };
    const auto eur = [](qint64 minor) { return test::money(minor, "eur"); };

    QTest::newRow("add") << u"add"_s << usd(1250) << usd(75) << qint64(0) << MoneyError::None << usd(1325);
    QTest::newRow("add negative") << u"add"_s << usd(1250) << usd(-1300) << qint64(0) << MoneyError::None
                                  << usd(-50);
    QTest::newRow("add to max") << u"add"_s << usd(Max - 1) << usd(1) << qint64(0) << MoneyError::None
                                << usd(Max);
    QTest::newRow("add past max") << u"add"_s << usd(Max) << usd(1) << qint64(0) << MoneyError::Overflow
                                  << none;
    QTest::newRow("add max+max") << u"add"_s << usd(Max) << usd(Max) << qint64(0) << MoneyError::Overflow
                                 << none;
    QTest::newRow("add to min") << u"add"_s << usd(Min + 1) << usd(-1) << qint64(0) << MoneyError::None
                                << usd(Min);
    QTest::newRow("add past min") << u"add"_s << usd(Min) << usd(-1) << qint64(0) << MoneyError::Overflow
                                  << none;
    QTest::newRow("add min+max") << u"add"_s << usd(Min) << usd(Max) << qint64(0) << MoneyError::None
                                 << usd(-1);
    QTest::newRow("add mismatch") << u"add"_s << usd(1) << eur(1) << qint64(0) << MoneyError::CurrencyMismatch
                                  << none;
    QTest::newRow("add invalid") << u"add"_s << usd(1) << Money(1, Currency()) << qint64(0)
                                 << MoneyError::InvalidCurrency << none;
    QTest::newRow("add default") << u"add"_s << none << none << qint64(0) << MoneyError::InvalidCurrency
                                 << none;

    QTest::newRow("subtract") << u"subtract"_s << usd(1250) << usd(1300) << qint64(0) << MoneyError::None
                              << usd(-50);
    QTest::newRow("subtract to min") << u"subtract"_s << usd(Min + 1) << usd(1) << qint64(0)
                                     << MoneyError::None << usd(Min);
    QTest::newRow("subtract past min")
        << u"subtract"_s << usd(Min) << usd(1) << qint64(0) << MoneyError::Overflow << none;
    QTest::newRow("subtract min from 0")
        << u"subtract"_s << usd(0) << usd(Min) << qint64(0) << MoneyError::Overflow << none;
    QTest::newRow("subtract min from -1")
        << u"subtract"_s << usd(-1) << usd(Min) << qint64(0) << MoneyError::None << usd(Max);
    QTest::newRow("subtract past max")
        << u"subtract"_s << usd(Max) << usd(-1) << qint64(0) << MoneyError::Overflow << none;
    QTest::newRow("subtract mismatch")
        << u"subtract"_s << usd(1) << eur(1) << qint64(0) << MoneyError::CurrencyMismatch << none;

    QTest::newRow("multiply") << u"multiply"_s << usd(1250) << none << qint64(3) << MoneyError::None
                              << usd(3750);
    QTest::newRow("multiply negative")
        << u"multiply"_s << usd(1250) << none << qint64(-2) << MoneyError::None << usd(-2500);
    QTest::newRow("multiply zero") << u"multiply"_s << usd(Max) << none << qint64(0) << MoneyError::None
                                   << usd(0);
    QTest::newRow("multiply max by 2")
        << u"multiply"_s << usd(Max) << none << qint64(2) << MoneyError::Overflow << none;
    QTest::newRow("multiply min by -1")
        << u"multiply"_s << usd(Min) << none << qint64(-1) << MoneyError::Overflow << none;
    QTest::newRow("multiply max by -1")
        << u"multiply"_s << usd(Max) << none << qint64(-1) << MoneyError::None << usd(-Max);
    QTest::newRow("multiply large") << u"multiply"_s << usd(4294967296) << none << qint64(2147483648)
                                    << MoneyError::Overflow << none;
    QTest::newRow("multiply just fits") << u"multiply"_s << usd(4294967296) << none << qint64(2147483647)
                                        << MoneyError::None << usd(Q_INT64_C(9223372032559808512));
    QTest::newRow("multiply invalid")
        << u"multiply"_s << none << none << qint64(2) << MoneyError::InvalidCurrency << none;

    QTest::newRow("negate") << u"negate"_s << usd(1250) << none << qint64(0) << MoneyError::None
                            << usd(-1250);
    QTest::newRow("negate max") << u"negate"_s << usd(Max) << none << qint64(0) << MoneyError::None
                                << usd(-Max);
    QTest::newRow("negate min") << u"negate"_s << usd(Min) << none << qint64(0) << MoneyError::Overflow
                                << none;
    QTest::newRow("negate invalid") << u"negate"_s << none << none << qint64(0) << MoneyError::InvalidCurrency
                                    << none;
    QTest::newRow("abs") << u"abs"_s << usd(-1250) << none << qint64(0) << MoneyError::None << usd(1250);
    QTest::newRow("abs positive") << u"abs"_s << usd(1250) << none << qint64(0) << MoneyError::None
                                  << usd(1250);
    QTest::newRow("abs min") << u"abs"_s << usd(Min) << none << qint64(0) << MoneyError::Overflow << none;
    QTest::newRow("abs invalid") << u"abs"_s << none << none << qint64(0) << MoneyError::InvalidCurrency
                                 << none;
}

void tst_Money::arithmetic()
{
    QFETCH(QString, operation);
    QFETCH(Money, a);
    QFETCH(Money, b);
    QFETCH(qint64, factor);
    QFETCH(MoneyError, error);
    QFETCH(Money, expected);

    MoneyError actualError =
        MoneyError::Overflow == error ? MoneyError::None : MoneyError::Overflow; // != error
    std::optional<Money> result;
    if (operation == u"add")
        result = a.add(b, &actualError);
    else if (operation == u"subtract")
        result = a.subtract(b, &actualError);
    else if (operation == u"multiply")
        result = a.multiply(factor, &actualError);
    else if (operation == u"negate")
        result = a.negate(&actualError);
    else if (operation == u"abs")
        result = a.abs(&actualError);
    else
        QFAIL("unknown operation");

    QCOMPARE(actualError, error);
    QCOMPARE(result.has_value(), error == MoneyError::None);
    if (result)
        QCOMPARE(*result, expected);

    // Without an error pointer the result is the same.
    std::optional<Money> again;
    if (operation == u"add")
        again = a.add(b);
    else if (operation == u"subtract")
        again = a.subtract(b);
    else if (operation == u"multiply")
        again = a.multiply(factor);
    else if (operation == u"negate")
        again = a.negate();
    else
        again = a.abs();
    QVERIFY(again == result);
}

void tst_Money::sum_data()
{
    QTest::addColumn<QList<Money>>("items");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<MoneyError>("error");
    QTest::addColumn<qint64>("total");

    const auto usd = [](qint64 minor) { return test::money(minor, "usd"); };
    QTest::newRow("empty") << QList<Money>{} << u"usd"_s << MoneyError::None << qint64(0);
    QTest::newRow("one") << QList<Money>{usd(5)} << u"usd"_s << MoneyError::None << qint64(5);
    QTest::newRow("several") << QList<Money>{usd(1250), usd(-250), usd(1)} << u"usd"_s << MoneyError::None
                             << qint64(1001);
    QTest::newRow("up to max") << QList<Money>{usd(Max - 10), usd(10)} << u"usd"_s << MoneyError::None << Max;
    QTest::newRow("overflow midway, back in range at the end")
        << QList<Money>{usd(Max), usd(1), usd(-2)} << u"usd"_s << MoneyError::Overflow << qint64(0);
    QTest::newRow("underflow") << QList<Money>{usd(Min), usd(-1)} << u"usd"_s << MoneyError::Overflow
                               << qint64(0);
    QTest::newRow("mismatch") << QList<Money>{usd(1), test::money(1, "eur")} << u"usd"_s
                              << MoneyError::CurrencyMismatch << qint64(0);
    QTest::newRow("all in another currency")
        << QList<Money>{usd(1)} << u"eur"_s << MoneyError::CurrencyMismatch << qint64(0);
    QTest::newRow("invalid currency")
        << QList<Money>{} << QString() << MoneyError::InvalidCurrency << qint64(0);
}

void tst_Money::sum()
{
    QFETCH(QList<Money>, items);
    QFETCH(QString, currency);
    QFETCH(MoneyError, error);
    QFETCH(qint64, total);

    const Currency c = Currency::fromCode(currency).value_or(Currency());
    MoneyError actualError = error == MoneyError::None ? MoneyError::Overflow : MoneyError::None;
    const std::optional<Money> result = Money::sum(items, c, &actualError);
    QCOMPARE(actualError, error);
    QCOMPARE(result.has_value(), error == MoneyError::None);
    if (result)
        QCOMPARE(*result, Money(total, c));
}

void tst_Money::comparison()
{
    const Money a = test::money(100, "usd");
    const Money b = test::money(200, "usd");
    const Money e = test::money(100, "eur");

    QVERIFY(a < b);
    QVERIFY(b > a);
    QVERIFY(a <= a);
    QVERIFY(a >= a);
    QVERIFY(a == test::money(100, "usd"));
    QVERIFY(a != b);
    QVERIFY(a.compare(b) == std::strong_ordering::less);
    QVERIFY(b.compare(a) == std::strong_ordering::greater);
    QVERIFY(a.compare(a) == std::strong_ordering::equal);

    // Different currencies: never equal, never ordered.
    QVERIFY(a != e);
    QVERIFY(!(a == e));
    QVERIFY(!(a < e));
    QVERIFY(!(a > e));
    QVERIFY(!(a <= e));
    QVERIFY(!(a >= e));
    QVERIFY((a <=> e) == std::partial_ordering::unordered);
    QVERIFY(!a.compare(e).has_value());

    QVERIFY(Money().isZero());
    QVERIFY(!Money().isValid());
    QVERIFY(test::money(-1, "usd").isNegative());
    QVERIFY(test::money(1, "usd").isPositive());
    QVERIFY(!test::money(0, "usd").isPositive() && !test::money(0, "usd").isNegative());
}

void tst_Money::hashAndDebug()
{
    QSet<Money> set{test::money(100, "usd"), test::money(100, "eur"), test::money(100, "usd"),
                    test::money(101, "usd")};
    QCOMPARE(set.size(), 3);
    QVERIFY(set.contains(test::money(100, "eur")));
    QVERIFY(!set.contains(test::money(101, "eur")));

    QString text;
    QDebug(&text) << test::money(-5, "usd");
    QCOMPARE(text, u"Money(-0.05 usd) "_s);
}

QTEST_GUILESS_MAIN(tst_Money)
#include "tst_money.moc"
