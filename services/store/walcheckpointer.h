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
    // Checkpoints run so far (a failed one is logged and tried again at the next interval).
    int checkpoints() const { return m_checkpoints.load(); }

private:
    Database *m_writer = nullptr;
    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_checkpoints{0};
};

} // namespace kassa::store
