#pragma once

#include <QStringList>

namespace kassa::cli {

class CliSession;

// customers create|list|show, methods list|attach|detach|default.
class CustomerCommands
{
public:
    // False when `command` is not one of these.
    static bool run(CliSession &session, const QString &command, const QStringList &args);
};

} // namespace kassa::cli
