// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/saleui.h"

#include <QLabel>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace kassa::gui::saleui {

QLocale displayLocale()
{
    const QLocale system;
    return system.language() == QLocale::C ? QLocale(QLocale::English, QLocale::UnitedStates) : system;
}

QString brandName(const QString &brand)
{
    if (brand == u"amex"_s)
        return u"American Express"_s;
    if (brand == u"mastercard"_s)
        return u"Mastercard"_s;
    if (brand == u"diners"_s)
        return u"Diners Club"_s;
    if (brand == u"unionpay"_s)
        return u"UnionPay"_s;
    if (brand.isEmpty() || brand == u"unknown"_s)
        return u"Card"_s;
    return brand.left(1).toUpper() + brand.mid(1);
}

QPushButton *bigButton(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(objectName);
    button->setMinimumHeight(ButtonMinimumPx);
    button->setAccessibleName(QString(text).remove(u'&'));
    return button;
}

QLabel *titleLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.8);
    font.setBold(true);
    label->setFont(font);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    return label;
}

} // namespace kassa::gui::saleui
