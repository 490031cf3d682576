// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/pages/addmethoddialog.h"
#include "services/security/actinguser.h"

#include <QMessageBox>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace kassa::customers {
class SavedMethodService;
struct SavedMethodOutcome;
} // namespace kassa::customers
namespace kassa::store {
class Database;
}

namespace kassa::gui {

class CustomersModel;
class PaymentMethodsModel;

// Customers (issue 6): every customer in the store with a search box (name, email or phone), and the
// selected customer's saved payment methods (type, brand, number or account, expiry, default). Users who
// may manage saved methods add one (AddMethodDialog: QR code, reader, or a test card in test mode),
// make one the default, or remove one after a confirmation; SavedMethodService checks the permission
// again, so the buttons being hidden from a cashier is not the only guard. Without a Stripe key (no
// service) the lists are read-only.
//
// Dialogs are opened window-modal with open(), not exec(), so tests reach them through the accessors.
class CustomersPage : public QWidget
{
    Q_OBJECT
public:
    // A keystroke waits this long for the next one before the store is asked.
    static constexpr int SearchDelayMs = 200;

    CustomersPage(store::Database &db, customers::SavedMethodService *service, QWidget *parent = nullptr);
    ~CustomersPage() override;

    // Who works at the till now; nobody (invalid) while locked.
    void setUser(const security::ActingUser &user);
    const security::ActingUser &user() const { return m_user; }
    bool canManage() const;

    CustomersModel *customersModel() const { return m_customers; }
    PaymentMethodsModel *methodsModel() const { return m_methods; }
    QLineEdit *searchField() const { return m_search; }
    QTableView *customersTable() const { return m_customerTable; }
    QTableView *methodsTable() const { return m_methodTable; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *defaultButton() const { return m_default; }
    QPushButton *removeButton() const { return m_remove; }
    QString message() const;
    QString methodsTitle() const;

    AddMethodDialog *addDialog() const { return m_addDialog.data(); }
    QMessageBox *removeConfirmation() const { return m_confirm.data(); }

    // Selects customer `id` when it is loaded; false when not.
    bool selectCustomer(const QString &id);
    QString selectedCustomerId() const;
    // Selects saved method `id` of the selected customer; false when not listed.
    bool selectMethod(const QString &id);
    QString selectedMethodId() const;

public slots:
    // Sync wrote rows: re-read what is loaded, in place.
    void refresh();
    void openAddDialog();
    void makeSelectedDefault();
    // Asks first (removeConfirmation()); removes when the answer is yes.
    void removeSelected();

protected:
    // The till locked (or another page was picked): no dialog stays up for the next person.
    void hideEvent(QHideEvent *event) override;

private:
    void applySearch();
    void onCustomerChanged();
    void updateButtons();
    void updateSummary();
    void setMessage(const QString &text, bool error);
    void afterChange(const customers::SavedMethodOutcome &outcome, const QString &doneText);
    void closeDialogs();

    store::Database &m_db;
    customers::SavedMethodService *m_service;
    security::ActingUser m_user;
    CustomersModel *m_customers;
    PaymentMethodsModel *m_methods;
    QLineEdit *m_search;
    QLabel *m_summary;
    QTableView *m_customerTable;
    QLabel *m_methodsTitle;
    QTableView *m_methodTable;
    QLabel *m_methodsEmpty;
    QLabel *m_readOnlyHint;
    QPushButton *m_add;
    QPushButton *m_default;
    QPushButton *m_remove;
    QLabel *m_message;
    QTimer m_searchTimer;
    QPointer<AddMethodDialog> m_addDialog;
    QPointer<QMessageBox> m_confirm;
    bool m_busy = false;
};

} // namespace kassa::gui
