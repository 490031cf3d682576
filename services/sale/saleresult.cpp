// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sale/saleresult.h"

#include "services/stripe/declinemessages.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace kassa::sale {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SaleResult", text);
}

Money moneyOf(const QJsonObject &object, const QString &field)
{
    const std::optional<Currency> currency = Currency::fromCode(object.value(u"currency"_s).toString());
    if (!currency)
        return {};
    return Money(object.value(field).toInteger(), *currency);
}

// The card part of a charge: card for online cards, card_present for a reader.
QJsonObject cardDetails(const QJsonObject &charge)
{
    const QJsonObject details = charge.value(u"payment_method_details"_s).toObject();
    for (const QString &kind : {u"card"_s, u"card_present"_s, u"interac_present"_s}) {
        const QJsonObject card = details.value(kind).toObject();
        if (!card.isEmpty())
            return card;
    }
    return {};
}

} // namespace

bool SaleResult::isFinal() const
{
    return outcome == Outcome::Approved || outcome == Outcome::Canceled || outcome == Outcome::Expired;
}

QString SaleResult::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::None:
        return u"none"_s;
    case Outcome::Approved:
        return u"approved"_s;
    case Outcome::Declined:
        return u"declined"_s;
    case Outcome::Unknown:
        return u"unknown"_s;
    case Outcome::Canceled:
        return u"canceled"_s;
    case Outcome::Expired:
        return u"expired"_s;
    case Outcome::Failed:
        break;
    }
    return u"failed"_s;
}

SaleResult SaleResult::approved(const QJsonObject &pi)
{
    SaleResult result;
    result.outcome = Outcome::Approved;
    result.paymentIntentId = pi.value(u"id"_s).toString();
    const qint64 received = pi.value(u"amount_received"_s).toInteger();
    result.amount = moneyOf(pi, received > 0 ? u"amount_received"_s : u"amount"_s);
    const QJsonValue latest = pi.value(u"latest_charge"_s);
    const QJsonObject charge = latest.isObject() ? latest.toObject() : QJsonObject();
    result.chargeId = latest.isString() ? latest.toString() : charge.value(u"id"_s).toString();
    result.receiptUrl = charge.value(u"receipt_url"_s).toString();
    QJsonObject card = cardDetails(charge);
    if (card.isEmpty()) // a PaymentMethod expanded instead of the charge
        card = pi.value(u"payment_method"_s).toObject().value(u"card"_s).toObject();
    result.brand = card.value(u"brand"_s).toString();
    result.last4 = card.value(u"last4"_s).toString();
    return result;
}

SaleResult SaleResult::declined(const QJsonObject &pi)
{
    const QJsonObject error = pi.value(u"last_payment_error"_s).toObject();
    SaleResult result;
    result.outcome = Outcome::Declined;
    result.paymentIntentId = pi.value(u"id"_s).toString();
    result.amount = moneyOf(pi, u"amount"_s);
    result.errorCode = error.value(u"code"_s).toString();
    result.declineCode = error.value(u"decline_code"_s).toString();
    const stripe::DeclineMessages::Advice advice =
        stripe::DeclineMessages::forCode(result.declineCode, result.errorCode);
    result.reason = advice.reason;
    result.nextStep = advice.nextStep;
    const QJsonObject card = error.value(u"payment_method"_s).toObject().value(u"card"_s).toObject();
    result.brand = card.value(u"brand"_s).toString();
    result.last4 = card.value(u"last4"_s).toString();
    return result;
}

SaleResult SaleResult::fromError(const stripe::StripeError &error)
{
    SaleResult result;
    result.outcome = error.kind == stripe::StripeError::Kind::Card ? Outcome::Declined : Outcome::Failed;
    if (!error.paymentIntent.isEmpty()) {
        result = declined(error.paymentIntent);
        result.outcome = error.kind == stripe::StripeError::Kind::Card ? Outcome::Declined : Outcome::Failed;
    }
    result.paymentIntentId = error.paymentIntentId.isEmpty() ? result.paymentIntentId : error.paymentIntentId;
    result.errorCode = error.code;
    result.declineCode = error.declineCode;
    result.requestId = error.requestId;
    const stripe::DeclineMessages::Advice advice = stripe::DeclineMessages::forError(error);
    result.reason = advice.reason;
    result.nextStep = advice.nextStep;
    return result;
}

SaleResult SaleResult::unknown(const QString &why)
{
    SaleResult result;
    result.outcome = Outcome::Unknown;
    result.reason = tr("Not known yet whether the payment went through; it is being checked.");
    result.nextStep = tr(
        "Do not take another payment for this sale. Kassa checks again by itself; you can also check now.");
    result.errorCode = why;
    return result;
}

SaleResult SaleResult::canceled()
{
    SaleResult result;
    result.outcome = Outcome::Canceled;
    result.reason = tr("The payment was canceled; nothing was charged.");
    result.nextStep = tr("Start the sale again to take the payment another way.");
    return result;
}

SaleResult SaleResult::expired()
{
    SaleResult result;
    result.outcome = Outcome::Expired;
    result.reason = tr("The payment page expired unpaid; nothing was charged.");
    result.nextStep = tr("Start the sale again to show a new code, or take the payment another way.");
    return result;
}

SaleResult SaleResult::failed(const QString &reason, const QString &nextStep, const QString &errorCode)
{
    SaleResult result;
    result.outcome = Outcome::Failed;
    result.reason = reason;
    result.nextStep = nextStep;
    result.errorCode = errorCode;
    return result;
}

} // namespace kassa::sale
