// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/paymentmethod.h"

using namespace Qt::StringLiterals;

namespace kassa {
namespace {

QString withLast4(const QString &name, const QString &last4)
{
    if (last4.isEmpty())
        return name;
    return name + u" \u2022\u2022\u2022\u2022 "_s + last4;
}

QString withEmail(const QString &name, const QString &email)
{
    if (email.isEmpty())
        return name;
    return name + u" ("_s + email + u')';
}

bool expired(int expMonth, int expYear, QDate today)
{
    if (!today.isValid() || expYear <= 0 || expMonth < 1 || expMonth > 12)
        return false;
    return today.year() > expYear || (today.year() == expYear && today.month() > expMonth);
}

} // namespace

QString PaymentMethod::displayName() const
{
    switch (type) {
    case PaymentMethodType::Card: {
        const CardBrand brand = card.displayBrand != CardBrand::Unknown ? card.displayBrand : card.brand;
        return withLast4(kassa::displayName(brand), card.last4);
    }
    case PaymentMethodType::CardPresent:
    case PaymentMethodType::InteracPresent: {
        CardBrand brand = cardPresent.brand;
        if (brand == CardBrand::Unknown && type == PaymentMethodType::InteracPresent)
            brand = CardBrand::Interac;
        return withLast4(kassa::displayName(brand), cardPresent.last4);
    }
    case PaymentMethodType::Paypal:
        return withEmail(kassa::displayName(type), paypal.payerEmail);
    case PaymentMethodType::Link:
        return withEmail(kassa::displayName(type), link.email);
    case PaymentMethodType::SepaDebit:
    case PaymentMethodType::UsBankAccount:
    case PaymentMethodType::AcssDebit:
    case PaymentMethodType::BacsDebit:
    case PaymentMethodType::AuBecsDebit: {
        const QString bank = bankAccount.bankName.trimmed();
        return withLast4(bank.isEmpty() ? kassa::displayName(type) : bank, bankAccount.last4);
    }
    default:
        return kassa::displayName(type);
    }
}

bool PaymentMethod::isExpired(QDate today) const
{
    switch (type) {
    case PaymentMethodType::Card:
        return expired(card.expMonth, card.expYear, today);
    case PaymentMethodType::CardPresent:
    case PaymentMethodType::InteracPresent:
        return expired(cardPresent.expMonth, cardPresent.expYear, today);
    default:
        return false;
    }
}

} // namespace kassa
