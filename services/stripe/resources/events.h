#pragma once

#include "services/stripe/striperequest.h"

namespace kassa::stripe {

// Requests of /v1/events.
class Events
{
public:
    struct ListParams
    {
        int limit = 100;
        qint64 createdGte = 0; // 0: no bound
        QStringList types;     // empty: every type
        QString startingAfter;
    };
    static StripeRequest list(const ListParams &params);
    static StripeRequest retrieve(const QString &id);
};
} // namespace kassa::stripe
