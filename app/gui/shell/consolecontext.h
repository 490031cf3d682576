// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/demo/demosession.h"
#include "services/security/pinhasher.h"
#include "services/store/databaseconfig.h"

#include <QList>
#include <QString>

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
}
namespace kassa::sync {
class EventPoller;
}

namespace kassa::gui {

// What the console's screens are built on: made by the composition root (ConsoleApp, or a test), which
// owns every object behind these pointers and keeps them alive as long as the windows.
struct ConsoleContext
{
    store::Database *db = nullptr;
    // The same store, for work on other threads (a log-in hashes the PIN on a worker).
    store::DatabaseConfig databaseConfig;
    stripe::StripeClient *client = nullptr; // null while there is no Stripe key
    sync::EventPoller *poller = nullptr;    // null when nothing follows Stripe's events
    QString till;                           // this till's id in the audit log
    security::PinHasher hasher;
    bool testMode = false;     // the key is a test key: no real money moves
    bool demo = false;         // `kassa --demo`: the simulator in this process
    QList<DemoUser> demoUsers; // shown on the log-in screen, in demo mode only
    QString stripeDescription; // where Stripe is: "simulator at 127.0.0.1:41234", "api.stripe.com"
    qint64 lastSyncAt = 0;     // Unix seconds of the last complete sync before the window opened
};

} // namespace kassa::gui
