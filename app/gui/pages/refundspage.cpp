// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/refundspage.h"

#include "app/gui/models/refundrequestsmodel.h"
#include "app/gui/pages/refunddialogs.h"
#include "services/refunds/refundrequestservice.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHideEvent>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int TouchSize = 44;

QString capitalized(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

QTableView *makeTable(RefundRequestsModel *model, const QString &accessibleName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setAccessibleName(accessibleName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    // Rows a finger can hit.
    table->verticalHeader()->setDefaultSectionSize(TouchSize);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    return table;
}

} // namespace

RefundsPage::RefundsPage(const ConsoleContext &context, refunds::RefundRequestService &service,
                         QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_service(service)
    , m_queueModel(new RefundRequestsModel(this))
    , m_historyModel(new RefundRequestsModel(this))
    , m_queueTitle(new QLabel(this))
    , m_readOnlyHint(new QLabel(this))
    , m_queue(makeTable(m_queueModel, u"Refund requests waiting for approval"_s, this))
    , m_history(makeTable(m_historyModel, u"Refund request history"_s, this))
    , m_approve(new QPushButton(u"Approve…"_s, this))
    , m_reject(new QPushButton(u"Reject…"_s, this))
    , m_request(new QPushButton(u"Request refund…"_s, this))
    , m_onlyMine(new QCheckBox(u"Only my requests"_s, this))
    , m_message(new QLabel(this))
    , m_historyEmpty(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    auto *title = new QLabel(u"<h2>Refunds</h2>"_s, this);
    top->addWidget(title);
    top->addStretch(1);
    m_request->setMinimumHeight(TouchSize);
    m_request->setAccessibleName(u"Request a refund"_s);
    m_request->setToolTip(u"Ask for a refund of a payment; a manager approves it"_s);
    top->addWidget(m_request);
    layout->addLayout(top);

    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Refunds message"_s);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    m_queueTitle->setAccessibleName(u"Approval queue"_s);
    layout->addWidget(m_queueTitle);
    m_readOnlyHint->setText(u"Only a manager or the owner can approve or reject a request."_s);
    m_readOnlyHint->setStyleSheet(u"color: palette(mid);"_s);
    layout->addWidget(m_readOnlyHint);
    // The queue is what the cashier asked: everything that tells a manager whether to say yes.
    m_queue->setColumnHidden(RefundRequestsModel::State, true);
    m_queue->setColumnHidden(RefundRequestsModel::Outcome, true);
    m_queue->setColumnWidth(RefundRequestsModel::Payment, 230);
    m_queue->setColumnWidth(RefundRequestsModel::Amount, 110);
    m_queue->setColumnWidth(RefundRequestsModel::RequestedBy, 110);
    m_queue->setColumnWidth(RefundRequestsModel::RequestedAt, 175);
    m_queue->setColumnWidth(RefundRequestsModel::Reason, 170);
    layout->addWidget(m_queue, 2);

    auto *decide = new QHBoxLayout;
    for (QPushButton *button : {m_approve, m_reject}) {
        button->setMinimumSize(120, TouchSize);
        decide->addWidget(button);
    }
    m_approve->setAccessibleName(u"Approve the selected refund request"_s);
    m_reject->setAccessibleName(u"Reject the selected refund request"_s);
    decide->addStretch(1);
    layout->addLayout(decide);

    auto *historyTop = new QHBoxLayout;
    historyTop->addWidget(new QLabel(u"<b>History</b>"_s, this));
    historyTop->addStretch(1);
    m_onlyMine->setMinimumHeight(TouchSize);
    m_onlyMine->setAccessibleName(u"Show only my requests"_s);
    historyTop->addWidget(m_onlyMine);
    layout->addLayout(historyTop);
    m_history->setColumnHidden(RefundRequestsModel::Note, true);
    m_history->setColumnWidth(RefundRequestsModel::Payment, 230);
    m_history->setColumnWidth(RefundRequestsModel::Amount, 110);
    m_history->setColumnWidth(RefundRequestsModel::RequestedBy, 110);
    m_history->setColumnWidth(RefundRequestsModel::RequestedAt, 175);
    m_history->setColumnWidth(RefundRequestsModel::Reason, 170);
    m_history->setColumnWidth(RefundRequestsModel::State, 150);
    layout->addWidget(m_history, 3);
    m_historyEmpty->setAccessibleName(u"History is empty"_s);
    m_historyEmpty->setStyleSheet(u"color: palette(mid);"_s);
    layout->addWidget(m_historyEmpty);

    connect(m_request, &QPushButton::clicked, this, [this] { openRequestDialog(); });
    connect(m_approve, &QPushButton::clicked, this, &RefundsPage::approveSelected);
    connect(m_reject, &QPushButton::clicked, this, &RefundsPage::rejectSelected);
    connect(m_onlyMine, &QCheckBox::toggled, this, &RefundsPage::refresh);
    connect(m_queue->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RefundsPage::updateButtons);
    connect(m_queueModel, &QAbstractItemModel::modelReset, this, &RefundsPage::updateButtons);
    connect(&m_service, &refunds::RefundRequestService::requestChanged, this, &RefundsPage::refresh);
    // Other tills write to the same store without telling this one.
    m_refreshTimer.setInterval(RefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &RefundsPage::refresh);
    m_refreshTimer.start();
    setUser({});
}

bool RefundsPage::canDecide() const
{
    return m_user.isValid() && allows(m_user.role, Permission::DecideRefunds);
}

void RefundsPage::setUser(const security::ActingUser &user)
{
    if (user.name != m_user.name) {
        // A cashier cares about their own requests; a manager about everybody's.
        m_onlyMine->setChecked(user.isValid() && !allows(user.role, Permission::DecideRefunds));
        setMessage({}, false);
    }
    m_user = user;
    // Dialogs of the previous user do not outlive them (somebody else logged in).
    closeDialogs();
    const bool decider = canDecide();
    m_approve->setVisible(decider);
    m_reject->setVisible(decider);
    m_readOnlyHint->setVisible(m_user.isValid() && !decider);
    m_request->setVisible(m_user.isValid() && allows(m_user.role, Permission::RequestRefunds));
    refresh();
}

void RefundsPage::closeDialogs()
{
    for (QDialog *dialog : std::initializer_list<QDialog *>{m_pinDialog.data(), m_rejectDialog.data(),
                                                            m_requestDialog.data()}) {
        if (dialog)
            dialog->reject();
    }
}

void RefundsPage::hideEvent(QHideEvent *event)
{
    // Spontaneous: the window was minimized; the person at the till is still the same.
    if (!event->spontaneous())
        closeDialogs();
    QWidget::hideEvent(event);
}

QString RefundsPage::message() const
{
    return m_message->text();
}

void RefundsPage::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : QString());
    m_message->setVisible(!text.isEmpty());
}

void RefundsPage::refresh()
{
    if (!m_user.isValid()) {
        m_queueModel->setRows({});
        m_historyModel->setRows({});
        m_queueTitle->setText(u"<b>Waiting for approval</b>"_s);
        return;
    }
    const QString selected = selectedPendingId();
    const auto pending = m_service.pending(m_user);
    const auto history = m_service.history(m_user, HistoryLimit);
    if (!pending.ok() || !history.ok()) {
        setMessage(u"Cannot read the refund requests: "_s +
                       (pending.ok() ? history.error().message : pending.error().message),
                   true);
        return;
    }
    m_queueModel->setRows(pending.value());
    const int waiting = int(pending.value().size());
    m_queueTitle->setText(waiting == 0 ? u"<b>Waiting for approval</b>: none"_s
                                       : u"<b>Waiting for approval</b>: %1"_s.arg(waiting));
    QList<store::RefundRequestRow> decided;
    for (const store::RefundRequestRow &row : history.value()) {
        // Pending requests are in the queue above; the history is what became of them.
        if (row.state == QLatin1StringView(store::RefundRequestRow::Pending))
            continue;
        if (m_onlyMine->isChecked() && row.requestedBy != m_user.name)
            continue;
        decided << row;
    }
    m_historyModel->setRows(decided);
    // An empty table says nothing; say why it is empty.
    m_historyEmpty->setText(m_onlyMine->isChecked() ? u"None of your requests has been decided yet."_s
                                                    : u"No request has been decided yet."_s);
    m_historyEmpty->setVisible(decided.isEmpty());
    if (!selected.isEmpty() && selectedPendingId() != selected)
        selectPending(selected);
    updateButtons();
}

bool RefundsPage::selectPending(const QString &id)
{
    const int row = m_queueModel->rowOf(id);
    if (row < 0)
        return false;
    m_queue->selectRow(row);
    return true;
}

QString RefundsPage::selectedPendingId() const
{
    const QModelIndexList rows = m_queue->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const store::RefundRequestRow *row = m_queueModel->request(rows.first().row());
    return row ? row->id : QString();
}

void RefundsPage::updateButtons()
{
    const bool selected = !selectedPendingId().isEmpty();
    m_approve->setEnabled(canDecide() && selected && !m_approving);
    m_reject->setEnabled(canDecide() && selected && !m_approving);
}

void RefundsPage::openRequestDialog(const QString &paymentIntentId)
{
    if (!m_user.isValid() || !allows(m_user.role, Permission::RequestRefunds)) {
        setMessage(u"Log in to request a refund."_s, true);
        return;
    }
    if (RefundRequestDialog *open = m_requestDialog.data()) {
        open->raise();
        return;
    }
    auto *dialog = new RefundRequestDialog(m_service, m_user, paymentIntentId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RefundRequestDialog::requested, this, [this](const QString &text) {
        setMessage(text, false);
        refresh();
    });
    m_requestDialog = dialog;
    dialog->open();
}

void RefundsPage::approveSelected()
{
    if (!canDecide()) {
        setMessage(u"Only a manager or the owner can approve a refund."_s, true);
        return;
    }
    const store::RefundRequestRow *row = m_queueModel->request(m_queueModel->rowOf(selectedPendingId()));
    if (!row) {
        setMessage(u"Pick a request in the list first."_s, true);
        return;
    }
    const QString id = row->id;
    const QString action = u"Approve a refund of %1 for %2, asked for by %3"_s.arg(
        row->amount.format(QLocale()), row->paymentIntentId, row->requestedBy);
    auto *dialog = new PinCheckDialog(m_context, m_user, action, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, id] { approveAs(dialog->authenticatedUser(), id); });
    m_pinDialog = dialog;
    dialog->open();
}

void RefundsPage::approveAs(const security::ActingUser &approver, const QString &requestId)
{
    m_approving = true;
    updateButtons();
    setMessage(u"Sending the refund to Stripe…"_s, false);
    QPointer<RefundsPage> self(this);
    m_service.approve(approver, requestId, [self](const refunds::RefundRequestOutcome &outcome) {
        RefundsPage *page = self.data();
        if (!page)
            return;
        page->m_approving = false;
        using Kind = refunds::RefundRequestOutcome::Kind;
        page->setMessage(capitalized(outcome.message),
                         outcome.kind == Kind::Refused || outcome.kind == Kind::Failed);
        page->refresh();
    });
}

void RefundsPage::rejectSelected()
{
    if (!canDecide()) {
        setMessage(u"Only a manager or the owner can reject a refund."_s, true);
        return;
    }
    const store::RefundRequestRow *row = m_queueModel->request(m_queueModel->rowOf(selectedPendingId()));
    if (!row) {
        setMessage(u"Pick a request in the list first."_s, true);
        return;
    }
    const QString id = row->id;
    auto *dialog =
        new RejectDialog(u"Refund of %1 for %2, asked for by %3."_s.arg(
                             row->amount.format(QLocale()), row->paymentIntentId, row->requestedBy),
                         this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, id] {
        const refunds::RefundRequestOutcome outcome = m_service.reject(m_user, id, dialog->reason());
        setMessage(capitalized(outcome.message),
                   outcome.kind == refunds::RefundRequestOutcome::Kind::Refused);
        refresh();
    });
    m_rejectDialog = dialog;
    dialog->open();
}

} // namespace kassa::gui
