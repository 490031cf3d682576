// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"

#include <QString>

namespace kassa::security {

// What a user may choose as a PIN. Everybody may have a PIN of 4 to 12 digits, which is quick to type on
// a till's keypad; the owner, whose account can change keys and users, may instead choose a passphrase
// of at least 12 characters that is not all digits. (Twelve characters of text, even plain words, are
// far more guesses than any PIN; a stolen database then costs an attacker years rather than minutes at
// 600,000 PBKDF2 rounds a guess.)
class PinPolicy
{
public:
    static constexpr int MinDigits = 4;
    static constexpr int MaxDigits = 12;
    static constexpr int MinPassphrase = 12;
    static constexpr int MaxPassphrase = 128;

    enum class Kind { Pin, Passphrase };

    // Why `secret` cannot be `role`'s PIN, or empty when it can. Never repeats the secret.
    static QString check(const QString &secret, Role role);
    // Pin for a string of digits only, else Passphrase.
    static Kind kindOf(const QString &secret);
    static QString kindName(Kind kind); // "pin", "passphrase"
};

} // namespace kassa::security
