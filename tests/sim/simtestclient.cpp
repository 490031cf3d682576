#include "simtestclient.h"

#include <QBuffer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTest>
#include <QTimer>

namespace kassa::sim::test {

QByteArray SimResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

SimTestClient::SimTestClient()
    : m_simulator(std::make_unique<Simulator>())
{
    if (!m_simulator->listen(QHostAddress::LocalHost, 0))
        qFatal("the simulator cannot listen: %s", qPrintable(m_simulator->errorString()));
    m_simulator->setRandomSeed(20261126);
}

SimTestClient::~SimTestClient() = default;

QUrl SimTestClient::url(const QString &pathAndQuery) const
{
    return QUrl(m_simulator->baseUrl().toString() + pathAndQuery);
}

SimResponse SimTestClient::raw(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                               const QList<std::pair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest request(url(pathAndQuery));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    request.setTransferTimeout(timeoutMs);
    QBuffer *buffer = new QBuffer;
    buffer->setData(body);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, buffer);
    buffer->setParent(reply);
    // A local event loop ends the moment the reply is in (QTest::qWaitFor would poll every 10 ms).
    QEventLoop loop;
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    guard.start(timeoutMs + 5000);
    if (!reply->isFinished())
        loop.exec();
    if (!reply->isFinished())
        reply->abort();
    SimResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.networkError = reply->error();
    response.body = reply->readAll();
    response.headers = reply->rawHeaderPairs();
    response.json = QJsonDocument::fromJson(response.body).object();
    reply->deleteLater();
    return response;
}

SimResponse SimTestClient::get(const QString &pathAndQuery,
                               const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QList<std::pair<QByteArray, QByteArray>> all{{"Authorization", "Bearer " + m_apiKey}};
    all.append(headers);
    return raw("GET", pathAndQuery, {}, all);
}

SimResponse SimTestClient::post(const QString &path, const QByteArray &form, const QByteArray &idempotencyKey,
                                const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QList<std::pair<QByteArray, QByteArray>> all{{"Authorization", "Bearer " + m_apiKey},
                                                 {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!idempotencyKey.isEmpty())
        all.emplaceBack("Idempotency-Key", idempotencyKey);
    all.append(headers);
    return raw("POST", path, form, all);
}

SimResponse SimTestClient::del(const QString &path)
{
    return raw("DELETE", path, {}, {{"Authorization", "Bearer " + m_apiKey}});
}

SimResponse SimTestClient::control(const QString &path, const QJsonObject &body)
{
    return raw("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
               {{"Content-Type", "application/json"}});
}

QString SimTestClient::createPaymentIntent(qint64 amount, const QByteArray &extra)
{
    const SimResponse response =
        post(QStringLiteral("/v1/payment_intents"),
             "amount=" + QByteArray::number(amount) + "&currency=usd&payment_method_types[]=card" + extra);
    if (response.status != 200)
        qWarning("creating a PaymentIntent failed: %s", response.body.constData());
    return response.id();
}

} // namespace kassa::sim::test
