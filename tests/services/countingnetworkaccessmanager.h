#pragma once

#include <QNetworkAccessManager>

namespace kassa::stripe::test {

// A QNetworkAccessManager that counts the requests it is asked to make, so that a test can tell that
// a request was never even attempted (an unacceptable API address, a missing key, a canceled call).
class CountingNetworkAccessManager : public QNetworkAccessManager
{
public:
    using QNetworkAccessManager::QNetworkAccessManager;

    int requestCount() const { return m_requests; }

protected:
    QNetworkReply *createRequest(Operation operation, const QNetworkRequest &request,
                                 QIODevice *outgoingData = nullptr) override
    {
        ++m_requests;
        return QNetworkAccessManager::createRequest(operation, request, outgoingData);
    }

private:
    int m_requests = 0;
};

} // namespace kassa::stripe::test
