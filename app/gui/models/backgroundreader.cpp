// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/models/backgroundreader.h"

#include "services/store/database.h"

#include <QThread>

using namespace Qt::StringLiterals;

namespace kassa::gui {

BackgroundReader::BackgroundReader(const store::DatabaseConfig &config)
    : m_config(config)
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(u"kassa-store-reader"_s);
    m_thread->start();
}

BackgroundReader::~BackgroundReader()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
        m_skipped += int(m_jobs.size());
        m_jobs.clear();
        // Closing the page must not wait for a search of a million rows to end.
        if (m_running != 0 && m_db)
            m_db->interrupt();
    }
    m_wake.notify_all();
    m_thread->wait();
}

quint64 BackgroundReader::newGeneration()
{
    const std::lock_guard lock(m_mutex);
    const quint64 generation = ++m_generation;
    // Under the lock: the reader thread cannot finish the running job and start a current one between
    // the test and the interrupt. (An interrupt that lands when nothing runs any more is cleared by
    // SQLite when the next statement starts.)
    if (m_interrupting.load() && m_running != 0 && m_running < generation && m_db) {
        m_db->interrupt();
        ++m_interrupted;
    }
    return generation;
}

void BackgroundReader::post(quint64 generation, Job job)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_stop)
            return;
        m_jobs.emplace_back(generation, std::move(job));
    }
    m_wake.notify_one();
}

void BackgroundReader::run()
{
    std::unique_ptr<store::Database> db;
    QString openError;
    for (;;) {
        std::pair<quint64, Job> next;
        {
            std::unique_lock lock(m_mutex);
            m_running = 0;
            m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop)
                break;
            next = std::move(m_jobs.front());
            m_jobs.pop_front();
            if (!isCurrent(next.first)) {
                ++m_skipped;
                continue;
            }
            m_running = next.first;
            // An interrupt meant for the job before this one (made under this lock) ends here.
            if (db)
                db->clearInterrupt();
        }
        if (!db) {
            store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(m_config);
            if (opened.ok()) {
                db = std::move(opened).value();
                openError.clear();
                const std::lock_guard lock(m_mutex);
                m_db = db.get();
            } else {
                openError = opened.error().toString();
            }
        }
        next.second(db.get(), openError);
    }
    {
        const std::lock_guard lock(m_mutex);
        m_db = nullptr;
    }
    // Closed on the thread that opened it, as Database requires.
    db.reset();
}

} // namespace kassa::gui
