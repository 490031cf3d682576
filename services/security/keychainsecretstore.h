#pragma once

#include "services/security/secretstore.h"

namespace kassa::security {

// The OS keychain through QtKeychain: the Secret Service (GNOME Keyring, KWallet's) on Linux, the
// Keychain on macOS, the Credential Manager on Windows. QtKeychain's insecure fallback (a plain-text
// QSettings file when no keychain answers) is off for every job: without a keychain the operation fails
// with SecretError::Kind::NoService and the caller decides, with the user, what happens next.
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // Entries are named `service` (the application) and SecretId::entryName(). Tests pass a service of
    // their own so that they never touch a user's entries.
    explicit KeychainSecretStore(const QString &service = QStringLiteral("kassa"), QObject *parent = nullptr);

    void read(const SecretId &id, QObject *context, ReadCallback callback) override;
    void write(const SecretId &id, const QString &value, QObject *context, DoneCallback callback) override;
    void remove(const SecretId &id, QObject *context, DoneCallback callback) override;
    QString backendName() const override;

    QString service() const { return m_service; }

    // QtKeychain's error (QKeychain::Error as an int) and text, as one of SecretError's kinds. libsecret
    // reports a missing D-Bus session or Secret Service as OtherError (7) with GLib's text, and a
    // locked collection as AccessDenied; the text tells the former apart from other failures.
    static SecretError::Kind classify(int keychainError, const QString &text);

private:
    // libsecret answers a read from a locked collection (whose unlock prompt could not be shown or was
    // dismissed) as "not found", and a removal from one as done. The default collection's Locked
    // property, asked over D-Bus without blocking, tells which it was.
    void checkLocked(QObject *context, std::function<void(bool locked)> callback);

    QString m_service;
};

} // namespace kassa::security
