// SPDX-License-Identifier: GPL-3.0-or-later
// IdleLock with a short interval: locks after the idle time, user input (keys, mouse) through the
// application's event filter postpones it, events that are not input do not, and it stays quiet once
// locked until armed again.
#include "services/security/idlelock.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWindow>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using kassa::security::IdleLock;

class TestIdleLock : public QObject
{
    Q_OBJECT

private slots:
    void locksWhenIdle();
    void inputPostponesTheLock();
    void otherEventsDoNot();
    void offAndRestart();
};

void TestIdleLock::locksWhenIdle()
{
    IdleLock lock(150ms);
    QSignalSpy locked(&lock, &IdleLock::locked);
    QVERIFY(!lock.isActive());
    QTest::qWait(250);
    QCOMPARE(locked.count(), 0); // not armed before a log-in
    QElapsedTimer clock;
    clock.start();
    lock.start();
    QVERIFY(locked.wait(2000));
    QVERIFY2(clock.elapsed() >= 140, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!lock.isActive());
    QTest::qWait(350);
    QCOMPARE(locked.count(), 1); // once, until armed again
}

void TestIdleLock::inputPostponesTheLock()
{
    QWindow window;
    window.resize(200, 100);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    IdleLock lock(600ms);
    QSignalSpy locked(&lock, &IdleLock::locked);
    QElapsedTimer clock;
    clock.start();
    lock.start();
    // Input every 100 ms for 900 ms, longer than the idle time, without a lock (the margin is wide so that a
    // busy machine does not make it flaky).
    for (int i = 0; i < 9; ++i) {
        QTest::qWait(100);
        if (i % 2)
            QTest::keyClick(&window, Qt::Key_5);
        else
            QTest::mouseClick(&window, Qt::LeftButton, {}, QPoint(10 + i, 10));
    }
    QCOMPARE(locked.count(), 0);
    const qint64 lastInput = clock.elapsed();
    QVERIFY(locked.wait(2000));
    QVERIFY2(clock.elapsed() - lastInput >= 550, qPrintable(QString::number(clock.elapsed() - lastInput)));
}

void TestIdleLock::otherEventsDoNot()
{
    QWindow window;
    IdleLock lock(200ms);
    QSignalSpy locked(&lock, &IdleLock::locked);
    lock.start();
    // Timers, paints, window title changes: not a person at the till.
    QTimer busy;
    int ticks = 0;
    connect(&busy, &QTimer::timeout, this, [&]() {
        window.setTitle(u"tick %1"_s.arg(++ticks));
        QEvent update(QEvent::UpdateRequest);
        QCoreApplication::sendEvent(&window, &update);
    });
    busy.start(20);
    QVERIFY(locked.wait(2000));
    QVERIFY(ticks > 3);
}

void TestIdleLock::offAndRestart()
{
    IdleLock lock(0ms);
    QSignalSpy locked(&lock, &IdleLock::locked);
    lock.start();
    QTest::qWait(200);
    QCOMPARE(locked.count(), 0); // 0: off
    lock.setTimeout(100ms);      // takes effect while armed, counting from the last input: at once here
    QTRY_COMPARE_WITH_TIMEOUT(locked.count(), 1, 2000);
    lock.start(); // after the next log-in
    QVERIFY(lock.isActive());
    lock.stop();
    QTest::qWait(250);
    QCOMPARE(locked.count(), 1);
    lock.start();
    QVERIFY(locked.wait(2000));
    QCOMPARE(locked.count(), 2);
}

QTEST_MAIN(TestIdleLock)
#include "tst_idlelock.moc"
