// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/currency.h"
#include "core/money.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <optional>

namespace kassa::reports {

// The width of the buckets of a report's timeline (the sales chart).
enum class BucketSize {
    Automatic, // Hour for a period of at most 25 hours (the longest local day), else Day
    Hour,      // one bucket per local hour: 23 on the day clocks go forward, 25 on the day they go back
    Day,       // one bucket per local calendar day
};

// What a report covers: the payments and refunds created in [from, to), optionally of one till and/or
// one cashier, with its timeline bucketed in `timeZone` (the shop's zone, not necessarily the system's).
struct ReportRequest
{
    qint64 from = 0; // Unix seconds, inclusive
    qint64 to = 0;   // Unix seconds, exclusive; a period with to <= from is empty
    QString till;    // metadata.kassa_till, exactly; empty: every till
    QString cashier; // metadata.kassa_cashier, exactly; empty: every cashier
    QTimeZone timeZone = QTimeZone::systemTimeZone();
    BucketSize bucketSize = BucketSize::Automatic;

    // The local calendar day `date` in `zone` (23, 24 or 25 hours long).
    static ReportRequest forDay(QDate date, const QTimeZone &zone);
    // The local days first to last, both included.
    static ReportRequest forDates(QDate first, QDate last, const QTimeZone &zone);

    // Hour or Day: what Automatic stands for in this period.
    BucketSize effectiveBucketSize() const;
};

// A cashier's shift at a till: from its start to its end, or to now while it is open. Its report is the
// report of that period filtered to the till and the cashier (either may be empty: a till-wide cash-up
// leaves the cashier empty).
struct Shift
{
    QString till;
    QString cashier;
    qint64 start = 0;               // Unix seconds
    std::optional<qint64> end = {}; // Unix seconds, exclusive; none while the shift is open

    bool isOpen() const { return !end.has_value(); }
    friend bool operator==(const Shift &, const Shift &) = default;
    // The request for this shift as it stands at `now` (used as the end while the shift is open).
    ReportRequest request(qint64 now, const QTimeZone &zone) const;
};

// Sales in one currency: how many and how much.
struct SalesAmount
{
    Money gross;
    qint64 count = 0;

    friend bool operator==(const SalesAmount &, const SalesAmount &) = default;
};

// The figures of one currency. Currencies are never added together: a shop that takes EUR and CHF gets
// two of these.
//
// Which period a refund belongs to: the one in which the refund was created, not the one of the payment
// it returns. That is what a cash-up expects (the money left the till today, whenever it came in), so a
// period's refunds may return payments of earlier periods and its net may be negative.
struct CurrencyTotals
{
    Currency currency;
    Money gross;            // amount_received of the succeeded payments created in the period
    Money refunded;         // succeeded refunds created in the period
    Money pendingRefunds;   // refunds created in the period and not settled yet (pending, requires_action)
    Money net;              // gross - refunded
    Money averageSale;      // gross / salesCount, rounded half up to a minor unit; zero without sales
    qint64 salesCount = 0;  // succeeded payments
    qint64 refundCount = 0; // succeeded refunds
    qint64 pendingRefundCount = 0;
    qint64 failedRefundCount =
        0; // failed or canceled refunds: no money moved, shown so that nobody is surprised
    // Payments created in the period that did not succeed and whose last attempt was declined or
    // failed (the store keeps a payment's last error, so retries of one payment count once).
    qint64 declinedCount = 0;
    // Payments created in the period and canceled (a canceled payment that was declined first counts
    // in both).
    qint64 canceledCount = 0;

    friend bool operator==(const CurrencyTotals &, const CurrencyTotals &) = default;
};

// One group of a breakdown (a payment method and brand, a cashier, a till) in one currency. Refunds
// have no till or cashier of their own in the store: they count for the payment they return (its till,
// cashier, method and brand), in the period in which they were made.
struct ReportLine
{
    QString key;   // the method type ("card", "card_present"), cashier or till; empty when unknown
    QString brand; // by method: the card brand ("visa"), empty for methods without one; else empty
    Currency currency;
    qint64 salesCount = 0;
    Money gross;
    qint64 refundCount = 0;
    Money refunded; // succeeded refunds
    Money net;      // gross - refunded

    friend bool operator==(const ReportLine &, const ReportLine &) = default;
};

// One bucket of the timeline: a local hour or a local day, cut to the period.
struct TimeBucket
{
    qint64 from = 0;          // Unix seconds, inclusive (the bucket's start, or the period's when later)
    qint64 to = 0;            // Unix seconds, exclusive
    QDateTime localStart;     // the start of the local hour or day, in the report's zone (for labels)
    QList<SalesAmount> sales; // per currency with sales in the bucket, by currency code; empty: none

    friend bool operator==(const TimeBucket &, const TimeBucket &) = default;
};

// Sales at one local hour of the day (0-23) over the whole period: when the shop is busy.
struct HourOfDay
{
    int hour = 0;
    QList<SalesAmount> sales; // per currency, by currency code

    friend bool operator==(const HourOfDay &, const HourOfDay &) = default;
};

struct Report
{
    ReportRequest request;
    qint64 generatedAt = 0;                   // Unix seconds, the store's clock
    QList<CurrencyTotals> totals;             // by currency code; only currencies with activity in the period
    QList<ReportLine> byMethod;               // by currency, method, brand
    QList<ReportLine> byCashier;              // by currency, cashier
    QList<ReportLine> byTill;                 // by currency, till
    BucketSize bucketSize = BucketSize::Hour; // Hour or Day
    QList<TimeBucket> timeline;               // every bucket of the period in order, empty ones included
    QList<HourOfDay> hoursOfDay;              // 24 entries, hour 0 to 23

    // True when nothing at all happened in the period.
    bool isEmpty() const { return totals.isEmpty(); }
    // The totals of `currency`, or nullptr.
    const CurrencyTotals *totalsFor(Currency currency) const;
};

} // namespace kassa::reports
