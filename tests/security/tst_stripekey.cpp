// Stripe keys as typed or pasted: kind, mode, format, and the masked form that is all Kassa ever shows.
#include "services/security/stripekey.h"

#include <QTest>

using namespace Qt::StringLiterals;
using kassa::security::StripeKey;

class tst_StripeKey : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void mask_data();
    void mask();
    void errorNeverRepeatsTheKey();
};

void tst_StripeKey::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<StripeKey::Type>("type");
    QTest::addColumn<StripeKey::Mode>("mode");

    using T = StripeKey::Type;
    using M = StripeKey::Mode;
    QTest::newRow("sk_test") << u"sk_test_4eC39HqLyjWDarjtT1zdp7dc"_s << T::Secret << M::Test;
    QTest::newRow("sk_live") << u"sk_live_51H8abcDEFghiJKLmnoPQRstu"_s << T::Secret << M::Live;
    QTest::newRow("rk_test") << u"rk_test_51H8abcDEFghiJKLmnoPQRstu"_s << T::Restricted << M::Test;
    QTest::newRow("rk_live") << u"rk_live_51H8abcDEFghiJKLmnoPQRstu"_s << T::Restricted << M::Live;
    QTest::newRow("pk_test") << u"pk_test_TYooMQauvdEDq54NiTphI7jx"_s << T::Publishable << M::Test;
    QTest::newRow("pk_live") << u"pk_live_TYooMQauvdEDq54NiTphI7jx"_s << T::Publishable << M::Live;
    QTest::newRow("whsec") << u"whsec_kassacliTestSecret0123456789abcdef"_s << T::WebhookSecret << M::Unknown;
    QTest::newRow("whsec base64") << u"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/="_s << T::WebhookSecret
                                  << M::Unknown;
    QTest::newRow("pasted with newline")
        << u"  sk_test_4eC39HqLyjWDarjtT1zdp7dc\r\n"_s << T::Secret << M::Test;
    QTest::newRow("shortest") << u"sk_test_12345678"_s << T::Secret << M::Test;

    QTest::newRow("empty") << QString() << T::Invalid << M::Unknown;
    QTest::newRow("too short") << u"sk_test_1234567"_s << T::Invalid << M::Unknown;
    QTest::newRow("no mode") << u"sk_4eC39HqLyjWDarjtT1zdp7dc"_s << T::Invalid << M::Unknown;
    QTest::newRow("other mode") << u"sk_prod_4eC39HqLyjWDarjtT1zdp7dc"_s << T::Invalid << M::Unknown;
    QTest::newRow("punctuation") << u"sk_test_kassa-cli!"_s << T::Invalid << M::Unknown;
    QTest::newRow("inner space") << u"sk_test_4eC39Hq LyjWDarjtT1zdp7dc"_s << T::Invalid << M::Unknown;
    QTest::newRow("upper-case prefix") << u"SK_TEST_4eC39HqLyjWDarjtT1zdp7dc"_s << T::Invalid << M::Unknown;
    QTest::newRow("object id") << u"pi_3MtwBwLkdIwHu7ix28a3tqPa"_s << T::Invalid << M::Unknown;
    QTest::newRow("whsec too short") << u"whsec_abc"_s << T::Invalid << M::Unknown;
}

void tst_StripeKey::parse()
{
    QFETCH(QString, text);
    QFETCH(StripeKey::Type, type);
    QFETCH(StripeKey::Mode, mode);

    const StripeKey key = StripeKey::parse(text);
    QCOMPARE(key.type(), type);
    QCOMPARE(key.mode(), mode);
    QCOMPARE(key.isValid(), type != StripeKey::Type::Invalid);
    QCOMPARE(key.error().isEmpty(), key.isValid());
    QCOMPARE(key.isLive(), mode == StripeKey::Mode::Live);
    QCOMPARE(key.isServerKey(), type == StripeKey::Type::Secret || type == StripeKey::Type::Restricted);
    if (key.isValid())
        QCOMPARE(key.value(), text.trimmed());
    else
        QVERIFY(key.value().isEmpty());
}

void tst_StripeKey::mask_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("masked");

    QTest::newRow("sk_test") << u"sk_test_4eC39HqLyjWDarjtT1zdp7dc"_s << u"sk_test_...p7dc"_s;
    QTest::newRow("rk_live") << u"rk_live_51H8abcDEFghiJKLmnoPQRstu"_s << u"rk_live_...Rstu"_s;
    QTest::newRow("pk_test") << u"pk_test_TYooMQauvdEDq54NiTphI7jx"_s << u"pk_test_...I7jx"_s;
    QTest::newRow("whsec") << u"whsec_kassacliTestSecret0123456789abcdef"_s << u"whsec_...cdef"_s;
    // Under twelve characters after the prefix, four of them would give too much away.
    QTest::newRow("short body") << u"sk_test_12345678901"_s << u"sk_test_..."_s;
    QTest::newRow("twelve") << u"sk_test_123456789012"_s << u"sk_test_...9012"_s;
    QTest::newRow("malformed") << u"sk_test_kassa-cli!"_s << u"sk_test_..."_s;
    QTest::newRow("not a key") << u"hunter2hunter2hunter2"_s << u"...ter2"_s;
    QTest::newRow("short") << u"abc"_s << u"..."_s;
    QTest::newRow("empty") << QString() << u"..."_s;
}

void tst_StripeKey::mask()
{
    QFETCH(QString, text);
    QFETCH(QString, masked);

    QCOMPARE(StripeKey::mask(text), masked);
    const StripeKey key = StripeKey::parse(text);
    if (key.isValid())
        QCOMPARE(key.masked(), masked);
}

void tst_StripeKey::errorNeverRepeatsTheKey()
{
    for (const QString &text : {u"sk_test_kassa-cli!secret"_s, u"sk_prod_4eC39HqLyjWDarjtT1zdp7dc"_s,
                                u"whsec_abc"_s, u"hunter2hunter2"_s}) {
        const StripeKey key = StripeKey::parse(text);
        QVERIFY(!key.isValid());
        QVERIFY2(!key.error().contains(text.mid(4)), qPrintable(key.error()));
    }
}

QTEST_GUILESS_MAIN(tst_StripeKey)
#include "tst_stripekey.moc"
