// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "services/security/actinguser.h"

#include <QWidget>

class QButtonGroup;
class QGridLayout;
class QLabel;
class QLineEdit;
class QToolButton;

namespace kassa::gui {

class PinPad;

// The log-in and lock screen: a tile per user, the PIN field and a PIN pad. Works by keyboard alone
// (Tab to a tile and Space, or just type: digits, Backspace, Enter) and by touch. The PIN is checked
// by UserService on a worker thread (PBKDF2 takes a good fraction of a second), so the screen keeps
// painting; what UserService says about a wrong PIN or a lock-out is shown as it says it. In demo mode,
// and only there, the demo users' PINs are printed under the tiles.
class LoginScreen : public QWidget
{
    Q_OBJECT
public:
    explicit LoginScreen(const ConsoleContext &context, QWidget *parent = nullptr);

    // Reads the users again (enabled ones only). Gives false and shows why when the store fails.
    bool reloadUsers();
    void selectUser(const QString &name);
    QString selectedUser() const;
    // The lock screen: `user` was working and the till locked itself; anyone may log in.
    void showLocked(const security::ActingUser &user);
    void showLogIn();

    // What the message line says now (a wrong PIN, a lock-out), for tests and accessibility.
    QString message() const;
    bool isChecking() const { return m_checking; }
    QLineEdit *pinField() const { return m_pin; }
    QToolButton *tile(const QString &name) const;
    // "Max Manager" for "max", as the tiles show it; the name itself when it has none.
    QString displayNameOf(const QString &name) const;

signals:
    void loggedIn(const security::ActingUser &user);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void submit();
    void onChecked(const security::ActingUser &user, const QString &error);
    void setMessage(const QString &text, bool error);
    void setChecking(bool checking);

    ConsoleContext m_context;
    QLabel *m_heading;
    QWidget *m_tiles;
    QGridLayout *m_tileLayout;
    QButtonGroup *m_tileGroup;
    QLineEdit *m_pin;
    PinPad *m_pad;
    QLabel *m_message;
    QLabel *m_demoPins = nullptr;
    bool m_checking = false;
};

} // namespace kassa::gui
