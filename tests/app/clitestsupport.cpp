// SPDX-License-Identifier: GPL-3.0-or-later
#include "clitestsupport.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace kassa::cli::test {

QByteArray CliResult::describe() const
{
    return QString(u"exit "_s + QString::number(exitCode) +
                   (crashedOrHung ? u" (crashed or hung)"_s : QString()) + u"\n--- stdout:\n"_s + out +
                   u"--- stderr:\n"_s + err)
        .toUtf8();
}

QStringList CliResult::lines() const
{
    return out.split(u'\n', Qt::SkipEmptyParts);
}

QString CliResult::firstId() const
{
    return out.section(u"  "_s, 0, 0).trimmed();
}

QJsonObject CliResult::json(int line) const
{
    return QJsonDocument::fromJson(lines().value(line).toUtf8()).object();
}

QString CliResult::id(const QString &prefix) const
{
    const QRegularExpression pattern(QRegularExpression::escape(prefix) + u"[A-Za-z0-9]+"_s);
    const QRegularExpressionMatch match = pattern.match(out + err);
    return match.hasMatch() ? match.captured(0) : QString();
}

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"KASSA_STRIPE_API_KEY", "KASSA_PIN", "KASSA_NEW_PIN", "KASSA_API_BASE", "QT_LOGGING_RULES"})
        environment.remove(QString::fromLatin1(name));
    return environment;
}

void addVariables(QProcessEnvironment *environment, const QHash<QString, QString> &variables)
{
    for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
        if (it.value().isEmpty())
            environment->remove(it.key());
        else
            environment->insert(it.key(), it.value());
    }
}

QStringList storeOption(const kassa::store::test::TestStore &store)
{
    return store.isPostgres() ? QStringList{u"--database"_s, kassa::store::test::postgresUrl(store.config())}
                              : QStringList{u"--data-dir"_s, QFileInfo(store.path()).absolutePath()};
}

bool secretServiceRunning()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    return bus.isConnected() && bus.interface() &&
           bus.interface()->isServiceRegistered(u"org.freedesktop.secrets"_s).value();
}

CliResult runProgram(const QString &program, const QStringList &arguments,
                     const QProcessEnvironment &environment, const QByteArray &stdinData, int timeoutMs)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessEnvironment(environment);
    // The simulator answers from this thread's event loop, so wait in one rather than block.
    QEventLoop loop;
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
    QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    process.start();
    CliResult result;
    if (!process.waitForStarted(10'000)) {
        result.crashedOrHung = true;
        result.err = process.errorString();
        return result;
    }
    process.write(stdinData);
    process.closeWriteChannel();
    guard.start(timeoutMs);
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5'000);
        result.crashedOrHung = true;
    }
    result.elapsedMs = clock.elapsed();
    result.crashedOrHung = result.crashedOrHung || process.exitStatus() != QProcess::NormalExit;
    result.exitCode = result.crashedOrHung ? -1 : process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

void reportSecrets(const CliResult &result, const QString &command, const QStringList &secrets,
                   QStringList *reports, qsizetype prefixLength)
{
    const QString both = result.out + result.err;
    for (const QString &secret : secrets) {
        if (both.contains(secret) ||
            (prefixLength > 0 && secret.size() > prefixLength && both.contains(secret.mid(prefixLength))))
            reports->append(command + u" printed a secret:\n"_s + QString::fromUtf8(result.describe()));
    }
}

} // namespace kassa::cli::test
