// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/refundrequestrepository.h"

#include <QAbstractTableModel>
#include <QList>
#include <QLocale>

namespace kassa::gui {

// Refund requests as a table: the approval queue (pending ones) or the history (every state). The page
// reads the rows from RefundRequestService and hands them over whole; when the same requests come back
// in the same order (a periodic refresh, a state change) the rows change in place, so that the
// selection and the scroll position stay where the manager left them.
class RefundRequestsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Payment, Amount, RequestedBy, RequestedAt, Reason, Note, State, Outcome, ColumnCount };
    enum ItemRole { RequestIdRole = Qt::UserRole + 1, StateRole, AmountMinorRole };

    explicit RefundRequestsModel(QObject *parent = nullptr);

    void setRows(const QList<store::RefundRequestRow> &rows);
    const store::RefundRequestRow *request(int row) const;
    // The row of request `id`, or -1.
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "Requested by customer" for "requested_by_customer"; a dash for none.
    static QString reasonText(const QString &stripeReason);
    // "Waiting for a manager", "Rejected", "Refunded", ...: the state in a manager's words.
    static QString stateText(const QString &state);
    // What became of it: who decided, the rejection's reason, the refund's id, Stripe's failure reason.
    static QString outcomeText(const store::RefundRequestRow &row);

private:
    QList<store::RefundRequestRow> m_rows;
    QLocale m_locale;
};

} // namespace kassa::gui
