#include "services/security/memorysecretstore.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace kassa::security {

MemorySecretStore::~MemorySecretStore()
{
    clear();
}

void MemorySecretStore::clear()
{
    // Overwritten before the memory is given back, so that it does not linger in freed pages.
    for (QString &value : m_secrets)
        value.fill(u'\0');
    m_secrets.clear();
}

void MemorySecretStore::read(const SecretId &id, QObject *context, ReadCallback callback)
{
    SecretResult result;
    if (m_failure != SecretError::Kind::None)
        result.error = SecretError::make(m_failure, id);
    else if (const auto found = m_secrets.constFind(id.entryName()); found != m_secrets.cend())
        result.value = *found;
    else
        result.error = SecretError::make(SecretError::Kind::NotFound, id);
    QMetaObject::invokeMethod(
        context, [callback = std::move(callback), result] { callback(result); }, Qt::QueuedConnection);
}

void MemorySecretStore::write(const SecretId &id, const QString &value, QObject *context,
                              DoneCallback callback)
{
    SecretError error;
    if (m_failure != SecretError::Kind::None)
        error = SecretError::make(m_failure, id);
    else
        m_secrets.insert(id.entryName(), value);
    QMetaObject::invokeMethod(
        context, [callback = std::move(callback), error] { callback(error); }, Qt::QueuedConnection);
}

void MemorySecretStore::remove(const SecretId &id, QObject *context, DoneCallback callback)
{
    SecretError error;
    if (m_failure != SecretError::Kind::None) {
        error = SecretError::make(m_failure, id);
    } else if (auto found = m_secrets.find(id.entryName()); found != m_secrets.end()) {
        found->fill(u'\0');
        m_secrets.erase(found);
    }
    QMetaObject::invokeMethod(
        context, [callback = std::move(callback), error] { callback(error); }, Qt::QueuedConnection);
}

QString MemorySecretStore::backendName() const
{
    return u"memory"_s;
}

} // namespace kassa::security
