// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sim/params/paramerror.h"

#include <QJsonObject>

#include <optional>

namespace kassa::sim {

// What ParamSchema::validate() returns: the typed parameters, or the first error found.
struct ValidationResult
{
    QJsonObject params;              // integers as qint64, booleans as bool, arrays in index order
    std::optional<ParamError> error; // set when the request is rejected; params is then empty

    bool ok() const { return !error.has_value(); }
};

} // namespace kassa::sim
