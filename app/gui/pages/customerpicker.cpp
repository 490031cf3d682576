// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/customerpicker.h"

#include "app/gui/models/customersmodel.h"
#include "app/gui/pages/saleui.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

CustomerPicker::CustomerPicker(store::Database &db, QWidget *parent)
    : QDialog(parent)
    , m_model(new CustomersModel(db, this))
{
    setObjectName(u"saleCustomerPicker"_s);
    setWindowTitle(u"Choose the customer"_s);
    setAccessibleName(u"Choose the customer"_s);
    resize(720, 480);
    auto *layout = new QVBoxLayout(this);

    m_search = new QLineEdit(this);
    m_search->setObjectName(u"saleCustomerSearch"_s);
    m_search->setAccessibleName(u"Search customers"_s);
    m_search->setPlaceholderText(u"Name, email or phone; ↑ ↓ to move, Enter to take"_s);
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumHeight(saleui::TouchMinimumPx);
    m_search->installEventFilter(this);
    auto *searchLabel = new QLabel(u"&Search:"_s, this);
    searchLabel->setBuddy(m_search);
    layout->addWidget(searchLabel);
    layout->addWidget(m_search);

    m_view = new QTableView(this);
    m_view->setObjectName(u"saleCustomerList"_s);
    m_view->setAccessibleName(u"Customers"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    // Rows a finger can hit.
    m_view->verticalHeader()->setDefaultSectionSize(saleui::TouchMinimumPx);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnHidden(CustomersModel::CreatedColumn, true);
    m_view->setColumnWidth(CustomersModel::NameColumn, 220);
    m_view->setColumnWidth(CustomersModel::EmailColumn, 260);
    m_view->setTabKeyNavigation(false);
    m_view->installEventFilter(this);
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this] { takeCurrent(); });
    layout->addWidget(m_view, 1);

    m_count = new QLabel(this);
    m_count->setObjectName(u"saleCustomerCount"_s);
    layout->addWidget(m_count);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *take = buttons->addButton(u"Take this customer"_s, QDialogButtonBox::AcceptRole);
    take->setObjectName(u"saleCustomerTake"_s);
    take->setAutoDefault(false);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setAutoDefault(false);
    for (QPushButton *button : {take, cancel})
        button->setMinimumHeight(saleui::ButtonMinimumPx);
    connect(take, &QPushButton::clicked, this, &CustomerPicker::takeCurrent);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    // A search per pause in the typing, not per key.
    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(150);
    connect(&m_searchDelay, &QTimer::timeout, this, &CustomerPicker::applySearch);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchDelay.start(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_model->rowCount() > 0)
            m_view->setCurrentIndex(m_model->index(0, CustomersModel::NameColumn));
        updateCount();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &CustomerPicker::updateCount);

    setTabOrder(m_search, m_view);
    setTabOrder(m_view, take);
    setTabOrder(take, cancel);
    m_model->reload();
    m_search->setFocus();
}

CustomerPicker::~CustomerPicker() = default;

void CustomerPicker::applySearch()
{
    m_searchDelay.stop();
    m_model->setSearch(m_search->text());
}

void CustomerPicker::updateCount()
{
    const int shown = m_model->rowCount();
    m_count->setText(shown == 0 ? (m_search->text().trimmed().isEmpty() ? u"No customers in the store yet."_s
                                                                        : u"No customer matches."_s)
                                : QString());
}

bool CustomerPicker::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QDialog::eventFilter(watched, event);
    const int key = static_cast<QKeyEvent *>(event)->key();
    switch (key) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_searchDelay.isActive())
            applySearch(); // Enter right after typing takes from what was typed
        takeCurrent();
        return true;
    case Qt::Key_Down:
    case Qt::Key_Up:
        if (watched == m_search) {
            moveCurrent(key == Qt::Key_Down ? 1 : -1);
            return true;
        }
        break;
    case Qt::Key_PageDown:
    case Qt::Key_PageUp:
        if (watched == m_search) {
            moveCurrent(key == Qt::Key_PageDown ? 10 : -10);
            return true;
        }
        break;
    default:
        break;
    }
    return QDialog::eventFilter(watched, event);
}

void CustomerPicker::moveCurrent(int delta)
{
    if (m_model->rowCount() == 0)
        return;
    int row = m_view->currentIndex().isValid() ? m_view->currentIndex().row() + delta : 0;
    if (row >= m_model->rowCount() && m_model->canFetchMore({}))
        m_model->fetchMore({});
    row = qBound(0, row, m_model->rowCount() - 1);
    m_view->setCurrentIndex(m_model->index(row, CustomersModel::NameColumn));
}

void CustomerPicker::takeCurrent()
{
    QModelIndex index = m_view->currentIndex();
    if (!index.isValid() && m_model->rowCount() > 0)
        index = m_model->index(0, 0);
    if (!index.isValid())
        return;
    const store::CustomerRow &customer = m_model->customerAt(index.row());
    m_customerId = customer.id;
    m_customerName = !customer.name.isEmpty() ? customer.name : customer.email;
    accept();
}

} // namespace kassa::gui
