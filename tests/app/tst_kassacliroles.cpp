// SPDX-License-Identifier: GPL-3.0-or-later
// kassa-cli's commands per role, end to end: the real executable against the in-process simulator, on a
// SQLite store and on a PostgreSQL one. A store without users runs in single-operator mode; once it has
// users every command needs --user and a role that the permission table allows. Refund approval from the
// command line: a cashier asks, is refused a direct refund and an approval, a manager approves (one
// refund at Stripe, whatever is retried) or rejects with a reason; the audit log holds it all, intact.
#include "clitestsupport.h"
#include "simtestclient.h"
#include "storetestsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;
using namespace kassa::cli::test;
using kassa::sim::test::SimTestClient;

namespace {

const QString TestKey = u"sk_test_kassaroles7Qm2Zt9Lw4XeRb"_s;
const QString OwnerPhrase = u"olga's long passphrase"_s;
const QString ManagerPin = u"24681357"_s;
const QString CashierPin = u"13579246"_s;

} // namespace

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
    CliResult run(const QString &user, const QStringList &arguments, const QByteArray &stdinData = {},
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
    m_storeOption = storeOption(*m_fixture);
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

CliResult TestKassaCliRoles::run(const QString &user, const QStringList &arguments,
                                 const QByteArray &stdinData, const QHash<QString, QString> &env)
{
    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(u"KASSA_TILL"_s, u"till-roles"_s);
    environment.insert(u"KASSA_STRIPE_API_KEY"_s, TestKey);
    static const QHash<QString, QString> Pins{
        {u"olga"_s, OwnerPhrase}, {u"max"_s, ManagerPin}, {u"cara"_s, CashierPin}};
    if (!user.isEmpty())
        environment.insert(u"KASSA_PIN"_s, Pins.value(user));
    addVariables(&environment, env);
    QStringList all = m_storeOption + QStringList{u"--api-base"_s, m_sim->simulator().baseUrl().toString()};
    if (!user.isEmpty())
        all << u"--user"_s << user;
    all << arguments;

    const CliResult result =
        runProgram(QStringLiteral(KASSA_CLI_EXECUTABLE), all, environment, stdinData, 60'000);
    reportSecrets(result, u"kassa-cli "_s + all.join(u' '), {TestKey, OwnerPhrase, ManagerPin, CashierPin},
                  &m_leaks);
    return result;
}

void TestKassaCliRoles::addUsers()
{
    CliResult r = run({}, {u"users"_s, u"add"_s, u"olga"_s, u"--role"_s, u"owner"_s}, {},
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
    const CliResult paid = run(user, {u"pay"_s, u"--amount"_s, amount, u"--currency"_s, u"usd"_s,
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
    const CliResult audit = run(u"olga"_s, {u"--json"_s, u"audit"_s, u"show"_s, u"--limit"_s, u"0"_s});
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

    CliResult r = run(u"cara"_s, {u"refunds"_s, u"request"_s, pi, u"--amount"_s, u"15.00"_s, u"--reason"_s,
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
    const CliResult listed = run(u"max"_s, {u"--json"_s, u"refunds"_s, u"list"_s});
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

    const CliResult audit = run(u"olga"_s, {u"--json"_s, u"audit"_s, u"show"_s, u"--limit"_s, u"0"_s});
    for (const QString &action : {u"refund.request"_s, u"refund.approve"_s, u"refund.reject"_s})
        QVERIFY2(audit.out.contains(action), qPrintable(action + u'\n' + audit.out));
    EXPECT_RUN(run(u"olga"_s, {u"audit"_s, u"verify"_s}), 0, u"intact"_s);
}

QTEST_GUILESS_MAIN(TestKassaCliRoles)
#include "tst_kassacliroles.moc"
