// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <Qt>

#include <optional>

namespace kassa::store {

// What a list is sorted by. Every sort ends with the object id, so that rows with the same value
// (payments created in the same second, equal amounts) still have one fixed order.
enum class SortKey {
    Created, // the object's `created`, Unix seconds
    Amount,  // the amount in minor units (payments and refunds)
};

// Where a page starts: the sort value and the id of the last row of the previous page. Pages are read
// by key (WHERE (created, id) < (?, ?) ORDER BY created DESC, id DESC LIMIT n), never by OFFSET, so
// that page 10,000 costs what page 1 does and rows written meanwhile cause no duplicates or gaps.
struct PageKey
{
    qint64 value = 0;
    QString id;

    friend bool operator==(const PageKey &, const PageKey &) = default;
};

struct PageRequest
{
    static constexpr int MaxLimit = 1000;

    SortKey sort = SortKey::Created;
    Qt::SortOrder order = Qt::DescendingOrder;   // newest (or largest) first, as Stripe lists
    std::optional<PageKey> after = std::nullopt; // none: the first page
    int limit = 100;                             // 1..MaxLimit

    // To go back one page from the first row shown, ask with the opposite order and `after` set to that
    // row's key, then reverse the rows.
};

template<typename Row>
struct Page
{
    QList<Row> rows;
    // The key to pass as PageRequest::after for the next page; none when this was the last page.
    std::optional<PageKey> next;

    bool hasMore() const { return next.has_value(); }
};

} // namespace kassa::store
