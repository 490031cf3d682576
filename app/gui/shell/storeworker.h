// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/database.h"
#include "services/store/databaseconfig.h"

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <memory>
#include <optional>

namespace kassa::gui {

// Runs slow store work off the GUI thread: a log-in hashes the PIN with PBKDF2 at 600,000 rounds, a good
// fraction of a second in which the till must keep painting and taking touches. A Database belongs to the
// thread that opened it, so the work gets its own connection to the same store, opened on the pool
// thread and closed there. `done` runs on `context`'s thread, and not at all when `context` is gone by
// then (the watcher is its child). `work` gets nullptr and the reason when the store cannot be opened.
template<typename Result>
void runOnStoreThread(const store::DatabaseConfig &config, QObject *context,
                      std::function<Result(store::Database *db, const QString &openError)> work,
                      std::function<void(const Result &)> done)
{
    auto result = std::make_shared<std::optional<Result>>();
    auto *watcher = new QFutureWatcher<void>(context);
    QObject::connect(watcher, &QFutureWatcher<void>::finished, context, [watcher, result, done] {
        watcher->deleteLater();
        if (result->has_value())
            done(**result);
    });
    watcher->setFuture(QtConcurrent::run([config, work, result] {
        store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(config);
        if (!opened.ok()) {
            result->emplace(work(nullptr, opened.error().toString()));
            return;
        }
        std::unique_ptr<store::Database> db = std::move(opened).value();
        result->emplace(work(db.get(), {}));
    }));
}

} // namespace kassa::gui
