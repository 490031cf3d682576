// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"

#include <QDialog>
#include <QWidget>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace kassa::gui {

// A new user's name, role and PIN (typed twice), or a new PIN for someone who exists: the Settings
// page's, and the first-run wizard's to reuse for the owner. It says what is wrong before anything is
// sent (UserService::checkName, PinPolicy, the two PINs alike); UserService checks again.
class UserEditor : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { NewUser, NewPin };

    explicit UserEditor(Mode mode, QWidget *parent = nullptr);

    // NewPin: whose PIN it is (the name and role show, read-only).
    void setUser(const QString &name, Role role);
    // The roles offered for a new user (the wizard's first user may only be an owner).
    void setRoles(const QList<Role> &roles);

    QString name() const;
    QString displayName() const;
    Role role() const;
    QString pin() const;
    // What stops it, or empty.
    QString problem() const;
    void clearPins();

    QLineEdit *nameField() const { return m_name; }
    QLineEdit *displayNameField() const { return m_displayName; }
    QComboBox *roleBox() const { return m_role; }
    QLineEdit *pinField() const { return m_pin; }
    QLineEdit *repeatField() const { return m_repeat; }

signals:
    void changed();

private:
    Mode m_mode;
    QLineEdit *m_name;
    QLineEdit *m_displayName;
    QComboBox *m_role;
    QLineEdit *m_pin;
    QLineEdit *m_repeat;
};

// UserEditor in a dialog, opened with open(): OK stays off while problem() says something, which shows under
// the fields.
class UserEditorDialog : public QDialog
{
    Q_OBJECT
public:
    UserEditorDialog(UserEditor::Mode mode, QWidget *parent = nullptr);

    UserEditor *editor() const { return m_editor; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    // A refusal from the service, shown under the fields; the dialog stays open for a correction.
    void showError(const QString &message);
    void setBusy(bool busy);

signals:
    // OK: the page asks UserService and closes the dialog when it agrees.
    void submitted();

private:
    void update();

    UserEditor *m_editor;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    bool m_busy = false;
};

} // namespace kassa::gui
