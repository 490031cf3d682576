#pragma once

#include "services/stripe/httptransport.h"

class QNetworkAccessManager;

namespace kassa::stripe {

// HTTP through QNetworkAccessManager: the system proxy, HTTP/2 where the server offers it, Qt's own
// connection cache. Costs more CPU per request than DirectTransport (Qt runs HTTP on its own thread).
class QnamTransport : public HttpTransport
{
public:
    explicit QnamTransport(QNetworkAccessManager &network);
    ~QnamTransport() override;

    HttpExchange *send(const HttpRequest &request) override;
    QString name() const override;

private:
    QNetworkAccessManager &m_network;
};

} // namespace kassa::stripe
