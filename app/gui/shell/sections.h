// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"

#include <QIcon>
#include <QList>
#include <QString>

#include <array>

namespace kassa::gui {

// The console's places, in the order the navigation lists them.
enum class Section {
    Sale,
    Transactions,
    Refunds,
    Customers,
    Reports,
    Settings,
};

inline constexpr std::array AllSections{Section::Sale,      Section::Transactions, Section::Refunds,
                                        Section::Customers, Section::Reports,      Section::Settings};

// "Transactions": the navigation's label.
QString sectionTitle(Section section);
// The section's navigation icon, a 24x24 SVG from the :/icons resources. Null only when Qt's SVG icon
// engine is missing, which tst_mainwindow treats as a broken install.
QIcon sectionIcon(Section section);
// The padlock on the header's Lock button, drawn to match the section icons.
QIcon lockIcon();
// What a role needs for the section to appear, from the permission table (core/permissions.h): a page
// that a role may not use is not shown to it at all, rather than shown and refused.
Permission sectionPermission(Section section);
// The sections `role` may see, in navigation order.
QList<Section> sectionsFor(Role role);

} // namespace kassa::gui
