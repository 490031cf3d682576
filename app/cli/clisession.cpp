#include "app/cli/clisession.h"

#include "app/cli/cliexit.h"
#include "app/cli/cliformatter.h"
#include "services/security/auditlog.h"
#include "services/security/keychainsecretstore.h"
#include "services/security/userservice.h"
#include "services/store/database.h"
#include "services/store/databaseconfig.h"
#include "services/store/migrations.h"
#include "services/stripe/declinemessages.h"
#include "services/stripe/stripejson.h"
#include "services/stripe/stripepager.h"
#include "services/sync/outbox.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QSysInfo>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace kassa::cli {

CliSession::CliSession(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
    , m_client(new stripe::StripeClient(m_network, this))
{
}

CliSession::~CliSession()
{
    // What commands built on the store and the client (outbox, poller, receiver) goes before them.
    const QObjectList children = this->children();
    for (QObject *child : children) {
        if (child != m_client)
            delete child;
    }
    delete m_client;
    m_store.reset();
}

security::SecretStore &CliSession::secrets()
{
    if (!m_secrets)
        m_secrets = new security::KeychainSecretStore(QStringLiteral("kassa"), this);
    return *m_secrets;
}

store::Database *CliSession::store()
{
    if (m_store)
        return m_store.get();
    store::DatabaseConfig config;
    if (!m_storeLocation.databaseUrl.isEmpty()) {
        const store::StoreResult<store::DatabaseConfig> parsed =
            store::DatabaseConfig::fromUrl(m_storeLocation.databaseUrl, m_databasePassword);
        if (!parsed.ok()) {
            usage(u"--database: "_s + parsed.error().message);
            return nullptr;
        }
        config = parsed.value();
    } else {
        config = store::DatabaseConfig::sqlite(
            m_storeLocation.dataDir.isEmpty() ? store::DatabaseConfig::defaultSqlitePath()
                                              : QDir(m_storeLocation.dataDir).filePath(u"kassa.sqlite"_s));
    }
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(config);
    if (!opened.ok()) {
        m_err << "kassa-cli: cannot open the store " << config.toDisplayString() << ": "
              << opened.error().toString()
              << "\n(choose another place with --data-dir DIR or --database URL)\n";
        finish(ExitFailure);
        return nullptr;
    }
    std::unique_ptr<store::Database> db = std::move(opened).value();
    const store::StoreError migrated = store::Migrations::migrate(*db);
    if (migrated.isError()) {
        m_err << "kassa-cli: cannot prepare the store " << config.toDisplayString() << ": "
              << migrated.toString() << '\n';
        finish(ExitFailure);
        return nullptr;
    }
    m_store = std::move(db);
    m_storeConfig = config;
    return m_store.get();
}

QString CliSession::readStdinLine()
{
    if (!m_stdin) {
        // One QFile for the whole run: it reads ahead, so a second one would miss what the first buffered.
        m_stdin = std::make_unique<QFile>();
        if (!m_stdin->open(stdin, QIODevice::ReadOnly))
            return {};
    }
    if (m_stdin->atEnd())
        return {};
    QString line = QString::fromUtf8(m_stdin->readLine());
    while (line.endsWith(u'\n') || line.endsWith(u'\r'))
        line.chop(1);
    return line;
}

QString CliSession::tillId()
{
    const QString till = QProcessEnvironment::systemEnvironment().value(u"KASSA_TILL"_s);
    return till.isEmpty() ? u"kassa-cli@"_s + QSysInfo::machineHostName() : till;
}

bool CliSession::authenticateUser()
{
    m_actingUser = {};
    if (m_userName.isEmpty())
        return true;
    store::Database *db = store();
    if (!db)
        return false;
    security::AuditLog audit(*db, tillId());
    security::UserService users(*db, audit);
    const security::SecurityResult<bool> any = users.hasUsers();
    if (!any.ok()) {
        m_err << "kassa-cli: store: " << any.error().message << '\n';
        finish(ExitFailure);
        return false;
    }
    if (!any.value()) {
        // Nobody to log in as yet: `users add` makes the owner.
        m_err << "kassa-cli: the store has no users yet, so --user " << m_userName << " is ignored\n";
        return true;
    }
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString pin =
        environment.contains(u"KASSA_PIN"_s) ? environment.value(u"KASSA_PIN"_s) : readStdinLine();
    if (pin.isEmpty()) {
        m_err << "kassa-cli: --user " << m_userName << ": no PIN. Set KASSA_PIN or pass it on stdin.\n";
        finish(ExitAuthentication);
        return false;
    }
    const security::SecurityResult<security::ActingUser> actor =
        users.authenticate(m_userName, pin, tillId());
    if (!actor.ok()) {
        m_err << "kassa-cli: --user " << m_userName << ": " << actor.error().message << '\n';
        finish(actor.error().kind == security::SecurityError::Kind::Store ? ExitFailure : ExitAuthentication);
        return false;
    }
    m_actingUser = actor.value();
    return true;
}

namespace {

// What an outbox call did, for the audit log: the action by its op, the objects, the outcome and the
// figures a manager would look for (never a card number or a key: the objects' ids and codes only).
void auditOutboxResult(CliSession &s, const QString &op, const sync::OutboxResult &result)
{
    static const QHash<QString, QString> Actions{
        {QString::fromLatin1(sync::Outbox::OpCreatePayment), u"payment.create"_s},
        {QString::fromLatin1(sync::Outbox::OpCapturePayment), u"payment.capture"_s},
        {QString::fromLatin1(sync::Outbox::OpCancelPayment), u"payment.cancel"_s},
        {QString::fromLatin1(sync::Outbox::OpCreateRefund), u"refund.create"_s},
        {QString::fromLatin1(sync::Outbox::OpAttachPaymentMethod), u"method.attach"_s},
        {QString::fromLatin1(sync::Outbox::OpDetachPaymentMethod), u"method.detach"_s},
        {QString::fromLatin1(sync::Outbox::OpSetDefaultPaymentMethod), u"method.set_default"_s},
    };
    const QJsonObject object = result.response.json;
    QJsonObject details{{u"outcome"_s, sync::OutboxResult::outcomeName(result.outcome)},
                        {u"idempotency_key"_s, result.entry.idempotencyKey}};
    for (const QString &field :
         {u"status"_s, u"amount"_s, u"currency"_s, u"customer"_s, u"payment_intent"_s}) {
        const QJsonValue value = object.value(field);
        if (value.isString() || value.isDouble())
            details.insert(field, value);
    }
    if (!result.entry.orderRef.isEmpty())
        details.insert(u"order_ref"_s, result.entry.orderRef);
    if (result.response.error.isError()) {
        details.insert(u"error_code"_s, result.response.error.code);
        details.insert(u"decline_code"_s, result.response.error.declineCode);
    } else if (!result.error.isEmpty()) {
        details.insert(u"error"_s, result.error);
    }
    QStringList ids;
    const QString id = object.value(u"id"_s).toString(result.entry.objectId);
    if (!id.isEmpty())
        ids << id;
    s.audit(Actions.value(op, u"outbox."_s + op), ids, details);
}

} // namespace

std::optional<bool> CliSession::storeHasUsers()
{
    if (m_storeHasUsers)
        return m_storeHasUsers;
    store::Database *db = store();
    if (!db)
        return std::nullopt;
    security::AuditLog audit(*db, tillId());
    const security::SecurityResult<bool> any = security::UserService(*db, audit).hasUsers();
    if (!any.ok()) {
        m_err << "kassa-cli: store: " << any.error().message << '\n';
        finish(ExitFailure);
        return std::nullopt;
    }
    m_storeHasUsers = any.value();
    return m_storeHasUsers;
}

bool CliSession::permit(Permission permission)
{
    const std::optional<bool> hasUsers = storeHasUsers();
    if (!hasUsers)
        return false;
    if (!*hasUsers)
        return true;
    if (!m_actingUser.isValid()) {
        m_err
            << "kassa-cli: the store has users: say who you are with --user NAME (the PIN from KASSA_PIN or "
               "stdin); "
            << permissionPhrase(permission) << " needs a role that may\n";
        finish(ExitPermission);
        return false;
    }
    if (const security::SecurityError refused = security::require(m_actingUser, permission);
        refused.isError()) {
        m_err << "kassa-cli: " << refused.message << '\n';
        finish(ExitPermission);
        return false;
    }
    return true;
}

void CliSession::audit(const QString &action, const QStringList &objectIds, const QJsonObject &details)
{
    store::Database *db = store();
    if (!db)
        return;
    security::AuditLog log(*db, tillId());
    if (const store::StoreError error = log.record(m_actingUser, action, objectIds, details); error.isError())
        m_err << "kassa-cli: warning: the audit log did not take \"" << action << "\": " << error.toString()
              << '\n';
}

void CliSession::submit(const QString &op, const stripe::StripeRequest &request, const QString &orderRef,
                        const std::function<void(const QJsonObject &)> &onSuccess)
{
    store::Database *db = store();
    if (!db)
        return;
    auto *outbox = new sync::Outbox(*db, *m_client, this);
    outbox->submit(op, request, orderRef, [this, op, onSuccess](const sync::OutboxResult &result) {
        auditOutboxResult(*this, op, result);
        finishOutboxResult(result, onSuccess);
    });
}

void CliSession::finishOutboxResult(const sync::OutboxResult &result,
                                    const std::function<void(const QJsonObject &)> &onSuccess)
{
    switch (result.outcome) {
    case sync::OutboxResult::Outcome::Done:
        onSuccess(result.response.json);
        return;
    case sync::OutboxResult::Outcome::Earlier:
        m_err << "kassa-cli: order " << result.entry.orderRef
              << " already has an attempt, not charged again: " << describeOutboxEntry(result.entry) << '\n';
        if (!result.entry.responseBody.isEmpty())
            print(QJsonDocument::fromJson(result.entry.responseBody).object());
        finish(ExitOk);
        return;
    case sync::OutboxResult::Outcome::Failed:
        printError(result.response.error);
        finish(exitCodeFor(result.response.error.kind));
        return;
    case sync::OutboxResult::Outcome::Unknown:
        m_err << "kassa-cli: outcome unknown (" << result.error
              << "); the call stays in the outbox: run kassa-cli recover\n";
        finish(result.response.error.isError() ? exitCodeFor(result.response.error.kind) : ExitFailure);
        return;
    case sync::OutboxResult::Outcome::StoreError:
        m_err << "kassa-cli: store: " << result.error << '\n';
        finish(ExitFailure);
        return;
    }
}

QString CliSession::describeOutboxEntry(const store::OutboxEntry &entry)
{
    return u"%1 %2 order=%3 key=%4 state=%5 object=%6 attempts=%7"_s.arg(
        entry.op, entry.path, entry.orderRef.isEmpty() ? u"-"_s : entry.orderRef, entry.idempotencyKey,
        store::outboxStateName(entry.state), entry.objectId.isEmpty() ? u"-"_s : entry.objectId,
        QString::number(entry.attempts));
}

void CliSession::call(const stripe::StripeRequest &request,
                      const std::function<void(const QJsonObject &)> &onSuccess)
{
    m_client->send(request, this, [this, onSuccess](const stripe::StripeResponse &response) {
        if (!response.ok()) {
            printError(response.error);
            finish(exitCodeFor(response.error.kind));
            return;
        }
        onSuccess(response.json);
    });
}

void CliSession::listAll(const stripe::StripeRequest &firstPage, int maxItems)
{
    auto *pager = new stripe::StripePager(*m_client, firstPage, this);
    pager->setMaxItems(maxItems);
    connect(pager, &stripe::StripePager::page, this, [this](const QJsonArray &items) {
        for (const QJsonValue &item : items)
            print(item.toObject());
    });
    connect(pager, &stripe::StripePager::finished, this, [this, pager](const stripe::StripeError &error) {
        pager->deleteLater();
        if (error.isError()) {
            printError(error);
            finish(exitCodeFor(error.kind));
            return;
        }
        finish(ExitOk);
    });
    pager->start();
}

void CliSession::print(const QJsonObject &shown)
{
    const QJsonObject object = stripe::StripeJson::withoutClientSecret(shown);
    if (m_json)
        m_out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
    else
        m_out << CliFormatter::line(object) << '\n';
    m_out.flush();
}

void CliSession::printError(const stripe::StripeError &error)
{
    m_err << "error: " << stripe::StripeError::kindName(error.kind);
    if (error.httpStatus > 0)
        m_err << " (HTTP " << error.httpStatus << ')';
    m_err << '\n';
    if (!error.code.isEmpty())
        m_err << "  code: " << error.code << '\n';
    if (!error.declineCode.isEmpty())
        m_err << "  decline_code: " << error.declineCode << '\n';
    if (!error.param.isEmpty())
        m_err << "  param: " << error.param << '\n';
    m_err << "  message: " << error.message << '\n';
    if (!error.paymentIntentId.isEmpty())
        m_err << "  payment_intent: " << error.paymentIntentId << '\n';
    m_err << "  request_id: " << (error.requestId.isEmpty() ? u"(no answer)"_s : error.requestId) << '\n';
    if (error.kind == stripe::StripeError::Kind::Card) {
        const stripe::DeclineMessages::Advice advice = stripe::DeclineMessages::forError(error);
        m_err << "  for the customer: " << advice.reason << ' ' << advice.nextStep << '\n';
    }
    m_err.flush();
}

void CliSession::usage(const QString &message)
{
    m_err << "kassa-cli: " << message << "\nRun kassa-cli --help for the commands and options.\n";
    m_err.flush();
    finish(ExitUsage);
}

void CliSession::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_out.flush();
    m_err.flush();
    emit finished(exitCode);
}

} // namespace kassa::cli
