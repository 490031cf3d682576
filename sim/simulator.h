#pragma once

#include "sim/faults.h"
#include "sim/simhttp.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace kassa::sim {

class SimResources;
struct ApiReply;

// kassa-stripe-sim: a stateful Stripe API on a local port. Start it in-process for tests and demo
// mode (listen on 127.0.0.1, port 0) or through the kassa-stripe-sim executable.
class Simulator : public QObject
{
    Q_OBJECT
public:
    explicit Simulator(QObject *parent = nullptr);
    ~Simulator() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QString errorString() const;
    quint16 port() const;
    QUrl baseUrl() const;
    // The address hosted pages (Checkout, 3-D Secure, receipts) announce; default baseUrl(). Set it
    // when phones on the shop's network must reach the pages.
    void setPublicUrl(const QUrl &url);

    // Keeps the state in a file: loads it now when it exists, saves it after each change.
    bool setStateFile(const QString &path, QString *error);
    bool saveState(QString *error = nullptr);
    // A seed for ids and demo data; the same seed gives the same ids in the same order.
    void setRandomSeed(quint32 seed);
    // Demo data: `payments` payments over the last 90 days, customers with saved cards, a reader.
    // Does nothing when the simulator already holds payments (a restored state).
    void seedDemo(int payments);
    QString addWebhookEndpoint(const QUrl &url, const QString &secret,
                               const QStringList &events = {QStringLiteral("*")});
    void setWebhookRetryPolicy(int maxAttempts, int firstRetryDelayMs);
    // Answers 429 above this many /v1 requests per second; 0 for no limit.
    void setRateLimit(int requestsPerSecond) { m_rateLimit = requestsPerSecond; }
    void setFaults(const Faults &faults);
    Faults faults() const { return m_faults; }
    QJsonObject stats() const;

private:
    void onRequest(HttpRequest &&request, HttpResponder responder);
    void handleControl(const HttpRequest &request, const HttpResponder &responder,
                       const QByteArray &requestId);
    void handleApi(HttpRequest &&request, const HttpResponder &responder, const QByteArray &requestId);
    void execute(const HttpRequest &request, const HttpResponder &responder, const QByteArray &requestId,
                 const QString &pathTemplate, const QStringList &args, const QJsonObject &params,
                 const QString &idempotencyKey);
    std::optional<ApiReply> authenticate(const HttpRequest &request) const;
    bool rateLimited();
    void send(const HttpResponder &responder, const HttpRequest &request, const QByteArray &requestId,
              int status, const QByteArray &body, const HttpHeaders &extra = {});
    void sendReply(const HttpResponder &responder, const HttpRequest &request, const QByteArray &requestId,
                   const ApiReply &reply);
    void count(const QString &name) { ++m_faultCounts[name]; }
    void saveIfDirty();
    void resetState();

    std::unique_ptr<SimResources> m_resources;
    HttpServer *m_server;
    QUrl m_publicUrl;
    QString m_stateFile;
    QTimer m_saveTimer;
    QTimer m_jobTimer;
    Faults m_faults;
    QRandomGenerator m_faultRandom;
    int m_rateLimit = 0;
    qint64 m_rateWindowStart = 0;
    int m_rateWindowCount = 0;
    QElapsedTimer m_uptime;
    qint64 m_requests = 0;
    QHash<int, qint64> m_byStatus;
    QHash<QString, qint64> m_byRoute;
    QHash<QString, qint64> m_faultCounts;
};

} // namespace kassa::sim
