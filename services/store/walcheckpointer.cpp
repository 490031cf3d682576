// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/walcheckpointer.h"

#include "services/store/database.h"
#include "services/store/storelogging.h"

#include <QSqlQuery>
#include <QThread>

#include <future>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

constexpr int DefaultAutocheckpointPages = 1000; // SQLite's default

StoreError checkpoint(Database &db)
{
    // PASSIVE: copies what no reader still needs and never waits for a writer or a reader.
    return db.query(u"PRAGMA wal_checkpoint(PASSIVE)"_s, {}, [](const QSqlQuery &) { return false; });
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
        while (!m_stop.load()) {
            QThread::msleep(static_cast<unsigned long>(step));
            waited += step;
            if (waited < intervalMs)
                continue;
            waited = 0;
            if (const StoreError failed = checkpoint(*connection); failed.isError())
                qCWarning(lcStore) << "WAL checkpoint:" << failed.toString();
            ++m_checkpoints;
        }
        // What the last interval wrote.
        if (const StoreError failed = checkpoint(*connection); failed.isError())
            qCWarning(lcStore) << "WAL checkpoint:" << failed.toString();
        ++m_checkpoints;
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
