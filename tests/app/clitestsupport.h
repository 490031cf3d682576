// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every test of the kassa-cli executable needs: a run of a program in its own process with what it
// printed and how it ended, an environment without the variables that would change what kassa-cli does
// behind the test's back, and a check that nothing secret was printed.

#include "storetestsupport.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTest>

namespace kassa::cli::test {

// One run of a program.
struct CliResult
{
    // -1 unless the program exited on its own: a crash or a hang never passes for an exit code.
    int exitCode = -1;
    bool crashedOrHung = false;
    QString out;
    QString err;
    qint64 elapsedMs = 0;

    // "exit N", stdout and stderr, for QVERIFY2.
    QByteArray describe() const;
    // stdout's lines, empty ones left out.
    QStringList lines() const;
    // The first column of the first line: the object's id in human output.
    QString firstId() const;
    // Line `line` of stdout as a JSON object (--json prints one a line).
    QJsonObject json(int line = 0) const;
    // The first id with this prefix in what was printed.
    QString id(const QString &prefix) const;
};

// The test's own environment without the key, the PINs and the API base, so that a run uses only what
// its test gives it, and without QT_LOGGING_RULES: CTest sets logging rules for the tests, and they would
// override kassa-cli's own (and --verbose).
QProcessEnvironment cleanEnvironment();
// Adds `variables` to `environment`; a name mapped to an empty value is removed instead.
void addVariables(QProcessEnvironment *environment, const QHash<QString, QString> &variables);

// The option that points kassa-cli at `store`: --database URL on PostgreSQL, --data-dir on SQLite.
QStringList storeOption(const kassa::store::test::TestStore &store);

// Whether a Secret Service answers on the session bus: kassa-cli keys needs one.
bool secretServiceRunning();

// Runs `program` with `arguments` and `environment`, writes `stdinData` to it and closes its stdin, and
// waits at most `timeoutMs` for it (then kills it: a hang). It waits in an event loop rather than block,
// so that a simulator in the test's own thread goes on answering it.
CliResult runProgram(const QString &program, const QStringList &arguments,
                     const QProcessEnvironment &environment, const QByteArray &stdinData = {},
                     int timeoutMs = 30'000);

// Appends to `reports` one report for each of `secrets` that shows in what `result` printed, naming
// `command`. With `prefixLength`, what follows that many characters of a secret counts too: a key without
// its sk_test_ is still the key.
void reportSecrets(const CliResult &result, const QString &command, const QStringList &secrets,
                   QStringList *reports, qsizetype prefixLength = 0);

} // namespace kassa::cli::test

// A test that needs a service (the Secret Service, PostgreSQL's password): skips when the condition does
// not hold, and fails instead when KASSA_REQUIRE_SERVICES=1, as CI runs the tests.
#define KASSA_REQUIRE_OR_SKIP(condition, message)                                                            \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            if (kassa::store::test::servicesRequired())                                                      \
                QFAIL(qPrintable(message));                                                                  \
            QSKIP(qPrintable(message));                                                                      \
        }                                                                                                    \
    } while (false)

// Each evaluates `result` once: it may be a run of kassa-cli.
#define EXPECT_EXIT(result, code)                                                                            \
    do {                                                                                                     \
        const kassa::cli::test::CliResult r_ = (result);                                                     \
        QVERIFY2(!r_.crashedOrHung && r_.exitCode == (code), r_.describe().constData());                     \
    } while (false)
#define EXPECT_OUT(result, text)                                                                             \
    do {                                                                                                     \
        const kassa::cli::test::CliResult r_ = (result);                                                     \
        QVERIFY2(r_.out.contains(text), r_.describe().constData());                                          \
    } while (false)
#define EXPECT_ERR(result, text)                                                                             \
    do {                                                                                                     \
        const kassa::cli::test::CliResult r_ = (result);                                                     \
        QVERIFY2(r_.err.contains(text), r_.describe().constData());                                          \
    } while (false)
// The exit code, and `text` in stdout or stderr.
#define EXPECT_RUN(result, code, text)                                                                       \
    do {                                                                                                     \
        const kassa::cli::test::CliResult r_ = (result);                                                     \
        QVERIFY2(!r_.crashedOrHung && r_.exitCode == (code) && QString(r_.out + r_.err).contains(text),      \
                 r_.describe().constData());                                                                 \
    } while (false)
