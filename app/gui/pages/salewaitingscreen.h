// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QUrl>
#include <QWidget>

class QLabel;
class QPushButton;

namespace kassa::gui {

class QrCodeWidget;

// The Sale page while the customer, the reader or Stripe acts: the amount, what the sale waits for in
// words, the page the customer must open (Checkout, or the bank's 3-D Secure page) as a QR code and as a
// link, and Cancel.
class SaleWaitingScreen : public QWidget
{
    Q_OBJECT
public:
    explicit SaleWaitingScreen(QWidget *parent = nullptr);

    QrCodeWidget *qrCode() const { return m_qr; }
    QLabel *link() const { return m_link; }
    QPushButton *cancelButton() const { return m_cancel; }
    // Test mode, reader waiting: taps the simulated reader with a test card (Stripe's test helper).
    QPushButton *testTapButton() const { return m_testTap; }
    QString text() const;

    void setContent(const QString &title, const QString &text);
    void setText(const QString &text);
    // Empty: no code, no link.
    void setActionUrl(const QUrl &url);

signals:
    void cancelRequested();
    void testTapRequested();

private:
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QrCodeWidget *m_qr = nullptr;
    QLabel *m_link = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_testTap = nullptr;
};

} // namespace kassa::gui
