// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <compare>
#include <optional>

class QDebug;
class QLocale;

namespace kassa {

// A currency as Stripe uses it: one of Stripe's presentment currencies, identified by its ISO 4217
// code (lowercase on the wire). A Currency is a small value (an index into a built-in table), cheap to
// copy, ordered alphabetically by code and usable as a QHash key.
//
// A default-constructed Currency is invalid (isValid() == false, code() empty). Every Currency obtained
// from fromCode() or all() is valid.
class Currency
{
public:
    constexpr Currency() noexcept = default;

    // Case-insensitive ("usd", "USD", "Usd"). Only Stripe's presentment currencies are accepted;
    // anything else (including surrounding whitespace) gives std::nullopt.
    static std::optional<Currency> fromCode(QStringView code);
    // Every supported currency, sorted by code.
    static QList<Currency> all();
    // Currencies that write themselves with this symbol or code ("$" → usd, aud, cad, ...; "€" → eur;
    // "EUR" → eur). Compared after NFKC normalisation and case-insensitively. Used by the parser to
    // tell "wrong currency" from "not an amount".
    static QList<Currency> fromSymbol(QStringView symbol);

    bool isValid() const noexcept;

    // "usd": lowercase, as Stripe sends it. Empty for an invalid Currency.
    QString code() const;
    // "USD". Empty for an invalid Currency.
    QString upperCode() const;

    // Number of decimal places of the minor unit as Stripe counts it: 0 for BIF CLP DJF GNF JPY KMF KRW
    // MGA PYG RWF UGX VND VUV XAF XOF XPF, 3 for BHD JOD KWD OMR TND, 2 for all others (and for an
    // invalid Currency).
    int exponent() const noexcept;

    // Smallest amount Stripe accepts for a charge, in minor units. From Stripe's table of minimum
    // charge amounts where it publishes one (usd 50, gbp 30, hkd 400, huf 17500, ...); for every other
    // currency a default of 50 minor units. The default is deliberately low: Stripe's real minimum for
    // those is about US$0.50 converted into the settlement currency, which moves with exchange rates and
    // is enforced by Stripe itself, so a client-side check must not reject what Stripe would accept.
    qint64 minimumChargeAmount() const noexcept;
    // True when minimumChargeAmount() comes from Stripe's published table, false for the default.
    bool hasPublishedMinimumChargeAmount() const noexcept;

    // The symbol to show next to an amount in this locale: the locale's own symbol when this is the
    // locale's currency ("€" for eur in de_DE, "￥" for jpy in ja_JP); else the currency's usual
    // narrow symbol ("$" for usd in de_DE) unless the locale's own currency writes itself the same way,
    // in which case a distinguishing form ("CA$" for cad in en_US, "US$" for usd in es_MX); else the
    // uppercase ISO code ("CHF", "SEK" in a locale whose currency is also "kr").
    QString symbol(const QLocale &locale) const;

    // Every token the parser accepts as this currency's symbol in this locale: symbol(locale), the
    // uppercase code, the narrow and distinguishing symbols and a few well-known aliases ("Fr." for chf).
    QStringList acceptedSymbols(const QLocale &locale) const;

    friend constexpr bool operator==(Currency, Currency) noexcept = default;
    friend constexpr std::strong_ordering operator<=>(Currency, Currency) noexcept = default;

private:
    static constexpr quint16 InvalidIndex = 0xffff;
    explicit constexpr Currency(quint16 index) noexcept
        : m_index(index)
    {
    }

    quint16 m_index = InvalidIndex;

    friend size_t qHash(Currency currency, size_t seed) noexcept;
};

size_t qHash(Currency currency, size_t seed = 0) noexcept;
QDebug operator<<(QDebug debug, Currency currency);

} // namespace kassa
