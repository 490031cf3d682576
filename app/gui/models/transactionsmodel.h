// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/models/keysettablemodel.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrow.h"

#include <QLocale>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

namespace kassa::store {
class Database;
struct BoundedCount;
struct DatabaseConfig;
} // namespace kassa::store

namespace kassa::gui {

class BackgroundReader;

// How a payment's status looks: a delegate or a badge picks its colours from this, the model does not
// (no UI state in models).
enum class PaymentTone {
    Neutral, // incomplete, canceled, fully refunded
    Success, // succeeded, partially refunded
    Pending, // processing, waiting for capture or for the customer (3-D Secure)
    Failed,  // declined: the last attempt failed and nothing was charged
};

// What TransactionsModel shows of one payment, formatted once, when a view first asks for it.
struct TransactionTexts
{
    QString date;      // local time, the locale's short format
    QString amount;    // "$12.50", "¥1,200"
    QString status;    // "Succeeded", "Declined", ...
    QString statusTip; // why, for a declined payment: what to tell the customer
    PaymentTone tone = PaymentTone::Neutral;
    QString method;   // "Visa •••• 4242"
    QString customer; // the name, else the email
    QString refunded; // "$2.00", or empty when nothing was refunded
};

// One row of TransactionsModel: the payment as the store lists it, and its texts once a view has
// asked for them. Reading a page or refreshing costs SQL only: the texts (currency patterns, time
// zone conversions) are made for the rows a view actually shows, then kept.
struct TransactionEntry
{
    store::PaymentRow payment;
    mutable std::optional<TransactionTexts> texts; // made by data(), which is const

    // Equal when the store's row is: the texts follow from it.
    friend bool operator==(const TransactionEntry &a, const TransactionEntry &b)
    {
        return a.payment == b.payment;
    }
};

// The transactions list: every payment in the store that the filter covers, for a store of a million
// rows. Nothing is loaded at construction; reload() reads the first page and the total, then the view
// fetches a page at a time as it scrolls (KeysetTableModel). setFilter() and sort() start over from the
// top; refresh() re-reads the loaded rows in place after sync has written.
//
// Sorting is what the store can page by key: the date (newest first by default) and the amount. The
// other columns are not sortable (isSortable()); sort() ignores them, and the page shows no indicator.
//
// Pages act on rows through the roles (PaymentIdRole, ...) or paymentAt(), never by parsing the texts.
//
// The Database belongs to the page that made this model and must outlive it. By default every read
// happens on the GUI thread, a page at a time. After readInBackground(), reload() (and so setFilter()
// and sort()) and fetchMore() read on a thread of their own (BackgroundReader) and return at once: the
// loaded rows stay until the new first page arrives and replaces them in one reset, the total follows
// (totalCountChanged()), and isLoading() says meanwhile that an answer is on its way. A newer reload()
// makes the answers of older ones void: they are dropped (and, on SQLite, the read is interrupted), so
// the table always ends with the last question's rows. refresh() stays on the GUI thread (it keeps
// the selection and the scroll position, which an answer arriving later could not).
class TransactionsModel : public KeysetTableModel<TransactionEntry>
{
    Q_OBJECT

public:
    enum Column {
        DateColumn,
        AmountColumn,
        StatusColumn,
        MethodColumn,
        CustomerColumn,
        DescriptionColumn,
        CashierColumn,
        RefundedColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        PaymentIdRole = Qt::UserRole + 1, // "pi_..."
        StatusRole,                       // Stripe's status text: "succeeded"
        ToneRole,                         // PaymentTone, as an int
        AmountMinorUnitsRole,             // qint64
        CurrencyRole,                     // "usd"
        CustomerIdRole,                   // "cus_...", or empty
        RefundedMinorUnitsRole,           // qint64
        CreatedRole,                      // Unix seconds, qint64
        // The column's value before formatting (seconds, minor units, Stripe's texts), for proxies and
        // tests.
        RawValueRole,
    };
    Q_ENUM(Role)

    // totalCount() counts up to this many payments and no further (PaymentRepository::countUpTo): a
    // list of a million rows shows "10,000+ payments" rather than waiting for an exact figure.
    static constexpr qint64 DefaultCountCap = 10'000;

    explicit TransactionsModel(store::Database &db, QObject *parent = nullptr);
    ~TransactionsModel() override; // interrupts a running background read and waits for its thread

    // Reads from now on in the background, on a connection of its own opened from `config` (the same
    // store as the Database: its config() on SQLite; on PostgreSQL one that still holds the password).
    // False, and reads stay on the GUI thread, for a SQLite store in memory (a second connection would
    // be another, empty, database).
    bool readInBackground(const store::DatabaseConfig &config);
    bool readsInBackground() const { return m_reader != nullptr; }
    // Null unless readsInBackground().
    BackgroundReader *backgroundReader() const { return m_reader.get(); }
    // A background read is on its way: the rows of a reload(), its total, or a fetchMore() page.
    bool isLoading() const { return m_resetPending || m_countPending || m_fetchPending; }
    // The rows of a reload() are on their way: those shown belong to the previous filter.
    bool isReloading() const { return m_resetPending; }

    // Tests: runs on the reader thread before each background read, with the read's filter; an error
    // it returns is the read's result. To make a read slow, or fail, on purpose.
    using ReadHook = std::function<store::StoreError(const store::PaymentFilter &filter)>;
    void setReadHookForTests(ReadHook hook) { m_readHook = std::move(hook); }

    // False when totalCount() is the cap and the filter covers at least that many payments.
    bool isTotalExact() const { return m_totalExact; }
    qint64 countCap() const { return m_countCap; }
    void setCountCap(qint64 cap) { m_countCap = std::max<qint64>(cap, 1); }

    const store::PaymentFilter &filter() const { return m_filter; }
    // Reloads from the top.
    void setFilter(const store::PaymentFilter &filter);

    QLocale locale() const { return m_locale; }
    // Reformats the loaded rows (amounts, dates) in place.
    void setLocale(const QLocale &locale);

    // Date and amount: the columns the store pages by.
    static bool isSortable(int column);
    int sortColumn() const;
    Qt::SortOrder sortOrder() const { return KeysetTableModel::sortOrder(); }

    // The payment in `row` (0 <= row < rowCount()).
    const store::PaymentRow &paymentAt(int row) const { return entryAt(row).payment; }

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;
    // Date or amount, either order: reloads from the top. Other columns: nothing happens.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void reload() override;
    void refresh() override;

signals:
    // isLoading() changed.
    void loadingChanged(bool loading);

protected:
    store::StoreResult<store::Page<TransactionEntry>> readPage(const store::PageRequest &request) override;
    store::StoreResult<qint64> readCount() override;
    QString idOf(const TransactionEntry &entry) const override { return entry.payment.id; }
    qint64 sortValueOf(const TransactionEntry &entry) const override;

private:
    const TransactionTexts &textsOf(const TransactionEntry &entry) const;
    // Posts the read of `request` (with the total after it when `first`) to the reader.
    void postRead(quint64 generation, const store::PageRequest &request, bool first);
    void pageArrived(quint64 generation, const store::StoreResult<store::Page<TransactionEntry>> &page,
                     bool first);
    void countArrived(quint64 generation, const store::StoreResult<store::BoundedCount> &count);
    void setPending(bool reset, bool count, bool fetch);

    store::Database &m_db;
    store::PaymentFilter m_filter;
    QLocale m_locale;
    qint64 m_countCap = DefaultCountCap;
    bool m_totalExact = true;
    std::unique_ptr<BackgroundReader> m_reader;
    ReadHook m_readHook;
    bool m_resetPending = false; // the first page of a reload() is on its way
    bool m_countPending = false; // its total
    bool m_fetchPending = false; // a fetchMore() page
};

} // namespace kassa::gui
