#include "services/stripe/httptransport.h"

namespace kassa::stripe {

QByteArray HttpResult::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpExchange::~HttpExchange() = default;

HttpTransport::~HttpTransport() = default;

} // namespace kassa::stripe
