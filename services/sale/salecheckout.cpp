// SPDX-License-Identifier: GPL-3.0-or-later
// The Checkout part of Sale: a hosted payment page for the customer's phone, shown as a QR code. The
// session is the order's payment attempt; it is polled until it is complete or expired, and a cancel
// expires it unless the customer paid first.
#include "services/sale/sale.h"

#include "services/sale/salelogging.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/outbox.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace kassa::sale {

namespace {

Money amountOf(const QJsonObject &session)
{
    const std::optional<Currency> currency = Currency::fromCode(session.value(u"currency"_s).toString());
    return currency ? Money(session.value(u"amount_total"_s).toInteger(), *currency) : Money();
}

} // namespace

void Sale::startCheckoutPayment()
{
    m_method = Method::Checkout;
    setState(State::Starting);
    stripe::CheckoutSessions::PaymentParams params;
    params.amount = m_order.amount;
    params.itemName = m_order.description.isEmpty() ? tr("Sale %1").arg(m_orderRef) : m_order.description;
    params.customerId = m_order.customerId;
    params.successUrl = m_options.checkoutSuccessUrl;
    params.cancelUrl = m_options.checkoutCancelUrl;
    params.metadata = metadata();
    if (m_options.checkoutLifetimeSeconds > 0)
        params.expiresAt = QDateTime::currentSecsSinceEpoch() + m_options.checkoutLifetimeSeconds;
    const stripe::StripeRequest built = stripe::CheckoutSessions::createPayment(params);
    // The builder always names success_url; without one, Stripe shows its own confirmation page. The
    // order ref goes into client_reference_id as well, where the Dashboard shows it.
    stripe::StripeRequest request = built;
    request.params = {};
    for (const auto &[key, value] : built.params.items()) {
        if (key == u"success_url"_s && value.isEmpty())
            continue;
        request.params.add(key, value);
    }
    request.params.add(u"client_reference_id"_s, m_orderRef);
    submit(QString::fromLatin1(sync::Outbox::OpCreatePayment), request);
}

void Sale::retrieveSession(quint64 phase)
{
    m_client.send(stripe::CheckoutSessions::retrieve(m_sessionId), this,
                  [this, phase](const stripe::StripeResponse &response) {
                      if (phase != m_phase)
                          return;
                      if (response.ok())
                          return onSession(response.json);
                      qCInfo(lcSale) << "sale" << m_orderRef << "cannot read" << m_sessionId
                                     << response.error.toString();
                      if (m_poll != Poll::None && response.error.httpStatus != 404)
                          return schedulePoll();
                      finish(SaleResult::unknown(response.error.toString()));
                  });
}

void Sale::onSession(const QJsonObject &session)
{
    m_attempt = Attempt::Session;
    m_sessionId = session.value(u"id"_s).toString();
    const QString status = session.value(u"status"_s).toString();
    if (status == u"complete"_s) {
        stopPolling();
        const QJsonValue intent = session.value(u"payment_intent"_s);
        m_paymentIntentId =
            intent.isObject() ? intent.toObject().value(u"id"_s).toString() : intent.toString();
        if (!m_paymentIntentId.isEmpty()) // its card and charge, and into the store
            return retrievePaymentIntent(m_phase);
        SaleResult approved;
        approved.outcome = SaleResult::Outcome::Approved;
        approved.amount = amountOf(session);
        return finish(approved);
    }
    if (status == u"expired"_s)
        return finish(m_cancelRequested ? SaleResult::canceled() : SaleResult::expired());
    if (m_cancelRequested) {
        if (!m_cancelSent)
            return expireSession();
        return finish(
            SaleResult::failed(tr("The payment page could not be closed."), tr("Try to cancel again.")));
    }
    setActionUrl(QUrl(session.value(u"url"_s).toString()));
    if (m_state != State::WaitingForCustomer)
        setState(State::WaitingForCustomer);
    startPolling(Poll::Session);
}

void Sale::expireSession()
{
    m_cancelRequested = true;
    m_cancelSent = true;
    stopPolling();
    const quint64 phase = nextPhase();
    setState(State::Canceling);
    m_client.send(stripe::CheckoutSessions::expire(m_sessionId), this,
                  [this, phase](const stripe::StripeResponse &response) {
                      if (phase != m_phase)
                          return;
                      if (response.ok())
                          return onSession(response.json);
                      // Refused: most often the customer has just paid. The session says.
                      qCInfo(lcSale) << "sale" << m_orderRef << "expire refused" << response.error.toString();
                      retrieveSession(phase);
                  });
}

} // namespace kassa::sale
