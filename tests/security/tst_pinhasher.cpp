// SPDX-License-Identifier: GPL-3.0-or-later
// PinHasher with its real parameters (600,000 PBKDF2-HMAC-SHA256 rounds, 16 random salt bytes), checked
// against an independent PBKDF2 (Qt's), and PinPolicy's rules.
#include "services/security/pinhasher.h"
#include "services/security/pinpolicy.h"

#include <QElapsedTimer>
#include <QPasswordDigestor>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::security;

class TestPinHasher : public QObject
{
    Q_OBJECT

private slots:
    void realParameters();
    void productionNeverGoesBelowTheMinimum();
    void verify();
    void distinctSalts();
    void rehash();
    void malformed_data();
    void malformed();
    void policy_data();
    void policy();
};

void TestPinHasher::realParameters()
{
    const PinHasher hasher;
    QCOMPARE(hasher.iterations(), 600'000);
    QElapsedTimer clock;
    clock.start();
    const QString stored = hasher.hash(u"4711"_s);
    qInfo() << "one hash with 600,000 rounds took" << clock.elapsed() << "ms";
    QVERIFY(stored.startsWith(u"pbkdf2-sha256$600000$"_s));
    QVERIFY(!stored.contains(u"4711"_s));
    const std::optional<PinHasher::Parameters> parameters = PinHasher::parse(stored);
    QVERIFY(parameters);
    QCOMPARE(parameters->algorithm, u"pbkdf2-sha256"_s);
    QCOMPARE(parameters->iterations, 600'000);
    QCOMPARE(parameters->salt.size(), 16);
    QCOMPARE(parameters->key.size(), 32);
    // The same derivation, done by another implementation.
    const QByteArray expected =
        QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, "4711", parameters->salt, 600'000, 32);
    QCOMPARE(parameters->key.toHex(), expected.toHex());
    QVERIFY(hasher.verify(u"4711"_s, stored));
    QVERIFY(!hasher.verify(u"4712"_s, stored));
    QVERIFY(!hasher.needsRehash(stored));
}

void TestPinHasher::productionNeverGoesBelowTheMinimum()
{
    QCOMPARE(PinHasher(1000).iterations(), PinHasher::MinimumIterations);
    QCOMPARE(PinHasher(0).iterations(), PinHasher::MinimumIterations);
    QCOMPARE(PinHasher(-5).iterations(), PinHasher::MinimumIterations);
    QCOMPARE(PinHasher(700'000).iterations(), 700'000);
}

void TestPinHasher::verify()
{
    const PinHasher hasher = PinHasher::insecureForTests(1000);
    const QString pin = hasher.hash(u"123456"_s);
    QVERIFY(hasher.verify(u"123456"_s, pin));
    QVERIFY(!hasher.verify(u"12345"_s, pin));
    QVERIFY(!hasher.verify(u"1234567"_s, pin));
    QVERIFY(!hasher.verify(QString(), pin));
    // A passphrase, with characters beyond ASCII.
    const QString phrase = hasher.hash(u"Grüße aus Köln 2026"_s);
    QVERIFY(hasher.verify(u"Grüße aus Köln 2026"_s, phrase));
    QVERIFY(!hasher.verify(u"Grusse aus Koln 2026"_s, phrase));
    // Composed or decomposed, the same passphrase.
    const QString composed = u"Gr\u00fc\u00dfe aus K\u00f6ln 2026"_s;
    const QString decomposed = u"Gru\u0308\u00dfe aus Ko\u0308ln 2026"_s;
    QVERIFY(composed != decomposed);
    QVERIFY(hasher.verify(decomposed, hasher.hash(composed)));
    // Hashes made with other parameters still verify with their own.
    QVERIFY(PinHasher().verify(u"123456"_s, pin));
    QVERIFY(PinHasher::insecureForTests(5).verify(u"123456"_s, pin));
}

void TestPinHasher::distinctSalts()
{
    const PinHasher hasher = PinHasher::insecureForTests(1000);
    QSet<QByteArray> salts;
    QSet<QString> hashes;
    for (int i = 0; i < 50; ++i) {
        const QString stored = hasher.hash(u"0000"_s);
        hashes.insert(stored);
        salts.insert(PinHasher::parse(stored)->salt);
    }
    QCOMPARE(salts.size(), 50);
    QCOMPARE(hashes.size(), 50);
}

void TestPinHasher::rehash()
{
    const QString weak = PinHasher::insecureForTests(1000).hash(u"2468"_s);
    const PinHasher current;
    QVERIFY(current.needsRehash(weak));
    QVERIFY(current.verify(u"2468"_s, weak));
    QVERIFY(!PinHasher::insecureForTests(1000).needsRehash(weak));
    QVERIFY(PinHasher::insecureForTests(1001).needsRehash(weak));
    // A short salt or key is weaker too, whatever the rounds.
    const std::optional<PinHasher::Parameters> parameters = PinHasher::parse(weak);
    const QString shortSalt =
        u"pbkdf2-sha256$600000$%1$%2"_s.arg(QString::fromLatin1(parameters->salt.left(8).toBase64()),
                                            QString::fromLatin1(parameters->key.toBase64()));
    QVERIFY(current.needsRehash(shortSalt));
    QVERIFY(current.needsRehash(u"garbage"_s));
}

void TestPinHasher::malformed_data()
{
    QTest::addColumn<QString>("stored");
    QTest::newRow("empty") << QString();
    QTest::newRow("other algorithm") << u"bcrypt$600000$c2FsdHNhbHRzYWx0c2FsdA==$a2V5"_s;
    QTest::newRow("no iterations") << u"pbkdf2-sha256$$c2FsdHNhbHRzYWx0c2FsdA==$a2V5"_s;
    QTest::newRow("zero iterations") << u"pbkdf2-sha256$0$c2FsdHNhbHRzYWx0c2FsdA==$a2V5"_s;
    QTest::newRow("absurd iterations") << u"pbkdf2-sha256$2000000000$c2FsdHNhbHRzYWx0c2FsdA==$a2V5"_s;
    QTest::newRow("bad base64") << u"pbkdf2-sha256$600000$!!!$a2V5"_s;
    QTest::newRow("no key") << u"pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA==$"_s;
    QTest::newRow("extra part") << u"pbkdf2-sha256$600000$c2FsdA==$a2V5$x"_s;
}

void TestPinHasher::malformed()
{
    QFETCH(QString, stored);
    QVERIFY(!PinHasher::parse(stored));
    QVERIFY(!PinHasher::insecureForTests(10).verify(u"1234"_s, stored));
    QVERIFY(PinHasher().needsRehash(stored));
}

void TestPinHasher::policy_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<Role>("role");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("4 digits") << u"1234"_s << Role::Cashier << true;
    QTest::newRow("12 digits") << u"123456789012"_s << Role::Manager << true;
    QTest::newRow("3 digits") << u"123"_s << Role::Cashier << false;
    QTest::newRow("13 digits") << u"1234567890123"_s << Role::Owner << false;
    QTest::newRow("letters, cashier") << u"correct horse battery"_s << Role::Cashier << false;
    QTest::newRow("letters, manager") << u"correct horse battery"_s << Role::Manager << false;
    QTest::newRow("passphrase, owner") << u"correct horse battery"_s << Role::Owner << true;
    QTest::newRow("short passphrase, owner") << u"abc123def45"_s << Role::Owner << false;
    QTest::newRow("12-char passphrase, owner") << u"abc123def456"_s << Role::Owner << true;
    QTest::newRow("digits with a space") << u"12 34"_s << Role::Cashier << false;
    QTest::newRow("empty") << QString() << Role::Owner << false;
    QTest::newRow("long passphrase") << QString(129, u'x') << Role::Owner << false;
}

void TestPinHasher::policy()
{
    QFETCH(QString, secret);
    QFETCH(Role, role);
    QFETCH(bool, accepted);
    const QString why = PinPolicy::check(secret, role);
    QVERIFY2(why.isEmpty() == accepted, qPrintable(why));
    if (!secret.isEmpty())
        QVERIFY(!why.contains(secret));
}

QTEST_GUILESS_MAIN(TestPinHasher)
#include "tst_pinhasher.moc"
