// SPDX-License-Identifier: GPL-3.0-or-later
// AuditLog on SQLite and PostgreSQL: the chain and its canonical form; verify() finding rows edited,
// deleted, reordered and inserted with raw SQL, each named; entries that roll back with their caller's
// transaction; and one unbroken chain from concurrent writers: two connections in threads, and on
// PostgreSQL two processes (kassa_auditworker) released together.
#include "services/security/auditlog.h"
#include "services/store/migrations.h"
#include "services/store/transaction.h"
#include "storetestsupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlQuery>
#include <QUrl>

#include <thread>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::security;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

const ActingUser Ann{3, u"ann"_s, Role::Cashier, u"till-1"_s};
const ActingUser Bob{4, u"bob"_s, Role::Manager, u"till-2"_s};

} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void canonicalForm();
    void appendAndVerify();
    void tamper_data();
    void tamper();
    void rollsBackWithTheCaller();
    void latest();
    void concurrentConnections();
    void concurrentProcesses();

private:
    void appendTen();
    void exec(const QString &sql, const QVariantList &params = {});

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AuditLog> m_audit;
};

void TestAuditLog::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
    m_audit = std::make_unique<AuditLog>(*m_db, u"till-0"_s);
}

void TestAuditLog::cleanup()
{
    m_audit.reset();
    m_db.reset();
    m_fixture.reset();
}

void TestAuditLog::exec(const QString &sql, const QVariantList &params)
{
    const StoreResult<qint64> result = m_db->exec(sql, params);
    QVERIFY2(result.ok(), describe(result.error()).constData());
}

void TestAuditLog::appendTen()
{
    for (int i = 1; i <= 10; ++i) {
        VERIFY_STORE(m_audit->record(i % 2 ? Ann : Bob, u"test.step"_s, {u"obj_%1"_s.arg(i)},
                                     {{u"n"_s, i}, {u"note"_s, u"entry %1"_s.arg(i)}}));
    }
}

void TestAuditLog::canonicalForm()
{
    // The documented form, written out by hand: a change to it must be deliberate (and versioned).
    AuditEntry entry;
    entry.at = 1'800'000'000;
    entry.till = u"till-1"_s;
    entry.userId = 3;
    entry.userName = u"ann"_s;
    entry.action = u"user.add"_s;
    entry.objectIdsJson = u"[\"user:bob\"]"_s;
    entry.detailsJson = u"{\"role\":\"manager\"}"_s;
    const QByteArray expected = "kassa-audit-v1\n10:1800000000\n6:till-1\n1:3\n3:ann\n8:user.add\n"
                                "12:[\"user:bob\"]\n18:{\"role\":\"manager\"}\n";
    QCOMPARE(AuditLog::canonical(entry), expected);
    const QString hash = AuditLog::chainHash(QString(AuditLog::GenesisHash), entry);
    QCOMPARE(hash, QString::fromLatin1(QCryptographicHash::hash(QByteArray(QByteArray(64, '0') + expected),
                                                                QCryptographicHash::Sha256)
                                           .toHex()));
    // Lengths are in UTF-8 bytes.
    entry.userName = u"jürgen"_s;
    QVERIFY(AuditLog::canonical(entry).contains("7:j\xc3\xbcrgen\n"));
}

void TestAuditLog::appendAndVerify()
{
    StoreResult<AuditVerification> empty = m_audit->verify();
    VERIFY_RESULT(empty);
    QVERIFY(empty.value().intact);
    QCOMPARE(empty.value().entries, 0);

    appendTen();
    const StoreResult<AuditVerification> verified = m_audit->verify();
    VERIFY_RESULT(verified);
    QVERIFY2(verified.value().intact, qPrintable(verified.value().message()));
    QCOMPARE(verified.value().entries, 10);
    const QList<AuditEntry> entries = m_audit->latest(0).value();
    QCOMPARE(entries.size(), 10);
    QCOMPARE(verified.value().headHash, entries.last().hash);
    QCOMPARE(entries.first().prevHash, QString(AuditLog::GenesisHash));
    for (qsizetype i = 0; i < entries.size(); ++i) {
        QCOMPARE(entries.at(i).seq, i + 1);
        if (i > 0)
            QCOMPARE(entries.at(i).prevHash, entries.at(i - 1).hash);
        QCOMPARE(entries.at(i).hash, AuditLog::chainHash(entries.at(i).prevHash, entries.at(i)));
    }
    QCOMPARE(entries.at(1).userName, u"bob"_s);
    QCOMPARE(entries.at(1).till, u"till-2"_s);
    QCOMPARE(entries.at(1).objectIds(), QStringList{u"obj_2"_s});
    QCOMPARE(entries.at(1).details().value(u"n"_s).toInt(), 2);
    // An actor without a till: the log's own.
    VERIFY_STORE(m_audit->record(ActingUser{0, u"zed"_s, Role::Cashier, {}}, u"login.failed"_s));
    QCOMPARE(m_audit->latest(1).value().first().till, u"till-0"_s);
    QVERIFY(verified.value().message().startsWith(u"audit log intact: 10 entries, head "_s));
}

void TestAuditLog::tamper_data()
{
    QTest::addColumn<QStringList>("statements");
    QTest::addColumn<qint64>("firstBroken");
    QTest::addColumn<QString>("problem");

    QTest::newRow("details edited")
        << QStringList{u"UPDATE audit_log SET details = '{\"n\":40}' WHERE seq = 4"_s} << qint64(4)
        << u"changed"_s;
    QTest::newRow("user edited") << QStringList{u"UPDATE audit_log SET user_name = 'olga' WHERE seq = 7"_s}
                                 << qint64(7) << u"changed"_s;
    QTest::newRow("time edited") << QStringList{u"UPDATE audit_log SET at = at + 1 WHERE seq = 1"_s}
                                 << qint64(1) << u"changed"_s;
    QTest::newRow("hash edited") << QStringList{u"UPDATE audit_log SET hash = prev_hash WHERE seq = 5"_s}
                                 << qint64(5) << u"changed"_s;
    QTest::newRow("middle deleted") << QStringList{u"DELETE FROM audit_log WHERE seq = 6"_s} << qint64(6)
                                    << u"missing (deleted)"_s;
    QTest::newRow("two deleted") << QStringList{u"DELETE FROM audit_log WHERE seq IN (3, 4)"_s} << qint64(3)
                                 << u"entries up to 4 are missing (deleted)"_s;
    QTest::newRow("first deleted") << QStringList{u"DELETE FROM audit_log WHERE seq = 1"_s} << qint64(1)
                                   << u"missing (deleted)"_s;
    QTest::newRow("last deleted") << QStringList{u"DELETE FROM audit_log WHERE seq = 10"_s} << qint64(10)
                                  << u"missing from the end of the log (deleted)"_s;
    QTest::newRow("deleted and renumbered")
        << QStringList{u"DELETE FROM audit_log WHERE seq = 5"_s,
                       u"UPDATE audit_log SET seq = -seq WHERE seq > 5"_s,
                       u"UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0"_s,
                       u"UPDATE audit_head SET seq = seq - 1"_s}
        << qint64(5) << u"the entry it was written after is missing (deleted)"_s;
    QTest::newRow("two swapped") << QStringList{u"UPDATE audit_log SET seq = 100 WHERE seq = 3"_s,
                                                u"UPDATE audit_log SET seq = 3 WHERE seq = 4"_s,
                                                u"UPDATE audit_log SET seq = 4 WHERE seq = 100"_s}
                                 << qint64(3) << u"out of order: it was written after entry 4 (reordered)"_s;
    QTest::newRow("moved to the end")
        << QStringList{u"UPDATE audit_log SET seq = 100 WHERE seq = 2"_s,
                       u"UPDATE audit_log SET seq = -seq WHERE seq > 2 AND seq < 100"_s,
                       u"UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0"_s,
                       u"UPDATE audit_log SET seq = 10 WHERE seq = 100"_s}
        << qint64(2) << u"out of order"_s;
    // A forged entry with a correct hash of its own (whoever forges it can compute SHA-256), put
    // between entries 6 and 7: the entry after it still follows entry 6.
    QTest::newRow("inserted") << QStringList{u"UPDATE audit_log SET seq = -seq WHERE seq > 6"_s,
                                             u"UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0"_s,
                                             u"UPDATE audit_head SET seq = seq + 1"_s, u"FORGE 7 AFTER 6"_s}
                              << qint64(7) << u"inserted: entry 8 was written right after entry 6"_s;
    QTest::newRow("appended past the head")
        << QStringList{u"FORGE 11 AFTER 10"_s} << qint64(11) << u"inserted after the log's head"_s;
    QTest::newRow("head moved") << QStringList{u"UPDATE audit_head SET hash = 'x'"_s} << qint64(10)
                                << u"head does not match"_s;
}

void TestAuditLog::tamper()
{
    QFETCH(QStringList, statements);
    QFETCH(qint64, firstBroken);
    QFETCH(QString, problem);
    appendTen();
    QVERIFY(m_audit->verify().value().intact);
    const QList<AuditEntry> before = m_audit->latest(0).value();
    for (const QString &statement : std::as_const(statements)) {
        if (statement.startsWith(u"FORGE "_s)) {
            // "FORGE seq AFTER prev": an entry that hashes correctly on top of entry prev.
            const qint64 seq = statement.section(u' ', 1, 1).toLongLong();
            const qint64 after = statement.section(u' ', 3, 3).toLongLong();
            AuditEntry forged;
            forged.seq = seq;
            forged.at = before.at(after - 1).at;
            forged.till = u"till-1"_s;
            forged.userId = 1;
            forged.userName = u"olga"_s;
            forged.action = u"refund.approve"_s;
            forged.objectIdsJson = u"[\"rr_forged\"]"_s;
            forged.detailsJson = u"{}"_s;
            forged.prevHash = before.at(after - 1).hash;
            forged.hash = AuditLog::chainHash(forged.prevHash, forged);
            exec(u"INSERT INTO audit_log (seq, at, till, user_id, user_name, action, object_ids, details, "
                 "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                 {forged.seq, forged.at, forged.till, forged.userId, forged.userName, forged.action,
                  forged.objectIdsJson, forged.detailsJson, forged.prevHash, forged.hash});
        } else {
            exec(statement);
        }
    }
    const StoreResult<AuditVerification> verified = m_audit->verify();
    VERIFY_RESULT(verified);
    const AuditVerification &result = verified.value();
    QVERIFY2(!result.intact, "the change went unnoticed");
    QCOMPARE(result.firstBroken, firstBroken);
    QVERIFY2(result.problem.contains(problem), qPrintable(result.message()));
    QVERIFY(result.message().startsWith(u"audit log broken at entry %1: "_s.arg(firstBroken)));
}

void TestAuditLog::rollsBackWithTheCaller()
{
    VERIFY_STORE(m_audit->record(Ann, u"first"_s));
    {
        Transaction transaction(*m_db);
        QVERIFY(transaction.isActive());
        VERIFY_STORE(m_audit->record(Ann, u"undone"_s));
        VERIFY_STORE(m_audit->record(Ann, u"undone too"_s));
        transaction.rollback();
    }
    {
        Transaction transaction(*m_db);
        QVERIFY(transaction.isActive());
        VERIFY_STORE(m_audit->lockHead());
        VERIFY_STORE(m_audit->record(Bob, u"kept"_s));
        VERIFY_STORE(transaction.commit());
    }
    QCOMPARE(m_audit->lockHead().kind, StoreError::Kind::Transaction); // needs a transaction
    const QList<AuditEntry> entries = m_audit->latest(0).value();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(1).action, u"kept"_s);
    QCOMPARE(entries.at(1).seq, 2);
    QVERIFY(m_audit->verify().value().intact);
}

void TestAuditLog::latest()
{
    appendTen();
    const QList<AuditEntry> last3 = m_audit->latest(3).value();
    QCOMPARE(last3.size(), 3);
    QCOMPARE(last3.first().seq, 8);
    QCOMPARE(last3.last().seq, 10);
    QCOMPARE(m_audit->latest(0).value().size(), 10);
}

void TestAuditLog::concurrentConnections()
{
    // Each thread its own connection, as each till has.
    constexpr int PerThread = 60;
    const DatabaseConfig config = m_fixture->config(30'000);
    StoreError errors[2];
    auto append = [&config](int index, StoreError *error) {
        StoreResult<std::unique_ptr<Database>> db = Database::open(config);
        if (!db.ok()) {
            *error = db.error();
            return;
        }
        AuditLog audit(*db.value(), u"thread-%1"_s.arg(index));
        const ActingUser actor{index + 1, u"user%1"_s.arg(index), Role::Cashier, {}};
        for (int i = 0; i < PerThread && !error->isError(); ++i)
            *error = audit.record(actor, u"test.thread"_s, {}, {{u"n"_s, i}});
    };
    std::thread first(append, 0, &errors[0]);
    std::thread second(append, 1, &errors[1]);
    first.join();
    second.join();
    VERIFY_STORE(errors[0]);
    VERIFY_STORE(errors[1]);
    const StoreResult<AuditVerification> verified = m_audit->verify();
    VERIFY_RESULT(verified);
    QVERIFY2(verified.value().intact, qPrintable(verified.value().message()));
    QCOMPARE(verified.value().entries, 2 * PerThread);
}

void TestAuditLog::concurrentProcesses()
{
    if (!m_fixture->isPostgres())
        QSKIP("PostgreSQL only: several tills share a store only on PostgreSQL");
    constexpr int PerProcess = 150;
    const QString url = postgresUrl(m_fixture->config());
    QProcess workers[2];
    for (int i = 0; i < 2; ++i) {
        workers[i].setProgram(QStringLiteral(KASSA_AUDITWORKER_EXECUTABLE));
        workers[i].setArguments({u"--database"_s, url, u"--till"_s, u"till-%1"_s.arg(i + 1), u"--count"_s,
                                 QString::number(PerProcess)});
        workers[i].setProcessChannelMode(QProcess::ForwardedErrorChannel);
        workers[i].start();
    }
    for (QProcess &worker : workers) {
        QVERIFY(worker.waitForStarted(10'000));
        QVERIFY2(worker.waitForReadyRead(30'000), "the worker did not get ready");
        const QByteArray ready = worker.readLine();
        QVERIFY2(QJsonDocument::fromJson(ready).object().value(u"ready"_s).toBool(), ready.constData());
    }
    // Release both at once.
    for (QProcess &worker : workers)
        worker.write("go\n");
    for (QProcess &worker : workers)
        QVERIFY(worker.waitForBytesWritten(10'000));
    for (QProcess &worker : workers) {
        QVERIFY(worker.waitForFinished(120'000));
        const QByteArray out = worker.readAllStandardOutput();
        QVERIFY2(worker.exitCode() == 0, out.constData());
        QCOMPARE(QJsonDocument::fromJson(out).object().value(u"appended"_s).toInt(), PerProcess);
    }
    const StoreResult<AuditVerification> verified = m_audit->verify();
    VERIFY_RESULT(verified);
    QVERIFY2(verified.value().intact, qPrintable(verified.value().message()));
    QCOMPARE(verified.value().entries, 2 * PerProcess);
    // They really ran together: the tills' entries interleave.
    int switches = 0;
    const QList<AuditEntry> entries = m_audit->latest(0).value();
    for (qsizetype i = 1; i < entries.size(); ++i)
        switches += entries.at(i).till != entries.at(i - 1).till ? 1 : 0;
    qInfo() << "till switches in the chain:" << switches;
    QVERIFY2(switches > 1, "the two workers did not append at the same time");
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
