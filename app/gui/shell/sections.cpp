// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/sections.h"

using namespace Qt::StringLiterals;

namespace kassa::gui {

QString sectionTitle(Section section)
{
    switch (section) {
    case Section::Sale:
        return u"Sale"_s;
    case Section::Transactions:
        return u"Transactions"_s;
    case Section::Refunds:
        return u"Refunds"_s;
    case Section::Customers:
        return u"Customers"_s;
    case Section::Reports:
        return u"Reports"_s;
    case Section::Settings:
        return u"Settings"_s;
    }
    return {};
}

QIcon sectionIcon(Section section)
{
    switch (section) {
    case Section::Sale:
        return QIcon(u":/icons/sale.svg"_s);
    case Section::Transactions:
        return QIcon(u":/icons/transactions.svg"_s);
    case Section::Refunds:
        return QIcon(u":/icons/refunds.svg"_s);
    case Section::Customers:
        return QIcon(u":/icons/customers.svg"_s);
    case Section::Reports:
        return QIcon(u":/icons/reports.svg"_s);
    case Section::Settings:
        return QIcon(u":/icons/settings.svg"_s);
    }
    return {};
}

QIcon lockIcon()
{
    return QIcon(u":/icons/lock.svg"_s);
}

Permission sectionPermission(Section section)
{
    switch (section) {
    case Section::Sale:
        return Permission::TakePayments;
    case Section::Transactions:
        return Permission::ViewTransactions;
    case Section::Refunds:
        // Everyone: cashiers request refunds there, managers decide them.
        return Permission::RequestRefunds;
    case Section::Customers:
        // Looking a customer up is part of selling and of finding a payment.
        return Permission::ViewTransactions;
    case Section::Reports:
        return Permission::ViewReports;
    case Section::Settings:
        return Permission::ManageSettings;
    }
    return Permission::ManageSettings;
}

QList<Section> sectionsFor(Role role)
{
    QList<Section> sections;
    for (const Section section : AllSections) {
        if (allows(role, sectionPermission(section)))
            sections.append(section);
    }
    return sections;
}

} // namespace kassa::gui
