// SPDX-License-Identifier: GPL-3.0-or-later
// ReportService on SQLite and PostgreSQL, against totals worked out by hand for a small shop day:
// three currencies (EUR, JPY with no minor unit, USD), a partial capture, partial, pending and failed
// refunds, a refund today of yesterday's sale, declined and canceled payments, two tills and two
// cashiers, the period's edges; filters by till and by cashier; shifts; local-hour buckets on the days
// Berlin's clocks change and in a half-hour zone; day buckets; the CSV byte for byte; an empty period;
// and, on SQLite, query plans that read indexes rather than tables.
#include "storetestsupport.h"

#include "services/reports/reportcsv.h"
#include "services/reports/reportservice.h"
#include "services/reports/reportsummary.h"
#include "services/reports/timebuckets.h"
#include "services/security/auditlog.h"
#include "services/store/chargerepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::reports;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

const security::ActingUser Manager{3, u"max"_s, Role::Manager, u"till-1"_s};

const QTimeZone Berlin(QByteArrayLiteral("Europe/Berlin"));

// 2026-11-20, a Friday without a clock change: 00:00 CET and the next midnight.
constexpr qint64 Day = 1'795'129'200;
constexpr qint64 NextDay = 1'795'215'600;
constexpr qint64 PreviousDay = Day - 86'400;
// 2026-10-25, clocks back at 03:00 CEST (01:00 UTC): 25 hours. 2026-03-29, forward at 02:00 CET: 23.
constexpr qint64 FallBackDay = 1'792'879'200;
constexpr qint64 SpringForwardDay = 1'774'738'800;

constexpr qint64 at(int hour, int minute = 0)
{
    return Day + hour * 3600 + minute * 60;
}

struct Sale
{
    QString id;
    qint64 amount = 0;
    QString currency = u"eur"_s;
    QString status = u"succeeded"_s;
    qint64 created = 0;
    QString till = {};
    QString cashier = {};
    QString method = {}; // payment_method_details.type of its charge; empty: no charge
    QString brand = {};
    std::optional<qint64> received = {}; // amount_received when not the whole amount
    bool declined = false;               // with a last_payment_error
};

struct Return
{
    QString id;
    QString payment;
    qint64 amount = 0;
    QString currency = u"eur"_s;
    QString status = u"succeeded"_s;
    qint64 created = 0;
};

QString describe(const CurrencyTotals &t)
{
    return u"%1 sales %2 %3 refunds %4 %5 pending %6 %7 failed %8 net %9 avg %10 declined %11 canceled %12"_s
        .arg(t.currency.upperCode())
        .arg(t.salesCount)
        .arg(t.gross.toDecimalString())
        .arg(t.refundCount)
        .arg(t.refunded.toDecimalString())
        .arg(t.pendingRefundCount)
        .arg(t.pendingRefunds.toDecimalString())
        .arg(t.failedRefundCount)
        .arg(t.net.toDecimalString())
        .arg(t.averageSale.toDecimalString())
        .arg(t.declinedCount)
        .arg(t.canceledCount);
}

QStringList describe(const QList<CurrencyTotals> &totals)
{
    QStringList lines;
    for (const CurrencyTotals &t : totals)
        lines << describe(t);
    return lines;
}

QStringList describe(const QList<ReportLine> &lines)
{
    QStringList out;
    for (const ReportLine &l : lines) {
        out << u"%1 %2/%3 sales %4 %5 refunds %6 %7 net %8"_s.arg(l.currency.upperCode(), l.key, l.brand)
                   .arg(l.salesCount)
                   .arg(l.gross.toDecimalString())
                   .arg(l.refundCount)
                   .arg(l.refunded.toDecimalString())
                   .arg(l.net.toDecimalString());
    }
    return out;
}

QString describe(const QList<SalesAmount> &sales)
{
    QStringList parts;
    for (const SalesAmount &s : sales)
        parts
            << u"%1 %2 %3"_s.arg(s.gross.currency().upperCode()).arg(s.count).arg(s.gross.toDecimalString());
    return parts.join(u", "_s);
}

// The buckets that have sales: "<local start> <currency> <count> <gross>".
QStringList describe(const QList<TimeBucket> &buckets)
{
    QStringList out;
    for (const TimeBucket &b : buckets) {
        if (!b.sales.isEmpty())
            out << b.localStart.toString(Qt::ISODate) + u' ' + describe(b.sales);
    }
    return out;
}

QStringList describe(const QList<HourOfDay> &hours)
{
    QStringList out;
    for (const HourOfDay &h : hours) {
        if (!h.sales.isEmpty())
            out << u"%1: "_s.arg(h.hour) + describe(h.sales);
    }
    return out;
}

} // namespace

class TestReportService : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendData(); }
    void init();
    void cleanup();
    void reportsPerRole();

    void dayTotals();
    void breakdowns();
    void methodWithoutCharge();
    void hourlyTimeline();
    void filters_data();
    void filters();
    void shifts();
    void shiftsFromLogIns();
    void exportNeedsPermission();
    void csvIsExact();
    void csvQuotesAndNeutralises();
    void summaryShowsTheFigures();
    void clocksGoBack();
    void clocksGoForward();
    void dayBucketsAcrossAChange();
    void halfHourZone();
    void emptyPeriod();
    void queriesUseIndexes();

private:
    void write(const Sale &sale);
    void write(const Return &refund);
    void seedShop();
    Report run(const ReportRequest &request);

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestReportService::init()
{
    m_fixture = std::make_unique<TestStore>();
    KASSA_CREATE_TEST_DATABASE(*m_fixture);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestReportService::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestReportService::write(const Sale &sale)
{
    const QString chargeId = sale.method.isEmpty() ? QString() : u"ch_"_s + sale.id.mid(3);
    QJsonObject json = paymentIntent({.id = sale.id,
                                      .amount = sale.amount,
                                      .currency = sale.currency,
                                      .status = sale.status,
                                      .created = sale.created,
                                      .till = sale.till,
                                      .cashier = sale.cashier,
                                      .latestCharge = chargeId});
    if (sale.received)
        json.insert(u"amount_received"_s, *sale.received);
    if (sale.declined) {
        json.insert(u"last_payment_error"_s, QJsonObject{{u"type"_s, u"card_error"_s},
                                                         {u"code"_s, u"card_declined"_s},
                                                         {u"decline_code"_s, u"generic_decline"_s},
                                                         {u"message"_s, u"Your card was declined."_s}});
    }
    VERIFY_RESULT(PaymentRepository(*m_db).upsert(json, sale.created + 1));
    if (chargeId.isEmpty())
        return;
    QJsonObject chargeJson = charge({.id = chargeId,
                                     .paymentIntent = sale.id,
                                     .amount = sale.received.value_or(sale.amount),
                                     .brand = sale.brand,
                                     .created = sale.created});
    chargeJson.insert(u"currency"_s, sale.currency);
    chargeJson.insert(
        u"payment_method_details"_s,
        QJsonObject{{u"type"_s, sale.method},
                    {sale.method, QJsonObject{{u"brand"_s, sale.brand}, {u"last4"_s, u"4242"_s}}}});
    VERIFY_RESULT(ChargeRepository(*m_db).upsert(chargeJson, sale.created + 1));
}

void TestReportService::write(const Return &refund)
{
    QJsonObject json = kassa::store::test::refund({.id = refund.id,
                                                   .charge = u"ch_"_s + refund.payment.mid(3),
                                                   .paymentIntent = refund.payment,
                                                   .amount = refund.amount,
                                                   .status = refund.status,
                                                   .created = refund.created});
    json.insert(u"currency"_s, refund.currency);
    VERIFY_RESULT(RefundRepository(*m_db).upsert(json, refund.created + 1));
}

// The shop's Friday, 2026-11-20 in Berlin (CET, UTC+1), and its edges.
void TestReportService::seedShop()
{
    const QList<Sale> sales{
        // On the first second of the day: in.
        {.id = u"pi_edge"_s,
         .amount = 100,
         .created = Day,
         .till = u"T1"_s,
         .cashier = u"anna"_s,
         .method = u"card"_s,
         .brand = u"visa"_s},
        {.id = u"pi_a"_s,
         .amount = 1250,
         .created = at(9, 15),
         .till = u"T1"_s,
         .cashier = u"anna"_s,
         .method = u"card"_s,
         .brand = u"visa"_s},
        {.id = u"pi_b"_s,
         .amount = 3000,
         .created = at(9, 40),
         .till = u"T2"_s,
         .cashier = u"anna"_s,
         .method = u"card_present"_s,
         .brand = u"mastercard"_s},
        {.id = u"pi_c"_s,
         .amount = 799,
         .created = at(14, 5),
         .till = u"T2"_s,
         .cashier = u"ben"_s,
         .method = u"card_present"_s,
         .brand = u"visa"_s},
        {.id = u"pi_d"_s,
         .amount = 1500,
         .currency = u"jpy"_s,
         .created = at(14, 30),
         .till = u"T2"_s,
         .cashier = u"ben"_s,
         .method = u"card"_s,
         .brand = u"jcb"_s},
        // Authorised for 20.00, captured 15.00: the sale is what was received.
        {.id = u"pi_h"_s,
         .amount = 2000,
         .currency = u"usd"_s,
         .created = at(16),
         .till = u"T2"_s,
         .cashier = u"ben"_s,
         .method = u"card"_s,
         .brand = u"amex"_s,
         .received = 1500},
        {.id = u"pi_e"_s,
         .amount = 500,
         .status = u"requires_payment_method"_s,
         .created = at(10),
         .till = u"T1"_s,
         .cashier = u"anna"_s,
         .declined = true},
        {.id = u"pi_f"_s,
         .amount = 700,
         .status = u"canceled"_s,
         .created = at(11),
         .till = u"T1"_s,
         .cashier = u"anna"_s},
        // Declined, then canceled: counts as both.
        {.id = u"pi_g"_s,
         .amount = 900,
         .status = u"canceled"_s,
         .created = at(11, 30),
         .till = u"T2"_s,
         .cashier = u"ben"_s,
         .declined = true},
        {.id = u"pi_j"_s,
         .amount = 300,
         .currency = u"jpy"_s,
         .status = u"requires_payment_method"_s,
         .created = at(12),
         .till = u"T2"_s,
         .cashier = u"ben"_s,
         .declined = true},
        // Started, never confirmed: neither a sale nor a decline.
        {.id = u"pi_open"_s,
         .amount = 450,
         .status = u"requires_payment_method"_s,
         .created = at(13),
         .till = u"T1"_s,
         .cashier = u"anna"_s},
        // Yesterday's sale (refunded today), and the first second of tomorrow: out.
        {.id = u"pi_old"_s,
         .amount = 5000,
         .created = PreviousDay + 15 * 3600,
         .till = u"T1"_s,
         .cashier = u"anna"_s,
         .method = u"card"_s,
         .brand = u"visa"_s},
        {.id = u"pi_next"_s,
         .amount = 1000,
         .created = NextDay,
         .till = u"T1"_s,
         .cashier = u"anna"_s,
         .method = u"card"_s,
         .brand = u"visa"_s},
    };
    for (const Sale &sale : sales) {
        write(sale);
        if (QTest::currentTestFailed())
            return;
    }
    const QList<Return> refunds{
        {.id = u"re_1"_s, .payment = u"pi_a"_s, .amount = 250, .created = at(12)},
        // Today's refund of yesterday's sale: today's cash-up.
        {.id = u"re_2"_s, .payment = u"pi_old"_s, .amount = 1000, .created = at(10, 30)},
        {.id = u"re_3"_s, .payment = u"pi_b"_s, .amount = 400, .status = u"failed"_s, .created = at(13)},
        {.id = u"re_4"_s, .payment = u"pi_c"_s, .amount = 300, .status = u"pending"_s, .created = at(15)},
        {.id = u"re_5"_s, .payment = u"pi_d"_s, .amount = 500, .currency = u"jpy"_s, .created = at(15, 30)},
        // Yesterday's refund of yesterday's sale, and tomorrow's of today's: out.
        {.id = u"re_6"_s, .payment = u"pi_old"_s, .amount = 2000, .created = PreviousDay + 16 * 3600},
        {.id = u"re_7"_s, .payment = u"pi_b"_s, .amount = 200, .created = NextDay + 3600},
    };
    for (const Return &refund : refunds) {
        write(refund);
        if (QTest::currentTestFailed())
            return;
    }
}

Report TestReportService::run(const ReportRequest &request)
{
    StoreResult<Report> report = ReportService(*m_db, Manager).report(request);
    if (!report.ok())
        qWarning("report failed: %s", describe(report.error()).constData());
    return report.ok() ? std::move(report).value() : Report();
}

// Reports are for managers and the owner: a cashier, and nobody, are refused before anything is read.
void TestReportService::reportsPerRole()
{
    const ReportRequest day = ReportRequest::forDay(QDate(2026, 11, 20), Berlin);
    for (const Role role : AllRoles) {
        const security::ActingUser user{5, u"someone"_s, role, u"till-1"_s};
        const StoreResult<Report> report = ReportService(*m_db, user).report(day);
        QCOMPARE(report.ok(), allows(role, Permission::ViewReports));
        if (!report.ok())
            QCOMPARE(report.error().kind, StoreError::Kind::Refused);
    }
    QVERIFY(!allows(Role::Cashier, Permission::ViewReports));
    const StoreResult<Report> nobody = ReportService(*m_db, security::ActingUser{}).report(day);
    QVERIFY(!nobody.ok());
    QCOMPARE(nobody.error().kind, StoreError::Kind::Refused);
}

void TestReportService::dayTotals()
{
    seedShop();
    const Report report = run(ReportRequest::forDay(QDate(2026, 11, 20), Berlin));
    QCOMPARE(report.request.from, Day);
    QCOMPARE(report.request.to, NextDay);
    // EUR: sales 1.00 + 12.50 + 30.00 + 7.99 = 51.49 (4); refunds 2.50 + 10.00 (yesterday's sale) = 12.50;
    // net 38.99; average 51.49 / 4 = 12.8725 -> 12.87. JPY: no minor unit. USD: the captured 15.00.
    QCOMPARE(
        describe(report.totals),
        QStringList({
            u"EUR sales 4 51.49 refunds 2 12.50 pending 1 3.00 failed 1 net 38.99 avg 12.87 declined 2 "
            "canceled 2"_s,
            u"JPY sales 1 1500 refunds 1 500 pending 0 0 failed 0 net 1000 avg 1500 declined 1 canceled 0"_s,
            u"USD sales 1 15.00 refunds 0 0.00 pending 0 0.00 failed 0 net 15.00 avg 15.00 declined 0 "
            "canceled 0"_s,
        }));
    QVERIFY(!report.isEmpty());
    const CurrencyTotals *eur = report.totalsFor(Currency::fromCode(u"eur").value());
    QVERIFY(eur);
    QCOMPARE(eur->gross, Money(5149, Currency::fromCode(u"eur").value()));
    QVERIFY(!report.totalsFor(Currency::fromCode(u"gbp").value()));
}

void TestReportService::breakdowns()
{
    seedShop();
    const Report report = run(ReportRequest::forDay(QDate(2026, 11, 20), Berlin));
    QCOMPARE(describe(report.byMethod),
             QStringList({
                 u"EUR card/visa sales 2 13.50 refunds 2 12.50 net 1.00"_s,
                 u"EUR card_present/mastercard sales 1 30.00 refunds 0 0.00 net 30.00"_s,
                 u"EUR card_present/visa sales 1 7.99 refunds 0 0.00 net 7.99"_s,
                 u"JPY card/jcb sales 1 1500 refunds 1 500 net 1000"_s,
                 u"USD card/amex sales 1 15.00 refunds 0 0.00 net 15.00"_s,
             }));
    QCOMPARE(describe(report.byCashier), QStringList({
                                             u"EUR anna/ sales 3 43.50 refunds 2 12.50 net 31.00"_s,
                                             u"EUR ben/ sales 1 7.99 refunds 0 0.00 net 7.99"_s,
                                             u"JPY ben/ sales 1 1500 refunds 1 500 net 1000"_s,
                                             u"USD ben/ sales 1 15.00 refunds 0 0.00 net 15.00"_s,
                                         }));
    QCOMPARE(describe(report.byTill), QStringList({
                                          u"EUR T1/ sales 2 13.50 refunds 2 12.50 net 1.00"_s,
                                          u"EUR T2/ sales 2 37.99 refunds 0 0.00 net 37.99"_s,
                                          u"JPY T2/ sales 1 1500 refunds 1 500 net 1000"_s,
                                          u"USD T2/ sales 1 15.00 refunds 0 0.00 net 15.00"_s,
                                      }));
}

void TestReportService::methodWithoutCharge()
{
    // A payment whose charge the store has not seen takes the method type of its payment method; one
    // with neither counts under an empty method.
    VERIFY_RESULT(PaymentMethodRepository(*m_db).upsert(
        paymentMethod(u"pm_1"_s, QString(), u"visa"_s, u"4242"_s), Day));
    QJsonObject json = paymentIntent({.id = u"pi_1"_s,
                                      .amount = 700,
                                      .currency = u"eur"_s,
                                      .created = at(10),
                                      .paymentMethod = u"pm_1"_s});
    VERIFY_RESULT(PaymentRepository(*m_db).upsert(json, at(10)));
    write(Sale{.id = u"pi_2"_s, .amount = 300, .created = at(11)});
    const Report report = run(ReportRequest::forDay(QDate(2026, 11, 20), Berlin));
    QCOMPARE(describe(report.byMethod), QStringList({
                                            u"EUR / sales 1 3.00 refunds 0 0.00 net 3.00"_s,
                                            u"EUR card/visa sales 1 7.00 refunds 0 0.00 net 7.00"_s,
                                        }));
}

void TestReportService::hourlyTimeline()
{
    seedShop();
    const Report report = run(ReportRequest::forDay(QDate(2026, 11, 20), Berlin));
    QCOMPARE(report.bucketSize, BucketSize::Hour);
    QCOMPARE(report.timeline.size(), 24);
    for (int hour = 0; hour < 24; ++hour) {
        QCOMPARE(report.timeline.at(hour).from, at(hour));
        QCOMPARE(report.timeline.at(hour).to, at(hour + 1));
        QCOMPARE(report.timeline.at(hour).localStart.time().hour(), hour);
    }
    QCOMPARE(describe(report.timeline), QStringList({
                                            u"2026-11-20T00:00:00+01:00 EUR 1 1.00"_s,
                                            u"2026-11-20T09:00:00+01:00 EUR 2 42.50"_s,
                                            u"2026-11-20T14:00:00+01:00 EUR 1 7.99, JPY 1 1500"_s,
                                            u"2026-11-20T16:00:00+01:00 USD 1 15.00"_s,
                                        }));
    QCOMPARE(report.hoursOfDay.size(), 24);
    QCOMPARE(describe(report.hoursOfDay), QStringList({
                                              u"0: EUR 1 1.00"_s,
                                              u"9: EUR 2 42.50"_s,
                                              u"14: EUR 1 7.99, JPY 1 1500"_s,
                                              u"16: USD 1 15.00"_s,
                                          }));
}

void TestReportService::filters_data()
{
    QTest::addColumn<QString>("till");
    QTest::addColumn<QString>("cashier");
    QTest::addColumn<QStringList>("totals");

    // T1: pi_edge, pi_a; refunds re_1 (pi_a) and re_2 (yesterday's pi_old, also T1); pi_e declined, pi_f
    // canceled. The failed refund and the pending one belong to T2's payments.
    QTest::newRow("till T1") << u"T1"_s << QString()
                             << QStringList{
                                    u"EUR sales 2 13.50 refunds 2 12.50 pending 0 0.00 failed 0 net 1.00 "
                                    "avg 6.75 declined 1 canceled 1"_s};
    QTest::newRow("cashier ben")
        << QString() << u"ben"_s
        << QStringList{
               u"EUR sales 1 7.99 refunds 0 0.00 pending 1 3.00 failed 0 net 7.99 avg 7.99 declined 1 canceled 1"_s,
               u"JPY sales 1 1500 refunds 1 500 pending 0 0 failed 0 net 1000 avg 1500 declined 1 canceled 0"_s,
               u"USD sales 1 15.00 refunds 0 0.00 pending 0 0.00 failed 0 net 15.00 avg 15.00 declined 0 "
               "canceled 0"_s};
    // anna at T2: pi_b alone, with its failed refund.
    QTest::newRow("till T2, cashier anna")
        << u"T2"_s << u"anna"_s
        << QStringList{
               u"EUR sales 1 30.00 refunds 0 0.00 pending 0 0.00 failed 1 net 30.00 avg 30.00 declined "
               "0 canceled 0"_s};
    QTest::newRow("nobody") << u"T9"_s << QString() << QStringList();
}

void TestReportService::filters()
{
    QFETCH(QString, till);
    QFETCH(QString, cashier);
    QFETCH(QStringList, totals);
    seedShop();
    ReportRequest request = ReportRequest::forDay(QDate(2026, 11, 20), Berlin);
    request.till = till;
    request.cashier = cashier;
    QCOMPARE(describe(run(request).totals), totals);
}

void TestReportService::shifts()
{
    seedShop();
    // Ben's shift at T2 from 14:00, still open at 15:10: pi_c and pi_d, the pending refund of 15:00,
    // not yet the JPY refund of 15:30 nor the USD sale of 16:00.
    m_db->setClock([] { return at(15, 10); });
    const Shift open{.till = u"T2"_s, .cashier = u"ben"_s, .start = at(14)};
    QVERIFY(open.isOpen());
    StoreResult<Report> report = ReportService(*m_db, Manager).shiftReport(open, Berlin);
    VERIFY_RESULT(report);
    QCOMPARE(report.value().request.to, at(15, 10));
    QCOMPARE(report.value().generatedAt, at(15, 10));
    QCOMPARE(
        describe(report.value().totals),
        QStringList({u"EUR sales 1 7.99 refunds 0 0.00 pending 1 3.00 failed 0 net 7.99 avg 7.99 declined 0 "
                     "canceled 0"_s,
                     u"JPY sales 1 1500 refunds 0 0 pending 0 0 failed 0 net 1500 avg 1500 declined 0 "
                     "canceled 0"_s}));
    // The timeline ends with the shift: the 15 o'clock bucket is cut at 15:10.
    QCOMPARE(report.value().timeline.size(), 2);
    QCOMPARE(report.value().timeline.at(1).from, at(15));
    QCOMPARE(report.value().timeline.at(1).to, at(15, 10));

    Shift closed = open;
    closed.end = at(17);
    report = ReportService(*m_db, Manager).shiftReport(closed, Berlin);
    VERIFY_RESULT(report);
    QCOMPARE(
        describe(report.value().totals),
        QStringList({u"EUR sales 1 7.99 refunds 0 0.00 pending 1 3.00 failed 0 net 7.99 avg 7.99 declined 0 "
                     "canceled 0"_s,
                     u"JPY sales 1 1500 refunds 1 500 pending 0 0 failed 0 net 1000 avg 1500 declined 0 "
                     "canceled 0"_s,
                     u"USD sales 1 15.00 refunds 0 0.00 pending 0 0.00 failed 0 net 15.00 avg 15.00 "
                     "declined 0 canceled 0"_s}));
}

// Shifts from the audit log's log-ins: anna at T1 from 08:00, back after a lock at 10:00 (the same
// shift), until ben logs in at T1 at 14:00; ben's shift is still open. Carl at T2 logged in yesterday at
// 09:00 and handed over to dora at 17:00 yesterday: out of today. Failed log-ins are no shift.
void TestReportService::shiftsFromLogIns()
{
    qint64 clock = 0;
    m_db->setClock([&clock] { return clock; });
    security::AuditLog audit(*m_db);
    const auto logIn = [&](const QString &name, const QString &till, qint64 at,
                           const QString &action = u"login"_s) {
        clock = at;
        const StoreError error = audit.record(security::ActingUser{7, name, Role::Cashier, till}, action);
        QVERIFY2(!error.isError(), describe(error).constData());
    };
    logIn(u"carl"_s, u"T2"_s, PreviousDay + 9 * 3600);
    logIn(u"dora"_s, u"T2"_s, PreviousDay + 17 * 3600);
    logIn(u"anna"_s, u"T1"_s, at(8));
    logIn(u"anna"_s, u"T1"_s, at(10));
    logIn(u"ben"_s, u"T1"_s, at(12), u"login.failed"_s);
    logIn(u"ben"_s, u"T1"_s, at(14));
    clock = at(18);

    ReportService service(*m_db, Manager);
    const StoreResult<QList<Shift>> today = service.shifts(Day, NextDay);
    VERIFY_RESULT(today);
    // dora's shift at T2 is open (nobody took over), so it reaches into today.
    QCOMPARE(today.value(), (QList<Shift>{{u"T1"_s, u"ben"_s, at(14), std::nullopt},
                                          {u"T1"_s, u"anna"_s, at(8), at(14)},
                                          {u"T2"_s, u"dora"_s, PreviousDay + 17 * 3600, std::nullopt}}));
    const StoreResult<QList<Shift>> yesterday = service.shifts(PreviousDay, Day, u"T2"_s);
    VERIFY_RESULT(yesterday);
    QCOMPARE(yesterday.value(),
             (QList<Shift>{{u"T2"_s, u"dora"_s, PreviousDay + 17 * 3600, std::nullopt},
                           {u"T2"_s, u"carl"_s, PreviousDay + 9 * 3600, PreviousDay + 17 * 3600}}));
    // Cashiers see no shifts either.
    const security::ActingUser cashier{8, u"cara"_s, Role::Cashier, u"T1"_s};
    const StoreResult<QList<Shift>> refused = ReportService(*m_db, cashier).shifts(Day, NextDay);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().kind, StoreError::Kind::Refused);
}

// The CSV file through the service: the bytes of ReportCsv for a manager; a cashier is refused and no
// file appears.
void TestReportService::exportNeedsPermission()
{
    seedShop();
    const Report report = run(ReportRequest::forDay(QDate(2026, 11, 20), Berlin));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString written = dir.filePath(u"day.csv"_s);
    VERIFY_STORE(ReportService(*m_db, Manager).exportCsv(report, written));
    QFile file(written);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), ReportCsv::toCsv(report));

    const QString refusedPath = dir.filePath(u"refused.csv"_s);
    const security::ActingUser cashier{8, u"cara"_s, Role::Cashier, u"till-1"_s};
    const StoreError refused = ReportService(*m_db, cashier).exportCsv(report, refusedPath);
    QCOMPARE(refused.kind, StoreError::Kind::Refused);
    QVERIFY(!QFile::exists(refusedPath));
    const StoreError unwritable =
        ReportService(*m_db, Manager).exportCsv(report, dir.filePath(u"no/such/dir/day.csv"_s));
    QCOMPARE(unwritable.kind, StoreError::Kind::Io);
}

void TestReportService::csvIsExact()
{
    seedShop();
    ReportRequest request = ReportRequest::forDay(QDate(2026, 11, 20), Berlin);
    request.till = u"T1"_s;
    const Report report = run(request);
    QByteArray expected =
        "section,key,detail,currency,sales,gross,refund_count,refunds,pending_refund_count,pending_refunds,"
        "failed_refund_count,net,declined_count,canceled_count,average_sale\r\n"
        "period,2026-11-20T00:00:00+01:00,2026-11-21T00:00:00+01:00,,,,,,,,,,,,\r\n"
        "time_zone,Europe/Berlin,,,,,,,,,,,,,\r\n"
        "till_filter,T1,,,,,,,,,,,,,\r\n"
        "total,,,EUR,2,13.50,2,12.50,0,0.00,0,1.00,1,1,6.75\r\n"
        "method,card,visa,EUR,2,13.50,2,12.50,,,,1.00,,,\r\n"
        "cashier,anna,,EUR,2,13.50,2,12.50,,,,1.00,,,\r\n"
        "till,T1,,EUR,2,13.50,2,12.50,,,,1.00,,,\r\n"
        "hour,2026-11-20T00:00:00+01:00,,EUR,1,1.00,,,,,,,,,\r\n";
    for (int hour = 1; hour < 24; ++hour) {
        if (hour == 9)
            expected += "hour,2026-11-20T09:00:00+01:00,,EUR,1,12.50,,,,,,,,,\r\n";
        else
            expected += QByteArray("hour,2026-11-20T") + QByteArray::number(hour).rightJustified(2, '0') +
                        ":00:00+01:00,,,0,,,,,,,,,,\r\n";
    }
    expected += "hour_of_day,00,,EUR,1,1.00,,,,,,,,,\r\n"
                "hour_of_day,09,,EUR,1,12.50,,,,,,,,,\r\n";
    QCOMPARE(ReportCsv::toCsv(report), expected);

    // Through QSaveFile, the same bytes.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"report.csv"_s);
    QString error;
    QVERIFY2(ReportCsv::write(report, path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), expected);
    QVERIFY(!ReportCsv::write(report, dir.filePath(u"missing/dir/report.csv"_s), &error));
    QVERIFY(!error.isEmpty());
}

void TestReportService::csvQuotesAndNeutralises()
{
    if (m_fixture->isPostgres()) // no database involved: once is enough
        QSKIP("the same on every backend");
    QCOMPARE(ReportCsv::field(u"plain"_s), u"plain"_s);
    QCOMPARE(ReportCsv::field(u"a,b"_s), u"\"a,b\""_s);
    QCOMPARE(ReportCsv::field(u"say \"hi\""_s), u"\"say \"\"hi\"\"\""_s);
    QCOMPARE(ReportCsv::field(u"two\r\nlines"_s), u"\"two\r\nlines\""_s);
    QCOMPARE(ReportCsv::field(QString()), QString());

    const Currency eur = Currency::fromCode(u"eur").value();
    Report report;
    report.request.from = Day;
    report.request.to = NextDay;
    report.request.timeZone = QTimeZone::utc();
    report.request.cashier = u"=cmd"_s;
    report.byCashier.append(
        ReportLine{u"=cmd"_s, {}, eur, 1, Money(-5, eur), 0, Money(0, eur), Money(-5, eur)});
    report.byTill.append(
        ReportLine{u"Kasse 1, \"vorne\""_s, {}, eur, 1, Money(5, eur), 0, Money(0, eur), Money(5, eur)});
    report.hoursOfDay.clear();
    const QByteArray csv = ReportCsv::toCsv(report);
    QVERIFY2(csv.contains("\r\ncashier_filter,'=cmd,,,,,,,,,,,,,\r\n"), csv.constData());
    // The name is neutralised, the negative amounts are not: they are numbers.
    QVERIFY2(csv.contains("\r\ncashier,'=cmd,,EUR,1,-0.05,0,0.00,,,,-0.05,,,\r\n"), csv.constData());
    QVERIFY2(csv.contains("\r\ntill,\"Kasse 1, \"\"vorne\"\"\",,EUR,1,0.05,0,0.00,,,,0.05,,,\r\n"),
             csv.constData());
    QVERIFY2(csv.contains("\r\nperiod,2026-11-19T23:00:00+00:00,2026-11-20T23:00:00+00:00,"),
             csv.constData());
}

void TestReportService::summaryShowsTheFigures()
{
    seedShop();
    m_db->setClock([] { return at(18); });
    const Shift shift{.till = u"T1"_s, .cashier = u"anna"_s, .start = Day, .end = NextDay};
    StoreResult<Report> report = ReportService(*m_db, Manager).shiftReport(shift, Berlin);
    VERIFY_RESULT(report);
    const QLocale locale(QLocale::English, QLocale::UnitedStates);
    const QString text = ReportSummary::plainText(report.value(), locale, u"End of shift"_s);
    const QStringList lines = text.split(u'\n');
    QCOMPARE(lines.value(0), u"End of shift"_s);
    QVERIFY2(lines.contains(u"Till: T1"_s), qPrintable(text));
    QVERIFY2(lines.contains(u"Cashier: anna"_s), qPrintable(text));
    QVERIFY2(lines.contains(u"EUR"_s), qPrintable(text));
    const auto line = [&lines](const QString &label) {
        for (const QString &l : lines) {
            if (l.startsWith(label))
                return l;
        }
        return QString();
    };
    QCOMPARE(line(u"Sales (2)"_s).size(), 42);
    QVERIFY2(line(u"Sales (2)"_s).endsWith(u"€13.50"_s), qPrintable(text));
    QVERIFY2(line(u"Refunds (2)"_s).endsWith(u"€12.50"_s), qPrintable(text));
    QVERIFY2(line(u"Net "_s).endsWith(u"€1.00"_s), qPrintable(text));
    QVERIFY2(line(u"Declined"_s).endsWith(u" 1"_s), qPrintable(text));
    // Filtered to one till and cashier: no breakdown by them, but by method.
    QVERIFY2(lines.contains(u"Net by method"_s), qPrintable(text));
    QVERIFY2(!lines.contains(u"Net by cashier"_s), qPrintable(text));

    const QString html = ReportSummary::html(report.value(), locale, u"End of shift <T1>"_s);
    QVERIFY2(html.contains(u"<h1>End of shift &lt;T1&gt;</h1>"_s), qPrintable(html));
    QVERIFY2(html.contains(u"<td>Sales (2)</td><td align=\"right\">€13.50</td>"_s), qPrintable(html));

    ReportRequest nothing = ReportRequest::forDay(QDate(2026, 12, 24), Berlin);
    const QString empty = ReportSummary::plainText(run(nothing), locale, u"Report"_s);
    QVERIFY2(empty.contains(u"No sales and no refunds in this period."_s), qPrintable(empty));
}

void TestReportService::clocksGoBack()
{
    // 2026-10-25 in Berlin: 02:00-03:00 happens twice, first in CEST (UTC+2) then in CET (UTC+1).
    const qint64 o = FallBackDay; // 00:00 CEST = 22:00 UTC the day before
    const QList<Sale> sales{
        {.id = u"pi_1"_s, .amount = 100, .created = o + 2 * 3600 + 1800}, // 02:30 CEST
        {.id = u"pi_2"_s, .amount = 200, .created = o + 3 * 3600 + 1800}, // 02:30 CET
        {.id = u"pi_3"_s, .amount = 300, .created = o + 4 * 3600 - 1},    // 02:59:59 CET
        {.id = u"pi_4"_s, .amount = 400, .created = o + 4 * 3600},        // 03:00 CET
        {.id = u"pi_5"_s, .amount = 500, .created = o + 25 * 3600 - 1},   // 23:59:59 CET
    };
    for (const Sale &sale : sales)
        write(sale);
    const Report report = run(ReportRequest::forDay(QDate(2026, 10, 25), Berlin));
    QCOMPARE(report.request.to - report.request.from, 25 * 3600);
    QCOMPARE(report.timeline.size(), 25);
    QStringList starts;
    for (const TimeBucket &bucket : report.timeline) {
        QCOMPARE(bucket.to - bucket.from, 3600);
        starts << bucket.localStart.toString(u"HH"_s);
    }
    QCOMPARE(starts.join(u' '),
             u"00 01 02 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23"_s);
    QCOMPARE(describe(report.timeline), QStringList({
                                            u"2026-10-25T02:00:00+02:00 EUR 1 1.00"_s,
                                            u"2026-10-25T02:00:00+01:00 EUR 2 5.00"_s,
                                            u"2026-10-25T03:00:00+01:00 EUR 1 4.00"_s,
                                            u"2026-10-25T23:00:00+01:00 EUR 1 5.00"_s,
                                        }));
    // By hour of the day, both two o'clocks are one hour.
    QCOMPARE(describe(report.hoursOfDay), QStringList({
                                              u"2: EUR 3 6.00"_s,
                                              u"3: EUR 1 4.00"_s,
                                              u"23: EUR 1 5.00"_s,
                                          }));
}

void TestReportService::clocksGoForward()
{
    // 2026-03-29 in Berlin: 02:00 CET becomes 03:00 CEST; there is no two o'clock.
    const qint64 o = SpringForwardDay;
    write(Sale{.id = u"pi_1"_s, .amount = 700, .created = o + 2 * 3600});     // 03:00 CEST
    write(Sale{.id = u"pi_2"_s, .amount = 800, .created = o + 2 * 3600 - 1}); // 01:59:59 CET
    const Report report = run(ReportRequest::forDay(QDate(2026, 3, 29), Berlin));
    QCOMPARE(report.timeline.size(), 23);
    QStringList starts;
    for (const TimeBucket &bucket : report.timeline)
        starts << bucket.localStart.toString(u"HH"_s);
    QCOMPARE(starts.join(u' '), u"00 01 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23"_s);
    QCOMPARE(describe(report.timeline), QStringList({
                                            u"2026-03-29T01:00:00+01:00 EUR 1 8.00"_s,
                                            u"2026-03-29T03:00:00+02:00 EUR 1 7.00"_s,
                                        }));
}

void TestReportService::dayBucketsAcrossAChange()
{
    write(Sale{.id = u"pi_1"_s, .amount = 100, .created = FallBackDay - 1});             // Oct 24, 23:59:59
    write(Sale{.id = u"pi_2"_s, .amount = 200, .created = FallBackDay});                 // Oct 25, 00:00
    write(Sale{.id = u"pi_3"_s, .amount = 300, .created = FallBackDay + 25 * 3600 - 1}); // Oct 25, 23:59:59
    write(Sale{.id = u"pi_4"_s, .amount = 400, .created = FallBackDay + 25 * 3600});     // Oct 26, 00:00
    const Report report = run(ReportRequest::forDates(QDate(2026, 10, 24), QDate(2026, 10, 26), Berlin));
    QCOMPARE(report.bucketSize, BucketSize::Day);
    QCOMPARE(report.timeline.size(), 3);
    QCOMPARE(report.timeline.at(0).to - report.timeline.at(0).from, 86'400);
    QCOMPARE(report.timeline.at(1).to - report.timeline.at(1).from, 90'000);
    QCOMPARE(report.timeline.at(2).to - report.timeline.at(2).from, 86'400);
    QCOMPARE(describe(report.timeline), QStringList({
                                            u"2026-10-24T00:00:00+02:00 EUR 1 1.00"_s,
                                            u"2026-10-25T00:00:00+02:00 EUR 2 5.00"_s,
                                            u"2026-10-26T00:00:00+01:00 EUR 1 4.00"_s,
                                        }));
}

void TestReportService::halfHourZone()
{
    // India is UTC+5:30 all year: local hours start at half past UTC hours, so SQL groups by half hours.
    const QTimeZone kolkata(QByteArrayLiteral("Asia/Kolkata"));
    QVERIFY(kolkata.isValid());
    QCOMPARE(timebuckets::alignment(kolkata, Day, NextDay), 1800);
    QCOMPARE(timebuckets::alignment(Berlin, FallBackDay, FallBackDay + 90'000), 3600);
    QCOMPARE(timebuckets::alignment(QTimeZone(QByteArrayLiteral("Asia/Kathmandu")), Day, NextDay), 900);
    const qint64 nineForty = Day + 5 * 3600 + 600;  // 04:10 UTC
    const qint64 nineTwenty = Day + 5 * 3600 - 600; // 03:50 UTC
    write(Sale{.id = u"pi_1"_s, .amount = 100, .created = nineForty});
    write(Sale{.id = u"pi_2"_s, .amount = 200, .created = nineTwenty});
    const Report report = run(ReportRequest::forDay(QDate(2026, 11, 20), kolkata));
    QCOMPARE(report.timeline.size(), 24);
    QCOMPARE(describe(report.timeline), QStringList({u"2026-11-20T09:00:00+05:30 EUR 2 3.00"_s}));
    QCOMPARE(describe(report.hoursOfDay), QStringList({u"9: EUR 2 3.00"_s}));
}

void TestReportService::emptyPeriod()
{
    seedShop();
    // A day with nothing: zero totals, every hour there and empty.
    const Report report = run(ReportRequest::forDay(QDate(2026, 12, 24), Berlin));
    QVERIFY(report.isEmpty());
    QVERIFY(report.byMethod.isEmpty());
    QVERIFY(report.byCashier.isEmpty());
    QVERIFY(report.byTill.isEmpty());
    QCOMPARE(report.timeline.size(), 24);
    QVERIFY(describe(report.timeline).isEmpty());
    QVERIFY(describe(report.hoursOfDay).isEmpty());
    const QByteArray csv = ReportCsv::toCsv(report);
    QVERIFY(csv.startsWith("section,key,"));
    QVERIFY(csv.contains("\r\nhour,2026-12-24T00:00:00+01:00,,,0,,,,,,,,,,\r\n"));
    QVERIFY(!csv.contains("\r\ntotal,"));

    // A period that ends where (or before) it starts.
    ReportRequest none;
    none.from = Day;
    none.to = Day;
    const Report zero = run(none);
    QVERIFY(zero.isEmpty());
    QVERIFY(zero.timeline.isEmpty());
    none.to = Day - 10;
    QVERIFY(run(none).isEmpty());
}

void TestReportService::queriesUseIndexes()
{
    if (m_fixture->isPostgres())
        QSKIP("EXPLAIN QUERY PLAN is SQLite's");
    seedShop();
    ReportService service(*m_db, Manager);
    const QList<std::pair<QString, QString>> filters{
        {QString(), QString()}, {u"T1"_s, QString()}, {QString(), u"anna"_s}, {u"T1"_s, u"anna"_s}};
    // A full scan reads "SCAN <table>" with no index; SEARCH reads a range of an index.
    static const QRegularExpression fullScan(u"^\\w+: SCAN (p|r|c|m|payments|refunds)( |$)(?!.*USING)"_s);
    for (const auto &[till, cashier] : filters) {
        ReportRequest request = ReportRequest::forDay(QDate(2026, 11, 20), Berlin);
        request.till = till;
        request.cashier = cashier;
        const StoreResult<QString> plan = service.explain(request);
        VERIFY_RESULT(plan);
        for (const QString &line : plan.value().split(u'\n'))
            QVERIFY2(!fullScan.match(line).hasMatch(), qPrintable(plan.value()));
        for (const QString &query : {u"sales"_s, u"unsettled"_s, u"refunds"_s, u"timeline"_s}) {
            QVERIFY2(plan.value().contains(query + u": SEARCH "_s), qPrintable(plan.value()));
        }
    }
}

QTEST_GUILESS_MAIN(TestReportService)
#include "tst_reportservice.moc"
