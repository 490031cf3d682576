// SPDX-License-Identifier: GPL-3.0-or-later
// UserService on SQLite and PostgreSQL: the first user, who may add and change users, PINs, lock-out
// with a doubling lock time (seen by a second connection, as another till would), disabled users,
// manager override, rehashing, and the audit entries all of it leaves (never with a PIN or a hash).
#include "services/security/auditlog.h"
#include "services/security/idlelock.h"
#include "services/security/settingsservice.h"
#include "services/security/userservice.h"
#include "services/store/migrations.h"
#include "storetestsupport.h"

#include <QSqlQuery>

#include <thread>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::security;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

// Few rounds: these tests are about the rules, tst_pinhasher about the hashing.
PinHasher fastHasher()
{
    return PinHasher::insecureForTests(1000);
}

} // namespace

#define VERIFY_OK(result)                                                                                    \
    do {                                                                                                     \
        const auto &kassaOutcome = (result);                                                                 \
        QVERIFY2(kassaOutcome.ok(), qPrintable(kassaOutcome.error().message));                               \
    } while (false)
#define VERIFY_NO_ERROR(error)                                                                               \
    do {                                                                                                     \
        const SecurityError kassaSecurityError = (error);                                                    \
        QVERIFY2(!kassaSecurityError.isError(), qPrintable(kassaSecurityError.message));                     \
    } while (false)

class TestUserService : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();

    void firstUserMustBeOwner();
    void whoMayManageUsers();
    void names();
    void authenticate();
    void lockoutDoubles();
    void lockoutIsSharedByTills();
    void disabledUsers();
    void setPin();
    void managerOverride();
    void rehashOnLogin();
    void auditHoldsNoSecrets();
    void fromAWorkerThread();
    void settings();
    void shopSettings();
    void setRole();

private:
    ActingUser addOwner();
    QList<AuditEntry> auditEntries();

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<UserService> m_users;
    qint64 m_now = 1'800'000'000;
};

void TestUserService::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
    m_now = 1'800'000'000;
    m_db->setClock([this]() { return m_now; });
    m_audit = std::make_unique<AuditLog>(*m_db, u"till-1"_s);
    m_users = std::make_unique<UserService>(*m_db, *m_audit, fastHasher());
}

void TestUserService::cleanup()
{
    m_users.reset();
    m_audit.reset();
    m_db.reset();
    m_fixture.reset();
}

ActingUser TestUserService::addOwner()
{
    const SecurityResult<User> owner =
        m_users->addUser(ActingUser(), {u"Olga"_s, u"Olga Owner"_s, Role::Owner}, u"passphrase for olga"_s);
    if (!owner.ok())
        qWarning() << owner.error().message;
    const SecurityResult<ActingUser> olga =
        m_users->authenticate(u"olga"_s, u"passphrase for olga"_s, u"till-1"_s);
    return olga.ok() ? olga.value() : ActingUser();
}

QList<AuditEntry> TestUserService::auditEntries()
{
    const StoreResult<QList<AuditEntry>> entries = m_audit->latest(0);
    return entries.ok() ? entries.value() : QList<AuditEntry>();
}

void TestUserService::firstUserMustBeOwner()
{
    QCOMPARE(m_users->hasUsers().value(), false);
    const SecurityResult<User> cashier =
        m_users->addUser(ActingUser(), {u"ann"_s, {}, Role::Cashier}, u"1234"_s);
    QVERIFY(!cashier.ok());
    QCOMPARE(cashier.error().kind, SecurityError::Kind::Invalid);
    QCOMPARE(cashier.error().message, u"the first user of a store must be an owner"_s);
    const SecurityResult<User> manager =
        m_users->addUser(ActingUser(), {u"bob"_s, {}, Role::Manager}, u"1234"_s);
    QVERIFY(!manager.ok());
    QCOMPARE(m_users->hasUsers().value(), false);

    const SecurityResult<User> owner =
        m_users->addUser(ActingUser(), {u"olga"_s, {}, Role::Owner}, u"9876"_s);
    VERIFY_OK(owner);
    QCOMPARE(owner.value().role, Role::Owner);
    QCOMPARE(owner.value().displayName, u"olga"_s);
    QVERIFY(owner.value().pinHash.isEmpty()); // never handed out
    // Now nobody may add anybody without logging in.
    const SecurityResult<User> second =
        m_users->addUser(ActingUser(), {u"oscar"_s, {}, Role::Owner}, u"1234"_s);
    QVERIFY(!second.ok());
    QCOMPARE(second.error().kind, SecurityError::Kind::Refused);
    QCOMPARE(m_users->list().value().size(), 1);

    const QList<AuditEntry> entries = auditEntries();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().action, u"user.add"_s);
    QCOMPARE(entries.first().userId, 0);
    QCOMPARE(entries.first().objectIds(), QStringList{u"user:olga"_s});
    QCOMPARE(entries.first().details().value(u"first_user"_s).toBool(), true);
}

void TestUserService::whoMayManageUsers()
{
    const ActingUser olga = addOwner();
    QVERIFY(olga.isValid());
    VERIFY_OK(m_users->addUser(olga, {u"bob"_s, u"Bob"_s, Role::Manager}, u"2222"_s));
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, u"Ann"_s, Role::Cashier}, u"1111"_s));
    const ActingUser bob = m_users->authenticate(u"bob"_s, u"2222"_s, u"till-1"_s).value();
    const ActingUser ann = m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s).value();
    QCOMPARE(bob.role, Role::Manager);
    QCOMPARE(ann.role, Role::Cashier);

    for (const ActingUser &actor : {bob, ann}) {
        const SecurityResult<User> added = m_users->addUser(actor, {u"eve"_s, {}, Role::Cashier}, u"3333"_s);
        QVERIFY(!added.ok());
        QCOMPARE(added.error().kind, SecurityError::Kind::Refused);
        QCOMPARE(added.error().message, actor.describe() + u" may not manage users"_s);
        QCOMPARE(m_users->setDisabled(actor, u"olga"_s, true).kind, SecurityError::Kind::Refused);
        QCOMPARE(m_users->setPin(actor, u"olga"_s, u"0000"_s).kind, SecurityError::Kind::Refused);
    }
    // Taken names, bad names, bad PINs for the role.
    QCOMPARE(m_users->addUser(olga, {u"ANN"_s, {}, Role::Cashier}, u"1111"_s).error().kind,
             SecurityError::Kind::Exists);
    QCOMPARE(m_users->addUser(olga, {u"a b"_s, {}, Role::Cashier}, u"1111"_s).error().kind,
             SecurityError::Kind::Invalid);
    QCOMPARE(m_users->addUser(olga, {u"cid"_s, {}, Role::Cashier}, u"12"_s).error().kind,
             SecurityError::Kind::Invalid);
    QCOMPARE(m_users->addUser(olga, {u"cid"_s, {}, Role::Manager}, u"a long passphrase"_s).error().kind,
             SecurityError::Kind::Invalid);
    VERIFY_OK(m_users->addUser(olga, {u"oscar"_s, {}, Role::Owner}, u"another long passphrase"_s));
    QCOMPARE(m_users->list().value().size(), 4);
}

void TestUserService::names()
{
    QCOMPARE(UserService::normalizeName(u"  Ann "_s), u"ann"_s);
    QVERIFY(UserService::checkName(u"ann"_s).isEmpty());
    QVERIFY(UserService::checkName(u"ann.b-2_x"_s).isEmpty());
    QVERIFY(!UserService::checkName(u""_s).isEmpty());
    QVERIFY(!UserService::checkName(u"-ann"_s).isEmpty());
    QVERIFY(!UserService::checkName(u"ann smith"_s).isEmpty());
    QVERIFY(!UserService::checkName(QString(33, u'a')).isEmpty());
}

void TestUserService::authenticate()
{
    const ActingUser olga = addOwner();
    QCOMPARE(olga.name, u"olga"_s);
    QCOMPARE(olga.role, Role::Owner);
    QCOMPARE(olga.till, u"till-1"_s);
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"1111"_s));

    const SecurityResult<ActingUser> wrong = m_users->authenticate(u"ann"_s, u"1112"_s, u"till-2"_s);
    QCOMPARE(wrong.error().kind, SecurityError::Kind::WrongPin);
    QCOMPARE(wrong.error().message, u"wrong PIN, 4 tries left"_s);
    QCOMPARE(wrong.error().triesLeft, 4);
    QCOMPARE(m_users->authenticate(u"ann"_s, u"0000"_s, u"till-2"_s).error().message,
             u"wrong PIN, 3 tries left"_s);
    QCOMPARE(m_users->authenticate(u"ann"_s, u"0000"_s, u"till-2"_s).error().message,
             u"wrong PIN, 2 tries left"_s);
    QCOMPARE(m_users->authenticate(u"ann"_s, u"0000"_s, u"till-2"_s).error().message,
             u"wrong PIN, 1 try left"_s);
    // Success resets the count.
    const SecurityResult<ActingUser> ann = m_users->authenticate(u" Ann"_s, u"1111"_s, u"till-2"_s);
    VERIFY_OK(ann);
    QCOMPARE(ann.value().till, u"till-2"_s);
    QCOMPARE(m_users->authenticate(u"ann"_s, u"0000"_s, u"till-2"_s).error().triesLeft, 4);

    const SecurityResult<ActingUser> unknown = m_users->authenticate(u"zed"_s, u"1111"_s, u"till-2"_s);
    QCOMPARE(unknown.error().kind, SecurityError::Kind::NotFound);
    QCOMPARE(unknown.error().message, u"no user named 'zed'"_s);

    QStringList actions;
    for (const AuditEntry &entry : auditEntries())
        actions << entry.action;
    QCOMPARE(actions, (QStringList{u"user.add"_s, u"login"_s, u"user.add"_s, u"login.failed"_s,
                                   u"login.failed"_s, u"login.failed"_s, u"login.failed"_s, u"login"_s,
                                   u"login.failed"_s, u"login.failed"_s}));
    QCOMPARE(auditEntries().last().details().value(u"reason"_s).toString(), u"unknown user"_s);
}

void TestUserService::lockoutDoubles()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"1111"_s));
    qint64 expectedLock = 60;
    for (int round = 0; round < 4; ++round) {
        for (int i = 1; i < 5; ++i)
            QCOMPARE(m_users->authenticate(u"ann"_s, u"0000"_s, u"till-1"_s).error().kind,
                     SecurityError::Kind::WrongPin);
        const SecurityResult<ActingUser> fifth = m_users->authenticate(u"ann"_s, u"0000"_s, u"till-1"_s);
        QCOMPARE(fifth.error().kind, SecurityError::Kind::Locked);
        QCOMPARE(fifth.error().lockedUntil, m_now + expectedLock);
        QVERIFY2(fifth.error().message.startsWith(u"wrong PIN: ann is now locked until "_s),
                 qPrintable(fifth.error().message));
        // Locked: even the right PIN is refused, and is not checked.
        m_now += expectedLock - 1;
        const SecurityResult<ActingUser> locked = m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s);
        QCOMPARE(locked.error().kind, SecurityError::Kind::Locked);
        QCOMPARE(locked.error().message, u"ann is locked until %1 (too many wrong PINs)"_s.arg(
                                             UserService::lockTimeText(m_now + 1, m_now)));
        m_now += 1;
        expectedLock *= 2;
    }
    // After the lock: the right PIN works and clears the doubling.
    VERIFY_OK(m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s));
    for (int i = 0; i < 5; ++i)
        (void)m_users->authenticate(u"ann"_s, u"0000"_s, u"till-1"_s);
    const User ann = *UserRepository(*m_db).findByName(u"ann"_s).value();
    QCOMPARE(ann.lockedUntil, m_now + 60);
    QCOMPARE(ann.lockoutCount, 1);

    int locks = 0;
    for (const AuditEntry &entry : auditEntries()) {
        if (entry.action == u"user.locked"_s) {
            ++locks;
            QCOMPARE(entry.objectIds(), QStringList{u"user:ann"_s});
        }
    }
    QCOMPARE(locks, 5);
}

void TestUserService::lockoutIsSharedByTills()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"1111"_s));
    // A second till: its own connection, audit log and service on the same store.
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    std::unique_ptr<Database> other = std::move(opened).value();
    other->setClock([this]() { return m_now; });
    AuditLog otherAudit(*other, u"till-2"_s);
    UserService otherUsers(*other, otherAudit, fastHasher());
    for (int i = 0; i < 3; ++i)
        (void)m_users->authenticate(u"ann"_s, u"0000"_s, u"till-1"_s);
    QCOMPARE(otherUsers.authenticate(u"ann"_s, u"0000"_s, u"till-2"_s).error().message,
             u"wrong PIN, 1 try left"_s);
    QCOMPARE(m_users->authenticate(u"ann"_s, u"0000"_s, u"till-1"_s).error().kind,
             SecurityError::Kind::Locked);
    QCOMPARE(otherUsers.authenticate(u"ann"_s, u"1111"_s, u"till-2"_s).error().kind,
             SecurityError::Kind::Locked);
    // Both tills wrote into one chain.
    other.reset();
    const StoreResult<AuditVerification> verified = m_audit->verify();
    VERIFY_RESULT(verified);
    QVERIFY2(verified.value().intact, qPrintable(verified.value().message()));
}

void TestUserService::disabledUsers()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"1111"_s));
    VERIFY_NO_ERROR(m_users->setDisabled(olga, u"ann"_s, true));
    const SecurityResult<ActingUser> refused = m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s);
    QCOMPARE(refused.error().kind, SecurityError::Kind::Disabled);
    QCOMPARE(refused.error().message, u"ann is disabled: ask the owner"_s);
    QCOMPARE(m_users->list().value().first().name, u"ann"_s);
    QVERIFY(m_users->list().value().first().disabled);
    // The last owner cannot be disabled, nor anyone themselves.
    QCOMPARE(m_users->setDisabled(olga, u"olga"_s, true).kind, SecurityError::Kind::Invalid);
    VERIFY_OK(m_users->addUser(olga, {u"oscar"_s, {}, Role::Owner}, u"1234"_s));
    const ActingUser oscar = m_users->authenticate(u"oscar"_s, u"1234"_s, u"till-1"_s).value();
    VERIFY_NO_ERROR(m_users->setDisabled(oscar, u"olga"_s, true));
    const SecurityError last = m_users->setDisabled(olga, u"oscar"_s, true);
    QCOMPARE(last.kind, SecurityError::Kind::Invalid);
    QCOMPARE(m_users->setDisabled(oscar, u"nobody"_s, true).kind, SecurityError::Kind::NotFound);
    VERIFY_NO_ERROR(m_users->setDisabled(oscar, u"ann"_s, false));
    VERIFY_OK(m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s));
}

void TestUserService::setPin()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"1111"_s));
    VERIFY_OK(m_users->addUser(olga, {u"bob"_s, {}, Role::Manager}, u"2222"_s));
    const ActingUser ann = m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s).value();
    // Own PIN: yes; someone else's: no; a passphrase as a cashier: no.
    VERIFY_NO_ERROR(m_users->setPin(ann, u"ann"_s, u"5555"_s));
    QCOMPARE(m_users->setPin(ann, u"bob"_s, u"5555"_s).kind, SecurityError::Kind::Refused);
    QCOMPARE(m_users->setPin(ann, u"ann"_s, u"a long passphrase"_s).kind, SecurityError::Kind::Invalid);
    QCOMPARE(m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s).error().kind,
             SecurityError::Kind::WrongPin);
    VERIFY_OK(m_users->authenticate(u"ann"_s, u"5555"_s, u"till-1"_s));
    // The owner sets anyone's, which also lifts a lock.
    for (int i = 0; i < 5; ++i)
        (void)m_users->authenticate(u"bob"_s, u"0000"_s, u"till-1"_s);
    QCOMPARE(m_users->authenticate(u"bob"_s, u"2222"_s, u"till-1"_s).error().kind,
             SecurityError::Kind::Locked);
    VERIFY_NO_ERROR(m_users->setPin(olga, u"bob"_s, u"7777"_s));
    VERIFY_OK(m_users->authenticate(u"bob"_s, u"7777"_s, u"till-1"_s));
    // The owner may use a passphrase.
    VERIFY_NO_ERROR(m_users->setPin(olga, u"olga"_s, u"a new owner passphrase"_s));
    VERIFY_OK(m_users->authenticate(u"olga"_s, u"a new owner passphrase"_s, u"till-1"_s));
}

void TestUserService::managerOverride()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"1111"_s));
    VERIFY_OK(m_users->addUser(olga, {u"cid"_s, {}, Role::Cashier}, u"3333"_s));
    VERIFY_OK(m_users->addUser(olga, {u"bob"_s, {}, Role::Manager}, u"2222"_s));
    const ActingUser ann = m_users->authenticate(u"ann"_s, u"1111"_s, u"till-1"_s).value();
    QVERIFY(require(ann, Permission::RefundDirectly).isError());

    // A wrong manager PIN counts against the manager.
    const SecurityResult<OverrideGrant> wrong =
        m_users->authorizeOverride(ann, u"bob"_s, u"0000"_s, Permission::RefundDirectly, u"pi_1"_s);
    QCOMPARE(wrong.error().kind, SecurityError::Kind::WrongPin);
    QCOMPARE(UserRepository(*m_db).findByName(u"bob"_s).value()->failedAttempts, 1);
    // Another cashier cannot approve; nor can ann approve for herself.
    const SecurityResult<OverrideGrant> byCashier =
        m_users->authorizeOverride(ann, u"cid"_s, u"3333"_s, Permission::RefundDirectly, u"pi_1"_s);
    QCOMPARE(byCashier.error().kind, SecurityError::Kind::Refused);
    QCOMPARE(byCashier.error().message, u"cashier cid may not refund without approval"_s);
    QCOMPARE(m_users->authorizeOverride(ann, u"ann"_s, u"1111"_s, Permission::RefundDirectly).error().kind,
             SecurityError::Kind::Invalid);
    // A manager cannot approve what managers may not do.
    QCOMPARE(m_users->authorizeOverride(ann, u"bob"_s, u"2222"_s, Permission::ManageUsers).error().kind,
             SecurityError::Kind::Refused);

    SecurityResult<OverrideGrant> grant =
        m_users->authorizeOverride(ann, u"bob"_s, u"2222"_s, Permission::RefundDirectly, u"pi_1"_s);
    VERIFY_OK(grant);
    QCOMPARE(grant.value().approver().name, u"bob"_s);
    QCOMPARE(grant.value().session(), ann); // the session stays ann's
    QCOMPARE(UserRepository(*m_db).findByName(u"bob"_s).value()->failedAttempts, 0);
    VERIFY_NO_ERROR(require(ann, Permission::RefundDirectly, &grant.value(), u"pi_1"_s));
    QVERIFY(require(ann, Permission::RefundDirectly, &grant.value(), u"pi_1"_s).isError()); // once

    const AuditEntry granted = auditEntries().last();
    QCOMPARE(granted.action, u"override.granted"_s);
    QCOMPARE(granted.userName, u"bob"_s);
    QCOMPARE(granted.objectIds(), (QStringList{u"user:ann"_s, u"pi_1"_s}));
    QCOMPARE(granted.details().value(u"permission"_s).toString(), u"refund_directly"_s);
    QCOMPARE(granted.details().value(u"session_user"_s).toString(), u"ann"_s);
    QStringList actions;
    for (const AuditEntry &entry : auditEntries())
        actions << entry.action;
    QVERIFY(actions.contains(u"override.failed"_s));
    QCOMPARE(actions.count(u"override.refused"_s), 2);
}

void TestUserService::rehashOnLogin()
{
    // A user whose hash was made with fewer rounds than the service's hasher now uses.
    UserService weak(*m_db, *m_audit, PinHasher::insecureForTests(500));
    VERIFY_OK(weak.addUser(ActingUser(), {u"olga"_s, {}, Role::Owner}, u"8642"_s));
    QCOMPARE(PinHasher::parse(UserRepository(*m_db).findByName(u"olga"_s).value()->pinHash)->iterations, 500);
    QCOMPARE(m_users->authenticate(u"olga"_s, u"0000"_s, u"till-1"_s).error().kind,
             SecurityError::Kind::WrongPin);
    QCOMPARE(PinHasher::parse(UserRepository(*m_db).findByName(u"olga"_s).value()->pinHash)->iterations, 500);
    VERIFY_OK(m_users->authenticate(u"olga"_s, u"8642"_s, u"till-1"_s));
    const QString after = UserRepository(*m_db).findByName(u"olga"_s).value()->pinHash;
    QCOMPARE(PinHasher::parse(after)->iterations, 1000);
    VERIFY_OK(m_users->authenticate(u"olga"_s, u"8642"_s, u"till-1"_s));
}

void TestUserService::auditHoldsNoSecrets()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"480916"_s));
    (void)m_users->authenticate(u"ann"_s, u"731905"_s, u"till-1"_s);
    VERIFY_NO_ERROR(m_users->setPin(olga, u"ann"_s, u"562384"_s));
    QStringList hashes;
    const QList<User> users = UserRepository(*m_db).list().value();
    for (const User &user : users)
        hashes << user.pinHash;
    for (const AuditEntry &entry : auditEntries()) {
        const QString text = entry.objectIdsJson + entry.detailsJson + entry.userName + entry.action;
        for (const QString &secret :
             {u"480916"_s, u"731905"_s, u"562384"_s, u"passphrase for olga"_s, u"pbkdf2"_s}) {
            QVERIFY2(!text.contains(secret), qPrintable(text));
        }
        for (const QString &hash : std::as_const(hashes))
            QVERIFY(!text.contains(hash.section(u'$', 2, 2)));
    }
    // record() refuses details that name a secret.
    for (const QString &key :
         {u"pin"_s, u"new_pin"_s, u"pinHash"_s, u"pin_hash"_s, u"Passphrase"_s, u"api-secret"_s}) {
        const StoreError refused = m_audit->record(olga, u"test"_s, {}, {{key, u"x"_s}});
        QCOMPARE(refused.kind, StoreError::Kind::InvalidData);
    }
    QCOMPARE(m_audit->record(olga, u"test"_s, {}, {{u"nested"_s, QJsonObject{{u"salt"_s, 1}}}}).kind,
             StoreError::Kind::InvalidData);
    VERIFY_STORE(m_audit->record(olga, u"test"_s, {}, {{u"shipping"_s, u"x"_s}, {u"spinner"_s, 1}}));
}

void TestUserService::fromAWorkerThread()
{
    // The console hashes off the GUI thread: a worker with its own connection, log and service.
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"ann"_s, {}, Role::Cashier}, u"1111"_s));
    const DatabaseConfig config = m_fixture->config(20'000);
    SecurityError errors[2];
    ActingUser logged[2];
    auto logIn = [&config](const QString &pin, SecurityError *error, ActingUser *user) {
        StoreResult<std::unique_ptr<Database>> db = Database::open(config);
        if (!db.ok()) {
            *error = SecurityError::fromStore(db.error());
            return;
        }
        AuditLog audit(*db.value(), u"till-worker"_s);
        UserService users(*db.value(), audit, fastHasher());
        const SecurityResult<ActingUser> result = users.authenticate(u"ann"_s, pin, u"till-worker"_s);
        if (result.ok())
            *user = result.value();
        else
            *error = result.error();
    };
    std::thread right(logIn, u"1111"_s, &errors[0], &logged[0]);
    std::thread wrong(logIn, u"9999"_s, &errors[1], &logged[1]);
    right.join();
    wrong.join();
    VERIFY_NO_ERROR(errors[0]);
    QCOMPARE(logged[0].name, u"ann"_s);
    QCOMPARE(logged[0].till, u"till-worker"_s);
    QCOMPARE(errors[1].kind, SecurityError::Kind::WrongPin);
    const StoreResult<AuditVerification> verified = m_audit->verify();
    VERIFY_RESULT(verified);
    QVERIFY2(verified.value().intact, qPrintable(verified.value().message()));
}

void TestUserService::settings()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"bob"_s, {}, Role::Manager}, u"2222"_s));
    const ActingUser bob = m_users->authenticate(u"bob"_s, u"2222"_s, u"till-1"_s).value();
    SettingsService settings(*m_db, *m_audit);
    QCOMPARE(settings.idleLockSeconds(), IdleLock::DefaultSeconds);
    const SecurityError refused = settings.setValue(bob, QString(IdleLock::SettingKey), u"60"_s);
    QCOMPARE(refused.kind, SecurityError::Kind::Refused);
    QCOMPARE(refused.message, u"manager bob may not manage settings"_s);
    VERIFY_NO_ERROR(settings.setValue(olga, QString(IdleLock::SettingKey), u"90"_s));
    VERIFY_NO_ERROR(settings.setValue(olga, QString(IdleLock::SettingKey), u"90"_s)); // unchanged: no entry
    VERIFY_NO_ERROR(settings.setValue(olga, QString(IdleLock::SettingKey), u"120"_s));
    QCOMPARE(settings.idleLockSeconds(), 120);
    QCOMPARE(settings.value(u"refunds.threshold"_s, u"0"_s).value(), u"0"_s);
    QList<AuditEntry> changes;
    for (const AuditEntry &entry : auditEntries()) {
        if (entry.action == u"setting.set"_s)
            changes << entry;
    }
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes.last().userName, u"olga"_s);
    QCOMPARE(changes.last().details().value(u"previous"_s).toString(), u"90"_s);
    QCOMPARE(changes.last().details().value(u"value"_s).toString(), u"120"_s);
    // Checked on the way in: a till never reads back what it cannot use.
    const SecurityError soon = settings.setValue(olga, QString(IdleLock::SettingKey), u"soon"_s);
    QCOMPARE(soon.kind, SecurityError::Kind::Invalid);
    QCOMPARE(settings.idleLockSeconds(), 120);
}

// The Settings page's keys, on both backends: what the owner stores a second connection (another till)
// reads back; what does not fit is refused and leaves the old value.
void TestUserService::shopSettings()
{
    const ActingUser olga = addOwner();
    SettingsService settings(*m_db, *m_audit);
    const QList<std::pair<QString, QString>> good{
        {u"refunds.approval_threshold"_s, u"2000 eur"_s},
        {u"refunds.approval_threshold"_s, u"none"_s},
        {u"security.idle_lock_seconds"_s, u"0"_s},
        {u"receipt.header"_s, u"Kaffeehaus Olga\nHauptstr. 1"_s},
        {u"receipt.footer"_s, u"Danke! Merci! Grazie!"_s},
        {u"ui.locale"_s, u"fr_FR"_s},
        {u"sync.poll_interval_seconds"_s, u"60"_s},
        {u"webhook.listen"_s, u"127.0.0.1:8787"_s},
    };
    for (const auto &[key, value] : good)
        VERIFY_NO_ERROR(settings.setValue(olga, key, value));
    const QList<std::pair<QString, QString>> bad{
        {u"refunds.approval_threshold"_s, u"20 euros"_s},
        {u"refunds.approval_threshold"_s, u"-5 eur"_s},
        {u"refunds.approval_threshold"_s, u"2000 EUR"_s},
        {u"security.idle_lock_seconds"_s, u"-1"_s},
        {u"security.idle_lock_seconds"_s, u"100000"_s},
        {u"receipt.footer"_s, QString(SettingsService::MaxReceiptTextLength + 1, u'x')},
        {u"ui.locale"_s, u"xx_YY"_s},
        {u"sync.poll_interval_seconds"_s, u"1"_s},
        {u"webhook.listen"_s, u"localhost"_s},
    };
    for (const auto &[key, value] : bad) {
        const SecurityError refused = settings.setValue(olga, key, value);
        QVERIFY2(refused.kind == SecurityError::Kind::Invalid, qPrintable(key + u' ' + value.left(20)));
    }

    StoreResult<std::unique_ptr<Database>> other = m_fixture->open();
    VERIFY_RESULT(other);
    AuditLog otherAudit(*other.value(), u"till-2"_s);
    SettingsService there(*other.value(), otherAudit);
    QCOMPARE(there.value(u"refunds.approval_threshold"_s).value(), u"none"_s);
    QCOMPARE(there.idleLockSeconds(), 0);
    QCOMPARE(there.value(u"receipt.header"_s).value(), u"Kaffeehaus Olga\nHauptstr. 1"_s);
    QCOMPARE(there.value(u"receipt.footer"_s).value(), u"Danke! Merci! Grazie!"_s);
    QCOMPARE(there.locale(), u"fr_FR"_s);
    QCOMPARE(there.pollIntervalSeconds(), 60);
    QCOMPARE(there.value(u"webhook.listen"_s).value(), u"127.0.0.1:8787"_s);
}

void TestUserService::setRole()
{
    const ActingUser olga = addOwner();
    VERIFY_OK(m_users->addUser(olga, {u"bob"_s, {}, Role::Cashier}, u"2222"_s));
    VERIFY_OK(m_users->addUser(olga, {u"max"_s, {}, Role::Manager}, u"3333"_s));
    const ActingUser max = m_users->authenticate(u"max"_s, u"3333"_s, u"till-1"_s).value();
    QCOMPARE(m_users->setRole(max, u"bob"_s, Role::Manager).kind, SecurityError::Kind::Refused);
    VERIFY_NO_ERROR(m_users->setRole(olga, u"bob"_s, Role::Manager));
    QCOMPARE(m_users->authenticate(u"bob"_s, u"2222"_s, u"till-1"_s).value().role, Role::Manager);
    const SecurityError own = m_users->setRole(olga, u"olga"_s, Role::Manager);
    QCOMPARE(own.kind, SecurityError::Kind::Invalid);
    QCOMPARE(m_users->setRole(olga, u"nobody"_s, Role::Manager).kind, SecurityError::Kind::NotFound);
    // A second owner may be demoted by the first, but not the last one by anybody.
    VERIFY_NO_ERROR(m_users->setRole(olga, u"bob"_s, Role::Owner));
    const ActingUser bob = m_users->authenticate(u"bob"_s, u"2222"_s, u"till-1"_s).value();
    // olga logs in with a passphrase, which only an owner may have.
    const SecurityError passphrase = m_users->setRole(bob, u"olga"_s, Role::Manager);
    QCOMPARE(passphrase.kind, SecurityError::Kind::Invalid);
    QVERIFY(passphrase.message.contains(u"passphrase"_s));
    VERIFY_NO_ERROR(m_users->setDisabled(bob, u"olga"_s, true));
    const SecurityError last = m_users->setRole(olga, u"bob"_s, Role::Cashier);
    QCOMPARE(last.kind, SecurityError::Kind::Invalid);
    bool audited = false;
    for (const AuditEntry &entry : auditEntries())
        audited =
            audited || (entry.action == u"user.set_role"_s && entry.details().value(u"role"_s) == u"owner"_s);
    QVERIFY(audited);
}

QTEST_GUILESS_MAIN(TestUserService)
#include "tst_userservice.moc"
