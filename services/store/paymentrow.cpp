// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/paymentrow.h"

#include <QTimeZone>

namespace kassa::store {

QDateTime PaymentRow::createdAt() const
{
    return QDateTime::fromSecsSinceEpoch(created, QTimeZone::utc());
}

} // namespace kassa::store
