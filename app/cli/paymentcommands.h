#pragma once

#include <QStringList>

namespace kassa::cli {

class CliSession;

// pay, capture, cancel, payments list|show, refund, refunds list|show.
class PaymentCommands
{
public:
    // False when `command` is not one of these.
    static bool run(CliSession &session, const QString &command, const QStringList &args);
};

} // namespace kassa::cli
