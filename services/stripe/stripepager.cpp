#include "services/stripe/stripepager.h"

#include "services/stripe/stripeclient.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripePager::StripePager(StripeClient &client, const StripeRequest &firstPage, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_request(firstPage)
{
}

StripePager::~StripePager()
{
    if (m_call)
        m_call->cancel();
}

void StripePager::start()
{
    if (m_running)
        return;
    m_running = true;
    m_canceled = false;
    fetch();
}

void StripePager::cancel()
{
    if (!m_running)
        return;
    m_canceled = true;
    if (m_call)
        m_call->cancel();
}

void StripePager::fetch()
{
    m_call = m_client.send(m_request, this, [this](const StripeResponse &response) {
        m_call = nullptr;
        if (m_canceled || !response.ok()) {
            m_running = false;
            emit finished(m_canceled ? StripeError::canceled() : response.error);
            return;
        }
        const QJsonValue data = response.json.value(u"data"_s);
        if (!data.isArray()) {
            m_running = false;
            StripeError error;
            error.kind = StripeError::Kind::Api;
            error.httpStatus = response.httpStatus;
            error.requestId = response.requestId;
            error.message = u"A list answer without a data array."_s;
            emit finished(error);
            return;
        }
        QJsonArray items = data.toArray();
        if (m_maxItems > 0) {
            while (m_fetched + items.size() > m_maxItems)
                items.removeLast();
        }
        m_fetched += int(items.size());
        emit page(items);
        emit progress(m_fetched);
        const bool more = response.json.value(u"has_more"_s).toBool() && !items.isEmpty() &&
                          (m_maxItems == 0 || m_fetched < m_maxItems);
        if (!more || m_canceled) {
            m_running = false;
            emit finished(m_canceled ? StripeError::canceled() : StripeError{});
            return;
        }
        if (response.json.value(u"object"_s).toString() == u"search_result"_s) {
            const QString next = response.json.value(u"next_page"_s).toString();
            if (next.isEmpty()) {
                m_running = false;
                emit finished(StripeError{});
                return;
            }
            m_request.params.set(u"page"_s, next);
        } else {
            m_request.params.set(u"starting_after"_s, items.last().toObject().value(u"id"_s).toString());
        }
        fetch();
    });
}

} // namespace kassa::stripe
