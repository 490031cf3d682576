// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/pages/refunddialogs.h"
#include "app/gui/shell/consolecontext.h"
#include "services/security/actinguser.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableView;

namespace kassa::refunds {
class RefundRequestService;
}

namespace kassa::gui {

class RefundRequestsModel;

// Refund approval (issue 6): the queue of pending requests every till shares, and the history of what
// became of them. Managers and the owner approve (after entering their PIN again: PinCheckDialog, and
// the user UserService vouched for is the approver RefundRequestService gets) or reject with a reason;
// cashiers see the queue read-only, and in the history their own requests first of all. Anyone who
// may ask for refunds opens RefundRequestDialog from here. The lists follow this till's changes at
// once (requestChanged) and other tills' every RefreshIntervalMs.
//
// The dialogs are opened window-modal with open(), not exec(): the page keeps refreshing behind them,
// and tests reach them through pinDialog() and friends.
class RefundsPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int RefreshIntervalMs = 15'000;
    static constexpr int HistoryLimit = 200;

    RefundsPage(const ConsoleContext &context, refunds::RefundRequestService &service,
                QWidget *parent = nullptr);

    // Who works at the till now; nobody (invalid) while locked.
    void setUser(const security::ActingUser &user);
    const security::ActingUser &user() const { return m_user; }
    bool canDecide() const;

    RefundRequestsModel *queueModel() const { return m_queueModel; }
    RefundRequestsModel *historyModel() const { return m_historyModel; }
    QTableView *queueTable() const { return m_queue; }
    QTableView *historyTable() const { return m_history; }
    QPushButton *approveButton() const { return m_approve; }
    QPushButton *rejectButton() const { return m_reject; }
    QPushButton *requestButton() const { return m_request; }
    QCheckBox *onlyMineBox() const { return m_onlyMine; }
    QString message() const;

    PinCheckDialog *pinDialog() const { return m_pinDialog.data(); }
    RejectDialog *rejectDialog() const { return m_rejectDialog.data(); }
    RefundRequestDialog *requestDialog() const { return m_requestDialog.data(); }

    // Selects request `id` in the queue; false when it is not there.
    bool selectPending(const QString &id);
    QString selectedPendingId() const;

public slots:
    // Reads the queue and the history again.
    void refresh();
    // A new request, for `paymentIntentId` when given (the Transactions page's selected payment).
    void openRequestDialog(const QString &paymentIntentId = {});
    void approveSelected();
    void rejectSelected();

protected:
    // The till locked (or another page was picked): the open dialog goes, so that no PIN or refund
    // dialog stays up over the log-in screen for the next person.
    void hideEvent(QHideEvent *event) override;

private:
    void closeDialogs();
    void updateButtons();
    void setMessage(const QString &text, bool error);
    void approveAs(const security::ActingUser &approver, const QString &requestId);

    ConsoleContext m_context;
    refunds::RefundRequestService &m_service;
    security::ActingUser m_user;
    RefundRequestsModel *m_queueModel;
    RefundRequestsModel *m_historyModel;
    QLabel *m_queueTitle;
    QLabel *m_readOnlyHint;
    QTableView *m_queue;
    QTableView *m_history;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QPushButton *m_request;
    QCheckBox *m_onlyMine;
    QLabel *m_message;
    QLabel *m_historyEmpty;
    QTimer m_refreshTimer;
    QPointer<PinCheckDialog> m_pinDialog;
    QPointer<RejectDialog> m_rejectDialog;
    QPointer<RefundRequestDialog> m_requestDialog;
    bool m_approving = false;
};

} // namespace kassa::gui
