// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/databaseconfig.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace kassa::store {

class Database;
class WriteTurn;

// Takes SQLite's WAL checkpoints off a latency-sensitive writer (the webhook receiver): the writer's
// connection stops checkpointing on commit (wal_autocheckpoint = 0), and a connection of its own, in
// a thread of its own, copies the WAL back into the database with PASSIVE checkpoints, which never
// wait for the writer. The fdatasync of a checkpoint then delays no commit, and so no 2xx.
//
// PostgreSQL has no such work to move: start() does nothing there.
class WalCheckpointer : public QObject
{
public:
    explicit WalCheckpointer(QObject *parent = nullptr);
    ~WalCheckpointer(); // stops the thread (after a last checkpoint) and gives the writer its autocheckpoint
                        // back

    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    // `writer` is the connection whose commits must not wait; it must outlive this object.
    // False with `error` when the checkpointing connection cannot be opened (the writer then keeps
    // checkpointing by itself, as before).
    bool start(Database &writer, int intervalMs = 500, QString *error = nullptr);
    bool isRunning() const { return m_thread != nullptr; }
    // The turn this process's writers of the database take around each write transaction (before
    // start()). With it, a WAL grown long under constant writes is started over (see run()); without it
    // the WAL stays as long as the longest run of writes made it.
    void setWriteTurn(WriteTurn *turn) { m_writeTurn = turn; }
    // Checkpoints run so far (a failed one is logged and tried again at the next interval).
    int checkpoints() const { return m_checkpoints.load(); }
    // Times the WAL was wholly copied under the write turn, so that the next commit started it over.
    int restarts() const { return m_restarts.load(); }

private:
    // One round of the thread; gives the frames left in the WAL (0 when it starts over).
    int run(Database &connection);

    Database *m_writer = nullptr;
    WriteTurn *m_writeTurn = nullptr;
    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_checkpoints{0};
    std::atomic<int> m_restarts{0};
};

} // namespace kassa::store
