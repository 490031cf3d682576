// SPDX-License-Identifier: GPL-3.0-or-later
// Backfill: every payment intent, refund, customer and saved card of the simulator into the store, in
// pages, resumable after a cancel from the cursor saved with each page.
#include "services/store/customerrepository.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/syncstaterepository.h"
#include "services/sync/backfill.h"
#include "synctestsupport.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;

class TestBackfill : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { kassa::store::test::addBackendData(); }
    void init();
    void cleanup();

    void fillsTheStore();
    void cancelThenResume();
    void killedTenTimesThenResumes();

private:
    void verifyStoreEqualsSimulator();
    std::unique_ptr<sync::test::SyncFixture> m_fixture;
};

void TestBackfill::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<sync::test::SyncFixture>();
    KASSA_SET_UP_FIXTURE(*m_fixture, backend);
    m_fixture->simulator->setRandomSeed(7);
    m_fixture->simulator->seedDemo(250);
}

void TestBackfill::cleanup()
{
    m_fixture.reset();
}

void TestBackfill::verifyStoreEqualsSimulator()
{
    const QList<QJsonObject> payments = sync::test::listAll(*m_fixture->client, u"/v1/payment_intents"_s);
    const QList<QJsonObject> refunds = sync::test::listAll(*m_fixture->client, u"/v1/refunds"_s);
    const QList<QJsonObject> customers = sync::test::listAll(*m_fixture->client, u"/v1/customers"_s);
    QVERIFY(payments.size() > 200);
    QVERIFY(!customers.isEmpty());
    store::PaymentRepository paymentRepository(*m_fixture->db);
    store::RefundRepository refundRepository(*m_fixture->db);
    store::CustomerRepository customerRepository(*m_fixture->db);
    store::PaymentMethodRepository methodRepository(*m_fixture->db);
    QCOMPARE(paymentRepository.count({}).valueOr(-1), qint64(payments.size()));
    for (const QJsonObject &pi : payments) {
        const auto stored = paymentRepository.rawJson(pi.value(u"id"_s).toString());
        QVERIFY2(stored.ok() && stored.value(), qPrintable(pi.value(u"id"_s).toString()));
        QCOMPARE(stored.value()->value(u"status"_s), pi.value(u"status"_s));
        QCOMPARE(stored.value()->value(u"amount_received"_s), pi.value(u"amount_received"_s));
    }
    for (const QJsonObject &refund : refunds) {
        const auto stored = refundRepository.rawJson(refund.value(u"id"_s).toString());
        QVERIFY2(stored.ok() && stored.value(), qPrintable(refund.value(u"id"_s).toString()));
        QCOMPARE(stored.value()->value(u"status"_s), refund.value(u"status"_s));
        QCOMPARE(stored.value()->value(u"amount"_s), refund.value(u"amount"_s));
    }
    int methods = 0;
    for (const QJsonObject &customer : customers) {
        const QString id = customer.value(u"id"_s).toString();
        const auto stored = customerRepository.rawJson(id);
        QVERIFY2(stored.ok() && stored.value(), qPrintable(id));
        QCOMPARE(stored.value()->value(u"email"_s), customer.value(u"email"_s));
        for (const QJsonObject &pm :
             sync::test::listAll(*m_fixture->client, u"/v1/customers/"_s + id + u"/payment_methods"_s)) {
            const auto storedPm = methodRepository.rawJson(pm.value(u"id"_s).toString());
            QVERIFY2(storedPm.ok() && storedPm.value(), qPrintable(pm.value(u"id"_s).toString()));
            QCOMPARE(storedPm.value()->value(u"customer"_s).toString(), id);
            ++methods;
        }
    }
    qInfo() << payments.size() << "payments," << refunds.size() << "refunds," << customers.size()
            << "customers," << methods << "saved cards";
}

void TestBackfill::fillsTheStore()
{
    sync::Backfill backfill(*m_fixture->db, *m_fixture->client);
    QSignalSpy progress(&backfill, &sync::Backfill::progress);
    QSignalSpy finished(&backfill, &sync::Backfill::finished);
    backfill.start();
    QVERIFY(finished.wait(60'000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QVERIFY(progress.size() >= 3); // several pages of payments, then refunds and customers
    qint64 previous = 0;
    for (const QList<QVariant> &step : std::as_const(progress)) {
        QVERIFY(step.at(1).toLongLong() >= previous);
        QVERIFY(step.at(2).toLongLong() >= step.at(1).toLongLong());
        previous = step.at(1).toLongLong();
    }
    verifyStoreEqualsSimulator();
}

void TestBackfill::cancelThenResume()
{
    store::SyncStateRepository state(*m_fixture->db);
    {
        sync::Backfill backfill(*m_fixture->db, *m_fixture->client);
        QSignalSpy finished(&backfill, &sync::Backfill::finished);
        connect(&backfill, &sync::Backfill::progress, &backfill, [&backfill] { backfill.cancel(); });
        backfill.start();
        QVERIFY(finished.wait(30'000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY(!backfill.isRunning());
    }
    // One page was written with its cursor; the rest was not.
    const auto cursor = state.value(sync::Backfill::cursorKey(u"payment_intents"_s));
    QVERIFY(cursor.ok() && cursor.value().has_value());
    store::PaymentRepository payments(*m_fixture->db);
    QCOMPARE(payments.count({}).valueOr(-1), qint64(100));
    QVERIFY(!state.value(sync::Backfill::completeKey(u"payment_intents"_s)).value().has_value());

    sync::Backfill resumed(*m_fixture->db, *m_fixture->client);
    QSignalSpy progress(&resumed, &sync::Backfill::progress);
    QSignalSpy finished(&resumed, &sync::Backfill::finished);
    resumed.start();
    QVERIFY(finished.wait(60'000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    // It went on after the first page: its first progress already counts the page written before.
    QVERIFY(!progress.isEmpty());
    QVERIFY(progress.first().at(1).toLongLong() > 100);
    verifyStoreEqualsSimulator();
}

void TestBackfill::killedTenTimesThenResumes()
{
    if (m_fixture->store.isPostgres())
        QSKIP("the SQLite file's integrity after SIGKILL is what this checks");
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());
    auto runCli = [&](int killAfterMs) -> int {
        QProcess child;
        child.setProcessEnvironment(sync::test::cliEnvironment(u"kassa.*=false"_s));
        child.start(QStringLiteral(KASSA_CLI_EXECUTABLE),
                    {u"--api-base"_s, m_fixture->simUrl().toString(), u"--data-dir"_s, dataDir.path(),
                     u"sync"_s, u"--backfill"_s});
        if (!child.waitForStarted(10'000))
            return -2;
        if (killAfterMs > 0) {
            QTest::qWait(killAfterMs); // the simulator answers meanwhile, in this process
            child.kill();
        }
        if (!QTest::qWaitFor([&] { return child.state() == QProcess::NotRunning; }, 60'000))
            return -3;
        return child.exitStatus() == QProcess::NormalExit ? child.exitCode() : -1;
    };
    QRandomGenerator random(QRandomGenerator::global()->generate());
    for (int i = 0; i < 10; ++i)
        runCli(int(random.bounded(30, 400)));
    QCOMPARE(runCli(0), 0); // the resumed backfill finishes

    auto opened = store::Database::open(store::DatabaseConfig::sqlite(dataDir.filePath(u"kassa.sqlite"_s)));
    QVERIFY(opened.ok());
    m_fixture->db = std::move(opened).value();
    const auto integrity = m_fixture->db->queryValue(u"PRAGMA integrity_check"_s);
    QVERIFY(integrity.ok());
    QCOMPARE(integrity.value().toString(), u"ok"_s);
    verifyStoreEqualsSimulator();
}

QTEST_GUILESS_MAIN(TestBackfill)
#include "tst_backfill.moc"
