// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace kassa::sale {

Q_DECLARE_LOGGING_CATEGORY(lcSale)

} // namespace kassa::sale
