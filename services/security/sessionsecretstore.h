#pragma once

#include "services/security/memorysecretstore.h"
#include "services/security/secretstore.h"

namespace kassa::security {

// The keychain, plus the explicit choice to keep a secret for this session only.
//
// Reads and writes go to the keychain. When it fails with no Secret Service or a locked keyring
// (SecretError::allowsSessionOnly()), the caller may ask the user and then call keepForSession(): the
// secret then lives in this process's memory until it ends, and is never written to disk. Nothing falls
// back on its own: without that call a failed write stays a failure.
class SessionSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // `keychain` must outlive this store.
    explicit SessionSecretStore(SecretStore &keychain, QObject *parent = nullptr);

    // A secret kept for this session answers reads before the keychain does.
    void read(const SecretId &id, QObject *context, ReadCallback callback) override;
    // A successful write to the keychain replaces a session copy.
    void write(const SecretId &id, const QString &value, QObject *context, DoneCallback callback) override;
    void remove(const SecretId &id, QObject *context, DoneCallback callback) override;
    QString backendName() const override;

    void keepForSession(const SecretId &id, const QString &value);
    bool isSessionOnly(const SecretId &id) const { return m_session.contains(id); }
    void forgetSession();

private:
    SecretStore &m_keychain;
    MemorySecretStore m_session;
};

} // namespace kassa::security
