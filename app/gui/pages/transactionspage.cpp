// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/transactionspage.h"

#include "app/gui/models/transactionsmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

TransactionsPage::TransactionsPage(store::Database &db, QWidget *parent)
    : QWidget(parent)
    , m_model(new TransactionsModel(db, this))
    , m_search(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_table(new QTableView(this))
    , m_refund(new QPushButton(u"Request refund…"_s, this))
{
    setObjectName(u"transactionsPage"_s);
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    m_search->setObjectName(u"transactionsSearch"_s);
    m_search->setPlaceholderText(u"Search: payment id, last 4 digits, order, customer, description"_s);
    m_search->setAccessibleName(u"Search transactions"_s);
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumHeight(36);
    bar->addWidget(m_search, 1);
    m_summary->setObjectName(u"transactionsSummary"_s);
    bar->addWidget(m_summary);
    // Shown only when a page for refund requests plugged in (setRefundsEnabled).
    m_refund->setAccessibleName(u"Request a refund of the selected payment"_s);
    m_refund->setMinimumHeight(44);
    m_refund->setEnabled(false);
    m_refund->setVisible(false);
    bar->addWidget(m_refund);
    layout->addLayout(bar);

    m_table->setObjectName(u"transactionsTable"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(TransactionsModel::DescriptionColumn,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSortIndicator(TransactionsModel::DateColumn, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    layout->addWidget(m_table, 1);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(SearchDelayMs);
    connect(&m_searchTimer, &QTimer::timeout, this, &TransactionsPage::applySearch);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchTimer.stop();
        applySearch();
    });
    connect(m_model, &PagedTableModel::totalCountChanged, this, &TransactionsPage::updateSummary);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_refund->setEnabled(!selectedPaymentId().isEmpty()); });
    connect(m_model, &QAbstractItemModel::modelReset, this,
            [this] { m_refund->setEnabled(!selectedPaymentId().isEmpty()); });
    connect(m_refund, &QPushButton::clicked, this, [this] {
        if (const QString id = selectedPaymentId(); !id.isEmpty())
            emit refundRequested(id);
    });
    connect(m_model, &PagedTableModel::errorOccurred, this, [this](const QString &message) {
        m_summary->setText(message);
        m_summary->setStyleSheet(u"QLabel { color: #b00020; }"_s);
    });
    setFocusProxy(m_search);

    m_model->reload();
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(TransactionsModel::DescriptionColumn,
                                                      QHeaderView::Stretch);
    updateSummary();
}

QString TransactionsPage::summaryText() const
{
    return m_summary->text();
}

void TransactionsPage::refresh()
{
    m_model->refresh();
}

void TransactionsPage::applySearch()
{
    store::PaymentFilter filter = m_model->filter();
    filter.text = m_search->text().trimmed();
    m_model->setFilter(filter);
}

void TransactionsPage::updateSummary()
{
    if (!m_model->errorString().isEmpty())
        return;
    m_summary->setStyleSheet({});
    const qint64 total = m_model->totalCount();
    m_summary->setText(total == 1 ? u"1 payment"_s : u"%1 payments"_s.arg(QLocale().toString(total)));
}

void TransactionsPage::setRefundsEnabled(bool enabled)
{
    m_refund->setVisible(enabled);
}

QString TransactionsPage::selectedPaymentId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(TransactionsModel::PaymentIdRole).toString();
}

} // namespace kassa::gui
