#include "services/security/sessionsecretstore.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace kassa::security {

SessionSecretStore::SessionSecretStore(SecretStore &keychain, QObject *parent)
    : SecretStore(parent)
    , m_keychain(keychain)
{
}

void SessionSecretStore::read(const SecretId &id, QObject *context, ReadCallback callback)
{
    if (m_session.contains(id))
        return m_session.read(id, context, std::move(callback));
    m_keychain.read(id, context, std::move(callback));
}

void SessionSecretStore::write(const SecretId &id, const QString &value, QObject *context,
                               DoneCallback callback)
{
    QPointer<SessionSecretStore> self(this);
    m_keychain.write(id, value, context,
                     [self, id, callback = std::move(callback)](const SecretError &error) {
                         if (SessionSecretStore *store = self.data(); store && !error.isError())
                             store->m_session.remove(id, store, [](const SecretError &) {});
                         callback(error);
                     });
}

void SessionSecretStore::remove(const SecretId &id, QObject *context, DoneCallback callback)
{
    m_session.remove(id, this, [](const SecretError &) {});
    m_keychain.remove(id, context, std::move(callback));
}

QString SessionSecretStore::backendName() const
{
    return m_keychain.backendName();
}

void SessionSecretStore::keepForSession(const SecretId &id, const QString &value)
{
    m_session.write(id, value, this, [](const SecretError &) {});
}

void SessionSecretStore::forgetSession()
{
    m_session.clear();
}

} // namespace kassa::security
