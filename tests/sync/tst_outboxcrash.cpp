// SPDX-License-Identifier: GPL-3.0-or-later
// Chaos sales with crashes: some sales run in child `kassa-cli pay --order-ref` processes that are
// killed with SIGKILL at random moments while the simulator drops replies and answers 500 and 429;
// then `kassa-cli recover`: exactly one succeeded PaymentIntent per order ref, and the store agrees.
#include "services/store/migrations.h"
#include "services/store/outboxrepository.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrepository.h"
#include "services/sync/outbox.h"
#include "sim/faults.h"
#include "synctestsupport.h"

#include <QHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using kassa::store::test::postgresUrl;
using kassa::sync::test::saleRequest;
using namespace kassa;

class TestOutboxCrash : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { kassa::store::test::addBackendData(); }
    void init();
    void cleanup();

    void killedSalesRecoverExactlyOnce();

private:
    QProcess *startCli(const QStringList &arguments);
    std::unique_ptr<sync::test::SyncFixture> m_fixture;
    QStringList m_storeArguments;
    QTemporaryDir m_dataDir;
};

void TestOutboxCrash::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<sync::test::SyncFixture>();
    KASSA_SET_UP_FIXTURE(*m_fixture, backend);
    const store::DatabaseConfig config = m_fixture->store.config();
    if (config.dialect == store::Dialect::Sqlite) {
        // The fixture's file is <dir>/<name>: --data-dir takes the directory and uses kassa.sqlite, so
        // the test opens that one instead.
        QVERIFY(m_dataDir.isValid());
        m_storeArguments = {u"--data-dir"_s, m_dataDir.path()};
        auto opened =
            store::Database::open(store::DatabaseConfig::sqlite(m_dataDir.filePath(u"kassa.sqlite"_s)));
        QVERIFY(opened.ok());
        m_fixture->db = std::move(opened).value();
        QVERIFY(!store::Migrations::migrate(*m_fixture->db).isError());
    } else {
        m_storeArguments = {u"--database"_s, postgresUrl(config)};
    }
}

void TestOutboxCrash::cleanup()
{
    m_fixture.reset();
}

QProcess *TestOutboxCrash::startCli(const QStringList &arguments)
{
    auto *process = new QProcess(this);
    process->setProcessEnvironment(sync::test::cliEnvironment(u"kassa.*.debug=false"_s));
    process->setProgram(QStringLiteral(KASSA_CLI_EXECUTABLE));
    process->setArguments(QStringList{u"--api-base"_s, m_fixture->simUrl().toString()} + m_storeArguments +
                          arguments);
    process->start();
    return process;
}

void TestOutboxCrash::killedSalesRecoverExactlyOnce()
{
    constexpr int Sales = 200;
    constexpr int InChildren = 40;
    constexpr int Parallel = 8;
    sim::Faults faults;
    faults.dropAfterCommitRate = 0.3;
    faults.error500Rate = 0.1;
    faults.rateLimit429Rate = 0.1;
    m_fixture->simulator->setFaults(faults);
    m_fixture->client->setTimeoutMs(20'000);
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo() << "seed" << seed;
    QRandomGenerator random(seed);

    // The children: started a few at a time, each killed after a random delay (some finish first).
    int next = 0;
    int running = 0;
    int killed = 0;
    int exited = 0;
    std::function<void()> startMore = [&] {
        while (running < Parallel && next < InChildren) {
            const QString ref = u"KILL-%1"_s.arg(next);
            QProcess *child =
                startCli({u"pay"_s, u"--amount"_s, u"%1.00"_s.arg(10 + next), u"--currency"_s, u"usd"_s,
                          u"--payment-method"_s, u"pm_card_visa"_s, u"--order-ref"_s, ref});
            ++next;
            ++running;
            QTimer::singleShot(int(random.bounded(20, 600)), child, [child, &killed] {
                if (child->state() != QProcess::NotRunning) {
                    child->kill(); // SIGKILL
                    ++killed;
                }
            });
            connect(child, &QProcess::finished, this, [child, &running, &exited, &startMore] {
                --running;
                ++exited;
                child->deleteLater();
                startMore();
            });
        }
    };
    startMore();

    // Meanwhile the rest of the sales, in this process.
    sync::Outbox::Options options;
    options.staleAfterSeconds = 0;
    options.maxRounds = 20;
    sync::Outbox outbox(*m_fixture->db, *m_fixture->client, options);
    int answered = 0;
    for (int i = InChildren; i < Sales; ++i) {
        const QString ref = u"KILL-%1"_s.arg(i);
        outbox.submit(QString::fromLatin1(sync::Outbox::OpCreatePayment), saleRequest(ref, 1000 + i), ref,
                      [&answered](const sync::OutboxResult &) { ++answered; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, Sales - InChildren, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(exited, InChildren, 60'000);
    qInfo() << "children killed:" << killed << "of" << InChildren;

    // A cashier retries the sales whose child died before it wrote its outbox row.
    store::OutboxRepository rows(*m_fixture->db);
    int retried = 0;
    int retriedAnswered = 0;
    for (int i = 0; i < InChildren; ++i) {
        const QString ref = u"KILL-%1"_s.arg(i);
        const auto attempts = rows.findByOrderRef(ref);
        QVERIFY(attempts.ok());
        if (!attempts.value().isEmpty())
            continue;
        ++retried;
        outbox.submit(QString::fromLatin1(sync::Outbox::OpCreatePayment), saleRequest(ref, 1000 + i), ref,
                      [&retriedAnswered](const sync::OutboxResult &) { ++retriedAnswered; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(retriedAnswered, retried, 60'000);
    qInfo() << "retried without a row:" << retried;

    // kassa-cli recover, still under faults.
    QProcess *recover = startCli({u"recover"_s, u"--stale-after"_s, u"0"_s, u"--rounds"_s, u"30"_s});
    QTRY_VERIFY_WITH_TIMEOUT(recover->state() == QProcess::NotRunning, 80'000);
    const QByteArray output = recover->readAllStandardOutput();
    const QByteArray errors = recover->readAllStandardError();
    for (const QByteArray &line : output.split('\n')) {
        if (line.startsWith("recover:"))
            qInfo().noquote() << QString::fromUtf8(line);
    }
    QVERIFY2(recover->exitStatus() == QProcess::NormalExit && recover->exitCode() == 0,
             QByteArray(output.right(2000) + errors.right(2000)).constData());

    // The truth: exactly one succeeded PaymentIntent per order ref, and the store agrees.
    m_fixture->simulator->setFaults({});
    const QHash<QString, QStringList> byOrder = sync::test::succeededByOrderRef(*m_fixture->client);
    QCOMPARE(byOrder.size(), Sales);
    store::PaymentRepository payments(*m_fixture->db);
    for (int i = 0; i < Sales; ++i) {
        const QString ref = u"KILL-%1"_s.arg(i);
        const QStringList ids = byOrder.value(ref);
        QVERIFY2(ids.size() == 1, qPrintable(ref + u": "_s + ids.join(u',')));
        const auto live = rows.liveAttemptForOrder(ref);
        QVERIFY(live.ok() && live.value().has_value());
        QCOMPARE(live.value()->state, store::OutboxState::Done);
        QCOMPARE(live.value()->objectId, ids.first());
        const auto stored = payments.rawJson(ids.first());
        QVERIFY2(stored.ok() && stored.value().has_value(), qPrintable(ids.first()));
        QCOMPARE(stored.value()->value(u"status"_s).toString(), u"succeeded"_s);
    }
    store::PaymentFilter succeeded;
    succeeded.statuses = {u"succeeded"_s};
    QCOMPARE(payments.count(succeeded).valueOr(-1), qint64(Sales));
}

QTEST_GUILESS_MAIN(TestOutboxCrash)
#include "tst_outboxcrash.moc"
