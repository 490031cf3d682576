// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/saleentrypanel.h"

#include "app/gui/pages/amountdisplay.h"
#include "app/gui/pages/saleui.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

SaleEntryPanel::SaleEntryPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"saleEntryPanel"_s);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_amount = new AmountDisplay(this);
    layout->addWidget(m_amount);

    auto *form = new QFormLayout;
    // Labels as tall as their 44 px fields, so that their words sit beside the field's middle.
    auto fieldLabel = [this](const QString &text, QWidget *buddy) {
        auto *label = new QLabel(text, this);
        label->setMinimumHeight(saleui::TouchMinimumPx);
        label->setBuddy(buddy);
        return label;
    };
    m_currency = new QComboBox(this);
    m_currency->setObjectName(u"saleCurrency"_s);
    m_currency->setAccessibleName(u"Currency"_s);
    m_currency->setMinimumHeight(saleui::TouchMinimumPx);
    for (const Currency &currency : Currency::all())
        m_currency->addItem(currency.code().toUpper(), currency.code());
    connect(m_currency, &QComboBox::currentIndexChanged, this, [this] {
        if (const std::optional<Currency> c = Currency::fromCode(m_currency->currentData().toString()))
            m_amount->setCurrency(*c);
    });
    form->addRow(fieldLabel(u"&Currency"_s, m_currency), m_currency);

    m_description = new QLineEdit(this);
    m_description->setObjectName(u"saleDescription"_s);
    m_description->setAccessibleName(u"Description or order reference"_s);
    m_description->setPlaceholderText(u"What is sold, or the order number (optional)"_s);
    m_description->setMinimumHeight(saleui::TouchMinimumPx);
    m_description->setMaxLength(200);
    connect(m_description, &QLineEdit::returnPressed, this, &SaleEntryPanel::submitted);
    form->addRow(fieldLabel(u"&Description"_s, m_description), m_description);

    // The customer: optional, and needed only to pay by one of their saved cards.
    auto *customerRow = new QHBoxLayout;
    m_customer = new QLabel(this);
    m_customer->setObjectName(u"saleCustomer"_s);
    m_customer->setAccessibleName(u"Customer"_s);
    m_customer->setMinimumHeight(saleui::TouchMinimumPx);
    m_customer->setTextFormat(Qt::PlainText);
    customerRow->addWidget(m_customer, 1);
    m_chooseCustomer = new QPushButton(u"C&hoose… (F7)"_s, this);
    m_chooseCustomer->setObjectName(u"saleChooseCustomer"_s);
    m_chooseCustomer->setAccessibleName(u"Choose the customer"_s);
    m_chooseCustomer->setToolTip(
        u"Find the customer by name, email or phone, to pay by a card they saved."_s);
    m_chooseCustomer->setMinimumSize(saleui::TouchMinimumPx, saleui::TouchMinimumPx);
    connect(m_chooseCustomer, &QPushButton::clicked, this, &SaleEntryPanel::chooseCustomerRequested);
    customerRow->addWidget(m_chooseCustomer);
    m_clearCustomer = new QPushButton(u"✕"_s, this);
    m_clearCustomer->setObjectName(u"saleClearCustomer"_s);
    m_clearCustomer->setAccessibleName(u"No customer"_s);
    m_clearCustomer->setToolTip(u"Sell without a customer"_s);
    m_clearCustomer->setMinimumSize(saleui::TouchMinimumPx, saleui::TouchMinimumPx);
    connect(m_clearCustomer, &QPushButton::clicked, this, [this] { setCustomer({}, {}); });
    customerRow->addWidget(m_clearCustomer);
    form->addRow(fieldLabel(u"Customer"_s, m_chooseCustomer), customerRow);
    layout->addLayout(form);

    // The keypad never takes the focus: the keyboard keeps typing where it was.
    auto *keys = new QGridLayout;
    const QStringList labels{u"7"_s, u"8"_s, u"9"_s, u"4"_s, u"5"_s, u"6"_s,
                             u"1"_s, u"2"_s, u"3"_s, u"C"_s, u"0"_s, u"⌫"_s};
    for (int i = 0; i < labels.size(); ++i) {
        const QString &label = labels.at(i);
        auto *key = new QPushButton(label, this);
        key->setFocusPolicy(Qt::NoFocus);
        key->setMinimumSize(saleui::KeyMinimumPx, saleui::KeyMinimumPx);
        key->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        QFont f = key->font();
        f.setPointSizeF(f.pointSizeF() * 1.6);
        key->setFont(f);
        if (label == u"C"_s) {
            key->setObjectName(u"saleKeyClear"_s);
            key->setAccessibleName(u"Clear amount"_s);
            connect(key, &QPushButton::clicked, m_amount, &AmountDisplay::clear);
        } else if (label == u"⌫"_s) {
            key->setObjectName(u"saleKeyBackspace"_s);
            key->setAccessibleName(u"Remove last digit"_s);
            connect(key, &QPushButton::clicked, m_amount, &AmountDisplay::backspace);
        } else {
            const int digit = label.toInt();
            key->setObjectName(u"saleKey"_s + label);
            key->setAccessibleName(u"Digit "_s + label);
            connect(key, &QPushButton::clicked, m_amount, [this, digit] { m_amount->appendDigit(digit); });
        }
        keys->addWidget(key, i / 3, i % 3);
        m_keypad.append(key);
    }
    layout->addLayout(keys, 1);

    connect(m_amount, &AmountDisplay::submitted, this, &SaleEntryPanel::submitted);
    connect(m_amount, &AmountDisplay::changed, this, &SaleEntryPanel::amountChanged);

    // Tab: amount, currency, description, customer; the keypad is for fingers.
    setTabOrder(m_amount, m_currency);
    setTabOrder(m_currency, m_description);
    setTabOrder(m_description, m_chooseCustomer);
    setTabOrder(m_chooseCustomer, m_clearCustomer);
    setCustomer({}, {});
}

void SaleEntryPanel::setCustomer(const QString &customerId, const QString &name)
{
    const bool changed = customerId != m_customerId;
    m_customerId = customerId;
    m_customerName = customerId.isEmpty() ? QString() : (name.isEmpty() ? customerId : name);
    m_customer->setText(customerId.isEmpty() ? u"None (optional)"_s : m_customerName);
    m_customer->setForegroundRole(customerId.isEmpty() ? QPalette::PlaceholderText : QPalette::WindowText);
    m_customer->setAccessibleDescription(m_customerName);
    m_clearCustomer->setVisible(!customerId.isEmpty());
    if (changed)
        emit customerChanged();
}

void SaleEntryPanel::setOrderEditable(bool editable)
{
    m_amount->setLocked(!editable);
    m_currency->setEnabled(editable);
    m_description->setEnabled(editable);
    for (QPushButton *key : std::as_const(m_keypad))
        key->setEnabled(editable);
}

void SaleEntryPanel::setCustomerEditable(bool editable)
{
    m_chooseCustomer->setEnabled(editable);
    m_clearCustomer->setEnabled(editable);
}

void SaleEntryPanel::clear()
{
    m_amount->clear();
    m_description->clear();
    setCustomer({}, {});
}

} // namespace kassa::gui
