// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/reports/report.h"

namespace kassa::reports {

ReportRequest ReportRequest::forDay(QDate date, const QTimeZone &zone)
{
    return forDates(date, date, zone);
}

ReportRequest ReportRequest::forDates(QDate first, QDate last, const QTimeZone &zone)
{
    ReportRequest request;
    request.timeZone = zone;
    request.from = first.startOfDay(zone).toSecsSinceEpoch();
    request.to = last.addDays(1).startOfDay(zone).toSecsSinceEpoch();
    return request;
}

BucketSize ReportRequest::effectiveBucketSize() const
{
    if (bucketSize != BucketSize::Automatic)
        return bucketSize;
    return to - from <= 25 * 3600 ? BucketSize::Hour : BucketSize::Day;
}

ReportRequest Shift::request(qint64 now, const QTimeZone &zone) const
{
    ReportRequest request;
    request.from = start;
    request.to = end.value_or(now);
    request.till = till;
    request.cashier = cashier;
    request.timeZone = zone;
    return request;
}

const CurrencyTotals *Report::totalsFor(Currency currency) const
{
    for (const CurrencyTotals &item : totals) {
        if (item.currency == currency)
            return &item;
    }
    return nullptr;
}

} // namespace kassa::reports
