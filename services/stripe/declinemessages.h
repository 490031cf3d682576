#pragma once

#include "services/stripe/stripeerror.h"

#include <QString>

namespace kassa::stripe {

// What a cashier can say to a customer, and what to do next, for a failed payment. Translatable
// (context "DeclineMessages"). Never shows Stripe's raw codes to the customer.
class DeclineMessages
{
public:
    struct Advice
    {
        QString reason;   // "The card has insufficient funds."
        QString nextStep; // "Ask for another card, or a smaller amount."
    };

    // For a decline code (card_error's decline_code, or code when there is none).
    static Advice forCode(const QString &declineCode, const QString &errorCode = {});
    static Advice forError(const StripeError &error);
};

} // namespace kassa::stripe
