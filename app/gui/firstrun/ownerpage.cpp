// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/ownerpage.h"

#include "services/security/pinpolicy.h"
#include "services/security/userservice.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace kassa::gui::firstrun {

OwnerPage::OwnerPage()
{
    setTitle(u"The owner"_s);
    setSubTitle(u"The owner may do everything: take payments, approve refunds, change keys, users and "
                "settings. Add the other people who use the till later, in Settings."_s);
    auto *form = new QFormLayout(this);
    m_name = new QLineEdit(this);
    m_name->setObjectName(u"ownerName"_s);
    m_name->setAccessibleName(u"Owner's log-in name"_s);
    m_name->setPlaceholderText(u"e.g. olga"_s);
    form->addRow(u"Log-in name:"_s, m_name);
    m_displayName = new QLineEdit(this);
    m_displayName->setObjectName(u"ownerDisplayName"_s);
    m_displayName->setAccessibleName(u"Owner's full name"_s);
    m_displayName->setPlaceholderText(u"e.g. Olga Berg (shown on the log-in screen)"_s);
    form->addRow(u"Full name:"_s, m_displayName);
    m_pin = new QLineEdit(this);
    m_pin->setObjectName(u"ownerPin"_s);
    m_pin->setAccessibleName(u"Owner's PIN or passphrase"_s);
    m_pin->setEchoMode(QLineEdit::Password);
    form->addRow(u"PIN or passphrase:"_s, m_pin);
    m_repeat = new QLineEdit(this);
    m_repeat->setObjectName(u"ownerPinRepeat"_s);
    m_repeat->setAccessibleName(u"Owner's PIN or passphrase again"_s);
    m_repeat->setEchoMode(QLineEdit::Password);
    form->addRow(u"Once more:"_s, m_repeat);
    form->addRow(QString(),
                 wrapped(u"A PIN is %1 to %2 digits, quick on the till's keypad. Since the owner's "
                         "account can change the Stripe key and the users, a passphrase of at least %3 "
                         "characters (words will do) is safer."_s.arg(security::PinPolicy::MinDigits)
                             .arg(security::PinPolicy::MaxDigits)
                             .arg(security::PinPolicy::MinPassphrase),
                         this));
    m_problem = wrapped(QString(), this);
    m_problem->setObjectName(u"ownerProblem"_s);
    m_problem->hide();
    form->addRow(QString(), m_problem);
    for (QLineEdit *field : {m_name, m_displayName, m_pin, m_repeat})
        connect(field, &QLineEdit::textChanged, this, [this] { check(); });
}

QString OwnerPage::displayName() const
{
    const QString shown = m_displayName->text().trimmed();
    return shown.isEmpty() ? m_name->text().trimmed() : shown;
}

void OwnerPage::check()
{
    QString problem;
    if (!m_name->text().trimmed().isEmpty())
        problem = security::UserService::checkName(name());
    if (problem.isEmpty() && !m_pin->text().isEmpty())
        problem = security::PinPolicy::check(m_pin->text(), Role::Owner);
    if (problem.isEmpty() && !m_repeat->text().isEmpty() && m_repeat->text() != m_pin->text() &&
        !m_pin->text().startsWith(m_repeat->text()))
        problem = u"The two entries differ."_s;
    showMessage(m_problem, problem, true);
    const bool valid = problem.isEmpty() && !m_name->text().trimmed().isEmpty() && !m_pin->text().isEmpty() &&
                       m_repeat->text() == m_pin->text();
    if (valid != m_valid) {
        m_valid = valid;
        emit completeChanged();
    }
}

QString OwnerPage::name() const
{
    return security::UserService::normalizeName(m_name->text());
}

QString OwnerPage::pin() const
{
    return m_pin->text();
}

} // namespace kassa::gui::firstrun
