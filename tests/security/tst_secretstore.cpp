// The secret stores: the in-memory one, the "this session only" choice on top of the keychain, how
// QtKeychain's errors are read, and a round trip through the real Secret Service (gnome-keyring in CI).
#include "services/security/keychainsecretstore.h"
#include "services/security/memorysecretstore.h"
#include "services/security/sessionsecretstore.h"

#include <qt6keychain/keychain.h>

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QRandomGenerator>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace kassa::security;

// What a test needs and CI provides: missing, the test fails under KASSA_REQUIRE_SERVICES=1, else skips.
#define REQUIRE_OR_SKIP(condition, message)                                                                  \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            if (qEnvironmentVariableIntValue("KASSA_REQUIRE_SERVICES") == 1)                                 \
                QFAIL(qPrintable(message));                                                                  \
            QSKIP(qPrintable(message));                                                                      \
        }                                                                                                    \
    } while (false)

namespace {

// Waits for one asynchronous answer (tests only; the product never waits like this).
std::optional<SecretResult> readNow(SecretStore &store, const SecretId &id, QObject *context)
{
    std::optional<SecretResult> answer;
    store.read(id, context, [&answer](const SecretResult &result) { answer = result; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 20'000))
        return std::nullopt;
    return answer;
}

std::optional<SecretError> writeNow(SecretStore &store, const SecretId &id, const QString &value,
                                    QObject *context)
{
    std::optional<SecretError> answer;
    store.write(id, value, context, [&answer](const SecretError &error) { answer = error; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 20'000))
        return std::nullopt;
    return answer;
}

std::optional<SecretError> removeNow(SecretStore &store, const SecretId &id, QObject *context)
{
    std::optional<SecretError> answer;
    store.remove(id, context, [&answer](const SecretError &error) { answer = error; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 20'000))
        return std::nullopt;
    return answer;
}

bool secretServiceRunning()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    return bus.isConnected() && bus.interface() &&
           bus.interface()->isServiceRegistered(u"org.freedesktop.secrets"_s).value();
}

} // namespace

class tst_SecretStore : public QObject
{
    Q_OBJECT

private slots:
    void kindsAndMessages();
    void memoryRoundTrip();
    void memoryAnswersLater();
    void memoryFailure();
    void noCallbackAfterContextIsGone();
    void sessionOnly();
    void sessionOnlyIsNeverSilent();
    void classify_data();
    void classify();
    void keychainRoundTrip();
};

void tst_SecretStore::kindsAndMessages()
{
    QCOMPARE(SecretId().entryName(), u"default/stripe-secret-key"_s);
    QCOMPARE((SecretId{u"shop2"_s, SecretKind::WebhookSecret}.entryName()), u"shop2/stripe-webhook-secret"_s);
    QCOMPARE(secretKindName(SecretKind::StripePublishableKey), u"stripe-publishable-key"_s);
    QCOMPARE(secretKindName(SecretKind::DatabasePassword), u"database-password"_s);

    const SecretId id{u"shop"_s, SecretKind::StripeSecretKey};
    const SecretError none =
        SecretError::make(SecretError::Kind::NoService, id, u"Cannot autolaunch D-Bus"_s);
    QVERIFY(none.message.contains(u"no Secret Service"_s));
    QVERIFY(none.message.contains(u"'shop'"_s));
    QVERIFY(none.message.contains(u"Cannot autolaunch D-Bus"_s));
    QVERIFY(none.message.contains(u"never in a plain file"_s));
    QVERIFY(none.message.contains(u"this session only"_s));
    QVERIFY(none.allowsSessionOnly());

    const SecretError locked = SecretError::make(SecretError::Kind::Locked, id);
    QVERIFY(locked.message.contains(u"locked"_s));
    QVERIFY(locked.message.contains(u"Unlock it"_s));
    QVERIFY(locked.allowsSessionOnly());

    const SecretError missing = SecretError::make(SecretError::Kind::NotFound, id);
    QCOMPARE(missing.message, u"no Stripe secret key is stored for profile 'shop'"_s);
    QVERIFY(!missing.allowsSessionOnly());
    QVERIFY(!SecretError::make(SecretError::Kind::Other, id).allowsSessionOnly());
    QVERIFY(!SecretError().isError());
}

void tst_SecretStore::memoryRoundTrip()
{
    MemorySecretStore store;
    const SecretId key{u"p"_s, SecretKind::StripeSecretKey};
    const SecretId hook{u"p"_s, SecretKind::WebhookSecret};
    const SecretId other{u"q"_s, SecretKind::StripeSecretKey};

    QCOMPARE(readNow(store, key, this)->error.kind, SecretError::Kind::NotFound);
    QVERIFY(!writeNow(store, key, u"sk_test_one"_s, this)->isError());
    QVERIFY(!writeNow(store, hook, u"whsec_two"_s, this)->isError());
    QCOMPARE(readNow(store, key, this)->value, u"sk_test_one"_s);
    QCOMPARE(readNow(store, hook, this)->value, u"whsec_two"_s);
    QCOMPARE(readNow(store, other, this)->error.kind, SecretError::Kind::NotFound);
    QVERIFY(!writeNow(store, key, u"sk_test_three"_s, this)->isError());
    QCOMPARE(readNow(store, key, this)->value, u"sk_test_three"_s);
    QVERIFY(!removeNow(store, key, this)->isError());
    QCOMPARE(readNow(store, key, this)->error.kind, SecretError::Kind::NotFound);
    QVERIFY(!removeNow(store, key, this)->isError()); // removing what is gone succeeds
    QCOMPARE(store.size(), 1);
}

void tst_SecretStore::memoryAnswersLater()
{
    MemorySecretStore store;
    bool answered = false;
    store.read(SecretId(), this, [&answered](const SecretResult &) { answered = true; });
    QVERIFY(!answered); // never from inside the call
    QTRY_VERIFY(answered);
}

void tst_SecretStore::memoryFailure()
{
    MemorySecretStore store;
    store.setFailure(SecretError::Kind::Locked);
    const std::optional<SecretError> written = writeNow(store, SecretId(), u"sk_test_x"_s, this);
    QCOMPARE(written->kind, SecretError::Kind::Locked);
    QCOMPARE(store.size(), 0);
    QCOMPARE(readNow(store, SecretId(), this)->error.kind, SecretError::Kind::Locked);
}

void tst_SecretStore::noCallbackAfterContextIsGone()
{
    MemorySecretStore store;
    bool called = false;
    auto *context = new QObject;
    store.read(SecretId(), context, [&called](const SecretResult &) { called = true; });
    delete context;
    QTest::qWait(50);
    QVERIFY(!called);
}

void tst_SecretStore::sessionOnly()
{
    MemorySecretStore keychain;
    SessionSecretStore store(keychain);
    const SecretId id{u"p"_s, SecretKind::StripeSecretKey};

    // No keychain: the write fails, and the caller (after asking the user) keeps the key for the session.
    keychain.setFailure(SecretError::Kind::NoService);
    const std::optional<SecretError> written = writeNow(store, id, u"sk_test_session"_s, this);
    QCOMPARE(written->kind, SecretError::Kind::NoService);
    QVERIFY(written->allowsSessionOnly());
    QCOMPARE(readNow(store, id, this)->error.kind, SecretError::Kind::NoService);
    store.keepForSession(id, u"sk_test_session"_s);
    QVERIFY(store.isSessionOnly(id));
    QCOMPARE(readNow(store, id, this)->value, u"sk_test_session"_s);
    QCOMPARE(keychain.size(), 0);

    // The keychain is back: a write goes there and replaces the session copy.
    keychain.setFailure(SecretError::Kind::None);
    QVERIFY(!writeNow(store, id, u"sk_test_kept"_s, this)->isError());
    QTRY_VERIFY(!store.isSessionOnly(id));
    QCOMPARE(readNow(store, id, this)->value, u"sk_test_kept"_s);
    QCOMPARE(readNow(keychain, id, this)->value, u"sk_test_kept"_s);

    // Removing removes both.
    store.keepForSession(id, u"sk_test_session"_s);
    QVERIFY(!removeNow(store, id, this)->isError());
    QVERIFY(!store.isSessionOnly(id));
    QCOMPARE(readNow(store, id, this)->error.kind, SecretError::Kind::NotFound);

    store.keepForSession(id, u"sk_test_session"_s);
    store.forgetSession();
    QCOMPARE(readNow(store, id, this)->error.kind, SecretError::Kind::NotFound);
}

void tst_SecretStore::sessionOnlyIsNeverSilent()
{
    // A failing keychain never turns into a session copy by itself.
    MemorySecretStore keychain;
    keychain.setFailure(SecretError::Kind::Locked);
    SessionSecretStore store(keychain);
    const SecretId id{u"p"_s, SecretKind::WebhookSecret};
    QCOMPARE(writeNow(store, id, u"whsec_x"_s, this)->kind, SecretError::Kind::Locked);
    QVERIFY(!store.isSessionOnly(id));
    keychain.setFailure(SecretError::Kind::None);
    QCOMPARE(readNow(store, id, this)->error.kind, SecretError::Kind::NotFound);
}

void tst_SecretStore::classify_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<QString>("text");
    QTest::addColumn<SecretError::Kind>("kind");

    using K = SecretError::Kind;
    QTest::newRow("no error") << int(QKeychain::NoError) << QString() << K::None;
    QTest::newRow("not found") << int(QKeychain::EntryNotFound) << u"Entry not found"_s << K::NotFound;
    QTest::newRow("no backend") << int(QKeychain::NoBackendAvailable) << u"No keychain service available"_s
                                << K::NoService;
    QTest::newRow("access denied (locked)")
        << int(QKeychain::AccessDenied) << u"Cannot create an item in a locked collection"_s << K::Locked;
    QTest::newRow("denied by user") << int(QKeychain::AccessDeniedByUser) << QString() << K::Locked;
    // libsecret's errors as QtKeychain passes them on: OtherError (7) with GLib's text.
    QTest::newRow("no bus, no display")
        << int(QKeychain::OtherError) << u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s << K::NoService;
    QTest::newRow("bus address to nothing")
        << int(QKeychain::OtherError) << u"Could not connect: No such file or directory"_s << K::NoService;
    QTest::newRow("no secret service on the bus")
        << int(QKeychain::OtherError)
        << u"The name org.freedesktop.secrets was not provided by any .service files"_s << K::NoService;
    QTest::newRow("no default keyring")
        << int(QKeychain::OtherError)
        << u"Object does not exist at path “/org/freedesktop/secrets/collection/login”"_s << K::NoService;
    QTest::newRow("other") << int(QKeychain::OtherError) << u"Unknown error"_s << K::Other;
    QTest::newRow("could not delete") << int(QKeychain::CouldNotDeleteEntry) << u"I/O error"_s << K::Other;
}

void tst_SecretStore::classify()
{
    QFETCH(int, error);
    QFETCH(QString, text);
    QFETCH(SecretError::Kind, kind);
    QCOMPARE(KeychainSecretStore::classify(error, text), kind);
}

void tst_SecretStore::keychainRoundTrip()
{
    REQUIRE_OR_SKIP(secretServiceRunning(),
                    u"no Secret Service on the session bus (run under dbus-run-session "
                    "with gnome-keyring-daemon --unlock, as scripts/test.sh does)"_s);
    // A service name of this run's own: a user's entries are never touched, and runs do not meet.
    const QString service = u"kassa-test-%1"_s.arg(QRandomGenerator::global()->generate64(), 0, 16);
    KeychainSecretStore store(service);
    QCOMPARE(store.service(), service);
    const SecretId key{u"shop"_s, SecretKind::StripeSecretKey};
    const SecretId password{u"shop"_s, SecretKind::DatabasePassword};
    const QString value = u"sk_test_%1"_s.arg(QRandomGenerator::global()->generate64(), 0, 36);

    std::optional<SecretResult> read = readNow(store, key, this);
    QVERIFY(read);
    QCOMPARE(read->error.kind, SecretError::Kind::NotFound);

    std::optional<SecretError> written = writeNow(store, key, value, this);
    QVERIFY(written);
    QVERIFY2(!written->isError(), qPrintable(written->message));
    written = writeNow(store, password, u"pä ss wörd"_s, this);
    QVERIFY2(written && !written->isError(), written ? qPrintable(written->message) : "no answer");

    read = readNow(store, key, this);
    QVERIFY(read);
    QVERIFY2(read->ok(), qPrintable(read->error.message));
    QCOMPARE(read->value, value);
    read = readNow(store, password, this);
    QVERIFY(read && read->ok());
    QCOMPARE(read->value, u"pä ss wörd"_s);

    // Another store object (another run of Kassa) finds them too.
    KeychainSecretStore again(service);
    read = readNow(again, key, this);
    QVERIFY(read && read->ok());
    QCOMPARE(read->value, value);

    written = writeNow(store, key, value + u"2"_s, this);
    QVERIFY(written && !written->isError());
    QCOMPARE(readNow(store, key, this)->value, QString(value + u"2"_s));

    std::optional<SecretError> removed = removeNow(store, key, this);
    QVERIFY(removed);
    QVERIFY2(!removed->isError(), qPrintable(removed->message));
    QCOMPARE(readNow(store, key, this)->error.kind, SecretError::Kind::NotFound);
    removed = removeNow(store, key, this);
    QVERIFY(removed && !removed->isError());
    QVERIFY(!removeNow(store, password, this)->isError());
}

QTEST_GUILESS_MAIN(tst_SecretStore)
#include "tst_secretstore.moc"
