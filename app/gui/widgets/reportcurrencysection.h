// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/reports/report.h"

#include <QList>
#include <QLocale>
#include <QWidget>

class QGridLayout;
class QLabel;
class QTableView;

namespace kassa::gui {

class HourlySalesChart;
class ReportLinesModel;

// One currency of a report on the Reports page: the figures (gross, refunds, net, number of sales,
// average sale, refunds waiting, declines and cancellations), the breakdowns by method and card brand
// and by cashier, and the sales per hour. Reused across refreshes of the same currency, so that the
// models stay the same objects and a refresh only resets them.
class ReportCurrencySection : public QWidget
{
    Q_OBJECT
public:
    explicit ReportCurrencySection(Currency currency, QWidget *parent = nullptr);

    Currency currency() const { return m_currency; }
    void setReport(const reports::Report &report, const QLocale &locale);

    // The text shown for a figure: "gross", "refunds", "net", "sales", "average", "pending", "declined".
    QString figure(const QString &name) const;
    ReportLinesModel *methodModel() const { return m_methods; }
    ReportLinesModel *cashierModel() const { return m_cashiers; }
    QTableView *methodTable() const { return m_methodTable; }
    QTableView *cashierTable() const { return m_cashierTable; }
    HourlySalesChart *chart() const { return m_chart; }

private:
    QLabel *addFigure(const QString &name, const QString &caption, bool large);
    void fitTable(QTableView *table);

    Currency m_currency;
    QList<std::pair<QString, QLabel *>> m_figures;
    QLabel *m_title;
    QGridLayout *m_figureGrid;
    ReportLinesModel *m_methods;
    ReportLinesModel *m_cashiers;
    QTableView *m_methodTable;
    QTableView *m_cashierTable;
    QLabel *m_cashierCaption = nullptr;
    HourlySalesChart *m_chart;
};

} // namespace kassa::gui
