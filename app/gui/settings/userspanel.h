// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/settings/usereditor.h"
#include "app/gui/shell/consolecontext.h"
#include "services/security/actinguser.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace kassa::gui {

class UsersModel;

// Users and roles through UserService (ManageUsers): the list with role, whether they may log in and
// any lock-out; add a user (role, PIN twice), disable or enable, reset a PIN (which also lifts a lock),
// change a role. Adding and PINs hash on a worker thread (PBKDF2 takes a good part of a second); the
// service's refusals show as they are ("'olga' is the last owner: add another owner first").
class UsersPanel : public QWidget
{
    Q_OBJECT
public:
    explicit UsersPanel(const ConsoleContext &context, QWidget *parent = nullptr);

    void setUser(const security::ActingUser &user);
    void refresh();

    UsersModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *resetPinButton() const { return m_resetPin; }
    QPushButton *enableButton() const { return m_enable; }
    QComboBox *roleBox() const { return m_role; }
    QPushButton *roleButton() const { return m_setRole; }
    UserEditorDialog *editorDialog() const { return m_dialog.data(); }
    QString message() const;
    bool select(const QString &name);
    QString selectedName() const;
    // A PIN is being hashed on the worker.
    bool isBusy() const { return m_busy; }

    void openAddDialog();
    void openResetPinDialog();
    void toggleEnabled();
    void changeRole();
    // Closes an open dialog (the till locks, or another user logs in).
    void closeDialog();

protected:
    void hideEvent(QHideEvent *event) override;

private:
    void submitDialog();
    void updateButtons();
    void setMessage(const QString &text, bool error);

    ConsoleContext m_context;
    security::ActingUser m_user;
    UsersModel *m_model;
    QTableView *m_table;
    QPushButton *m_add;
    QPushButton *m_resetPin;
    QPushButton *m_enable;
    QComboBox *m_role;
    QPushButton *m_setRole;
    QLabel *m_message;
    QPointer<UserEditorDialog> m_dialog;
    bool m_busy = false;
};

} // namespace kassa::gui
