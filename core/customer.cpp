// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/customer.h"

namespace kassa {

QString Customer::displayName() const
{
    for (const QString *candidate : {&name, &email, &phone}) {
        const QString trimmed = candidate->trimmed();
        if (!trimmed.isEmpty())
            return trimmed;
    }
    return id;
}

} // namespace kassa
