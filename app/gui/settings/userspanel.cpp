// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/settings/userspanel.h"

#include "app/gui/settings/usereditor.h"
#include "app/gui/settings/usersmodel.h"
#include "app/gui/shell/storeworker.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHideEvent>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int TouchSize = 44;

QString capitalized(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

} // namespace

UsersPanel::UsersPanel(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_model(new UsersModel(this))
    , m_table(new QTableView(this))
    , m_add(new QPushButton(u"Add user…"_s, this))
    , m_resetPin(new QPushButton(u"Reset PIN…"_s, this))
    , m_enable(new QPushButton(u"Disable"_s, this))
    , m_role(new QComboBox(this))
    , m_setRole(new QPushButton(u"Change role"_s, this))
    , m_message(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Users message"_s);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    m_table->setModel(m_model);
    m_table->setAccessibleName(u"Users"_s);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(TouchSize);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(UsersModel::Name, 160);
    m_table->setColumnWidth(UsersModel::DisplayName, 200);
    m_table->setColumnWidth(UsersModel::RoleColumn, 120);
    m_table->setColumnWidth(UsersModel::Status, 110);
    layout->addWidget(m_table, 1);

    auto *actions = new QHBoxLayout;
    m_add->setAccessibleName(u"Add a user"_s);
    m_resetPin->setAccessibleName(u"Reset the selected user's PIN"_s);
    m_enable->setAccessibleName(u"Disable or enable the selected user"_s);
    m_role->setAccessibleName(u"New role for the selected user"_s);
    m_setRole->setAccessibleName(u"Change the selected user's role"_s);
    for (const Role role : AllRoles)
        m_role->addItem(roleName(role), int(role));
    for (QWidget *w :
         {static_cast<QWidget *>(m_add), static_cast<QWidget *>(m_resetPin), static_cast<QWidget *>(m_enable),
          static_cast<QWidget *>(m_role), static_cast<QWidget *>(m_setRole)})
        w->setMinimumHeight(TouchSize);
    actions->addWidget(m_add);
    actions->addSpacing(24);
    actions->addWidget(m_resetPin);
    actions->addWidget(m_enable);
    actions->addSpacing(24);
    actions->addWidget(new QLabel(u"Role:"_s, this));
    actions->addWidget(m_role);
    actions->addWidget(m_setRole);
    actions->addStretch(1);
    layout->addLayout(actions);

    connect(m_add, &QPushButton::clicked, this, &UsersPanel::openAddDialog);
    connect(m_resetPin, &QPushButton::clicked, this, &UsersPanel::openResetPinDialog);
    connect(m_enable, &QPushButton::clicked, this, &UsersPanel::toggleEnabled);
    connect(m_setRole, &QPushButton::clicked, this, &UsersPanel::changeRole);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &UsersPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &UsersPanel::updateButtons);
    updateButtons();
}

QString UsersPanel::message() const
{
    return m_message->text();
}

void UsersPanel::setMessage(const QString &text, bool error)
{
    m_message->setText(capitalized(text));
    m_message->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : u"color: #1b5e20;"_s);
}

void UsersPanel::setUser(const security::ActingUser &user)
{
    m_user = user;
    closeDialog();
    setMessage({}, false);
    if (m_user.isValid() && allows(m_user.role, Permission::ManageUsers))
        refresh();
    else
        m_model->setUsers({}, 0);
}

void UsersPanel::refresh()
{
    const QString selected = selectedName();
    security::AuditLog audit(*m_context.db, m_context.till);
    const security::SecurityResult<QList<security::User>> users =
        security::UserService(*m_context.db, audit, m_context.hasher).list();
    if (!users.ok()) {
        setMessage(users.error().message, true);
        return;
    }
    m_model->setUsers(users.value(), QDateTime::currentSecsSinceEpoch());
    if (!selected.isEmpty())
        select(selected);
}

bool UsersPanel::select(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    return true;
}

QString UsersPanel::selectedName() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(UsersModel::NameRole).toString();
}

void UsersPanel::updateButtons()
{
    const int row = m_model->rowOf(selectedName());
    const bool any = row >= 0 && !m_busy;
    m_resetPin->setEnabled(any);
    m_enable->setEnabled(any);
    m_setRole->setEnabled(any);
    m_role->setEnabled(any);
    m_add->setEnabled(!m_busy);
    if (row >= 0) {
        const security::User &user = m_model->users().at(row);
        m_enable->setText(user.disabled ? u"Enable"_s : u"Disable"_s);
        m_role->setCurrentIndex(m_role->findData(int(user.role)));
    }
}

void UsersPanel::closeDialog()
{
    if (UserEditorDialog *dialog = m_dialog.data())
        dialog->reject();
}

void UsersPanel::hideEvent(QHideEvent *event)
{
    closeDialog();
    QWidget::hideEvent(event);
}

void UsersPanel::openAddDialog()
{
    closeDialog();
    auto *dialog = new UserEditorDialog(UserEditor::Mode::NewUser, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &UserEditorDialog::submitted, this, &UsersPanel::submitDialog);
    m_dialog = dialog;
    dialog->open();
}

void UsersPanel::openResetPinDialog()
{
    const int row = m_model->rowOf(selectedName());
    if (row < 0)
        return;
    closeDialog();
    const security::User &user = m_model->users().at(row);
    auto *dialog = new UserEditorDialog(UserEditor::Mode::NewPin, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->editor()->setUser(user.name, user.role);
    connect(dialog, &UserEditorDialog::submitted, this, &UsersPanel::submitDialog);
    m_dialog = dialog;
    dialog->open();
    dialog->editor()->pinField()->setFocus();
}

void UsersPanel::submitDialog()
{
    UserEditorDialog *dialog = m_dialog.data();
    if (!dialog || m_busy || !dialog->editor()->problem().isEmpty())
        return;
    const UserEditor *editor = dialog->editor();
    const bool adding = !editor->nameField()->isReadOnly();
    const security::UserService::NewUser newUser{editor->name(), editor->displayName(), editor->role()};
    const QString pin = editor->pin();
    dialog->editor()->clearPins();
    dialog->setBusy(true);
    m_busy = true;
    updateButtons();
    const security::ActingUser actor = m_user;
    const QString till = m_context.till;
    const security::PinHasher hasher = m_context.hasher;
    // The PIN is hashed with PBKDF2 on a worker, with its own connection to the store.
    runOnStoreThread<QString>(
        m_context.databaseConfig, this,
        [actor, till, hasher, newUser, pin, adding](store::Database *db,
                                                    const QString &openError) -> QString {
            if (!db)
                return u"cannot open the store: "_s + openError;
            security::AuditLog audit(*db, till);
            security::UserService users(*db, audit, hasher);
            if (adding) {
                const security::SecurityResult<security::User> added = users.addUser(actor, newUser, pin);
                return added.ok() ? QString() : added.error().message;
            }
            const security::SecurityError set = users.setPin(actor, newUser.name, pin);
            return set.isError() ? set.message : QString();
        },
        [this, newUser, adding](const QString &error) {
            m_busy = false;
            UserEditorDialog *open = m_dialog.data();
            if (!error.isEmpty()) {
                if (open) {
                    open->setBusy(false);
                    open->showError(error);
                } else {
                    setMessage(error, true);
                }
                updateButtons();
                return;
            }
            if (open)
                open->accept();
            refresh();
            select(newUser.name);
            updateButtons();
            setMessage(adding
                           ? u"Added %1 %2: they can log in now."_s.arg(roleName(newUser.role), newUser.name)
                           : u"New PIN for %1; any lock is lifted."_s.arg(newUser.name),
                       false);
        });
}

void UsersPanel::toggleEnabled()
{
    const int row = m_model->rowOf(selectedName());
    if (row < 0)
        return;
    const security::User user = m_model->users().at(row);
    security::AuditLog audit(*m_context.db, m_context.till);
    const security::SecurityError error = security::UserService(*m_context.db, audit, m_context.hasher)
                                              .setDisabled(m_user, user.name, !user.disabled);
    if (error.isError())
        return setMessage(error.message, true);
    refresh();
    setMessage(user.disabled ? u"%1 may log in again."_s.arg(user.name)
                             : u"%1 is disabled and cannot log in."_s.arg(user.name),
               false);
}

void UsersPanel::changeRole()
{
    const int row = m_model->rowOf(selectedName());
    if (row < 0)
        return;
    const security::User user = m_model->users().at(row);
    const Role role = Role(m_role->currentData().toInt());
    if (role == user.role)
        return setMessage(u"%1 is already %2."_s.arg(user.name, roleName(role)), false);
    security::AuditLog audit(*m_context.db, m_context.till);
    const security::SecurityError error =
        security::UserService(*m_context.db, audit, m_context.hasher).setRole(m_user, user.name, role);
    if (error.isError()) {
        updateButtons();
        return setMessage(error.message, true);
    }
    refresh();
    setMessage(u"%1 is now %2."_s.arg(user.name, roleName(role)), false);
}

} // namespace kassa::gui
