#pragma once

#include <QObject>
#include <QStringList>
#include <QTextStream>

namespace kassa::cli {

class CliSession;

// kassa-cli: reads the global options and the key, then runs one command. finished() carries the
// process exit code.
class CliRunner : public QObject
{
    Q_OBJECT
public:
    CliRunner(const QStringList &arguments, QTextStream &out, QTextStream &err, QObject *parent = nullptr);

    void start();
    static QString helpText();

signals:
    void finished(int exitCode);

private:
    QStringList m_arguments;
    QTextStream &m_out;
    QTextStream &m_err;
    CliSession *m_session;
};

} // namespace kassa::cli
