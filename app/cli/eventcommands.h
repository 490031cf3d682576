#pragma once

#include <QStringList>

namespace kassa::cli {

class CliSession;

// events list, balance, webhook verify|sign.
class EventCommands
{
public:
    // False when `command` is not one of these.
    static bool run(CliSession &session, const QString &command, const QStringList &args);
};

} // namespace kassa::cli
