// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace kassa::cli {

class CliSession;

// The commands on the local store and the sync machinery: recover, sync [--backfill] [--follow],
// webhook serve|register, payments list|show from the store (--remote: at Stripe), export csv. The store
// is the session's (CliSession::store()).
class SyncCommands
{
public:
    // False when the command is not one of these (or is left to the Stripe-only commands: payments
    // --remote, webhook verify|sign).
    static bool run(CliSession &session, const QString &command, const QStringList &args);
    // Whether run() takes this command.
    static bool handles(const QString &command, const QStringList &args);
};

} // namespace kassa::cli
