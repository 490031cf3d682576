// SPDX-License-Identifier: GPL-3.0-or-later
// The recovery part of Sale: following an order's earlier attempt (a second click, a second Sale for the
// same order), sending an unanswered request again with its key, and taking a sale up again from its
// outbox rows after a restart.
#include "services/sale/sale.h"

#include "services/sale/salelogging.h"
#include "services/store/outboxrepository.h"
#include "services/stripe/stripeerror.h"
#include "services/sync/outbox.h"

#include <QDateTime>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace kassa::sale {

Sale::Attempt Sale::attemptOf(const store::OutboxEntry &entry)
{
    if (entry.objectId.startsWith(u"cs_"_s) || entry.path.startsWith(u"/v1/checkout/sessions"_s))
        return Attempt::Session;
    const stripe::StripeParams params = sync::Outbox::decodeForm(entry.params);
    return params.value(u"payment_method_types[0]"_s) == u"card_present"_s ? Attempt::ReaderIntent
                                                                           : Attempt::CardIntent;
}

void Sale::adopt(const store::OutboxEntry &entry)
{
    m_pendingKey = entry.idempotencyKey;
    switch (entry.state) {
    case store::OutboxState::Pending:
    case store::OutboxState::Sending:
        return watchRow(entry.id);
    case store::OutboxState::Done:
        if (entry.op == QLatin1StringView(sync::Outbox::OpCreatePayment))
            m_attempt = attemptOf(entry);
        return followObject(entry.objectId);
    case store::OutboxState::Failed:
        return finish(SaleResult::fromError(
            stripe::StripeError::fromResponse(entry.responseStatus, entry.responseBody, {})));
    }
}

void Sale::watchRow(qint64 rowId)
{
    m_watchedRow = rowId;
    m_watchUntilMs = QDateTime::currentMSecsSinceEpoch() + m_options.earlierAttemptWaitMs;
    nextPhase();
    setState(State::Checking);
    startPolling(Poll::Row);
}

void Sale::onRow(const store::OutboxEntry &entry)
{
    if (!entry.isFinished()) {
        if (QDateTime::currentMSecsSinceEpoch() < m_watchUntilMs)
            return schedulePoll();
        m_pendingKey = entry.idempotencyKey;
        return finish(SaleResult::unknown(u"the order's earlier attempt is still unanswered"_s));
    }
    stopPolling();
    adopt(entry);
}

void Sale::recoverAttempt()
{
    nextPhase();
    m_recheckTimer.stop();
    m_readerChecked = false; // a reader payment may still be on the reader: ask it again
    setState(State::Checking);
    store::OutboxRepository rows(m_db);
    if (!m_pendingKey.isEmpty()) {
        const auto row = rows.findByKey(m_pendingKey);
        if (row.ok() && row.value()) {
            const store::OutboxEntry &entry = *row.value();
            if (!entry.isFinished()) {
                // The same request with the same key: Stripe replays what it did the first time.
                const quint64 phase = m_phase;
                QPointer<Sale> self(this);
                m_outbox.submit(entry.op, sync::Outbox::requestFor(entry), entry.orderRef,
                                [self, phase](const sync::OutboxResult &result) {
                                    Sale *sale = self.data();
                                    if (sale && sale->m_phase == phase)
                                        sale->onSubmitted(result);
                                });
                return;
            }
            if (entry.op != QLatin1StringView(sync::Outbox::OpCancelPayment))
                return adopt(entry);
        }
    }
    if (m_attempt == Attempt::Session && !m_sessionId.isEmpty())
        return followObject(m_sessionId);
    if (!m_paymentIntentId.isEmpty())
        return followObject(m_paymentIntentId);
    const auto live = rows.liveAttemptForOrder(m_orderRef);
    if (live.ok() && live.value())
        return adopt(*live.value());
    // Nothing was written for this order, or its attempt failed: no money moved.
    finish(SaleResult());
}

void Sale::restore(const QList<store::OutboxEntry> &rows)
{
    const store::OutboxEntry *live = nullptr;
    const store::OutboxEntry *failed = nullptr;
    const store::OutboxEntry *unanswered = nullptr;
    for (const store::OutboxEntry &row : rows) { // newest first
        if (!unanswered && !row.isFinished())
            unanswered = &row;
        if (!row.exclusive)
            continue;
        if (!live && row.state != store::OutboxState::Failed)
            live = &row;
        if (!failed && row.state == store::OutboxState::Failed)
            failed = &row;
    }
    const store::OutboxEntry *attempt = live ? live : failed;
    if (attempt) {
        const stripe::StripeParams params = sync::Outbox::decodeForm(attempt->params);
        if (attempt->path.startsWith(u"/v1/checkout/sessions"_s))
            m_method = Method::Checkout;
        else if (params.value(u"payment_method_types[0]"_s) == u"card_present"_s)
            m_method = Method::Reader;
        else if (!params.value(u"customer"_s).isEmpty() &&
                 !params.value(u"payment_method"_s).startsWith(u"pm_card_"_s))
            m_method = Method::SavedCard;
        else
            m_method = Method::TestCard;
        m_readerId = params.value(u"metadata[kassa_reader]"_s);
    }
    if (live) {
        if (m_method == Method::Checkout)
            m_attempt = Attempt::Session;
        else
            m_attempt = m_method == Method::Reader ? Attempt::ReaderIntent : Attempt::CardIntent;
        if (live->objectId.startsWith(u"cs_"_s))
            m_sessionId = live->objectId;
        else
            m_paymentIntentId = live->objectId;
    }
    qCInfo(lcSale) << "sale" << m_orderRef << "restored:" << methodName(m_method)
                   << (live ? store::outboxStateName(live->state) : u"no live attempt"_s);
    if (unanswered) {
        // Sending the same request again with its key is always safe: do it now.
        m_pendingKey = unanswered->idempotencyKey;
        m_cancelRequested = unanswered->op == QLatin1StringView(sync::Outbox::OpCancelPayment);
        m_cancelSent = m_cancelRequested;
        m_state = State::Unknown;
        return recoverAttempt();
    }
    if (live)
        return followObject(live->objectId);
    if (failed)
        return adopt(*failed);
}

} // namespace kassa::sale
