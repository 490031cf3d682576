// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/currency.h"

#include <QDebug>
#include <QHashFunctions>
#include <QLocale>

#include <algorithm>
#include <iterator>

using namespace Qt::StringLiterals;

namespace kassa {
namespace {

constexpr qint32 NoPublishedMinimum = -1;
constexpr qint64 DefaultMinimumChargeAmount = 50;

struct CurrencyInfo
{
    const char *code;         // lowercase ISO 4217, as Stripe sends it
    int exponent;             // Stripe's decimal places
    qint32 minimum;           // Stripe's published minimum charge in minor units, or NoPublishedMinimum
    const char16_t *narrow;   // the usual symbol ("$"), or nullptr to use the ISO code
    const char16_t *distinct; // a form that tells it from others using `narrow` ("CA$"), or nullptr
    const char16_t *aliases;  // more spellings accepted when parsing, separated by '|', or nullptr
};

// Stripe's presentment currencies (https://docs.stripe.com/currencies), sorted by code.
// Exponents follow Stripe, not ISO 4217: Stripe counts ISK, HUF, TWD and UGX specially for payouts, but
// for charges only the zero- and three-decimal lists below differ from 2. Three-decimal amounts must
// also end in 0 for card charges (Stripe rounds to the nearest 10); that rule belongs to the caller.
// Minimums are Stripe's table "Minimum and maximum charge amounts".
constexpr CurrencyInfo Table[] = {
    {"aed", 2, 200, nullptr, nullptr, nullptr},
    {"afn", 2, NoPublishedMinimum, u"\u060b", nullptr, nullptr},
    {"all", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"amd", 2, NoPublishedMinimum, u"\u058f", nullptr, nullptr},
    {"ang", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"aoa", 2, NoPublishedMinimum, u"Kz", nullptr, nullptr},
    {"ars", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"aud", 2, 50, u"$", u"A$", u"AU$"},
    {"awg", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"azn", 2, NoPublishedMinimum, u"\u20bc", nullptr, nullptr},
    {"bam", 2, NoPublishedMinimum, u"KM", nullptr, nullptr},
    {"bbd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"bdt", 2, NoPublishedMinimum, u"\u09f3", nullptr, nullptr},
    {"bgn", 2, 100, u"\u043b\u0432.", nullptr, nullptr},
    {"bhd", 3, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"bif", 0, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"bmd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"bnd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"bob", 2, NoPublishedMinimum, u"Bs", nullptr, nullptr},
    {"brl", 2, 50, u"R$", nullptr, nullptr},
    {"bsd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"bwp", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"byn", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"bzd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"cad", 2, 50, u"$", u"CA$", nullptr},
    {"cdf", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"chf", 2, 50, nullptr, nullptr, u"Fr.|SFr."},
    {"clp", 0, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"cny", 2, NoPublishedMinimum, u"\u00a5", u"CN\u00a5", u"RMB"},
    {"cop", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"crc", 2, NoPublishedMinimum, u"\u20a1", nullptr, nullptr},
    {"cve", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"czk", 2, 1500, u"K\u010d", nullptr, nullptr},
    {"djf", 0, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"dkk", 2, 250, u"kr.", nullptr, u"kr"},
    {"dop", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"dzd", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"egp", 2, NoPublishedMinimum, u"E\u00a3", nullptr, nullptr},
    {"etb", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"eur", 2, 50, u"\u20ac", nullptr, nullptr},
    {"fjd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"fkp", 2, NoPublishedMinimum, u"\u00a3", nullptr, nullptr},
    {"gbp", 2, 30, u"\u00a3", nullptr, nullptr},
    {"gel", 2, NoPublishedMinimum, u"\u20be", nullptr, nullptr},
    {"gip", 2, NoPublishedMinimum, u"\u00a3", nullptr, nullptr},
    {"gmd", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"gnf", 0, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"gtq", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"gyd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"hkd", 2, 400, u"$", u"HK$", nullptr},
    {"hnl", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"htg", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"huf", 2, 17500, u"Ft", nullptr, nullptr},
    {"idr", 2, NoPublishedMinimum, u"Rp", nullptr, nullptr},
    {"ils", 2, NoPublishedMinimum, u"\u20aa", nullptr, nullptr},
    {"inr", 2, 50, u"\u20b9", nullptr, u"Rs|Rs."},
    {"isk", 2, NoPublishedMinimum, u"kr", nullptr, nullptr},
    {"jmd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"jod", 3, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"jpy", 0, 50, u"\u00a5", u"JP\u00a5", u"\u5186"},
    {"kes", 2, NoPublishedMinimum, u"Ksh", nullptr, nullptr},
    {"kgs", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"khr", 2, NoPublishedMinimum, u"\u17db", nullptr, nullptr},
    {"kmf", 0, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"krw", 0, NoPublishedMinimum, u"\u20a9", nullptr, u"\uc6d0"},
    {"kwd", 3, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"kyd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"kzt", 2, NoPublishedMinimum, u"\u20b8", nullptr, nullptr},
    {"lak", 2, NoPublishedMinimum, u"\u20ad", nullptr, nullptr},
    {"lbp", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"lkr", 2, NoPublishedMinimum, u"Rs", nullptr, nullptr},
    {"lrd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"lsl", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mad", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mdl", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mga", 0, NoPublishedMinimum, u"Ar", nullptr, nullptr},
    {"mkd", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mmk", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mnt", 2, NoPublishedMinimum, u"\u20ae", nullptr, nullptr},
    {"mop", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mur", 2, NoPublishedMinimum, u"Rs", nullptr, nullptr},
    {"mvr", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mwk", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"mxn", 2, 1000, u"$", u"MX$", nullptr},
    {"myr", 2, 200, u"RM", nullptr, nullptr},
    {"mzn", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"nad", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"ngn", 2, NoPublishedMinimum, u"\u20a6", nullptr, nullptr},
    {"nio", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"nok", 2, 300, u"kr", nullptr, nullptr},
    {"npr", 2, NoPublishedMinimum, u"Rs", nullptr, nullptr},
    {"nzd", 2, 50, u"$", u"NZ$", nullptr},
    {"omr", 3, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"pab", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"pen", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"pgk", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"php", 2, NoPublishedMinimum, u"\u20b1", nullptr, nullptr},
    {"pkr", 2, NoPublishedMinimum, u"Rs", nullptr, nullptr},
    {"pln", 2, 200, u"z\u0142", nullptr, nullptr},
    {"pyg", 0, NoPublishedMinimum, u"\u20b2", nullptr, nullptr},
    {"qar", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"ron", 2, 200, u"lei", nullptr, nullptr},
    {"rsd", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"rub", 2, NoPublishedMinimum, u"\u20bd", nullptr, nullptr},
    {"rwf", 0, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"sar", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"sbd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"scr", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"sek", 2, 300, u"kr", nullptr, nullptr},
    {"sgd", 2, 50, u"$", u"S$", nullptr},
    {"shp", 2, NoPublishedMinimum, u"\u00a3", nullptr, nullptr},
    {"sle", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"sos", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"srd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"std", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"szl", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"thb", 2, 1000, u"\u0e3f", nullptr, nullptr},
    {"tjs", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"tnd", 3, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"top", 2, NoPublishedMinimum, u"T$", nullptr, nullptr},
    {"try", 2, NoPublishedMinimum, u"\u20ba", nullptr, nullptr},
    {"ttd", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"twd", 2, NoPublishedMinimum, u"$", u"NT$", nullptr},
    {"tzs", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"uah", 2, NoPublishedMinimum, u"\u20b4", nullptr, nullptr},
    {"ugx", 0, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"usd", 2, 50, u"$", u"US$", nullptr},
    {"uyu", 2, NoPublishedMinimum, u"$", nullptr, nullptr},
    {"uzs", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"vnd", 0, NoPublishedMinimum, u"\u20ab", nullptr, nullptr},
    {"vuv", 0, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"wst", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"xaf", 0, NoPublishedMinimum, u"FCFA", nullptr, nullptr},
    {"xcd", 2, NoPublishedMinimum, u"$", u"EC$", nullptr},
    {"xof", 0, NoPublishedMinimum, u"F\u202fCFA", nullptr, u"CFA"},
    {"xpf", 0, NoPublishedMinimum, u"CFPF", nullptr, u"FCFP"},
    {"yer", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
    {"zar", 2, NoPublishedMinimum, u"R", nullptr, nullptr},
    {"zmw", 2, NoPublishedMinimum, nullptr, nullptr, nullptr},
};
constexpr std::size_t TableSize = std::size(Table);

constexpr bool codeLess(const char *a, const char *b)
{
    for (int i = 0; i < 3; ++i) {
        if (a[i] != b[i])
            return a[i] < b[i];
    }
    return false;
}

constexpr bool tableIsSortedAndWellFormed()
{
    for (std::size_t i = 0; i < TableSize; ++i) {
        const char *code = Table[i].code;
        for (int c = 0; c < 3; ++c) {
            if (code[c] < 'a' || code[c] > 'z')
                return false;
        }
        if (code[3] != '\0')
            return false;
        if (Table[i].exponent != 0 && Table[i].exponent != 2 && Table[i].exponent != 3)
            return false;
        if (i > 0 && !codeLess(Table[i - 1].code, code))
            return false;
    }
    return true;
}
static_assert(tableIsSortedAndWellFormed(), "the currency table must be sorted by code, without duplicates");

const CurrencyInfo *info(quint16 index)
{
    return index < TableSize ? &Table[index] : nullptr;
}

QString fromUtf16(const char16_t *text)
{
    return text ? QString::fromUtf16(text) : QString();
}

// Normalises a symbol for comparison: compatibility forms folded (NFKC: "￥" → "¥", no-break spaces →
// spaces), runs of whitespace collapsed, case folded.
QString symbolKey(QStringView symbol)
{
    return symbol.toString().normalized(QString::NormalizationForm_KC).simplified().toCaseFolded();
}

// The symbols of a table entry, in order of preference: narrow, distinct, aliases.
QStringList tableSymbols(const CurrencyInfo &entry)
{
    QStringList symbols;
    if (entry.narrow)
        symbols << fromUtf16(entry.narrow);
    if (entry.distinct)
        symbols << fromUtf16(entry.distinct);
    if (entry.aliases)
        symbols << fromUtf16(entry.aliases).split(u'|', Qt::SkipEmptyParts);
    return symbols;
}

} // namespace

std::optional<Currency> Currency::fromCode(QStringView code)
{
    if (code.size() != 3)
        return std::nullopt;
    char lower[4] = {0, 0, 0, 0};
    for (int i = 0; i < 3; ++i) {
        const char16_t c = code[i].unicode();
        if (c >= u'a' && c <= u'z')
            lower[i] = static_cast<char>(c);
        else if (c >= u'A' && c <= u'Z')
            lower[i] = static_cast<char>(c - u'A' + u'a');
        else
            return std::nullopt;
    }
    const auto it = std::lower_bound(
        std::begin(Table), std::end(Table), lower,
        [](const CurrencyInfo &entry, const char *key) { return codeLess(entry.code, key); });
    if (it == std::end(Table) || codeLess(lower, it->code))
        return std::nullopt;
    return Currency(static_cast<quint16>(std::distance(std::begin(Table), it)));
}

QList<Currency> Currency::all()
{
    QList<Currency> result;
    result.reserve(static_cast<qsizetype>(TableSize));
    for (std::size_t i = 0; i < TableSize; ++i)
        result.append(Currency(static_cast<quint16>(i)));
    return result;
}

QList<Currency> Currency::fromSymbol(QStringView symbol)
{
    QList<Currency> result;
    const QString key = symbolKey(symbol);
    if (key.isEmpty())
        return result;
    for (std::size_t i = 0; i < TableSize; ++i) {
        const Currency currency(static_cast<quint16>(i));
        bool matches = symbolKey(currency.upperCode()) == key;
        const QStringList symbols = tableSymbols(Table[i]);
        for (const QString &s : symbols)
            matches = matches || symbolKey(s) == key;
        if (matches)
            result.append(currency);
    }
    return result;
}

bool Currency::isValid() const noexcept
{
    return info(m_index) != nullptr;
}

QString Currency::code() const
{
    const CurrencyInfo *entry = info(m_index);
    return entry ? QLatin1StringView(entry->code).toString() : QString();
}

QString Currency::upperCode() const
{
    return code().toUpper();
}

int Currency::exponent() const noexcept
{
    const CurrencyInfo *entry = info(m_index);
    return entry ? entry->exponent : 2;
}

qint64 Currency::minimumChargeAmount() const noexcept
{
    const CurrencyInfo *entry = info(m_index);
    if (!entry || entry->minimum == NoPublishedMinimum)
        return DefaultMinimumChargeAmount;
    return entry->minimum;
}

bool Currency::hasPublishedMinimumChargeAmount() const noexcept
{
    const CurrencyInfo *entry = info(m_index);
    return entry && entry->minimum != NoPublishedMinimum;
}

QString Currency::symbol(const QLocale &locale) const
{
    const CurrencyInfo *entry = info(m_index);
    if (!entry)
        return QString();
    const QString localeSymbol = locale.currencySymbol(QLocale::CurrencySymbol);
    if (locale.currencySymbol(QLocale::CurrencyIsoCode).compare(upperCode(), Qt::CaseInsensitive) == 0 &&
        !localeSymbol.isEmpty()) {
        return localeSymbol;
    }
    if (entry->narrow) {
        const QString narrow = fromUtf16(entry->narrow);
        if (localeSymbol.isEmpty() || symbolKey(localeSymbol) != symbolKey(narrow))
            return narrow;
        if (entry->distinct)
            return fromUtf16(entry->distinct);
    }
    return upperCode();
}

QStringList Currency::acceptedSymbols(const QLocale &locale) const
{
    const CurrencyInfo *entry = info(m_index);
    if (!entry)
        return {};
    QStringList result{symbol(locale), upperCode()};
    result << tableSymbols(*entry);
    result.removeDuplicates();
    return result;
}

size_t qHash(Currency currency, size_t seed) noexcept
{
    return ::qHash(currency.m_index, seed);
}

QDebug operator<<(QDebug debug, Currency currency)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Currency(" << (currency.isValid() ? currency.code() : u"invalid"_s) << ')';
    return debug;
}

} // namespace kassa
