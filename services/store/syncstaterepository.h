// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeresult.h"

#include <QMap>
#include <QString>

#include <optional>

namespace kassa::store {

class Database;

// Small named values of the sync machinery: backfill cursors, the events watermark, the time of the last
// successful poll. Keys are the caller's ("backfill.payment_intents.cursor", "events.watermark"). A value
// set in the caller's transaction commits with it: save a watermark in the transaction that applied the
// events below it.
class SyncStateRepository
{
public:
    explicit SyncStateRepository(Database &db);

    // None when the key was never set (or was removed).
    StoreResult<std::optional<QString>> value(const QString &key);
    StoreError setValue(const QString &key, const QString &value);
    // The value as a whole number; none when unset or not a number.
    StoreResult<std::optional<qint64>> integer(const QString &key);
    StoreError setInteger(const QString &key, qint64 value);
    // True when the key existed.
    StoreResult<bool> remove(const QString &key);
    // Every key starting with `prefix` (all keys for an empty prefix), with its value.
    StoreResult<QMap<QString, QString>> values(const QString &prefix = {});

private:
    Database &m_db;
};

} // namespace kassa::store
