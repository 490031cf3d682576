// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/firstrunpage.h"

#include <QLabel>

using namespace Qt::StringLiterals;

namespace kassa::gui::firstrun {

QLabel *wrapped(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

void showMessage(QLabel *label, const QString &text, bool error)
{
    label->setText(text);
    label->setStyleSheet(error ? u"color: #b00020;"_s : u"color: #1b5e20;"_s);
    label->setVisible(!text.isEmpty());
}

} // namespace kassa::gui::firstrun
