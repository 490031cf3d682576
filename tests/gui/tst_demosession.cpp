// SPDX-License-Identifier: GPL-3.0-or-later
// `kassa --demo`'s bootstrap: the simulator in this process with about 2,000 payments over 90 days,
// customers with saved cards and a reader; a fresh store filled from it by a backfill; the three demo
// users, who log in with the PINs the log-in screen shows; one refund request waiting for a manager.
#include "app/gui/demo/demosession.h"

#include "services/refunds/refundrequestservice.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"
#include "services/store/customerrepository.h"
#include "services/store/database.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrequestrepository.h"
#include "services/store/syncstaterepository.h"
#include "services/sync/eventpoller.h"
#include "sim/simulator.h"

#include <QDir>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;

class TestDemoSession : public QObject
{
    Q_OBJECT
private slots:
    void producesTheDemoShop();
    void dataDirGetsAFreshDemoFolder();
};

void TestDemoSession::producesTheDemoShop()
{
    DemoSession::Options options;
    options.hasher = security::PinHasher::insecureForTests(1000);
    DemoSession demo(options);
    QSignalSpy ready(&demo, &DemoSession::ready);
    QSignalSpy failed(&demo, &DemoSession::failed);
    demo.start();
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 120'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QVERIFY(demo.isReady());

    // The simulator listens on loopback, and the store holds what it holds.
    QCOMPARE(demo.simulator().baseUrl().host(), u"127.0.0.1"_s);
    const QJsonObject objects = demo.simulator().stats().value(u"objects"_s).toObject();
    const qint64 simPayments = objects.value(u"payment_intent"_s).toInteger();
    QCOMPARE(simPayments, qint64(DemoSession::DefaultPayments));
    QVERIFY(objects.value(u"terminal.reader"_s).toInteger() >= 1);
    QCOMPARE(store::PaymentRepository(demo.database()).count({}).valueOr(-1), simPayments);

    // Payments spread over about 90 days.
    store::PageRequest oldestFirst;
    oldestFirst.order = Qt::AscendingOrder;
    oldestFirst.limit = 1;
    store::PageRequest newestFirst;
    newestFirst.limit = 1;
    const auto oldest = store::PaymentRepository(demo.database()).page({}, oldestFirst);
    const auto newest = store::PaymentRepository(demo.database()).page({}, newestFirst);
    QVERIFY(oldest.ok() && newest.ok());
    const qint64 span = newest.value().rows.constFirst().created - oldest.value().rows.constFirst().created;
    QVERIFY2(span > 80 * 24 * 3600 && span <= 91 * 24 * 3600, qPrintable(QString::number(span)));

    // The events poller starts where the backfill began, not 30 days back.
    const auto watermark = store::SyncStateRepository(demo.database())
                               .integer(QString::fromLatin1(sync::EventPoller::WatermarkKey));
    QVERIFY(watermark.ok() && watermark.value().has_value());
    QVERIFY(*watermark.value() >= newest.value().rows.constFirst().created);

    // Customers with saved cards.
    QVERIFY(store::CustomerRepository(demo.database()).count(QString()).valueOr(0) >= 8);
    const auto savedCards = demo.database().queryValue(
        u"SELECT COUNT(*) FROM payment_methods WHERE customer_id IS NOT NULL AND type = 'card'"_s);
    QVERIFY(savedCards.ok());
    QVERIFY(savedCards.value().toLongLong() >= 8);

    // The three users, each logging in with the PIN the screen shows.
    security::AuditLog audit(demo.database(), DemoSession::tillId());
    security::UserService users(demo.database(), audit, security::PinHasher::insecureForTests(1000));
    const auto listed = users.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed.value().size(), 3);
    for (const DemoUser &user : DemoSession::users()) {
        const auto actor = users.authenticate(user.name, user.pin, DemoSession::tillId());
        QVERIFY2(actor.ok(), qPrintable(user.name));
        QCOMPARE(actor.value().role, user.role);
    }
    QCOMPARE(DemoSession::users().at(0).role, Role::Owner);
    QCOMPARE(DemoSession::users().at(1).role, Role::Manager);
    QCOMPARE(DemoSession::users().at(2).role, Role::Cashier);

    // One pending refund request, by the cashier, on a payment the store holds.
    const security::ActingUser manager{listed.value().at(1).id, u"max"_s, Role::Manager,
                                       DemoSession::tillId()};
    const auto pending = demo.refundRequests().pending(manager);
    QVERIFY(pending.ok());
    QCOMPARE(pending.value().size(), 1);
    QCOMPARE(pending.value().first().id, demo.pendingRefundRequestId());
    QCOMPARE(pending.value().first().requestedBy, u"cara"_s);
    QVERIFY(pending.value().first().amount.minorUnits() > 0);
    const auto payment =
        store::PaymentRepository(demo.database()).find(pending.value().first().paymentIntentId);
    QVERIFY(payment.ok() && payment.value().has_value());
    QCOMPARE(payment.value()->status, u"succeeded"_s);
}

void TestDemoSession::dataDirGetsAFreshDemoFolder()
{
    QTemporaryDir base;
    QVERIFY(base.isValid());
    // Something from an earlier demo: gone after the start; the folder around it stays as it was.
    QVERIFY(QDir(base.path()).mkpath(u"demo"_s));
    QFile stale(base.filePath(u"demo/kassa.sqlite"_s));
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.write("not a database");
    stale.close();
    QFile mine(base.filePath(u"keep.txt"_s));
    QVERIFY(mine.open(QIODevice::WriteOnly));
    mine.close();

    DemoSession::Options options;
    options.dataDir = base.path();
    options.payments = 120;
    options.hasher = security::PinHasher::insecureForTests(1000);
    DemoSession demo(options);
    QSignalSpy ready(&demo, &DemoSession::ready);
    QSignalSpy failed(&demo, &DemoSession::failed);
    demo.start();
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 60'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(demo.dataDir(), QDir(base.filePath(u"demo"_s)).absolutePath());
    QCOMPARE(store::PaymentRepository(demo.database()).count({}).valueOr(-1), qint64(120));
    QVERIFY(QFile::exists(base.filePath(u"keep.txt"_s)));
}

QTEST_MAIN(TestDemoSession)
#include "tst_demosession.moc"
