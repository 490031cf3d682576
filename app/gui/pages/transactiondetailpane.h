// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/receipts/receiptdata.h"

#include <QLocale>
#include <QStringList>
#include <QUrl>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QTextBrowser;

namespace kassa::store {
class Database;
}

namespace kassa::gui {

// The selected payment on the Transactions page, read from the store: a summary, its charge (outcome,
// risk, card brand/last4/expiry, 3-D Secure), its refunds, the Stripe events the store applied to it,
// its charges and its refunds (oldest first), and the receipt as it prints (the sale's, or a refund's).
//
// Actions: print the receipt, save it as a PDF, copy the payment's id, open it in the Stripe Dashboard.
// Nothing here moves money; the page's "Request refund…" does that through the Refunds page.
class TransactionDetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit TransactionDetailPane(store::Database &db, QWidget *parent = nullptr);

    // Test keys: the Dashboard link goes to Stripe's test data.
    void setTestMode(bool testMode) { m_testMode = testMode; }
    bool testMode() const { return m_testMode; }
    void setLocale(const QLocale &locale);

    // Shows `paymentIntentId` (empty: "Select a payment").
    void showPayment(const QString &paymentIntentId);
    // Reads the shown payment again (sync wrote).
    void refresh();
    QString paymentId() const { return m_paymentId; }

    // https://dashboard.stripe.com[/test]/payments/<pi>
    static QUrl dashboardUrl(const QString &paymentIntentId, bool testMode);

    // What the pane shows, for tests and screen readers.
    QString summaryText() const;
    QString chargeText() const;
    QStringList refundLines() const { return m_refundLines; }
    QStringList eventLines() const { return m_eventLines; }
    // The receipt the preview shows (the sale's, or the refund picked in the receipt list).
    const std::optional<receipts::ReceiptData> &receipt() const { return m_receipt; }
    QTextBrowser *receiptPreview() const { return m_preview; }
    QComboBox *receiptChoice() const { return m_receiptChoice; }
    QPushButton *printButton() const { return m_print; }
    QPushButton *pdfButton() const { return m_pdf; }
    QPushButton *copyIdButton() const { return m_copyId; }
    QPushButton *dashboardButton() const { return m_dashboard; }

signals:
    // A store read failed: the page shows the message.
    void errorOccurred(const QString &message);

private:
    void load();
    void showReceipt();
    void setActionsEnabled(bool enabled);
    QString describeCharge(const QJsonObject &charge) const;

    store::Database &m_db;
    bool m_testMode = false;
    QLocale m_locale;
    QString m_paymentId;
    QStringList m_refundLines;
    QStringList m_eventLines;
    QStringList m_refundIds;
    std::optional<receipts::ReceiptData> m_receipt;

    QLabel *m_placeholder;
    QWidget *m_content;
    QLabel *m_title;
    QLabel *m_summary;
    QLabel *m_charge;
    QLabel *m_refunds;
    QLabel *m_events;
    QComboBox *m_receiptChoice;
    QTextBrowser *m_preview;
    QPushButton *m_print;
    QPushButton *m_pdf;
    QPushButton *m_copyId;
    QPushButton *m_dashboard;
};

} // namespace kassa::gui
