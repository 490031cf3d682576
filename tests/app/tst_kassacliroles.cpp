// SPDX-License-Identifier: GPL-3.0-or-later
// kassa-cli's commands per role, end to end: the real executable against the in-process simulator, on a
// SQLite store and on a PostgreSQL one. A store without users runs in single-operator mode; once it has
// users every command needs --user and a role that the permission table allows. Refund approval from the
// command line: a cashier asks, is refused a direct refund and an approval, a manager approves (one
// refund at Stripe, whatever is retried) or rejects with a reason; the audit log holds it all, intact.
#include "simtestclient.h"
#include "storetestsupport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;
using kassa::sim::test::SimTestClient;

namespace {

const QString TestKey = u"sk_test_kassaroles7Qm2Zt9Lw4XeRb"_s;
const QString OwnerPhrase = u"olga's long passphrase"_s;
const QString ManagerPin = u"24681357"_s;
const QString CashierPin = u"13579246"_s;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;

    QByteArray describe() const
    {
        return QString(u"exit "_s + QString::number(exitCode) + u"\n--- stdout:\n"_s + out +
                       u"--- stderr:\n"_s + err)
            .toUtf8();
    }
    // The first id with this prefix in what was printed.
    QString id(const QString &prefix) const
    {
        const QRegularExpression pattern(QRegularExpression::escape(prefix) + u"[A-Za-z0-9]+"_s);
        const QRegularExpressionMatch match = pattern.match(out + err);
        return match.hasMatch() ? match.captured(0) : QString();
    }
};

QString postgresUrl(const DatabaseConfig &config)
{
    QString url = u"postgresql://"_s;
    if (!config.user.isEmpty())
        url += QString::fromLatin1(QUrl::toPercentEncoding(config.user)) + u'@';
    url += QString::fromLatin1(QUrl::toPercentEncoding(config.host));
    if (config.port > 0)
        url += u':' + QString::number(config.port);
    url += u'/' + QString::fromLatin1(QUrl::toPercentEncoding(config.databaseName));
    return url;
}

} // namespace

#define EXPECT_RUN(run, code, text)                                                                          \
    QVERIFY2((run).exitCode == (code) && QString((run).out + (run).err).contains(text),                      \
             (run).describe().constData())

class TestKassaCliRoles : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void initTestCase();
    void init();
    void cleanup();

    void singleOperatorUntilTheFirstUser();
    void commandsPerRole();
    void refundApproval();

private:
    // kassa-cli as `user` (empty: nobody) with the store and the simulator.
    Run run(const QString &user, const QStringList &arguments, const QByteArray &stdinData = {},
            const QHash<QString, QString> &env = {});
    void addUsers();
    QString pay(const QString &user, const QString &amount);

    std::unique_ptr<SimTestClient> m_sim;
    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<QTemporaryDir> m_dir;
    QStringList m_storeOption;
    QStringList m_leaks;
};

void TestKassaCliRoles::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(KASSA_CLI_EXECUTABLE)), KASSA_CLI_EXECUTABLE);
}

void TestKassaCliRoles::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    m_storeOption = m_fixture->isPostgres()
                        ? QStringList{u"--database"_s, postgresUrl(m_fixture->config())}
                        : QStringList{u"--data-dir"_s, QFileInfo(m_fixture->path()).absolutePath()};
    m_sim = std::make_unique<SimTestClient>();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_leaks.clear();
}

void TestKassaCliRoles::cleanup()
{
    m_sim.reset();
    m_fixture.reset();
    m_dir.reset();
    QVERIFY2(m_leaks.isEmpty(), qPrintable(m_leaks.join(u"\n\n"_s)));
}

Run TestKassaCliRoles::run(const QString &user, const QStringList &arguments, const QByteArray &stdinData,
                           const QHash<QString, QString> &env)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"KASSA_STRIPE_API_KEY", "KASSA_PIN", "KASSA_NEW_PIN", "QT_LOGGING_RULES", "KASSA_API_BASE"})
        environment.remove(QString::fromLatin1(name));
    environment.insert(u"KASSA_TILL"_s, u"till-roles"_s);
    environment.insert(u"KASSA_STRIPE_API_KEY"_s, TestKey);
    static const QHash<QString, QString> Pins{
        {u"olga"_s, OwnerPhrase}, {u"max"_s, ManagerPin}, {u"cara"_s, CashierPin}};
    if (!user.isEmpty())
        environment.insert(u"KASSA_PIN"_s, Pins.value(user));
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        environment.insert(it.key(), it.value());
    QStringList all = m_storeOption + QStringList{u"--api-base"_s, m_sim->simulator().baseUrl().toString()};
    if (!user.isEmpty())
        all << u"--user"_s << user;
    all << arguments;

    QProcess process;
    process.setProgram(QStringLiteral(KASSA_CLI_EXECUTABLE));
    process.setArguments(all);
    process.setProcessEnvironment(environment);
    // The simulator answers from this thread's event loop: wait in one.
    QEventLoop loop;
    QTimer guard;
    guard.setSingleShot(true);
    connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
    connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    process.start();
    Run result;
    if (!process.waitForStarted(10'000))
        return result;
    process.write(stdinData);
    process.closeWriteChannel();
    guard.start(60'000);
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5'000);
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    for (const QString &secret : {TestKey, OwnerPhrase, ManagerPin, CashierPin}) {
        if (result.out.contains(secret) || result.err.contains(secret))
            m_leaks << u"kassa-cli %1 printed a secret:\n%2"_s.arg(all.join(u' '),
                                                                   QString::fromUtf8(result.describe()));
    }
    return result;
}

void TestKassaCliRoles::addUsers()
{
    Run r = run({}, {u"users"_s, u"add"_s, u"olga"_s, u"--role"_s, u"owner"_s}, {},
                {{u"KASSA_NEW_PIN"_s, OwnerPhrase}});
    EXPECT_RUN(r, 0, u"olga"_s);
    r = run(u"olga"_s, {u"users"_s, u"add"_s, u"max"_s, u"--role"_s, u"manager"_s}, {},
            {{u"KASSA_NEW_PIN"_s, ManagerPin}});
    EXPECT_RUN(r, 0, u"max"_s);
    r = run(u"olga"_s, {u"users"_s, u"add"_s, u"cara"_s, u"--role"_s, u"cashier"_s}, {},
            {{u"KASSA_NEW_PIN"_s, CashierPin}});
    EXPECT_RUN(r, 0, u"cara"_s);
}

QString TestKassaCliRoles::pay(const QString &user, const QString &amount)
{
    const Run paid = run(user, {u"pay"_s, u"--amount"_s, amount, u"--currency"_s, u"usd"_s,
                                u"--payment-method"_s, u"pm_card_visa"_s});
    if (paid.exitCode != 0) {
        qWarning("pay failed: %s", paid.describe().constData());
        return {};
    }
    return paid.id(u"pi_"_s);
}

void TestKassaCliRoles::singleOperatorUntilTheFirstUser()
{
    // No users: kassa-cli acts as it did before users existed.
    const QString pi = pay({}, u"20.00"_s);
    QVERIFY(!pi.isEmpty());
    EXPECT_RUN(run({}, {u"refund"_s, pi, u"--amount"_s, u"1.00"_s}), 0, u"re_"_s);
    // Refund approval has nobody to ask: it says how to add users.
    EXPECT_RUN(run({}, {u"refunds"_s, u"request"_s, pi, u"--reason"_s, u"none"_s}), 7, u"users add"_s);

    addUsers();
    // Now nobody may act without saying who they are.
    EXPECT_RUN(run({}, {u"pay"_s, u"--amount"_s, u"1.00"_s, u"--currency"_s, u"usd"_s}), 7, u"--user"_s);
    EXPECT_RUN(run({}, {u"payments"_s, u"list"_s}), 7, u"--user"_s);
    EXPECT_RUN(run(u"cara"_s, {u"payments"_s, u"list"_s}), 0, pi);
    // A wrong PIN is not a user.
    EXPECT_RUN(run(u"cara"_s, {u"payments"_s, u"list"_s}, {}, {{u"KASSA_PIN"_s, u"00000000"_s}}), 6,
               u"PIN"_s);
}

void TestKassaCliRoles::commandsPerRole()
{
    addUsers();
    const QString pi = pay(u"cara"_s, u"30.00"_s);
    QVERIFY(!pi.isEmpty());
    const QString csv = m_dir->filePath(u"payments.csv"_s);

    // A cashier takes payments and sees them, nothing more.
    EXPECT_RUN(run(u"cara"_s, {u"refund"_s, pi}), 7, u"may not refund without approval"_s);
    EXPECT_RUN(run(u"cara"_s, {u"export"_s, u"csv"_s, csv}), 7, u"may not"_s);
    EXPECT_RUN(run(u"cara"_s, {u"balance"_s}), 7, u"may not"_s);
    EXPECT_RUN(run(u"cara"_s, {u"methods"_s, u"detach"_s, u"pm_123"_s}), 7, u"may not"_s);
    EXPECT_RUN(run(u"cara"_s, {u"keys"_s, u"check"_s}), 7, u"may not"_s);
    EXPECT_RUN(run(u"cara"_s, {u"webhook"_s, u"register"_s, u"https://shop.example/hook"_s}), 7,
               u"may not"_s);
    EXPECT_RUN(run(u"cara"_s, {u"users"_s, u"add"_s, u"eve"_s, u"--role"_s, u"cashier"_s}, {},
                   {{u"KASSA_NEW_PIN"_s, u"11223344"_s}}),
               7, u"may not"_s);
    EXPECT_RUN(run(u"cara"_s, {u"audit"_s, u"verify"_s}), 7, u"may not"_s);
    QVERIFY(!QFile::exists(csv));

    // A manager refunds directly, exports and sees reports; keys and users stay the owner's.
    EXPECT_RUN(run(u"max"_s, {u"refund"_s, pi, u"--amount"_s, u"2.00"_s}), 0, u"re_"_s);
    EXPECT_RUN(run(u"max"_s, {u"export"_s, u"csv"_s, csv}), 0, u""_s);
    QVERIFY(QFile::exists(csv));
    EXPECT_RUN(run(u"max"_s, {u"balance"_s}), 0, u""_s);
    EXPECT_RUN(run(u"max"_s, {u"keys"_s, u"check"_s}), 7, u"may not"_s);
    EXPECT_RUN(run(u"max"_s, {u"users"_s, u"add"_s, u"eve"_s, u"--role"_s, u"cashier"_s}, {},
                   {{u"KASSA_NEW_PIN"_s, u"11223344"_s}}),
               7, u"may not"_s);

    // The audit log has each payment and refund, and its chain holds.
    const Run audit = run(u"olga"_s, {u"--json"_s, u"audit"_s, u"show"_s, u"--limit"_s, u"0"_s});
    QCOMPARE(audit.exitCode, 0);
    QVERIFY2(audit.out.contains(u"payment.create"_s) && audit.out.contains(u"refund.create"_s),
             audit.describe().constData());
    EXPECT_RUN(run(u"olga"_s, {u"audit"_s, u"verify"_s}), 0, u"intact"_s);
}

void TestKassaCliRoles::refundApproval()
{
    addUsers();
    const QString pi = pay(u"cara"_s, u"40.00"_s);
    QVERIFY(!pi.isEmpty());

    Run r = run(u"cara"_s, {u"refunds"_s, u"request"_s, pi, u"--amount"_s, u"15.00"_s, u"--reason"_s,
                            u"requested_by_customer"_s, u"--note"_s, u"box was damaged"_s});
    EXPECT_RUN(r, 0, u"pending"_s);
    const QString first = r.id(u"rr_"_s);
    QVERIFY(!first.isEmpty());
    EXPECT_RUN(run(u"cara"_s, {u"refunds"_s, u"request"_s, pi}), 2, u"--reason"_s);
    EXPECT_RUN(
        run(u"cara"_s, {u"refunds"_s, u"request"_s, pi, u"--amount"_s, u"30.00"_s, u"--reason"_s, u"none"_s}),
        4, u"more than"_s);

    // Every till's queue shows it; a cashier may not decide.
    EXPECT_RUN(run(u"cara"_s, {u"refunds"_s, u"pending"_s}), 0, first);
    EXPECT_RUN(run(u"cara"_s, {u"refunds"_s, u"approve"_s, first}), 7, u"may not"_s);

    r = run(u"max"_s, {u"refunds"_s, u"approve"_s, first});
    EXPECT_RUN(r, 0, u"succeeded"_s);
    const QString refund = r.id(u"re_"_s);
    QVERIFY(!refund.isEmpty());
    EXPECT_RUN(run(u"olga"_s, {u"refunds"_s, u"approve"_s, first}), 4, u"already approved by max"_s);

    // Stripe made one refund, and it names the request and its people.
    const Run listed = run(u"max"_s, {u"--json"_s, u"refunds"_s, u"list"_s});
    QCOMPARE(listed.exitCode, 0);
    QCOMPARE(listed.out.count(u"\"object\":\"refund\""_s), 1);
    const QJsonObject made = QJsonDocument::fromJson(listed.out.split(u'\n').first().toUtf8()).object();
    QCOMPARE(made.value(u"id"_s).toString(), refund);
    QCOMPARE(made.value(u"amount"_s).toInteger(), 1500);
    const QJsonObject metadata = made.value(u"metadata"_s).toObject();
    QCOMPARE(metadata.value(u"kassa_request"_s).toString(), first);
    QCOMPARE(metadata.value(u"requested_by"_s).toString(), u"cara"_s);
    QCOMPARE(metadata.value(u"approved_by"_s).toString(), u"max"_s);

    // A second request is rejected with a reason, which the cashier then sees.
    r = run(u"cara"_s, {u"refunds"_s, u"request"_s, pi, u"--reason"_s, u"none"_s});
    EXPECT_RUN(r, 0, u"25.00"_s); // what was left
    const QString second = r.id(u"rr_"_s);
    EXPECT_RUN(run(u"max"_s, {u"refunds"_s, u"reject"_s, second}), 2, u"--reason"_s);
    EXPECT_RUN(run(u"max"_s, {u"refunds"_s, u"reject"_s, second, u"--reason"_s, u"used item"_s}), 0,
               u"rejected"_s);
    r = run(u"cara"_s, {u"refunds"_s, u"history"_s});
    EXPECT_RUN(r, 0, u"used item"_s);
    QVERIFY2(r.out.contains(first) && r.out.contains(u"succeeded"_s), r.describe().constData());
    EXPECT_RUN(run(u"cara"_s, {u"refunds"_s, u"pending"_s}), 0, u"no refund requests are waiting"_s);

    const Run audit = run(u"olga"_s, {u"--json"_s, u"audit"_s, u"show"_s, u"--limit"_s, u"0"_s});
    for (const QString &action : {u"refund.request"_s, u"refund.approve"_s, u"refund.reject"_s})
        QVERIFY2(audit.out.contains(action), qPrintable(action + u'\n' + audit.out));
    EXPECT_RUN(run(u"olga"_s, {u"audit"_s, u"verify"_s}), 0, u"intact"_s);
}

QTEST_GUILESS_MAIN(TestKassaCliRoles)
#include "tst_kassacliroles.moc"
