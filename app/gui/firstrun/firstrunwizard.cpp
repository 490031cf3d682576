// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/firstrun/firstrunwizard.h"

#include "app/gui/firstrun/databasepage.h"
#include "app/gui/firstrun/eventspage.h"
#include "app/gui/firstrun/finishpage.h"
#include "app/gui/firstrun/keypage.h"
#include "app/gui/firstrun/ownerpage.h"

#include "app/gui/shell/localconfig.h"
#include "app/gui/shell/storeworker.h"
#include "services/security/auditlog.h"
#include "services/security/sessionsecretstore.h"
#include "services/security/settingsservice.h"
#include "services/security/userservice.h"
#include "services/store/transaction.h"
#include "services/stripe/resources/webhookendpoints.h"
#include "services/stripe/stripeclient.h"

#include <QFileInfo>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace kassa::gui {

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
    setPage(DatabasePageId, new firstrun::DatabasePage(environment));
    setPage(OwnerPageId, new firstrun::OwnerPage);
    setPage(KeyPageId, new firstrun::KeyPage(environment));
    setPage(EventsPageId, new firstrun::EventsPage);
    setPage(FinishPageId, new firstrun::FinishPage);
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
    const auto *owner = static_cast<const firstrun::OwnerPage *>(page(OwnerPageId));
    const auto *events = static_cast<const firstrun::EventsPage *>(page(EventsPageId));
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
    const auto *events = static_cast<const firstrun::EventsPage *>(page(EventsPageId));
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
