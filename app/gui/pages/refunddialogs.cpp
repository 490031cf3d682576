// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/refunddialogs.h"

#include "app/gui/models/refundrequestsmodel.h"
#include "app/gui/shell/pinpad.h"
#include "app/gui/shell/storeworker.h"
#include "core/refundreason.h"
#include "services/refunds/refundrequestservice.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// Touch guidelines ask for targets of at least 44 px; the dialogs' buttons are used standing at a till.
constexpr int TouchSize = 44;

QPushButton *touchButton(QPushButton *button, const QString &accessibleName)
{
    button->setMinimumHeight(TouchSize);
    button->setMinimumWidth(96);
    button->setAccessibleName(accessibleName);
    return button;
}

void styleMessage(QLabel *label, bool error)
{
    label->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : QString());
}

} // namespace

// --- PinCheckDialog -----------------------------------------------------------------------------------

PinCheckDialog::PinCheckDialog(const ConsoleContext &context, const security::ActingUser &user,
                               const QString &action, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_user(user)
    , m_pin(new QLineEdit(this))
    , m_pad(new PinPad(this))
    , m_message(new QLabel(this))
{
    setWindowTitle(u"Confirm with your PIN"_s);
    // Wide enough that the amount and the payment read on one line each.
    setMinimumWidth(420);
    auto *layout = new QVBoxLayout(this);
    auto *heading = new QLabel(u"<b>%1</b><br>%2, enter your PIN to confirm."_s.arg(
                                   action.toHtmlEscaped(), user.name.toHtmlEscaped()),
                               this);
    heading->setWordWrap(true);
    layout->addWidget(heading);

    m_pin->setEchoMode(QLineEdit::Password);
    m_pin->setAccessibleName(u"PIN"_s);
    m_pin->setMinimumHeight(TouchSize);
    m_pin->setValidator(new QRegularExpressionValidator(QRegularExpression(u"[0-9]{0,12}"_s), m_pin));
    layout->addWidget(m_pin);
    layout->addWidget(m_pad, 0, Qt::AlignHCenter);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"PIN message"_s);
    layout->addWidget(m_message);

    auto *buttons = new QDialogButtonBox(this);
    m_ok = touchButton(buttons->addButton(u"Confirm"_s, QDialogButtonBox::AcceptRole), u"Confirm PIN"_s);
    // Enter in a field must never cancel: only the dialog's own action is the default.
    touchButton(buttons->addButton(QDialogButtonBox::Cancel), u"Cancel"_s)->setAutoDefault(false);
    m_ok->setDefault(true);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &PinCheckDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_pin, &QLineEdit::returnPressed, this, &PinCheckDialog::submit);
    connect(m_pad, &PinPad::digitPressed, this, [this](QChar digit) { m_pin->insert(QString(digit)); });
    connect(m_pad, &PinPad::backspacePressed, m_pin, &QLineEdit::backspace);
    connect(m_pad, &PinPad::enterPressed, this, &PinCheckDialog::submit);
    m_pin->setFocus();
}

QString PinCheckDialog::message() const
{
    return m_message->text();
}

void PinCheckDialog::submit()
{
    if (m_checking)
        return;
    const QString pin = m_pin->text();
    if (pin.isEmpty()) {
        m_message->setText(u"Enter your PIN."_s);
        styleMessage(m_message, true);
        return;
    }
    m_checking = true;
    m_ok->setEnabled(false);
    m_pin->setEnabled(false);
    m_message->setText(u"Checking…"_s);
    styleMessage(m_message, false);
    using Checked = std::pair<security::ActingUser, QString>;
    const security::PinHasher hasher = m_context.hasher;
    const QString till = m_context.till;
    const QString name = m_user.name;
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
        [this](const Checked &checked) {
            m_checking = false;
            m_ok->setEnabled(true);
            m_pin->setEnabled(true);
            m_pin->clear();
            if (!checked.first.isValid()) {
                QString text = checked.second;
                if (!text.isEmpty())
                    text[0] = text.at(0).toUpper();
                m_message->setText(text);
                styleMessage(m_message, true);
                m_pin->setFocus();
                return;
            }
            m_authenticated = checked.first;
            accept();
        });
}

// --- RejectDialog -------------------------------------------------------------------------------------

RejectDialog::RejectDialog(const QString &summary, QWidget *parent)
    : QDialog(parent)
    , m_reason(new QPlainTextEdit(this))
{
    setWindowTitle(u"Reject refund request"_s);
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(summary + u"\n\nWhy is it rejected? The cashier sees this."_s, this);
    label->setWordWrap(true);
    layout->addWidget(label);
    m_reason->setAccessibleName(u"Reason for rejecting"_s);
    m_reason->setPlaceholderText(u"e.g. outside the return period"_s);
    m_reason->setTabChangesFocus(true);
    m_reason->setMinimumHeight(88);
    label->setBuddy(m_reason);
    layout->addWidget(m_reason);
    auto *buttons = new QDialogButtonBox(this);
    m_reject =
        touchButton(buttons->addButton(u"Reject"_s, QDialogButtonBox::AcceptRole), u"Reject request"_s);
    // Enter in a field must never cancel: only the dialog's own action is the default.
    touchButton(buttons->addButton(QDialogButtonBox::Cancel), u"Cancel"_s)->setAutoDefault(false);
    m_reject->setEnabled(false);
    m_reject->setDefault(true);
    layout->addWidget(buttons);
    connect(m_reason, &QPlainTextEdit::textChanged, this,
            [this] { m_reject->setEnabled(!reason().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!reason().isEmpty())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_reason->setFocus();
}

QString RejectDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

// --- RefundRequestDialog ------------------------------------------------------------------------------

RefundRequestDialog::RefundRequestDialog(refunds::RefundRequestService &service,
                                         const security::ActingUser &user, const QString &paymentIntentId,
                                         QWidget *parent)
    : QDialog(parent)
    , m_service(service)
    , m_user(user)
    , m_payment(new QLineEdit(paymentIntentId, this))
    , m_amount(new QLineEdit(this))
    , m_leftLabel(new QLabel(this))
    , m_reason(new QComboBox(this))
    , m_note(new QPlainTextEdit(this))
    , m_message(new QLabel(this))
{
    setWindowTitle(u"Request a refund"_s);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_payment->setPlaceholderText(u"pi_…"_s);
    m_payment->setAccessibleName(u"Payment id"_s);
    m_payment->setMinimumHeight(TouchSize);
    form->addRow(u"&Payment:"_s, m_payment);
    m_amount->setAccessibleName(u"Amount to refund"_s);
    m_amount->setMinimumHeight(TouchSize);
    form->addRow(u"&Amount:"_s, m_amount);
    m_leftLabel->setAccessibleName(u"Refundable amount"_s);
    form->addRow(QString(), m_leftLabel);
    m_reason->setAccessibleName(u"Reason"_s);
    m_reason->setMinimumHeight(TouchSize);
    for (const RefundReason reason : {RefundReason::RequestedByCustomer, RefundReason::Duplicate,
                                      RefundReason::Fraudulent, RefundReason::None})
        m_reason->addItem(reason == RefundReason::None ? u"Other (say why in the note)"_s
                                                       : RefundRequestsModel::reasonText(toStripe(reason)),
                          QVariant::fromValue(int(reason)));
    form->addRow(u"&Reason:"_s, m_reason);
    m_note->setAccessibleName(u"Note for the manager"_s);
    m_note->setPlaceholderText(u"What the manager should know"_s);
    m_note->setTabChangesFocus(true);
    m_note->setMaximumHeight(96);
    form->addRow(u"&Note:"_s, m_note);
    layout->addLayout(form);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Request message"_s);
    layout->addWidget(m_message);

    auto *buttons = new QDialogButtonBox(this);
    m_submit = touchButton(buttons->addButton(u"Send request"_s, QDialogButtonBox::AcceptRole),
                           u"Send refund request"_s);
    m_submit->setDefault(true);
    // Enter in a field must never cancel: only the dialog's own action is the default.
    touchButton(buttons->addButton(QDialogButtonBox::Cancel), u"Cancel"_s)->setAutoDefault(false);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &RefundRequestDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_payment, &QLineEdit::editingFinished, this, &RefundRequestDialog::lookUpPayment);
    resize(480, sizeHint().height());

    if (!paymentIntentId.isEmpty()) {
        lookUpPayment();
        m_amount->setFocus();
    } else {
        m_payment->setFocus();
    }
}

QString RefundRequestDialog::message() const
{
    return m_message->text();
}

void RefundRequestDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    styleMessage(m_message, error);
}

void RefundRequestDialog::lookUpPayment()
{
    const QString id = m_payment->text().trimmed();
    if (id == m_lookedUp)
        return;
    m_lookedUp = id;
    m_left.reset();
    m_leftLabel->clear();
    if (id.isEmpty())
        return;
    const security::SecurityResult<Money> left = m_service.refundableAmount(m_user, id);
    if (!left.ok()) {
        QString text = left.error().message;
        if (!text.isEmpty())
            text[0] = text.at(0).toUpper();
        setMessage(text, true);
        return;
    }
    m_left = left.value();
    const QLocale locale;
    if (m_left->minorUnits() <= 0) {
        m_leftLabel->setText(u"Nothing is left to refund of this payment."_s);
        setMessage(u"This payment is refunded already, or a request for the rest is open."_s, true);
        m_amount->clear();
        return;
    }
    m_leftLabel->setText(u"Up to %1 can be refunded."_s.arg(m_left->format(locale)));
    m_amount->setText(m_left->formatPlain(locale));
    setMessage({}, false);
}

void RefundRequestDialog::submit()
{
    if (m_sending)
        return;
    lookUpPayment();
    const QString id = m_payment->text().trimmed();
    if (id.isEmpty()) {
        setMessage(u"Enter the payment's id (pi_…): the Transactions page shows it."_s, true);
        m_payment->setFocus();
        return;
    }
    if (!m_left) {
        if (m_message->text().isEmpty())
            setMessage(u"Payment %1 is not in the store."_s.arg(id), true);
        m_payment->setFocus();
        return;
    }
    if (m_left->minorUnits() <= 0) {
        setMessage(u"Nothing is left to refund of this payment."_s, true);
        return;
    }
    const QLocale locale;
    const MoneyParseResult parsed = Money::parse(m_amount->text(), m_left->currency(), locale);
    if (!parsed) {
        setMessage(u"Amount: "_s + parsed.message(), true);
        m_amount->setFocus();
        return;
    }
    const Money amount = parsed.money();
    if (amount.minorUnits() <= 0) {
        setMessage(u"The amount must be more than zero."_s, true);
        m_amount->setFocus();
        return;
    }
    if (amount.minorUnits() > m_left->minorUnits()) {
        setMessage(u"At most %1 can be refunded of this payment."_s.arg(m_left->format(locale)), true);
        m_amount->setFocus();
        return;
    }
    const auto reason = RefundReason(m_reason->currentData().toInt());
    const QString note = m_note->toPlainText().trimmed();
    if (note.size() > 500) {
        setMessage(u"The note is %1 characters long; 500 at most."_s.arg(note.size()), true);
        m_note->setFocus();
        return;
    }
    if (reason == RefundReason::None && note.isEmpty()) {
        setMessage(u"Say in the note why the customer gets money back."_s, true);
        m_note->setFocus();
        return;
    }
    refunds::RefundRequestService::NewRequest request;
    request.paymentIntentId = id;
    request.amount = amount.minorUnits();
    request.reason = reason;
    request.note = note;
    m_sending = true;
    m_submit->setEnabled(false);
    setMessage(u"Sending…"_s, false);
    QPointer<RefundRequestDialog> self(this);
    m_service.request(m_user, request, [self](const refunds::RefundRequestOutcome &outcome) {
        RefundRequestDialog *dialog = self.data();
        if (!dialog)
            return;
        dialog->m_sending = false;
        dialog->m_submit->setEnabled(true);
        if (outcome.kind == refunds::RefundRequestOutcome::Kind::Refused) {
            QString text = outcome.message;
            if (!text.isEmpty())
                text[0] = text.at(0).toUpper();
            dialog->setMessage(text, true);
            return;
        }
        emit dialog->requested(outcome.message);
        dialog->accept();
    });
}

} // namespace kassa::gui
