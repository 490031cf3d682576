// SPDX-License-Identifier: GPL-3.0-or-later
// kassa-cli users and audit, end to end: the real executable in its own process, on a SQLite store and
// on a PostgreSQL one. The first user, --user with the PIN from KASSA_PIN or stdin, refusals by role,
// set-pin, lock-out, disable, audit show, and audit verify before and after rows are changed by hand.
// No PIN ever shows in what kassa-cli prints.
#include "clitestsupport.h"
#include "services/security/auditlog.h"
#include "services/store/database.h"
#include "storetestsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace kassa::store;
using namespace kassa::store::test;
using namespace kassa::cli::test;

namespace {

const QString OwnerPhrase = u"olga's long passphrase"_s;
const QString ManagerPin = u"246813"_s;
const QString CashierPin = u"135792"_s;
const QString CashierNewPin = u"97531"_s;
const QString WrongPin = u"864200"_s;

} // namespace

class TestKassaCliUsers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void initTestCase();
    void init();
    void cleanup();

    void usersAndAudit();

private:
    // kassa-cli with the store option first; `env` adds variables (KASSA_PIN, KASSA_NEW_PIN).
    CliResult run(const QStringList &arguments, const QByteArray &stdinData = {},
                  const QHash<QString, QString> &env = {});

    std::unique_ptr<TestStore> m_fixture;
    QStringList m_storeOption;
    QStringList m_leaks;
};

void TestKassaCliUsers::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(KASSA_CLI_EXECUTABLE)), KASSA_CLI_EXECUTABLE);
}

void TestKassaCliUsers::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    m_storeOption = storeOption(*m_fixture);
    m_leaks.clear();
}

void TestKassaCliUsers::cleanup()
{
    m_fixture.reset();
    QVERIFY2(m_leaks.isEmpty(), qPrintable(m_leaks.join(u"\n\n"_s)));
}

CliResult TestKassaCliUsers::run(const QStringList &arguments, const QByteArray &stdinData,
                                 const QHash<QString, QString> &env)
{
    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(u"KASSA_TILL"_s, u"till-cli"_s);
    addVariables(&environment, env);
    // No simulator here: nothing needs the event loop, but waiting in it does no harm.
    const CliResult result = runProgram(QStringLiteral(KASSA_CLI_EXECUTABLE), m_storeOption + arguments,
                                        environment, stdinData, 60'000);
    reportSecrets(result, u"kassa-cli "_s + arguments.join(u' '),
                  {OwnerPhrase, ManagerPin, CashierPin, CashierNewPin, WrongPin, u"pbkdf2"_s}, &m_leaks);
    return result;
}

void TestKassaCliUsers::usersAndAudit()
{
    const QHash<QString, QString> asOwner{{u"KASSA_PIN"_s, OwnerPhrase}};

    // An empty store: nobody to log in as, and the first user must be an owner.
    CliResult r = run({u"users"_s, u"list"_s});
    EXPECT_RUN(r, 0, u"no users yet"_s);
    r = run({u"--user"_s, u"olga"_s, u"users"_s, u"list"_s}, OwnerPhrase.toUtf8() + '\n');
    EXPECT_RUN(r, 0, u"the store has no users yet, so --user olga is ignored"_s);
    r = run({u"users"_s, u"add"_s, u"ann"_s, u"--role"_s, u"cashier"_s}, {},
            {{u"KASSA_NEW_PIN"_s, CashierPin}});
    EXPECT_RUN(r, 4, u"the first user of a store must be an owner"_s);
    r = run({u"users"_s, u"add"_s, u"olga"_s, u"--role"_s, u"owner"_s, u"--display-name"_s, u"Olga O"_s},
            OwnerPhrase.toUtf8() + '\n');
    EXPECT_RUN(r, 0, u"added owner olga"_s);
    r = run({u"users"_s, u"add"_s, u"bob"_s, u"--role"_s, u"manager"_s}, {},
            {{u"KASSA_NEW_PIN"_s, ManagerPin}});
    EXPECT_RUN(r, 7, u"say who you are with --user"_s);

    // As the owner: the PIN from KASSA_PIN and the new one from stdin; then both from stdin.
    r = run({u"--user"_s, u"olga"_s, u"users"_s, u"add"_s, u"bob"_s, u"--role"_s, u"manager"_s},
            ManagerPin.toUtf8() + '\n', asOwner);
    EXPECT_RUN(r, 0, u"added manager bob"_s);
    r = run({u"--user"_s, u"olga"_s, u"users"_s, u"add"_s, u"ann"_s, u"--role"_s, u"cashier"_s},
            OwnerPhrase.toUtf8() + '\n' + CashierPin.toUtf8() + '\n');
    EXPECT_RUN(r, 0, u"added cashier ann"_s);
    r = run({u"--user"_s, u"olga"_s, u"users"_s, u"add"_s, u"ann"_s, u"--role"_s, u"cashier"_s}, {},
            {{u"KASSA_PIN"_s, OwnerPhrase}, {u"KASSA_NEW_PIN"_s, CashierPin}});
    EXPECT_RUN(r, 4, u"a user named 'ann' exists"_s);
    r = run({u"--user"_s, u"olga"_s, u"users"_s, u"add"_s, u"cid"_s, u"--role"_s, u"manager"_s}, {},
            {{u"KASSA_PIN"_s, OwnerPhrase}, {u"KASSA_NEW_PIN"_s, u"12"_s}});
    EXPECT_RUN(r, 4, u"a PIN has 4 to 12 digits"_s);

    // Refused by role.
    const QHash<QString, QString> asAnn{{u"KASSA_PIN"_s, CashierPin}};
    r = run({u"--user"_s, u"ann"_s, u"users"_s, u"add"_s, u"eve"_s, u"--role"_s, u"cashier"_s}, {},
            {{u"KASSA_PIN"_s, CashierPin}, {u"KASSA_NEW_PIN"_s, u"4444"_s}});
    EXPECT_RUN(r, 7, u"cashier ann may not manage users"_s);
    r = run({u"--user"_s, u"bob"_s, u"audit"_s, u"verify"_s}, {}, {{u"KASSA_PIN"_s, ManagerPin}});
    EXPECT_RUN(r, 7, u"manager bob may not view the audit log"_s);
    r = run({u"--user"_s, u"ann"_s, u"users"_s, u"disable"_s, u"bob"_s}, {}, asAnn);
    EXPECT_RUN(r, 7, u"cashier ann may not manage users"_s);

    // Her own PIN, then the old one is wrong.
    r = run({u"--user"_s, u"ann"_s, u"users"_s, u"set-pin"_s, u"ann"_s}, {},
            {{u"KASSA_PIN"_s, CashierPin}, {u"KASSA_NEW_PIN"_s, CashierNewPin}});
    EXPECT_RUN(r, 0, u"PIN set for ann"_s);
    r = run({u"--user"_s, u"ann"_s, u"users"_s, u"list"_s}, {}, asAnn);
    EXPECT_RUN(r, 6, u"wrong PIN, 4 tries left"_s);
    r = run({u"--user"_s, u"ann"_s, u"users"_s, u"list"_s}, CashierNewPin.toUtf8() + '\n');
    EXPECT_RUN(r, 0, u"olga  owner  Olga O  active"_s);
    QCOMPARE(r.out.split(u'\n', Qt::SkipEmptyParts).size(), 3);

    // Five wrong PINs lock bob, on every till.
    for (int i = 4; i >= 1; --i) {
        r = run({u"--user"_s, u"bob"_s, u"users"_s, u"list"_s}, WrongPin.toUtf8() + '\n');
        EXPECT_RUN(r, 6, i == 1 ? u"wrong PIN, 1 try left"_s : u"wrong PIN, %1 tries left"_s.arg(i));
    }
    r = run({u"--user"_s, u"bob"_s, u"users"_s, u"list"_s}, WrongPin.toUtf8() + '\n');
    EXPECT_RUN(r, 6, u"bob is now locked until"_s);
    r = run({u"--user"_s, u"bob"_s, u"users"_s, u"list"_s}, ManagerPin.toUtf8() + '\n');
    EXPECT_RUN(r, 6, u"bob is locked until"_s);
    r = run({u"--json"_s, u"--user"_s, u"olga"_s, u"users"_s, u"list"_s}, {}, asOwner);
    EXPECT_RUN(r, 0, u"\"name\":\"bob\""_s);
    const QJsonObject bob =
        QJsonDocument::fromJson(r.out.split(u'\n').value(1).toUtf8()).object(); // ann, bob, olga
    QCOMPARE(bob.value(u"name"_s).toString(), u"bob"_s);
    QVERIFY(bob.value(u"locked_until"_s).toInteger() > 0);
    QVERIFY(!r.out.contains(u"pin_hash"_s));

    // Disabled.
    r = run({u"--user"_s, u"olga"_s, u"users"_s, u"disable"_s, u"ann"_s}, {}, asOwner);
    EXPECT_RUN(r, 0, u"disabled ann"_s);
    r = run({u"--user"_s, u"ann"_s, u"users"_s, u"list"_s}, {}, {{u"KASSA_PIN"_s, CashierNewPin}});
    EXPECT_RUN(r, 6, u"ann is disabled"_s);
    r = run({u"--user"_s, u"olga"_s, u"users"_s, u"disable"_s, u"olga"_s}, {}, asOwner);
    EXPECT_RUN(r, 4, u"you cannot disable yourself"_s);

    // The audit log: intact, shown, and then changed by hand.
    r = run({u"--user"_s, u"olga"_s, u"audit"_s, u"verify"_s}, {}, asOwner);
    EXPECT_RUN(r, 0, u"audit log intact: "_s);
    r = run({u"--user"_s, u"olga"_s, u"audit"_s, u"show"_s, u"--limit"_s, u"5"_s}, {}, asOwner);
    EXPECT_RUN(r, 0, u"user.disable"_s);
    QCOMPARE(r.out.split(u'\n', Qt::SkipEmptyParts).size(), 5); // user.disable, ann refused, three log-ins
    QVERIFY2(r.out.contains(u"till-cli"_s), r.describe().constData());
    r = run({u"--json"_s, u"--user"_s, u"olga"_s, u"audit"_s, u"show"_s, u"--limit"_s, u"0"_s}, {}, asOwner);
    EXPECT_RUN(r, 0, u"\"action\":\"user.add\""_s);
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    const QJsonObject first = QJsonDocument::fromJson(lines.first().toUtf8()).object();
    QCOMPARE(first.value(u"seq"_s).toInteger(), 1);
    QCOMPARE(first.value(u"action"_s).toString(), u"user.add"_s);
    QCOMPARE(first.value(u"details"_s).toObject().value(u"role"_s).toString(), u"owner"_s);
    QStringList actions;
    for (const QString &line : lines)
        actions << QJsonDocument::fromJson(line.toUtf8()).object().value(u"action"_s).toString();
    for (const QString &action : {u"login"_s, u"login.failed"_s, u"user.locked"_s, u"login.refused"_s,
                                  u"user.set_pin"_s, u"user.disable"_s})
        QVERIFY2(actions.contains(action), qPrintable(action));
    r = run({u"audit"_s, u"show"_s}, {});
    EXPECT_RUN(r, 7, u"say who you are"_s);
    r = run({u"audit"_s, u"nonsense"_s}, {});
    EXPECT_RUN(r, 2, u"usage: audit verify"_s);

    {
        StoreResult<std::unique_ptr<Database>> db = m_fixture->open();
        VERIFY_RESULT(db);
        VERIFY_RESULT(
            db.value()->exec(u"UPDATE audit_log SET details = '{\"role\":\"cashier\"}' WHERE seq = 1"_s));
    }
    r = run({u"--user"_s, u"olga"_s, u"audit"_s, u"verify"_s}, {}, asOwner);
    EXPECT_RUN(r, 1, u"audit log broken at entry 1: it was changed after it was written"_s);
    {
        StoreResult<std::unique_ptr<Database>> db = m_fixture->open();
        VERIFY_RESULT(db);
        VERIFY_RESULT(db.value()->exec(
            u"UPDATE audit_log SET details = '{\"display_name\":\"Olga O\",\"first_user\":true,"
            "\"role\":\"owner\"}' WHERE seq = 1"_s));
        VERIFY_RESULT(db.value()->exec(u"DELETE FROM audit_log WHERE seq = 3"_s));
    }
    r = run({u"--user"_s, u"olga"_s, u"audit"_s, u"verify"_s}, {}, asOwner);
    EXPECT_RUN(r, 1, u"audit log broken at entry 3: it is missing (deleted)"_s);
}

QTEST_GUILESS_MAIN(TestKassaCliUsers)
#include "tst_kassacliusers.moc"
