#include "sim/simulator.h"

#include "sim/demoseeder.h"
#include "sim/simresources.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSim, "kassa.sim")

namespace kassa::sim {

namespace {

constexpr qsizetype MaxIdempotencyKeyLength = 255;

QString maskKey(const QString &key)
{
    const qsizetype prefix = key.indexOf(u'_', key.indexOf(u'_') + 1) + 1;
    if (key.size() <= 12 || prefix <= 0)
        return u"****"_s;
    return key.left(prefix) + QString(key.size() - prefix - 4, u'*') + key.right(4);
}

ApiReply authError(const QString &message)
{
    return ApiReply::error(401, u"invalid_request_error"_s, message);
}

QByteArray json(const QJsonObject &object)
{
    // Compact: replies are also kept for idempotent replays, for 24 hours.
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

Simulator::Simulator(QObject *parent)
    : QObject(parent)
    , m_resources(std::make_unique<SimResources>())
    , m_server(new HttpServer(
          [this](HttpRequest &&request, HttpResponder responder) {
              onRequest(std::move(request), std::move(responder));
          },
          this))
    , m_faultRandom(QRandomGenerator::securelySeeded())
{
    QString error;
    if (!m_resources->schema.loadEmbedded(&error))
        qFatal("kassa-stripe-sim: the embedded parameter table does not load: %s", qPrintable(error));
    m_resources->router.add(u"GET"_s, u"/v1/balance"_s, [this](const ApiCall &) {
        // Captured minus refunded per currency; funds become available two days after the charge.
        QHash<QString, std::pair<qint64, qint64>> sums;
        const qint64 availableBefore = m_resources->context.now() - 2 * 24 * 3600;
        m_resources->context.store.forEachNewestFirst(u"charge"_s, [&](const QJsonObject &charge) {
            // An authorization moves no money until it is captured (a released one shows amount_refunded).
            if (charge.value(u"status"_s).toString() != u"succeeded"_s ||
                !charge.value(u"captured"_s).toBool())
                return true;
            const qint64 net = charge.value(u"amount_captured"_s).toInteger() -
                               charge.value(u"amount_refunded"_s).toInteger();
            auto &[available, pending] = sums[charge.value(u"currency"_s).toString()];
            (charge.value(u"created"_s).toInteger() < availableBefore ? available : pending) += net;
            return true;
        });
        if (sums.isEmpty())
            sums.insert(u"usd"_s, {0, 0});
        QJsonArray available;
        QJsonArray pending;
        for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
            available.append(QJsonObject{{u"amount"_s, it->first},
                                         {u"currency"_s, it.key()},
                                         {u"source_types"_s, QJsonObject{{u"card"_s, it->first}}}});
            pending.append(QJsonObject{{u"amount"_s, it->second},
                                       {u"currency"_s, it.key()},
                                       {u"source_types"_s, QJsonObject{{u"card"_s, it->second}}}});
        }
        return ApiReply::ok(QJsonObject{{u"object"_s, u"balance"_s},
                                        {u"available"_s, available},
                                        {u"livemode"_s, false},
                                        {u"pending"_s, pending}});
    });
    m_resources->readers.ensureReader();
    m_resources->context.clearDirty();
    m_uptime.start();
    m_saveTimer.setInterval(250);
    connect(&m_saveTimer, &QTimer::timeout, this, &Simulator::saveIfDirty);
    m_jobTimer.setInterval(1000);
    connect(&m_jobTimer, &QTimer::timeout, this, [this] { m_resources->context.runDueJobs(); });
    m_jobTimer.start();
}

Simulator::~Simulator()
{
    saveIfDirty();
}

bool Simulator::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port))
        return false;
    if (m_publicUrl.isEmpty())
        m_resources->context.setBaseUrl(baseUrl().toString(QUrl::StripTrailingSlash));
    return true;
}

QString Simulator::errorString() const
{
    return m_server->errorString();
}

quint16 Simulator::port() const
{
    return m_server->serverPort();
}

QUrl Simulator::baseUrl() const
{
    QUrl url;
    url.setScheme(u"http"_s);
    QHostAddress address = m_server->serverAddress();
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    url.setHost(address.toString());
    url.setPort(port());
    return url;
}

void Simulator::setPublicUrl(const QUrl &url)
{
    m_publicUrl = url;
    m_resources->context.setBaseUrl(url.toString(QUrl::StripTrailingSlash));
}

void Simulator::setRandomSeed(quint32 seed)
{
    m_resources->context.seedRandom(seed);
}

void Simulator::setFaults(const Faults &faults)
{
    m_faults = faults;
    if (faults.seed != 0)
        m_faultRandom.seed(faults.seed);
}

void Simulator::setWebhookRetryPolicy(int maxAttempts, int firstRetryDelayMs)
{
    m_resources->dispatcher.setRetryPolicy(maxAttempts, firstRetryDelayMs);
}

QString Simulator::addWebhookEndpoint(const QUrl &url, const QString &secret, const QStringList &events)
{
    return m_resources->webhookEndpoints.addEndpoint(url.toString(), secret, events);
}

void Simulator::seedDemo(int payments)
{
    if (m_resources->context.store.count(u"payment_intent"_s) > 0)
        return;
    DemoSeeder seeder(*m_resources);
    seeder.seed(payments);
}

bool Simulator::setStateFile(const QString &path, QString *error)
{
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
            return false;
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
        if (document.isNull() || !document.isObject()) {
            *error = u"%1 is not a simulator state file: %2"_s.arg(path, parseError.errorString());
            return false;
        }
        const QJsonObject state = document.object();
        if (!m_resources->context.fromJson(state.value(u"context"_s).toObject(), error)) {
            *error = u"%1: %2"_s.arg(path, *error);
            return false;
        }
        m_resources->idempotency.fromJson(state.value(u"idempotency"_s).toObject());
        m_resources->readers.ensureReader();
    } else {
        m_resources->context.markDirty();
    }
    // Only now: a file that does not load is left alone, not overwritten by the next save.
    m_stateFile = path;
    m_saveTimer.start();
    return saveState(error);
}

bool Simulator::saveState(QString *error)
{
    if (m_stateFile.isEmpty())
        return true;
    QSaveFile file(m_stateFile);
    const QJsonObject state{{u"format"_s, 1},
                            {u"context"_s, m_resources->context.toJson()},
                            {u"idempotency"_s, m_resources->idempotency.toJson()}};
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(state).toJson(QJsonDocument::Compact)) < 0 || !file.commit()) {
        const QString message = u"cannot write the state file %1: %2"_s.arg(m_stateFile, file.errorString());
        qCWarning(lcSim).noquote() << message;
        if (error)
            *error = message;
        return false;
    }
    m_resources->context.clearDirty();
    return true;
}

void Simulator::saveIfDirty()
{
    if (!m_stateFile.isEmpty() && m_resources->context.isDirty())
        saveState();
}

void Simulator::resetState()
{
    m_resources->context.reset();
    m_resources->idempotency.clear();
    m_resources->readers.ensureReader();
    m_faults = Faults{};
    m_byStatus.clear();
    m_byRoute.clear();
    m_faultCounts.clear();
    m_requests = 0;
}

QJsonObject Simulator::stats() const
{
    QJsonObject byStatus;
    for (auto it = m_byStatus.cbegin(); it != m_byStatus.cend(); ++it)
        byStatus.insert(QString::number(it.key()), it.value());
    QJsonObject byRoute;
    for (auto it = m_byRoute.cbegin(); it != m_byRoute.cend(); ++it)
        byRoute.insert(it.key(), it.value());
    QJsonObject faults;
    for (auto it = m_faultCounts.cbegin(); it != m_faultCounts.cend(); ++it)
        faults.insert(it.key(), it.value());
    QJsonObject objects;
    for (const QString &type :
         {u"customer"_s, u"payment_method"_s, u"payment_intent"_s, u"charge"_s, u"refund"_s,
          u"setup_intent"_s, u"checkout.session"_s, u"event"_s, u"webhook_endpoint"_s, u"terminal.reader"_s})
        objects.insert(type, m_resources->context.store.count(type));
    const WebhookDispatcher::Stats webhooks = m_resources->dispatcher.stats();
    return QJsonObject{
        {u"requests"_s, m_requests},
        {u"by_status"_s, byStatus},
        {u"by_route"_s, byRoute},
        {u"faults_injected"_s, faults},
        {u"faults"_s, m_faults.toJson()},
        {u"objects"_s, objects},
        {u"idempotency_keys"_s, qint64(m_resources->idempotency.size())},
        {u"webhooks"_s, QJsonObject{{u"attempts"_s, webhooks.attempts},
                                    {u"delivered"_s, webhooks.delivered},
                                    {u"failed_attempts"_s, webhooks.failedAttempts},
                                    {u"abandoned"_s, webhooks.abandoned},
                                    {u"in_flight"_s, webhooks.inFlight}}},
        {u"connections"_s, m_server->connectionCount()},
        {u"clock"_s, m_resources->context.now()},
        {u"clock_offset"_s, m_resources->context.clockOffset()},
        {u"uptime_ms"_s, m_uptime.elapsed()},
    };
}

void Simulator::send(const HttpResponder &responder, const HttpRequest &request, const QByteArray &requestId,
                     int status, const QByteArray &body, const HttpHeaders &extra)
{
    HttpResponse response;
    response.status = status;
    response.headers = {
        {"Content-Type", "application/json"},
        {"Request-Id", requestId},
        {"Cache-Control", "no-cache, no-store"},
        {"Access-Control-Allow-Origin", "*"},
        {"Stripe-Version", request.header("stripe-version").isEmpty() ? QByteArray(SimContext::ApiVersion)
                                                                      : request.header("stripe-version")},
    };
    const QByteArray key = request.header("idempotency-key");
    if (!key.isEmpty())
        response.headers.emplaceBack("Idempotency-Key", key);
    response.headers.append(extra);
    response.body = body;
    ++m_byStatus[status];
    qCDebug(lcSim).noquote() << QString::fromLatin1(request.method) << QString::fromUtf8(request.path)
                             << status << QString::fromLatin1(requestId);
    responder.send(response);
}

void Simulator::sendReply(const HttpResponder &responder, const HttpRequest &request,
                          const QByteArray &requestId, const ApiReply &reply)
{
    send(responder, request, requestId, reply.status, json(reply.body), reply.extraHeaders);
}

void Simulator::onRequest(HttpRequest &&request, HttpResponder responder)
{
    ++m_requests;
    const QByteArray requestId = "req_" + m_resources->context.randomToken(14).toLatin1();
    if (request.path.startsWith("/_sim/")) {
        handleControl(request, responder, requestId);
        return;
    }
    handleApi(std::move(request), responder, requestId);
}

void Simulator::handleControl(const HttpRequest &request, const HttpResponder &responder,
                              const QByteArray &requestId)
{
    HttpResponse page;
    if (m_resources->pages.handle(request, page)) {
        page.headers.emplaceBack("Request-Id", requestId);
        ++m_byStatus[page.status];
        responder.send(page);
        saveIfDirty();
        return;
    }
    const QByteArray &path = request.path;
    const QByteArray &method = request.method;
    QJsonObject body;
    if (method == "POST" && !request.body.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
        if (!document.isObject()) {
            sendReply(
                responder, request, requestId,
                ApiReply::invalidRequest(u"The body must be a JSON object: %1"_s.arg(error.errorString())));
            return;
        }
        body = document.object();
    }
    if (path == "/_sim/faults" && method == "POST") {
        QString error;
        const std::optional<Faults> faults = Faults::fromJson(body, &error);
        if (!faults) {
            sendReply(responder, request, requestId, ApiReply::invalidRequest(error));
            return;
        }
        setFaults(*faults);
        sendReply(responder, request, requestId, ApiReply::ok(m_faults.toJson()));
    } else if (path == "/_sim/faults" && method == "GET") {
        sendReply(responder, request, requestId, ApiReply::ok(m_faults.toJson()));
    } else if (path == "/_sim/advance" && method == "POST") {
        const QJsonValue seconds = body.value(u"seconds"_s);
        if (!seconds.isDouble() || seconds.toInteger(-1) < 0) {
            sendReply(responder, request, requestId,
                      ApiReply::invalidRequest(u"seconds must be a non-negative integer"_s, u"seconds"_s));
            return;
        }
        m_resources->context.advance(seconds.toInteger());
        const int ran = m_resources->context.runDueJobs();
        sendReply(responder, request, requestId,
                  ApiReply::ok(QJsonObject{{u"now"_s, m_resources->context.now()},
                                           {u"clock_offset"_s, m_resources->context.clockOffset()},
                                           {u"jobs_run"_s, ran}}));
    } else if (path == "/_sim/stats" && method == "GET") {
        sendReply(responder, request, requestId, ApiReply::ok(stats()));
    } else if (path == "/_sim/reset" && method == "POST") {
        resetState();
        sendReply(responder, request, requestId, ApiReply::ok(QJsonObject{{u"reset"_s, true}}));
    } else {
        sendReply(
            responder, request, requestId,
            ApiReply::error(404, u"invalid_request_error"_s,
                            u"Unrecognized simulator URL (%1: %2). The simulator's own endpoints are POST "
                            "/_sim/faults, POST /_sim/advance, GET /_sim/stats and POST /_sim/reset."_s.arg(
                                QString::fromLatin1(method), QString::fromUtf8(path))));
    }
    saveIfDirty();
}

std::optional<ApiReply> Simulator::authenticate(const HttpRequest &request) const
{
    const QByteArray header = request.header("authorization");
    QString key;
    if (header.startsWith("Bearer ")) {
        key = QString::fromUtf8(header.mid(7).trimmed());
    } else if (header.startsWith("Basic ")) {
        const QByteArray decoded = QByteArray::fromBase64(header.mid(6).trimmed());
        key =
            QString::fromUtf8(decoded.left(decoded.indexOf(':') < 0 ? decoded.size() : decoded.indexOf(':')));
    } else if (!header.isEmpty()) {
        return authError(u"Invalid authorization header. Use Bearer auth (e.g. 'Authorization: Bearer "
                         "YOUR_SECRET_KEY') or Basic auth with the key as the user name."_s);
    }
    if (key.isEmpty())
        return authError(
            u"You did not provide an API key. You need to provide your API key in the Authorization "
            "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
            "https://stripe.com/docs/api#authentication for details, or we can help at "
            "https://support.stripe.com/."_s);
    if (key.startsWith(u"sk_live_"_s) || key.startsWith(u"rk_live_"_s))
        return authError(
            u"kassa-stripe-sim runs in test mode only and refuses live mode keys (%1). Use a test "
            "mode key (sk_test_... or rk_test_...)."_s.arg(maskKey(key)));
    if (key.startsWith(u"pk_"_s))
        return authError(
            u"This API call cannot be made with a publishable API key. Please use a secret API key. "
            "You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys."_s);
    static const QRegularExpression Valid(u"^(sk|rk)_test_[A-Za-z0-9]{8,247}$"_s);
    if (!Valid.match(key).hasMatch())
        return authError(u"Invalid API Key provided: %1"_s.arg(maskKey(key)));
    return std::nullopt;
}

bool Simulator::rateLimited()
{
    if (m_rateLimit <= 0)
        return false;
    const qint64 second = m_uptime.elapsed() / 1000;
    if (second != m_rateWindowStart) {
        m_rateWindowStart = second;
        m_rateWindowCount = 0;
    }
    return ++m_rateWindowCount > m_rateLimit;
}

void Simulator::handleApi(HttpRequest &&request, const HttpResponder &responder, const QByteArray &requestId)
{
    const QString method = QString::fromLatin1(request.method);
    const QString path = QString::fromUtf8(request.path);
    if (auto error = authenticate(request)) {
        sendReply(responder, request, requestId, *error);
        return;
    }
    const std::optional<Router::Match> match =
        path.startsWith(u"/v1/"_s) ? m_resources->router.match(method, path) : std::nullopt;
    if (!match) {
        sendReply(responder, request, requestId,
                  ApiReply::error(
                      404, u"invalid_request_error"_s,
                      u"Unrecognized request URL (%1: %2). Please see https://stripe.com/docs or we can "
                      "help at https://support.stripe.com/."_s.arg(method, path)));
        return;
    }
    const QString routeName = method + u' ' + match->route->pathTemplate;
    ++m_byRoute[routeName];

    // Faults that strike before the request runs: nothing is applied, nothing is saved.
    if (m_faults.hangRate > 0 && m_faultRandom.generateDouble() < m_faults.hangRate) {
        count(u"hang"_s);
        return;
    }
    if (m_faults.rateLimit429Rate > 0 && m_faultRandom.generateDouble() < m_faults.rateLimit429Rate) {
        count(u"rate_limit_429"_s);
        sendReply(responder, request, requestId,
                  ApiReply::error(429, u"invalid_request_error"_s,
                                  u"Request rate limit exceeded. You can learn more about rate limits here "
                                  "https://stripe.com/docs/rate-limits."_s,
                                  u"rate_limit"_s));
        return;
    }
    if (m_faults.error500Rate > 0 && m_faultRandom.generateDouble() < m_faults.error500Rate) {
        count(u"error_500"_s);
        sendReply(responder, request, requestId,
                  ApiReply::error(500, u"api_error"_s,
                                  u"An unknown error occurred while processing your request (an error the "
                                  "simulator injected; nothing was applied)."_s));
        return;
    }
    if (rateLimited()) {
        count(u"rate_limited"_s);
        sendReply(responder, request, requestId,
                  ApiReply::error(429, u"invalid_request_error"_s,
                                  u"Request rate limit exceeded. You can learn more about rate limits here "
                                  "https://stripe.com/docs/rate-limits."_s,
                                  u"rate_limit"_s));
        return;
    }

    const bool post = method == u"POST"_s;
    if (post && !request.body.isEmpty()) {
        const QByteArray contentType = request.header("content-type");
        if (!contentType.startsWith("application/x-www-form-urlencoded")) {
            sendReply(responder, request, requestId,
                      ApiReply::invalidRequest(
                          u"Invalid request: unsupported Content-Type %1. If error persists and you need "
                          u"assistance, "
                          "please contact support@stripe.com."_s.arg(QString::fromLatin1(contentType))));
            return;
        }
    }
    const ValidationResult validation =
        m_resources->schema.validate(method, match->route->pathTemplate, post ? request.body : request.query);
    if (!validation.ok()) {
        const ParamError &error = *validation.error;
        sendReply(responder, request, requestId,
                  ApiReply::error(error.httpStatus, error.type, error.message, error.code, error.param));
        return;
    }

    QString key;
    if (post) {
        key = QString::fromUtf8(request.header("idempotency-key"));
        if (key.size() > MaxIdempotencyKeyLength) {
            sendReply(responder, request, requestId,
                      ApiReply::invalidRequest(
                          u"Invalid Idempotency-Key: the key must be at most 255 characters long."_s,
                          QString(), u"idempotency_key_too_long"_s));
            return;
        }
    }
    if (!key.isEmpty()) {
        const QByteArray fingerprint = request.method + ' ' + request.path + '\n' +
                                       QJsonDocument(validation.params).toJson(QJsonDocument::Compact);
        IdempotencyStore::Saved saved;
        switch (m_resources->idempotency.begin(key, fingerprint, m_resources->context.now(), &saved)) {
        case IdempotencyStore::Outcome::New:
            break;
        case IdempotencyStore::Outcome::Replay:
            count(u"idempotent_replay"_s);
            send(responder, request, requestId, saved.status, saved.body,
                 {{"Idempotent-Replayed", "true"}, {"Original-Request", saved.requestId.toLatin1()}});
            return;
        case IdempotencyStore::Outcome::Mismatch:
            sendReply(responder, request, requestId,
                      ApiReply::error(
                          400, u"idempotency_error"_s,
                          u"Keys for idempotent requests can only be used with the same parameters they "
                          "were first used with. Try using a key other than '%1' if you meant to execute "
                          "a different request."_s.arg(key)));
            return;
        case IdempotencyStore::Outcome::InFlight:
            sendReply(
                responder, request, requestId,
                ApiReply::error(409, u"invalid_request_error"_s,
                                u"There is currently another in-progress request using this Idempotent Key "
                                "(that probably means you submitted twice, and the other request is still "
                                "going through): %1. Please try again later."_s.arg(key),
                                u"idempotency_key_in_use"_s)
                    .withErrorField(u"type"_s, u"invalid_request_error"_s));
            return;
        }
    }

    const QString pathTemplate = match->route->pathTemplate;
    const QStringList args = match->args;
    const QJsonObject params = validation.params;
    if (m_faults.latencyMs > 0) {
        QTimer::singleShot(
            m_faults.latencyMs, this,
            [this, request = std::move(request), responder, requestId, pathTemplate, args, params, key] {
                execute(request, responder, requestId, pathTemplate, args, params, key);
            });
        return;
    }
    execute(request, responder, requestId, pathTemplate, args, params, key);
}

void Simulator::execute(const HttpRequest &request, const HttpResponder &responder,
                        const QByteArray &requestId, const QString &pathTemplate, const QStringList &args,
                        const QJsonObject &params, const QString &idempotencyKey)
{
    const QString method = QString::fromLatin1(request.method);
    // Matched again rather than carried: a route pointer must not outlive a latency delay unchecked.
    const std::optional<Router::Match> match =
        m_resources->router.match(method, QString::fromUtf8(request.path));
    if (!match) {
        sendReply(responder, request, requestId,
                  ApiReply::error(500, u"api_error"_s, u"The route went away."_s));
        return;
    }
    ApiCall call{method, pathTemplate, args, params, QString::fromLatin1(requestId), idempotencyKey};
    m_resources->context.setCurrentRequest(call.requestId, idempotencyKey);
    const ApiReply reply = match->route->handler(call);
    m_resources->context.clearCurrentRequest();
    const QByteArray body = json(reply.body);
    if (!idempotencyKey.isEmpty()) {
        if (reply.saveIdempotent)
            m_resources->idempotency.finish(idempotencyKey, reply.status, body, call.requestId,
                                            m_resources->context.now());
        else
            m_resources->idempotency.abandon(idempotencyKey);
    }
    if (method != u"GET"_s)
        m_resources->context.markDirty();
    if (m_faults.dropAfterCommitRate > 0 && m_faultRandom.generateDouble() < m_faults.dropAfterCommitRate) {
        count(u"drop_after_commit"_s);
        saveIfDirty();
        responder.drop();
        return;
    }
    send(responder, request, requestId, reply.status, body, reply.extraHeaders);
}

} // namespace kassa::sim
