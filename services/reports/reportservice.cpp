// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/reports/reportservice.h"

#include "services/reports/reportcsv.h"
#include "services/reports/timebuckets.h"
#include "services/store/database.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariantList>
#include <QtNumeric>

#include <algorithm>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace kassa::reports {

using store::StoreError;
using store::StoreResult;

namespace {

// One statement of a report.
struct Query
{
    QString name;
    QString sql;
    QVariantList params;
};

// The period and the till/cashier filter on payments aliased `p`. Refunds reach their payment through
// a LEFT JOIN, where a refund whose payment the store does not hold has NULL columns: `nullable` reads
// those as ''. (COALESCE also keeps SQLite from turning the LEFT JOIN into an inner join and starting
// from all the till's payments instead of the period's refunds.)
QString paymentFilter(const ReportRequest &request, bool nullable, QVariantList &params)
{
    QString sql;
    const auto column = [nullable](const QString &name) {
        return nullable ? u"COALESCE(p.%1, '')"_s.arg(name) : u"p."_s + name;
    };
    if (!request.till.isEmpty()) {
        sql += u" AND "_s + column(u"till"_s) + u" = ?"_s;
        params << request.till;
    }
    if (!request.cashier.isEmpty()) {
        sql += u" AND "_s + column(u"cashier"_s) + u" = ?"_s;
        params << request.cashier;
    }
    return sql;
}

// The method type of a payment: its latest charge's payment_method_details.type, else its payment
// method's type (a payment whose charge the store has not seen yet). Scalar subqueries rather than
// joins: each is one primary-key lookup per payment of the period, where PostgreSQL would answer a
// month's join by hashing the whole charges table. COALESCE stops at the first value on both
// databases, so the payment method is only looked up when the charge says nothing.
const QString MethodColumn =
    u"COALESCE(NULLIF((SELECT c.payment_method_type FROM charges c WHERE c.id = p.latest_charge_id), ''), "
    "(SELECT m.type FROM payment_methods m WHERE m.id = p.payment_method_id), '')"_s;

// Every PaymentIntent status but succeeded, as Stripe lists them: an IN list reads payments_status
// (status, created) range by range without touching the succeeded payments.
const QString UnsettledStatuses = u"'requires_payment_method', 'requires_confirmation', 'requires_action', "
                                  "'processing', 'requires_capture', 'canceled'"_s;

QList<Query> reportQueries(const ReportRequest &request, qint64 granule)
{
    QList<Query> queries;
    const QVariantList period{request.from, request.to};
    {
        Query q{u"sales"_s, {}, period};
        const QString filter = paymentFilter(request, false, q.params);
        q.sql = u"SELECT p.currency, "_s + MethodColumn +
                u", p.card_brand, p.cashier, p.till, COUNT(*), CAST(SUM(p.amount_received) AS BIGINT) "
                "FROM payments p WHERE p.status = 'succeeded' AND p.created >= ? AND p.created < ?"_s +
                filter + u" GROUP BY 1, 2, 3, 4, 5"_s;
        queries.append(q);
    }
    {
        Query q{u"unsettled"_s, {}, period};
        const QString filter = paymentFilter(request, false, q.params);
        q.sql = u"SELECT p.currency, CAST(SUM(CASE WHEN p.error_code <> '' THEN 1 ELSE 0 END) AS BIGINT), "
                "CAST(SUM(CASE WHEN p.status = 'canceled' THEN 1 ELSE 0 END) AS BIGINT) FROM payments p "
                "WHERE p.status IN ("_s +
                UnsettledStatuses + u") AND p.created >= ? AND p.created < ?"_s + filter + u" GROUP BY 1"_s;
        queries.append(q);
    }
    {
        Query q{u"refunds"_s, {}, period};
        const QString filter = paymentFilter(request, true, q.params);
        q.sql =
            u"SELECT r.currency, r.status, "_s + MethodColumn +
            u", COALESCE(p.card_brand, ''), COALESCE(p.cashier, ''), COALESCE(p.till, ''), COUNT(*), "
            "CAST(SUM(r.amount) AS BIGINT) FROM refunds r "
            "LEFT JOIN payments p ON p.id = r.payment_intent_id WHERE r.created >= ? AND r.created < ?"_s +
            filter + u" GROUP BY 1, 2, 3, 4, 5, 6"_s;
        queries.append(q);
    }
    {
        // The granule is one of a few constants (timebuckets::alignment), not a value from outside.
        Query q{u"timeline"_s, {}, period};
        const QString filter = paymentFilter(request, false, q.params);
        q.sql = u"SELECT p.created / %1, p.currency, COUNT(*), CAST(SUM(p.amount_received) AS BIGINT) "
                "FROM payments p WHERE p.status = 'succeeded' AND p.created >= ? AND p.created < ?"_s.arg(
                    granule) +
                filter + u" GROUP BY 1, 2"_s;
        queries.append(q);
    }
    return queries;
}

StoreError overflow()
{
    return StoreError::make(StoreError::Kind::Query,
                            u"computing a report: a total does not fit 64-bit minor units"_s);
}

// A count and a sum of minor units, added with overflow checks.
struct Tally
{
    qint64 count = 0;
    qint64 amount = 0;

    bool add(qint64 n, qint64 minorUnits)
    {
        return !qAddOverflow(count, n, &count) && !qAddOverflow(amount, minorUnits, &amount);
    }
};

struct TotalsTally
{
    Tally sales;
    Tally refunded;
    Tally pending;
    qint64 failedRefunds = 0;
    qint64 declined = 0;
    qint64 canceled = 0;
};

struct LineTally
{
    Tally sales;
    Tally refunded;
};

using LineKey = std::tuple<Currency, QString, QString>;
using Lines = std::map<LineKey, LineTally>;

StoreResult<Currency> currencyOf(const QVariant &value)
{
    const std::optional<Currency> currency = Currency::fromCode(value.toString());
    if (!currency)
        return StoreError::make(StoreError::Kind::InvalidData,
                                u"computing a report: the store holds an unknown currency code"_s);
    return *currency;
}

// Round half up: the average of non-negative sums.
qint64 average(qint64 sum, qint64 count)
{
    if (count <= 0)
        return 0;
    const qint64 quotient = sum / count;
    const qint64 remainder = sum % count;
    return remainder * 2 >= count ? quotient + 1 : quotient;
}

StoreResult<QList<ReportLine>> linesOf(const Lines &lines)
{
    QList<ReportLine> result;
    for (const auto &[key, tally] : lines) {
        ReportLine line;
        line.currency = std::get<0>(key);
        line.key = std::get<1>(key);
        line.brand = std::get<2>(key);
        line.salesCount = tally.sales.count;
        line.gross = Money(tally.sales.amount, line.currency);
        line.refundCount = tally.refunded.count;
        line.refunded = Money(tally.refunded.amount, line.currency);
        qint64 net = 0;
        if (qSubOverflow(tally.sales.amount, tally.refunded.amount, &net))
            return overflow();
        line.net = Money(net, line.currency);
        result.append(line);
    }
    return result;
}

// Adds `amount` to the sales of `currency` in `sales` (kept in currency order).
void addSales(QList<SalesAmount> &sales, Currency currency, qint64 count, qint64 amount)
{
    auto it = sales.begin();
    while (it != sales.end() && it->gross.currency() < currency)
        ++it;
    if (it == sales.end() || it->gross.currency() != currency)
        it = sales.insert(it, SalesAmount{Money(0, currency), 0});
    // Within the period's totals, which were checked for overflow already.
    it->gross = Money(it->gross.minorUnits() + amount, currency);
    it->count += count;
}

} // namespace

ReportService::ReportService(store::Database &db, const security::ActingUser &viewer)
    : m_db(db)
    , m_viewer(viewer)
{
}

StoreError ReportService::refusal(Permission permission) const
{
    const security::SecurityError refused = security::require(m_viewer, permission);
    return refused.isError() ? StoreError::make(StoreError::Kind::Refused, refused.message) : StoreError{};
}

StoreResult<Report> ReportService::shiftReport(const Shift &shift, const QTimeZone &zone)
{
    return report(shift.request(m_db.now(), zone));
}

StoreResult<QList<Shift>> ReportService::shifts(qint64 from, qint64 to, const QString &till)
{
    if (StoreError refused = refusal(); refused.isError())
        return refused;
    QString sql =
        u"SELECT till, user_name, at FROM audit_log WHERE at >= ? AND at < ? AND action = 'login'"_s;
    QVariantList params{from - ShiftLookbackSeconds, to};
    if (!till.isEmpty()) {
        sql += u" AND till = ?"_s;
        params << till;
    }
    sql += u" ORDER BY at, seq"_s;
    // Per till, the shift running there (the last log-in of somebody else started it).
    std::map<QString, Shift> running;
    QList<Shift> found;
    const StoreError error = m_db.query(sql, params, [&](const QSqlQuery &row) {
        const QString rowTill = row.value(0).toString();
        const QString user = row.value(1).toString();
        const qint64 at = row.value(2).toLongLong();
        auto it = running.find(rowTill);
        if (it != running.end() && it->second.cashier == user)
            return true; // back after a lock: the same shift
        if (it != running.end()) {
            it->second.end = at;
            found.append(it->second);
        }
        running[rowTill] = Shift{rowTill, user, at, std::nullopt};
        return true;
    });
    if (error.isError())
        return error;
    for (const auto &[key, shift] : running)
        found.append(shift);
    QList<Shift> result;
    for (const Shift &shift : found) {
        if (shift.start < to && (shift.isOpen() || *shift.end > from))
            result.append(shift);
    }
    std::sort(result.begin(), result.end(), [](const Shift &a, const Shift &b) {
        return a.start != b.start ? a.start > b.start : a.till < b.till;
    });
    return result;
}

StoreResult<Report> ReportService::report(const ReportRequest &request)
{
    if (StoreError refused = refusal(); refused.isError())
        return refused;
    Report report;
    report.request = request;
    report.generatedAt = m_db.now();
    report.bucketSize = request.effectiveBucketSize();
    for (int hour = 0; hour < 24; ++hour)
        report.hoursOfDay.append(HourOfDay{hour, {}});
    if (request.to <= request.from)
        return report;
    report.timeline = timebuckets::timeline(report.bucketSize, request.timeZone, request.from, request.to);
    const qint64 granule = timebuckets::alignment(request.timeZone, request.from, request.to);
    const QList<Query> queries = reportQueries(request, granule);

    std::map<Currency, TotalsTally> totals;
    Lines byMethod;
    Lines byCashier;
    Lines byTill;
    StoreError failure;
    const auto fail = [&failure](StoreError error) {
        failure = std::move(error);
        return false;
    };

    // sales: currency, method, brand, cashier, till, count, sum
    StoreError error = m_db.query(queries.at(0).sql, queries.at(0).params, [&](const QSqlQuery &row) {
        const StoreResult<Currency> currency = currencyOf(row.value(0));
        if (!currency.ok())
            return fail(currency.error());
        const Currency c = currency.value();
        const qint64 count = row.value(5).toLongLong();
        const qint64 amount = row.value(6).toLongLong();
        const QString cashier = row.value(3).toString();
        const QString till = row.value(4).toString();
        if (!totals[c].sales.add(count, amount) ||
            !byMethod[{c, row.value(1).toString(), row.value(2).toString()}].sales.add(count, amount) ||
            !byCashier[{c, cashier, QString()}].sales.add(count, amount) ||
            !byTill[{c, till, QString()}].sales.add(count, amount))
            return fail(overflow());
        return true;
    });
    if (error.isError())
        return error;
    if (failure.isError())
        return failure;

    // unsettled: currency, declined, canceled
    error = m_db.query(queries.at(1).sql, queries.at(1).params, [&](const QSqlQuery &row) {
        const StoreResult<Currency> currency = currencyOf(row.value(0));
        if (!currency.ok())
            return fail(currency.error());
        TotalsTally &tally = totals[currency.value()];
        tally.declined += row.value(1).toLongLong();
        tally.canceled += row.value(2).toLongLong();
        return true;
    });
    if (error.isError())
        return error;
    if (failure.isError())
        return failure;

    // refunds: currency, status, method, brand, cashier, till, count, sum
    error = m_db.query(queries.at(2).sql, queries.at(2).params, [&](const QSqlQuery &row) {
        const StoreResult<Currency> currency = currencyOf(row.value(0));
        if (!currency.ok())
            return fail(currency.error());
        const Currency c = currency.value();
        const QString status = row.value(1).toString();
        const qint64 count = row.value(6).toLongLong();
        const qint64 amount = row.value(7).toLongLong();
        TotalsTally &tally = totals[c];
        if (status == u"succeeded"_s) {
            if (!tally.refunded.add(count, amount) ||
                !byMethod[{c, row.value(2).toString(), row.value(3).toString()}].refunded.add(count,
                                                                                              amount) ||
                !byCashier[{c, row.value(4).toString(), QString()}].refunded.add(count, amount) ||
                !byTill[{c, row.value(5).toString(), QString()}].refunded.add(count, amount))
                return fail(overflow());
        } else if (status == u"failed"_s || status == u"canceled"_s) {
            tally.failedRefunds += count;
        } else if (!tally.pending.add(count, amount)) {
            // pending, requires_action, and any status Stripe adds later: not settled
            return fail(overflow());
        }
        return true;
    });
    if (error.isError())
        return error;
    if (failure.isError())
        return failure;

    // timeline: granule, currency, count, sum
    error = m_db.query(queries.at(3).sql, queries.at(3).params, [&](const QSqlQuery &row) {
        const StoreResult<Currency> currency = currencyOf(row.value(1));
        if (!currency.ok())
            return fail(currency.error());
        // The granule that holds the period's start may begin before it; every instant of a granule
        // lies in the same local hour and bucket.
        const qint64 instant = std::max(row.value(0).toLongLong() * granule, request.from);
        const qint64 count = row.value(2).toLongLong();
        const qint64 amount = row.value(3).toLongLong();
        const qsizetype index = timebuckets::indexOf(report.timeline, instant);
        if (index >= 0)
            addSales(report.timeline[index].sales, currency.value(), count, amount);
        addSales(report.hoursOfDay[timebuckets::localHour(request.timeZone, instant)].sales, currency.value(),
                 count, amount);
        return true;
    });
    if (error.isError())
        return error;
    if (failure.isError())
        return failure;

    for (const auto &[currency, tally] : totals) {
        CurrencyTotals item;
        item.currency = currency;
        item.gross = Money(tally.sales.amount, currency);
        item.salesCount = tally.sales.count;
        item.refunded = Money(tally.refunded.amount, currency);
        item.refundCount = tally.refunded.count;
        item.pendingRefunds = Money(tally.pending.amount, currency);
        item.pendingRefundCount = tally.pending.count;
        item.failedRefundCount = tally.failedRefunds;
        item.declinedCount = tally.declined;
        item.canceledCount = tally.canceled;
        qint64 net = 0;
        if (qSubOverflow(tally.sales.amount, tally.refunded.amount, &net))
            return overflow();
        item.net = Money(net, currency);
        item.averageSale = Money(average(tally.sales.amount, tally.sales.count), currency);
        report.totals.append(item);
    }
    for (auto [lines, target] :
         {std::pair{&byMethod, &report.byMethod}, std::pair{&byCashier, &report.byCashier},
          std::pair{&byTill, &report.byTill}}) {
        StoreResult<QList<ReportLine>> result = linesOf(*lines);
        if (!result.ok())
            return result.error();
        *target = std::move(result).value();
    }
    return report;
}

StoreError ReportService::exportCsv(const Report &report, const QString &fileName)
{
    if (StoreError refused = refusal(); refused.isError())
        return refused;
    if (StoreError refused = refusal(Permission::Export); refused.isError())
        return refused;
    QString message;
    if (!ReportCsv::write(report, fileName, &message))
        return StoreError::make(StoreError::Kind::Io, message);
    return {};
}

StoreResult<QString> ReportService::explain(const ReportRequest &request)
{
    if (!m_db.isSqlite())
        return StoreError::make(StoreError::Kind::Query, u"explain() is for SQLite only"_s);
    const qint64 granule = timebuckets::alignment(request.timeZone, request.from, request.to);
    QStringList plan;
    for (const Query &query : reportQueries(request, granule)) {
        const StoreError error =
            m_db.query(u"EXPLAIN QUERY PLAN "_s + query.sql, query.params, [&](const QSqlQuery &row) {
                plan << query.name + u": "_s + row.value(3).toString();
                return true;
            });
        if (error.isError())
            return error;
    }
    return plan.join(u'\n');
}

} // namespace kassa::reports
