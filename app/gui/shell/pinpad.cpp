// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/pinpad.h"

#include <QGridLayout>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QPushButton *padButton(const QString &text, const QString &accessibleName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setFocusPolicy(Qt::NoFocus);
    button->setMinimumSize(PinPad::ButtonSize, PinPad::ButtonSize);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    button->setAccessibleName(accessibleName);
    QFont font = button->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    button->setFont(font);
    return button;
}

} // namespace

PinPad::PinPad(QWidget *parent)
    : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(8);
    for (int digit = 1; digit <= 9; ++digit) {
        const QChar c(u'0' + digit);
        QPushButton *button = padButton(QString(c), QString(c), this);
        button->setObjectName(u"pinDigit"_s + c);
        connect(button, &QPushButton::clicked, this, [this, c] { emit digitPressed(c); });
        grid->addWidget(button, (digit - 1) / 3, (digit - 1) % 3);
    }
    QPushButton *back = padButton(u"⌫"_s, u"Delete the last digit"_s, this);
    back->setObjectName(u"pinBackspace"_s);
    back->setToolTip(u"Delete the last digit (Backspace)"_s);
    connect(back, &QPushButton::clicked, this, &PinPad::backspacePressed);
    grid->addWidget(back, 3, 0);
    QPushButton *zero = padButton(u"0"_s, u"0"_s, this);
    zero->setObjectName(u"pinDigit0"_s);
    connect(zero, &QPushButton::clicked, this, [this] { emit digitPressed(u'0'); });
    grid->addWidget(zero, 3, 1);
    QPushButton *enter = padButton(u"OK"_s, u"Log in"_s, this);
    enter->setObjectName(u"pinEnter"_s);
    enter->setToolTip(u"Log in (Enter)"_s);
    connect(enter, &QPushButton::clicked, this, &PinPad::enterPressed);
    grid->addWidget(enter, 3, 2);
}

} // namespace kassa::gui
