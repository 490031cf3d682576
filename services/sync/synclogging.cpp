// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/synclogging.h"

namespace kassa::sync {

Q_LOGGING_CATEGORY(lcSync, "kassa.sync")

} // namespace kassa::sync
