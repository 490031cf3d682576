// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/actinguser.h"

#include <QDialog>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;

namespace kassa::customers {
class MethodSetup;
class SavedMethodService;
struct SavedMethodOutcome;
} // namespace kassa::customers

namespace kassa::gui {

class QrCodeWidget;

// Saving a new payment method for one customer, three ways: a QR code of a setup-mode Checkout page for
// the customer's phone, a card reader, and (test mode only) a test card. The first two wait for the
// customer with a Cancel that withdraws the page or stops the reader; closing the dialog does the same.
// Emits saved() with the new method's id, then stays open on a "Saved" line until closed, so that the
// cashier sees what happened.
class AddMethodDialog : public QDialog
{
    Q_OBJECT
public:
    AddMethodDialog(customers::SavedMethodService &service, const security::ActingUser &user,
                    const QString &customerId, const QString &customerName, QWidget *parent = nullptr);
    ~AddMethodDialog() override;

    QTabWidget *tabs() const { return m_tabs; }
    QComboBox *testTokenBox() const { return m_testToken; }
    QPushButton *saveTestCardButton() const { return m_saveTestCard; }
    QPushButton *qrButton() const { return m_showQr; }
    QrCodeWidget *qrCode() const { return m_qr; }
    QComboBox *readerBox() const { return m_reader; }
    QPushButton *readerButton() const { return m_useReader; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString statusText() const;
    customers::MethodSetup *currentSetup() const { return m_setup.get(); }
    bool isBusy() const;

signals:
    void saved(const QString &paymentMethodId);

public slots:
    void saveTestCard();
    void showQrCode();
    void useReader();
    void refreshReaders();
    void reject() override;

private:
    void startSetup(std::unique_ptr<customers::MethodSetup> setup, const QString &refusal);
    void onSetupChanged();
    void onAttached(const customers::SavedMethodOutcome &outcome);
    void setStatus(const QString &text, bool error = false);
    void updateButtons();

    customers::SavedMethodService &m_service;
    security::ActingUser m_user;
    QString m_customerId;
    QTabWidget *m_tabs;
    QComboBox *m_testToken = nullptr;
    QPushButton *m_saveTestCard = nullptr;
    QPushButton *m_showQr;
    QrCodeWidget *m_qr;
    QLabel *m_qrLink;
    QComboBox *m_reader;
    QPushButton *m_useReader;
    QLabel *m_status;
    QPushButton *m_cancel;
    QPushButton *m_close;
    std::unique_ptr<customers::MethodSetup> m_setup;
    bool m_attaching = false;
};

} // namespace kassa::gui
