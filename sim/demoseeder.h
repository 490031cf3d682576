#pragma once

#include <QList>
#include <QString>

#include <utility>

namespace kassa::sim {

class SimResources;

// Fills an empty simulator with a shop's history: customers with saved cards (and a PayPal and a
// Link account), payments over the last 90 days in shop hours (card readers, saved cards, Checkout,
// keyed test cards), declines, cancellations, full and partial refunds, and a named reader.
class DemoSeeder
{
public:
    explicit DemoSeeder(SimResources &resources);
    void seed(int payments);

    static constexpr int HistoryDays = 90;

private:
    struct Customer
    {
        QString id;
        QString paymentMethod;
    };
    void makeCustomers(int count, qint64 start);
    void makePayment(qint64 when, int orderNumber);
    void makeRefund(const QString &paymentIntentId, qint64 when, bool partial);
    qint64 amountFor(const QString &currency);
    QString pick(const QStringList &options);

    SimResources &m_resources;
    QList<Customer> m_customers;
    QList<std::pair<qint64, QString>> m_refundsDue; // when, payment intent
};

} // namespace kassa::sim
