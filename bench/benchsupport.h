// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every benchmark in bench/ needs besides its workload: the output streams, the two ways figures
// are printed (the bench_sim/bench_client/bench_webhook style with fixed decimals, and report() of
// bench_store/bench_ingest), nearest-rank percentiles, and CPU time and peak RSS of this process, this
// thread or another process. Linux only (/proc, getrusage, CLOCK_THREAD_CPUTIME_ID).

#include <QString>
#include <QTextStream>

#include <vector>

namespace kassa::bench {

QTextStream &out();
QTextStream &err();

// One figure as `human` and as {"bench": "<bench>", "metric": "...", "value": N, "unit": "..."}, the value
// with `decimals` digits after the point.
void printFigure(const char *bench, const QString &human, const QString &metric, double value, int decimals,
                 const char *unit);
void printFigure(const char *bench, const QString &human, const char *metric, double value, int decimals,
                 const char *unit);
// One figure: "  <label>  <value> <unit>  (goal ...)" and {"bench", "metric", "value", "unit"}.
void report(const QString &bench, const QString &metric, double value, const QString &unit,
            const QString &goal = {});

// The value at `fraction` (0.5, 0.95) of the samples, nearest rank; 0 when there are none.
double percentile(std::vector<double> values, double fraction);
// The same over latencies in nanoseconds, in milliseconds.
double percentileMs(const std::vector<qint64> &latenciesNs, double fraction);

// This process's user and system CPU time (getrusage RUSAGE_SELF), microseconds.
struct CpuTimes
{
    double userUs = 0;
    double systemUs = 0;

    double seconds() const { return (userUs + systemUs) / 1e6; }
};
CpuTimes selfCpu();
// CPU time of the calling thread, seconds: what the work costs regardless of other load on the machine.
double threadCpuSeconds();
// utime + stime of another process, in seconds (/proc/<pid>/stat fields 14 and 15); 0 when unreadable.
double processCpuSeconds(qint64 pid);

// This process's peak resident set (getrusage ru_maxrss), MiB.
double peakRssMiB();
// VmHWM (peak resident set) of another process, in MiB; -1 when unreadable.
double peakRssMiB(qint64 pid);

} // namespace kassa::bench
