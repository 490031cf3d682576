// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/securitylogging.h"

namespace kassa::security {

Q_LOGGING_CATEGORY(lcSecurity, "kassa.security")

} // namespace kassa::security
