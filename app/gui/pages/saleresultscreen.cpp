// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/saleresultscreen.h"

#include "app/gui/pages/saleui.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

SaleResultScreen::SaleResultScreen(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"saleResult"_s);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    m_title = saleui::titleLabel(this);
    m_title->setObjectName(u"saleResultTitle"_s);
    m_title->setAccessibleName(u"Outcome"_s);
    layout->addWidget(m_title);
    m_text = new QLabel(this);
    m_text->setObjectName(u"saleResultText"_s);
    m_text->setAccessibleName(u"Outcome details"_s);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    QFont f = m_text->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    m_text->setFont(f);
    layout->addWidget(m_text);
    layout->addSpacing(16);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    auto add = [&](QPushButton *button, void (SaleResultScreen::*signal)()) {
        button->setMinimumWidth(200);
        connect(button, &QPushButton::clicked, this, signal);
        buttons->addWidget(button);
    };
    m_retry = saleui::bigButton(u"Try again"_s, u"saleRetry"_s, this);
    m_retry->setAccessibleName(u"Try again with another card or method"_s);
    add(m_retry, &SaleResultScreen::retryRequested);
    m_recover = saleui::bigButton(u"Check again"_s, u"saleRecover"_s, this);
    m_recover->setAccessibleName(u"Ask Stripe again how the payment stands"_s);
    add(m_recover, &SaleResultScreen::recoverRequested);
    m_receipt = saleui::bigButton(u"Print receipt  (Ctrl+P)"_s, u"saleReceipt"_s, this);
    m_receipt->setAccessibleName(u"Print the receipt"_s);
    add(m_receipt, &SaleResultScreen::receiptRequested);
    m_newSale = saleui::bigButton(u"New sale"_s, u"saleNew"_s, this);
    m_newSale->setAccessibleName(u"Start a new sale"_s);
    add(m_newSale, &SaleResultScreen::newSaleRequested);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addStretch(2);
    setTabOrder(m_retry, m_recover);
    setTabOrder(m_recover, m_receipt);
    setTabOrder(m_receipt, m_newSale);
}

QString SaleResultScreen::title() const
{
    return m_title->text();
}

QString SaleResultScreen::text() const
{
    return m_text->text();
}

void SaleResultScreen::setOutcome(const QString &title, const QString &text, const QString &color)
{
    m_title->setText(title);
    m_title->setStyleSheet(u"color: %1;"_s.arg(color));
    m_text->setText(text);
}

void SaleResultScreen::setText(const QString &text)
{
    m_text->setText(text);
}

} // namespace kassa::gui
