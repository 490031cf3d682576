// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/pinpolicy.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::security {

PinPolicy::Kind PinPolicy::kindOf(const QString &secret)
{
    const bool digits = !secret.isEmpty() && std::all_of(secret.cbegin(), secret.cend(),
                                                         [](QChar c) { return c >= u'0' && c <= u'9'; });
    return digits ? Kind::Pin : Kind::Passphrase;
}

QString PinPolicy::kindName(Kind kind)
{
    return kind == Kind::Pin ? u"pin"_s : u"passphrase"_s;
}

QString PinPolicy::check(const QString &secret, Role role)
{
    if (kindOf(secret) == Kind::Pin) {
        if (secret.size() < MinDigits || secret.size() > MaxDigits)
            return u"a PIN has %1 to %2 digits"_s.arg(MinDigits).arg(MaxDigits);
        return {};
    }
    if (role != Role::Owner)
        return u"a PIN has %1 to %2 digits, and only digits"_s.arg(MinDigits).arg(MaxDigits);
    if (secret.size() < MinPassphrase)
        return u"a passphrase has at least %1 characters (or use a PIN of %2 to %3 digits)"_s
            .arg(MinPassphrase)
            .arg(MinDigits)
            .arg(MaxDigits);
    if (secret.size() > MaxPassphrase)
        return u"a passphrase has at most %1 characters"_s.arg(MaxPassphrase);
    return {};
}

} // namespace kassa::security
