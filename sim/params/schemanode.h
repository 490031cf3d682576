// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <algorithm>
#include <utility>
#include <vector>

namespace kassa::sim {

// One schema of the parameter table, pre-parsed by ParamSchema::load() so that validation never
// touches JSON. Nodes live in one vector and refer to each other by index (-1 = none).
struct SchemaNode
{
    enum class Type : quint8 { Any, String, Integer, Number, Boolean, Object, Array, AnyOf };
    enum class Format : quint8 { None, UnixTime, Decimal };

    Type type = Type::Any;
    Format format = Format::None;
    bool emptyAllowed = false; // "" is valid: an enum with "", or an anyOf with such a branch (how the
                               // table marks a parameter that can be unset)
    bool hasEnum = false;      // String: only enumValues (and "" when emptyAllowed) are valid
    bool closed = false;       // Object: reject names that are not in `properties`
    qsizetype maxLength = -1;  // String: in characters
    int items = -1;            // Array: schema of the elements
    int additional = -1;       // Object: schema of the values of names not in `properties`
    std::vector<std::pair<QString, int>> properties; // Object: sorted by name
    std::vector<QString> required;                   // Object: in table order
    std::vector<QString> enumValues;                 // String: allowed values, "" excluded
    std::vector<int> anyOf;                          // AnyOf: the branches

    int property(QStringView name) const
    {
        auto it =
            std::lower_bound(properties.begin(), properties.end(), name,
                             [](const std::pair<QString, int> &p, QStringView n) { return p.first < n; });
        return it != properties.end() && it->first == name ? it->second : -1;
    }
};

} // namespace kassa::sim
