// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeresult.h"

#include <QList>
#include <QString>

#include <optional>

namespace kassa::store {

class Database;

// A till that uses this store (several share one PostgreSQL database).
struct Till
{
    QString id;          // stable per installation; payments carry it as metadata.kassa_till
    QString name;        // "Front counter"
    qint64 lastSeen = 0; // Unix seconds of its last sign of life

    friend bool operator==(const Till &, const Till &) = default;
};

class TillRepository
{
public:
    explicit TillRepository(Database &db);

    // Adds the till or renames it; lastSeen becomes now.
    StoreError upsert(const QString &id, const QString &name);
    // Sets lastSeen to now. False when the till is unknown.
    StoreResult<bool> touch(const QString &id);
    StoreResult<std::optional<Till>> find(const QString &id);
    // Every till, by name.
    StoreResult<QList<Till>> list();

private:
    Database &m_db;
};

} // namespace kassa::store
