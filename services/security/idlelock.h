// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace kassa::security {

// Locks the till when nobody has touched it for a while: watches the application's user input (keys,
// mouse, wheel, touch, tablet) through an event filter on the application object and emits locked()
// once the idle time has passed without any. The console then shows the log-in screen over what was
// open. After locked() it stays quiet until start() arms it again (after the next log-in).
//
// The time is the shop's idle setting (SettingKey, in seconds; 0 turns the lock off).
class IdleLock : public QObject
{
    Q_OBJECT
public:
    static constexpr QLatin1StringView SettingKey{"security.idle_lock_seconds"};
    static constexpr int DefaultSeconds = 300;

    // Watches QCoreApplication::instance(), which must exist.
    explicit IdleLock(std::chrono::milliseconds timeout, QObject *parent = nullptr);
    ~IdleLock() override;

    std::chrono::milliseconds timeout() const { return m_timeout; }
    // Takes effect at once, counting from the last input.
    void setTimeout(std::chrono::milliseconds timeout);

    // Arms the lock, counting from now. Does nothing while the timeout is 0.
    void start();
    void stop();
    bool isActive() const { return m_active; }

signals:
    void locked();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void check();
    void schedule();

    std::chrono::milliseconds m_timeout;
    QTimer m_timer;
    QElapsedTimer m_sinceInput;
    bool m_active = false;
};

} // namespace kassa::security
