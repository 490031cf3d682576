// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "core/money.h"
#include "services/security/actinguser.h"

#include <QDialog>

#include <optional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace kassa::refunds {
class RefundRequestService;
}

namespace kassa::gui {

class PinPad;

// "Enter your PIN to approve": the approver proves again that it is them before money leaves the
// shop. The PIN is checked by UserService on a worker thread with its own connection (PBKDF2 is slow
// on purpose), as the log-in screen does; wrong PINs count towards the user's lock-out like any log-in.
// Accepted once the PIN is right; authenticatedUser() is then the user UserService vouched for.
class PinCheckDialog : public QDialog
{
    Q_OBJECT
public:
    PinCheckDialog(const ConsoleContext &context, const security::ActingUser &user, const QString &action,
                   QWidget *parent = nullptr);

    QLineEdit *pinField() const { return m_pin; }
    QString message() const;
    bool isChecking() const { return m_checking; }
    const security::ActingUser &authenticatedUser() const { return m_authenticated; }

private:
    void submit();

    ConsoleContext m_context;
    security::ActingUser m_user;
    security::ActingUser m_authenticated;
    QLineEdit *m_pin;
    PinPad *m_pad;
    QLabel *m_message;
    QPushButton *m_ok;
    bool m_checking = false;
};

// Why a request is rejected: required, the cashier reads it in the history.
class RejectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RejectDialog(const QString &summary, QWidget *parent = nullptr);

    QPlainTextEdit *reasonField() const { return m_reason; }
    QPushButton *rejectButton() const { return m_reject; }
    QString reason() const;

private:
    QPlainTextEdit *m_reason;
    QPushButton *m_reject;
};

// A new refund request: which payment, how much (what is left by default), why, and a note for the
// manager. Checks what it can before anything is stored and says what is wrong next to the field;
// the service checks again (another till may have asked for the same payment meanwhile).
class RefundRequestDialog : public QDialog
{
    Q_OBJECT
public:
    RefundRequestDialog(refunds::RefundRequestService &service, const security::ActingUser &user,
                        const QString &paymentIntentId, QWidget *parent = nullptr);

    QLineEdit *paymentField() const { return m_payment; }
    QLineEdit *amountField() const { return m_amount; }
    QComboBox *reasonBox() const { return m_reason; }
    QPlainTextEdit *noteField() const { return m_note; }
    QPushButton *submitButton() const { return m_submit; }
    QString message() const;
    // What is left of the payment, once looked up.
    std::optional<Money> refundable() const { return m_left; }

    // Looks the payment up: fills the amount with what is left and says how much that is.
    void lookUpPayment();

signals:
    // The service's outcome's words, for the page's message line.
    void requested(const QString &message);

private:
    void submit();
    void setMessage(const QString &text, bool error);

    refunds::RefundRequestService &m_service;
    security::ActingUser m_user;
    QString m_lookedUp;
    std::optional<Money> m_left;
    QLineEdit *m_payment;
    QLineEdit *m_amount;
    QLabel *m_leftLabel;
    QComboBox *m_reason;
    QPlainTextEdit *m_note;
    QLabel *m_message;
    QPushButton *m_submit;
    bool m_sending = false;
};

} // namespace kassa::gui
