// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/pinhasher.h"
#include "services/security/secretstore.h"
#include "services/security/settingsservice.h"
#include "services/store/databaseconfig.h"

#include <QLatin1StringView>
#include <QUrl>
#include <QWizard>

#include <memory>

class QNetworkAccessManager;

namespace kassa::security {
class SessionSecretStore;
}
namespace kassa::stripe {
class StripeClient;
}

namespace kassa::gui {

// The shop's settings the wizard writes (SettingsService keys): how this store follows Stripe's events.
inline constexpr QLatin1StringView EventsSourceSetting = security::SettingsService::EventsSourceKey;
inline constexpr QLatin1StringView PollIntervalSetting = security::SettingsService::PollIntervalKey;
inline constexpr QLatin1StringView WebhookListenSetting = security::SettingsService::WebhookListenKey;
// The registered public URL.
inline constexpr QLatin1StringView WebhookUrlSetting = security::SettingsService::WebhookEndpointUrlKey;

// What the first run works with: made by ConsoleApp (or a test).
struct FirstRunEnvironment
{
    // The keychain, with the explicit choice to keep a secret for this session only. Outlives the wizard.
    security::SessionSecretStore *secrets = nullptr;
    QString profile = QStringLiteral("default");
    QUrl apiBase; // empty: Stripe's own
    // The SQLite store kassa opened (or would open): the first choice of the database page.
    store::DatabaseConfig sqlite;
    // The store kassa was started on, when that is PostgreSQL (--database): preselected.
    store::DatabaseConfig current;
    QString till;
    security::PinHasher hasher;
};

// The first start of `kassa` on a store without users: where the store is, the owner, the Stripe key and
// how the till hears of Stripe's events, one page each, then all of it saved at Finish.
//
// Nothing is written before Finish but the store's tables (a PostgreSQL store is migrated when its
// connection is tested). Finish writes in the order that makes a retry safe: the secrets to the keychain
// first (writing them again replaces them), then this computer's note of a PostgreSQL store, then the
// owner together with the event settings in one transaction: a store either has its owner and settings
// or nothing, and a store without users brings the wizard back. A webhook endpoint is registered only
// after that, since a second registration would make a second endpoint.
//
// A shared PostgreSQL store that another till has set up is joined instead: only the key is asked for,
// and the log-in screen follows.
class FirstRunWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { DatabasePageId, OwnerPageId, KeyPageId, EventsPageId, FinishPageId };

    explicit FirstRunWizard(const FirstRunEnvironment &environment, QWidget *parent = nullptr);
    ~FirstRunWizard() override;

    const FirstRunEnvironment &environment() const { return m_environment; }
    stripe::StripeClient &client() { return *m_client; }

    // After Finish: the store the console goes on with (with its password), whether this till joined a
    // store set up before, whether the key is kept for this session only, and what did not work out
    // though the set-up is done (a webhook registration), for the status bar.
    store::DatabaseConfig databaseConfig() const { return m_database; }
    bool joinedExistingStore() const { return m_joined; }
    bool keyForSessionOnly() const { return m_sessionOnly; }
    QStringList warnings() const { return m_warnings; }

    // The pages' choices (set by the pages as they are validated).
    void setDatabase(const store::DatabaseConfig &config, const QString &url, bool joined)
    {
        m_database = config;
        m_databaseUrl = url;
        m_joined = joined;
    }
    void setCheckedKey(const QString &key, bool sessionOnly)
    {
        m_key = key;
        m_sessionOnly = sessionOnly;
    }
    QString checkedKey() const { return m_key; }
    QString databaseUrl() const { return m_databaseUrl; }

    // Finish: saves everything (see the class comment); `finished` gets an empty string or why not.
    void save(const std::function<void(const QString &error)> &finished);
    bool isSaving() const { return m_saving; }

    void done(int result) override;

private:
    void writeSecret(security::SecretKind kind, const QString &value, const std::function<void()> &next,
                     const std::function<void(const QString &)> &fail);
    void createOwner(const std::function<void(const QString &error)> &done);
    void registerWebhook(const std::function<void()> &done);

    FirstRunEnvironment m_environment;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<stripe::StripeClient> m_client;
    store::DatabaseConfig m_database;
    QString m_databaseUrl; // without the password; empty for SQLite
    bool m_joined = false;
    QString m_key;
    bool m_sessionOnly = false;
    QStringList m_warnings;
    bool m_saving = false;
};

} // namespace kassa::gui
