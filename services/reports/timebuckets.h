// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Cutting a period into local hours and days, and the arithmetic that lets SQL group by plain integer
// division while the buckets stay true to the local clock.
//
// SQL groups payments by floor(created / alignment), in UTC. The alignment is chosen so that every
// local hour and day boundary of the period falls on a multiple of it: the largest of 3600, 1800, 900,
// 60 and 1 seconds that divides every UTC offset the zone uses in the period and every instant at which
// the offset changes. Then each granule lies inside exactly one local bucket, whatever the offset did in
// between, and the granules are mapped to buckets here with the zone's own rules (never by adding one
// offset to the whole period, which is wrong on the days the clocks change).

#include "services/reports/report.h"

#include <QList>
#include <QTimeZone>

namespace kassa::reports::timebuckets {

// The granule SQL groups by for [from, to) in `zone`, in seconds.
qint64 alignment(const QTimeZone &zone, qint64 from, qint64 to);

// The buckets of [from, to): each local hour or day that overlaps the period, cut to it, in order, with
// empty sales. `size` is Hour or Day.
QList<TimeBucket> timeline(BucketSize size, const QTimeZone &zone, qint64 from, qint64 to);

// The index of the bucket of `buckets` (from timeline()) that holds `instant`, or -1.
qsizetype indexOf(const QList<TimeBucket> &buckets, qint64 instant);

// The local hour of the day (0-23) at `instant`.
int localHour(const QTimeZone &zone, qint64 instant);

} // namespace kassa::reports::timebuckets
