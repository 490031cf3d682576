#pragma once

#include <QStringList>

namespace kassa::cli {

class CliSession;

// readers list|process|present|cancel, checkout create.
class TerminalCommands
{
public:
    // False when `command` is not one of these.
    static bool run(CliSession &session, const QString &command, const QStringList &args);
};

} // namespace kassa::cli
