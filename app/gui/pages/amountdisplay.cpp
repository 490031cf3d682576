// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/amountdisplay.h"

#include "app/gui/pages/saleui.h"
#include "core/money.h"

#include <QKeyEvent>

using namespace Qt::StringLiterals;

namespace kassa::gui {

AmountDisplay::AmountDisplay(QWidget *parent)
    : QLabel(parent)
    , m_currency(*Currency::fromCode(u"usd"_s))
{
    setObjectName(u"saleAmount"_s);
    setFocusPolicy(Qt::StrongFocus);
    setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setFrameShape(QFrame::StyledPanel);
    setMinimumHeight(72);
    setMargin(8);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 2.6);
    big.setBold(true);
    setFont(big);
    setAccessibleName(u"Amount"_s);
    setToolTip(u"Type the amount with the digits (1250 is 12.50); Backspace removes the last digit, "
               "Enter pays."_s);
    render();
}

void AmountDisplay::setCurrency(Currency currency)
{
    m_currency = currency;
    render();
}

void AmountDisplay::setMinorUnits(qint64 minorUnits)
{
    m_minorUnits = qBound<qint64>(0, minorUnits, Money::StripeMaximumAmount);
    render();
    emit changed();
}

void AmountDisplay::setLocked(bool locked)
{
    m_locked = locked;
    setForegroundRole(locked ? QPalette::PlaceholderText : QPalette::WindowText);
}

void AmountDisplay::appendDigit(int digit)
{
    if (m_locked)
        return;
    // A ninth digit would be more than Stripe takes: it is ignored, not wrapped.
    if (m_minorUnits > (Money::StripeMaximumAmount - digit) / 10)
        return;
    setMinorUnits(m_minorUnits * 10 + digit);
}

void AmountDisplay::backspace()
{
    if (m_locked)
        return;
    setMinorUnits(m_minorUnits / 10);
}

void AmountDisplay::keyPressEvent(QKeyEvent *event)
{
    const int key = event->key();
    if (key >= Qt::Key_0 && key <= Qt::Key_9 && !(event->modifiers() & Qt::ControlModifier)) {
        appendDigit(key - Qt::Key_0);
        return event->accept();
    }
    switch (key) {
    case Qt::Key_Backspace:
        backspace();
        return event->accept();
    case Qt::Key_Delete:
    case Qt::Key_Escape:
        if (!m_locked)
            clear();
        return event->accept();
    case Qt::Key_Return:
    case Qt::Key_Enter:
        emit submitted();
        return event->accept();
    default:
        QLabel::keyPressEvent(event);
    }
}

void AmountDisplay::render()
{
    const QString text = Money(m_minorUnits, m_currency).format(saleui::displayLocale());
    setText(text);
    setAccessibleDescription(text);
}

} // namespace kassa::gui
