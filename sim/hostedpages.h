#pragma once

#include "sim/simhttp.h"

namespace kassa::sim {

class SimContext;
class CheckoutSessions;
class PaymentIntents;
class SetupIntents;

// The pages a customer sees in a browser: the hosted Checkout page (pick a test card), the 3-D Secure
// challenge, and charge receipts. Served under /_sim/ without an API key, as Stripe serves them on
// its own domains.
class HostedPages
{
public:
    HostedPages(SimContext &context, CheckoutSessions &checkout, PaymentIntents &paymentIntents,
                SetupIntents &setupIntents);

    // Answers the request when it is for a hosted page; false when the path is not one.
    bool handle(const HttpRequest &request, HttpResponse &response);

private:
    HttpResponse checkoutPage(const QString &sessionId, const QString &notice);
    HttpResponse checkoutPay(const QString &sessionId, const HttpRequest &request);
    HttpResponse challengePage(const QString &intentId);
    HttpResponse challengeResult(const QString &intentId, const HttpRequest &request);
    HttpResponse receiptPage(const QString &chargeId);

    SimContext &m_context;
    CheckoutSessions &m_checkout;
    PaymentIntents &m_paymentIntents;
    SetupIntents &m_setupIntents;
};

} // namespace kassa::sim
