// SPDX-License-Identifier: GPL-3.0-or-later
// DatabaseConfig::fromUrl(): PostgreSQL URLs read as libpq reads them (percent-decoding, IPv6, Unix
// sockets, parameters), everything else refused with a message that says what to write; and a display
// string that never shows the password. Pure parsing: no database, so no backend rows.
#include "services/store/databaseconfig.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa::store;

class TestDatabaseConfig : public QObject
{
    Q_OBJECT

private slots:
    void validUrls_data();
    void validUrls();
    void invalidUrls_data();
    void invalidUrls();
    void passwordArgumentWins();
    void displayStringHidesPassword();
    void libpqOptionsAreQuoted();
    void sqliteDefaults();
};

void TestDatabaseConfig::validUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("options");

    QTest::newRow("full") << u"postgresql://kassa@db.shop:5433/tills"_s << u"kassa"_s << QString()
                          << u"db.shop"_s << 5433 << u"tills"_s << QString();
    QTest::newRow("postgres scheme, upper case") << u"POSTGRES://kassa@db/tills"_s << u"kassa"_s << QString()
                                                 << u"db"_s << 0 << u"tills"_s << QString();
    QTest::newRow("no user, no port") << u"postgresql://localhost/kassa"_s << QString() << QString()
                                      << u"localhost"_s << 0 << u"kassa"_s << QString();
    QTest::newRow("only scheme: all from libpq defaults")
        << u"postgresql://"_s << QString() << QString() << QString() << 0 << QString() << QString();
    QTest::newRow("percent-encoded user and database")
        << u"postgresql://m%C3%BCller%40shop@db/k%C3%A4sse%20eins"_s << u"müller@shop"_s << QString()
        << u"db"_s << 0 << u"kässe eins"_s << QString();
    QTest::newRow("password in the URL") << u"postgresql://kassa:p%40ss%3Aw0rd@db/k"_s << u"kassa"_s
                                         << u"p@ss:w0rd"_s << u"db"_s << 0 << u"k"_s << QString();
    QTest::newRow("ipv6") << u"postgresql://kassa@[2001:db8::1]:6543/k"_s << u"kassa"_s << QString()
                          << u"2001:db8::1"_s << 6543 << u"k"_s << QString();
    QTest::newRow("ipv6 without port")
        << u"postgresql://[::1]/k"_s << QString() << QString() << u"::1"_s << 0 << u"k"_s << QString();
    QTest::newRow("unix socket as encoded host")
        << u"postgresql://kassa@%2Fvar%2Frun%2Fpostgresql/k"_s << u"kassa"_s << QString()
        << u"/var/run/postgresql"_s << 0 << u"k"_s << QString();
    QTest::newRow("unix socket as parameter")
        << u"postgresql:///k?host=/var/run/postgresql&port=5434"_s << QString() << QString()
        << u"/var/run/postgresql"_s << 5434 << u"k"_s << QString();
    QTest::newRow("ssl parameters")
        << u"postgresql://db/k?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20file.pem"_s << QString()
        << QString() << u"db"_s << 0 << u"k"_s << u"sslmode=verify-full;sslrootcert=/etc/ca file.pem"_s;
    QTest::newRow("surrounding white space")
        << u"  postgresql://db/k  "_s << QString() << QString() << u"db"_s << 0 << u"k"_s << QString();
}

void TestDatabaseConfig::validUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, database);
    QFETCH(QString, options);

    const StoreResult<DatabaseConfig> config = DatabaseConfig::fromUrl(url);
    QVERIFY2(config.ok(), qPrintable(config.error().toString()));
    QCOMPARE(config.value().dialect, Dialect::Postgres);
    QCOMPARE(config.value().user, user);
    QCOMPARE(config.value().password, password);
    QCOMPARE(config.value().host, host);
    QCOMPARE(config.value().port, port);
    QCOMPARE(config.value().databaseName, database);
    QStringList actual;
    for (auto it = config.value().options.cbegin(); it != config.value().options.cend(); ++it)
        actual << it.key() + u'=' + it.value();
    QCOMPARE(actual.join(u';'), options);
}

void TestDatabaseConfig::invalidUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected"); // a part of the message

    QTest::newRow("empty") << QString() << u"postgresql://user@host:port/dbname"_s;
    QTest::newRow("a path") << u"/var/lib/kassa.sqlite"_s << u"SQLite file"_s;
    QTest::newRow("mysql") << u"mysql://kassa@db/k"_s << u"\"mysql\" are not supported"_s;
    QTest::newRow("sqlite scheme") << u"sqlite:///tmp/k.sqlite"_s << u"SQLite needs no URL"_s;
    QTest::newRow("http") << u"http://db/k"_s << u"not supported"_s;
    QTest::newRow("port not a number") << u"postgresql://db:54x2/k"_s << u"port"_s;
    QTest::newRow("port zero") << u"postgresql://db:0/k"_s << u"1 to 65535"_s;
    QTest::newRow("port too big") << u"postgresql://db:65536/k"_s << u"1 to 65535"_s;
    QTest::newRow("colon, no port") << u"postgresql://db:/k"_s << u"no port"_s;
    QTest::newRow("several hosts") << u"postgresql://db1,db2/k"_s << u"several hosts"_s;
    QTest::newRow("several hosts as parameter") << u"postgresql:///k?host=a,b"_s << u"several hosts"_s;
    QTest::newRow("bad percent") << u"postgresql://us%zzer@db/k"_s << u"two hex digits"_s;
    QTest::newRow("truncated percent") << u"postgresql://db/k%4"_s << u"two hex digits"_s;
    QTest::newRow("encoded NUL") << u"postgresql://db/k%00x"_s << u"NUL"_s;
    QTest::newRow("not UTF-8") << u"postgresql://db/k%C3"_s << u"UTF-8"_s;
    QTest::newRow("fragment") << u"postgresql://db/k#x"_s << u"fragment"_s;
    QTest::newRow("space inside") << u"postgresql://db/k x"_s << u"space"_s;
    QTest::newRow("slash in database name") << u"postgresql://db/k/x"_s << u"'/'"_s;
    QTest::newRow("unclosed ipv6") << u"postgresql://[::1/k"_s << u"closing"_s;
    QTest::newRow("unknown parameter")
        << u"postgresql://db/k?sslmdoe=require"_s << u"\"sslmdoe\" is not supported"_s;
    QTest::newRow("password parameter")
        << u"postgresql://db/k?password=x"_s << u"\"password\" is not supported"_s;
    QTest::newRow("parameter without value") << u"postgresql://db/k?sslmode"_s << u"no value"_s;
    QTest::newRow("semicolon in a value") << u"postgresql://db/k?application_name=a%3Bb"_s << u"';'"_s;
}

void TestDatabaseConfig::invalidUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, expected);
    const StoreResult<DatabaseConfig> config = DatabaseConfig::fromUrl(url);
    QVERIFY(!config.ok());
    QCOMPARE(config.error().kind, StoreError::Kind::InvalidConfig);
    QVERIFY2(config.error().message.contains(expected), qPrintable(config.error().message));
}

void TestDatabaseConfig::passwordArgumentWins()
{
    const StoreResult<DatabaseConfig> fromKeychain =
        DatabaseConfig::fromUrl(u"postgresql://kassa:inurl@db/k"_s, u"from-keychain"_s);
    QVERIFY(fromKeychain.ok());
    QCOMPARE(fromKeychain.value().password, u"from-keychain"_s);
    const StoreResult<DatabaseConfig> none = DatabaseConfig::fromUrl(u"postgresql://kassa@db/k"_s);
    QVERIFY(none.ok());
    QVERIFY(none.value().password.isEmpty()); // libpq: PGPASSWORD, ~/.pgpass
}

void TestDatabaseConfig::displayStringHidesPassword()
{
    const StoreResult<DatabaseConfig> config =
        DatabaseConfig::fromUrl(u"postgresql://kassa:s3cret@db.shop:5433/tills"_s, u"t0psecret"_s);
    QVERIFY(config.ok());
    const QString shown = config.value().toDisplayString();
    QCOMPARE(shown, u"PostgreSQL kassa@db.shop:5433/tills"_s);
    QVERIFY(!shown.contains(u"s3cret"_s));
    QVERIFY(!shown.contains(u"t0psecret"_s));
    QVERIFY(!config.value().libpqOptions().contains(u"secret"_s));
    QCOMPARE(DatabaseConfig::sqlite(u"/tmp/k.sqlite"_s).toDisplayString(), u"SQLite /tmp/k.sqlite"_s);
}

void TestDatabaseConfig::libpqOptionsAreQuoted()
{
    const StoreResult<DatabaseConfig> config = DatabaseConfig::fromUrl(
        u"postgresql://db/k?sslrootcert=%2Fa%20b%2Fit's%5Cca.pem&connect_timeout=3"_s);
    QVERIFY(config.ok());
    QCOMPARE(config.value().libpqOptions(),
             u"application_name=kassa;connect_timeout='3';sslrootcert='/a b/it\\'s\\\\ca.pem'"_s);
}

void TestDatabaseConfig::sqliteDefaults()
{
    const DatabaseConfig config = DatabaseConfig::sqlite(u"/data/kassa.sqlite"_s);
    QCOMPARE(config.dialect, Dialect::Sqlite);
    QCOMPARE(config.sqlitePath, u"/data/kassa.sqlite"_s);
    QCOMPARE(config.busyTimeoutMs, 5000);
    QVERIFY(DatabaseConfig::defaultSqlitePath().endsWith(u"/kassa.sqlite"_s));
}

QTEST_GUILESS_MAIN(TestDatabaseConfig)
#include "tst_databaseconfig.moc"
