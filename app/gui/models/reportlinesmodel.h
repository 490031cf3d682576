// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/reports/report.h"

#include <QAbstractTableModel>
#include <QList>
#include <QLocale>

namespace kassa::gui {

// One breakdown of a report in one currency as a table: by method and card brand, or by cashier. The
// Reports page hands it the lines ReportService computed (it adds nothing up itself); amounts are shown
// with Money::format and kept in minor units under MinorUnitsRole for sorting.
class ReportLinesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Kind { Method, Cashier };
    enum Column { Name, Brand, Sales, Gross, Refunds, Net, ColumnCount };
    enum ItemRole { KeyRole = Qt::UserRole + 1, MinorUnitsRole, CountRole };

    explicit ReportLinesModel(Kind kind, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    // The lines of `currency` among `lines` (a report's byMethod or byCashier), in their order.
    void setLines(const QList<reports::ReportLine> &lines, Currency currency);
    const reports::ReportLine *line(int row) const;
    // The row whose key (method type or cashier) and brand are these, or -1.
    int rowOf(const QString &key, const QString &brand = {}) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "Card (online)" for "card", "Card reader" for "card_present", the type itself otherwise.
    static QString methodText(const QString &type);
    // "Visa" for "visa", "American Express" for "amex", ...
    static QString brandText(const QString &brand);

private:
    Kind m_kind;
    QList<reports::ReportLine> m_lines;
    QLocale m_locale;
};

} // namespace kassa::gui
