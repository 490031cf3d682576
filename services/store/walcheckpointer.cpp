// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/walcheckpointer.h"

#include "services/store/database.h"
#include "services/store/storelogging.h"
#include "services/store/writeturn.h"

#include <QThread>

#include <future>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

constexpr int DefaultAutocheckpointPages = 1000; // SQLite's default
// A WAL this long (16 MiB of 4 KiB pages) is started over from its beginning (see run()).
constexpr int RestartFrames = 4096;
// What the unlocked checkpoints may leave for the one that holds the write turn.
constexpr int SmallRestFrames = 64;
constexpr int CatchUpRounds = 3;
// More than this left after them (4 MiB): the writes outran the copies, try again at the next step.
constexpr int MaxRestFrames = 1024;

struct Counts
{
    bool ok = false;
    int logFrames = 0;          // frames in the WAL
    int checkpointedFrames = 0; // of those, copied into the database (all of them: the WAL may restart)
};

Counts checkpoint(Database &db)
{
    // PASSIVE: copies what no reader still needs and never waits for a writer or a reader.
    Counts counts;
    auto *handle = static_cast<sqlite3 *>(db.sqliteHandle());
    if (!handle)
        return counts; // not the QSQLITE driver's handle: nothing to checkpoint through
    const int code = sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_PASSIVE, &counts.logFrames,
                                               &counts.checkpointedFrames);
    // BUSY: another connection is checkpointing right now, which is as good.
    if (code != SQLITE_OK && code != SQLITE_BUSY)
        qCWarning(lcStore).noquote() << "WAL checkpoint:" << QString::fromUtf8(sqlite3_errstr(code));
    counts.ok = code == SQLITE_OK;
    return counts;
}

} // namespace

WalCheckpointer::WalCheckpointer(QObject *parent)
    : QObject(parent)
{
}

WalCheckpointer::~WalCheckpointer()
{
    if (!m_thread)
        return;
    m_stop = true;
    m_thread->wait();
    if (const StoreError error =
            m_writer->execDirect(u"PRAGMA wal_autocheckpoint = %1"_s.arg(DefaultAutocheckpointPages));
        error.isError())
        qCWarning(lcStore) << "restoring wal_autocheckpoint:" << error.toString();
}

int WalCheckpointer::run(Database &connection)
{
    // SQLite starts the WAL over from its beginning only when a writer begins while every frame of it is
    // in the database. Under constant writes that moment never comes by itself: each checkpoint finds
    // new frames behind the ones it copied, and the WAL grows for as long as the writes go on (about
    // 100 MB a second under the webhook benchmark's load, every write into new pages of the OS's cache).
    // So once it is long, the checkpoints catch up without the write turn until little is left, and
    // the last one holds the turn: no commit comes between it and the next writer, which then starts the
    // WAL over (unless a reader still reads from it). The writers wait for that last copy and its two
    // fdatasyncs: 1-3 ms, up to 20 ms while the machine's cores are all busy.
    Counts counts = checkpoint(connection);
    ++m_checkpoints;
    if (!m_writeTurn || !counts.ok || counts.logFrames < RestartFrames)
        return counts.logFrames;
    int rest = counts.logFrames;
    for (int round = 0; round < CatchUpRounds && rest > SmallRestFrames; ++round) {
        const int before = counts.logFrames;
        counts = checkpoint(connection);
        ++m_checkpoints;
        if (!counts.ok)
            return counts.logFrames;
        rest = counts.logFrames - before;
    }
    // A reader still on an older snapshot keeps frames from being copied: no restart this time. Writes
    // that outran the copies put it off too, until the WAL is four times as long: then the writers wait
    // for a longer copy rather than let it grow on.
    if (counts.checkpointedFrames != counts.logFrames ||
        (rest > MaxRestFrames && counts.logFrames < 4 * RestartFrames))
        return counts.logFrames;
    const std::lock_guard turn(*m_writeTurn);
    counts = checkpoint(connection);
    ++m_checkpoints;
    if (!counts.ok || counts.checkpointedFrames != counts.logFrames)
        return counts.logFrames; // looked at again at the next step
    ++m_restarts;
    return 0;
}

bool WalCheckpointer::start(Database &writer, int intervalMs, QString *error)
{
    if (m_thread || !writer.isSqlite())
        return true;
    const DatabaseConfig config = writer.config();
    std::promise<QString> opened;
    std::future<QString> openResult = opened.get_future();
    std::unique_ptr<QThread> thread(QThread::create([this, config, intervalMs, &opened] {
        StoreResult<std::unique_ptr<Database>> db = Database::open(config);
        if (!db.ok()) {
            opened.set_value(db.error().toString());
            return;
        }
        opened.set_value(QString());
        std::unique_ptr<Database> connection = std::move(db).value();
        const int step = std::min(intervalMs, 50);
        int waited = 0;
        bool longWal = false;
        while (!m_stop.load()) {
            QThread::msleep(static_cast<unsigned long>(step));
            waited += step;
            // A long WAL is looked at every step: under constant writes it grows by megabytes a second.
            if (waited < intervalMs && !longWal)
                continue;
            waited = 0;
            longWal = run(*connection) >= RestartFrames;
        }
        // What the last interval wrote.
        run(*connection);
    }));
    thread->setObjectName(u"kassa-wal-checkpoint"_s);
    thread->start();
    const QString openError = openResult.get();
    if (!openError.isEmpty()) {
        thread->wait();
        if (error)
            *error = openError;
        return false;
    }
    if (const StoreError failed = writer.execDirect(u"PRAGMA wal_autocheckpoint = 0"_s); failed.isError()) {
        m_stop = true;
        thread->wait();
        m_stop = false;
        if (error)
            *error = failed.toString();
        return false;
    }
    m_writer = &writer;
    m_thread = std::move(thread);
    return true;
}

} // namespace kassa::store
