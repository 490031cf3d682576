#pragma once

#include "sim/hostedpages.h"
#include "sim/idempotencystore.h"
#include "sim/params/paramschema.h"
#include "sim/resources/charges.h"
#include "sim/resources/checkoutsessions.h"
#include "sim/resources/customers.h"
#include "sim/resources/events.h"
#include "sim/resources/paymentintents.h"
#include "sim/resources/paymentmethods.h"
#include "sim/resources/refunds.h"
#include "sim/resources/setupintents.h"
#include "sim/resources/terminalreaders.h"
#include "sim/resources/webhookendpoints.h"
#include "sim/router.h"
#include "sim/simcontext.h"
#include "sim/webhookdispatcher.h"

namespace kassa::sim {

// Everything behind the simulator's HTTP face, built in dependency order.
class SimResources
{
public:
    SimResources()
        : paymentMethods(context)
        , customers(context, paymentMethods)
        , charges(context)
        , paymentIntents(context, paymentMethods, charges, customers)
        , refunds(context, paymentMethods)
        , setupIntents(context, paymentMethods, customers)
        , events(context)
        , webhookEndpoints(context)
        , readers(context, paymentIntents, setupIntents, paymentMethods)
        , checkout(context, customers, paymentIntents, setupIntents, paymentMethods)
        , pages(context, checkout, paymentIntents, setupIntents)
        , dispatcher(context)
    {
        paymentMethods.registerRoutes(router);
        customers.registerRoutes(router);
        charges.registerRoutes(router);
        paymentIntents.registerRoutes(router);
        refunds.registerRoutes(router);
        setupIntents.registerRoutes(router);
        events.registerRoutes(router);
        webhookEndpoints.registerRoutes(router);
        readers.registerRoutes(router);
        checkout.registerRoutes(router);
        context.setEventSink([this](const QJsonObject &event) { dispatcher.deliver(event); });
    }

    SimContext context;
    ParamSchema schema;
    IdempotencyStore idempotency;
    Router router;
    PaymentMethods paymentMethods;
    Customers customers;
    Charges charges;
    PaymentIntents paymentIntents;
    Refunds refunds;
    SetupIntents setupIntents;
    Events events;
    WebhookEndpoints webhookEndpoints;
    TerminalReaders readers;
    CheckoutSessions checkout;
    HostedPages pages;
    WebhookDispatcher dispatcher;
};

} // namespace kassa::sim
