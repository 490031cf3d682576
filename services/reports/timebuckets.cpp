// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/reports/timebuckets.h"

#include <QDateTime>

#include <algorithm>
#include <limits>

namespace kassa::reports::timebuckets {

namespace {

// The instants in (from - margin, to + margin) at which the zone's offset really changes (a zone may
// list transitions that only rename its abbreviation), sorted.
QList<qint64> offsetChanges(const QTimeZone &zone, qint64 from, qint64 to)
{
    QList<qint64> changes;
    if (!zone.hasTransitions())
        return changes;
    constexpr qint64 margin = 2 * 86'400;
    const QTimeZone::OffsetDataList transitions =
        zone.transitions(QDateTime::fromSecsSinceEpoch(from - margin, QTimeZone::utc()),
                         QDateTime::fromSecsSinceEpoch(to + margin, QTimeZone::utc()));
    for (const QTimeZone::OffsetData &transition : transitions) {
        const qint64 at = transition.atUtc.toSecsSinceEpoch();
        const int before = zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(at - 1, QTimeZone::utc()));
        if (before != transition.offsetFromUtc)
            changes.append(at);
    }
    std::sort(changes.begin(), changes.end());
    return changes;
}

// The last change at or before `instant`, or the lowest qint64.
qint64 lastChangeUpTo(const QList<qint64> &changes, qint64 instant)
{
    const auto it = std::upper_bound(changes.cbegin(), changes.cend(), instant);
    return it == changes.cbegin() ? std::numeric_limits<qint64>::min() : *(it - 1);
}

// The first change after `instant`, or the highest qint64.
qint64 firstChangeAfter(const QList<qint64> &changes, qint64 instant)
{
    const auto it = std::upper_bound(changes.cbegin(), changes.cend(), instant);
    return it == changes.cend() ? std::numeric_limits<qint64>::max() : *it;
}

// Seconds past the local hour at `instant`.
qint64 intoLocalHour(const QTimeZone &zone, qint64 instant)
{
    const QTime time = QDateTime::fromSecsSinceEpoch(instant, zone).time();
    return qint64(time.minute()) * 60 + time.second();
}

} // namespace

qint64 alignment(const QTimeZone &zone, qint64 from, qint64 to)
{
    QList<qint64> values{zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(from, QTimeZone::utc()))};
    for (const qint64 change : offsetChanges(zone, from, to)) {
        values.append(change);
        values.append(zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(change, QTimeZone::utc())));
    }
    for (const qint64 granule : {3600, 1800, 900, 60}) {
        if (std::all_of(values.cbegin(), values.cend(), [granule](qint64 v) { return v % granule == 0; }))
            return granule;
    }
    return 1;
}

QList<TimeBucket> timeline(BucketSize size, const QTimeZone &zone, qint64 from, qint64 to)
{
    QList<TimeBucket> buckets;
    if (to <= from)
        return buckets;
    const QList<qint64> changes = size == BucketSize::Hour ? offsetChanges(zone, from, to) : QList<qint64>();
    qint64 instant = from;
    while (instant < to) {
        qint64 start = 0;
        qint64 end = 0;
        if (size == BucketSize::Day) {
            const QDate date = QDateTime::fromSecsSinceEpoch(instant, zone).date();
            start = date.startOfDay(zone).toSecsSinceEpoch();
            end = date.addDays(1).startOfDay(zone).toSecsSinceEpoch();
        } else {
            // The local hour that holds `instant`, begun no earlier than the offset it is in (a zone
            // that moves its clock by half an hour starts a new bucket at the change).
            start = std::max(instant - intoLocalHour(zone, instant), lastChangeUpTo(changes, instant));
            end = std::min(start - intoLocalHour(zone, start) + 3600, firstChangeAfter(changes, start));
        }
        end = std::max(end, instant + 1); // never loop on a zone that answers nonsense
        TimeBucket bucket;
        bucket.from = std::max(start, from);
        bucket.to = std::min(end, to);
        bucket.localStart = QDateTime::fromSecsSinceEpoch(start, zone);
        buckets.append(bucket);
        instant = end;
    }
    return buckets;
}

qsizetype indexOf(const QList<TimeBucket> &buckets, qint64 instant)
{
    const auto it =
        std::upper_bound(buckets.cbegin(), buckets.cend(), instant,
                         [](qint64 value, const TimeBucket &bucket) { return value < bucket.from; });
    if (it == buckets.cbegin())
        return -1;
    const qsizetype index = (it - buckets.cbegin()) - 1;
    return instant < buckets.at(index).to ? index : -1;
}

int localHour(const QTimeZone &zone, qint64 instant)
{
    return QDateTime::fromSecsSinceEpoch(instant, zone).time().hour();
}

} // namespace kassa::reports::timebuckets
