// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>
#include <QStringList>

class QLabel;
class QPushButton;

namespace kassa::sale {
class SaleService;
}
namespace kassa::store {
class Database;
}

namespace kassa::gui {

// Across the top of the Sale page after a restart: this till's sales that were under way when it
// stopped, named by amount, words and time, with Resume (F8). Two kinds: a payment request that got no
// final answer (SaleService::unfinishedOrders), and a PaymentIntent still waiting for the customer's
// bank (3-D Secure), which the outbox counts as answered although the customer can still pay. Either
// may have charged the customer, or may still: the cashier should look before taking the money again.
class SaleInterruptedBanner : public QFrame
{
    Q_OBJECT
public:
    // `service`, `db` outlive the banner; `till` is this till's id (order refs begin with it).
    SaleInterruptedBanner(sale::SaleService &service, store::Database &db, const QString &till,
                          QWidget *parent = nullptr);

    QPushButton *resumeButton() const { return m_resume; }
    QLabel *textLabel() const { return m_text; }
    // Oldest first.
    QStringList orders() const { return m_orders; }

    // Looks again (`active`), or forgets them while a sale is on screen or nobody is logged in; shows
    // itself when there are some. Gives an error in words when they could not be looked up.
    QString refresh(bool active);
    // The first order was taken up: the next is offered.
    void takeFirst();

signals:
    void resumeRequested();

private:
    QStringList ordersWithTheCustomer() const;
    // "$33.00 (Lamp) at 11:25 AM"; empty when the order's request cannot be read.
    QString describeOrder(const QString &orderRef) const;
    void render();

    sale::SaleService &m_service;
    store::Database &m_db;
    QString m_prefix;
    QStringList m_orders;
    QLabel *m_text = nullptr;
    QPushButton *m_resume = nullptr;
};

} // namespace kassa::gui
