// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/currency.h"

#include <QLabel>

namespace kassa::gui {

// The amount a cashier types: a whole number of minor units that grows a digit at a time from the right
// (typing 1, 2, 5, 0 gives 12.50), as card terminals do, so there is never a decimal point to place and no
// floating point anywhere. Takes digits, Backspace and Delete from the keyboard; Enter asks to pay.
class AmountDisplay : public QLabel
{
    Q_OBJECT
public:
    explicit AmountDisplay(QWidget *parent = nullptr);

    qint64 minorUnits() const { return m_minorUnits; }
    Currency currency() const { return m_currency; }
    void setCurrency(Currency currency);
    void setMinorUnits(qint64 minorUnits);
    void appendDigit(int digit);
    void backspace();
    void clear() { setMinorUnits(0); }
    // A sale retried after a decline keeps its amount: digits are ignored, Enter still pays.
    bool isLocked() const { return m_locked; }
    void setLocked(bool locked);

signals:
    void changed();
    void submitted();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void render();

    qint64 m_minorUnits = 0;
    Currency m_currency;
    bool m_locked = false;
};

} // namespace kassa::gui
