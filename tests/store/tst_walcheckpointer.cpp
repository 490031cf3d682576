// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/database.h"
#include "services/store/transaction.h"
#include "services/store/walcheckpointer.h"
#include "services/store/writeturn.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace kassa::store;

// WalCheckpointer takes SQLite's checkpoints off the writer's connection: the writer stops
// checkpointing on commit, another thread keeps the WAL copied back, and the writer gets its
// autocheckpoint back at the end.
class tst_WalCheckpointer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void checkpointsInItsOwnThread();
    void writerCheckpointsAgainAfterwards();
    void longWalStartsOverUnderConstantWrites();

private:
    qint64 walCheckpointSetting();
    int walFrames();
    void writeRows(int transactions, int rowsEach);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
};

void tst_WalCheckpointer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    StoreResult<std::unique_ptr<Database>> opened =
        Database::open(DatabaseConfig::sqlite(m_dir->filePath(u"kassa.sqlite"_s)));
    QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
    m_db = std::move(opened).value();
    QVERIFY(!m_db->execDirect(u"CREATE TABLE scratch (body TEXT NOT NULL)"_s).isError());
}

void tst_WalCheckpointer::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

qint64 tst_WalCheckpointer::walCheckpointSetting()
{
    const StoreResult<QVariant> value = m_db->queryValue(u"PRAGMA wal_autocheckpoint"_s);
    return value.ok() ? value.value().toLongLong() : -1;
}

int tst_WalCheckpointer::walFrames()
{
    int frames = -1;
    const StoreError error = m_db->query(u"PRAGMA wal_checkpoint(PASSIVE)"_s, {}, [&](const QSqlQuery &row) {
        frames = row.value(1).toInt();
        return false;
    });
    return error.isError() ? -1 : frames;
}

void tst_WalCheckpointer::writeRows(int transactions, int rowsEach)
{
    const QString body(2048, u'x');
    for (int t = 0; t < transactions; ++t) {
        Transaction transaction(*m_db);
        for (int i = 0; i < rowsEach; ++i)
            QVERIFY(m_db->exec(u"INSERT INTO scratch (body) VALUES (?)"_s, {body}).ok());
        QVERIFY(!transaction.commit().isError());
    }
}

void tst_WalCheckpointer::checkpointsInItsOwnThread()
{
    WalCheckpointer checkpointer;
    QString error;
    QVERIFY2(checkpointer.start(*m_db, 20, &error), qPrintable(error));
    QVERIFY(checkpointer.isRunning());
    QCOMPARE(walCheckpointSetting(), 0);

    // About 4 MB through the WAL: beyond the 1,000 pages after which the writer would checkpoint.
    writeRows(20, 100);
    const int before = checkpointer.checkpoints();
    QTRY_VERIFY_WITH_TIMEOUT(checkpointer.checkpoints() >= before + 2, 5000);

    // Everything written is copied back already: a checkpoint now finds every WAL frame done.
    bool allCheckpointed = false;
    QVERIFY(!m_db->query(u"PRAGMA wal_checkpoint(PASSIVE)"_s, {},
                         [&](const QSqlQuery &row) {
                             allCheckpointed =
                                 row.value(0).toInt() == 0 && row.value(1).toInt() == row.value(2).toInt();
                             return false;
                         })
                 .isError());
    QVERIFY(allCheckpointed);
    const StoreResult<QVariant> count = m_db->queryValue(u"SELECT count(*) FROM scratch"_s);
    QVERIFY(count.ok());
    QCOMPARE(count.value().toInt(), 2000);
}

void tst_WalCheckpointer::writerCheckpointsAgainAfterwards()
{
    {
        WalCheckpointer checkpointer;
        QVERIFY(checkpointer.start(*m_db, 20));
        writeRows(2, 10);
    }
    QCOMPARE(walCheckpointSetting(), 1000);
    writeRows(2, 10);
}

void tst_WalCheckpointer::longWalStartsOverUnderConstantWrites()
{
    // A writer that never pauses (as the webhook receiver under load): without the write turn no
    // checkpoint ever finds the WAL wholly copied when a writer begins, and the WAL only grows.
    WriteTurn turn;
    WalCheckpointer checkpointer;
    checkpointer.setWriteTurn(&turn);
    QVERIFY(checkpointer.start(*m_db, 20));
    QElapsedTimer clock;
    clock.start();
    int transactions = 0;
    // At most 4,000 transactions of 40 KB: without the restart the WAL would reach 160 MB, and more the
    // longer the loop ran.
    while (checkpointer.restarts() == 0 && transactions < 4000 && clock.elapsed() < 30'000) {
        const std::lock_guard writing(turn);
        writeRows(1, 20);
        ++transactions;
    }
    QVERIFY2(checkpointer.restarts() > 0,
             qPrintable(u"no restart after %1 transactions"_s.arg(transactions)));
    // The next commit started the WAL over: it holds that commit's frames, not everything since the start.
    {
        const std::lock_guard writing(turn);
        writeRows(1, 20);
    }
    const int frames = walFrames();
    QVERIFY2(frames > 0 && frames < 4096, qPrintable(u"%1 frames in the WAL"_s.arg(frames)));
    const StoreResult<QVariant> count = m_db->queryValue(u"SELECT count(*) FROM scratch"_s);
    QVERIFY(count.ok());
    QCOMPARE(count.value().toInt(), (transactions + 1) * 20);
}

QTEST_GUILESS_MAIN(tst_WalCheckpointer)
#include "tst_walcheckpointer.moc"
