// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/shell/mainwindow.h"

#include "app/gui/shell/consolestatusbar.h"
#include "app/gui/shell/loginscreen.h"
#include "services/security/auditlog.h"
#include "services/security/idlelock.h"
#include "services/security/settingsservice.h"

#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <chrono>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int SectionRole = Qt::UserRole + 1;

std::chrono::milliseconds idleTimeout(const ConsoleContext &context)
{
    security::AuditLog audit(*context.db, context.till);
    return std::chrono::seconds(security::SettingsService(*context.db, audit).idleLockSeconds());
}

} // namespace

MainWindow::MainWindow(const ConsoleContext &context, QWidget *parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_screens(new QStackedWidget(this))
    , m_login(new LoginScreen(context, m_screens))
    , m_statusBar(new ConsoleStatusBar(context, this))
    , m_idleLock(new security::IdleLock(idleTimeout(context), this))
{
    m_workspace = buildWorkspace();
    setWindowTitle(m_context.demo ? u"Kassa (demo)"_s : u"Kassa"_s);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    if (m_context.testMode) {
        m_banner = new QLabel(central);
        m_banner->setObjectName(u"testModeBanner"_s);
        m_banner->setAlignment(Qt::AlignCenter);
        m_banner->setText(
            m_context.demo ? u"TEST MODE · DEMO: a simulated Stripe account on this computer. No real "
                             "money moves and no real card is charged."_s
                           : u"TEST MODE: this till uses a Stripe test key. No real money moves and no real "
                             "card is charged."_s);
        m_banner->setAccessibleName(u"Test mode"_s);
        m_banner->setStyleSheet(u"QLabel { background: #ffb300; color: #000; font-weight: bold; "
                                "padding: 8px; border-bottom: 3px solid #e65100; }"_s);
        QFont font = m_banner->font();
        font.setPointSizeF(font.pointSizeF() * 1.15);
        m_banner->setFont(font);
        layout->addWidget(m_banner);
    }
    m_screens->addWidget(m_login);
    m_screens->addWidget(m_workspace);
    layout->addWidget(m_screens, 1);
    setCentralWidget(central);
    setStatusBar(m_statusBar);

    connect(m_login, &LoginScreen::loggedIn, this, &MainWindow::onLoggedIn);
    connect(m_idleLock, &security::IdleLock::locked, this, [this] { lock(true); });
    auto *lockShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), this);
    connect(lockShortcut, &QShortcut::activated, this, [this] {
        if (!isLocked())
            lock();
    });
    m_screens->setCurrentWidget(m_login);
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::buildWorkspace()
{
    auto *workspace = new QWidget(m_screens);
    workspace->setObjectName(u"workspace"_s);
    auto *layout = new QVBoxLayout(workspace);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *header = new QWidget(workspace);
    header->setObjectName(u"header"_s);
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(12, 6, 12, 6);
    auto *title = new QLabel(u"<b>Kassa</b>"_s, header);
    headerLayout->addWidget(title);
    headerLayout->addStretch(1);
    m_userLabel = new QLabel(header);
    m_userLabel->setObjectName(u"userLabel"_s);
    headerLayout->addWidget(m_userLabel);
    m_lockButton = new QPushButton(u"Lock"_s, header);
    m_lockButton->setObjectName(u"lockButton"_s);
    m_lockButton->setToolTip(u"Lock the till; anyone logs in again with their PIN (Ctrl+L)"_s);
    m_lockButton->setMinimumSize(88, 44);
    m_lockButton->setIcon(lockIcon());
    m_lockButton->setIconSize(QSize(20, 20));
    headerLayout->addWidget(m_lockButton);
    connect(m_lockButton, &QPushButton::clicked, this, [this] { lock(); });
    layout->addWidget(header);

    auto *body = new QHBoxLayout;
    body->setSpacing(0);
    m_navigation = new QListWidget(workspace);
    m_navigation->setObjectName(u"navigation"_s);
    m_navigation->setAccessibleName(u"Navigation"_s);
    m_navigation->setFixedWidth(180);
    m_navigation->setSpacing(2);
    // Logical pixels: the SVG icons are rendered afresh for the screen's device pixel ratio.
    m_navigation->setIconSize(QSize(22, 22));
    QFont navFont = m_navigation->font();
    navFont.setPointSizeF(navFont.pointSizeF() * 1.2);
    m_navigation->setFont(navFont);
    m_navigation->setStyleSheet(u"QListWidget::item { min-height: 44px; padding-left: 10px; }"_s);
    body->addWidget(m_navigation);

    m_pageStack = new QStackedWidget(workspace);
    m_noPages = new QLabel(u"There is nothing here for your role yet."_s, m_pageStack);
    m_noPages->setAlignment(Qt::AlignCenter);
    m_pageStack->addWidget(m_noPages);
    body->addWidget(m_pageStack, 1);
    layout->addLayout(body, 1);

    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        const auto section = Section(m_navigation->item(row)->data(SectionRole).toInt());
        if (QWidget *page = m_pages.value(section))
            m_pageStack->setCurrentWidget(page);
    });
    return workspace;
}

void MainWindow::addPage(Section section, QWidget *page)
{
    if (QWidget *old = m_pages.value(section)) {
        m_pageStack->removeWidget(old);
        old->deleteLater();
    }
    m_pages.insert(section, page);
    m_pageStack->addWidget(page);
    rebuildNavigation();
}

void MainWindow::showSection(Section section)
{
    for (int row = 0; row < m_navigation->count(); ++row) {
        if (Section(m_navigation->item(row)->data(SectionRole).toInt()) == section) {
            m_navigation->setCurrentRow(row);
            return;
        }
    }
}

QList<Section> MainWindow::visibleSections() const
{
    QList<Section> sections;
    if (isLocked())
        return sections;
    for (int row = 0; row < m_navigation->count(); ++row)
        sections.append(Section(m_navigation->item(row)->data(SectionRole).toInt()));
    return sections;
}

Section MainWindow::currentSection() const
{
    const QListWidgetItem *item = m_navigation->currentItem();
    return item ? Section(item->data(SectionRole).toInt()) : Section::Sale;
}

bool MainWindow::isLocked() const
{
    return m_screens->currentWidget() == m_login;
}

void MainWindow::lock(bool idle)
{
    m_idleLock->stop();
    // Another till sharing the store may have added or disabled someone since the last log-in.
    m_login->reloadUsers();
    if (idle && m_user.isValid())
        m_login->showLocked(m_user);
    else
        m_login->showLogIn();
    // The pages stay as they are beneath; nobody sees or touches them until a log-in.
    m_screens->setCurrentWidget(m_login);
    m_login->pinField()->setFocus();
}

void MainWindow::onLoggedIn(const security::ActingUser &user)
{
    const bool sameUser = user.id == m_user.id;
    const Section previous = currentSection();
    m_user = user;
    m_userLabel->setText(u"%1 · %2"_s.arg(m_login->displayNameOf(user.name), roleName(user.role)));
    rebuildNavigation();
    if (sameUser)
        showSection(previous);
    m_screens->setCurrentWidget(m_workspace);
    if (QWidget *page = m_pageStack->currentWidget())
        page->setFocus();
    m_idleLock->setTimeout(idleTimeout(m_context));
    m_idleLock->start();
    emit userChanged(user);
}

void MainWindow::rebuildNavigation()
{
    const QSignalBlocker blocker(m_navigation);
    m_navigation->clear();
    if (!m_user.isValid())
        return;
    for (const Section section : sectionsFor(m_user.role)) {
        if (!m_pages.contains(section))
            continue;
        auto *item = new QListWidgetItem(sectionIcon(section), sectionTitle(section), m_navigation);
        item->setData(SectionRole, int(section));
    }
    if (m_navigation->count() == 0) {
        m_pageStack->setCurrentWidget(m_noPages);
        return;
    }
    m_navigation->setCurrentRow(0);
    m_pageStack->setCurrentWidget(m_pages.value(Section(m_navigation->item(0)->data(SectionRole).toInt())));
}

} // namespace kassa::gui
