// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeerror.h"

#include <optional>
#include <utility>

namespace kassa::store {

// A value or the StoreError that prevented it (a small std::expected):
//
//     const StoreResult<qint64> n = payments.count(filter);
//     if (!n.ok())
//         return n.error();
//     use(n.value());
template<typename T>
class [[nodiscard]] StoreResult
{
public:
    StoreResult(T value)
        : m_value(std::move(value))
    {
    }
    StoreResult(StoreError error)
        : m_error(std::move(error))
    {
        if (!m_error.isError())
            m_error = StoreError::make(StoreError::Kind::Query, QStringLiteral("no value and no error"));
    }

    bool ok() const { return m_value.has_value(); }
    const StoreError &error() const { return m_error; }

    // Only when ok().
    const T &value() const & { return m_value.value(); }
    T &value() & { return m_value.value(); }
    T &&value() && { return std::move(m_value).value(); }
    T valueOr(T fallback) const { return m_value.value_or(std::move(fallback)); }

private:
    std::optional<T> m_value;
    StoreError m_error;
};

} // namespace kassa::store
