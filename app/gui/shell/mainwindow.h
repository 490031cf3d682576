// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "app/gui/shell/sections.h"
#include "services/security/actinguser.h"

#include <QMainWindow>
#include <QMap>

class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;

namespace kassa::security {
class IdleLock;
}

namespace kassa::gui {

class ConsoleStatusBar;
class LoginScreen;

// The console's frame. It only hosts: the log-in/lock screen, and once somebody is logged in, the
// navigation and the pages that plugged in with addPage(). The navigation lists a section only when a
// page exists for it and the user's role has the section's permission (sectionsFor()), so a cashier
// never sees Reports or Settings. Above everything, in test mode, a TEST MODE banner that cannot be
// missed; below, ConsoleStatusBar. IdleLock locks the till back to the log-in screen.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const ConsoleContext &context, QWidget *parent = nullptr);
    ~MainWindow() override;

    // A page plugs in (the window takes it). Shown to the roles that may see `section`.
    void addPage(Section section, QWidget *page);
    QWidget *page(Section section) const { return m_pages.value(section); }
    void showSection(Section section);
    // The sections the navigation lists now (none while locked).
    QList<Section> visibleSections() const;
    Section currentSection() const;

    bool isLocked() const;
    const security::ActingUser &currentUser() const { return m_user; }
    // Back to the log-in screen; `idle` says the till locked itself.
    void lock(bool idle = false);

    LoginScreen *loginScreen() const { return m_login; }
    QLabel *testModeBanner() const { return m_banner; }
    ConsoleStatusBar *consoleStatusBar() const { return m_statusBar; }
    security::IdleLock &idleLock() const { return *m_idleLock; }

signals:
    void userChanged(const security::ActingUser &user);

private:
    void onLoggedIn(const security::ActingUser &user);
    void rebuildNavigation();
    QWidget *buildWorkspace();

    ConsoleContext m_context;
    security::ActingUser m_user;
    QLabel *m_banner = nullptr;
    QStackedWidget *m_screens;
    LoginScreen *m_login;
    QWidget *m_workspace = nullptr;
    QLabel *m_userLabel = nullptr;
    QPushButton *m_lockButton = nullptr;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pageStack = nullptr;
    QLabel *m_noPages = nullptr;
    QMap<Section, QWidget *> m_pages;
    ConsoleStatusBar *m_statusBar;
    security::IdleLock *m_idleLock;
};

} // namespace kassa::gui
