#include "services/security/keychainsecretstore.h"

#include <qt6keychain/keychain.h>

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QPointer>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

const QString SecretsService = u"org.freedesktop.secrets"_s;
const QString SecretsPath = u"/org/freedesktop/secrets"_s;

// Runs `callback` in `context` when `job` ends. The job deletes itself afterwards.
template<typename Job, typename Callback>
void startJob(Job *job, const SecretId &id, QObject *context, Callback &&callback)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(id.entryName());
    QObject::connect(job, &QKeychain::Job::finished, context, std::forward<Callback>(callback));
    job->start();
}

} // namespace

KeychainSecretStore::KeychainSecretStore(const QString &service, QObject *parent)
    : SecretStore(parent)
    , m_service(service)
{
}

SecretError::Kind KeychainSecretStore::classify(int keychainError, const QString &text)
{
    switch (keychainError) {
    case QKeychain::NoError:
        return SecretError::Kind::None;
    case QKeychain::EntryNotFound:
        return SecretError::Kind::NotFound;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return SecretError::Kind::Locked;
    case QKeychain::NoBackendAvailable:
        return SecretError::Kind::NoService;
    default:
        break;
    }
    // What GLib and D-Bus say when there is no session bus, or nothing on it provides the Secret Service,
    // or the service has no default keyring (a daemon started by D-Bus activation with no login keyring).
    static const QStringList NoService{
        u"autolaunch"_s,        u"Could not connect"_s,      u"org.freedesktop.secrets"_s,
        u"ServiceUnknown"_s,    u"not provided by any"_s,    u"D-Bus is not running"_s,
        u"No keyring daemon"_s, u"does not exist at path"_s, u"No such interface"_s,
        u"Failed to connect"_s, u"Connection refused"_s,     u"No keychain service"_s};
    for (const QString &marker : NoService) {
        if (text.contains(marker, Qt::CaseInsensitive))
            return SecretError::Kind::NoService;
    }
    if (text.contains(u"locked"_s, Qt::CaseInsensitive))
        return SecretError::Kind::Locked;
    return SecretError::Kind::Other;
}

void KeychainSecretStore::read(const SecretId &id, QObject *context, ReadCallback callback)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    QPointer<QObject> guard(context);
    startJob(job, id, context, [this, id, guard, callback = std::move(callback)](QKeychain::Job *finished) {
        const auto *reader = qobject_cast<QKeychain::ReadPasswordJob *>(finished);
        SecretResult result;
        const SecretError::Kind kind = classify(finished->error(), finished->errorString());
        if (kind == SecretError::Kind::None) {
            result.value = reader ? reader->textData() : QString();
            return callback(result);
        }
        result.error = SecretError::make(kind, id, finished->errorString());
        if (kind != SecretError::Kind::NotFound || !guard)
            return callback(result);
        checkLocked(guard.data(), [id, result, callback](bool locked) {
            if (!locked)
                return callback(result);
            SecretResult lockedResult;
            lockedResult.error = SecretError::make(SecretError::Kind::Locked, id, u"the keyring is locked"_s);
            callback(lockedResult);
        });
    });
}

void KeychainSecretStore::write(const SecretId &id, const QString &value, QObject *context,
                                DoneCallback callback)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setTextData(value);
    startJob(job, id, context, [id, callback = std::move(callback)](QKeychain::Job *finished) {
        const SecretError::Kind kind = classify(finished->error(), finished->errorString());
        callback(kind == SecretError::Kind::None ? SecretError()
                                                 : SecretError::make(kind, id, finished->errorString()));
    });
}

void KeychainSecretStore::remove(const SecretId &id, QObject *context, DoneCallback callback)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    QPointer<QObject> guard(context);
    startJob(job, id, context, [this, id, guard, callback = std::move(callback)](QKeychain::Job *finished) {
        SecretError::Kind kind = classify(finished->error(), finished->errorString());
        if (kind == SecretError::Kind::NotFound)
            kind = SecretError::Kind::None; // nothing to remove is what was asked for
        if (kind != SecretError::Kind::None)
            return callback(SecretError::make(kind, id, finished->errorString()));
        if (!guard)
            return;
        checkLocked(guard.data(), [id, callback](bool locked) {
            callback(locked ? SecretError::make(SecretError::Kind::Locked, id, u"the keyring is locked"_s)
                            : SecretError());
        });
    });
}

QString KeychainSecretStore::backendName() const
{
    return u"OS keychain"_s;
}

void KeychainSecretStore::checkLocked(QObject *context, std::function<void(bool locked)> callback)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return callback(false);
    // The Secret Service API: the "default" alias names the collection new items go to.
    const QDBusMessage alias =
        QDBusMessage::createMethodCall(SecretsService, SecretsPath, u"org.freedesktop.Secret.Service"_s,
                                       u"ReadAlias"_s)
        << u"default"_s;
    auto *aliasWatcher = new QDBusPendingCallWatcher(bus.asyncCall(alias, 5000), context);
    QObject::connect(
        aliasWatcher, &QDBusPendingCallWatcher::finished, context,
        [context, callback = std::move(callback)](QDBusPendingCallWatcher *watcher) mutable {
            watcher->deleteLater();
            const QDBusPendingReply<QDBusObjectPath> reply = *watcher;
            if (reply.isError() || reply.value().path() == u"/"_s)
                return callback(false);
            const QDBusMessage get =
                QDBusMessage::createMethodCall(SecretsService, reply.value().path(),
                                               u"org.freedesktop.DBus.Properties"_s, u"Get"_s)
                << u"org.freedesktop.Secret.Collection"_s << u"Locked"_s;
            auto *lockedWatcher =
                new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(get, 5000), context);
            QObject::connect(lockedWatcher, &QDBusPendingCallWatcher::finished, context,
                             [callback = std::move(callback)](QDBusPendingCallWatcher *lockedReply) {
                                 lockedReply->deleteLater();
                                 const QDBusPendingReply<QDBusVariant> locked = *lockedReply;
                                 callback(!locked.isError() && locked.value().variant().toBool());
                             });
        });
}

} // namespace kassa::security
