#pragma once

#include <QJsonObject>
#include <QString>

namespace kassa::stripe {

// One error from Stripe (or from getting to Stripe), with everything a cashier, a log and a support
// ticket need. Never carries a key.
struct StripeError
{
    enum class Kind {
        None,
        Card,           // 402 card_error: declined, expired, wrong CVC...
        InvalidRequest, // 400/404 invalid_request_error
        Idempotency,    // idempotency_error: a key reused with other parameters
        Authentication, // 401
        Permission,     // 403
        RateLimit,      // 429
        Api,            // 5xx, or an answer Kassa cannot read
        Connection,     // no answer: DNS, TLS, refused, reset, timeout
        Canceled,       // the caller canceled the request
    };

    Kind kind = Kind::None;
    int httpStatus = 0; // 0 when no HTTP answer came
    QString type;       // Stripe's error.type
    QString code;
    QString declineCode;
    QString param;
    QString message;
    QString paymentIntentId;   // error.payment_intent.id, for card errors of a PaymentIntent
    QJsonObject paymentIntent; // the whole error.payment_intent object when Stripe sent it
    QString requestId;         // Request-Id header; empty when no answer came

    bool isError() const { return kind != Kind::None; }
    // "card_declined (insufficient_funds): Your card has insufficient funds. [req_123]"
    QString toString() const;
    static QString kindName(Kind kind);

    // From an HTTP answer: status, body and Request-Id. A body that is not Stripe's error format
    // still gives an Api (5xx) or matching kind with a message that says what came back.
    static StripeError fromResponse(int httpStatus, const QByteArray &body, const QString &requestId);
    static StripeError connection(const QString &message);
    static StripeError canceled();
};

} // namespace kassa::stripe
