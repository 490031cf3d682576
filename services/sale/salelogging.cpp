// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sale/salelogging.h"

namespace kassa::sale {

Q_LOGGING_CATEGORY(lcSale, "kassa.sale")

} // namespace kassa::sale
