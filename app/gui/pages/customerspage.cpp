// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/customerspage.h"

#include "app/gui/models/customersmodel.h"
#include "app/gui/models/paymentmethodsmodel.h"
#include "app/gui/pages/addmethoddialog.h"
#include "services/customers/savedmethodservice.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QHideEvent>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int TouchSize = 44;

QTableView *makeTable(QAbstractItemModel *model, const QString &objectName, const QString &accessibleName,
                      QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setModel(model);
    table->setAccessibleName(accessibleName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(36);
    return table;
}

QPushButton *actionButton(const QString &text, const QString &accessibleName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setMinimumSize(120, TouchSize);
    button->setAccessibleName(accessibleName);
    return button;
}

} // namespace

CustomersPage::CustomersPage(store::Database &db, customers::SavedMethodService *service, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
    , m_service(service)
    , m_customers(new CustomersModel(db, this))
    , m_methods(new PaymentMethodsModel(db, this))
    , m_search(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_customerTable(makeTable(m_customers, u"customersTable"_s, u"Customers"_s, this))
    , m_methodsTitle(new QLabel(this))
    , m_methodTable(makeTable(m_methods, u"customerMethodsTable"_s, u"Saved payment methods"_s, this))
    , m_methodsEmpty(new QLabel(this))
    , m_readOnlyHint(new QLabel(this))
    , m_add(actionButton(u"Add…"_s, u"Add a payment method for the selected customer"_s, this))
    , m_default(actionButton(u"Make default"_s, u"Make the selected payment method the default"_s, this))
    , m_remove(actionButton(u"Remove…"_s, u"Remove the selected payment method"_s, this))
    , m_message(new QLabel(this))
{
    setObjectName(u"customersPage"_s);
    auto *layout = new QVBoxLayout(this);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(u"<h2>Customers</h2>"_s, this));
    m_search->setObjectName(u"customersSearch"_s);
    m_search->setPlaceholderText(u"Search: name, email or phone"_s);
    m_search->setAccessibleName(u"Search customers"_s);
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumHeight(36);
    bar->addWidget(m_search, 1);
    m_summary->setObjectName(u"customersSummary"_s);
    bar->addWidget(m_summary);
    layout->addLayout(bar);

    m_message->setObjectName(u"customersMessage"_s);
    m_message->setAccessibleName(u"Customers message"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);
    layout->addWidget(m_message);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    // Every column in view at the splitter's first width: no sideways scrolling to find the date.
    QHeaderView *customerHeader = m_customerTable->horizontalHeader();
    customerHeader->setStretchLastSection(false);
    customerHeader->setSectionResizeMode(CustomersModel::NameColumn, QHeaderView::Interactive);
    m_customerTable->setColumnWidth(CustomersModel::NameColumn, 145);
    customerHeader->setSectionResizeMode(CustomersModel::EmailColumn, QHeaderView::Stretch);
    customerHeader->setSectionResizeMode(CustomersModel::PhoneColumn, QHeaderView::ResizeToContents);
    customerHeader->setSectionResizeMode(CustomersModel::CreatedColumn, QHeaderView::ResizeToContents);
    m_customerTable->horizontalHeader()->setSortIndicator(CustomersModel::CreatedColumn, Qt::DescendingOrder);
    m_customerTable->setSortingEnabled(true);
    splitter->addWidget(m_customerTable);

    auto *methodsPane = new QWidget(splitter);
    auto *methodsLayout = new QVBoxLayout(methodsPane);
    methodsLayout->setContentsMargins(8, 0, 0, 0);
    m_methodsTitle->setObjectName(u"customerMethodsTitle"_s);
    m_methodsTitle->setWordWrap(true);
    methodsLayout->addWidget(m_methodsTitle);
    m_methodTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_methodTable->horizontalHeader()->setSectionResizeMode(PaymentMethodsModel::NumberColumn,
                                                            QHeaderView::Stretch);
    // What the empty table means, where the eye goes first: under the title.
    m_methodsEmpty->setObjectName(u"customerMethodsEmpty"_s);
    m_methodsEmpty->setWordWrap(true);
    methodsLayout->addWidget(m_methodsEmpty);
    methodsLayout->addWidget(m_methodTable, 1);
    m_readOnlyHint->setObjectName(u"customerMethodsReadOnly"_s);
    m_readOnlyHint->setText(
        u"Only a manager or the owner can add, remove or change saved payment methods."_s);
    m_readOnlyHint->setWordWrap(true);
    m_readOnlyHint->setStyleSheet(u"font-style: italic;"_s);
    methodsLayout->addWidget(m_readOnlyHint);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_add);
    actions->addWidget(m_default);
    actions->addStretch(1);
    actions->addWidget(m_remove);
    m_add->setObjectName(u"customerAddMethod"_s);
    m_default->setObjectName(u"customerDefaultMethod"_s);
    m_remove->setObjectName(u"customerRemoveMethod"_s);
    m_add->setToolTip(u"Save a new card: QR code for the customer's phone, card reader, or a test card"_s);
    m_default->setToolTip(u"Charge this method when the customer's saved card is used"_s);
    m_remove->setToolTip(u"Take this method off the customer (asks first)"_s);
    methodsLayout->addLayout(actions);
    splitter->addWidget(methodsPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    // Tab order: search, customers, their methods, then the actions in reading order.
    setTabOrder(m_search, m_customerTable);
    setTabOrder(m_customerTable, m_methodTable);
    setTabOrder(m_methodTable, m_add);
    setTabOrder(m_add, m_default);
    setTabOrder(m_default, m_remove);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(SearchDelayMs);
    connect(&m_searchTimer, &QTimer::timeout, this, &CustomersPage::applySearch);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchTimer.stop();
        applySearch();
    });
    connect(m_customers, &PagedTableModel::totalCountChanged, this, &CustomersPage::updateSummary);
    connect(m_customers, &PagedTableModel::errorOccurred, this,
            [this](const QString &message) { setMessage(message, true); });
    connect(m_methods, &PaymentMethodsModel::errorOccurred, this,
            [this](const QString &message) { setMessage(message, true); });
    connect(m_customerTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CustomersPage::onCustomerChanged);
    connect(m_customers, &QAbstractItemModel::modelReset, this, &CustomersPage::onCustomerChanged);
    connect(m_methodTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CustomersPage::updateButtons);
    connect(m_methods, &QAbstractItemModel::modelReset, this, &CustomersPage::updateButtons);
    connect(m_add, &QPushButton::clicked, this, &CustomersPage::openAddDialog);
    connect(m_default, &QPushButton::clicked, this, &CustomersPage::makeSelectedDefault);
    connect(m_remove, &QPushButton::clicked, this, &CustomersPage::removeSelected);

    m_customers->reload();
    onCustomerChanged();
}

CustomersPage::~CustomersPage()
{
    closeDialogs();
}

bool CustomersPage::canManage() const
{
    return m_service && m_user.isValid() && allows(m_user.role, Permission::ManageSavedMethods);
}

void CustomersPage::setUser(const security::ActingUser &user)
{
    m_user = user;
    closeDialogs();
    setMessage({}, false);
    const bool manage = canManage();
    for (QPushButton *button : {m_add, m_default, m_remove})
        button->setVisible(manage);
    m_readOnlyHint->setVisible(m_user.isValid() && m_service && !manage);
    if (m_user.isValid())
        refresh();
    updateButtons();
}

QString CustomersPage::message() const
{
    return m_message->text();
}

QString CustomersPage::methodsTitle() const
{
    return m_methodsTitle->text();
}

void CustomersPage::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : QString());
    m_message->setVisible(!text.isEmpty());
}

void CustomersPage::applySearch()
{
    const QString before = selectedCustomerId();
    m_customers->setSearch(m_search->text());
    if (!before.isEmpty())
        selectCustomer(before);
}

void CustomersPage::updateSummary()
{
    const qint64 total = m_customers->totalCount();
    const QLocale locale;
    if (m_customers->search().isEmpty())
        m_summary->setText(total == 1 ? u"1 customer"_s : u"%1 customers"_s.arg(locale.toString(total)));
    else
        m_summary->setText(total == 1 ? u"1 match"_s : u"%1 matches"_s.arg(locale.toString(total)));
}

void CustomersPage::refresh()
{
    const QString method = selectedMethodId();
    m_customers->refresh();
    m_methods->reload();
    if (!method.isEmpty())
        selectMethod(method);
}

bool CustomersPage::selectCustomer(const QString &id)
{
    for (int row = 0; row < m_customers->rowCount(); ++row) {
        const QModelIndex index = m_customers->index(row, CustomersModel::NameColumn);
        if (index.data(CustomersModel::CustomerIdRole).toString() == id) {
            m_customerTable->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                          QItemSelectionModel::Rows);
            m_customerTable->scrollTo(index);
            return true;
        }
    }
    return false;
}

QString CustomersPage::selectedCustomerId() const
{
    const QModelIndex current = m_customerTable->selectionModel()->currentIndex();
    if (!current.isValid() || !m_customerTable->selectionModel()->isRowSelected(current.row()))
        return {};
    return current.data(CustomersModel::CustomerIdRole).toString();
}

bool CustomersPage::selectMethod(const QString &id)
{
    for (int row = 0; row < m_methods->rowCount(); ++row) {
        const QModelIndex index = m_methods->index(row, 0);
        if (index.data(PaymentMethodsModel::PaymentMethodIdRole).toString() == id) {
            m_methodTable->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                        QItemSelectionModel::Rows);
            return true;
        }
    }
    return false;
}

QString CustomersPage::selectedMethodId() const
{
    const QModelIndexList rows = m_methodTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString()
                          : rows.first().data(PaymentMethodsModel::PaymentMethodIdRole).toString();
}

void CustomersPage::onCustomerChanged()
{
    const QString id = selectedCustomerId();
    if (id != m_methods->customerId())
        m_methods->setCustomerId(id);
    if (id.isEmpty()) {
        m_methodsTitle->setText(u"<b>Saved payment methods</b>"_s);
        m_methodsEmpty->setText(u"Choose a customer to see their saved cards."_s);
    } else {
        const QModelIndex current = m_customerTable->selectionModel()->currentIndex();
        const store::CustomerRow &customer = m_customers->customerAt(current.row());
        const QString who =
            customer.name.isEmpty() ? (customer.email.isEmpty() ? id : customer.email) : customer.name;
        m_methodsTitle->setText(u"<b>Saved payment methods of %1</b>"_s.arg(who.toHtmlEscaped()));
        m_methodsEmpty->setText(u"%1 has no saved payment methods."_s.arg(who));
    }
    updateButtons();
}

void CustomersPage::updateButtons()
{
    const bool hasCustomer = !selectedCustomerId().isEmpty();
    const QString method = selectedMethodId();
    m_methodsEmpty->setVisible(!hasCustomer || m_methods->rowCount() == 0);
    const bool manage = canManage() && !m_busy;
    m_add->setEnabled(manage && hasCustomer);
    m_remove->setEnabled(manage && !method.isEmpty());
    m_default->setEnabled(manage && !method.isEmpty() && method != m_methods->defaultPaymentMethodId());
}

void CustomersPage::openAddDialog()
{
    if (!m_service)
        return;
    const QString customerId = selectedCustomerId();
    if (customerId.isEmpty())
        return;
    if (AddMethodDialog *old = m_addDialog.data()) {
        // A dialog still waiting for a customer is shown again rather than started twice.
        if (old->isBusy() && old->isVisible())
            return old->raise();
        old->deleteLater();
    }
    const store::CustomerRow &customer =
        m_customers->customerAt(m_customerTable->selectionModel()->currentIndex().row());
    // Not deleted on close: a QR page or a reader being withdrawn finishes in the background, and the
    // next dialog replaces this one.
    auto *dialog = new AddMethodDialog(*m_service, m_user, customerId, customer.name, this);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &AddMethodDialog::saved, this, [this](const QString &id) {
        refresh();
        selectMethod(id);
        setMessage(u"Saved a new payment method."_s, false);
    });
    m_addDialog = dialog;
    dialog->open();
}

void CustomersPage::afterChange(const customers::SavedMethodOutcome &outcome, const QString &doneText)
{
    m_busy = false;
    if (outcome.ok()) {
        setMessage(doneText, false);
    } else {
        setMessage(outcome.message, true);
    }
    refresh();
    updateButtons();
}

void CustomersPage::makeSelectedDefault()
{
    const QString customerId = selectedCustomerId();
    const QString methodId = selectedMethodId();
    if (!m_service || m_busy || customerId.isEmpty() || methodId.isEmpty())
        return;
    m_busy = true;
    updateButtons();
    const QPointer<CustomersPage> self(this);
    m_service->setDefault(m_user, customerId, methodId, [self](const customers::SavedMethodOutcome &outcome) {
        if (self)
            self->afterChange(outcome, u"The default payment method was changed."_s);
    });
}

void CustomersPage::removeSelected()
{
    const QString methodId = selectedMethodId();
    if (!m_service || m_busy || methodId.isEmpty())
        return;
    const QModelIndexList rows = m_methodTable->selectionModel()->selectedRows();
    const int row = rows.first().row();
    QString what = m_methods->index(row, PaymentMethodsModel::TypeColumn).data().toString();
    const QString brand = m_methods->index(row, PaymentMethodsModel::BrandColumn).data().toString();
    const QString number = m_methods->index(row, PaymentMethodsModel::NumberColumn).data().toString();
    if (!brand.isEmpty())
        what = brand;
    if (!number.isEmpty())
        what += u' ' + number;
    if (QMessageBox *old = m_confirm.data())
        old->deleteLater();
    auto *box =
        new QMessageBox(QMessageBox::Question, u"Remove payment method"_s,
                        u"Remove %1 from this customer? It cannot be charged again unless the customer "
                        "saves it anew."_s.arg(what),
                        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"customerRemoveConfirmation"_s);
    box->button(QMessageBox::Yes)->setText(u"Remove"_s);
    box->setDefaultButton(QMessageBox::Cancel); // Enter by habit must not remove a card
    box->setWindowModality(Qt::WindowModal);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, methodId](int) {
        if (box->clickedButton() != box->button(QMessageBox::Yes) || !m_service)
            return;
        m_busy = true;
        updateButtons();
        const QPointer<CustomersPage> self(this);
        m_service->detach(m_user, methodId, [self](const customers::SavedMethodOutcome &outcome) {
            if (self)
                self->afterChange(outcome, u"The payment method was removed."_s);
        });
    });
    m_confirm = box;
    box->open();
}

void CustomersPage::closeDialogs()
{
    if (QMessageBox *confirm = m_confirm.data())
        confirm->reject();
    if (AddMethodDialog *dialog = m_addDialog.data())
        dialog->reject();
}

void CustomersPage::hideEvent(QHideEvent *event)
{
    // Spontaneous: the window was minimized; the person at the till is still the same.
    if (!event->spontaneous())
        closeDialogs();
    QWidget::hideEvent(event);
}

} // namespace kassa::gui
