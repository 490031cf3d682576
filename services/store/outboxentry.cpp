// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/outboxentry.h"

using namespace Qt::StringLiterals;

namespace kassa::store {

QString outboxStateName(OutboxState state)
{
    switch (state) {
    case OutboxState::Pending:
        return u"pending"_s;
    case OutboxState::Sending:
        return u"sending"_s;
    case OutboxState::Done:
        return u"done"_s;
    case OutboxState::Failed:
        return u"failed"_s;
    }
    return u"pending"_s;
}

std::optional<OutboxState> outboxStateFromName(const QString &name)
{
    for (const OutboxState state :
         {OutboxState::Pending, OutboxState::Sending, OutboxState::Done, OutboxState::Failed}) {
        if (outboxStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

} // namespace kassa::store
