// The log filter: keys, Authorization credentials and card numbers masked in every log line, and
// everything else (amounts, ids, timestamps, numbers that fail the Luhn check) left alone.
#include "services/security/logfilter.h"

#include <QLoggingCategory>
#include <QTest>

using namespace Qt::StringLiterals;
namespace LogFilter = kassa::security::LogFilter;

namespace {

QStringList g_received;

void recordingHandler(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_received.append(message);
}

// Not under kassa.*, whose debug lines CTest turns off.
Q_LOGGING_CATEGORY(lcTest, "tests.logfilter")

} // namespace

class tst_LogFilter : public QObject
{
    Q_OBJECT

private slots:
    void luhn_data();
    void luhn();
    void mask_data();
    void mask();
    void messageHandler();
};

void tst_LogFilter::luhn_data()
{
    QTest::addColumn<QString>("digits");
    QTest::addColumn<bool>("passes");

    QTest::newRow("visa") << u"4242424242424242"_s << true;
    QTest::newRow("visa 13") << u"4222222222222"_s << true;
    QTest::newRow("amex") << u"378282246310005"_s << true;
    QTest::newRow("diners 14") << u"36227206271667"_s << true;
    QTest::newRow("19 digits") << u"6200000000000000000"_s << true;
    QTest::newRow("zero") << u"0"_s << true;
    QTest::newRow("one off") << u"4242424242424241"_s << false;
    QTest::newRow("swapped") << u"4242424242424224"_s << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("not digits") << u"42424242a4242424"_s << false;
    QTest::newRow("arabic-indic digits") << u"\u0664\u0662"_s << false;
}

void tst_LogFilter::luhn()
{
    QFETCH(QString, digits);
    QFETCH(bool, passes);
    QCOMPARE(LogFilter::passesLuhn(digits), passes);
}

void tst_LogFilter::mask_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("masked");

    // Keys and secrets.
    QTest::newRow("secret key") << u"key sk_test_4eC39HqLyjWDarjtT1zdp7dc refused"_s
                                << u"key sk_test_...p7dc refused"_s;
    QTest::newRow("live restricted key") << u"rk_live_51H8abcDEFghiJKLmnoPQRstu"_s << u"rk_live_...Rstu"_s;
    QTest::newRow("publishable key in JSON")
        << uR"({"key":"pk_test_TYooMQauvdEDq54NiTphI7jx"})"_s << uR"({"key":"pk_test_...I7jx"})"_s;
    QTest::newRow("webhook secret") << u"secret=whsec_kassacliTestSecret0123456789abcdef;"_s
                                    << u"secret=whsec_...cdef;"_s;
    QTest::newRow("two keys") << u"sk_test_aaaaaaaaaaaaaaaa1111 then sk_live_bbbbbbbbbbbbbbbb2222"_s
                              << u"sk_test_...1111 then sk_live_...2222"_s;
    QTest::newRow("key in URL") << u"https://x/?k=sk_test_4eC39HqLyjWDarjtT1zdp7dc&a=1"_s
                                << u"https://x/?k=sk_test_...p7dc&a=1"_s;
    // Authorization credentials.
    QTest::newRow("bearer") << u"Authorization: Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc"_s
                            << u"Authorization: Bearer [redacted]"_s;
    QTest::newRow("bearer any token")
        << u"authorization: bearer eyJhbGciOi.J9.abc, next"_s << u"authorization: bearer [redacted], next"_s;
    QTest::newRow("basic") << u"Authorization: Basic c2tfdGVzdF80ZUMzOUhxTHlqV0Rhcmp0VDF6ZHA3ZGM6"_s
                           << u"Authorization: Basic [redacted]"_s;
    QTest::newRow("basic in prose") << u"Use Basic auth with the key as the user name."_s
                                    << u"Use Basic auth with the key as the user name."_s;
    // Card numbers that pass the Luhn check: the last four digits are kept.
    QTest::newRow("card") << u"number=4242424242424242&exp_month=12"_s << u"number=****4242&exp_month=12"_s;
    QTest::newRow("card in spaces") << u"card 4242 4242 4242 4242 declined"_s << u"card ****4242 declined"_s;
    QTest::newRow("card in dashes") << u"4000-0000-0000-0002"_s << u"****0002"_s;
    QTest::newRow("amex groups") << u"3782 822463 10005"_s << u"****0005"_s;
    QTest::newRow("13 digits") << u"4222222222222"_s << u"****2222"_s;
    QTest::newRow("19 digits") << u"6200000000000000000"_s << u"****0000"_s;
    QTest::newRow("card then date") << u"4242 4242 4242 4242 12 30"_s << u"****4242 12 30"_s;
    QTest::newRow("amount then card") << u"1250 4242424242424242"_s << u"1250 ****4242"_s;
    QTest::newRow("two cards") << u"4242424242424242,4000000000000002"_s << u"****4242,****0002"_s;
    QTest::newRow("card in JSON") << uR"({"number":"4242424242424242"})"_s << uR"({"number":"****4242"})"_s;
    // Left alone.
    QTest::newRow("not Luhn") << u"4242424242424241"_s << u"4242424242424241"_s;
    QTest::newRow("not Luhn in groups") << u"4242 4242 4242 4241"_s << u"4242 4242 4242 4241"_s;
    QTest::newRow("12 digits") << u"424242424242"_s << u"424242424242"_s;
    QTest::newRow("20 digits") << u"42424242424242421230"_s << u"42424242424242421230"_s;
    QTest::newRow("amounts") << u"pay 1250 usd, refund 12.50 of 1250, total 1,234,567.89"_s
                             << u"pay 1250 usd, refund 12.50 of 1250, total 1,234,567.89"_s;
    QTest::newRow("timestamps") << u"created=1732600000 at 1732600000000"_s
                                << u"created=1732600000 at 1732600000000"_s;
    QTest::newRow("object ids") << u"pi_4242424242424242 ch_3MtwBwLkdIwHu7ix28a3tqPa"_s
                                << u"pi_4242424242424242 ch_3MtwBwLkdIwHu7ix28a3tqPa"_s;
    QTest::newRow("digits in a word") << u"abc4242424242424242"_s << u"abc4242424242424242"_s;
    QTest::newRow("two spaces split") << u"4242 4242  4242 4242"_s << u"4242 4242  4242 4242"_s;
    QTest::newRow("request line") << u"POST /v1/payment_intents 200 req_AbC123 in 12 ms"_s
                                  << u"POST /v1/payment_intents 200 req_AbC123 in 12 ms"_s;
    QTest::newRow("empty") << QString() << QString();
}

void tst_LogFilter::mask()
{
    QFETCH(QString, line);
    QFETCH(QString, masked);
    QCOMPARE(LogFilter::mask(line), masked);
    // Masking what is masked changes nothing.
    QCOMPARE(LogFilter::mask(masked), masked);
}

void tst_LogFilter::messageHandler()
{
    // The filter sits in front of the handler that was there before, and passes every line on to it.
    const QtMessageHandler original = qInstallMessageHandler(recordingHandler);
    LogFilter::install();
    LogFilter::install(); // a second call changes nothing
    QLoggingCategory::setFilterRules(u"tests.logfilter.debug=true"_s);
    qCDebug(lcTest) << "key"
                    << "sk_live_51H8abcDEFghiJKLmnoPQRstu";
    qWarning("card %s", "4242 4242 4242 4242");
    qCInfo(lcTest, "Authorization: Bearer %s", "rk_test_51H8abcDEFghiJKLmnoPQRstu");
    qInstallMessageHandler(original);

    QCOMPARE(g_received.size(), 3);
    QCOMPARE(g_received.at(0), u"key sk_live_...Rstu"_s);
    QCOMPARE(g_received.at(1), u"card ****4242"_s);
    QCOMPARE(g_received.at(2), u"Authorization: Bearer [redacted]"_s);
}

QTEST_GUILESS_MAIN(tst_LogFilter)
#include "tst_logfilter.moc"
