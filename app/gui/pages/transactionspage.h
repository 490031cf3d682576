// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/currency.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableView;

namespace kassa::store {
class Database;
struct DatabaseConfig;
struct PaymentFilter;
} // namespace kassa::store

namespace kassa::gui {

class TransactionDetailPane;
class TransactionsModel;

// Every payment in the store, newest first, fetched a page at a time as the table scrolls. A filter bar:
// the search box of kassa-cli's `payments list --search` (an id, the last four digits, an order ref,
// words of the description or the customer), the status, a date range, an amount range and the cashier.
// Sort by date or amount from the header. The total is counted up to TransactionsModel's cap
// ("10,000+ payments"), so a store of a million payments answers as fast as a small one.
//
// The searches run on a thread of their own (TransactionsModel::readInBackground()): the window keeps
// painting and taking keys while the store looks. The rows shown stay until the new ones arrive; when
// that takes longer than BusyDelayMs they are greyed out and a small busy bar shows beside the total.
// A failed read says why in the table itself, rather than leaving it empty.
//
// Beside the table, the selected payment's details (TransactionDetailPane): charge, refunds, events and
// the receipt, with print, PDF, copy id and the Stripe Dashboard.
class TransactionsPage : public QWidget
{
    Q_OBJECT
public:
    // The search follows the first keystroke after a pause at once; keystrokes within this long of a
    // search are gathered into one search when typing pauses (as are date and amount edits).
    static constexpr int SearchDelayMs = 200;

    // A search that answers within this long changes the rows without greying them out first.
    static constexpr int BusyDelayMs = 120;

    // The searches read through a connection of their own opened from `readerConfig` (see
    // TransactionsModel::readInBackground()); without it, from db.config(), which on PostgreSQL no longer
    // holds the password.
    explicit TransactionsPage(store::Database &db, QWidget *parent = nullptr);
    TransactionsPage(store::Database &db, const store::DatabaseConfig &readerConfig,
                     QWidget *parent = nullptr);

    TransactionsModel *model() const { return m_model; }
    QLineEdit *searchField() const { return m_search; }
    QComboBox *statusFilter() const { return m_status; }
    QComboBox *cashierFilter() const { return m_cashier; }
    QDateEdit *fromDate() const { return m_from; }
    QDateEdit *toDate() const { return m_to; }
    QLineEdit *minAmountField() const { return m_minAmount; }
    QLineEdit *maxAmountField() const { return m_maxAmount; }
    QPushButton *clearFiltersButton() const { return m_clear; }
    QTableView *table() const { return m_table; }
    TransactionDetailPane *detailPane() const { return m_detail; }
    QString summaryText() const;
    // Shown while a search takes longer than BusyDelayMs.
    QProgressBar *busyIndicator() const { return m_busy; }
    // Over the table when a read failed and there are no rows: what went wrong. Empty when hidden.
    QString tableMessage() const;
    // "Request refund…" beside the search: shown when refund requests can be made from here; it
    // emits refundRequested() with the selected payment.
    void setRefundsEnabled(bool enabled);
    QPushButton *refundButton() const { return m_refund; }
    QString selectedPaymentId() const;
    // Test keys: the Dashboard links go to Stripe's test data.
    void setTestMode(bool testMode);
    // The currency the amount range is typed in (the store filters on minor units).
    Currency amountCurrency() const { return m_currency; }

    // What the filter bar asks for, as the store's filter (the amount fields in amountCurrency()).
    store::PaymentFilter filterFromBar() const;

signals:
    void refundRequested(const QString &paymentIntentId);

public slots:
    // Sync wrote rows: re-read what is loaded, in place, and the cashiers the filter offers.
    void refresh();
    // Applies the filter bar now (it otherwise waits SearchDelayMs after the last change).
    void applyFilters();

private:
    void onSearchEdited();
    void applyFiltersLater();
    void buildFilterBar(QWidget *bar);
    void updateSummary();
    void reloadCashiers();
    void selectionChanged();
    void updateColumnModes();
    void loadingChanged(bool loading);
    void showBusy(bool busy);
    void showTableMessage(const QString &message);

    store::Database &m_db;
    Currency m_currency;
    TransactionsModel *m_model;
    QLineEdit *m_search;
    QComboBox *m_status = nullptr;
    QComboBox *m_cashier = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QLineEdit *m_minAmount = nullptr;
    QLineEdit *m_maxAmount = nullptr;
    QPushButton *m_clear = nullptr;
    QLabel *m_summary;
    QTableView *m_table;
    QSplitter *m_splitter;
    TransactionDetailPane *m_detail;
    QPushButton *m_refund;
    QProgressBar *m_busy;
    QLabel *m_tableMessage;
    QTimer m_searchTimer;
    QTimer m_busyTimer;
    bool m_filtersPending = false; // a change waits for m_searchTimer
};

} // namespace kassa::gui
