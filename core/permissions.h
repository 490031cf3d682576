// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <optional>

namespace kassa {

// Who a user is in the shop. The owner is the merchant; managers run the floor; cashiers sell.
enum class Role {
    Owner,
    Manager,
    Cashier,
};

// What a user may do. Every service entry point that acts checks one of these against the table in
// permissions.cpp (security::require()), so the table is the one place that says who may do what.
enum class Permission {
    TakePayments,       // sell: card, reader, checkout page
    RequestRefunds,     // ask for a refund that a manager then approves or rejects
    ViewTransactions,   // the transactions list and a payment's details
    RefundDirectly,     // refund without asking for approval
    DecideRefunds,      // approve or reject refund requests
    ViewReports,        // day and shift reports
    Export,             // CSV and other exports
    ManageSavedMethods, // add, remove and make default a customer's saved payment methods
    ManageSettings,     // the shop's settings (idle lock, refund threshold, ...)
    ManageKeys,         // Stripe keys and the webhook secret
    ManageUsers,        // add and disable users, set anyone's PIN
    ViewAuditLog,       // read and verify the audit log
};

inline constexpr std::array AllRoles{Role::Owner, Role::Manager, Role::Cashier};
inline constexpr std::array AllPermissions{
    Permission::TakePayments,   Permission::RequestRefunds,     Permission::ViewTransactions,
    Permission::RefundDirectly, Permission::DecideRefunds,      Permission::ViewReports,
    Permission::Export,         Permission::ManageSavedMethods, Permission::ManageSettings,
    Permission::ManageKeys,     Permission::ManageUsers,        Permission::ViewAuditLog,
};

// Whether `role` has `permission`.
bool allows(Role role, Permission permission);

// "owner", "manager", "cashier": the stored and typed form.
QString roleName(Role role);
// From roleName()'s text, case-insensitive; nothing for anything else.
std::optional<Role> roleFromName(QStringView name);

// "manage_users": a stable key for logs and JSON.
QString permissionKey(Permission permission);
std::optional<Permission> permissionFromKey(QStringView key);
// "Manage users": the label of the table in the README and the console.
QString permissionLabel(Permission permission);
// "manage users": what a refusal says the user may not do ("cashier ann may not manage users").
QString permissionPhrase(Permission permission);

// The whole table as a Markdown table, one row per permission, one column per role. The README shows
// exactly this text (a test compares them).
QString permissionTableMarkdown();

} // namespace kassa
