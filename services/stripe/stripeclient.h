#pragma once

#include "services/stripe/httptransport.h"
#include "services/stripe/retrypolicy.h"
#include "services/stripe/stripecall.h"
#include "services/stripe/striperequest.h"
#include "services/stripe/tokenbucket.h"

#include <QElapsedTimer>
#include <QObject>
#include <QRandomGenerator>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;

namespace kassa::stripe {

// The one place that talks HTTP to Stripe: authentication, the pinned API version, idempotency keys,
// retries with backoff, a client-side pace, timeouts and cancellation. Asynchronous; never waits.
class StripeClient : public QObject
{
    Q_OBJECT
public:
    // Pinned API version; see the README ("Stripe API version").
    static constexpr auto ApiVersion = "2024-06-20";
    static constexpr auto DefaultApiBase = "https://api.stripe.com";

    // How requests travel. Direct: Kassa's own HTTP/1.1 keep-alive client in this thread (the default; a
    // fraction of the CPU). Qnam: QNetworkAccessManager (PAC and other system proxy setups it knows,
    // HTTP/2). Default: the environment variable KASSA_HTTP_TRANSPORT ("direct" or "qnam"), else Direct.
    enum class Transport { Default, Direct, Qnam };

    struct Options
    {
        QUrl apiBase = QUrl(QString::fromLatin1(DefaultApiBase));
        Transport transport = Transport::Default;
        int maxRetries = 2;
        int timeoutMs = 80'000; // for the whole request, retries and waits included
        int testModeRate = 25;  // requests per second
        int liveModeRate = 90;
        qint64 maxResponseBytes = 16 * 1024 * 1024;
    };

    // With the transport that options.transport names (`network` serves the Qnam one).
    explicit StripeClient(QNetworkAccessManager &network, QObject *parent = nullptr);
    StripeClient(QNetworkAccessManager &network, const Options &options, QObject *parent = nullptr);
    // Through a transport of the caller's, which must outlive this client; options.transport is ignored.
    StripeClient(HttpTransport &transport, const Options &options, QObject *parent = nullptr);
    ~StripeClient() override;

    // Default resolved: what KASSA_HTTP_TRANSPORT says, else Direct.
    static Transport resolveTransport(Transport requested);
    // "direct" or "qnam" (or the name of a caller's transport).
    QString transportName() const { return m_transport->name(); }

    // https:// anywhere, http:// only for loopback hosts (the simulator). Says why not in `why`.
    static bool isAcceptableApiBase(const QUrl &url, QString *why = nullptr);
    // Throws nothing: an unacceptable base makes every request fail with a clear error.
    void setApiBase(const QUrl &url);
    QUrl apiBase() const { return m_options.apiBase; }
    // The key lives only in memory here. Test or live is read from it (sk_live_/rk_live_).
    void setApiKey(const QString &key);
    bool hasApiKey() const { return !m_apiKey.isEmpty(); }
    bool isLiveMode() const { return m_live; }
    void setMaxRetries(int retries) { m_retry = RetryPolicy(retries); }
    // For the whole request; zero or less restores the default of 80 s.
    void setTimeoutMs(int ms) { m_options.timeoutMs = ms > 0 ? ms : Options().timeoutMs; }
    void setRate(int requestsPerSecond);
    int rate() const { return m_pace.rate(); }
    const Options &options() const { return m_options; }

    // Starts the request. The call object reports through its finished() signal and deletes itself
    // afterwards; keep a QPointer to cancel it.
    StripeCall *send(StripeRequest request);
    // send() with a callback, run in `context`'s thread unless `context` is gone by then.
    template<typename Callback>
    StripeCall *send(StripeRequest request, QObject *context, Callback &&callback)
    {
        StripeCall *call = send(std::move(request));
        QObject::connect(call, &StripeCall::finished, context, std::forward<Callback>(callback));
        return call;
    }

    // Built once per process.
    static QString userAgent();
    static QByteArray clientUserAgent();
    static QString newIdempotencyKey();

private:
    friend class StripeCall;
    StripeClient(std::unique_ptr<HttpTransport> ownTransport, HttpTransport *transport,
                 const Options &options, QObject *parent);
    void updateHeaders();
    HttpRequest httpRequest(const StripeRequest &request) const;
    qint64 nowMs() const { return m_clock.elapsed(); }

    std::unique_ptr<HttpTransport> m_ownTransport;
    HttpTransport *m_transport;
    Options m_options;
    HttpHeaders m_headers; // the ones every request carries, key included
    RetryPolicy m_retry;
    TokenBucket m_pace;
    QElapsedTimer m_clock;
    QRandomGenerator m_random;
    QString m_apiKey;
    QString m_baseError;
    bool m_live = false;
    bool m_rateSetByUser = false;
};

} // namespace kassa::stripe
