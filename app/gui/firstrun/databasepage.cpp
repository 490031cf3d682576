// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/databasepage.h"

#include "app/gui/shell/storeworker.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"
#include "services/store/migrations.h"

#include <QButtonGroup>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace kassa::gui::firstrun {

namespace {

// What a connection test found in the store.
struct StoreProbe
{
    QString error;
    int users = 0;
};

} // namespace

DatabasePage::DatabasePage(const FirstRunEnvironment &environment)
    : m_environment(environment)
{
    setTitle(u"Where Kassa keeps its records"_s);
    setSubTitle(u"Payments, refunds, users and settings are kept in a database. One till needs "
                "nothing more than a file on this computer; tills that share their records use one "
                "PostgreSQL database."_s);
    auto *layout = new QVBoxLayout(this);
    m_sqlite = new QRadioButton(u"On this computer (recommended for one till)"_s, this);
    m_sqlite->setObjectName(u"databaseSqlite"_s);
    m_sqlite->setAccessibleName(u"Keep the records on this computer"_s);
    layout->addWidget(m_sqlite);
    auto *path = wrapped(u"File: "_s + environment.sqlite.sqlitePath, this);
    path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    path->setContentsMargins(24, 0, 0, 8);
    layout->addWidget(path);
    m_postgres = new QRadioButton(u"In a shared PostgreSQL database (several tills)"_s, this);
    m_postgres->setObjectName(u"databasePostgres"_s);
    m_postgres->setAccessibleName(u"Keep the records in a shared PostgreSQL database"_s);
    layout->addWidget(m_postgres);
    auto *group = new QButtonGroup(this);
    group->addButton(m_sqlite);
    group->addButton(m_postgres);

    m_pgBox = new QWidget(this);
    auto *form = new QFormLayout(m_pgBox);
    form->setContentsMargins(24, 0, 0, 0);
    m_url = new QLineEdit(m_pgBox);
    m_url->setObjectName(u"databaseUrl"_s);
    m_url->setAccessibleName(u"PostgreSQL address"_s);
    m_url->setPlaceholderText(u"postgresql://kassa@db.example.com:5432/kassa"_s);
    form->addRow(u"Address:"_s, m_url);
    m_password = new QLineEdit(m_pgBox);
    m_password->setObjectName(u"databasePassword"_s);
    m_password->setAccessibleName(u"PostgreSQL password"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(u"kept in the keychain; empty: ~/.pgpass or PGPASSWORD"_s);
    form->addRow(u"Password:"_s, m_password);
    m_test = new QPushButton(u"Test connection"_s, m_pgBox);
    m_test->setObjectName(u"databaseTest"_s);
    form->addRow(QString(), m_test);
    layout->addWidget(m_pgBox);
    m_result = wrapped(QString(), this);
    m_result->setObjectName(u"databaseResult"_s);
    m_result->hide();
    layout->addWidget(m_result);
    layout->addStretch();

    const bool postgres = environment.current.dialect == store::Dialect::Postgres;
    (postgres ? m_postgres : m_sqlite)->setChecked(true);
    if (postgres) {
        store::DatabaseConfig shown = environment.current;
        shown.password.clear();
        m_url->setText(urlOf(shown));
        m_password->setText(environment.current.password);
    }
    m_pgBox->setEnabled(postgres);
    connect(m_postgres, &QRadioButton::toggled, this, [this](bool on) {
        m_pgBox->setEnabled(on);
        forget();
    });
    connect(m_url, &QLineEdit::textChanged, this, [this] { forget(); });
    connect(m_password, &QLineEdit::textChanged, this, [this] { forget(); });
    connect(m_test, &QPushButton::clicked, this, [this] { test(false); });
}

bool DatabasePage::isComplete() const
{
    return !m_testing && (m_sqlite->isChecked() || !m_url->text().trimmed().isEmpty());
}

int DatabasePage::nextId() const
{
    // A store another till set up already has its owner and settings: only the key is this till's.
    return m_tested && m_users > 0 ? FirstRunWizard::KeyPageId : FirstRunWizard::OwnerPageId;
}

bool DatabasePage::validatePage()
{
    FirstRunWizard *wizard = firstRun();
    if (m_sqlite->isChecked()) {
        wizard->setDatabase(m_environment.sqlite, QString(), false);
        return true;
    }
    if (m_tested) {
        wizard->setDatabase(m_config, m_displayUrl, m_users > 0);
        return true;
    }
    // Next tests the connection first, then goes on by itself.
    test(true);
    return false;
}

QString DatabasePage::urlOf(const store::DatabaseConfig &config)
{
    QUrl url;
    url.setScheme(u"postgresql"_s);
    url.setUserName(config.user);
    url.setHost(config.host);
    if (config.port > 0)
        url.setPort(config.port);
    if (!config.databaseName.isEmpty())
        url.setPath(u"/"_s + config.databaseName);
    return url.toString();
}

void DatabasePage::forget()
{
    m_tested = false;
    m_users = 0;
    showMessage(m_result, QString(), false);
    emit completeChanged();
}

void DatabasePage::test(bool thenNext)
{
    const QString text = m_url->text().trimmed();
    store::StoreResult<store::DatabaseConfig> parsed =
        store::DatabaseConfig::fromUrl(text, m_password->text());
    if (!parsed.ok())
        return showMessage(m_result, parsed.error().message, true);
    store::DatabaseConfig config = parsed.value();
    // A password typed into the address goes to the keychain like one typed in its field; the
    // address this computer remembers never holds it.
    QUrl typed(text);
    if (!typed.password().isEmpty() && m_password->text().isEmpty())
        config.password = typed.password(QUrl::FullyDecoded);
    typed.setPassword(QString());
    const QString displayUrl = typed.toString();
    m_testing = true;
    emit completeChanged();
    m_test->setEnabled(false);
    showMessage(m_result, u"Connecting to "_s + config.toDisplayString() + u"…"_s, false);
    QPointer<DatabasePage> self(this);
    runOnStoreThread<StoreProbe>(
        config, this,
        [](store::Database *db, const QString &openError) {
            StoreProbe probe;
            if (!db) {
                probe.error = openError;
                return probe;
            }
            if (const store::StoreError migrated = store::Migrations::migrate(*db); migrated.isError()) {
                probe.error = migrated.toString();
                return probe;
            }
            security::AuditLog audit(*db);
            const security::SecurityResult<QList<security::User>> users =
                security::UserService(*db, audit).list();
            if (!users.ok())
                probe.error = users.error().message;
            else
                probe.users = int(users.value().size());
            return probe;
        },
        [this, config, displayUrl, thenNext](const StoreProbe &probe) {
            m_testing = false;
            m_test->setEnabled(true);
            if (!probe.error.isEmpty()) {
                showMessage(m_result,
                            u"Kassa cannot use this database: "_s + probe.error.simplified() +
                                u"\nCheck the address, the password and that the server lets this "
                                "computer in."_s,
                            true);
                emit completeChanged();
                return;
            }
            m_tested = true;
            m_config = config;
            m_displayUrl = displayUrl;
            m_users = probe.users;
            showMessage(m_result,
                        m_users > 0 ? u"Connected. This database is already set up by another till "
                                      "(%1 users): this till joins it. You will log in with your own "
                                      "user once the Stripe key is entered."_s.arg(m_users)
                                    : u"Connected. The database is ready for Kassa."_s,
                        false);
            emit completeChanged();
            if (thenNext)
                wizard()->next();
        });
}

} // namespace kassa::gui::firstrun
