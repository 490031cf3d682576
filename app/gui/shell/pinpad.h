// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

namespace kassa::gui {

// The digits 0-9, Backspace and Enter as buttons big enough for a finger (at least 44 px, the size touch
// guidelines ask for). The buttons never take the keyboard focus: the PIN field keeps it, so that a
// cashier can mix typing and tapping.
class PinPad : public QWidget
{
    Q_OBJECT
public:
    static constexpr int ButtonSize = 64;

    explicit PinPad(QWidget *parent = nullptr);

signals:
    void digitPressed(QChar digit);
    void backspacePressed();
    void enterPressed();
};

} // namespace kassa::gui
