// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QtGlobal>

#include <utility>

namespace kassa::net {

// At most N requests a second from one client (by address), for the per-client rate limits of Kassa's two
// servers. A fixed window per whole second: cheap, and the bound is what matters, not smoothness.
template<typename Peer>
class PerSecondLimit
{
public:
    // True when one more request from `peer` in the second of `nowMs` stays within `perSecond`; 0 or less
    // means no limit.
    bool admit(const Peer &peer, qint64 nowMs, int perSecond)
    {
        if (perSecond <= 0)
            return true;
        const qint64 second = nowMs / 1000;
        if (m_windows.size() > 4096) {
            // Forget clients that have been quiet, so that many addresses cannot grow the table without end.
            for (auto it = m_windows.begin(); it != m_windows.end();) {
                if (it->first != second)
                    it = m_windows.erase(it);
                else
                    ++it;
            }
        }
        auto &[windowSecond, count] = m_windows[peer];
        if (windowSecond != second) {
            windowSecond = second;
            count = 0;
        }
        return ++count <= perSecond;
    }

private:
    QHash<Peer, std::pair<qint64, int>> m_windows; // peer -> (second, requests in it)
};

} // namespace kassa::net
