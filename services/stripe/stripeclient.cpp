#include "services/stripe/stripeclient.h"

#include "services/stripe/directtransport.h"
#include "services/stripe/qnamtransport.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

bool isLoopback(const QString &host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

std::unique_ptr<HttpTransport> makeTransport(QNetworkAccessManager &network, StripeClient::Transport kind)
{
    if (StripeClient::resolveTransport(kind) == StripeClient::Transport::Qnam)
        return std::make_unique<QnamTransport>(network);
    return std::make_unique<DirectTransport>();
}

} // namespace

StripeClient::StripeClient(QNetworkAccessManager &network, QObject *parent)
    : StripeClient(network, Options(), parent)
{
}

StripeClient::StripeClient(QNetworkAccessManager &network, const Options &options, QObject *parent)
    : StripeClient(makeTransport(network, options.transport), nullptr, options, parent)
{
}

StripeClient::StripeClient(HttpTransport &transport, const Options &options, QObject *parent)
    : StripeClient(nullptr, &transport, options, parent)
{
}

StripeClient::StripeClient(std::unique_ptr<HttpTransport> ownTransport, HttpTransport *transport,
                           const Options &options, QObject *parent)
    : QObject(parent)
    , m_ownTransport(std::move(ownTransport))
    , m_transport(transport ? transport : m_ownTransport.get())
    , m_options(options)
    , m_retry(options.maxRetries)
    , m_pace(options.testModeRate)
    , m_random(QRandomGenerator::securelySeeded())
{
    m_clock.start();
    setApiBase(options.apiBase);
    updateHeaders();
}

StripeClient::Transport StripeClient::resolveTransport(Transport requested)
{
    if (requested != Transport::Default)
        return requested;
    const QByteArray chosen = qgetenv("KASSA_HTTP_TRANSPORT").trimmed().toLower();
    return chosen == "qnam" ? Transport::Qnam : Transport::Direct;
}

StripeClient::~StripeClient()
{
    // Unfinished calls end here, as canceled, while this client is still whole: left to ~QObject they
    // would be destroyed after its members (an in-flight one then reported a network error from inside
    // this destructor; a queued or backing-off one was never reported at all).
    const QList<StripeCall *> calls = findChildren<StripeCall *>(Qt::FindDirectChildrenOnly);
    for (StripeCall *call : calls)
        call->cancel();
}

bool StripeClient::isAcceptableApiBase(const QUrl &url, QString *why)
{
    QString reason;
    if (!url.isValid() || url.host().isEmpty())
        reason = u"the API address '%1' is not a valid URL"_s.arg(url.toString());
    else if (url.scheme() == u"https"_s)
        return true;
    else if (url.scheme() == u"http"_s && isLoopback(url.host()))
        return true;
    else if (url.scheme() == u"http"_s)
        reason =
            u"plain http is only allowed for this computer (127.0.0.1, ::1, localhost); use https for %1"_s
                .arg(url.host());
    else
        reason = u"the API address must start with https://"_s;
    if (why)
        *why = reason;
    return false;
}

void StripeClient::setApiBase(const QUrl &url)
{
    m_options.apiBase = url;
    m_baseError.clear();
    isAcceptableApiBase(url, &m_baseError);
}

void StripeClient::setApiKey(const QString &key)
{
    m_apiKey = key.trimmed();
    m_live = m_apiKey.startsWith(u"sk_live_"_s) || m_apiKey.startsWith(u"rk_live_"_s);
    if (!m_rateSetByUser)
        m_pace.setRate(m_live ? m_options.liveModeRate : m_options.testModeRate);
    updateHeaders();
}

void StripeClient::updateHeaders()
{
    m_headers = {
        {QByteArrayLiteral("Authorization"), "Bearer " + m_apiKey.toUtf8()},
        {QByteArrayLiteral("Stripe-Version"), QByteArray(ApiVersion)},
        {QByteArrayLiteral("User-Agent"), userAgent().toUtf8()},
        {QByteArrayLiteral("X-Stripe-Client-User-Agent"), clientUserAgent()},
        {QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")},
    };
}

void StripeClient::setRate(int requestsPerSecond)
{
    m_rateSetByUser = true;
    m_pace.setRate(requestsPerSecond);
}

QString StripeClient::userAgent()
{
    static const QString agent = u"Kassa/"_s + QStringLiteral(KASSA_VERSION);
    return agent;
}

QByteArray StripeClient::clientUserAgent()
{
    // Built once: QSysInfo::prettyProductName() reads /etc/os-release each time.
    static const QByteArray agent = [] {
        const QJsonObject object{
            {u"bindings_version"_s, QStringLiteral(KASSA_VERSION)},
            {u"lang"_s, u"c++"_s},
            {u"lang_version"_s, QString(u"Qt "_s + QString::fromLatin1(qVersion()))},
            {u"publisher"_s, u"kassa"_s},
            {u"platform"_s, QSysInfo::prettyProductName()},
            {u"uname"_s, QString(QSysInfo::kernelType() + u' ' + QSysInfo::kernelVersion() + u' ' +
                                 QSysInfo::currentCpuArchitecture())},
        };
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }();
    return agent;
}

QString StripeClient::newIdempotencyKey()
{
    // QUuid::createUuid() makes random (version 4) UUIDs.
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

HttpRequest StripeClient::httpRequest(const StripeRequest &request) const
{
    HttpRequest out;
    out.url = m_options.apiBase;
    out.url.setPath(out.url.path(QUrl::FullyEncoded).chopped(out.url.path().endsWith(u'/') ? 1 : 0) +
                        request.path,
                    QUrl::TolerantMode);
    if (request.method != StripeRequest::Method::Post && !request.params.isEmpty())
        out.url.setQuery(QString::fromLatin1(request.params.encode()), QUrl::StrictMode);
    out.headers = m_headers;
    out.maxResponseBytes = m_options.maxResponseBytes;
    switch (request.method) {
    case StripeRequest::Method::Get:
        out.method = QByteArrayLiteral("GET");
        break;
    case StripeRequest::Method::Post:
        out.method = QByteArrayLiteral("POST");
        out.headers.emplaceBack(QByteArrayLiteral("Content-Type"),
                                QByteArrayLiteral("application/x-www-form-urlencoded"));
        out.headers.emplaceBack(QByteArrayLiteral("Idempotency-Key"), request.idempotencyKey.toUtf8());
        out.body = request.params.encode();
        break;
    case StripeRequest::Method::Delete:
        out.method = QByteArrayLiteral("DELETE");
        break;
    }
    return out;
}

StripeCall *StripeClient::send(StripeRequest request)
{
    if (request.method == StripeRequest::Method::Post && request.idempotencyKey.isEmpty())
        request.idempotencyKey = newIdempotencyKey();
    auto *call = new StripeCall(*this, request);
    call->setParent(this);
    // Started from the event loop, so that the caller can connect to finished() first.
    QMetaObject::invokeMethod(call, &StripeCall::start, Qt::QueuedConnection);
    return call;
}

} // namespace kassa::stripe
