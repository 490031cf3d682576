// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/currency.h"

#include "coretestsupport.h"

#include <QHash>
#include <QLocale>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;

class tst_Currency : public QObject
{
    Q_OBJECT

private slots:
    void fromCode_data();
    void fromCode();
    void exponent_data();
    void exponent();
    void allIsSortedAndRoundTrips();
    void minimumChargeAmount_data();
    void minimumChargeAmount();
    void symbol_data();
    void symbol();
    void acceptedSymbols_data();
    void acceptedSymbols();
    void fromSymbol_data();
    void fromSymbol();
    void comparisonAndHash();
    void invalidCurrency();
};

void tst_Currency::fromCode_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("code"); // empty: rejected

    QTest::newRow("lowercase") << u"usd"_s << u"usd"_s;
    QTest::newRow("uppercase") << u"USD"_s << u"usd"_s;
    QTest::newRow("mixed case") << u"uSd"_s << u"usd"_s;
    QTest::newRow("eur") << u"EUR"_s << u"eur"_s;
    QTest::newRow("jpy") << u"jpy"_s << u"jpy"_s;
    QTest::newRow("kwd") << u"KWD"_s << u"kwd"_s;
    QTest::newRow("first in table") << u"aed"_s << u"aed"_s;
    QTest::newRow("last in table") << u"zmw"_s << u"zmw"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("two letters") << u"us"_s << QString();
    QTest::newRow("four letters") << u"usdd"_s << QString();
    QTest::newRow("leading space") << u" usd"_s << QString();
    QTest::newRow("trailing space") << u"usd "_s << QString();
    QTest::newRow("digit") << u"us1"_s << QString();
    QTest::newRow("symbol") << u"u$d"_s << QString();
    QTest::newRow("not an ISO code") << u"xyz"_s << QString();
    QTest::newRow("ISO but not Stripe (Venezuela)") << u"ves"_s << QString();
    QTest::newRow("withdrawn (Croatian kuna)") << u"hrk"_s << QString();
    QTest::newRow("between table entries") << u"usa"_s << QString();
    QTest::newRow("before first") << u"aaa"_s << QString();
    QTest::newRow("after last") << u"zzz"_s << QString();
    QTest::newRow("full-width letters") << u"\uff55\uff53\uff44"_s << QString();
    QTest::newRow("dotless i") << u"\u0131sk"_s << QString();
}

void tst_Currency::fromCode()
{
    QFETCH(QString, input);
    QFETCH(QString, code);

    const std::optional<Currency> currency = Currency::fromCode(input);
    QCOMPARE(currency.has_value(), !code.isEmpty());
    if (currency) {
        QVERIFY(currency->isValid());
        QCOMPARE(currency->code(), code);
        QCOMPARE(currency->upperCode(), code.toUpper());
    }
}

void tst_Currency::exponent_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("exponent");

    // Stripe's lists, spelled out so that a change to the table has to change this test too.
    const QStringList zeroDecimal{u"bif"_s, u"clp"_s, u"djf"_s, u"gnf"_s, u"jpy"_s, u"kmf"_s,
                                  u"krw"_s, u"mga"_s, u"pyg"_s, u"rwf"_s, u"ugx"_s, u"vnd"_s,
                                  u"vuv"_s, u"xaf"_s, u"xof"_s, u"xpf"_s};
    const QStringList threeDecimal{u"bhd"_s, u"jod"_s, u"kwd"_s, u"omr"_s, u"tnd"_s};
    for (const QString &code : zeroDecimal)
        QTest::addRow("%s", qPrintable(code)) << code << 0;
    for (const QString &code : threeDecimal)
        QTest::addRow("%s", qPrintable(code)) << code << 3;
    // Every other supported currency has two.
    const QList<Currency> all = Currency::all();
    for (const Currency &currency : all) {
        if (!zeroDecimal.contains(currency.code()) && !threeDecimal.contains(currency.code()))
            QTest::addRow("%s", qPrintable(currency.code())) << currency.code() << 2;
    }
}

void tst_Currency::exponent()
{
    QFETCH(QString, code);
    QFETCH(int, exponent);

    const std::optional<Currency> currency = Currency::fromCode(code);
    QVERIFY2(currency.has_value(), qPrintable(code));
    QCOMPARE(currency->exponent(), exponent);
}

void tst_Currency::allIsSortedAndRoundTrips()
{
    const QList<Currency> all = Currency::all();
    QVERIFY2(all.size() >= 135, qPrintable(QString::number(all.size())));
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Currency currency = all.at(i);
        QVERIFY(currency.isValid());
        QCOMPARE(currency.code().size(), 3);
        QVERIFY(Currency::fromCode(currency.code()) == currency);
        QVERIFY(Currency::fromCode(currency.upperCode()) == currency);
        QVERIFY(!currency.symbol(QLocale(QLocale::English, QLocale::UnitedStates)).isEmpty());
        if (i > 0) {
            QVERIFY(all.at(i - 1) < currency);
            QVERIFY(all.at(i - 1).code() < currency.code());
        }
    }
    // Spot checks of Stripe's presentment currencies.
    for (const char *code : {"usd", "eur", "gbp", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "ron",
                             "bgn", "aed", "brl", "inr", "myr", "nzd", "thb", "sgd", "hkd", "mxn", "cad",
                             "aud", "isk", "twd", "zar", "try", "ils", "php", "idr", "sle", "std"}) {
        QVERIFY2(Currency::fromCode(QString::fromLatin1(code)).has_value(), code);
    }
}

void tst_Currency::minimumChargeAmount_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<qint64>("minimum");
    QTest::addColumn<bool>("published");

    // Stripe's published table, in minor units.
    const QList<std::pair<const char *, qint64>> published{
        {"usd", 50},  {"eur", 50},  {"gbp", 30},   {"aud", 50},    {"cad", 50},  {"chf", 50},
        {"jpy", 50},  {"hkd", 400}, {"sgd", 50},   {"mxn", 1000},  {"nok", 300}, {"sek", 300},
        {"dkk", 250}, {"pln", 200}, {"czk", 1500}, {"huf", 17500}, {"ron", 200}, {"bgn", 100},
        {"aed", 200}, {"brl", 50},  {"inr", 50},   {"myr", 200},   {"nzd", 50},  {"thb", 1000},
    };
    for (const auto &[code, minimum] : published)
        QTest::newRow(code) << QString::fromLatin1(code) << minimum << true;
    // Everything else: the documented default of 50 minor units.
    QTest::newRow("krw default") << u"krw"_s << qint64(50) << false;
    QTest::newRow("kwd default") << u"kwd"_s << qint64(50) << false;
    QTest::newRow("ars default") << u"ars"_s << qint64(50) << false;
    QTest::newRow("zar default") << u"zar"_s << qint64(50) << false;
}

void tst_Currency::minimumChargeAmount()
{
    QFETCH(QString, code);
    QFETCH(qint64, minimum);
    QFETCH(bool, published);

    const std::optional<Currency> currency = Currency::fromCode(code);
    QVERIFY(currency.has_value());
    QCOMPARE(currency->minimumChargeAmount(), minimum);
    QCOMPARE(currency->hasPublishedMinimumChargeAmount(), published);
}

void tst_Currency::symbol_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("symbol");

    // The locale's own currency: the locale's symbol.
    QTest::newRow("usd en_US") << u"en_US"_s << u"usd"_s << u"$"_s;
    QTest::newRow("eur de_DE") << u"de_DE"_s << u"eur"_s << u"€"_s;
    QTest::newRow("eur fr_FR") << u"fr_FR"_s << u"eur"_s << u"€"_s;
    QTest::newRow("jpy ja_JP (full-width yen)") << u"ja_JP"_s << u"jpy"_s << u"\uffe5"_s;
    QTest::newRow("chf de_CH") << u"de_CH"_s << u"chf"_s << u"CHF"_s;
    QTest::newRow("inr en_IN") << u"en_IN"_s << u"inr"_s << u"₹"_s;
    QTest::newRow("cad en_CA") << u"en_CA"_s << u"cad"_s << u"$"_s;
    // Another currency: its narrow symbol, unless the locale's own currency looks the same.
    QTest::newRow("usd de_DE") << u"de_DE"_s << u"usd"_s << u"$"_s;
    QTest::newRow("eur en_US") << u"en_US"_s << u"eur"_s << u"€"_s;
    QTest::newRow("jpy en_US") << u"en_US"_s << u"jpy"_s << u"¥"_s;
    QTest::newRow("cad en_US") << u"en_US"_s << u"cad"_s << u"CA$"_s;
    QTest::newRow("usd en_CA") << u"en_CA"_s << u"usd"_s << u"US$"_s;
    QTest::newRow("usd es_MX") << u"es_MX"_s << u"usd"_s << u"US$"_s;
    QTest::newRow("jpy zh_CN") << u"zh_CN"_s << u"jpy"_s << u"JP¥"_s;
    QTest::newRow("cny ja_JP") << u"ja_JP"_s << u"cny"_s << u"CN¥"_s;
    QTest::newRow("gbp en_US") << u"en_US"_s << u"gbp"_s << u"£"_s;
    // No narrow symbol, or one that collides without a distinct form: the ISO code.
    QTest::newRow("kwd en_US") << u"en_US"_s << u"kwd"_s << u"KWD"_s;
    QTest::newRow("chf en_US") << u"en_US"_s << u"chf"_s << u"CHF"_s;
    QTest::newRow("nok sv_SE") << u"sv_SE"_s << u"nok"_s << u"NOK"_s;
    QTest::newRow("sek en_US") << u"en_US"_s << u"sek"_s << u"kr"_s;
    QTest::newRow("usd C") << u"C"_s << u"usd"_s << u"$"_s;
}

void tst_Currency::symbol()
{
    QFETCH(QString, locale);
    QFETCH(QString, code);
    QFETCH(QString, symbol);

    const std::optional<Currency> currency = Currency::fromCode(code);
    QVERIFY(currency.has_value());
    QCOMPARE(currency->symbol(QLocale(locale)), symbol);
}

void tst_Currency::acceptedSymbols_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("usd $") << u"en_US"_s << u"usd"_s << u"$"_s << true;
    QTest::newRow("usd USD") << u"en_US"_s << u"usd"_s << u"USD"_s << true;
    QTest::newRow("usd US$") << u"en_US"_s << u"usd"_s << u"US$"_s << true;
    QTest::newRow("cad $ in en_US") << u"en_US"_s << u"cad"_s << u"$"_s << true;
    QTest::newRow("chf Fr.") << u"de_CH"_s << u"chf"_s << u"Fr."_s << true;
    QTest::newRow("jpy 円") << u"ja_JP"_s << u"jpy"_s << u"円"_s << true;
    QTest::newRow("inr Rs.") << u"en_IN"_s << u"inr"_s << u"Rs."_s << true;
    QTest::newRow("usd €") << u"en_US"_s << u"usd"_s << u"€"_s << false;
    QTest::newRow("eur $") << u"de_DE"_s << u"eur"_s << u"$"_s << false;
}

void tst_Currency::acceptedSymbols()
{
    QFETCH(QString, locale);
    QFETCH(QString, code);
    QFETCH(QString, symbol);
    QFETCH(bool, accepted);

    const std::optional<Currency> currency = Currency::fromCode(code);
    QVERIFY(currency.has_value());
    const QStringList symbols = currency->acceptedSymbols(QLocale(locale));
    QCOMPARE(symbols.contains(symbol), accepted);
    QVERIFY(symbols.contains(currency->symbol(QLocale(locale))));
    QVERIFY(symbols.contains(currency->upperCode()));
}

void tst_Currency::fromSymbol_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QStringList>("includes");
    QTest::addColumn<QStringList>("excludes");

    QTest::newRow("$") << u"$"_s << QStringList{u"usd"_s, u"cad"_s, u"aud"_s, u"mxn"_s}
                       << QStringList{u"eur"_s, u"gbp"_s};
    QTest::newRow("€") << u"€"_s << QStringList{u"eur"_s} << QStringList{u"usd"_s};
    QTest::newRow("EUR") << u"EUR"_s << QStringList{u"eur"_s} << QStringList{u"usd"_s};
    QTest::newRow("eur (case-insensitive)") << u"eur"_s << QStringList{u"eur"_s} << QStringList{};
    QTest::newRow("full-width yen") << u"\uffe5"_s << QStringList{u"jpy"_s, u"cny"_s}
                                    << QStringList{u"usd"_s};
    QTest::newRow("kr") << u"kr"_s << QStringList{u"sek"_s, u"nok"_s, u"dkk"_s, u"isk"_s}
                        << QStringList{u"eur"_s};
    QTest::newRow("CA$") << u"CA$"_s << QStringList{u"cad"_s} << QStringList{u"usd"_s};
    QTest::newRow("unknown") << u"xyz"_s << QStringList{} << QStringList{u"usd"_s};
    QTest::newRow("empty") << QString() << QStringList{} << QStringList{u"usd"_s};
}

void tst_Currency::fromSymbol()
{
    QFETCH(QString, symbol);
    QFETCH(QStringList, includes);
    QFETCH(QStringList, excludes);

    const QList<Currency> found = Currency::fromSymbol(symbol);
    QStringList codes;
    for (const Currency &c : found)
        codes << c.code();
    for (const QString &code : std::as_const(includes))
        QVERIFY2(codes.contains(code), qPrintable(code + u" not in "_s + codes.join(u',')));
    for (const QString &code : std::as_const(excludes))
        QVERIFY2(!codes.contains(code), qPrintable(code + u" in "_s + codes.join(u',')));
    if (includes.isEmpty())
        QVERIFY(found.isEmpty());
}

void tst_Currency::comparisonAndHash()
{
    const Currency usd = test::currency("usd");
    const Currency eur = test::currency("eur");
    const Currency jpy = test::currency("jpy");
    QVERIFY(usd.isValid() && eur.isValid() && jpy.isValid());

    QVERIFY(usd == test::currency("usd"));
    QVERIFY(usd != eur);
    QVERIFY(eur < jpy);
    QVERIFY(jpy < usd);
    QVERIFY(usd > eur);
    QVERIFY(Currency() != usd);

    QHash<Currency, QString> names;
    names.insert(usd, u"dollar"_s);
    names.insert(eur, u"euro"_s);
    names.insert(test::currency("USD" /* same currency */), u"US dollar"_s);
    QCOMPARE(names.size(), 2);
    QCOMPARE(names.value(usd), u"US dollar"_s);
    QCOMPARE(names.value(eur), u"euro"_s);
    QVERIFY(!names.contains(jpy));

    QSet<Currency> all;
    const QList<Currency> list = Currency::all();
    for (const Currency &c : list)
        all.insert(c);
    QCOMPARE(all.size(), list.size());
    QVERIFY(qHash(usd) != qHash(eur) || qHash(usd, 1) != qHash(eur, 1));
}

void tst_Currency::invalidCurrency()
{
    const Currency invalid;
    QVERIFY(!invalid.isValid());
    QVERIFY(invalid.code().isEmpty());
    QVERIFY(invalid.upperCode().isEmpty());
    QCOMPARE(invalid.exponent(), 2);
    QVERIFY(invalid.symbol(QLocale(u"en_US"_s)).isEmpty());
    QVERIFY(invalid.acceptedSymbols(QLocale(u"en_US"_s)).isEmpty());
    QCOMPARE(invalid.minimumChargeAmount(), qint64(50));
    QVERIFY(!invalid.hasPublishedMinimumChargeAmount());
    QCOMPARE(invalid, Currency());
}

QTEST_GUILESS_MAIN(tst_Currency)
#include "tst_currency.moc"
