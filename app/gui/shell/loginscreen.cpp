// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/loginscreen.h"

#include "app/gui/shell/pinpad.h"
#include "app/gui/shell/storeworker.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"

#include <QButtonGroup>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int TileColumns = 4;

QString roleTitle(Role role)
{
    switch (role) {
    case Role::Owner:
        return u"Owner"_s;
    case Role::Manager:
        return u"Manager"_s;
    case Role::Cashier:
        return u"Cashier"_s;
    }
    return {};
}

} // namespace

LoginScreen::LoginScreen(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_heading(new QLabel(this))
    , m_tiles(new QWidget(this))
    , m_tileLayout(new QGridLayout(m_tiles))
    , m_tileGroup(new QButtonGroup(this))
    , m_pin(new QLineEdit(this))
    , m_pad(new PinPad(this))
    , m_message(new QLabel(this))
{
    setObjectName(u"loginScreen"_s);
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);

    auto *column = new QWidget(this);
    column->setMaximumWidth(560);
    auto *layout = new QVBoxLayout(column);
    layout->setSpacing(14);

    QFont headingFont = m_heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.8);
    headingFont.setBold(true);
    m_heading->setFont(headingFont);
    m_heading->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_heading);

    m_tileLayout->setContentsMargins(0, 0, 0, 0);
    m_tileLayout->setSpacing(10);
    m_tileGroup->setExclusive(true);
    // The chosen tile must be obvious from across the counter, not a subtle sunken frame.
    m_tiles->setStyleSheet(
        u"QToolButton { border: 1px solid palette(mid); border-radius: 6px; "
        "background: palette(button); padding: 6px; }"
        "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text); "
        "border: 2px solid palette(dark); font-weight: bold; }"
        "QToolButton:focus { border: 2px solid palette(highlight); }"_s);
    layout->addWidget(m_tiles);

    m_pin->setObjectName(u"pinField"_s);
    m_pin->setEchoMode(QLineEdit::Password);
    m_pin->setAlignment(Qt::AlignCenter);
    m_pin->setPlaceholderText(u"PIN"_s);
    m_pin->setAccessibleName(u"PIN"_s);
    m_pin->setMaxLength(128); // the owner may use a passphrase
    m_pin->setMinimumHeight(48);
    QFont pinFont = m_pin->font();
    pinFont.setPointSizeF(pinFont.pointSizeF() * 1.6);
    m_pin->setFont(pinFont);
    layout->addWidget(m_pin);

    m_message->setObjectName(u"loginMessage"_s);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setMinimumHeight(m_message->fontMetrics().height() * 2);
    m_message->setAccessibleName(u"Log-in message"_s);
    layout->addWidget(m_message);

    m_pad->setMaximumWidth(3 * PinPad::ButtonSize * 2);
    layout->addWidget(m_pad, 0, Qt::AlignHCenter);

    if (m_context.demo && !m_context.demoUsers.isEmpty()) {
        QStringList lines;
        for (const DemoUser &user : std::as_const(m_context.demoUsers))
            lines << u"%1 (%2): PIN %3"_s.arg(user.displayName, roleName(user.role), user.pin);
        m_demoPins = new QLabel(u"<b>Demo users</b><br>"_s + lines.join(u"<br>"_s), this);
        m_demoPins->setObjectName(u"demoPins"_s);
        m_demoPins->setAlignment(Qt::AlignCenter);
        m_demoPins->setTextFormat(Qt::RichText);
        m_demoPins->setStyleSheet(u"QLabel { border: 1px dashed palette(mid); padding: 8px; }"_s);
        layout->addWidget(m_demoPins);
    }

    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 3);
    row->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(1);

    connect(m_pin, &QLineEdit::returnPressed, this, &LoginScreen::submit);
    connect(m_pad, &PinPad::digitPressed, this, [this](QChar digit) {
        m_pin->insert(QString(digit));
        m_pin->setFocus();
    });
    connect(m_pad, &PinPad::backspacePressed, this, [this] {
        m_pin->backspace();
        m_pin->setFocus();
    });
    connect(m_pad, &PinPad::enterPressed, this, &LoginScreen::submit);
    connect(m_tileGroup, &QButtonGroup::buttonClicked, this, [this] {
        setMessage({}, false);
        m_pin->clear();
        m_pin->setFocus();
    });

    showLogIn();
    reloadUsers();
}

bool LoginScreen::reloadUsers()
{
    const QString previous = selectedUser();
    const QList<QAbstractButton *> old = m_tileGroup->buttons();
    for (QAbstractButton *button : old) {
        m_tileGroup->removeButton(button);
        delete button;
    }
    security::AuditLog audit(*m_context.db, m_context.till);
    const security::SecurityResult<QList<security::User>> users =
        security::UserService(*m_context.db, audit, m_context.hasher).list();
    if (!users.ok()) {
        setMessage(u"Cannot read the users: "_s + users.error().message, true);
        return false;
    }
    int index = 0;
    for (const security::User &user : users.value()) {
        if (user.disabled)
            continue;
        auto *tile = new QToolButton(m_tiles);
        tile->setObjectName(u"userTile_"_s + user.name);
        tile->setCheckable(true);
        tile->setFocusPolicy(Qt::StrongFocus);
        tile->setToolButtonStyle(Qt::ToolButtonTextOnly);
        const QString display = user.displayName.isEmpty() ? user.name : user.displayName;
        tile->setText(display + u'\n' + roleTitle(user.role));
        tile->setAccessibleName(u"Log in as %1, %2"_s.arg(display, roleName(user.role)));
        tile->setProperty("userName", user.name);
        tile->setProperty("displayName", display);
        tile->setMinimumSize(120, 80);
        tile->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        QFont font = tile->font();
        font.setPointSizeF(font.pointSizeF() * 1.15);
        tile->setFont(font);
        m_tileGroup->addButton(tile);
        m_tileLayout->addWidget(tile, index / TileColumns, index % TileColumns);
        ++index;
    }
    if (index == 0)
        setMessage(u"This store has no users who may log in."_s, true);
    else if (!previous.isEmpty())
        selectUser(previous);
    else if (index == 1)
        m_tileGroup->buttons().constFirst()->setChecked(true);
    return true;
}

void LoginScreen::selectUser(const QString &name)
{
    if (QToolButton *button = tile(name))
        button->setChecked(true);
}

QString LoginScreen::selectedUser() const
{
    QAbstractButton *checked = m_tileGroup->checkedButton();
    return checked ? checked->property("userName").toString() : QString();
}

QString LoginScreen::displayNameOf(const QString &name) const
{
    const QToolButton *button = tile(name);
    const QString display = button ? button->property("displayName").toString() : QString();
    return display.isEmpty() ? name : display;
}

QToolButton *LoginScreen::tile(const QString &name) const
{
    const QList<QAbstractButton *> buttons = m_tileGroup->buttons();
    for (QAbstractButton *button : buttons) {
        if (button->property("userName").toString() == name)
            return qobject_cast<QToolButton *>(button);
    }
    return nullptr;
}

void LoginScreen::showLocked(const security::ActingUser &user)
{
    m_heading->setText(u"Locked"_s);
    selectUser(user.name);
    m_pin->clear();
    setMessage(u"The till locked itself after a while without use. Enter your PIN to go on, or tap "
               "another name."_s,
               false);
    m_pin->setFocus();
}

void LoginScreen::showLogIn()
{
    m_heading->setText(u"Who is at the till?"_s);
    m_pin->clear();
    setMessage({}, false);
}

QString LoginScreen::message() const
{
    return m_message->text();
}

void LoginScreen::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"QLabel { color: #b00020; font-weight: bold; }"_s : QString());
}

void LoginScreen::setChecking(bool checking)
{
    m_checking = checking;
    m_pin->setReadOnly(checking);
    m_pad->setEnabled(!checking);
    m_tiles->setEnabled(!checking);
    if (checking)
        setMessage(u"Checking…"_s, false);
}

void LoginScreen::keyPressEvent(QKeyEvent *event)
{
    // Keys that reach the screen itself (the focus is on a tile): digits and Backspace go to the PIN,
    // Enter logs in.
    if (!m_checking) {
        const QString text = event->text();
        if (text.size() == 1 && text.at(0).isDigit()) {
            m_pin->insert(text);
            m_pin->setFocus();
            return;
        }
        if (event->key() == Qt::Key_Backspace) {
            m_pin->backspace();
            m_pin->setFocus();
            return;
        }
        if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
            submit();
            return;
        }
    }
    QWidget::keyPressEvent(event);
}

void LoginScreen::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_pin->setFocus();
}

void LoginScreen::submit()
{
    if (m_checking)
        return;
    const QString name = selectedUser();
    if (name.isEmpty()) {
        setMessage(u"Tap your name first."_s, true);
        return;
    }
    const QString pin = m_pin->text();
    if (pin.isEmpty()) {
        setMessage(u"Enter your PIN."_s, true);
        m_pin->setFocus();
        return;
    }
    setChecking(true);
    using Checked = std::pair<security::ActingUser, QString>;
    const security::PinHasher hasher = m_context.hasher;
    const QString till = m_context.till;
    runOnStoreThread<Checked>(
        m_context.databaseConfig, this,
        [name, pin, till, hasher](store::Database *db, const QString &openError) -> Checked {
            if (!db)
                return {{}, u"Cannot open the store: "_s + openError};
            security::AuditLog audit(*db, till);
            security::UserService users(*db, audit, hasher);
            const security::SecurityResult<security::ActingUser> result = users.authenticate(name, pin, till);
            if (!result.ok())
                return {{}, result.error().message};
            return {result.value(), {}};
        },
        [this](const Checked &checked) { onChecked(checked.first, checked.second); });
}

void LoginScreen::onChecked(const security::ActingUser &user, const QString &error)
{
    setChecking(false);
    m_pin->clear();
    if (!user.isValid()) {
        // UserService's own words: "wrong PIN, 2 tries left", "ann is locked until 10:42 (...)".
        QString text = error;
        if (!text.isEmpty())
            text[0] = text.at(0).toUpper();
        setMessage(text, true);
        m_pin->setFocus();
        return;
    }
    setMessage({}, false);
    emit loggedIn(user);
}

} // namespace kassa::gui
