// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/usercommands.h"

#include "app/cli/cliargs.h"
#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "core/permissions.h"
#include "services/security/auditlog.h"
#include "services/security/userservice.h"
#include "services/store/database.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

using security::SecurityError;

void fail(CliSession &s, const SecurityError &error)
{
    s.err() << "kassa-cli: " << error.message << '\n';
    s.finish(exitCodeFor(error));
}

// Everything here runs on the store, with the audit log of this till.
struct Context
{
    store::Database *db = nullptr;
    std::unique_ptr<security::AuditLog> audit;
    std::unique_ptr<security::UserService> users;
};

bool open(CliSession &s, Context &c)
{
    c.db = s.store();
    if (!c.db)
        return false;
    c.audit = std::make_unique<security::AuditLog>(*c.db, CliSession::tillId());
    c.users = std::make_unique<security::UserService>(*c.db, *c.audit);
    return true;
}

// While the store has users, the command needs --user (and, when given, `permission`).
bool requireUser(CliSession &s, Context &c, const std::optional<Permission> &permission)
{
    const security::SecurityResult<bool> any = c.users->hasUsers();
    if (!any.ok()) {
        fail(s, any.error());
        return false;
    }
    if (!any.value())
        return true;
    if (!s.actingUser().isValid()) {
        s.err() << "kassa-cli: the store has users: say who you are with --user NAME (the PIN from KASSA_PIN "
                   "or stdin)\n";
        s.finish(ExitPermission);
        return false;
    }
    if (permission) {
        if (const SecurityError refused = security::require(s.actingUser(), *permission); refused.isError()) {
            fail(s, refused);
            return false;
        }
    }
    return true;
}

QString newPin(CliSession &s)
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (environment.contains(u"KASSA_NEW_PIN"_s))
        return environment.value(u"KASSA_NEW_PIN"_s);
    return s.readStdinLine();
}

QString timeText(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds).toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

void usersAdd(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"role"_s, u"display-name"_s}, {});
    const std::optional<Role> role = roleFromName(args.value(u"role"_s));
    if (!args.isValid() || args.positionals().size() != 1 || !role)
        return s.usage(u"usage: users add NAME --role owner|manager|cashier [--display-name TEXT]"_s);
    Context c;
    if (!open(s, c))
        return;
    // Nobody logged in is fine only while the store has no users; UserService checks it again.
    if (!requireUser(s, c, Permission::ManageUsers))
        return;
    const QString pin = newPin(s);
    if (pin.isEmpty()) {
        s.err() << "kassa-cli: no PIN for the new user: set KASSA_NEW_PIN or pass it on stdin\n";
        return s.finish(ExitUsage);
    }
    const security::SecurityResult<security::User> added =
        c.users->addUser(s.actingUser(), {args.positional(0), args.value(u"display-name"_s), *role}, pin);
    if (!added.ok())
        return fail(s, added.error());
    s.out() << "added " << roleName(added.value().role) << ' ' << added.value().name << '\n';
    s.finish(ExitOk);
}

void usersList(CliSession &s, const QStringList &arguments)
{
    if (!arguments.isEmpty())
        return s.usage(u"usage: users list"_s);
    Context c;
    if (!open(s, c) || !requireUser(s, c, std::nullopt))
        return;
    const security::SecurityResult<QList<security::User>> users = c.users->list();
    if (!users.ok())
        return fail(s, users.error());
    const qint64 now = c.db->now();
    for (const security::User &user : users.value()) {
        const bool locked = user.lockedUntil > now;
        if (s.json()) {
            const QJsonObject object{{u"name"_s, user.name},
                                     {u"display_name"_s, user.displayName},
                                     {u"role"_s, roleName(user.role)},
                                     {u"disabled"_s, user.disabled},
                                     {u"locked_until"_s, locked ? user.lockedUntil : 0},
                                     {u"pin_kind"_s, user.pinKind}};
            s.out() << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
            continue;
        }
        QString state = user.disabled ? u"disabled"_s : u"active"_s;
        if (locked)
            state += u", locked until "_s + security::UserService::lockTimeText(user.lockedUntil, now);
        s.out() << user.name << "  " << roleName(user.role) << "  " << user.displayName << "  " << state
                << '\n';
    }
    if (users.value().isEmpty())
        s.err() << "no users yet: add the owner with kassa-cli users add NAME --role owner\n";
    s.finish(ExitOk);
}

void usersDisable(CliSession &s, const QStringList &arguments, bool disable)
{
    const QString verb = disable ? u"disable"_s : u"enable"_s;
    if (arguments.size() != 1 || arguments.first().startsWith(u"--"_s))
        return s.usage(u"usage: users %1 NAME"_s.arg(verb));
    Context c;
    if (!open(s, c) || !requireUser(s, c, std::nullopt))
        return;
    if (const SecurityError error = c.users->setDisabled(s.actingUser(), arguments.first(), disable);
        error.isError())
        return fail(s, error);
    s.out() << verb << "d " << security::UserService::normalizeName(arguments.first()) << '\n';
    s.finish(ExitOk);
}

void usersSetPin(CliSession &s, const QStringList &arguments)
{
    if (arguments.size() != 1 || arguments.first().startsWith(u"--"_s))
        return s.usage(u"usage: users set-pin NAME"_s);
    Context c;
    if (!open(s, c) || !requireUser(s, c, std::nullopt))
        return;
    const QString pin = newPin(s);
    if (pin.isEmpty()) {
        s.err() << "kassa-cli: no new PIN: set KASSA_NEW_PIN or pass it on stdin\n";
        return s.finish(ExitUsage);
    }
    if (const SecurityError error = c.users->setPin(s.actingUser(), arguments.first(), pin); error.isError())
        return fail(s, error);
    s.out() << "PIN set for " << security::UserService::normalizeName(arguments.first()) << '\n';
    s.finish(ExitOk);
}

void auditVerify(CliSession &s, const QStringList &arguments)
{
    if (!arguments.isEmpty())
        return s.usage(u"usage: audit verify"_s);
    Context c;
    if (!open(s, c) || !requireUser(s, c, Permission::ViewAuditLog))
        return;
    const store::StoreResult<security::AuditVerification> verified = c.audit->verify();
    if (!verified.ok()) {
        s.err() << "kassa-cli: store: " << verified.error().toString() << '\n';
        return s.finish(ExitFailure);
    }
    if (!verified.value().intact) {
        s.err() << "kassa-cli: " << verified.value().message() << '\n';
        return s.finish(ExitFailure);
    }
    s.out() << verified.value().message() << '\n';
    s.finish(ExitOk);
}

void auditShow(CliSession &s, const QStringList &arguments)
{
    const CliArgs args = CliArgs::parse(arguments, {u"limit"_s}, {});
    bool numeric = true;
    const int limit = args.value(u"limit"_s, u"50"_s).toInt(&numeric);
    if (!args.isValid() || !args.positionals().isEmpty() || !numeric || limit < 0)
        return s.usage(u"usage: audit show [--limit N] (0: everything)"_s);
    Context c;
    if (!open(s, c) || !requireUser(s, c, Permission::ViewAuditLog))
        return;
    const store::StoreResult<QList<security::AuditEntry>> entries = c.audit->latest(limit);
    if (!entries.ok()) {
        s.err() << "kassa-cli: store: " << entries.error().toString() << '\n';
        return s.finish(ExitFailure);
    }
    for (const security::AuditEntry &entry : entries.value()) {
        if (s.json()) {
            const QJsonObject object{{u"seq"_s, entry.seq},
                                     {u"at"_s, entry.at},
                                     {u"till"_s, entry.till},
                                     {u"user_id"_s, entry.userId},
                                     {u"user"_s, entry.userName},
                                     {u"action"_s, entry.action},
                                     {u"object_ids"_s, QJsonArray::fromStringList(entry.objectIds())},
                                     {u"details"_s, entry.details()},
                                     {u"hash"_s, entry.hash}};
            s.out() << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
            continue;
        }
        s.out() << entry.seq << "  " << timeText(entry.at) << "  " << entry.till << "  "
                << (entry.userName.isEmpty() ? u"-"_s : entry.userName) << "  " << entry.action << "  "
                << entry.objectIds().join(u',') << "  " << entry.detailsJson << '\n';
    }
    s.finish(ExitOk);
}

} // namespace

bool UserCommands::handles(const QString &command)
{
    return command == u"users"_s || command == u"audit"_s;
}

bool UserCommands::run(CliSession &s, const QString &command, const QStringList &args)
{
    if (!handles(command))
        return false;
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (command == u"users"_s) {
        if (sub == u"add"_s)
            usersAdd(s, rest);
        else if (sub == u"list"_s)
            usersList(s, rest);
        else if (sub == u"disable"_s || sub == u"enable"_s)
            usersDisable(s, rest, sub == u"disable"_s);
        else if (sub == u"set-pin"_s)
            usersSetPin(s, rest);
        else
            s.usage(u"usage: users add|list|disable|enable|set-pin"_s);
        return true;
    }
    if (sub == u"verify"_s)
        auditVerify(s, rest);
    else if (sub == u"show"_s)
        auditShow(s, rest);
    else
        s.usage(u"usage: audit verify | audit show [--limit N]"_s);
    return true;
}

} // namespace kassa::cli
