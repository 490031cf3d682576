// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/security/idlelock.h"

#include <QCoreApplication>
#include <QEvent>

namespace kassa::security {

namespace {

bool isUserInput(QEvent::Type type)
{
    switch (type) {
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TouchEnd:
    case QEvent::TabletPress:
    case QEvent::TabletMove:
    case QEvent::InputMethod:
        return true;
    default:
        return false;
    }
}

} // namespace

IdleLock::IdleLock(std::chrono::milliseconds timeout, QObject *parent)
    : QObject(parent)
    , m_timeout(timeout)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &IdleLock::check);
    if (QCoreApplication *app = QCoreApplication::instance())
        app->installEventFilter(this);
}

IdleLock::~IdleLock()
{
    if (QCoreApplication *app = QCoreApplication::instance())
        app->removeEventFilter(this);
}

void IdleLock::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
    if (m_active)
        schedule();
}

void IdleLock::start()
{
    m_sinceInput.start();
    m_active = true;
    schedule();
}

void IdleLock::stop()
{
    m_active = false;
    m_timer.stop();
}

bool IdleLock::eventFilter(QObject *watched, QEvent *event)
{
    // Input only restarts a clock: the timer is re-armed when it fires, not on every mouse move.
    if (m_active && isUserInput(event->type()))
        m_sinceInput.restart();
    return QObject::eventFilter(watched, event);
}

void IdleLock::schedule()
{
    if (!m_active || m_timeout.count() <= 0) {
        m_timer.stop();
        return;
    }
    const qint64 remaining = m_timeout.count() - m_sinceInput.elapsed();
    if (remaining <= 0) {
        check();
        return;
    }
    m_timer.start(std::chrono::milliseconds(remaining));
}

void IdleLock::check()
{
    if (!m_active || m_timeout.count() <= 0)
        return;
    if (m_sinceInput.elapsed() < m_timeout.count()) {
        schedule();
        return;
    }
    m_active = false;
    emit locked();
}

} // namespace kassa::security
