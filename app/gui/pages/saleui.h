// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the Sale page's pieces share: touch-target sizes, the locale amounts are shown in, card brands in
// words, and the big buttons and titles a cashier reads from a step away.

#include <QLocale>
#include <QString>

class QLabel;
class QPushButton;
class QWidget;

namespace kassa::gui::saleui {

// Touch targets: a finger needs at least 44 px; the keypad's keys and the pay buttons get more.
constexpr int TouchMinimumPx = 44;
constexpr int KeyMinimumPx = 56;
constexpr int ButtonMinimumPx = 48;

// The system's conventions, except the bare C locale of a server session ("12.50$"): there, US English.
QLocale displayLocale();
// "visa" → "Visa", "amex" → "American Express"; empty → "Card".
QString brandName(const QString &brand);
// A push button at least ButtonMinimumPx high, named for accessibility after its text.
QPushButton *bigButton(const QString &text, const QString &objectName, QWidget *parent);
// A large bold centred title.
QLabel *titleLabel(QWidget *parent);

} // namespace kassa::gui::saleui
