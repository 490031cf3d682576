// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/models/pagedtablemodel.h"
#include "services/store/page.h"
#include "services/store/storeresult.h"

#include <QHash>
#include <QList>
#include <QModelIndex>
#include <QSet>
#include <QString>

#include <limits>
#include <optional>
#include <utility>

namespace kassa::gui {

// A table over a store list that may hold a million rows, read page by page as the view scrolls (the
// QSqlQueryModel idiom: canFetchMore()/fetchMore()), never all at once.
//
// Pages are read by key (PageRequest::after), never by offset: each fetch continues after the last row
// loaded, so it costs what the first page costs, and rows that sync writes meanwhile neither repeat nor
// push rows out of the list. New rows that sort before the loaded end appear on refresh().
//
// `Entry` is what the subclass keeps for one row: the store's row, and the texts data() returns, made
// the first time a view asks and kept, so that data() never runs SQL and formats a row once, and a page
// read costs only its query. It must be copyable and comparable with == (the store's row alone), which
// is how refresh() tells a changed row from an unchanged one; an unchanged one keeps its texts.
//
// The subclass reads pages and the total (readPage(), readCount()) and says which id and which sort
// value an entry has; this class keeps the loaded window and emits every change as the model
// signals a view and QAbstractItemModelTester expect.
template<typename Entry>
class KeysetTableModel : public PagedTableModel
{
public:
    int rowCount(const QModelIndex &parent = QModelIndex()) const override
    {
        return parent.isValid() ? 0 : int(m_entries.size());
    }

    bool canFetchMore(const QModelIndex &parent) const override
    {
        return !parent.isValid() && m_next.has_value() && !m_stalled;
    }

    void fetchMore(const QModelIndex &parent) override
    {
        if (!canFetchMore(parent) || m_busy)
            return;
        const store::StoreResult<store::Page<Entry>> page = [this] {
            const BusyGuard guard(m_busy);
            return readPage(nextPageRequest());
        }();
        appendPage(page);
    }

    void reload() override
    {
        if (m_busy)
            return;
        const store::StoreResult<store::Page<Entry>> page = [this] {
            const BusyGuard guard(m_busy);
            return readPage(firstPageRequest());
        }();
        if (resetToPage(page))
            updateTotalCount();
    }

    void refresh() override
    {
        if (m_busy)
            return;
        // With nothing loaded there is no position to keep. After a failed fetchMore() the loaded rows
        // are still good: the window is re-read as usual, and fetching resumes.
        if (m_entries.isEmpty()) {
            reload();
            return;
        }
        QList<Entry> fresh;
        std::optional<store::PageKey> next;
        store::StoreError error;
        {
            const BusyGuard guard(m_busy);
            error = readWindow(&fresh, &next);
        }
        if (error.isError()) {
            // What is shown is still what the store held a moment ago: keep it, and say why it is not newer.
            reportError(error);
            return;
        }
        if (fresh.isEmpty()) {
            // Every loaded row has left the list (e.g. its filter no longer covers them): start over.
            reload();
            return;
        }
        {
            const BusyGuard guard(m_busy);
            m_next = next;
            m_stalled = false;
            applyWindow(fresh);
        }
        clearError();
        updateTotalCount();
    }

protected:
    using PagedTableModel::PagedTableModel;

    // One page of entries in sortKey()/sortOrder() order, as the repository's page() gives it, with its
    // `next` key.
    virtual store::StoreResult<store::Page<Entry>> readPage(const store::PageRequest &request) = 0;
    // How many rows the list covers.
    virtual store::StoreResult<qint64> readCount() = 0;
    virtual QString idOf(const Entry &entry) const = 0;
    // The value sortKey() sorts by (created seconds, amount in minor units).
    virtual qint64 sortValueOf(const Entry &entry) const = 0;

    store::SortKey sortKey() const { return m_sortKey; }
    Qt::SortOrder sortOrder() const { return m_order; }
    // Takes effect with the next reload().
    void setSortKey(store::SortKey key, Qt::SortOrder order)
    {
        m_sortKey = key;
        m_order = order;
    }

    // The reads reload() and fetchMore() make, and what they do with the answer, for a subclass that
    // reads elsewhere (TransactionsModel, on a thread of its own) and hands the answer over later.
    store::PageRequest firstPageRequest() const { return request(std::nullopt, pageSize()); }
    store::PageRequest nextPageRequest() const { return request(m_next, pageSize()); }
    // Replaces every row with `page` (a reset: views go to the top), or, when it failed, with none
    // and the error. True when it succeeded: the total is to be counted next.
    bool resetToPage(const store::StoreResult<store::Page<Entry>> &page)
    {
        if (m_busy)
            return false;
        const BusyGuard guard(m_busy);
        beginResetModel();
        m_entries.clear();
        m_ids.clear();
        m_next.reset();
        m_stalled = !page.ok();
        if (page.ok()) {
            m_entries = page.value().rows;
            for (const Entry &entry : std::as_const(m_entries))
                m_ids.insert(idOf(entry));
            m_next = page.value().next;
            // Before the reset is announced: whoever follows it sees the new rows without the old error.
            clearError();
        }
        endResetModel();
        if (!page.ok()) {
            setTotalCount(0);
            reportError(page.error());
            return false;
        }
        return true;
    }
    // Appends the page that nextPageRequest() asked for.
    void appendPage(const store::StoreResult<store::Page<Entry>> &page)
    {
        if (m_busy)
            return;
        const BusyGuard guard(m_busy);
        if (!page.ok()) {
            // Stop here rather than let the view ask again on every scroll, repeating the message.
            m_stalled = true;
            reportError(page.error());
            return;
        }
        QList<Entry> rows;
        rows.reserve(page.value().rows.size());
        for (const Entry &entry : page.value().rows) {
            // A row whose sort value changed since the previous page (an amount edited before
            // confirmation) can come round again; it is already shown.
            if (!m_ids.contains(idOf(entry)))
                rows.append(entry);
        }
        m_next = page.value().next;
        clearError();
        if (rows.isEmpty())
            return;
        const int first = int(m_entries.size());
        beginInsertRows(QModelIndex(), first, first + int(rows.size()) - 1);
        for (const Entry &entry : std::as_const(rows))
            m_ids.insert(idOf(entry));
        m_entries.append(rows);
        endInsertRows();
    }
    void applyCount(const store::StoreResult<qint64> &count)
    {
        if (!count.ok()) {
            reportError(count.error());
            return;
        }
        setTotalCount(count.value());
    }
    // A read of this model runs (a view may re-enter fetchMore() while rows are inserted).
    bool isBusy() const { return m_busy; }

    const QList<Entry> &entries() const { return m_entries; }
    const Entry &entryAt(int row) const { return m_entries.at(row); }

    // Recomputes every loaded entry in place (e.g. its texts after a change of locale) and tells views
    // that every cell changed. `update` must not change an entry's id or sort value.
    template<typename Update>
    void updateEntries(Update update)
    {
        if (m_entries.isEmpty())
            return;
        for (Entry &entry : m_entries)
            update(entry);
        emit dataChanged(index(0, 0), index(int(m_entries.size()) - 1, columnCount() - 1));
    }

private:
    // Clears a flag when a read ends, also on an early return: fetchMore() may be re-entered from a
    // view's slot while rows are being inserted.
    class BusyGuard
    {
    public:
        explicit BusyGuard(bool &flag)
            : m_flag(flag)
        {
            m_flag = true;
        }
        ~BusyGuard() { m_flag = false; }
        BusyGuard(const BusyGuard &) = delete;
        BusyGuard &operator=(const BusyGuard &) = delete;

    private:
        bool &m_flag;
    };

    store::PageRequest request(const std::optional<store::PageKey> &after, int limit) const
    {
        return store::PageRequest{.sort = m_sortKey, .order = m_order, .after = after, .limit = limit};
    }

    store::PageKey keyOf(const Entry &entry) const { return store::PageKey{sortValueOf(entry), idOf(entry)}; }

    // True when `value` sorts after `boundary` in the current order.
    bool isBeyond(qint64 value, qint64 boundary) const
    {
        return m_order == Qt::DescendingOrder ? value < boundary : value > boundary;
    }

    void updateTotalCount() { applyCount(readCount()); }

    // Reads the list from its start down to where the loaded window ends: the last loaded row, or, if
    // that row has left the list, the first row that sorts beyond its value. A window that held the
    // whole list grows by at most one page (the rest is fetched as the view scrolls). The order of rows
    // with equal values is the store's (ids compared by the database's collation), so the end is found
    // by id, never by comparing ids here.
    store::StoreError readWindow(QList<Entry> *fresh, std::optional<store::PageKey> *next)
    {
        const Entry &last = m_entries.constLast();
        const QString lastId = idOf(last);
        const qint64 lastValue = sortValueOf(last);
        const bool complete = !m_next.has_value();
        const qsizetype cap =
            complete ? m_entries.size() + pageSize() : std::numeric_limits<qsizetype>::max();
        QSet<QString> seen;
        std::optional<store::PageKey> cursor;
        for (;;) {
            const store::StoreResult<store::Page<Entry>> page =
                readPage(request(cursor, store::PageRequest::MaxLimit));
            if (!page.ok())
                return page.error();
            const QList<Entry> &rows = page.value().rows;
            for (qsizetype i = 0; i < rows.size(); ++i) {
                const Entry &entry = rows.at(i);
                if (!complete && isBeyond(sortValueOf(entry), lastValue)) {
                    *next = fresh->isEmpty() ? cursor : std::optional(keyOf(fresh->constLast()));
                    return {};
                }
                if (seen.contains(idOf(entry)))
                    continue;
                seen.insert(idOf(entry));
                fresh->append(entry);
                if ((!complete && idOf(entry) == lastId) || fresh->size() >= cap) {
                    const bool more = i + 1 < rows.size() || page.value().hasMore();
                    *next = more ? std::optional(keyOf(entry)) : std::nullopt;
                    return {};
                }
            }
            if (!page.value().hasMore()) {
                next->reset();
                return {};
            }
            cursor = page.value().next;
        }
    }

    // Turns the loaded rows into `fresh` in four steps a view can follow: removals, a reordering of the
    // rows that stay (rare: only a changed sort value moves a row), insertions, changed cells.
    void applyWindow(const QList<Entry> &fresh)
    {
        QSet<QString> freshIds;
        for (const Entry &entry : fresh)
            freshIds.insert(idOf(entry));

        for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
            if (freshIds.contains(idOf(m_entries.at(row))))
                continue;
            const int last = row;
            while (row > 0 && !freshIds.contains(idOf(m_entries.at(row - 1))))
                --row;
            beginRemoveRows(QModelIndex(), row, last);
            for (int i = row; i <= last; ++i)
                m_ids.remove(idOf(m_entries.at(i)));
            m_entries.remove(row, last - row + 1);
            endRemoveRows();
        }

        QList<Entry> staying; // the rows still loaded, in their new order, with their old content
        QHash<QString, int> oldRows;
        for (int row = 0; row < m_entries.size(); ++row)
            oldRows.insert(idOf(m_entries.at(row)), row);
        bool moved = false;
        for (const Entry &entry : fresh) {
            const auto found = oldRows.constFind(idOf(entry));
            if (found == oldRows.cend())
                continue;
            moved = moved || *found != staying.size();
            staying.append(m_entries.at(*found));
        }
        if (moved) {
            emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
            QHash<QString, int> newRows;
            for (int row = 0; row < staying.size(); ++row)
                newRows.insert(idOf(staying.at(row)), row);
            const QModelIndexList before = persistentIndexList();
            QModelIndexList after;
            after.reserve(before.size());
            for (const QModelIndex &old : before)
                after.append(index(newRows.value(idOf(m_entries.at(old.row()))), old.column()));
            m_entries = staying;
            changePersistentIndexList(before, after);
            emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        }

        int position = 0;
        for (qsizetype i = 0; i < fresh.size();) {
            if (oldRows.contains(idOf(fresh.at(i)))) {
                ++position;
                ++i;
                continue;
            }
            qsizetype end = i;
            while (end < fresh.size() && !oldRows.contains(idOf(fresh.at(end))))
                ++end;
            const int count = int(end - i);
            beginInsertRows(QModelIndex(), position, position + count - 1);
            QList<Entry> inserted = fresh.mid(i, count);
            for (const Entry &entry : std::as_const(inserted))
                m_ids.insert(idOf(entry));
            m_entries = m_entries.mid(0, position) + inserted + m_entries.mid(position);
            endInsertRows();
            position += count;
            i = end;
        }

        int firstChanged = -1;
        int lastChanged = -1;
        for (int row = 0; row < m_entries.size(); ++row) {
            if (m_entries.at(row) == fresh.at(row))
                continue;
            m_entries[row] = fresh.at(row);
            if (firstChanged < 0)
                firstChanged = row;
            lastChanged = row;
        }
        if (firstChanged >= 0)
            emit dataChanged(index(firstChanged, 0), index(lastChanged, columnCount() - 1));
    }

    QList<Entry> m_entries;
    QSet<QString> m_ids;                  // of m_entries, to keep a row from showing twice
    std::optional<store::PageKey> m_next; // where the next fetchMore() starts; none when all is loaded
    store::SortKey m_sortKey = store::SortKey::Created;
    Qt::SortOrder m_order = Qt::DescendingOrder;
    bool m_stalled = false; // a read failed: no fetching until reload() or refresh()
    bool m_busy = false;    // a read is running
};

} // namespace kassa::gui
