#pragma once

#include "services/security/secretstore.h"

#include <QHash>

namespace kassa::security {

// Secrets in this process's memory only: for tests, and the "this session only" choice. Answers from
// the event loop like the keychain does, so that callers cannot come to rely on an immediate answer.
class MemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;
    ~MemorySecretStore() override;

    void read(const SecretId &id, QObject *context, ReadCallback callback) override;
    void write(const SecretId &id, const QString &value, QObject *context, DoneCallback callback) override;
    void remove(const SecretId &id, QObject *context, DoneCallback callback) override;
    QString backendName() const override;

    // Tests: every operation fails with `kind` (None: works again), as a keychain would.
    void setFailure(SecretError::Kind kind) { m_failure = kind; }
    bool contains(const SecretId &id) const { return m_secrets.contains(id.entryName()); }
    int size() const { return int(m_secrets.size()); }
    void clear();

private:
    QHash<QString, QString> m_secrets;
    SecretError::Kind m_failure = SecretError::Kind::None;
};

} // namespace kassa::security
