// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/stripeenum.h"

namespace kassa {

// A card network. fromStripe() reads both of Stripe's spellings: `card.brand` ("amex", "diners",
// "eftpos_au", "unionpay", ...) and `card.display_brand` ("american_express", "diners_club",
// "eftpos_australia", "union_pay", "cartes_bancaires", "other"). toStripe() writes the `brand` spelling,
// and "unknown" for Unknown (a value Stripe itself sends).
enum class CardBrand {
    Unknown,         // unknown, other, or anything not listed
    Amex,            // amex / american_express
    Diners,          // diners / diners_club
    Discover,        // discover
    EftposAu,        // eftpos_au / eftpos_australia
    Jcb,             // jcb
    Mastercard,      // mastercard
    UnionPay,        // unionpay / union_pay
    Visa,            // visa
    Interac,         // interac (card_present, interac_present)
    CartesBancaires, // cartes_bancaires (display_brand of co-badged French cards)
};

template<>
CardBrand fromStripe<CardBrand>(QStringView text);
QString toStripe(CardBrand value);
// "Visa", "American Express", "Mastercard"; "Card" (translated) for Unknown.
QString displayName(CardBrand value);

} // namespace kassa
