// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QTimer>

class QLabel;
class QLineEdit;
class QTableView;

namespace kassa::store {
class Database;
}

namespace kassa::gui {

class CustomersModel;

// Finds one of the shop's customers for a sale, by the keyboard alone if need be: type part of the
// name, email or phone (every word must match), Up and Down move through the list without leaving the
// search field, Enter takes the highlighted customer (the first when none is), Esc closes. A tap or a
// double click works as well. The list reads the store a page at a time, so a big shop stays quick.
class CustomerPicker : public QDialog
{
    Q_OBJECT
public:
    explicit CustomerPicker(store::Database &db, QWidget *parent = nullptr);
    ~CustomerPicker() override;

    QLineEdit *searchField() const { return m_search; }
    QTableView *view() const { return m_view; }
    CustomersModel *model() const { return m_model; }

    // What was taken; empty until accept().
    QString customerId() const { return m_customerId; }
    QString customerName() const { return m_customerName; }

    // Searches now instead of after the typing pause.
    void applySearch();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void takeCurrent();
    void moveCurrent(int delta);
    void updateCount();

    CustomersModel *m_model = nullptr;
    QLineEdit *m_search = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_count = nullptr;
    QTimer m_searchDelay;
    QString m_customerId;
    QString m_customerName;
};

} // namespace kassa::gui
