// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace kassa::cli {

class CliSession;

// Where the local store is: --data-dir DIR (kassa.sqlite in it) or --database postgresql://...
struct StoreLocation
{
    QString dataDir;
    QString databaseUrl;

    bool isSet() const { return !dataDir.isEmpty() || !databaseUrl.isEmpty(); }
};

// The commands on the local store and the sync machinery: recover, sync [--backfill] [--follow],
// webhook serve|register, payments list|show from the store (--remote: at Stripe), export csv, and
// pay --order-ref through the outbox (those two when a store location is given).
class SyncCommands
{
public:
    // False when the command is not one of these (or is left to the Stripe-only commands: payments
    // --remote, pay without --order-ref, webhook verify|sign).
    static bool run(CliSession &session, const QString &command, const QStringList &args,
                    const StoreLocation &location);
    // Whether run() takes this command. pay --order-ref and payments list|show use the store only when
    // a store location was given (--data-dir, --database).
    static bool handles(const QString &command, const QStringList &args, const StoreLocation &location);
};

} // namespace kassa::cli
