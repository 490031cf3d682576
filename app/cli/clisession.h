#pragma once

#include "core/permissions.h"
#include "services/security/actinguser.h"
#include "services/store/databaseconfig.h"
#include "services/stripe/stripeclient.h"
#include "services/stripe/striperequest.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTextStream>

#include <functional>
#include <memory>
#include <optional>

class QFile;

namespace kassa::store {
class Database;
struct OutboxEntry;
} // namespace kassa::store

namespace kassa::security {
class SecretStore;
}
namespace kassa::sync {
struct OutboxResult;
}

namespace kassa::cli {

// Where the local store is: --data-dir DIR (kassa.sqlite in it) or --database postgresql://...; neither:
// kassa.sqlite in DatabaseConfig::defaultDataDir(), the folder the console uses too.
struct StoreLocation
{
    QString dataDir;
    QString databaseUrl;
};

// What every kassa-cli command works with: the Stripe client, the output mode, and the way to end.
class CliSession : public QObject
{
    Q_OBJECT
public:
    CliSession(QTextStream &out, QTextStream &err, QObject *parent = nullptr);
    ~CliSession() override;

    stripe::StripeClient &client() { return *m_client; }
    void setJson(bool json) { m_json = json; }
    bool json() const { return m_json; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }

    // Sends the request; on success calls onSuccess with the object, on failure prints the error and
    // finishes with its exit code.
    void call(const stripe::StripeRequest &request,
              const std::function<void(const QJsonObject &)> &onSuccess);
    // A call that moves money or changes a saved card (ARCHITECTURE.md §2): written to the store's outbox
    // with its idempotency key and committed, then sent; the answer is recorded with the object. With an
    // order ref and op Outbox::OpCreatePayment an order is charged once: an earlier attempt is shown,
    // not repeated. On success calls onSuccess with the object; otherwise prints what happened (a
    // decline, an unknown outcome that `recover` settles) and finishes.
    void submit(const QString &op, const stripe::StripeRequest &request, const QString &orderRef,
                const std::function<void(const QJsonObject &)> &onSuccess);
    // What submit() does with the outbox's answer (the audit aside): onSuccess with the object when
    // done, else prints what happened and finishes. For services that send through an outbox themselves.
    void finishOutboxResult(const sync::OutboxResult &result,
                            const std::function<void(const QJsonObject &)> &onSuccess);
    // Every item of a list or search, up to maxItems (0: all), printed; then finishes.
    void listAll(const stripe::StripeRequest &firstPage, int maxItems);
    // One object: a JSON line with --json, else one human line.
    void print(const QJsonObject &object);
    void printError(const stripe::StripeError &error);
    // Prints a usage error and finishes with ExitUsage.
    void usage(const QString &message);
    void finish(int exitCode);
    bool isFinished() const { return m_finished; }

    // --profile NAME: whose keys the keychain gives (default "default").
    void setProfile(const QString &profile) { m_profile = profile; }
    const QString &profile() const { return m_profile; }
    // The OS keychain (created on first use); tests of the commands may put another store in first.
    security::SecretStore &secrets();
    void setSecrets(security::SecretStore *secrets) { m_secrets = secrets; }
    // The profile's PostgreSQL password from the keychain, for a --database URL without one.
    void setDatabasePassword(const QString &password) { m_databasePassword = password; }

    void setStoreLocation(const StoreLocation &location) { m_storeLocation = location; }
    const StoreLocation &storeLocation() const { return m_storeLocation; }
    // The local store, opened and migrated on first use. Null (after printing why and finishing with
    // ExitFailure, or ExitUsage for a malformed --database) when it cannot be opened.
    store::Database *store();
    // The store's configuration as store() opened it, its password included: for a second connection.
    const store::DatabaseConfig &storeConfig() const { return m_storeConfig; }
    // One line about an outbox row: op, path, order, key, state, object, attempts.
    static QString describeOutboxEntry(const store::OutboxEntry &entry);

    // The next line of stdin without its line ending (the key, the PIN, a new PIN, in that order), or a
    // null string at its end.
    QString readStdinLine();
    // --user NAME: who acts. authenticateUser() logs them in with the PIN from KASSA_PIN, else the next
    // line of stdin; it prints why and finishes when that fails. Without --user, or while the store has
    // no users, nobody is logged in and it succeeds.
    void setUserName(const QString &name) { m_userName = name; }
    QString userName() const { return m_userName; }
    bool authenticateUser();
    // The user authenticateUser() logged in; nobody (isValid() false) when no --user was given or the
    // store has no users yet.
    const security::ActingUser &actingUser() const { return m_actingUser; }
    // This till's id in the audit log: $KASSA_TILL, else "kassa-cli@<host name>".
    static QString tillId();
    // Whether the session may do what `permission` covers: while the store has no users it is in
    // single-operator mode (anything goes, as before the first user was added); once it has users,
    // only a --user whose role has the permission. Prints why not and finishes when refused.
    bool permit(Permission permission);
    // Whether the store has users (asked once); nothing after printing why and finishing.
    std::optional<bool> storeHasUsers();
    // Appends to the audit log as the acting user (nobody in single-operator mode). A failure is printed
    // as a warning: what it records has happened already.
    void audit(const QString &action, const QStringList &objectIds, const QJsonObject &details);

signals:
    void finished(int exitCode);

private:
    QTextStream &m_out;
    QTextStream &m_err;
    QNetworkAccessManager m_network;
    stripe::StripeClient *m_client;
    StoreLocation m_storeLocation;
    QString m_profile = QStringLiteral("default");
    security::SecretStore *m_secrets = nullptr;
    QString m_databasePassword;
    std::unique_ptr<store::Database> m_store;
    store::DatabaseConfig m_storeConfig;
    bool m_json = false;
    bool m_finished = false;
    std::unique_ptr<QFile> m_stdin;
    QString m_userName;
    security::ActingUser m_actingUser;
    std::optional<bool> m_storeHasUsers;
};

} // namespace kassa::cli
