// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/database.h"
#include "services/store/transaction.h"
#include "services/store/walcheckpointer.h"

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

private:
    qint64 walCheckpointSetting();
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

QTEST_GUILESS_MAIN(tst_WalCheckpointer)
#include "tst_walcheckpointer.moc"
