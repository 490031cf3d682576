// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace kassa::security {

// Hashes PINs and passphrases with PBKDF2-HMAC-SHA256 (OpenSSL), a fresh 16-byte salt from the
// operating system's random source for every hash, and at least MinimumIterations rounds: a 4-digit PIN
// has only 10,000 values, so what protects it when the database leaks is the cost of each guess (and the
// lock-out protects it at the till).
//
// The stored form names its own parameters, so that they can be raised later without breaking the
// hashes already stored:
//
//     pbkdf2-sha256$<iterations>$<salt, base64>$<derived key, base64>
//
// verify() uses the parameters of the stored hash and compares in constant time; needsRehash() tells
// that a hash was made with weaker parameters than this hasher's, so that the caller can store a new
// hash while it holds the PIN (after a successful log-in).
//
// Thread-safe and without Qt GUI objects: hashing takes a good fraction of a second on purpose, so the
// console calls it from a worker thread.
class PinHasher
{
public:
    static constexpr int MinimumIterations = 600'000;
    static constexpr int SaltBytes = 16;
    static constexpr int KeyBytes = 32;
    static constexpr QLatin1StringView Algorithm{"pbkdf2-sha256"};

    struct Parameters
    {
        QString algorithm;
        int iterations = 0;
        QByteArray salt;
        QByteArray key;
    };

    // Production: MinimumIterations, or more; fewer are raised to MinimumIterations.
    explicit PinHasher(int iterations = MinimumIterations);
    // Tests only: a hasher with fewer rounds, so that tests that are not about hashing stay fast. No
    // product code may call it.
    static PinHasher insecureForTests(int iterations);

    int iterations() const { return m_iterations; }

    // The stored form of `secret`. Empty only when the random source or OpenSSL fails.
    QString hash(const QString &secret) const;
    // Whether `secret` matches `stored`. False for anything that is not a stored form this hasher knows.
    bool verify(const QString &secret, const QString &stored) const;
    // True when `stored` is weaker than what hash() makes now (fewer iterations, a shorter salt or key,
    // another algorithm) or cannot be read.
    bool needsRehash(const QString &stored) const;

    static std::optional<Parameters> parse(const QString &stored);

private:
    struct Unchecked
    {
    };
    PinHasher(int iterations, Unchecked);
    static QByteArray derive(const QString &secret, const QByteArray &salt, int iterations, int keyBytes);

    int m_iterations;
};

} // namespace kassa::security
