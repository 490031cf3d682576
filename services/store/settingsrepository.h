// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeresult.h"

#include <QString>

#include <optional>

namespace kassa::store {

class Database;

// A stored setting: the shop's own values that every till shares (the idle lock, the refund threshold).
struct Setting
{
    QString key;
    QString value;
    qint64 updatedAt = 0; // Unix seconds
    QString updatedBy;    // the user who set it

    friend bool operator==(const Setting &, const Setting &) = default;
};

// The settings table. Plain reads and writes: who may change a setting, and its audit entry, are
// security::SettingsService's. Never a key or a secret: those live in the keychain.
class SettingsRepository
{
public:
    explicit SettingsRepository(Database &db);

    // None when the key was never set.
    StoreResult<std::optional<Setting>> find(const QString &key);
    StoreError setValue(const QString &key, const QString &value, const QString &updatedBy);

private:
    Database &m_db;
};

} // namespace kassa::store
