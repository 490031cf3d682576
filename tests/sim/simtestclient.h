#pragma once

#include "sim/simulator.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QString>

#include <memory>

namespace kassa::sim::test {

// What a test sees of one HTTP exchange with the simulator.
struct SimResponse
{
    int status = 0; // 0: no HTTP answer (connection closed, timeout)
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QJsonObject json;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const;
    QJsonObject error() const { return json.value(QStringLiteral("error")).toObject(); }
    QString errorCode() const { return error().value(QStringLiteral("code")).toString(); }
    QString id() const { return json.value(QStringLiteral("id")).toString(); }
    QString string(const QString &name) const { return json.value(name).toString(); }
};

// Starts a simulator in-process on 127.0.0.1:0 and talks to it over real HTTP, waiting for each answer
// (tests only; the product never waits like this).
class SimTestClient
{
public:
    SimTestClient();
    ~SimTestClient();

    Simulator &simulator() { return *m_simulator; }
    QUrl url(const QString &pathAndQuery) const;
    void setApiKey(const QByteArray &key) { m_apiKey = key; }

    SimResponse get(const QString &pathAndQuery,
                    const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    SimResponse post(const QString &path, const QByteArray &form = {}, const QByteArray &idempotencyKey = {},
                     const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    SimResponse del(const QString &path);
    // A request exactly as given (no default headers), for authentication and protocol tests.
    SimResponse raw(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                    const QList<std::pair<QByteArray, QByteArray>> &headers, int timeoutMs = 10'000);
    // POST /_sim/... with a JSON body.
    SimResponse control(const QString &path, const QJsonObject &body);

    // Shortcuts that QVERIFY-fail the test through their return value when the call fails.
    QString createPaymentIntent(qint64 amount, const QByteArray &extra = {});

private:
    std::unique_ptr<Simulator> m_simulator;
    QNetworkAccessManager m_network;
    QByteArray m_apiKey = "sk_test_kassatests0123456789";
};

} // namespace kassa::sim::test
