// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/userrepository.h"

#include <QAbstractTableModel>
#include <QList>

namespace kassa::gui {

// The shop's users for the Settings page: name, role, whether they may log in, and until when a
// lock-out lasts. Holds what UserService::list() gave (no PIN hashes); setUsers() replaces it.
class UsersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, DisplayName, RoleColumn, Status, LockedUntil, ColumnCount };
    // The user's login name on every column, for the page's actions.
    static constexpr int NameRole = Qt::UserRole + 1;

    explicit UsersModel(QObject *parent = nullptr);

    // `now`: Unix seconds, to tell a lock that still holds from one that has passed.
    void setUsers(const QList<security::User> &users, qint64 now);
    const QList<security::User> &users() const { return m_users; }
    // The row of `name`, or -1.
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<security::User> m_users;
    qint64 m_now = 0;
};

} // namespace kassa::gui
