// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace kassa::store {
class Database;
}

namespace kassa::gui {

class TransactionsModel;

// Every payment in the store, newest first, fetched a page at a time as the table scrolls, with the
// search box of kassa-cli's `payments list --search` (an id, the last four digits, an order ref, words of
// the description or the customer). Sort by date or amount from the header. Read-only for now: the
// detail pane and the actions (refund, receipt) come with their own pages.
class TransactionsPage : public QWidget
{
    Q_OBJECT
public:
    // A keystroke waits this long for the next one before the store is asked.
    static constexpr int SearchDelayMs = 200;

    explicit TransactionsPage(store::Database &db, QWidget *parent = nullptr);

    TransactionsModel *model() const { return m_model; }
    QLineEdit *searchField() const { return m_search; }
    QTableView *table() const { return m_table; }
    QString summaryText() const;
    // "Request refund…" beside the search: shown when refund requests can be made from here; it
    // emits refundRequested() with the selected payment.
    void setRefundsEnabled(bool enabled);
    QPushButton *refundButton() const { return m_refund; }
    QString selectedPaymentId() const;

signals:
    void refundRequested(const QString &paymentIntentId);

public slots:
    // Sync wrote rows: re-read what is loaded, in place.
    void refresh();

private:
    void applySearch();
    void updateSummary();

    TransactionsModel *m_model;
    QLineEdit *m_search;
    QLabel *m_summary;
    QTableView *m_table;
    QPushButton *m_refund;
    QTimer m_searchTimer;
};

} // namespace kassa::gui
