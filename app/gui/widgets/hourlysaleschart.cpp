// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/widgets/hourlysaleschart.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int DefaultFirstHour = 8;
constexpr int DefaultLastHour = 19;
// Two-digit hour labels stay readable side by side up to about this many bars at the chart's width.
constexpr int MaxLabelledHours = 14;

} // namespace

HourlySalesChart::HourlySalesChart(QWidget *parent)
    : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(420, 260);
    chart()->legend()->hide();
    chart()->setMargins(QMargins(4, 4, 4, 4));
    chart()->setBackgroundRoundness(0);
    setAccessibleName(u"Sales per hour chart"_s);
}

void HourlySalesChart::setSales(const QList<reports::HourOfDay> &hours, Currency currency,
                                const QString &title)
{
    QList<qint64> byHour(24, 0);
    QList<qint64> counts(24, 0);
    m_first = DefaultFirstHour;
    m_last = DefaultLastHour;
    for (const reports::HourOfDay &hour : hours) {
        for (const reports::SalesAmount &sales : hour.sales) {
            if (sales.gross.currency() != currency || hour.hour < 0 || hour.hour > 23)
                continue;
            byHour[hour.hour] = sales.gross.minorUnits();
            counts[hour.hour] = sales.count;
            m_first = std::min(m_first, hour.hour);
            m_last = std::max(m_last, hour.hour);
        }
    }

    // More hours than fit as labelled categories: the whole day, on a time axis labelled every three
    // hours, each bar at its hour.
    const bool wholeDay = m_last - m_first + 1 > MaxLabelledHours;
    if (wholeDay) {
        m_first = 0;
        m_last = 23;
    }

    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes())
        c->removeAxis(axis);
    c->setTitle(title);
    QFont titleFont = c->titleFont();
    titleFont.setBold(true);
    c->setTitleFont(titleFont);

    auto *set = new QBarSet(currency.upperCode());
    set->setColor(QColor(0x63, 0x5b, 0xff));
    QStringList labels;
    m_values.clear();
    double scale = 1;
    for (int i = 0; i < currency.exponent(); ++i)
        scale *= 10;
    qint64 highest = 0;
    for (int hour = m_first; hour <= m_last; ++hour) {
        labels << u"%1"_s.arg(hour, 2, 10, QChar(u'0'));
        m_values << byHour.at(hour);
        highest = std::max(highest, byHour.at(hour));
        // A bar's height on the screen only; the amount itself stays in minor units.
        set->append(double(byHour.at(hour)) / scale);
    }
    auto *series = new QBarSeries;
    series->append(set);
    series->setBarWidth(0.8);
    c->addSeries(series);

    QAbstractAxis *hoursAxis = nullptr;
    if (wholeDay) {
        auto *axis = new QValueAxis;
        axis->setRange(-0.5, 23.5);
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
        axis->setTickInterval(3);
        axis->setLabelFormat(u"%02.0f"_s);
        hoursAxis = axis;
    } else {
        auto *axis = new QBarCategoryAxis;
        axis->append(labels);
        hoursAxis = axis;
    }
    hoursAxis->setTitleText(u"Hour of the day"_s);
    c->addAxis(hoursAxis, Qt::AlignBottom);
    series->attachAxis(hoursAxis);

    auto *amountAxis = new QValueAxis;
    amountAxis->setRange(0, highest > 0 ? double(highest) / scale : 1.0);
    amountAxis->applyNiceNumbers();
    amountAxis->setLabelFormat(u"%.0f"_s);
    amountAxis->setTitleText(currency.upperCode());
    c->addAxis(amountAxis, Qt::AlignLeft);
    series->attachAxis(amountAxis);

    for (QAbstractAxis *axis : {hoursAxis, static_cast<QAbstractAxis *>(amountAxis)}) {
        QFont font = axis->labelsFont();
        font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
        axis->setLabelsFont(font);
        axis->setTitleFont(font);
    }

    // Hovering a bar says what it stands for, in the currency's own format.
    const int first = m_first;
    connect(set, &QBarSet::hovered, this, [this, first, byHour, counts, currency](bool status, int index) {
        if (!status) {
            QToolTip::hideText();
            return;
        }
        const int hour = first + index;
        if (hour < 0 || hour > 23)
            return;
        QToolTip::showText(QCursor::pos(), u"%1:00–%1:59  %2 sales  %3"_s.arg(hour, 2, 10, QChar(u'0'))
                                               .arg(m_locale.toString(counts.at(hour)))
                                               .arg(Money(byHour.at(hour), currency).format(m_locale)));
    });
}

} // namespace kassa::gui
