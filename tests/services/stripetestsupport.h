#pragma once

#include "services/stripe/stripeclient.h"
#include "services/stripe/striperesponse.h"

#include <QMetaType>
#include <QPointer>
#include <QSignalSpy>

Q_DECLARE_METATYPE(kassa::stripe::StripeError)
Q_DECLARE_METATYPE(kassa::stripe::StripeResponse)

namespace kassa::stripe::test {

// Sends a request and waits for its end (tests only; the product never waits like this). QSignalSpy::wait
// runs an event loop, so nothing sleeps between network events. When the call does not finish within
// waitMs it is canceled and the answer says so.
inline StripeResponse runCall(StripeClient &client, const StripeRequest &request, int waitMs = 20'000)
{
    QPointer<StripeCall> call = client.send(request);
    QSignalSpy finished(call.data(), &StripeCall::finished);
    if (!finished.wait(waitMs)) {
        if (call)
            call->cancel();
        StripeResponse timedOut;
        timedOut.error.kind = StripeError::Kind::Canceled;
        timedOut.error.message = QStringLiteral("the test gave up waiting after %1 ms").arg(waitMs);
        return timedOut;
    }
    return finished.first().first().value<StripeResponse>();
}

// What a failed QVERIFY2 should print about a response.
inline QByteArray describe(const StripeResponse &response)
{
    return QByteArray("HTTP " + QByteArray::number(response.httpStatus) + ", attempts " +
                      QByteArray::number(response.attempts) + ", " +
                      StripeError::kindName(response.error.kind).toUtf8() + ": " +
                      response.error.toString().toUtf8());
}

} // namespace kassa::stripe::test
