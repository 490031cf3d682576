// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>

using namespace Qt::StringLiterals;

namespace kassa::bench {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

void printFigure(const char *bench, const QString &human, const QString &metric, double value, int decimals,
                 const char *unit)
{
    out() << human << Qt::endl;
    out() << "{\"bench\": \"" << bench << "\", \"metric\": \"" << metric
          << "\", \"value\": " << QString::number(value, 'f', decimals) << ", \"unit\": \"" << unit << "\"}"
          << Qt::endl;
}

void printFigure(const char *bench, const QString &human, const char *metric, double value, int decimals,
                 const char *unit)
{
    printFigure(bench, human, QString::fromUtf8(metric), value, decimals, unit);
}

void report(const QString &bench, const QString &metric, double value, const QString &unit,
            const QString &goal)
{
    const int decimals = std::abs(value) >= 100 ? 0 : (std::abs(value) >= 10 ? 1 : 2);
    QString line = u"  %1  %2 %3"_s.arg(metric, -40).arg(value, 0, 'f', decimals).arg(unit);
    if (!goal.isEmpty())
        line += u"   (goal %1)"_s.arg(goal);
    out() << line << Qt::endl;
    const QJsonObject json{
        {u"bench"_s, bench}, {u"metric"_s, metric}, {u"value"_s, value}, {u"unit"_s, unit}};
    out() << QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)) << Qt::endl;
}

double percentile(std::vector<double> values, double fraction)
{
    if (values.empty())
        return 0;
    const auto rank =
        std::min(values.size() - 1, static_cast<size_t>(std::ceil(fraction * double(values.size())) - 1));
    std::nth_element(values.begin(), values.begin() + qsizetype(rank), values.end());
    return values[rank];
}

double percentileMs(const std::vector<qint64> &latenciesNs, double fraction)
{
    // Nanosecond counts convert to double exactly (below 2^53), so the rank picks the same sample.
    return percentile(std::vector<double>(latenciesNs.begin(), latenciesNs.end()), fraction) / 1e6;
}

CpuTimes selfCpu()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return {double(usage.ru_utime.tv_sec) * 1e6 + double(usage.ru_utime.tv_usec),
            double(usage.ru_stime.tv_sec) * 1e6 + double(usage.ru_stime.tv_usec)};
}

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

double processCpuSeconds(qint64 pid)
{
    QFile file(u"/proc/%1/stat"_s.arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = file.readAll();
    // The command name (field 2) may contain spaces: count fields from its closing parenthesis.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    const double ticks = double(fields.at(11).toLongLong() + fields.at(12).toLongLong());
    return ticks / double(sysconf(_SC_CLK_TCK));
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // Linux: KiB
}

double peakRssMiB(qint64 pid)
{
    QFile file(u"/proc/%1/status"_s.arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmHWM:"))
            return double(line.mid(6).trimmed().split(' ').value(0).toLongLong()) / 1024.0;
    }
    return -1;
}

} // namespace kassa::bench
