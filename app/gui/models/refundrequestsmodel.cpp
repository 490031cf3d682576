// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/models/refundrequestsmodel.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace kassa::gui {

using store::RefundRequestRow;

RefundRequestsModel::RefundRequestsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RefundRequestsModel::setRows(const QList<RefundRequestRow> &rows)
{
    bool sameIds = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameIds && i < rows.size(); ++i)
        sameIds = rows.at(i).id == m_rows.at(i).id;
    if (!sameIds) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (rows.at(i) == m_rows.at(i))
            continue;
        m_rows[i] = rows.at(i);
        emit dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
    }
}

const RefundRequestRow *RefundRequestsModel::request(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int RefundRequestsModel::rowOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return int(i);
    }
    return -1;
}

int RefundRequestsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RefundRequestsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RefundRequestsModel::reasonText(const QString &stripeReason)
{
    if (stripeReason == u"requested_by_customer"_s)
        return u"Requested by customer"_s;
    if (stripeReason == u"duplicate"_s)
        return u"Duplicate payment"_s;
    if (stripeReason == u"fraudulent"_s)
        return u"Fraudulent"_s;
    return stripeReason.isEmpty() ? u"—"_s : stripeReason;
}

QString RefundRequestsModel::stateText(const QString &state)
{
    if (state == QLatin1StringView(RefundRequestRow::Pending))
        return u"Waiting for approval"_s;
    if (state == QLatin1StringView(RefundRequestRow::Approved))
        return u"Approved, sending"_s;
    if (state == QLatin1StringView(RefundRequestRow::Rejected))
        return u"Rejected"_s;
    if (state == QLatin1StringView(RefundRequestRow::Succeeded))
        return u"Refunded"_s;
    if (state == QLatin1StringView(RefundRequestRow::Failed))
        return u"Failed"_s;
    if (state == QLatin1StringView(RefundRequestRow::Canceled))
        return u"Withdrawn"_s;
    return state;
}

QString RefundRequestsModel::outcomeText(const RefundRequestRow &row)
{
    const QString &state = row.state;
    if (state == QLatin1StringView(RefundRequestRow::Pending))
        return {};
    if (state == QLatin1StringView(RefundRequestRow::Rejected))
        return u"By %1: %2"_s.arg(row.decidedBy, row.decisionReason);
    if (state == QLatin1StringView(RefundRequestRow::Succeeded))
        return u"%1 (approved by %2)"_s.arg(row.refundId, row.decidedBy);
    if (state == QLatin1StringView(RefundRequestRow::Failed))
        return row.failureReason.isEmpty() ? u"Stripe gave no reason"_s : row.failureReason;
    if (state == QLatin1StringView(RefundRequestRow::Approved))
        return u"Approved by %1, waiting for Stripe"_s.arg(row.decidedBy);
    return {};
}

QVariant RefundRequestsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RefundRequestRow &row = m_rows.at(index.row());
    switch (role) {
    case RequestIdRole:
        return row.id;
    case StateRole:
        return row.state;
    case AmountMinorRole:
        return row.amount.minorUnits();
    case Qt::TextAlignmentRole:
        if (index.column() == Amount)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Note || index.column() == Outcome)
            return index.column() == Note ? row.note : outcomeText(row);
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Payment:
        return row.paymentIntentId;
    case Amount:
        return row.amount.format(m_locale);
    case RequestedBy:
        return row.requestedBy;
    case RequestedAt:
        return m_locale.toString(QDateTime::fromSecsSinceEpoch(row.requestedAt), QLocale::ShortFormat);
    case Reason:
        return reasonText(row.reason);
    case Note:
        return row.note;
    case State:
        return stateText(row.state);
    case Outcome:
        return outcomeText(row);
    default:
        return {};
    }
}

QVariant RefundRequestsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Payment:
        return u"Payment"_s;
    case Amount:
        return u"Amount"_s;
    case RequestedBy:
        return u"Requested by"_s;
    case RequestedAt:
        return u"When"_s;
    case Reason:
        return u"Reason"_s;
    case Note:
        return u"Note"_s;
    case State:
        return u"Status"_s;
    case Outcome:
        return u"Outcome"_s;
    default:
        return {};
    }
}

} // namespace kassa::gui
