// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/storelogging.h"

namespace kassa::store {

Q_LOGGING_CATEGORY(lcStore, "kassa.store")

} // namespace kassa::store
