#include "services/stripe/webhooksignature.h"

#include <QList>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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
    if (header.trimmed().isEmpty())
        return Result::MissingHeader;
    bool haveTimestamp = false;
    qint64 timestamp = 0;
    const QByteArray copy = header.toByteArray();
    const QList<QByteArray> items = copy.split(',');
    for (const QByteArray &item : items) {
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0)
            continue;
        // Keys are compared exactly, as Stripe's libraries do: " v1" is not "v1".
        const QByteArray key = item.left(eq);
        const QByteArray value = item.mid(eq + 1).trimmed();
        if (key == "t") {
            bool ok = false;
            timestamp = value.toLongLong(&ok);
            if (!ok)
                return Result::Malformed;
            haveTimestamp = true;
        }
    }
    if (!haveTimestamp)
        return Result::Malformed;
    QList<QByteArray> v1;
    for (const QByteArray &item : items) {
        const qsizetype eq = item.indexOf('=');
        if (eq > 0 && item.left(eq) == "v1")
            v1.append(item.mid(eq + 1)); // compared verbatim, as Stripe's libraries do
    }
    if (v1.isEmpty())
        return Result::NoV1Signature;
    const QByteArray expected =
        hmacHex(QByteArray(QByteArray::number(timestamp) + '.' + payload.toByteArray()), secret);
    bool match = false;
    for (const QByteArray &candidate : std::as_const(v1)) {
        // Constant time over the expected length; a candidate of another length never matches.
        const bool sameLength = candidate.size() == expected.size();
        const QByteArray compared = sameLength ? candidate : QByteArray(expected.size(), '\0');
        const bool equal =
            CRYPTO_memcmp(compared.constData(), expected.constData(), size_t(expected.size())) == 0;
        match = match || (sameLength && equal);
    }
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
