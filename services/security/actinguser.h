// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"
#include "services/security/securityerror.h"

#include <QString>

namespace kassa::security {

// The user on whose behalf a service acts: who logged in on which till. Services take one in every
// entry point that acts and check it with require(). A default-constructed one is nobody (id 0).
struct ActingUser
{
    qint64 id = 0;
    QString name; // the login, e.g. "ann"
    Role role = Role::Cashier;
    QString till; // the till it acts on (TillRepository's id, or "kassa-cli@host")

    bool isValid() const { return id > 0; }
    // "cashier ann"
    QString describe() const { return roleName(role) + u' ' + name; }

    friend bool operator==(const ActingUser &, const ActingUser &) = default;
};

class OverrideGrant;

// Refused unless `actor` is somebody whose role has `permission`: "cashier ann may not approve refunds".
SecurityError require(const ActingUser &actor, Permission permission);
// The same, but a manager's override for this actor and permission (and object, when the grant names
// one) lets it pass once: the grant is used up.
SecurityError require(const ActingUser &actor, Permission permission, OverrideGrant *grant,
                      const QString &objectId = {});

} // namespace kassa::security
