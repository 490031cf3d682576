#include "services/stripe/qnamtransport.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

class QnamExchange : public HttpExchange
{
public:
    QnamExchange(QNetworkReply *reply, qint64 maxResponseBytes)
        : m_reply(reply)
        , m_maxResponseBytes(maxResponseBytes)
    {
        connect(reply, &QNetworkReply::downloadProgress, this, &QnamExchange::onProgress);
        connect(reply, &QNetworkReply::finished, this, &QnamExchange::onFinished);
    }

    ~QnamExchange() override { abort(); }

    void abort() override
    {
        QNetworkReply *reply = m_reply.data();
        m_reply = nullptr;
        if (!reply)
            return;
        // No finished() (and no signal at all) after this.
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }

private:
    void onProgress(qint64 received, qint64 total)
    {
        QNetworkReply *reply = m_reply.data();
        if (reply && (received > m_maxResponseBytes || total > m_maxResponseBytes)) {
            m_tooLarge = true;
            reply->abort(); // finished() follows
        }
    }

    void onFinished()
    {
        QNetworkReply *reply = m_reply.data();
        m_reply = nullptr;
        if (!reply)
            return;
        reply->deleteLater();
        HttpResult result;
        result.tooLarge = m_tooLarge;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.networkError = reply->error();
        if (result.networkError != QNetworkReply::NoError)
            result.errorString = reply->errorString();
        result.headers = reply->rawHeaderPairs();
        if (!m_tooLarge)
            result.body = reply->readAll();
        emit finished(result);
    }

    QPointer<QNetworkReply> m_reply;
    qint64 m_maxResponseBytes;
    bool m_tooLarge = false;
};

} // namespace

QnamTransport::QnamTransport(QNetworkAccessManager &network)
    : m_network(network)
{
}

QnamTransport::~QnamTransport() = default;

QString QnamTransport::name() const
{
    return u"qnam"_s;
}

HttpExchange *QnamTransport::send(const HttpRequest &request)
{
    QNetworkRequest out(request.url);
    for (const auto &[name, value] : request.headers)
        out.setRawHeader(name, value);
    // Stripe never redirects API calls; following one would send the key elsewhere.
    out.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = nullptr;
    if (request.method == "GET")
        reply = m_network.get(out);
    else if (request.method == "POST")
        reply = m_network.post(out, request.body);
    else if (request.method == "DELETE" && request.body.isEmpty())
        reply = m_network.deleteResource(out);
    else
        reply = m_network.sendCustomRequest(out, request.method, request.body);
    return new QnamExchange(reply, request.maxResponseBytes);
}

} // namespace kassa::stripe
