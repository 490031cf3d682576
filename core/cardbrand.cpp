// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cardbrand.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace kassa {
namespace {

// The first entry of a value is the spelling toStripe() writes.
constexpr detail::StripeName<CardBrand> Names[] = {
    {CardBrand::Unknown, u"unknown"},
    {CardBrand::Amex, u"amex"},
    {CardBrand::Diners, u"diners"},
    {CardBrand::Discover, u"discover"},
    {CardBrand::EftposAu, u"eftpos_au"},
    {CardBrand::Jcb, u"jcb"},
    {CardBrand::Mastercard, u"mastercard"},
    {CardBrand::UnionPay, u"unionpay"},
    {CardBrand::Visa, u"visa"},
    {CardBrand::Interac, u"interac"},
    {CardBrand::CartesBancaires, u"cartes_bancaires"},
    // display_brand spellings
    {CardBrand::Amex, u"american_express"},
    {CardBrand::Diners, u"diners_club"},
    {CardBrand::EftposAu, u"eftpos_australia"},
    {CardBrand::UnionPay, u"union_pay"},
    {CardBrand::Unknown, u"other"},
};

} // namespace

template<>
CardBrand fromStripe<CardBrand>(QStringView text)
{
    return detail::enumFromStripe(Names, text, CardBrand::Unknown);
}

QString toStripe(CardBrand value)
{
    return detail::enumToStripe(Names, value);
}

QString displayName(CardBrand value)
{
    switch (value) {
    case CardBrand::Unknown:
        return QCoreApplication::translate("kassa::CardBrand", "Card");
    case CardBrand::Amex:
        return u"American Express"_s;
    case CardBrand::Diners:
        return u"Diners Club"_s;
    case CardBrand::Discover:
        return u"Discover"_s;
    case CardBrand::EftposAu:
        return u"eftpos Australia"_s;
    case CardBrand::Jcb:
        return u"JCB"_s;
    case CardBrand::Mastercard:
        return u"Mastercard"_s;
    case CardBrand::UnionPay:
        return u"UnionPay"_s;
    case CardBrand::Visa:
        return u"Visa"_s;
    case CardBrand::Interac:
        return u"Interac"_s;
    case CardBrand::CartesBancaires:
        return u"Cartes Bancaires"_s;
    }
    return QCoreApplication::translate("kassa::CardBrand", "Card");
}

} // namespace kassa
