// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/models/reportlinesmodel.h"

using namespace Qt::StringLiterals;

namespace kassa::gui {

ReportLinesModel::ReportLinesModel(Kind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{
}

void ReportLinesModel::setLines(const QList<reports::ReportLine> &lines, Currency currency)
{
    beginResetModel();
    m_lines.clear();
    for (const reports::ReportLine &line : lines) {
        if (line.currency == currency)
            m_lines.append(line);
    }
    endResetModel();
}

const reports::ReportLine *ReportLinesModel::line(int row) const
{
    return row >= 0 && row < m_lines.size() ? &m_lines.at(row) : nullptr;
}

int ReportLinesModel::rowOf(const QString &key, const QString &brand) const
{
    for (int row = 0; row < m_lines.size(); ++row) {
        if (m_lines.at(row).key == key && m_lines.at(row).brand == brand)
            return row;
    }
    return -1;
}

int ReportLinesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int ReportLinesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ReportLinesModel::methodText(const QString &type)
{
    if (type == u"card"_s)
        return u"Card (online)"_s;
    if (type == u"card_present"_s)
        return u"Card reader"_s;
    if (type == u"link"_s)
        return u"Link"_s;
    if (type == u"paypal"_s)
        return u"PayPal"_s;
    return type;
}

QString ReportLinesModel::brandText(const QString &brand)
{
    static const QList<std::pair<QString, QString>> names{
        {u"amex"_s, u"American Express"_s},
        {u"diners"_s, u"Diners Club"_s},
        {u"discover"_s, u"Discover"_s},
        {u"jcb"_s, u"JCB"_s},
        {u"mastercard"_s, u"Mastercard"_s},
        {u"unionpay"_s, u"UnionPay"_s},
        {u"visa"_s, u"Visa"_s},
        {u"eftpos_au"_s, u"eftpos"_s},
        {u"cartes_bancaires"_s, u"CB"_s},
    };
    for (const auto &[code, name] : names) {
        if (code == brand)
            return name;
    }
    return brand;
}

QVariant ReportLinesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const reports::ReportLine &line = m_lines.at(index.row());
    const auto money = [&](const Money &amount) -> QVariant {
        if (role == Qt::DisplayRole)
            return amount.format(m_locale);
        if (role == MinorUnitsRole)
            return amount.minorUnits();
        return {};
    };
    if (role == KeyRole)
        return line.key;
    if (role == Qt::TextAlignmentRole) {
        if (index.column() >= Sales)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
    switch (index.column()) {
    case Name:
        if (role != Qt::DisplayRole)
            return {};
        if (line.key.isEmpty())
            return m_kind == Kind::Method ? u"Unknown"_s : u"No cashier"_s;
        return m_kind == Kind::Method ? methodText(line.key) : line.key;
    case Brand:
        return role == Qt::DisplayRole ? QVariant(brandText(line.brand)) : QVariant();
    case Sales:
        if (role == Qt::DisplayRole)
            return m_locale.toString(line.salesCount);
        if (role == CountRole)
            return line.salesCount;
        return {};
    case Gross:
        return money(line.gross);
    case Refunds:
        if (role == CountRole)
            return line.refundCount;
        return money(line.refunded);
    case Net:
        return money(line.net);
    default:
        return {};
    }
}

QVariant ReportLinesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return m_kind == Kind::Method ? u"Method"_s : u"Cashier"_s;
    case Brand:
        return u"Brand"_s;
    case Sales:
        return u"Sales"_s;
    case Gross:
        return u"Gross"_s;
    case Refunds:
        return u"Refunds"_s;
    case Net:
        return u"Net"_s;
    default:
        return {};
    }
}

} // namespace kassa::gui
