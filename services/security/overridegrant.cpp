// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/overridegrant.h"

namespace kassa::security {

OverrideGrant::OverrideGrant(const ActingUser &approver, const ActingUser &session, Permission permission,
                             const QString &objectId, qint64 issuedAt)
    : m_approver(approver)
    , m_session(session)
    , m_permission(permission)
    , m_objectId(objectId)
    , m_issuedAt(issuedAt)
    , m_used(std::make_shared<std::atomic_bool>(false))
{
}

bool OverrideGrant::consume(const ActingUser &session, Permission permission, const QString &objectId,
                            qint64 now)
{
    if (!m_used || session.id != m_session.id || permission != m_permission)
        return false;
    if (!m_objectId.isEmpty() && objectId != m_objectId)
        return false;
    if (now < m_issuedAt || now - m_issuedAt > ValiditySeconds)
        return false;
    bool expected = false;
    return m_used->compare_exchange_strong(expected, true);
}

} // namespace kassa::security
