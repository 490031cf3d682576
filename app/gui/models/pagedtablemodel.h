// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/page.h"
#include "services/store/storeerror.h"

#include <QAbstractTableModel>
#include <QString>

namespace kassa::gui {

// What every windowed table over the store offers a page, whatever its rows: the total behind the
// "12,345 payments" label, the page size, and errorOccurred(). The paging itself lives in
// KeysetTableModel<Entry>; this class exists because a template cannot declare signals.
//
// A failure never leaves an empty table without a reason: the model emits errorOccurred() with a
// message for the status bar or a banner, keeps it in errorString() until the next successful read,
// and stops fetching until the page calls reload() or refresh().
class PagedTableModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(qint64 totalCount READ totalCount NOTIFY totalCountChanged)
    Q_PROPERTY(int pageSize READ pageSize WRITE setPageSize)
    Q_PROPERTY(QString errorString READ errorString)

public:
    // Rows read per fetchMore(): about ten screens of a table, a few milliseconds of SQL.
    static constexpr int DefaultPageSize = 200;

    explicit PagedTableModel(QObject *parent = nullptr);

    // How many rows the current filter covers in the store, not how many are loaded (rowCount()).
    qint64 totalCount() const { return m_totalCount; }
    int pageSize() const { return m_pageSize; }
    // 1..PageRequest::MaxLimit; takes effect with the next read.
    void setPageSize(int rows);
    // The last failure; empty once a read succeeds again.
    QString errorString() const { return m_errorString; }

public slots:
    // Drops what is loaded and reads the first page and the total again (a reset: views go to the top).
    virtual void reload() = 0;
    // Re-reads what is loaded, for when sync has written rows: rows that appeared, changed, moved or
    // left are inserted, updated, moved or removed one by one, so selections and the scroll position
    // stay where they were.
    virtual void refresh() = 0;

signals:
    void totalCountChanged(qint64 count);
    void errorOccurred(const QString &message);

protected:
    void setTotalCount(qint64 count);
    // Keeps and emits a message saying what failed, with the store's own diagnosis.
    void reportError(const store::StoreError &error);
    void clearError() { m_errorString.clear(); }

private:
    qint64 m_totalCount = 0;
    int m_pageSize = DefaultPageSize;
    QString m_errorString;
};

} // namespace kassa::gui
