// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace kassa::store {

// The turn to write to one SQLite database among the connections of one process (SQLite lets one
// writer in at a time and makes the others sleep in its busy handler, in steps of milliseconds).
// Handed out in the order it was asked for: a writer that commits over and over (the webhook
// receiver's socket thread under load) would take a plain mutex back before anyone else woke up, and
// keep the WAL checkpointer and the event processor waiting for as long as the load lasts.
// BasicLockable, for std::lock_guard.
class WriteTurn
{
public:
    void lock()
    {
        std::unique_lock guard(m_mutex);
        const std::uint64_t ticket = m_next++;
        m_changed.wait(guard, [&] { return m_serving == ticket; });
    }
    void unlock()
    {
        {
            const std::lock_guard guard(m_mutex);
            ++m_serving;
        }
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::uint64_t m_next = 0;
    std::uint64_t m_serving = 0;
};

} // namespace kassa::store
