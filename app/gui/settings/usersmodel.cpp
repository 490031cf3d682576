// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/settings/usersmodel.h"

#include "services/security/userservice.h"

using namespace Qt::StringLiterals;

namespace kassa::gui {

UsersModel::UsersModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void UsersModel::setUsers(const QList<security::User> &users, qint64 now)
{
    beginResetModel();
    m_users = users;
    m_now = now;
    endResetModel();
}

int UsersModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_users.size(); ++row) {
        if (m_users.at(row).name == name)
            return row;
    }
    return -1;
}

int UsersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

int UsersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const security::User &user = m_users.at(index.row());
    if (role == NameRole)
        return user.name;
    if (role == Qt::ToolTipRole && index.column() == LockedUntil && user.lockedUntil > m_now)
        return u"Too many wrong PINs. Resetting the PIN lifts the lock."_s;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Name:
        return user.name;
    case DisplayName:
        return user.displayName;
    case RoleColumn:
        return roleName(user.role);
    case Status:
        return user.disabled ? u"disabled"_s : u"enabled"_s;
    case LockedUntil:
        return user.lockedUntil > m_now ? security::UserService::lockTimeText(user.lockedUntil, m_now)
                                        : QString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant UsersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name:
        return u"User"_s;
    case DisplayName:
        return u"Shown as"_s;
    case RoleColumn:
        return u"Role"_s;
    case Status:
        return u"Log-in"_s;
    case LockedUntil:
        return u"Locked until"_s;
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace kassa::gui
