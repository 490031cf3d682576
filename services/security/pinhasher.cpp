// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/pinhasher.h"

#include <QStringList>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

// A stored hash with more rounds than this is refused rather than run: a tampered row must not be able
// to make a log-in spin for minutes.
constexpr int MaximumIterations = 100'000'000;

} // namespace

PinHasher::PinHasher(int iterations)
    : m_iterations(std::max(iterations, MinimumIterations))
{
}

PinHasher::PinHasher(int iterations, Unchecked)
    : m_iterations(std::max(iterations, 1))
{
}

PinHasher PinHasher::insecureForTests(int iterations)
{
    return PinHasher(iterations, Unchecked{});
}

QByteArray PinHasher::derive(const QString &secret, const QByteArray &salt, int iterations, int keyBytes)
{
    // NFC: the same passphrase typed on two systems may come as composed or decomposed characters.
    const QByteArray password = secret.normalized(QString::NormalizationForm_C).toUtf8();
    QByteArray key(keyBytes, Qt::Uninitialized);
    const int ok = PKCS5_PBKDF2_HMAC(
        password.constData(), int(password.size()), reinterpret_cast<const unsigned char *>(salt.constData()),
        int(salt.size()), iterations, EVP_sha256(), keyBytes, reinterpret_cast<unsigned char *>(key.data()));
    if (ok != 1)
        return {};
    return key;
}

QString PinHasher::hash(const QString &secret) const
{
    QByteArray salt(SaltBytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), SaltBytes) != 1)
        return {};
    const QByteArray key = derive(secret, salt, m_iterations, KeyBytes);
    if (key.isEmpty())
        return {};
    return u"%1$%2$%3$%4"_s.arg(Algorithm, QString::number(m_iterations),
                                QString::fromLatin1(salt.toBase64()), QString::fromLatin1(key.toBase64()));
}

std::optional<PinHasher::Parameters> PinHasher::parse(const QString &stored)
{
    const QStringList parts = stored.split(u'$');
    if (parts.size() != 4 || parts.at(0) != Algorithm)
        return std::nullopt;
    bool ok = false;
    const int iterations = parts.at(1).toInt(&ok);
    if (!ok || iterations < 1 || iterations > MaximumIterations)
        return std::nullopt;
    const auto decode = [](const QString &text) {
        return QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    };
    const auto salt = decode(parts.at(2));
    const auto key = decode(parts.at(3));
    if (!salt || !key || salt.decoded.isEmpty() || key.decoded.isEmpty())
        return std::nullopt;
    return Parameters{parts.at(0), iterations, salt.decoded, key.decoded};
}

bool PinHasher::verify(const QString &secret, const QString &stored) const
{
    const std::optional<Parameters> parameters = parse(stored);
    if (!parameters)
        return false;
    const QByteArray key =
        derive(secret, parameters->salt, parameters->iterations, int(parameters->key.size()));
    if (key.size() != parameters->key.size())
        return false;
    // Constant time: how much of the key matched must not show in how long the comparison took.
    return CRYPTO_memcmp(key.constData(), parameters->key.constData(), size_t(key.size())) == 0;
}

bool PinHasher::needsRehash(const QString &stored) const
{
    const std::optional<Parameters> parameters = parse(stored);
    return !parameters || parameters->iterations < m_iterations || parameters->salt.size() < SaltBytes ||
           parameters->key.size() < KeyBytes;
}

} // namespace kassa::security
