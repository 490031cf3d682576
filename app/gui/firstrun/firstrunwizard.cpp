// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/firstrunwizard.h"

#include "app/gui/shell/localconfig.h"
#include "app/gui/shell/storeworker.h"
#include "services/security/auditlog.h"
#include "services/security/pinpolicy.h"
#include "services/security/sessionsecretstore.h"
#include "services/security/settingsservice.h"
#include "services/security/stripekey.h"
#include "services/security/stripekeycheck.h"
#include "services/security/userservice.h"
#include "services/store/migrations.h"
#include "services/store/transaction.h"
#include "services/stripe/resources/webhookendpoints.h"
#include "services/stripe/stripeclient.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QCheckBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QLabel *wrapped(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

void showMessage(QLabel *label, const QString &text, bool error)
{
    label->setText(text);
    label->setStyleSheet(error ? u"color: #b00020;"_s : u"color: #1b5e20;"_s);
    label->setVisible(!text.isEmpty());
}

// The pages reach the wizard's shared choices through this.
class FirstRunPage : public QWizardPage
{
protected:
    FirstRunWizard *firstRun() const { return qobject_cast<FirstRunWizard *>(wizard()); }
};

// What a connection test found in the store.
struct StoreProbe
{
    QString error;
    int users = 0;
};

// ---------------------------------------------------------------------------------------------------
// Where the store is.
class DatabasePage : public FirstRunPage
{
public:
    explicit DatabasePage(const FirstRunEnvironment &environment)
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

    bool isComplete() const override
    {
        return !m_testing && (m_sqlite->isChecked() || !m_url->text().trimmed().isEmpty());
    }

    int nextId() const override
    {
        // A store another till set up already has its owner and settings: only the key is this till's.
        return m_tested && m_users > 0 ? FirstRunWizard::KeyPageId : FirstRunWizard::OwnerPageId;
    }

    bool validatePage() override
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

private:
    static QString urlOf(const store::DatabaseConfig &config)
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

    void forget()
    {
        m_tested = false;
        m_users = 0;
        showMessage(m_result, QString(), false);
        emit completeChanged();
    }

    void test(bool thenNext)
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

    FirstRunEnvironment m_environment;
    QRadioButton *m_sqlite;
    QRadioButton *m_postgres;
    QWidget *m_pgBox;
    QLineEdit *m_url;
    QLineEdit *m_password;
    QPushButton *m_test;
    QLabel *m_result;
    bool m_testing = false;
    bool m_tested = false;
    int m_users = 0;
    store::DatabaseConfig m_config;
    QString m_displayUrl;
};

// ---------------------------------------------------------------------------------------------------
// The owner.
class OwnerPage : public FirstRunPage
{
public:
    OwnerPage()
    {
        setTitle(u"The owner"_s);
        setSubTitle(u"The owner may do everything: take payments, approve refunds, change keys, users and "
                    "settings. Add the other people who use the till later, in Settings."_s);
        auto *form = new QFormLayout(this);
        m_name = new QLineEdit(this);
        m_name->setObjectName(u"ownerName"_s);
        m_name->setAccessibleName(u"Owner's log-in name"_s);
        m_name->setPlaceholderText(u"e.g. olga"_s);
        form->addRow(u"Log-in name:"_s, m_name);
        m_displayName = new QLineEdit(this);
        m_displayName->setObjectName(u"ownerDisplayName"_s);
        m_displayName->setAccessibleName(u"Owner's full name"_s);
        m_displayName->setPlaceholderText(u"e.g. Olga Berg (shown on the log-in screen)"_s);
        form->addRow(u"Full name:"_s, m_displayName);
        m_pin = new QLineEdit(this);
        m_pin->setObjectName(u"ownerPin"_s);
        m_pin->setAccessibleName(u"Owner's PIN or passphrase"_s);
        m_pin->setEchoMode(QLineEdit::Password);
        form->addRow(u"PIN or passphrase:"_s, m_pin);
        m_repeat = new QLineEdit(this);
        m_repeat->setObjectName(u"ownerPinRepeat"_s);
        m_repeat->setAccessibleName(u"Owner's PIN or passphrase again"_s);
        m_repeat->setEchoMode(QLineEdit::Password);
        form->addRow(u"Once more:"_s, m_repeat);
        form->addRow(QString(),
                     wrapped(u"A PIN is %1 to %2 digits, quick on the till's keypad. Since the owner's "
                             "account can change the Stripe key and the users, a passphrase of at least %3 "
                             "characters (words will do) is safer."_s.arg(security::PinPolicy::MinDigits)
                                 .arg(security::PinPolicy::MaxDigits)
                                 .arg(security::PinPolicy::MinPassphrase),
                             this));
        m_problem = wrapped(QString(), this);
        m_problem->setObjectName(u"ownerProblem"_s);
        m_problem->hide();
        form->addRow(QString(), m_problem);
        for (QLineEdit *field : {m_name, m_displayName, m_pin, m_repeat})
            connect(field, &QLineEdit::textChanged, this, [this] { check(); });
    }

    bool isComplete() const override { return m_valid; }

    QString name() const { return security::UserService::normalizeName(m_name->text()); }
    QString displayName() const
    {
        const QString shown = m_displayName->text().trimmed();
        return shown.isEmpty() ? m_name->text().trimmed() : shown;
    }
    QString pin() const { return m_pin->text(); }

private:
    void check()
    {
        QString problem;
        if (!m_name->text().trimmed().isEmpty())
            problem = security::UserService::checkName(name());
        if (problem.isEmpty() && !m_pin->text().isEmpty())
            problem = security::PinPolicy::check(m_pin->text(), Role::Owner);
        if (problem.isEmpty() && !m_repeat->text().isEmpty() && m_repeat->text() != m_pin->text() &&
            !m_pin->text().startsWith(m_repeat->text()))
            problem = u"The two entries differ."_s;
        showMessage(m_problem, problem, true);
        const bool valid = problem.isEmpty() && !m_name->text().trimmed().isEmpty() &&
                           !m_pin->text().isEmpty() && m_repeat->text() == m_pin->text();
        if (valid != m_valid) {
            m_valid = valid;
            emit completeChanged();
        }
    }

    QLineEdit *m_name;
    QLineEdit *m_displayName;
    QLineEdit *m_pin;
    QLineEdit *m_repeat;
    QLabel *m_problem;
    bool m_valid = false;
};

// ---------------------------------------------------------------------------------------------------
// The Stripe key.
class KeyPage : public FirstRunPage
{
public:
    explicit KeyPage(const FirstRunEnvironment &environment)
        : m_environment(environment)
    {
        setTitle(u"Your Stripe key"_s);
        setSubTitle(u"Kassa talks to Stripe with your account's secret key. Find it in the Stripe "
                    "Dashboard under Developers, API keys."_s);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(wrapped(u"A test key (sk_test_…) lets you try every payment with test cards: "
                                  "no money moves, and Kassa shows TEST MODE. A live key (sk_live_…) takes "
                                  "real payments. A restricted key (rk_…) works too."_s,
                                  this));
        m_key = new QLineEdit(this);
        m_key->setObjectName(u"stripeKey"_s);
        m_key->setAccessibleName(u"Stripe secret key"_s);
        m_key->setEchoMode(QLineEdit::Password);
        m_key->setPlaceholderText(u"sk_test_… or sk_live_…"_s);
        auto *row = new QHBoxLayout;
        row->addWidget(m_key, 1);
        m_show = new QCheckBox(u"Show"_s, this);
        m_show->setAccessibleName(u"Show the key"_s);
        row->addWidget(m_show);
        layout->addLayout(row);
        m_result = wrapped(QString(), this);
        m_result->setObjectName(u"keyResult"_s);
        m_result->hide();
        layout->addWidget(m_result);

        m_keychainBox = new QWidget(this);
        auto *keychain = new QVBoxLayout(m_keychainBox);
        keychain->setContentsMargins(0, 12, 0, 0);
        m_keychainText = wrapped(QString(), m_keychainBox);
        m_keychainText->setObjectName(u"keychainProblem"_s);
        m_keychainText->setStyleSheet(u"color: #8a5300;"_s);
        keychain->addWidget(m_keychainText);
        auto *choices = new QHBoxLayout;
        m_retry = new QPushButton(u"Try the keychain again"_s, m_keychainBox);
        m_retry->setObjectName(u"keychainRetry"_s);
        choices->addWidget(m_retry);
        choices->addStretch();
        keychain->addLayout(choices);
        m_sessionOnly = new QCheckBox(u"Keep the key for this session only"_s, m_keychainBox);
        m_sessionOnly->setObjectName(u"sessionOnly"_s);
        m_sessionOnly->setAccessibleName(u"Keep the key for this session only"_s);
        keychain->addWidget(m_sessionOnly);
        keychain->addWidget(wrapped(u"The key then stays in Kassa's memory until Kassa closes and is never "
                                    "written to disk. At the next start Kassa asks for it again, unless "
                                    "the keychain works by then (store it with kassa-cli keys set)."_s,
                                    m_keychainBox));
        m_keychainBox->hide();
        layout->addWidget(m_keychainBox);
        layout->addStretch();

        connect(m_show, &QCheckBox::toggled, this,
                [this](bool on) { m_key->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password); });
        connect(m_key, &QLineEdit::textChanged, this, [this] {
            m_checked.clear();
            showMessage(m_result, QString(), false);
            emit completeChanged();
        });
        connect(m_sessionOnly, &QCheckBox::toggled, this, [this] { emit completeChanged(); });
        connect(m_retry, &QPushButton::clicked, this, [this] { probeKeychain(); });
    }

    void initializePage() override { probeKeychain(); }

    int nextId() const override
    {
        const FirstRunWizard *wizard = firstRun();
        return wizard && wizard->joinedExistingStore() ? FirstRunWizard::FinishPageId
                                                       : FirstRunWizard::EventsPageId;
    }

    bool isComplete() const override
    {
        return !m_checking && !m_probing && !m_key->text().trimmed().isEmpty() &&
               (m_keychainWorks || m_sessionOnly->isChecked());
    }

    bool validatePage() override
    {
        const security::StripeKey key = security::StripeKey::parse(m_key->text());
        if (!key.isValid()) {
            showMessage(m_result, u"This is not a Stripe key: "_s + key.error(), true);
            return false;
        }
        if (!key.isServerKey()) {
            showMessage(m_result,
                        u"This is a %1. Kassa needs the secret key (sk_test_… or sk_live_…) or a "
                        "restricted key (rk_…)."_s.arg(security::StripeKey::typeName(key.type())),
                        true);
            return false;
        }
        const bool sessionOnly = !m_keychainWorks && m_sessionOnly->isChecked();
        if (m_checked == key.value()) {
            firstRun()->setCheckedKey(key.value(), sessionOnly);
            return true;
        }
        // Next asks Stripe first and goes on by itself when Stripe takes the key.
        m_checking = true;
        emit completeChanged();
        showMessage(m_result, u"Asking Stripe about %1…"_s.arg(key.masked()), false);
        security::StripeKeyCheck::run(
            firstRun()->client(), key, this, [this](const security::StripeKeyCheck::Result &result) {
                m_checking = false;
                emit completeChanged();
                if (!result.accepted) {
                    showMessage(m_result, refusal(result.error), true);
                    return;
                }
                m_checked = result.key.value();
                showMessage(m_result,
                            u"Stripe accepts this %1 %2 (%3)."_s.arg(
                                security::StripeKey::modeName(result.key.mode()),
                                security::StripeKey::typeName(result.key.type()), result.key.masked()),
                            false);
                wizard()->next();
            });
        return false;
    }

private:
    static QString refusal(const stripe::StripeError &error)
    {
        switch (error.kind) {
        case stripe::StripeError::Kind::Authentication:
            return u"Stripe does not accept this key: %1\nCopy it again from the Stripe Dashboard "
                   "(Developers, API keys); a key that was rolled no longer works."_s.arg(error.message);
        case stripe::StripeError::Kind::Connection:
            return u"Kassa cannot reach Stripe: %1\nCheck the network connection, then press Next "
                   "again."_s.arg(error.message);
        default:
            return u"Stripe refused the key: "_s + error.toString();
        }
    }

    void probeKeychain()
    {
        m_probing = true;
        emit completeChanged();
        m_retry->setEnabled(false);
        // A read tells whether the keychain answers at all; NotFound is the normal answer on a first run.
        m_environment.secrets->read({m_environment.profile, security::SecretKind::StripeSecretKey}, this,
                                    [this](const security::SecretResult &result) {
                                        m_probing = false;
                                        m_retry->setEnabled(true);
                                        m_keychainWorks = !result.error.allowsSessionOnly();
                                        m_keychainBox->setVisible(!m_keychainWorks);
                                        if (!m_keychainWorks)
                                            m_keychainText->setText(
                                                u"Kassa cannot keep the key in the keychain: "_s +
                                                result.error.message +
                                                (result.error.message.endsWith(u'.') ? QString() : u"."_s));
                                        emit completeChanged();
                                    });
    }

    FirstRunEnvironment m_environment;
    QLineEdit *m_key;
    QCheckBox *m_show;
    QLabel *m_result;
    QWidget *m_keychainBox;
    QLabel *m_keychainText;
    QPushButton *m_retry;
    QCheckBox *m_sessionOnly;
    QString m_checked; // the key Stripe accepted
    bool m_checking = false;
    bool m_probing = false;
    bool m_keychainWorks = true;
};

// ---------------------------------------------------------------------------------------------------
// How the till hears of Stripe's events.
class EventsPage : public FirstRunPage
{
public:
    EventsPage()
    {
        setTitle(u"News from Stripe"_s);
        setSubTitle(u"How Kassa hears of what changes at Stripe."_s);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(wrapped(u"Payments and refunds also change at Stripe (a refund from the Dashboard, "
                                  "a payment that settles later). Kassa keeps its records up to date by "
                                  "asking Stripe regularly, or by receiving Stripe's webhooks."_s,
                                  this));
        m_poll = new QRadioButton(u"Ask Stripe regularly (recommended: works behind any router)"_s, this);
        m_poll->setObjectName(u"eventsPoll"_s);
        layout->addWidget(m_poll);
        auto *pollRow = new QHBoxLayout;
        pollRow->setContentsMargins(24, 0, 0, 8);
        pollRow->addWidget(new QLabel(u"Every"_s, this));
        m_interval = new QSpinBox(this);
        m_interval->setObjectName(u"pollInterval"_s);
        m_interval->setAccessibleName(u"Seconds between two questions to Stripe"_s);
        m_interval->setRange(5, 3600);
        m_interval->setValue(15);
        m_interval->setSuffix(u" seconds"_s);
        pollRow->addWidget(m_interval);
        pollRow->addStretch();
        layout->addLayout(pollRow);
        m_webhook =
            new QRadioButton(u"Receive Stripe's webhooks (needs an address Stripe can reach)"_s, this);
        m_webhook->setObjectName(u"eventsWebhook"_s);
        layout->addWidget(m_webhook);
        auto *group = new QButtonGroup(this);
        group->addButton(m_poll);
        group->addButton(m_webhook);
        m_webhookBox = new QWidget(this);
        auto *form = new QFormLayout(m_webhookBox);
        form->setContentsMargins(24, 0, 0, 0);
        m_listen = new QLineEdit(u"127.0.0.1:8787"_s, m_webhookBox);
        m_listen->setObjectName(u"webhookListen"_s);
        m_listen->setAccessibleName(u"Address the webhook receiver listens on"_s);
        form->addRow(u"Listen on:"_s, m_listen);
        m_register = new QCheckBox(u"Register this endpoint with Stripe now"_s, m_webhookBox);
        m_register->setObjectName(u"webhookRegister"_s);
        form->addRow(QString(), m_register);
        m_publicUrl = new QLineEdit(m_webhookBox);
        m_publicUrl->setObjectName(u"webhookUrl"_s);
        m_publicUrl->setAccessibleName(u"Public address of the webhook endpoint"_s);
        m_publicUrl->setPlaceholderText(u"https://till.example.com/webhook"_s);
        form->addRow(u"Public address:"_s, m_publicUrl);
        form->addRow(QString(), wrapped(u"Start the receiver with kassa-cli webhook serve --listen ADDRESS. "
                                        "The console keeps asking Stripe as well, so nothing is missed "
                                        "while the receiver is down."_s,
                                        m_webhookBox));
        layout->addWidget(m_webhookBox);
        m_problem = wrapped(QString(), this);
        m_problem->hide();
        layout->addWidget(m_problem);
        layout->addStretch();
        m_poll->setChecked(true);
        m_webhookBox->setEnabled(false);
        m_publicUrl->setEnabled(false);
        connect(m_webhook, &QRadioButton::toggled, m_webhookBox, &QWidget::setEnabled);
        connect(m_register, &QCheckBox::toggled, m_publicUrl, &QWidget::setEnabled);
        // A message about the last Next goes as soon as the fields change.
        for (QLineEdit *edited : {m_listen, m_publicUrl})
            connect(edited, &QLineEdit::textChanged, this,
                    [this] { showMessage(m_problem, QString(), false); });
    }

    bool validatePage() override
    {
        if (!useWebhook())
            return true;
        const QString listen = m_listen->text().trimmed();
        const qsizetype colon = listen.lastIndexOf(u':');
        bool portOk = false;
        const uint port = colon < 0 ? 0 : listen.mid(colon + 1).toUInt(&portOk);
        if (colon <= 0 || !portOk || port == 0 || port > 65535) {
            showMessage(m_problem, u"Listen on needs an address and a port, e.g. 127.0.0.1:8787."_s, true);
            return false;
        }
        const QUrl url(m_publicUrl->text().trimmed());
        if (m_register->isChecked() && (!url.isValid() || url.host().isEmpty() ||
                                        (url.scheme() != u"https"_s && url.scheme() != u"http"_s))) {
            showMessage(
                m_problem,
                u"Stripe needs the public address as a full URL, e.g. https://till.example.com/webhook."_s,
                true);
            return false;
        }
        showMessage(m_problem, QString(), false);
        return true;
    }

    bool useWebhook() const { return m_webhook->isChecked(); }
    int intervalSeconds() const { return m_interval->value(); }
    QString listen() const { return m_listen->text().trimmed(); }
    QString registerUrl() const
    {
        return m_register->isChecked() ? m_publicUrl->text().trimmed() : QString();
    }

private:
    QRadioButton *m_poll;
    QSpinBox *m_interval;
    QRadioButton *m_webhook;
    QWidget *m_webhookBox;
    QLineEdit *m_listen;
    QCheckBox *m_register;
    QLineEdit *m_publicUrl;
    QLabel *m_problem;
};

// ---------------------------------------------------------------------------------------------------
// What will be saved; Finish saves it.
class FinishPage : public FirstRunPage
{
public:
    FinishPage()
    {
        setTitle(u"Ready"_s);
        setSubTitle(u"Finish saves the following and opens the log-in screen."_s);
        auto *layout = new QVBoxLayout(this);
        m_summary = new QLabel(this);
        m_summary->setObjectName(u"summary"_s);
        m_summary->setWordWrap(true);
        m_summary->setTextFormat(Qt::RichText);
        layout->addWidget(m_summary);
        m_status = wrapped(QString(), this);
        m_status->setObjectName(u"finishStatus"_s);
        m_status->hide();
        layout->addWidget(m_status);
        layout->addStretch();
        setFinalPage(true);
    }

    void initializePage() override
    {
        auto *wizard = firstRun();
        const auto *owner = static_cast<const OwnerPage *>(wizard->page(FirstRunWizard::OwnerPageId));
        const auto *events = static_cast<const EventsPage *>(wizard->page(FirstRunWizard::EventsPageId));
        const security::StripeKey key = security::StripeKey::parse(wizard->checkedKey());
        QStringList items;
        items << u"Records: "_s + wizard->databaseConfig().toDisplayString().toHtmlEscaped();
        if (wizard->joinedExistingStore()) {
            items << u"This till joins the store another till set up; log in with your own user."_s;
        } else {
            items << u"Owner: %1 (%2)"_s.arg(owner->displayName().toHtmlEscaped(),
                                             owner->name().toHtmlEscaped());
            items << (events->useWebhook()
                          ? u"Events: webhooks on %1%2, and asking Stripe every %3 s"_s.arg(
                                events->listen().toHtmlEscaped(),
                                events->registerUrl().isEmpty()
                                    ? QString()
                                    : QString(u", registered as "_s + events->registerUrl().toHtmlEscaped()),
                                QString::number(events->intervalSeconds()))
                          : u"Events: asking Stripe every %1 seconds"_s.arg(events->intervalSeconds()));
        }
        items << u"Stripe key: %1 %2, %3"_s.arg(
            security::StripeKey::modeName(key.mode()), key.masked(),
            wizard->keyForSessionOnly() ? u"<b>for this session only</b>"_s : u"kept in the keychain"_s);
        m_summary->setText(u"<ul><li>"_s + items.join(u"</li><li>"_s) + u"</li></ul>"_s);
        if (key.isLive())
            m_summary->setText(m_summary->text() +
                               u"<p><b>This is a live key: payments taken with it are real.</b></p>"_s);
        showMessage(m_status, QString(), false);
    }

    bool isComplete() const override { return !m_saving; }

    bool validatePage() override
    {
        if (m_saved)
            return true;
        m_saving = true;
        emit completeChanged();
        // Once the owner is being written, a cancel could no longer take it back: no way out until the
        // save has finished one way or the other.
        setLeaving(false);
        showMessage(m_status, u"Saving…"_s, false);
        firstRun()->save([this](const QString &error) {
            m_saving = false;
            setLeaving(true);
            emit completeChanged();
            if (!error.isEmpty()) {
                showMessage(m_status, error, true);
                return;
            }
            m_saved = true;
            wizard()->accept();
        });
        return false;
    }

private:
    void setLeaving(bool enabled)
    {
        for (const QWizard::WizardButton button : {QWizard::BackButton, QWizard::CancelButton}) {
            if (QAbstractButton *shown = wizard()->button(button))
                shown->setEnabled(enabled);
        }
    }

    QLabel *m_summary;
    QLabel *m_status;
    bool m_saving = false;
    bool m_saved = false;
};

} // namespace

FirstRunWizard::FirstRunWizard(const FirstRunEnvironment &environment, QWidget *parent)
    : QWizard(parent)
    , m_environment(environment)
    , m_network(std::make_unique<QNetworkAccessManager>())
    , m_client(std::make_unique<stripe::StripeClient>(*m_network))
{
    if (!environment.apiBase.isEmpty())
        m_client->setApiBase(environment.apiBase);
    m_database = environment.sqlite;
    setWindowTitle(u"Set up Kassa"_s);
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnLastPage, false);
    setOption(QWizard::NoCancelButtonOnLastPage, false);
    setPage(DatabasePageId, new DatabasePage(environment));
    setPage(OwnerPageId, new OwnerPage);
    setPage(KeyPageId, new KeyPage(environment));
    setPage(EventsPageId, new EventsPage);
    setPage(FinishPageId, new FinishPage);
    setStartId(DatabasePageId);
    resize(720, 560);
}

FirstRunWizard::~FirstRunWizard() = default;

void FirstRunWizard::writeSecret(security::SecretKind kind, const QString &value,
                                 const std::function<void()> &next,
                                 const std::function<void(const QString &)> &fail)
{
    const security::SecretId id{m_environment.profile, kind};
    if (m_sessionOnly) {
        m_environment.secrets->keepForSession(id, value);
        return next();
    }
    m_environment.secrets->write(id, value, this, [id, next, fail](const security::SecretError &error) {
        if (!error.isError())
            return next();
        fail(u"The %1 could not be kept in the keychain: %2%3"_s.arg(
            security::secretKindLabel(id.kind), error.message,
            error.allowsSessionOnly() ? u"\nGo back to the key page to keep it for this session only."_s
                                      : QString()));
    });
}

void FirstRunWizard::done(int result)
{
    // Escape or the window's close button while the owner is being written: the save finishes first.
    if (m_saving && result != Accepted)
        return;
    QWizard::done(result);
}

void FirstRunWizard::save(const std::function<void(const QString &error)> &finished)
{
    m_warnings.clear();
    m_saving = true;
    const auto done = [this, finished](const QString &error) {
        m_saving = false;
        finished(error);
    };
    auto afterKey = [this, done] {
        LocalConfig local(
            LocalConfig::defaultPath(m_environment.sqlite.sqlitePath.isEmpty()
                                         ? QString()
                                         : QFileInfo(m_environment.sqlite.sqlitePath).absolutePath()));
        if (const QString error = local.setDatabaseUrl(m_databaseUrl, m_environment.profile);
            !error.isEmpty())
            return done(u"Kassa cannot remember where the records are: "_s + error);
        if (m_joined)
            return done(QString());
        createOwner([this, done](const QString &ownerError) {
            if (!ownerError.isEmpty())
                return done(ownerError);
            registerWebhook([done] { done(QString()); });
        });
    };
    auto afterPassword = [this, afterKey, done] {
        writeSecret(security::SecretKind::StripeSecretKey, m_key, afterKey, done);
    };
    if (m_database.dialect == store::Dialect::Postgres && !m_database.password.isEmpty())
        writeSecret(security::SecretKind::DatabasePassword, m_database.password, afterPassword, done);
    else
        afterPassword();
}

void FirstRunWizard::createOwner(const std::function<void(const QString &error)> &done)
{
    const auto *owner = static_cast<const OwnerPage *>(page(OwnerPageId));
    const auto *events = static_cast<const EventsPage *>(page(EventsPageId));
    const security::UserService::NewUser user{owner->name(), owner->displayName(), Role::Owner};
    const QString pin = owner->pin();
    QList<std::pair<QString, QString>> settings;
    settings.emplaceBack(QString(EventsSourceSetting), events->useWebhook() ? u"webhook"_s : u"poll"_s);
    settings.emplaceBack(QString(PollIntervalSetting), QString::number(events->intervalSeconds()));
    if (events->useWebhook()) {
        settings.emplaceBack(QString(WebhookListenSetting), events->listen());
        if (!events->registerUrl().isEmpty())
            settings.emplaceBack(QString(WebhookUrlSetting), events->registerUrl());
    }
    const FirstRunEnvironment environment = m_environment;
    // PBKDF2 takes a good fraction of a second: on a worker, with its own connection.
    runOnStoreThread<QString>(
        m_database, this,
        [environment, user, pin, settings](store::Database *db, const QString &openError) -> QString {
            if (!db)
                return u"Kassa cannot open the records: "_s + openError;
            security::AuditLog audit(*db, environment.till);
            store::Transaction transaction(*db);
            if (!transaction.isActive())
                return transaction.error().toString();
            security::UserService users(*db, audit, environment.hasher);
            const security::SecurityResult<security::User> added = users.addUser({}, user, pin);
            if (!added.ok())
                return u"The owner could not be created: "_s + added.error().message;
            const security::ActingUser actor{added.value().id, added.value().name, Role::Owner,
                                             environment.till};
            security::SettingsService service(*db, audit);
            for (const auto &[key, value] : settings) {
                if (const security::SecurityError set = service.setValue(actor, key, value); set.isError())
                    return u"The settings could not be saved: "_s + set.message;
            }
            if (const store::StoreError committed = transaction.commit(); committed.isError())
                return u"The owner could not be saved: "_s + committed.toString();
            return QString();
        },
        done);
}

void FirstRunWizard::registerWebhook(const std::function<void()> &done)
{
    const auto *events = static_cast<const EventsPage *>(page(EventsPageId));
    const QString url = events->registerUrl();
    if (!events->useWebhook() || url.isEmpty())
        return done();
    m_client->setApiKey(m_key);
    m_client->send(stripe::WebhookEndpoints::create(url, {u"*"_s}, u"Kassa"_s), this,
                   [this, url, done](const stripe::StripeResponse &response) {
                       if (!response.ok()) {
                           m_warnings
                               << u"The webhook endpoint %1 was not registered: %2. Register it "
                                  "with kassa-cli webhook register."_s.arg(url, response.error.message);
                           return done();
                       }
                       // Stripe shows the signing secret this once.
                       const QString secret = response.json.value(u"secret"_s).toString();
                       writeSecret(security::SecretKind::WebhookSecret, secret, done,
                                   [this, done](const QString &error) {
                                       m_warnings
                                           << error + u" Reveal the signing secret in the Stripe Dashboard "
                                                      "and keep it with kassa-cli keys set --webhook."_s;
                                       done();
                                   });
                   });
}

} // namespace kassa::gui
