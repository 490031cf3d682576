// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "services/stripe/stripeerror.h"

#include <QJsonObject>
#include <QString>

namespace kassa::sale {

// What a sale came to, in the words the result screen shows.
struct SaleResult
{
    enum class Outcome {
        None,     // nothing decided yet
        Approved, // the money moved: amount, brand and last4 say how
        Declined, // the card or the bank said no: reason and nextStep say why and what now
        Unknown,  // no answer from Stripe: being checked, never charged again meanwhile
        Canceled, // the cashier canceled and nothing was charged
        Expired,  // the Checkout Session ran out (or was expired) unpaid
        Failed,   // not a decline: the reader is busy or offline, a request was refused, ...
    };

    Outcome outcome = Outcome::None;
    Money amount;  // what was charged (approved), else what was asked
    QString brand; // "visa"
    QString last4; // "4242"
    QString paymentIntentId;
    QString chargeId;
    QString receiptUrl;
    QString reason;    // "The card has insufficient funds."
    QString nextStep;  // "Ask for another card, or a smaller amount."
    QString errorCode; // Stripe's code (card_declined, terminal_reader_busy, ...), for the log
    QString declineCode;
    QString requestId; // of the answer that decided it, for support

    bool isFinal() const;
    static QString outcomeName(Outcome outcome); // "approved", "declined", ...

    // A PaymentIntent that succeeded (or waits for capture), with latest_charge expanded or not.
    static SaleResult approved(const QJsonObject &paymentIntent);
    // A PaymentIntent back at requires_payment_method: its last_payment_error in words.
    static SaleResult declined(const QJsonObject &paymentIntent);
    // A card error (Declined), or any other final error (Failed).
    static SaleResult fromError(const stripe::StripeError &error);
    static SaleResult unknown(const QString &why);
    static SaleResult canceled();
    static SaleResult expired();
    static SaleResult failed(const QString &reason, const QString &nextStep, const QString &errorCode = {});
};

} // namespace kassa::sale
