// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace kassa::gui {

// The Sale page once the sale came to something: the outcome as a coloured title and in words, and what
// can be done next: Try again (after a decline), Check again (no answer yet), Print receipt (approved)
// and New sale. The page decides which buttons show.
class SaleResultScreen : public QWidget
{
    Q_OBJECT
public:
    explicit SaleResultScreen(QWidget *parent = nullptr);

    QString title() const;
    QString text() const;
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *recoverButton() const { return m_recover; }
    QPushButton *receiptButton() const { return m_receipt; }
    QPushButton *newSaleButton() const { return m_newSale; }

    void setOutcome(const QString &title, const QString &text, const QString &color);
    void setText(const QString &text);

signals:
    void retryRequested();
    void recoverRequested();
    void receiptRequested();
    void newSaleRequested();

private:
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_recover = nullptr;
    QPushButton *m_receipt = nullptr;
    QPushButton *m_newSale = nullptr;
};

} // namespace kassa::gui
