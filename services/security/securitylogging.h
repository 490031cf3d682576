// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace kassa::security {

// kassa.security: log-ins, lock-outs and audit chain checks. Never a PIN, a hash or a salt.
Q_DECLARE_LOGGING_CATEGORY(lcSecurity)

} // namespace kassa::security
