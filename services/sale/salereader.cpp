// SPDX-License-Identifier: GPL-3.0-or-later
// The card reader part of Sale (Stripe Terminal, server-driven): the order's card_present
// PaymentIntent is handed to a reader, the reader is polled until the customer's tap succeeds or fails,
// and a cancel stops the reader first and then the PaymentIntent, unless the tap won the race.
#include "services/sale/sale.h"

#include "services/sale/salelogging.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/outbox.h"

using namespace Qt::StringLiterals;

namespace kassa::sale {

namespace {

// No final answer: the request may or may not have reached the reader.
bool isUnanswered(const stripe::StripeError &error)
{
    using Kind = stripe::StripeError::Kind;
    return error.kind == Kind::Connection || error.kind == Kind::Api || error.kind == Kind::RateLimit ||
           error.kind == Kind::Canceled;
}

} // namespace

void Sale::startReaderPayment()
{
    m_method = Method::Reader;
    setState(State::Starting);
    if (m_attempt == Attempt::ReaderIntent && !m_paymentIntentId.isEmpty())
        return processOnReader(); // the order's PaymentIntent again, on this reader
    stripe::PaymentIntents::CreateParams params;
    params.amount = m_order.amount;
    params.paymentMethodTypes = {u"card_present"_s};
    // Stripe Terminal captures card_present payments automatically since 2023; no separate capture step.
    params.captureMethod = CaptureMethod::Automatic;
    params.customerId = m_order.customerId;
    params.description = m_order.description;
    params.metadata = metadata();
    // So that a restarted till knows which reader to ask about this payment.
    params.metadata.insert(u"kassa_reader"_s, m_readerId);
    submit(QString::fromLatin1(sync::Outbox::OpCreatePayment), stripe::PaymentIntents::create(params));
}

void Sale::processOnReader()
{
    const quint64 phase = nextPhase();
    m_readerChecked = false;
    setState(State::Starting);
    m_client.send(stripe::TerminalReaders::processPaymentIntent(m_readerId, m_paymentIntentId), this,
                  [this, phase](const stripe::StripeResponse &response) {
                      if (phase != m_phase)
                          return;
                      if (response.ok() || isUnanswered(response.error)) {
                          // Unanswered: the reader itself says whether the payment reached it.
                          setState(State::WaitingForReader);
                          startPolling(Poll::Reader);
                          return;
                      }
                      finish(readerError(response));
                  });
}

void Sale::pollReader(quint64 phase)
{
    m_client.send(stripe::TerminalReaders::retrieve(m_readerId), this,
                  [this, phase](const stripe::StripeResponse &response) {
                      if (phase != m_phase)
                          return;
                      if (response.ok())
                          return onReader(response.json);
                      if (response.error.httpStatus == 404)
                          return finish(readerError(response));
                      schedulePoll(); // the network or Stripe hiccuped: ask again later
                  });
}

void Sale::onReader(const QJsonObject &reader)
{
    const QJsonObject action = reader.value(u"action"_s).toObject();
    const QString actionIntent =
        action.value(u"process_payment_intent"_s).toObject().value(u"payment_intent"_s).toString();
    if (action.isEmpty() || actionIntent != m_paymentIntentId) {
        // Our payment is not (or no longer) on the reader: the PaymentIntent tells what became of it.
        m_readerChecked = true;
        stopPolling();
        return retrievePaymentIntent(m_phase);
    }
    const QString status = action.value(u"status"_s).toString();
    if (status == u"in_progress"_s) {
        if (reader.value(u"status"_s).toString() == u"offline"_s)
            qCInfo(lcSale) << "sale" << m_orderRef << "reader" << m_readerId << "is offline; still waiting";
        if (m_state != State::WaitingForReader)
            setState(State::WaitingForReader);
        return startPolling(Poll::Reader);
    }
    stopPolling();
    if (status == u"failed"_s && action.value(u"failure_code"_s).toString() == u"canceled"_s &&
        !m_cancelRequested) {
        return finish(SaleResult::failed(tr("The payment was canceled on the reader; nothing was charged."),
                                         tr("Try again on the reader, or take the payment another way."),
                                         u"canceled"_s));
    }
    // Succeeded or declined: the PaymentIntent has the card, the amount and the decline reason.
    m_readerChecked = true;
    retrievePaymentIntent(m_phase);
}

void Sale::onReaderIntentWaiting(const QJsonObject &pi)
{
    const bool hasError = !pi.value(u"last_payment_error"_s).toObject().isEmpty();
    if (m_state == State::Starting) // just made: hand it to the reader
        return processOnReader();
    if (m_readerChecked && hasError)
        return finish(SaleResult::declined(pi));
    if (m_state == State::Checking && !m_readerChecked && !m_readerId.isEmpty()) {
        // A restored sale: is the payment still on the reader?
        m_readerChecked = true;
        m_poll = Poll::Reader;
        m_pollDelayMs = std::max(m_options.pollInitialMs, 1);
        return pollReader(m_phase);
    }
    if (m_state == State::WaitingForReader || m_readerChecked) {
        return finish(SaleResult::failed(tr("The reader stopped the payment; nothing was charged."),
                                         tr("Try again on the reader, or cancel the sale.")));
    }
    if (hasError)
        return finish(SaleResult::declined(pi));
    stopPolling();
    setState(State::Ready);
}

void Sale::cancelOnReader()
{
    m_cancelRequested = true;
    stopPolling();
    const quint64 phase = nextPhase();
    setState(State::Canceling);
    m_client.send(stripe::TerminalReaders::cancelAction(m_readerId), this,
                  [this, phase](const stripe::StripeResponse &response) {
                      if (phase != m_phase)
                          return;
                      if (!response.ok()) // most often: the card was tapped first
                          qCInfo(lcSale)
                              << "sale" << m_orderRef << "reader cancel refused" << response.error.toString();
                      // Whatever the reader said, the PaymentIntent decides: a payment that succeeded
                      // stays approved; an open one is canceled now.
                      retrievePaymentIntent(phase);
                  });
}

SaleResult Sale::readerError(const stripe::StripeResponse &response) const
{
    const QString code = response.error.code;
    if (code == u"terminal_reader_busy"_s) {
        return SaleResult::failed(tr("The reader is busy with another payment."),
                                  tr("Wait until it is free, or cancel what it shows, then try again."),
                                  code);
    }
    if (code == u"terminal_reader_offline"_s || code == u"terminal_reader_timeout"_s) {
        return SaleResult::failed(tr("The reader is offline."),
                                  tr("Check that it is switched on and connected, then try again."), code);
    }
    if (response.error.httpStatus == 404) {
        return SaleResult::failed(tr("The reader was not found."), tr("Choose another reader."),
                                  code.isEmpty() ? u"resource_missing"_s : code);
    }
    SaleResult result = SaleResult::fromError(response.error);
    result.outcome = SaleResult::Outcome::Failed;
    return result;
}

} // namespace kassa::sale
