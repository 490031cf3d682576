// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/permissions.h"
#include "services/security/actinguser.h"

#include <QString>

#include <atomic>
#include <memory>

namespace kassa::security {

// A manager's (or owner's) approval of one action for another user's session, given by entering the
// manager's PIN at that user's till (UserService::authorizeOverride()). The session stays the
// cashier's; the grant lets exactly one check of require() pass, for that user, that permission and
// (when the grant names one) that object, within ValiditySeconds. Copies share the one use.
class OverrideGrant
{
public:
    static constexpr qint64 ValiditySeconds = 300;

    OverrideGrant() = default;
    OverrideGrant(const ActingUser &approver, const ActingUser &session, Permission permission,
                  const QString &objectId, qint64 issuedAt);

    bool isValid() const { return m_used != nullptr; }
    bool isUsed() const { return m_used && m_used->load(); }
    const ActingUser &approver() const { return m_approver; }
    const ActingUser &session() const { return m_session; }
    Permission permission() const { return m_permission; }
    QString objectId() const { return m_objectId; }
    qint64 issuedAt() const { return m_issuedAt; }

    // Uses the grant: true once, when it was given for `session`'s user, `permission` and `objectId`
    // (any object when the grant names none) and has not expired at `now` (Unix seconds).
    bool consume(const ActingUser &session, Permission permission, const QString &objectId, qint64 now);

private:
    ActingUser m_approver;
    ActingUser m_session;
    Permission m_permission = Permission::TakePayments;
    QString m_objectId;
    qint64 m_issuedAt = 0;
    std::shared_ptr<std::atomic_bool> m_used;
};

} // namespace kassa::security
