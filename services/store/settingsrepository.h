// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeresult.h"

#include <QString>

#include <optional>

namespace kassa::store {

class Database;

// The shop's settings that every till sharing the store sees (the settings table): key -> text. Never
// a secret: keys live in the keychain (security/). Who may change what is the services' business.
class SettingsRepository
{
public:
    explicit SettingsRepository(Database &db);

    // Nothing when the key was never set (or was removed).
    StoreResult<std::optional<QString>> value(const QString &key);
    // Sets (an empty optional: removes) `key`, noting who did it.
    StoreError setValue(const QString &key, const std::optional<QString> &value, const QString &updatedBy);

private:
    Database &m_db;
};

} // namespace kassa::store
