#include "services/stripe/webhooksignature.h"

#include <QList>

#include <charconv>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

QByteArray WebhookSignature::hmacHex(QByteArrayView signedText, QByteArrayView secret)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), int(secret.size()),
         reinterpret_cast<const unsigned char *>(signedText.data()), size_t(signedText.size()), digest,
         &length);
    return QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex();
}

QByteArray WebhookSignature::sign(QByteArrayView payload, QByteArrayView secret, qint64 timestamp)
{
    const QByteArray stamp = QByteArray::number(timestamp);
    const QByteArray signedText = QByteArray(stamp + '.' + payload.toByteArray());
    return "t=" + stamp + ",v1=" + hmacHex(signedText, secret);
}

WebhookSignature::Result WebhookSignature::verify(QByteArrayView payload, QByteArrayView header,
                                                  QByteArrayView secret, qint64 nowSeconds,
                                                  int toleranceSeconds)
{
    return Key(secret).verify(payload, header, nowSeconds, toleranceSeconds);
}

struct WebhookSignature::Key::Mac
{
    EVP_MAC *mac = nullptr;
    EVP_MAC_CTX *context = nullptr;
    OSSL_PARAM params[2];
    char digestName[8] = "SHA256";

    Mac()
    {
        mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        context = mac ? EVP_MAC_CTX_new(mac) : nullptr;
        params[0] = OSSL_PARAM_construct_utf8_string("digest", digestName, 0);
        params[1] = OSSL_PARAM_construct_end();
    }
    ~Mac()
    {
        EVP_MAC_CTX_free(context);
        EVP_MAC_free(mac);
    }
};

WebhookSignature::Key::Key(QByteArrayView secret)
    : m_secret(secret.toByteArray())
    , m_mac(std::make_unique<Mac>())
{
}

WebhookSignature::Key::~Key() = default;

WebhookSignature::Result WebhookSignature::Key::verify(QByteArrayView payload, QByteArrayView header,
                                                       qint64 nowSeconds, int toleranceSeconds)
{
    if (header.trimmed().isEmpty())
        return Result::MissingHeader;
    // The items of the header, "key=value" separated by commas; keys are compared exactly, as Stripe's
    // libraries do: " v1" is not "v1".
    const auto forEachItem = [header](const auto &onItem) {
        QByteArrayView rest = header;
        while (true) {
            const qsizetype comma = rest.indexOf(',');
            const QByteArrayView item = comma < 0 ? rest : rest.first(comma);
            const qsizetype eq = item.indexOf('=');
            if (eq > 0 && !onItem(item.first(eq), item.sliced(eq + 1)))
                return;
            if (comma < 0)
                return;
            rest = rest.sliced(comma + 1);
        }
    };
    bool haveTimestamp = false;
    bool malformed = false;
    qint64 timestamp = 0;
    bool haveV1 = false;
    forEachItem([&](QByteArrayView key, QByteArrayView value) {
        if (key == "t") {
            bool ok = false;
            timestamp = value.trimmed().toLongLong(&ok);
            if (!ok) {
                malformed = true;
                return false;
            }
            haveTimestamp = true;
        } else if (key == "v1") {
            haveV1 = true;
        }
        return true;
    });
    if (malformed || !haveTimestamp)
        return Result::Malformed;
    if (!haveV1)
        return Result::NoV1Signature;

    // The signed text is the timestamp as a number (not as the header spells it), '.', the payload.
    char stamp[24];
    const std::to_chars_result written = std::to_chars(stamp, stamp + sizeof stamp, timestamp);
    unsigned char digest[EVP_MAX_MD_SIZE];
    size_t digestLength = 0;
    const auto *key = reinterpret_cast<const unsigned char *>(m_secret.constData());
    if (!m_mac->context || !EVP_MAC_init(m_mac->context, key, size_t(m_secret.size()), m_mac->params) ||
        !EVP_MAC_update(m_mac->context, reinterpret_cast<const unsigned char *>(stamp),
                        size_t(written.ptr - stamp)) ||
        !EVP_MAC_update(m_mac->context, reinterpret_cast<const unsigned char *>("."), 1) ||
        !EVP_MAC_update(m_mac->context, reinterpret_cast<const unsigned char *>(payload.data()),
                        size_t(payload.size())) ||
        !EVP_MAC_final(m_mac->context, digest, &digestLength, sizeof digest))
        return Result::Mismatch;
    static constexpr char Hex[] = "0123456789abcdef";
    char expected[2 * EVP_MAX_MD_SIZE];
    for (size_t i = 0; i < digestLength; ++i) {
        expected[2 * i] = Hex[digest[i] >> 4];
        expected[2 * i + 1] = Hex[digest[i] & 0xf];
    }
    const qsizetype expectedLength = qsizetype(2 * digestLength);
    static constexpr char Zeros[2 * EVP_MAX_MD_SIZE] = {};
    bool match = false;
    forEachItem([&](QByteArrayView itemKey, QByteArrayView candidate) {
        if (itemKey != "v1")
            return true;
        // Compared verbatim, in constant time over the expected length; a candidate of another length
        // never matches.
        const bool sameLength = candidate.size() == expectedLength;
        const bool equal =
            CRYPTO_memcmp(sameLength ? candidate.data() : Zeros, expected, size_t(expectedLength)) == 0;
        match = match || (sameLength && equal);
        return true;
    });
    if (!match)
        return Result::Mismatch;
    if (toleranceSeconds > 0 && nowSeconds - timestamp > toleranceSeconds)
        return Result::TooOld;
    return Result::Valid;
}

QString WebhookSignature::describe(Result result)
{
    switch (result) {
    case Result::Valid:
        return u"the signature is valid"_s;
    case Result::MissingHeader:
        return u"the Stripe-Signature header is missing"_s;
    case Result::Malformed:
        return u"the Stripe-Signature header has no valid timestamp (t=...)"_s;
    case Result::NoV1Signature:
        return u"the Stripe-Signature header has no v1 signature"_s;
    case Result::Mismatch:
        return u"no v1 signature matches this payload and secret"_s;
    case Result::TooOld:
        return u"the signature's timestamp is older than the tolerance"_s;
    }
    return {};
}

} // namespace kassa::stripe
