#pragma once

#include "services/stripe/stripeerror.h"
#include "services/stripe/striperequest.h"

#include <QJsonArray>
#include <QObject>
#include <QPointer>

namespace kassa::stripe {

class StripeCall;
class StripeClient;

// Walks every page of a list (`starting_after` = the last id while `has_more`) or of a search
// (`page` = `next_page`), one request at a time through the client's pace. Reports each page as it
// comes; cancel() stops after the request in flight.
class StripePager : public QObject
{
    Q_OBJECT
public:
    StripePager(StripeClient &client, const StripeRequest &firstPage, QObject *parent = nullptr);
    ~StripePager() override;

    void start();
    void cancel();
    // Stops after this many items (0: no limit).
    void setMaxItems(int maxItems) { m_maxItems = maxItems; }
    int fetched() const { return m_fetched; }
    bool isRunning() const { return m_running; }

signals:
    void page(const QJsonArray &items);
    void progress(int fetched);
    // kind None when every page was read; Canceled after cancel().
    void finished(const kassa::stripe::StripeError &error);

private:
    void fetch();

    StripeClient &m_client;
    StripeRequest m_request;
    QPointer<StripeCall> m_call;
    int m_fetched = 0;
    int m_maxItems = 0;
    bool m_running = false;
    bool m_canceled = false;
};

} // namespace kassa::stripe
