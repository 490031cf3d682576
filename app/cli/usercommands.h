// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace kassa::cli {

class CliSession;

// users add|list|disable|enable|set-pin and audit verify|show, on the session's store, as the session's
// --user (CliSession::actingUser()). None of them needs Stripe.
class UserCommands
{
public:
    // False when the command is not one of these.
    static bool run(CliSession &session, const QString &command, const QStringList &args);
    static bool handles(const QString &command);
};

} // namespace kassa::cli
