// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/migrations.h"

namespace kassa::store::schema {

// The product's migration steps, in order. Internal to services/store: use Migrations.
QList<Migrations::Step> productSteps();

} // namespace kassa::store::schema
