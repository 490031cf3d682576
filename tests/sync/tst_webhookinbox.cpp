// SPDX-License-Identifier: GPL-3.0-or-later
// WebhookInbox, on SQLite and PostgreSQL: the receiver's socket thread stores the deliveries through a
// connection of its own and answers 2xx only after the commit; a store locked beyond its timeout gets a
// 503 and keeps nothing; closing while deliveries are in flight loses none that was answered 200.
#include "services/store/database.h"
#include "services/store/eventrepository.h"
#include "services/store/migrations.h"
#include "services/store/transaction.h"
#include "services/stripe/webhooksignature.h"
#include "services/sync/eventprocessor.h"
#include "services/sync/webhookinbox.h"
#include "storetestsupport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace kassa;

namespace {

const QByteArray Secret = "whsec_inboxtests0123456789";

QByteArray eventBody(const QString &id)
{
    QJsonObject payment = store::test::fixture(u"payment_intent"_s);
    payment.insert(u"id"_s, QString(u"pi_"_s + id.mid(4)));
    const QJsonObject event{
        {u"id"_s, id},
        {u"object"_s, u"event"_s},
        {u"type"_s, u"payment_intent.succeeded"_s},
        {u"created"_s, QDateTime::currentSecsSinceEpoch()},
        {u"data"_s, QJsonObject{{u"object"_s, payment}}},
    };
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

QByteArray signedPost(const QString &id, bool keepAlive = false)
{
    const QByteArray body = eventBody(id);
    return "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
           "application/json\r\nStripe-Signature: " +
           stripe::WebhookSignature::sign(body, Secret, QDateTime::currentSecsSinceEpoch()) +
           "\r\nContent-Length: " + QByteArray::number(body.size()) +
           (keepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n") + body;
}

// One connection per entry of `requests`, all written at once; the answers once every connection
// answered, closed, or `waitMs` passed. `during` runs right after the writes.
QList<QByteArray> exchange(quint16 port, const QList<QByteArray> &requests, int waitMs,
                           const std::function<void()> &during = {})
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QList<QByteArray> answers(requests.size());
    for (qsizetype i = 0; i < requests.size(); ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        if (!socket->waitForConnected(2000))
            return {};
        QObject::connect(socket.get(), &QTcpSocket::readyRead, socket.get(),
                         [&answers, i, raw = socket.get()] { answers[i] += raw->readAll(); });
        sockets.push_back(std::move(socket));
    }
    for (qsizetype i = 0; i < requests.size(); ++i) {
        sockets[size_t(i)]->write(requests.at(i));
        sockets[size_t(i)]->flush();
    }
    if (during)
        during();
    QElapsedTimer timer;
    timer.start();
    const auto done = [&] {
        for (size_t i = 0; i < sockets.size(); ++i) {
            if (!answers.at(qsizetype(i)).contains("\r\n\r\n") &&
                sockets[i]->state() == QAbstractSocket::ConnectedState)
                return false;
        }
        return true;
    };
    while (!done() && timer.elapsed() < waitMs)
        QTest::qWait(10);
    return answers;
}

} // namespace

class TestWebhookInbox : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { store::test::addBackendData(); }
    void init();
    void cleanup();

    void storedOnTheSocketThreadThenApplied();
    void lockedStoreAnswers503AndKeepsNothing();
    void closeWithDeliveriesInFlight();
    void passwordGivenForTheSocketThread();

private:
    // Held in the inbox (not applied yet) or applied.
    bool held(const QString &id);

    std::unique_ptr<store::test::TestStore> m_store;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<sync::EventProcessor> m_processor;
};

void TestWebhookInbox::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_store = std::make_unique<store::test::TestStore>();
    QString message;
    const store::test::TestStore::Status status = m_store->create(backend, &message);
    if (status == store::test::TestStore::Status::Skip)
        QSKIP(qPrintable(message));
    QVERIFY2(status == store::test::TestStore::Status::Ready, qPrintable(message));
    // A short busy timeout: the locked-store test waits for it.
    store::StoreResult<std::unique_ptr<store::Database>> opened = m_store->open(300);
    QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
    m_db = std::move(opened).value();
    const store::StoreError migrated = store::Migrations::migrate(*m_db);
    QVERIFY2(!migrated.isError(), qPrintable(migrated.toString()));
    m_processor = std::make_unique<sync::EventProcessor>(*m_db, nullptr);
}

void TestWebhookInbox::cleanup()
{
    m_processor.reset();
    m_db.reset();
    m_store.reset();
}

bool TestWebhookInbox::held(const QString &id)
{
    store::EventRepository events(*m_db);
    if (events.isProcessed(id).valueOr(false))
        return true;
    bool queued = false;
    const store::StoreError error =
        m_db->query(u"SELECT 1 FROM event_inbox WHERE id = ?"_s, {id}, [&queued](const QSqlQuery &) {
            queued = true;
            return false;
        });
    return !error.isError() && queued;
}

void TestWebhookInbox::storedOnTheSocketThreadThenApplied()
{
    sync::WebhookReceiver::Options options;
    options.perClientRate = 0;
    sync::WebhookInbox inbox(*m_db, *m_processor, options);
    QString why;
    QVERIFY2(inbox.startCheckpoints(&why), qPrintable(why));
    inbox.setSecrets({Secret});
    QVERIFY2(inbox.listen(QHostAddress::LocalHost, 0), qPrintable(inbox.errorString()));
    QVERIFY(inbox.storesOnSocketThread());
    QSignalSpy applied(&inbox, &sync::WebhookInbox::applied);

    // Several rounds on several connections: groups of various sizes, and each event twice.
    int total = 0;
    for (int round = 0; round < 4; ++round) {
        QList<QByteArray> requests;
        for (int i = 0; i < 8; ++i)
            requests << signedPost(u"evt_inbox%1"_s.arg(round * 8 + i))
                     << signedPost(u"evt_inbox%1"_s.arg(i));
        const QList<QByteArray> answers = exchange(inbox.port(), requests, 10'000);
        QCOMPARE(answers.size(), requests.size());
        for (const QByteArray &answer : answers)
            QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        total = (round + 1) * 8;
    }
    for (int i = 0; i < total; ++i)
        QVERIFY(held(u"evt_inbox%1"_s.arg(i)));
    QCOMPARE(inbox.receiver().stats().sinkFailures, 0);
    // Applied on this thread, after the socket thread said there is something new.
    store::EventRepository events(*m_db);
    QTRY_VERIFY_WITH_TIMEOUT(events.inboxSize().valueOr(-1) == 0, 10'000);
    QVERIFY(!applied.isEmpty());
    for (int i = 0; i < total; ++i)
        QVERIFY(events.isProcessed(u"evt_inbox%1"_s.arg(i)).valueOr(false));
}

void TestWebhookInbox::lockedStoreAnswers503AndKeepsNothing()
{
    sync::WebhookReceiver::Options options;
    options.perClientRate = 0;
    sync::WebhookInbox inbox(*m_db, *m_processor, options);
    inbox.setSecrets({Secret});
    QVERIFY(inbox.listen(QHostAddress::LocalHost, 0));
    QVERIFY(inbox.storesOnSocketThread());

    // Another connection holds the write lock (SQLite) or the inbox table (PostgreSQL) beyond the
    // store's busy timeout of 300 ms.
    store::StoreResult<std::unique_ptr<store::Database>> other = m_store->open(300);
    QVERIFY(other.ok());
    std::unique_ptr<store::Database> blocker = std::move(other).value();
    {
        store::Transaction transaction(*blocker);
        QVERIFY(transaction.isActive());
        if (blocker->isPostgres())
            QVERIFY(!blocker->execDirect(u"LOCK TABLE event_inbox IN EXCLUSIVE MODE"_s).isError());
        QElapsedTimer timer;
        timer.start();
        const QList<QByteArray> answers = exchange(inbox.port(), {signedPost(u"evt_locked"_s)}, 10'000);
        QCOMPARE(answers.size(), 1);
        QVERIFY2(answers.first().startsWith("HTTP/1.1 503"), answers.first().constData());
        QVERIFY(answers.first().contains("Retry-After: 1"));
        QVERIFY(timer.elapsed() >= 250);
        transaction.rollback();
    }
    QVERIFY(!held(u"evt_locked"_s));
    QCOMPARE(inbox.receiver().stats().accepted, 0);
    QCOMPARE(inbox.receiver().stats().sinkFailures, 1);

    // Stripe delivers it again: stored, and the receiver kept serving.
    const QList<QByteArray> again = exchange(inbox.port(), {signedPost(u"evt_locked"_s)}, 10'000);
    QVERIFY2(again.first().startsWith("HTTP/1.1 200"), again.first().constData());
    QVERIFY(held(u"evt_locked"_s));
}

void TestWebhookInbox::closeWithDeliveriesInFlight()
{
    sync::WebhookReceiver::Options options;
    options.perClientRate = 0;
    auto inbox = std::make_unique<sync::WebhookInbox>(*m_db, *m_processor, options);
    inbox->setSecrets({Secret});
    QVERIFY(inbox->listen(QHostAddress::LocalHost, 0));
    QVERIFY(inbox->storesOnSocketThread());
    const quint16 port = inbox->port();
    QSignalSpy stopped(inbox.get(), &sync::WebhookInbox::stopped);

    // Each connection pipelines a few deliveries; the receiver closes while they are being handled.
    constexpr int Connections = 32;
    constexpr int Pipelined = 8;
    QList<QByteArray> requests;
    for (int c = 0; c < Connections; ++c) {
        QByteArray pipelined;
        for (int r = 0; r < Pipelined; ++r)
            pipelined += signedPost(u"evt_flight%1_%2"_s.arg(c).arg(r), r + 1 < Pipelined);
        requests << pipelined;
    }
    const QList<QByteArray> answers = exchange(port, requests, 10'000, [&] { inbox->close(); });
    QCOMPARE(stopped.size(), 1);
    QVERIFY(!inbox->isListening());
    // Every 200 is a stored event; the rest are delivered again by Stripe.
    int ok = 0;
    for (int c = 0; c < Connections; ++c) {
        QByteArrayView rest = answers.at(c);
        for (int r = 0; r < Pipelined && rest.startsWith("HTTP/1.1 "); ++r) {
            QVERIFY2(rest.startsWith("HTTP/1.1 200"), rest.toByteArray().constData());
            QVERIFY(held(u"evt_flight%1_%2"_s.arg(c).arg(r)));
            ++ok;
            const qsizetype next = rest.indexOf("HTTP/1.1 ", 1);
            rest = next < 0 ? QByteArrayView() : rest.sliced(next);
        }
    }
    qInfo() << ok << "of" << Connections * Pipelined << "deliveries answered before the close";
    // Nothing listens any more, and the inbox can be destroyed and made again on the same store.
    QTcpSocket late;
    late.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(!late.waitForConnected(500) || late.waitForDisconnected(2000));
    inbox.reset();
    sync::WebhookInbox again(*m_db, *m_processor, options);
    again.setSecrets({Secret});
    QVERIFY(again.listen(QHostAddress::LocalHost, 0));
    const QList<QByteArray> answer = exchange(again.port(), {signedPost(u"evt_after"_s)}, 10'000);
    QVERIFY2(answer.first().startsWith("HTTP/1.1 200"), answer.first().constData());
}

// PostgreSQL: a password that only the keychain gave. Database forgets it once connected, so the socket
// thread's own connection is refused without it and deliveries are stored on this thread; given the
// configuration with it, the socket thread stores them.
void TestWebhookInbox::passwordGivenForTheSocketThread()
{
    QFETCH_GLOBAL(QString, backend);
    if (backend != u"postgres"_s)
        QSKIP("a password is PostgreSQL's");
    const QByteArray password = qgetenv("PGPASSWORD");
    if (password.isEmpty())
        QSKIP("the server lets this user in without a password (PGPASSWORD is not set)");
    store::DatabaseConfig config = m_store->config();
    config.password = QString::fromUtf8(password);
    qunsetenv("PGPASSWORD"); // from here on only the configuration holds it, as with the keychain
    const auto restore = qScopeGuard([&password] { qputenv("PGPASSWORD", password); });
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(config);
    QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
    std::unique_ptr<store::Database> db = std::move(opened).value();
    QVERIFY(db->config().password.isEmpty());
    sync::EventProcessor processor(*db, nullptr);
    sync::WebhookReceiver::Options options;
    options.perClientRate = 0;
    for (const bool given : {false, true}) {
        sync::WebhookInbox inbox(*db, processor, options);
        if (given)
            inbox.setConnectionConfig(config);
        inbox.setSecrets({Secret});
        QVERIFY2(inbox.listen(QHostAddress::LocalHost, 0), qPrintable(inbox.errorString()));
        QCOMPARE(inbox.storesOnSocketThread(), given);
        const QString id = given ? u"evt_password_given"_s : u"evt_password_missing"_s;
        const QList<QByteArray> answers = exchange(inbox.port(), {signedPost(id)}, 10'000);
        QCOMPARE(answers.size(), 1);
        QVERIFY2(answers.first().startsWith("HTTP/1.1 200"), answers.first().constData());
        QVERIFY(held(id));
        inbox.close();
    }
}

QTEST_GUILESS_MAIN(TestWebhookInbox)
#include "tst_webhookinbox.moc"
