#include "services/stripe/resources/events.h"

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeRequest Events::list(const ListParams &p)
{
    StripeParams params;
    params.add(u"limit"_s, p.limit);
    if (p.createdGte > 0)
        params.add(u"created[gte]"_s, p.createdGte);
    if (p.types.size() == 1)
        params.add(u"type"_s, p.types.first());
    else if (!p.types.isEmpty())
        params.addList(u"types"_s, p.types);
    params.addIfSet(u"starting_after"_s, p.startingAfter);
    return StripeRequest::get(u"/v1/events"_s, params);
}

StripeRequest Events::retrieve(const QString &id)
{
    return StripeRequest::get(StripeRequest::resourcePath(u"/v1/events"_s, id));
}
} // namespace kassa::stripe
