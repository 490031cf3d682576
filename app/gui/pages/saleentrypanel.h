// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace kassa::gui {

class AmountDisplay;

// The left half of the Sale page: what is sold. The amount (typed, or tapped on the keypad, which never
// takes the focus), the currency, the description or order reference, and the customer when one is
// chosen (needed for a saved card). The page opens the customer picker when chooseCustomerRequested()
// is emitted and hands the choice back with setCustomer().
class SaleEntryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SaleEntryPanel(QWidget *parent = nullptr);

    AmountDisplay *amountDisplay() const { return m_amount; }
    QComboBox *currencyBox() const { return m_currency; }
    QLineEdit *descriptionField() const { return m_description; }
    QPushButton *chooseCustomerButton() const { return m_chooseCustomer; }
    QPushButton *clearCustomerButton() const { return m_clearCustomer; }

    QString customerId() const { return m_customerId; }
    QString customerName() const { return m_customerName; }
    // An empty id: no customer.
    void setCustomer(const QString &customerId, const QString &name);

    // The order's amount, currency and words stay as they are once its sale exists (a retry after a
    // decline is for the same order); the customer only while the sale holds no payment of its own.
    void setOrderEditable(bool editable);
    void setCustomerEditable(bool editable);
    // Empty amount, description and customer: the next sale.
    void clear();

signals:
    // Enter on the amount or the description.
    void submitted();
    void amountChanged();
    void chooseCustomerRequested();
    void customerChanged();

private:
    AmountDisplay *m_amount = nullptr;
    QComboBox *m_currency = nullptr;
    QLineEdit *m_description = nullptr;
    QLabel *m_customer = nullptr;
    QPushButton *m_chooseCustomer = nullptr;
    QPushButton *m_clearCustomer = nullptr;
    QList<QPushButton *> m_keypad;
    QString m_customerId;
    QString m_customerName;
};

} // namespace kassa::gui
