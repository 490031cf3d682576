// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/models/pagedtablemodel.h"

#include <algorithm>

namespace kassa::gui {

PagedTableModel::PagedTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PagedTableModel::setPageSize(int rows)
{
    m_pageSize = std::clamp(rows, 1, store::PageRequest::MaxLimit);
}

void PagedTableModel::setTotalCount(qint64 count)
{
    if (count == m_totalCount)
        return;
    m_totalCount = count;
    emit totalCountChanged(count);
}

void PagedTableModel::reportError(const store::StoreError &error)
{
    m_errorString = tr("The list could not be read from the local store: %1").arg(error.toString());
    emit errorOccurred(m_errorString);
}

} // namespace kassa::gui
