#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace kassa::stripe {

// Stripe's webhook signatures. Header: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...][,v0=...]`;
// the signed text is "<t>.<raw body>", HMAC-SHA256 keyed with the whole whsec_... secret. A delivery is
// genuine when any v1 matches (two during a secret rotation), compared in constant time, and its
// timestamp is not older than the tolerance. Like Stripe's own libraries, a timestamp from the future is
// not refused: only Stripe, holding the secret, can have signed it.
class WebhookSignature
{
public:
    enum class Result {
        Valid,
        MissingHeader, // no Stripe-Signature header
        Malformed,     // no t=<integer>
        NoV1Signature, // no v1= entry
        Mismatch,      // no v1 matches this payload and secret
        TooOld,        // signed longer ago than the tolerance
    };

    static constexpr int DefaultToleranceSeconds = 300;

    // A secret made ready once for many deliveries (the webhook receiver keeps one per secret): the MAC
    // is fetched once, and verify() copies neither the payload nor the header. The same results as the
    // static verify(). One thread at a time.
    class Key
    {
    public:
        explicit Key(QByteArrayView secret);
        ~Key();
        Key(const Key &) = delete;
        Key &operator=(const Key &) = delete;

        Result verify(QByteArrayView payload, QByteArrayView header, qint64 nowSeconds,
                      int toleranceSeconds = DefaultToleranceSeconds);

    private:
        struct Mac;
        QByteArray m_secret;
        std::unique_ptr<Mac> m_mac;
    };

    static Result verify(QByteArrayView payload, QByteArrayView header, QByteArrayView secret,
                         qint64 nowSeconds, int toleranceSeconds = DefaultToleranceSeconds);
    // "t=<timestamp>,v1=<hex>"
    static QByteArray sign(QByteArrayView payload, QByteArrayView secret, qint64 timestamp);
    static QByteArray hmacHex(QByteArrayView signedText, QByteArrayView secret);
    static QString describe(Result result);
};

} // namespace kassa::stripe
