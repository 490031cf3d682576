// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/stripe/stripecall.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
} // namespace kassa::stripe

namespace kassa::sync {

// Fills the store from Stripe's list endpoints: payment intents (latest_charge expanded), refunds,
// customers and each customer's payment methods; pages of 100, one request at a time through the
// client's pace. Each page is written together with the cursor (the page's last id) in one transaction,
// so a backfill that was killed or canceled resumes after the last page it wrote.
class Backfill : public QObject
{
    Q_OBJECT
public:
    // The resources in the order they are backfilled.
    static QStringList resources();                      // "payment_intents", "refunds", "customers"
    static QString cursorKey(const QString &resource);   // "backfill.<resource>.cursor"
    static QString completeKey(const QString &resource); // "backfill.<resource>.complete"
    static QString doneKey(const QString &resource);     // "backfill.<resource>.done"

    Backfill(store::Database &db, stripe::StripeClient &client, QObject *parent = nullptr);
    ~Backfill() override;

    // Resumes where the saved cursors say; when every resource is complete, starts over.
    void start();
    // Stops after nothing more: the call in flight is canceled, the saved cursor stays.
    void cancel();
    bool isRunning() const { return m_running; }
    // Forgets every cursor: the next start() reads everything again.
    bool reset(QString *error = nullptr);

    qint64 done() const { return m_done; }

signals:
    // Objects written so far (all resources, this run and saved runs) and an estimate of the total
    // (what is written plus a page for each resource with more pages).
    void progress(const QString &resource, qint64 done, qint64 estimatedTotal);
    void finished(bool ok, const QString &error);

private:
    void nextPage();
    void onListAnswer(const stripe::StripeResponse &response);
    void onPage(const QJsonObject &list);
    void onMethodsAnswer(const QList<QJsonObject> &customers, int index, QList<QJsonObject> collected,
                         const stripe::StripeResponse &response);
    void fetchPaymentMethods(const QList<QJsonObject> &customers, int index, QList<QJsonObject> collected);
    void writePage(const QList<QJsonObject> &objects, const QString &lastId, bool hasMore);
    void finish(bool ok, const QString &error);

    store::Database &m_db;
    stripe::StripeClient &m_client;
    QStringList m_resources;
    int m_stage = 0;
    QPointer<stripe::StripeCall> m_call;
    bool m_running = false;
    bool m_canceled = false;
    bool m_pageHasMore = false;
    qint64 m_done = 0;
};

} // namespace kassa::sync
