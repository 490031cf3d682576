// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/settings/usereditor.h"

#include "services/security/pinpolicy.h"
#include "services/security/userservice.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QLineEdit *pinEdit(const QString &accessibleName, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setEchoMode(QLineEdit::Password);
    edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    edit->setAccessibleName(accessibleName);
    edit->setMaxLength(security::PinPolicy::MaxPassphrase);
    edit->setMinimumHeight(36);
    return edit;
}

} // namespace

UserEditor::UserEditor(Mode mode, QWidget *parent)
    : QWidget(parent)
    , m_mode(mode)
    , m_name(new QLineEdit(this))
    , m_displayName(new QLineEdit(this))
    , m_role(new QComboBox(this))
    , m_pin(pinEdit(u"PIN"_s, this))
    , m_repeat(pinEdit(u"PIN again"_s, this))
{
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    m_name->setAccessibleName(u"User name"_s);
    m_name->setPlaceholderText(u"e.g. ann (letters a-z, digits, . _ -)"_s);
    m_name->setMaxLength(32);
    m_displayName->setAccessibleName(u"Name shown on the till"_s);
    m_displayName->setPlaceholderText(u"e.g. Ann (optional)"_s);
    m_role->setAccessibleName(u"Role"_s);
    setRoles({Role::Cashier, Role::Manager, Role::Owner});
    m_pin->setPlaceholderText(
        u"%1 to %2 digits"_s.arg(security::PinPolicy::MinDigits).arg(security::PinPolicy::MaxDigits));
    for (QWidget *field : {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_displayName),
                           static_cast<QWidget *>(m_role)})
        field->setMinimumHeight(36);
    form->addRow(u"&User name"_s, m_name);
    form->addRow(u"&Shown as"_s, m_displayName);
    form->addRow(u"&Role"_s, m_role);
    form->addRow(mode == Mode::NewPin ? u"New &PIN"_s : u"&PIN"_s, m_pin);
    form->addRow(u"PIN &again"_s, m_repeat);
    if (mode == Mode::NewPin) {
        m_name->setReadOnly(true);
        m_displayName->hide();
        form->labelForField(m_displayName)->hide();
        m_role->setEnabled(false);
    }
    for (QLineEdit *edit : {m_name, m_displayName, m_pin, m_repeat})
        connect(edit, &QLineEdit::textChanged, this, &UserEditor::changed);
    connect(m_role, &QComboBox::currentIndexChanged, this, &UserEditor::changed);
    setTabOrder(m_name, m_displayName);
    setTabOrder(m_displayName, m_role);
    setTabOrder(m_role, m_pin);
    setTabOrder(m_pin, m_repeat);
}

void UserEditor::setUser(const QString &name, Role role)
{
    m_name->setText(name);
    setRoles({role});
}

void UserEditor::setRoles(const QList<Role> &roles)
{
    m_role->clear();
    for (const Role role : roles)
        m_role->addItem(roleName(role), int(role));
}

QString UserEditor::name() const
{
    return security::UserService::normalizeName(m_name->text());
}

QString UserEditor::displayName() const
{
    return m_displayName->text().trimmed();
}

Role UserEditor::role() const
{
    return Role(m_role->currentData().toInt());
}

QString UserEditor::pin() const
{
    return m_pin->text();
}

QString UserEditor::problem() const
{
    if (m_mode == Mode::NewUser) {
        if (name().isEmpty())
            return u"Give the user a name."_s;
        if (const QString why = security::UserService::checkName(name()); !why.isEmpty())
            return why;
    }
    if (m_pin->text().isEmpty())
        return u"Type the PIN, then type it again."_s;
    if (const QString why = security::PinPolicy::check(m_pin->text(), role()); !why.isEmpty())
        return why;
    if (m_repeat->text() != m_pin->text())
        return m_repeat->text().isEmpty() ? u"Type the PIN again."_s : u"The two PINs differ."_s;
    return {};
}

void UserEditor::clearPins()
{
    m_pin->clear();
    m_repeat->clear();
}

UserEditorDialog::UserEditorDialog(UserEditor::Mode mode, QWidget *parent)
    : QDialog(parent)
    , m_editor(new UserEditor(mode, this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(mode == UserEditor::Mode::NewUser ? u"Add a user"_s : u"Reset a PIN"_s);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_editor);
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(u"What is missing"_s);
    layout->addWidget(m_problem);
    m_buttons->button(QDialogButtonBox::Ok)
        ->setText(mode == UserEditor::Mode::NewUser ? u"Add user"_s : u"Set PIN"_s);
    for (QAbstractButton *button : m_buttons->buttons())
        button->setMinimumHeight(40);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &UserEditorDialog::submitted);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_editor, &UserEditor::changed, this, &UserEditorDialog::update);
    setMinimumWidth(440);
    update();
}

void UserEditorDialog::showError(const QString &message)
{
    QString text = message;
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    m_problem->setText(text);
    m_problem->setStyleSheet(u"color: #b00020;"_s);
}

void UserEditorDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_editor->setEnabled(!busy);
    if (busy) {
        m_problem->setStyleSheet(u"color: palette(mid);"_s);
        m_problem->setText(u"Saving… (the PIN is being hashed)"_s);
    }
    update();
}

void UserEditorDialog::update()
{
    const QString problem = m_editor->problem();
    if (!m_busy) {
        m_problem->setStyleSheet(u"color: palette(mid);"_s);
        m_problem->setText(problem);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && !m_busy);
}

} // namespace kassa::gui
