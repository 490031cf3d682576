// kassa-cli keys set|check|remove as a user runs them: the real executable against a simulator in this
// test's event loop, with the real Secret Service (gnome-keyring, as CI runs it), without one (a D-Bus
// address that leads nowhere), and with a locked keyring (a private gnome-keyring whose login collection
// is locked over D-Bus). Nothing secret in any output.
#include "clitestsupport.h"
#include "simtestclient.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace kassa::cli::test;
using kassa::sim::test::SimTestClient;

namespace {

const QString TestKey = u"sk_test_keycmds7Qm2Zt9Lw4XeRb"_s;
const QString RestrictedKey = u"rk_test_keycmds5Hn8Vp3Ky6TdWs"_s;
const QString LiveKey = u"sk_live_keycmds2Jr6Nc8Fg1PuYa"_s;
const QString PublishableKey = u"pk_test_keycmds9Bx4Mw7Dq2HsLe"_s;
const QString WebhookSecret = u"whsec_keycmdsTestSecret0123456789abcdef"_s;
const QString DatabasePassword = u"keycmds-db-pässword-93184"_s;
// Any whole webhook secret, such as the one the simulator makes for webhook register.
const QRegularExpression AnyWebhookSecret(u"whsec_[A-Za-z0-9+/=_-]{8,}"_s);

} // namespace

class tst_KeyCommands : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void setRefusesBeforeTheKeychain_data();
    void setRefusesBeforeTheKeychain();
    void setCheckRemove();
    void keyResolution();
    void webhookRegisterKeepsTheSecret();
    void databasePassword();
    void noSecretService();
    void lockedKeyring();

private:
    // Runs `program` (kassa-cli unless given) with `arguments`; the environment has no key and no API
    // base; `extraEnvironment` is added, names mapped to an empty value are removed.
    CliResult runProgram(const QString &program, const QStringList &arguments, const QByteArray &stdinData,
                         const QHash<QString, QString> &extraEnvironment = {}, int timeoutMs = 30'000);
    CliResult cli(const QStringList &arguments, const QByteArray &stdinData = {},
                  const QHash<QString, QString> &extraEnvironment = {})
    {
        return runProgram(QStringLiteral(KASSA_CLI_EXECUTABLE),
                          QStringList{u"--api-base"_s, simBase(), u"--profile"_s, m_profile} + arguments,
                          stdinData, extraEnvironment);
    }
    QString simBase() const { return m_sim->simulator().baseUrl().toString(); }
    // An environment in which no Secret Service can be reached.
    QHash<QString, QString> noBus() const
    {
        return {{u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path="_s + m_dir->filePath(u"no-bus"_s)},
                {u"DISPLAY"_s, QString()},
                {u"WAYLAND_DISPLAY"_s, QString()}};
    }

    std::unique_ptr<SimTestClient> m_sim;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_profile;
    QStringList m_leaks;
};

void tst_KeyCommands::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(KASSA_CLI_EXECUTABLE)), KASSA_CLI_EXECUTABLE);
}

void tst_KeyCommands::init()
{
    m_sim = std::make_unique<SimTestClient>();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // A profile of this test's own, so that a user's keys (or another run's) are never met.
    m_profile = u"kassa-test-%1"_s.arg(QRandomGenerator::global()->generate64(), 0, 36);
    m_leaks.clear();
}

void tst_KeyCommands::cleanup()
{
    if (secretServiceRunning())
        cli({u"keys"_s, u"remove"_s, u"--all"_s});
    m_sim.reset();
    m_dir.reset();
    QVERIFY2(m_leaks.isEmpty(), qPrintable(m_leaks.join(u"\n\n"_s)));
}

CliResult tst_KeyCommands::runProgram(const QString &program, const QStringList &arguments,
                                      const QByteArray &stdinData,
                                      const QHash<QString, QString> &extraEnvironment, int timeoutMs)
{
    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(u"KASSA_DATA_DIR"_s, m_dir->filePath(u"data"_s));
    addVariables(&environment, extraEnvironment);
    const CliResult result =
        kassa::cli::test::runProgram(program, arguments, environment, stdinData, timeoutMs);

    const QString command = program + u' ' + arguments.join(u' ');
    // The whole secret, or what follows its prefix.
    reportSecrets(result, command,
                  {TestKey, RestrictedKey, LiveKey, PublishableKey, WebhookSecret, DatabasePassword},
                  &m_leaks, 8);
    if (AnyWebhookSecret.match(result.out + result.err).hasMatch())
        m_leaks.append(command + u" printed a webhook secret:\n"_s + QString::fromUtf8(result.describe()));
    return result;
}

void tst_KeyCommands::setRefusesBeforeTheKeychain_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("messages");

    QTest::newRow("live key") << QStringList() << LiveKey << 6
                              << QStringList{u"error: authentication (HTTP 401)"_s, u"live mode"_s,
                                             u"request_id: req_"_s};
    QTest::newRow("malformed") << QStringList() << u"sk_test_keycmds-oops!"_s << 2
                               << QStringList{u"malformed secret key"_s, u"sk_test_..."_s};
    QTest::newRow("not a key") << QStringList() << u"hunter2"_s << 2 << QStringList{u"not a Stripe key"_s};
    QTest::newRow("empty stdin") << QStringList() << QString() << 2 << QStringList{u"was empty"_s};
    QTest::newRow("publishable without flag")
        << QStringList() << PublishableKey << 2 << QStringList{u"keys set --publishable"_s};
    QTest::newRow("webhook secret without flag")
        << QStringList() << WebhookSecret << 2 << QStringList{u"keys set --webhook"_s};
    QTest::newRow("secret key as publishable")
        << QStringList{u"--publishable"_s} << TestKey << 2 << QStringList{u"not a Stripe publishable key"_s};
    QTest::newRow("two flags") << QStringList{u"--publishable"_s, u"--webhook"_s} << PublishableKey << 2
                               << QStringList{u"give one of"_s};
    QTest::newRow("unknown flag") << QStringList{u"--colour"_s} << TestKey << 2
                                  << QStringList{u"unknown option --colour"_s};
}

void tst_KeyCommands::setRefusesBeforeTheKeychain()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, input);
    QFETCH(int, exitCode);
    QFETCH(QStringList, messages);

    // No keychain in reach: each of these must be refused before it would be needed.
    const CliResult result = cli(QStringList{u"keys"_s, u"set"_s} + arguments,
                                 input.isEmpty() ? QByteArray() : QByteArray(input.toUtf8() + '\n'), noBus());
    EXPECT_EXIT(result, exitCode);
    QVERIFY2(result.out.isEmpty(), result.describe().constData());
    QVERIFY2(!result.err.contains(u"Secret Service"_s), result.describe().constData());
    for (const QString &message : std::as_const(messages))
        EXPECT_ERR(result, message);
}

void tst_KeyCommands::setCheckRemove()
{
    KASSA_REQUIRE_OR_SKIP(secretServiceRunning(),
                          u"no Secret Service on the session bus (run under dbus-run-session "
                          "with gnome-keyring-daemon --unlock, as scripts/test.sh does)"_s);
    const CliResult none = cli({u"keys"_s, u"check"_s});
    EXPECT_EXIT(none, 6);
    EXPECT_ERR(none, u"no Stripe secret key is stored for profile '%1'"_s.arg(m_profile));
    EXPECT_ERR(none, u"keys set"_s);

    const qint64 before = m_sim->simulator().stats().value(u"requests"_s).toInteger();
    const CliResult set = cli({u"keys"_s, u"set"_s}, TestKey.toUtf8() + '\n');
    EXPECT_EXIT(set, 0);
    EXPECT_OUT(set, u"test  sk_test_...XeRb  secret key  profile %1  stored in the OS keychain, accepted by "
                    "Stripe"_s.arg(m_profile));
    QVERIFY(m_sim->simulator().stats().value(u"requests"_s).toInteger() > before); // checked with Stripe

    const CliResult check = cli({u"keys"_s, u"check"_s});
    EXPECT_EXIT(check, 0);
    EXPECT_OUT(check, u"test  sk_test_...XeRb  secret key  profile %1  accepted by Stripe"_s.arg(m_profile));
    const CliResult json = cli({u"--json"_s, u"keys"_s, u"check"_s});
    EXPECT_EXIT(json, 0);
    const QJsonObject object = QJsonDocument::fromJson(json.out.toUtf8()).object();
    QCOMPARE(object.value(u"mode"_s).toString(), u"test"_s);
    QCOMPARE(object.value(u"key"_s).toString(), u"sk_test_...XeRb"_s);
    QCOMPARE(object.value(u"profile"_s).toString(), m_profile);

    // A restricted key replaces it.
    EXPECT_EXIT(cli({u"keys"_s, u"set"_s}, RestrictedKey.toUtf8()), 0);
    EXPECT_OUT(cli({u"keys"_s, u"check"_s}), u"rk_test_...TdWs  restricted key"_s);

    const CliResult publishable = cli({u"keys"_s, u"set"_s, u"--publishable"_s}, PublishableKey.toUtf8());
    EXPECT_EXIT(publishable, 0);
    EXPECT_OUT(publishable, u"pk_test_...HsLe  publishable key"_s);
    EXPECT_OUT(cli({u"keys"_s, u"check"_s, u"--publishable"_s}), u"test  pk_test_...HsLe  publishable key"_s);
    EXPECT_EXIT(cli({u"keys"_s, u"set"_s, u"--webhook"_s}, WebhookSecret.toUtf8()), 0);
    EXPECT_OUT(cli({u"keys"_s, u"check"_s, u"--webhook"_s}), u"-  whsec_...cdef  webhook secret"_s);
    const CliResult password =
        cli({u"keys"_s, u"set"_s, u"--database-password"_s}, DatabasePassword.toUtf8() + '\n');
    EXPECT_EXIT(password, 0);
    EXPECT_OUT(password, u"PostgreSQL password  profile %1  stored"_s.arg(m_profile));
    EXPECT_OUT(cli({u"keys"_s, u"check"_s, u"--database-password"_s}), u"PostgreSQL password"_s);

    const CliResult removed = cli({u"keys"_s, u"remove"_s, u"--publishable"_s});
    EXPECT_EXIT(removed, 0);
    EXPECT_EXIT(cli({u"keys"_s, u"check"_s, u"--publishable"_s}), 1);
    EXPECT_EXIT(cli({u"keys"_s, u"check"_s}), 0);
    EXPECT_EXIT(cli({u"keys"_s, u"remove"_s, u"--all"_s}), 0);
    EXPECT_EXIT(cli({u"keys"_s, u"check"_s}), 6);
    EXPECT_EXIT(cli({u"keys"_s, u"check"_s, u"--webhook"_s}), 1);

    // A live key is refused by the simulator and not stored.
    const CliResult live = cli({u"keys"_s, u"set"_s}, LiveKey.toUtf8());
    EXPECT_EXIT(live, 6);
    EXPECT_ERR(live, u"live mode"_s);
    EXPECT_EXIT(cli({u"keys"_s, u"check"_s}), 6);

    // Nothing about the keys reached the store's folder.
    QDirIterator files(m_dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        for (const QString &secret :
             {TestKey, RestrictedKey, PublishableKey, WebhookSecret, DatabasePassword})
            QVERIFY2(!content.contains(secret.toUtf8()), qPrintable(file.fileName()));
    }
}

void tst_KeyCommands::keyResolution()
{
    KASSA_REQUIRE_OR_SKIP(secretServiceRunning(), u"no Secret Service on the session bus"_s);
    // Nothing stored: the message names every way.
    const CliResult none = cli({u"balance"_s});
    EXPECT_EXIT(none, 6);
    EXPECT_ERR(none, u"--api-key-stdin"_s);
    EXPECT_ERR(none, u"KASSA_STRIPE_API_KEY"_s);
    EXPECT_ERR(none, u"keys set"_s);

    EXPECT_EXIT(cli({u"keys"_s, u"set"_s}, TestKey.toUtf8()), 0);
    // From the keychain.
    const CliResult stored = cli({u"balance"_s});
    EXPECT_EXIT(stored, 0);
    QVERIFY2(stored.out.startsWith(u"balance"_s), stored.describe().constData());
    // The environment and stdin come first: a live key there is refused although a test key is stored.
    const CliResult fromEnvironment = cli({u"balance"_s}, {}, {{u"KASSA_STRIPE_API_KEY"_s, LiveKey}});
    EXPECT_EXIT(fromEnvironment, 6);
    EXPECT_ERR(fromEnvironment, u"live mode"_s);
    const CliResult fromStdin = cli({u"--api-key-stdin"_s, u"balance"_s}, LiveKey.toUtf8());
    EXPECT_EXIT(fromStdin, 6);
    // Another profile has no key.
    const CliResult other =
        runProgram(QStringLiteral(KASSA_CLI_EXECUTABLE),
                   {u"--api-base"_s, simBase(), u"--profile"_s, m_profile + u"-other"_s, u"balance"_s}, {});
    EXPECT_EXIT(other, 6);
}

void tst_KeyCommands::webhookRegisterKeepsTheSecret()
{
    KASSA_REQUIRE_OR_SKIP(secretServiceRunning(), u"no Secret Service on the session bus"_s);
    EXPECT_EXIT(cli({u"keys"_s, u"set"_s}, TestKey.toUtf8()), 0);
    const CliResult registered = cli({u"webhook"_s, u"register"_s, u"http://127.0.0.1:9/webhook"_s});
    EXPECT_EXIT(registered, 0);
    EXPECT_OUT(registered, u"endpoint we_"_s);
    EXPECT_OUT(registered, u"secret whsec_..."_s);
    EXPECT_OUT(registered, u"kept in the OS keychain for profile %1"_s.arg(m_profile));
    const CliResult check = cli({u"keys"_s, u"check"_s, u"--webhook"_s});
    EXPECT_EXIT(check, 0);
    EXPECT_OUT(check, u"whsec_..."_s);

    // webhook serve finds the secret in the keychain: it starts listening.
    QProcess serve;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"KASSA_STRIPE_API_KEY"_s);
    environment.insert(u"KASSA_DATA_DIR"_s, m_dir->filePath(u"data"_s));
    serve.setProcessEnvironment(environment);
    serve.start(QStringLiteral(KASSA_CLI_EXECUTABLE),
                {u"--profile"_s, m_profile, u"webhook"_s, u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s});
    QVERIFY(serve.waitForStarted(10'000));
    serve.closeWriteChannel();
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT(
        (output += serve.readAllStandardOutput()).contains("listening on http://127.0.0.1:") ||
            serve.state() == QProcess::NotRunning,
        20'000);
    const QByteArray errors = serve.readAllStandardError();
    serve.terminate();
    if (!serve.waitForFinished(5'000))
        serve.kill();
    QVERIFY2(output.contains("listening on"), QByteArray(output + errors).constData());
    QVERIFY(!AnyWebhookSecret.match(QString::fromUtf8(output + errors)).hasMatch());

    // Without a secret anywhere, serve says how to give one.
    EXPECT_EXIT(cli({u"keys"_s, u"remove"_s, u"--webhook"_s}), 0);
    const CliResult missing = cli({u"webhook"_s, u"serve"_s});
    EXPECT_EXIT(missing, 2);
    EXPECT_ERR(missing, u"--secret-stdin"_s);
    EXPECT_ERR(missing, u"keys set --webhook"_s);
}

void tst_KeyCommands::databasePassword()
{
    KASSA_REQUIRE_OR_SKIP(secretServiceRunning(), u"no Secret Service on the session bus"_s);
    kassa::store::test::TestStore store;
    QString why;
    const auto status = store.create(u"postgres"_s, &why);
    if (status == kassa::store::test::TestStore::Status::Skip)
        QSKIP(qPrintable(why));
    QVERIFY2(status == kassa::store::test::TestStore::Status::Ready, qPrintable(why));
    const QString password = qEnvironmentVariable("PGPASSWORD");
    KASSA_REQUIRE_OR_SKIP(!password.isEmpty(), u"PGPASSWORD is not set (pg_virtualenv sets it)"_s);
    // The URL without a password, and libpq without its own ways to find one.
    const kassa::store::DatabaseConfig config = store.config();
    const QString url = u"postgresql://%1@%2:%3/%4"_s.arg(
        config.user.isEmpty() ? qEnvironmentVariable("PGUSER") : config.user, config.host,
        QString::number(config.port), config.databaseName);
    const QHash<QString, QString> noLibpqPassword{{u"PGPASSWORD"_s, QString()},
                                                  {u"PGPASSFILE"_s, m_dir->filePath(u"no-pgpass"_s)}};
    const QStringList list{u"--database"_s, url, u"payments"_s, u"list"_s};

    const CliResult without = cli(list, {}, noLibpqPassword);
    EXPECT_EXIT(without, 1);
    EXPECT_ERR(without, u"cannot open the store"_s);

    const CliResult set = cli({u"keys"_s, u"set"_s, u"--database-password"_s}, password.toUtf8() + '\n');
    EXPECT_EXIT(set, 0);
    QVERIFY2(!set.out.contains(password) && !set.err.contains(password), set.describe().constData());
    const CliResult with = cli(list, {}, noLibpqPassword);
    EXPECT_EXIT(with, 0);
    QVERIFY2(!with.out.contains(password) && !with.err.contains(password), with.describe().constData());

    // A password in the URL wins over the keychain's.
    const QString wrongUrl = QString(url).replace(u"@"_s, u":wrong-password@"_s);
    const CliResult wrong = cli({u"--database"_s, wrongUrl, u"payments"_s, u"list"_s}, {}, noLibpqPassword);
    EXPECT_EXIT(wrong, 1);
    QVERIFY2(!wrong.err.contains(password), wrong.describe().constData());
}

void tst_KeyCommands::noSecretService()
{
    // D-Bus leads nowhere: every command says so, names the way on, and writes nothing to a file.
    QHash<QString, QString> env = noBus();
    env.insert(u"HOME"_s, m_dir->filePath(u"home"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_dir->filePath(u"home/.config"_s));
    env.insert(u"XDG_DATA_HOME"_s, m_dir->filePath(u"home/.local/share"_s));

    const CliResult check = cli({u"keys"_s, u"check"_s}, {}, env);
    EXPECT_EXIT(check, 6);
    EXPECT_ERR(check, u"no Secret Service is available"_s);
    EXPECT_ERR(check, u"never in a plain file"_s);
    EXPECT_ERR(check, u"--api-key-stdin"_s);

    const CliResult set = cli({u"keys"_s, u"set"_s}, TestKey.toUtf8() + '\n', env);
    EXPECT_EXIT(set, 1);
    EXPECT_ERR(set, u"no Secret Service is available"_s);
    EXPECT_ERR(set, u"For this run only, pass the key on stdin with --api-key-stdin"_s);

    const CliResult balance = cli({u"balance"_s}, {}, env);
    EXPECT_EXIT(balance, 6);
    EXPECT_ERR(balance, u"no Secret Service is available"_s);
    EXPECT_ERR(balance, u"--api-key-stdin"_s);
    EXPECT_ERR(balance, u"KASSA_STRIPE_API_KEY"_s);
    // The way the message offers works.
    const CliResult perRun = cli({u"--api-key-stdin"_s, u"balance"_s}, TestKey.toUtf8(), env);
    EXPECT_EXIT(perRun, 0);

    // webhook register: the endpoint is made, the secret cannot be kept, and it is not printed either.
    const CliResult registered =
        cli({u"--api-key-stdin"_s, u"webhook"_s, u"register"_s, u"http://127.0.0.1:9/hook"_s},
            TestKey.toUtf8(), env);
    EXPECT_EXIT(registered, 1);
    EXPECT_OUT(registered, u"endpoint we_"_s);
    EXPECT_ERR(registered, u"could not be kept: no Secret Service is available"_s);
    EXPECT_ERR(registered, u"Signing secret"_s);

    const CliResult serve = cli({u"webhook"_s, u"serve"_s}, {}, env);
    EXPECT_EXIT(serve, 1);
    EXPECT_ERR(serve, u"--secret-stdin"_s);

    // QtKeychain's plain-text fallback stayed off: no file anywhere holds the key.
    QDirIterator files(m_dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(TestKey.toUtf8()), qPrintable(file.fileName()));
    }
}

void tst_KeyCommands::lockedKeyring()
{
    // A private Secret Service (its own D-Bus session, runtime folder and keyring files), whose login
    // collection is locked over D-Bus. Unlocking needs a prompt, which cannot be shown headless, so the
    // keyring stays locked: exactly what a user with a locked keyring and no prompt sees.
    const QString dbusRunSession = QStandardPaths::findExecutable(u"dbus-run-session"_s);
    const QString keyringDaemon = QStandardPaths::findExecutable(u"gnome-keyring-daemon"_s);
    const QString gdbus = QStandardPaths::findExecutable(u"gdbus"_s);
    KASSA_REQUIRE_OR_SKIP(!dbusRunSession.isEmpty() && !keyringDaemon.isEmpty() && !gdbus.isEmpty(),
                          u"dbus-run-session, gnome-keyring-daemon and gdbus are needed"_s);
    QVERIFY(QDir().mkpath(m_dir->filePath(u"run"_s)));
    QFile::setPermissions(m_dir->filePath(u"run"_s),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString script = uR"(
step() { rc=$?; echo "=== $1 $rc"; echo "=== $1 $rc" >&2; }
echo kassa-locked-test | gnome-keyring-daemon --unlock --daemonize --components=secrets >/dev/null
printf '%s\n' "$KEY" | "$CLI" --api-base "$BASE" keys set; step set
gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
    --method org.freedesktop.Secret.Service.Lock "[objectpath '/org/freedesktop/secrets/collection/login']" >/dev/null
step lock
gdbus introspect --session --dest org.freedesktop.secrets --only-properties \
    --object-path /org/freedesktop/secrets/collection/login | grep -q 'Locked = true'; step locked
"$CLI" --api-base "$BASE" keys check; step check
printf '%s\n' "$KEY" | "$CLI" --api-base "$BASE" keys set; step set-locked
"$CLI" --api-base "$BASE" balance; step balance
"$CLI" --api-base "$BASE" keys remove; step remove
)"_s;
    const QString home = m_dir->filePath(u"home"_s);
    const CliResult result = runProgram(dbusRunSession, {u"--"_s, u"bash"_s, u"-c"_s, script}, {},
                                        {{u"CLI"_s, QStringLiteral(KASSA_CLI_EXECUTABLE)},
                                         {u"BASE"_s, simBase()},
                                         {u"KEY"_s, TestKey},
                                         {u"HOME"_s, home},
                                         {u"XDG_DATA_HOME"_s, home + u"/.local/share"_s},
                                         {u"XDG_CONFIG_HOME"_s, home + u"/.config"_s},
                                         {u"XDG_RUNTIME_DIR"_s, m_dir->filePath(u"run"_s)},
                                         {u"DBUS_SESSION_BUS_ADDRESS"_s, QString()},
                                         {u"DISPLAY"_s, QString()},
                                         {u"WAYLAND_DISPLAY"_s, QString()}},
                                        90'000);
    QVERIFY2(!result.crashedOrHung, result.describe().constData());
    EXPECT_OUT(result, u"=== set 0"_s);
    EXPECT_OUT(result, u"=== lock 0"_s);
    EXPECT_OUT(result, u"=== locked 0"_s);
    // Reading, writing and removing: each says the keychain is locked and how to go on.
    EXPECT_OUT(result, u"=== check 6"_s);
    EXPECT_OUT(result, u"=== set-locked 1"_s);
    EXPECT_OUT(result, u"=== balance 6"_s);
    EXPECT_OUT(result, u"=== remove 1"_s);
    const QString afterLock = result.err.mid(result.err.indexOf(u"=== locked"_s));
    QCOMPARE(afterLock.count(u"the keychain is locked"_s), 4);
    QVERIFY2(afterLock.contains(u"For this run only, pass the key on stdin with --api-key-stdin"_s),
             result.describe().constData());
    QVERIFY2(!afterLock.contains(u"no Secret Service"_s), result.describe().constData());
}

QTEST_GUILESS_MAIN(tst_KeyCommands)
#include "tst_keycommands.moc"
