// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/sale/sale.h"
#include "services/sale/salecontext.h"

#include <QObject>
#include <QStringList>

#include <memory>

namespace kassa::sale {

// Where sales begin and where unfinished ones are found again (the service under the Sale page).
// Holds the store, the Stripe client and the outbox that every Sale uses; it must outlive its sales.
class SaleService : public QObject
{
    Q_OBJECT
public:
    SaleService(store::Database &db, stripe::StripeClient &client, sync::Outbox &outbox,
                const SaleOptions &options = {}, QObject *parent = nullptr);
    ~SaleService() override;

    const SaleOptions &options() const { return m_environment.options; }

    // A new sale with a new order ref. Null, with `refusal`, when the context may not start one or the
    // order has no valid amount.
    std::unique_ptr<Sale> start(const SaleContext &context, const SaleOrder &order,
                                QString *refusal = nullptr);
    // A sale for an order ref that may already have an attempt (the page was rebuilt): paying meets the
    // earlier attempt and follows it instead of charging again.
    std::unique_ptr<Sale> open(const SaleContext &context, const SaleOrder &order, const QString &orderRef);
    // After a restart: the order's sale rebuilt from its outbox rows, already finding out where its
    // payment stands (an unanswered request is sent again with its key). Null, with `error`, when the
    // order has no payment attempt.
    std::unique_ptr<Sale> resume(const SaleContext &context, const QString &orderRef,
                                 QString *error = nullptr);
    // Orders whose payment request has no final answer yet (pending or sending outbox rows), oldest first:
    // what the Sale page offers to resume at start-up.
    QStringList unfinishedOrders(QString *error = nullptr) const;
    // What the Sale page offers to resume at start-up, oldest first: the unfinished orders above, and the
    // orders of the last `withinSeconds` whose payment request was answered but whose sale never reached
    // an outcome the cashier saw (none is in the audit log): the till stopped while the customer was at
    // the reader, on the Checkout page or at their bank's check, or just after they paid. Resuming finds
    // out where each stands; nothing is charged again.
    QStringList interruptedOrders(QString *error = nullptr, qint64 withinSeconds = 24 * 3600) const;

    // "<till>-<yyyyMMdd>-<HHmmss>-<8 hex digits>": unique per sale without asking the database.
    static QString newOrderRef(const QString &tillId);

private:
    Sale::Environment m_environment;
};

} // namespace kassa::sale
