// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeerror.h"

#include <QString>

#include <optional>
#include <utility>

namespace kassa::security {

// Why a users, PIN or permission operation did not happen: a kind the caller can act on and a message
// written for the person at the till ("wrong PIN, 2 tries left", "ann is locked until 10:42").
// Never carries a PIN or a hash.
struct [[nodiscard]] SecurityError
{
    enum class Kind {
        None,
        Refused,  // the acting user may not do this (the permission table says no)
        Invalid,  // a name, role or PIN that the rules refuse
        NotFound, // no such user
        Exists,   // a user of that name exists
        WrongPin, // authentication failed; triesLeft says how many before the lock
        Locked,   // too many wrong PINs; lockedUntil says until when
        Disabled, // the user is disabled
        Store,    // the store failed (message has StoreError::toString())
    };

    Kind kind = Kind::None;
    QString message;
    int triesLeft = 0;      // WrongPin
    qint64 lockedUntil = 0; // Locked (and WrongPin when this one locked the user): Unix seconds

    bool isError() const { return kind != Kind::None; }

    static SecurityError make(Kind kind, const QString &message)
    {
        SecurityError error;
        error.kind = kind;
        error.message = message;
        return error;
    }
    static SecurityError fromStore(const store::StoreError &error)
    {
        return make(Kind::Store, error.toString());
    }
};

// A value or the SecurityError that prevented it.
template<typename T>
class [[nodiscard]] SecurityResult
{
public:
    SecurityResult(T value)
        : m_value(std::move(value))
    {
    }
    SecurityResult(SecurityError error)
        : m_error(std::move(error))
    {
        if (!m_error.isError())
            m_error =
                SecurityError::make(SecurityError::Kind::Store, QStringLiteral("no value and no error"));
    }

    bool ok() const { return m_value.has_value(); }
    const SecurityError &error() const { return m_error; }
    const T &value() const & { return m_value.value(); }
    T &value() & { return m_value.value(); }
    T &&value() && { return std::move(m_value).value(); }

private:
    std::optional<T> m_value;
    SecurityError m_error;
};

} // namespace kassa::security
