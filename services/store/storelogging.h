// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace kassa::store {

// kassa.store: opening databases, migrations, and every SQL error (with the driver's message, never a
// bound value: values may be personal data).
Q_DECLARE_LOGGING_CATEGORY(lcStore)

} // namespace kassa::store
