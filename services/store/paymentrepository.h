// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/payment.h"
#include "services/store/objectversion.h"
#include "services/store/page.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrow.h"
#include "services/store/storeresult.h"
#include "services/store/upsertresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace kassa::store {

class Database;
struct ResolvedText;

// A count that may stop early (PaymentRepository::countUpTo): `value` payments exactly, or, when
// `exact` is false, at least `value`.
struct BoundedCount
{
    qint64 value = 0;
    bool exact = true;
};

// Payments (Stripe PaymentIntents): written from Stripe JSON, never moving backwards (see
// ObjectVersion), listed page by page by key and searched with indexes, for a million rows and more.
//
// Besides the PaymentIntent's own fields a payment row shows what lists need from other objects:
// the customer's name and email, the card brand and last four digits of the latest charge (else of
// the payment method), the amount refunded (the latest charge's amount_refunded, or the sum of the
// refunds that are pending or succeeded when that is more), and order_ref, till and cashier from
// metadata (order_ref, kassa_till, kassa_cashier). The other repositories keep these in step when they
// write.
//
// Every method runs on the caller's open transaction when there is one, else in its own (writes) or
// none (reads).
class PaymentRepository
{
public:
    // Which payments refreshDerived() recomputes.
    enum class DerivedBy {
        PaymentId,       // the payment itself
        LatestChargeId,  // payments whose latest charge this is
        CustomerId,      // payments of this customer
        PaymentMethodId, // payments with this payment method
    };

    explicit PaymentRepository(Database &db);

    // Writes a PaymentIntent. Expanded latest_charge, customer and payment_method objects are written
    // too (through their repositories), in the same transaction. `observedAt`: when Stripe produced this
    // state, Unix seconds (an event's created, or when the object was read from the API). Stale when the
    // store holds a newer state; InvalidData when the JSON is not a PaymentIntent Kassa can read.
    StoreResult<UpsertOutcome> upsert(const QJsonObject &paymentIntent, qint64 observedAt);
    // Many in one transaction, with the prepared statements reused: the way to ingest a backfill page.
    // Objects that cannot be read are rejected one by one (BatchResult::rejections); an SQL error writes
    // nothing of the batch.
    StoreResult<BatchResult> upsertMany(const QList<QJsonObject> &paymentIntents, qint64 observedAt);

    StoreResult<std::optional<PaymentRow>> find(const QString &id);
    // The PaymentIntent as Stripe sent it last, without its client secret, and with its latest charge
    // expanded when the store holds that charge (as the store's charge row has it: an expanded charge is
    // kept there, not inside the PaymentIntent's JSON).
    StoreResult<std::optional<QJsonObject>> rawJson(const QString &id);
    // The same, read into the core record.
    StoreResult<std::optional<Payment>> record(const QString &id);
    StoreResult<std::optional<ObjectVersion>> version(const QString &id);
    // True when the store holds a state of `id` that `incoming` does not supersede: the caller's copy is
    // stale, and it should re-fetch the object rather than apply it. False when nothing is held.
    StoreResult<bool> holdsNewerThan(const QString &id, const ObjectVersion &incoming);

    // One page of the payments that `filter` covers, sorted by request.sort (created or amount, then
    // id) in request.order, starting after request.after.
    StoreResult<Page<PaymentRow>> page(const PaymentFilter &filter, const PageRequest &request);
    // The exact number of payments `filter` covers. On SQLite it reads an index entry per payment (a
    // million payments: tens of milliseconds; a common text term: hundreds), so a list that only shows
    // "how many" uses countUpTo(). Exports, reports and tests that need the figure use this.
    StoreResult<qint64> count(const PaymentFilter &filter);
    // How many payments `filter` covers, counted up to `cap` and no further: exact when below it,
    // else "cap or more" (BoundedCount::exact false, value == cap), for a console's "10,000+". Its cost
    // is bounded by the cap, not by the store's size.
    StoreResult<BoundedCount> countUpTo(const PaymentFilter &filter, qint64 cap);
    // The cashiers that payments name (metadata.kassa_cashier), sorted byte-wise, at most `limit`: for
    // a filter's list. A skip through the payments_cashier index, one step per distinct name, so a
    // million payments by a dozen cashiers cost a dozen index look-ups.
    StoreResult<QStringList> cashiers(int limit = 200);
    // SQLite only (a diagnostic for tests and benchmarks): EXPLAIN QUERY PLAN of what page() runs, one
    // line per step ("SEARCH payments USING INDEX payments_status (status=? AND created<?)").
    StoreResult<QString> explain(const PaymentFilter &filter, const PageRequest &request);

    // Recomputes the denormalised columns (customer name and email, card brand and last4, amount
    // refunded) of the payments that `by` selects. The other repositories call it after they write.
    StoreError refreshDerived(DerivedBy by, const QString &value);

    // SQLite: brings the text index (payments_fts) up to date with the rows that payments_fts_queue
    // names, and empties the queue (schema step 6). Every write to payments registers it to run just
    // before its transaction commits (Database::beforeCommit), so the index is in step whenever no
    // transaction is open; a search inside a transaction that wrote payments does not see them yet in
    // its text terms. Does nothing on PostgreSQL or without the queue.
    static StoreError applyTextIndexQueue(Database &db);
    // Its statements, in order (for bench_ingest's plain reference, which keeps the index as the store does).
    static const QStringList &textIndexQueueStatements();

private:
    void queueTextIndex();
    StoreResult<UpsertOutcome> write(const QJsonObject &json, qint64 observedAt);
    StoreError pageQuery(const PaymentFilter &filter, const PageRequest &request, QString *sqlText,
                         QVariantList *params, const ResolvedText *resolved = nullptr,
                         bool walkAmount = false);
    StoreError recentPageQuery(const PaymentFilter &filter, const PageRequest &request, QString *sqlText,
                               QVariantList *params);
    StoreResult<bool> walksAmountIndex(const PaymentFilter &filter, const PageRequest &request);
    StoreResult<bool> probeText(const PaymentFilter &filter, ResolvedText *resolved);
    StoreResult<Page<PaymentRow>> readPage(const QString &sqlText, const QVariantList &params,
                                           const PageRequest &request);
    Database &m_db;
};

} // namespace kassa::store
