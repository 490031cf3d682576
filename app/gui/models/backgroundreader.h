// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/databaseconfig.h"

#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

class QThread;

namespace kassa::store {
class Database;
}

namespace kassa::gui {

// A thread of its own, with a connection of its own to the store, for the reads behind a list the
// cashier is typing into: a text search over a million payments may take a tenth of a second, during
// which the window must keep painting and taking keys. SQLite opens a second connection to the same
// WAL file (readers never wait for the writer); PostgreSQL a second session from the same config.
//
// Reads belong to a generation: newGeneration() starts one whenever the question changes (a new
// search), and from then on the jobs of older generations are dropped before they start, and the one
// running is interrupted on SQLite (Database::interrupt()) when interrupting is on, so that its answer,
// which nobody wants any more, does not hold up the newer one. A job must check isCurrent() before it
// hands over a result, and the receiver again when the result arrives.
//
// Jobs run one at a time, in the order posted. The connection opens with the first job (and again at
// the next one when that failed); a job gets nullptr and the reason when it cannot be opened. The
// destructor interrupts what runs, drops what waits, and joins the thread.
class BackgroundReader
{
public:
    using Job = std::function<void(store::Database *db, const QString &openError)>;

    explicit BackgroundReader(const store::DatabaseConfig &config);
    ~BackgroundReader();

    BackgroundReader(const BackgroundReader &) = delete;
    BackgroundReader &operator=(const BackgroundReader &) = delete;

    quint64 generation() const { return m_generation.load(); }
    bool isCurrent(quint64 generation) const { return generation == m_generation.load(); }
    // Makes older generations outdated (see above) and gives the new one.
    quint64 newGeneration();
    // Runs `job` on the reader's thread unless `generation` is outdated when its turn comes.
    void post(quint64 generation, Job job);

    // On (the default): newGeneration() interrupts a running read of an older generation. Off: it runs
    // to its end and its result is dropped.
    void setInterrupting(bool on) { m_interrupting = on; }
    bool isInterrupting() const { return m_interrupting.load(); }
    // Reads interrupted so far, and jobs dropped before they started (for tests and benchmarks).
    int interrupted() const { return m_interrupted.load(); }
    int skipped() const { return m_skipped.load(); }

private:
    void run();

    const store::DatabaseConfig m_config;
    std::unique_ptr<QThread> m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::pair<quint64, Job>> m_jobs; // under m_mutex
    store::Database *m_db = nullptr;            // under m_mutex: the reader thread's connection, once open
    quint64 m_running = 0;                      // under m_mutex: the generation of the running job, or 0
    bool m_stop = false;                        // under m_mutex
    std::atomic<quint64> m_generation{1};
    std::atomic<bool> m_interrupting{true};
    std::atomic<int> m_interrupted{0};
    std::atomic<int> m_skipped{0};
};

} // namespace kassa::gui
