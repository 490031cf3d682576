// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/permissions.h"

#include <iterator>

using namespace Qt::StringLiterals;

namespace kassa {
namespace {

struct PermissionRow
{
    Permission permission;
    QStringView key;
    QStringView label;
    QStringView phrase;
    bool owner;
    bool manager;
    bool cashier;
};

// The table. A manager has the cashier's rights and those of the floor (refunds, reports, exports,
// saved cards); only the owner touches settings, keys, users and the audit log.
constexpr PermissionRow Table[] = {
    {Permission::TakePayments, u"take_payments", u"Take payments", u"take payments", true, true, true},
    {Permission::RequestRefunds, u"request_refunds", u"Request refunds", u"request refunds", true, true,
     true},
    {Permission::ViewTransactions, u"view_transactions", u"View transactions", u"view transactions", true,
     true, true},
    {Permission::RefundDirectly, u"refund_directly", u"Refund without approval", u"refund without approval",
     true, true, false},
    {Permission::DecideRefunds, u"decide_refunds", u"Approve or reject refunds", u"approve refunds", true,
     true, false},
    {Permission::ViewReports, u"view_reports", u"View reports", u"view reports", true, true, false},
    {Permission::Export, u"export", u"Export", u"export", true, true, false},
    {Permission::ManageSavedMethods, u"manage_saved_methods", u"Manage saved payment methods",
     u"manage saved payment methods", true, true, false},
    {Permission::ManageSettings, u"manage_settings", u"Manage settings", u"manage settings", true, false,
     false},
    {Permission::ManageKeys, u"manage_keys", u"Manage Stripe keys", u"manage Stripe keys", true, false,
     false},
    {Permission::ManageUsers, u"manage_users", u"Manage users", u"manage users", true, false, false},
    {Permission::ViewAuditLog, u"view_audit_log", u"View the audit log", u"view the audit log", true, false,
     false},
};

static_assert(std::size(Table) == AllPermissions.size(), "every permission has one row in the table");

const PermissionRow &rowOf(Permission permission)
{
    for (const PermissionRow &row : Table) {
        if (row.permission == permission)
            return row;
    }
    Q_UNREACHABLE();
    return Table[0];
}

} // namespace

bool allows(Role role, Permission permission)
{
    const PermissionRow &row = rowOf(permission);
    switch (role) {
    case Role::Owner:
        return row.owner;
    case Role::Manager:
        return row.manager;
    case Role::Cashier:
        return row.cashier;
    }
    return false;
}

QString roleName(Role role)
{
    switch (role) {
    case Role::Owner:
        return u"owner"_s;
    case Role::Manager:
        return u"manager"_s;
    case Role::Cashier:
        return u"cashier"_s;
    }
    return {};
}

std::optional<Role> roleFromName(QStringView name)
{
    for (const Role role : AllRoles) {
        if (name.compare(roleName(role), Qt::CaseInsensitive) == 0)
            return role;
    }
    return std::nullopt;
}

QString permissionKey(Permission permission)
{
    return rowOf(permission).key.toString();
}

std::optional<Permission> permissionFromKey(QStringView key)
{
    for (const PermissionRow &row : Table) {
        if (row.key == key)
            return row.permission;
    }
    return std::nullopt;
}

QString permissionLabel(Permission permission)
{
    return rowOf(permission).label.toString();
}

QString permissionPhrase(Permission permission)
{
    return rowOf(permission).phrase.toString();
}

QString permissionTableMarkdown()
{
    QString text = u"| permission | owner | manager | cashier |\n|---|:-:|:-:|:-:|\n"_s;
    auto mark = [](bool allowed) { return allowed ? u"✓"_s : u"–"_s; };
    for (const PermissionRow &row : Table) {
        text += u"| "_s + row.label.toString() + u" | "_s + mark(row.owner) + u" | "_s + mark(row.manager) +
                u" | "_s + mark(row.cashier) + u" |\n"_s;
    }
    return text;
}

} // namespace kassa
