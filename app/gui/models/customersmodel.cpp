// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/models/customersmodel.h"

#include "services/store/database.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace kassa::gui {

CustomersModel::CustomersModel(store::Database &db, QObject *parent)
    : KeysetTableModel(parent)
    , m_db(db)
{
}

void CustomersModel::setSearch(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    reload();
}

void CustomersModel::setLocale(const QLocale &locale)
{
    m_locale = locale;
    updateEntries([](CustomerEntry &entry) { entry.created.reset(); });
}

void CustomersModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column) || order == sortOrder())
        return;
    setSortKey(store::SortKey::Created, order);
    reload();
}

int CustomersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CustomersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CustomerEntry &entry = entryAt(index.row());
    const store::CustomerRow &customer = entry.customer;
    switch (role) {
    case Qt::DisplayRole:
    case RawValueRole:
        switch (index.column()) {
        case NameColumn:
            return customer.name;
        case EmailColumn:
            return customer.email;
        case PhoneColumn:
            return customer.phone;
        case CreatedColumn:
            return role == RawValueRole ? QVariant(customer.created) : QVariant(createdText(entry));
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == NameColumn && !customer.description.isEmpty())
            return customer.description;
        return {};
    case CustomerIdRole:
        return customer.id;
    case DefaultPaymentMethodIdRole:
        return customer.defaultPaymentMethodId;
    case CreatedRole:
        return customer.created;
    default:
        return {};
    }
}

QVariant CustomersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case EmailColumn:
        return tr("Email");
    case PhoneColumn:
        return tr("Phone");
    case CreatedColumn:
        return tr("Customer since");
    default:
        return {};
    }
}

Qt::ItemFlags CustomersModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

store::StoreResult<store::Page<CustomerEntry>> CustomersModel::readPage(const store::PageRequest &request)
{
    store::StoreResult<store::Page<store::CustomerRow>> page =
        store::CustomerRepository(m_db).page(m_search, request);
    if (!page.ok())
        return page.error();
    store::Page<CustomerEntry> entries;
    entries.next = page.value().next;
    entries.rows.reserve(page.value().rows.size());
    for (const store::CustomerRow &customer : std::as_const(page.value().rows))
        entries.rows.append(CustomerEntry{customer, std::nullopt});
    return entries;
}

store::StoreResult<qint64> CustomersModel::readCount()
{
    return store::CustomerRepository(m_db).count(m_search);
}

const QString &CustomersModel::createdText(const CustomerEntry &entry) const
{
    if (!entry.created)
        entry.created = m_locale.toString(QDateTime::fromSecsSinceEpoch(entry.customer.created).date(),
                                          QLocale::ShortFormat);
    return *entry.created;
}

} // namespace kassa::gui
