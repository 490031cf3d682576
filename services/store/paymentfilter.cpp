// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/paymentfilter.h"

namespace kassa::store {

bool PaymentFilter::isEmpty() const
{
    return text.trimmed().isEmpty() && id.isEmpty() && cardLast4.isEmpty() && email.isEmpty() &&
           customerName.trimmed().isEmpty() && description.trimmed().isEmpty() && !amount && !amountMin &&
           !amountMax && currency.isEmpty() && statuses.isEmpty() && !createdFrom && !createdTo &&
           till.isEmpty() && cashier.isEmpty() && orderRef.isEmpty() && customerId.isEmpty();
}

} // namespace kassa::store
