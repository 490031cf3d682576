// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/actinguser.h"

#include "services/security/overridegrant.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace kassa::security {

SecurityError require(const ActingUser &actor, Permission permission)
{
    if (!actor.isValid()) {
        return SecurityError::make(
            SecurityError::Kind::Refused,
            u"nobody is logged in: log in as a user who may %1"_s.arg(permissionPhrase(permission)));
    }
    if (!allows(actor.role, permission)) {
        return SecurityError::make(SecurityError::Kind::Refused,
                                   u"%1 may not %2"_s.arg(actor.describe(), permissionPhrase(permission)));
    }
    return {};
}

SecurityError require(const ActingUser &actor, Permission permission, OverrideGrant *grant,
                      const QString &objectId)
{
    SecurityError refused = require(actor, permission);
    if (!refused.isError() || !grant)
        return refused;
    if (grant->consume(actor, permission, objectId, QDateTime::currentSecsSinceEpoch()))
        return {};
    refused.message += u" (the manager's approval given does not cover this, or was used already)"_s;
    return refused;
}

} // namespace kassa::security
