// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/chargestatus.h"
#include "core/paymentintentstatus.h"
#include "core/refundstatus.h"

#include <QString>

namespace kassa::store {

// The version of one state of a Stripe object, and the rule that keeps the store from ever moving an
// object backwards on stale data ("never backwards").
//
// Stripe objects carry no version number and `created` of an event has one-second resolution, so a
// state is ordered by:
//   observedAt  when Stripe produced the state: the `created` of the event that carried it, or the time
//               the object was read from the API (best Stripe's Date header, else the local clock);
//   rank        how far along its life cycle the status is (statusRank() below). A rank of FinalRank or
//               more is a final status: Stripe never moves an object out of it.
//
// An incoming state supersedes the held one (and is written) when
//   1. the held status is final: only if the incoming status is the same (a later copy of a succeeded
//      PaymentIntent may still change its description or metadata), and it is not older;
//   2. else, the incoming status is final: always (nothing comes after a final status, whatever the
//      clocks say);
//   3. else, the incoming state is newer (observedAt greater), or equally new with a higher rank, or
//      equally new with the same rank and at least as much progress. A newer state with a lower rank
//      is written: PaymentIntents do go back (requires_action → requires_payment_method after a failed
//      3-D Secure; processing → requires_payment_method).
// Equal versions supersede, so applying the same state twice is harmless (idempotent).
//
// Progress breaks ties within one second and one status: amounts that only grow in normal operation.
// Charge: amount_captured + amount_refunded (charge.succeeded and charge.refunded often share a
// second); PaymentIntent: amount_received; others 0. A refund that fails later lowers a charge's
// amount_refunded, but that comes seconds later and is ordered by time.
//
// Ranks: PaymentIntent requires_payment_method 10, requires_confirmation 20, requires_action 30,
// processing 40, requires_payment_method with a last_payment_error 45 (an attempt failed: this comes
// after the confirmation, 3-D Secure or processing that led to it, often in the same second),
// requires_capture 50, canceled and succeeded 100 (final). Charge pending 10,
// succeeded 20, failed 100. Refund pending and requires_action 10, succeeded 20 (a refund can still
// fail after it succeeded), failed and canceled 100. Customer 0, deleted 100. PaymentMethod 0.
// A status this version does not know ranks 0 (ordered by time alone).
struct ObjectVersion
{
    static constexpr int FinalRank = 100;

    QString status;        // Stripe's status ("succeeded"), "deleted" for a deleted customer, else empty
    int rank = 0;          // see above
    qint64 observedAt = 0; // Unix seconds
    qint64 progress = 0;   // see above

    bool isFinal() const { return rank >= FinalRank; }
    // The rule above: may this state replace `held`?
    bool supersedes(const ObjectVersion &held) const;

    static constexpr int FailedAttemptRank = 45;
    static ObjectVersion ofPaymentIntent(const QString &status, qint64 observedAt, qint64 amountReceived = 0,
                                         bool hasPaymentError = false);
    static ObjectVersion ofCharge(const QString &status, qint64 observedAt, qint64 amountCaptured = 0,
                                  qint64 amountRefunded = 0);
    static ObjectVersion ofRefund(const QString &status, qint64 observedAt);
    static ObjectVersion ofCustomer(bool deleted, qint64 observedAt);
    static ObjectVersion ofPaymentMethod(qint64 observedAt);

    static int statusRank(PaymentIntentStatus status);
    static int statusRank(ChargeStatus status);
    static int statusRank(RefundStatus status);

    // The same rule as an SQL condition for `INSERT ... ON CONFLICT (id) DO UPDATE SET ... WHERE <it>`,
    // comparing `excluded` (incoming) with `table` (held) through their status, status_rank, progress
    // and observed_at columns. Valid on SQLite and PostgreSQL.
    static QString sqlCondition(const QString &table);
};

} // namespace kassa::store
