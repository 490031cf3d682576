// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/models/keysettablemodel.h"
#include "services/store/customerrepository.h"

#include <QLocale>

#include <optional>

namespace kassa::store {
class Database;
}

namespace kassa::gui {

// One row of CustomersModel: the customer as the store keeps it, and its date once a view has asked
// for it (see TransactionEntry).
struct CustomerEntry
{
    store::CustomerRow customer;
    mutable std::optional<QString> created; // local date, the locale's short format

    friend bool operator==(const CustomerEntry &a, const CustomerEntry &b)
    {
        return a.customer == b.customer;
    }
};

// The customers list, windowed like TransactionsModel: nothing is loaded at construction, reload()
// reads the first page and the total, the view fetches the rest as it scrolls, refresh() re-reads in
// place. setSearch() narrows it to customers whose name, email or phone contains every word typed.
// Deleted customers are left out. Sorted by when the customer was created (the one key the store
// pages customers by), newest first unless sort() says otherwise.
//
// The Database must outlive the model; reads happen on the GUI thread.
class CustomersModel : public KeysetTableModel<CustomerEntry>
{
    Q_OBJECT

public:
    enum Column { NameColumn, EmailColumn, PhoneColumn, CreatedColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        CustomerIdRole = Qt::UserRole + 1, // "cus_..."
        DefaultPaymentMethodIdRole,        // "pm_...", or empty
        CreatedRole,                       // Unix seconds
        RawValueRole,                      // the column's value before formatting
    };
    Q_ENUM(Role)

    explicit CustomersModel(store::Database &db, QObject *parent = nullptr);

    QString search() const { return m_search; }
    // Reloads from the top when the text changed (surrounding spaces do not count).
    void setSearch(const QString &text);

    QLocale locale() const { return m_locale; }
    void setLocale(const QLocale &locale);

    // Only the created column: the one the store pages customers by.
    static bool isSortable(int column) { return column == CreatedColumn; }

    const store::CustomerRow &customerAt(int row) const { return entryAt(row).customer; }

    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // The created column, either order: reloads. Other columns: nothing happens.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    store::StoreResult<store::Page<CustomerEntry>> readPage(const store::PageRequest &request) override;
    store::StoreResult<qint64> readCount() override;
    QString idOf(const CustomerEntry &entry) const override { return entry.customer.id; }
    qint64 sortValueOf(const CustomerEntry &entry) const override { return entry.customer.created; }

private:
    const QString &createdText(const CustomerEntry &entry) const;

    store::Database &m_db;
    QString m_search;
    QLocale m_locale;
};

} // namespace kassa::gui
