#include "services/stripe/declinemessages.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DeclineMessages", text);
}

struct Entry
{
    const char *code;
    const char *reason;
    const char *nextStep;
};

// Decline codes from Stripe's documentation, grouped by what the cashier does next.
constexpr Entry Table[] = {
    {"insufficient_funds", QT_TRANSLATE_NOOP("DeclineMessages", "The card has insufficient funds."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card, or a smaller amount.")},
    {"withdrawal_count_limit_exceeded",
     QT_TRANSLATE_NOOP("DeclineMessages", "The card has reached its spending or withdrawal limit."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"card_velocity_exceeded",
     QT_TRANSLATE_NOOP("DeclineMessages", "The card has reached its spending limit."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"expired_card", QT_TRANSLATE_NOOP("DeclineMessages", "The card has expired."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"incorrect_cvc", QT_TRANSLATE_NOOP("DeclineMessages", "The card's security code is wrong."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Try again, or ask for another card.")},
    {"incorrect_number", QT_TRANSLATE_NOOP("DeclineMessages", "The card number is wrong."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Try again, or ask for another card.")},
    {"incorrect_zip", QT_TRANSLATE_NOOP("DeclineMessages", "The postal code does not match the card."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Check the postal code and try again.")},
    {"incorrect_pin", QT_TRANSLATE_NOOP("DeclineMessages", "The PIN was wrong."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Let the customer try again with the right PIN.")},
    {"invalid_pin", QT_TRANSLATE_NOOP("DeclineMessages", "The PIN was wrong."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Let the customer try again with the right PIN.")},
    {"pin_try_exceeded", QT_TRANSLATE_NOOP("DeclineMessages", "Too many wrong PINs were entered."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"offline_pin_required", QT_TRANSLATE_NOOP("DeclineMessages", "The card needs its PIN."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Insert the card and let the customer enter the PIN.")},
    {"online_or_offline_pin_required", QT_TRANSLATE_NOOP("DeclineMessages", "The card needs its PIN."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Insert the card and let the customer enter the PIN.")},
    {"authentication_required",
     QT_TRANSLATE_NOOP("DeclineMessages", "The bank wants the customer to confirm."),
     QT_TRANSLATE_NOOP("DeclineMessages",
                       "Try again so that the customer can authenticate, or use another card.")},
    {"call_issuer", QT_TRANSLATE_NOOP("DeclineMessages", "The bank declined the card without a reason."),
     QT_TRANSLATE_NOOP("DeclineMessages", "The customer should call their bank; ask for another card.")},
    {"do_not_honor", QT_TRANSLATE_NOOP("DeclineMessages", "The bank declined the card without a reason."),
     QT_TRANSLATE_NOOP("DeclineMessages", "The customer should call their bank; ask for another card.")},
    {"generic_decline", QT_TRANSLATE_NOOP("DeclineMessages", "The card was declined."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"card_declined", QT_TRANSLATE_NOOP("DeclineMessages", "The card was declined."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"card_not_supported",
     QT_TRANSLATE_NOOP("DeclineMessages", "This card does not support this kind of purchase."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"currency_not_supported",
     QT_TRANSLATE_NOOP("DeclineMessages", "The card does not support this currency."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card.")},
    {"lost_card", QT_TRANSLATE_NOOP("DeclineMessages", "The card was declined."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card. Do not tell the customer more.")},
    {"stolen_card", QT_TRANSLATE_NOOP("DeclineMessages", "The card was declined."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card. Do not tell the customer more.")},
    {"pickup_card", QT_TRANSLATE_NOOP("DeclineMessages", "The card was declined."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card. Do not tell the customer more.")},
    {"fraudulent", QT_TRANSLATE_NOOP("DeclineMessages", "The card was declined."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card. Do not tell the customer more.")},
    {"merchant_blacklist", QT_TRANSLATE_NOOP("DeclineMessages", "The card was declined."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Ask for another card. Do not tell the customer more.")},
    {"processing_error", QT_TRANSLATE_NOOP("DeclineMessages", "The card could not be processed."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Try again in a moment, or ask for another card.")},
    {"issuer_not_available", QT_TRANSLATE_NOOP("DeclineMessages", "The card's bank could not be reached."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Try again in a moment, or ask for another card.")},
    {"try_again_later", QT_TRANSLATE_NOOP("DeclineMessages", "The card's bank could not be reached."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Try again in a moment, or ask for another card.")},
    {"duplicate_transaction",
     QT_TRANSLATE_NOOP("DeclineMessages", "The same amount was just charged to this card."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Check the recent payments before trying again.")},
    {"testmode_decline", QT_TRANSLATE_NOOP("DeclineMessages", "A real card was used in test mode."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Use a test card, or switch to a live key.")},
    {"payment_intent_authentication_failure",
     QT_TRANSLATE_NOOP("DeclineMessages", "The customer did not complete the bank's check."),
     QT_TRANSLATE_NOOP("DeclineMessages", "Try again, or ask for another card.")},
};

} // namespace

DeclineMessages::Advice DeclineMessages::forCode(const QString &declineCode, const QString &errorCode)
{
    for (const QString &code : {declineCode, errorCode}) {
        if (code.isEmpty())
            continue;
        for (const Entry &entry : Table) {
            if (code == QLatin1StringView(entry.code))
                return Advice{tr(entry.reason), tr(entry.nextStep)};
        }
    }
    return Advice{tr("The payment was declined."), tr("Ask for another card.")};
}

DeclineMessages::Advice DeclineMessages::forError(const StripeError &error)
{
    switch (error.kind) {
    case StripeError::Kind::Card:
        return forCode(error.declineCode, error.code);
    case StripeError::Kind::Connection:
        return Advice{tr("Stripe could not be reached."),
                      tr("Check the network. Kassa will find out whether the payment went through before "
                         "charging again.")};
    case StripeError::Kind::RateLimit:
        return Advice{tr("Stripe is busy."), tr("Wait a moment and try again.")};
    case StripeError::Kind::Authentication:
    case StripeError::Kind::Permission:
        return Advice{tr("The Stripe key is not accepted."),
                      tr("Ask the owner to check the key in Settings.")};
    default:
        return Advice{tr("The payment could not be made."),
                      tr("Try again; if it keeps failing, tell a manager.")};
    }
}

} // namespace kassa::stripe
