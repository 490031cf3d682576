// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/reports/report.h"

#include <QChartView>
#include <QList>
#include <QLocale>

class QBarSet;

namespace kassa::gui {

// Sales per hour of the day in one currency, as bars (Qt Charts): when the till was busy. It draws the
// hours from the first to the last with sales, and at least 08:00 to 19:59, so that a quiet morning
// still reads as a shop day; when that is more than 14 hours, the whole day on a time axis. Bars are heights
// only: the amounts are converted to major units for the axis and never added up here (the figures come from
// ReportService in minor units).
class HourlySalesChart : public QChartView
{
    Q_OBJECT
public:
    explicit HourlySalesChart(QWidget *parent = nullptr);

    void setSales(const QList<reports::HourOfDay> &hours, Currency currency, const QString &title);

    // The hours drawn (first, last) and the bar heights in minor units, for tests.
    int firstHour() const { return m_first; }
    int lastHour() const { return m_last; }
    QList<qint64> minorUnits() const { return m_values; }

private:
    QLocale m_locale;
    int m_first = 8;
    int m_last = 19;
    QList<qint64> m_values;
};

} // namespace kassa::gui
