// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace kassa::cli {

class CliSession;

// refunds request|pending|history|approve|reject: refund approval (RefundRequestService) on the
// session's store, as the session's --user. The rest of `refunds` (list, show) is PaymentCommands'.
class RefundRequestCommands
{
public:
    // False when the command is not one of these.
    static bool run(CliSession &session, const QString &command, const QStringList &args);
    static bool handles(const QString &command, const QStringList &args);
    // Those that need no Stripe key: they only read the store, or decide without sending.
    static bool readsStoreOnly(const QString &command, const QStringList &args);
};

} // namespace kassa::cli
