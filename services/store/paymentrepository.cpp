// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/paymentrepository.h"

#include "services/store/chargerepository.h"
#include "services/store/customerrepository.h"
#include "services/store/database.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/paymentquery.h"
#include "services/store/sqlsupport.h"
#include "services/store/transaction.h"
#include "services/stripe/stripejson.h"

#include <QHash>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace kassa::store {

using detail::FilterBuilder;
using detail::resolvedKey;
using detail::textTerms;

namespace {

const QStringList WrittenColumns{
    u"id"_s,
    u"status"_s,
    u"status_rank"_s,
    u"progress"_s,
    u"amount"_s,
    u"amount_received"_s,
    u"amount_capturable"_s,
    u"currency"_s,
    u"created"_s,
    u"customer_id"_s,
    u"description"_s,
    u"order_ref"_s,
    u"till"_s,
    u"cashier"_s,
    u"payment_method_id"_s,
    u"latest_charge_id"_s,
    u"capture_method"_s,
    u"error_code"_s,
    u"decline_code"_s,
    u"livemode"_s,
    u"observed_at"_s,
    u"updated_at"_s,
    u"raw"_s,
};

const QString SelectColumns =
    u"id, status, amount, amount_received, amount_capturable, amount_refunded, currency, created, "
    u"customer_id, "
    "customer_name, customer_email, description, order_ref, till, cashier, payment_method_id, card_brand, "
    "card_last4, latest_charge_id, capture_method, livemode, observed_at, updated_at, error_code, decline_code"_s;

// The denormalised columns of a payment (see the class comment), in this order.
const QStringList DerivedColumns{u"customer_name"_s, u"customer_email"_s, u"card_brand"_s, u"card_last4"_s,
                                 u"amount_refunded"_s};

// DerivedColumns as SQL expressions of the payment's id, customer_id, latest_charge_id and
// payment_method_id, taken from the row `of` names ("payments.", "excluded.") or, when `of` is empty,
// bound as parameters (each '?' appends the column it stands for to `params`), and of what the row held
// (`held`: "payments." or "" for its columns; empty for a new row, which held '' and 0).
QStringList derivedExpressions(Dialect dialect, const QString &of, const QString &held, QStringList *params)
{
    const auto ref = [&](const QString &column) -> QString {
        if (!of.isEmpty())
            return of + column;
        params->append(column);
        return u"?"_s;
    };
    const auto heldOr = [&](const QString &column, const QString &none) -> QString {
        return held.isNull() ? none : QString(held + column);
    };
    QStringList expressions;
    for (const QString &field : {u"name"_s, u"email"_s}) {
        const QString customerId = ref(u"customer_id"_s);
        expressions << u"CASE WHEN %1 = '' THEN '' ELSE COALESCE((SELECT c.%2 FROM customers c WHERE c.id = "
                       "%3), %4) END"_s.arg(customerId, field, ref(u"customer_id"_s),
                                            heldOr(u"customer_"_s + field, u"''"_s));
    }
    for (const QString &column : {u"card_brand"_s, u"card_last4"_s}) {
        const QString charge = ref(u"latest_charge_id"_s);
        expressions << u"COALESCE((SELECT NULLIF(ch.%1, '') FROM charges ch WHERE ch.id = %2), (SELECT "
                       "NULLIF(m.%1, '') FROM payment_methods m WHERE m.id = %3), %4)"_s.arg(
                           column, charge, ref(u"payment_method_id"_s), heldOr(column, u"''"_s));
    }
    const QString charge = ref(u"latest_charge_id"_s);
    expressions
        << u"%1(COALESCE((SELECT ch.amount_refunded FROM charges ch WHERE ch.id = %2), 0), "
           "COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.payment_intent_id = %3 AND r.status "
           "IN ('pending', 'requires_action', 'succeeded')), 0))"_s.arg(sql::greatest(dialect), charge,
                                                                        ref(u"id"_s));
    return expressions;
}

// SQLite: the never-backwards upsert of WrittenColumns that computes DerivedColumns in the same
// statement (what refreshDerived(PaymentId) computes after it on PostgreSQL). SQLite runs one writer at
// a time, so the sub-selects see every committed write.
struct DerivedUpsert
{
    QString sql;
    QList<qsizetype> again; // the WrittenColumns (indexes) bound again after them, in order
};

DerivedUpsert upsertWithDerived()
{
    QStringList params;
    QStringList marks;
    QStringList updates;
    for (const QString &column : WrittenColumns) {
        marks << u"?"_s;
        if (column != u"id"_s)
            updates << u"%1 = excluded.%1"_s.arg(column);
    }
    marks << derivedExpressions(Dialect::Sqlite, QString(), QString(), &params);
    const QStringList held = derivedExpressions(Dialect::Sqlite, u"excluded."_s, u"payments."_s, nullptr);
    for (qsizetype i = 0; i < DerivedColumns.size(); ++i)
        updates << DerivedColumns[i] + u" = "_s + held[i];
    DerivedUpsert upsert;
    upsert.sql =
        u"INSERT INTO payments (%1, %2) VALUES (%3) ON CONFLICT (id) DO UPDATE SET %4 WHERE %5"_s.arg(
            WrittenColumns.join(u", "_s), DerivedColumns.join(u", "_s), marks.join(u", "_s),
            updates.join(u", "_s), ObjectVersion::sqlCondition(u"payments"_s));
    for (const QString &column : params)
        upsert.again << WrittenColumns.indexOf(column);
    return upsert;
}

// UPDATE payments SET <DerivedColumns> WHERE <column> = ?: refreshDerived()'s statement.
QString refreshStatement(Dialect dialect, const QString &column)
{
    const QStringList derived = derivedExpressions(dialect, u"payments."_s, QString(u""_s), nullptr);
    QStringList sets;
    for (qsizetype i = 0; i < DerivedColumns.size(); ++i)
        sets << DerivedColumns[i] + u" = "_s + derived[i];
    return u"UPDATE payments SET %1 WHERE %2 = ?"_s.arg(sets.join(u", "_s), column);
}

PaymentRow readRow(const QSqlQuery &q)
{
    PaymentRow row;
    const Currency currency = Currency::fromCode(q.value(6).toString()).value_or(Currency());
    row.id = q.value(0).toString();
    row.status = q.value(1).toString();
    row.amount = Money(q.value(2).toLongLong(), currency);
    row.amountReceived = Money(q.value(3).toLongLong(), currency);
    row.amountCapturable = Money(q.value(4).toLongLong(), currency);
    row.amountRefunded = Money(q.value(5).toLongLong(), currency);
    row.created = q.value(7).toLongLong();
    row.customerId = q.value(8).toString();
    row.customerName = q.value(9).toString();
    row.customerEmail = q.value(10).toString();
    row.description = q.value(11).toString();
    row.orderRef = q.value(12).toString();
    row.till = q.value(13).toString();
    row.cashier = q.value(14).toString();
    row.paymentMethodId = q.value(15).toString();
    row.cardBrand = q.value(16).toString();
    row.cardLast4 = q.value(17).toString();
    row.latestChargeId = q.value(18).toString();
    row.captureMethod = q.value(19).toString();
    row.livemode = q.value(20).toLongLong() != 0;
    row.observedAt = q.value(21).toLongLong();
    row.updatedAt = q.value(22).toLongLong();
    row.errorCode = q.value(23).toString();
    row.declineCode = q.value(24).toString();
    return row;
}

// The PaymentIntent as the store keeps it: without its client secret, and with the objects a request
// expanded (its latest charge, customer, payment method) back to their ids, as Stripe gives them when
// nothing is expanded. write() keeps each of those in its own table.
QJsonObject storedForm(const QJsonObject &json)
{
    QJsonObject stored = stripe::StripeJson::withoutClientSecret(json);
    for (const QString &key : {u"latest_charge"_s, u"customer"_s, u"payment_method"_s}) {
        if (const QJsonValue expanded = stored.value(key); expanded.isObject())
            stored.insert(key, expanded.toObject().value(u"id"_s));
    }
    return stored;
}

bool isAscii(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; });
}

// How many of the newest rows (in the page's order) the recent-rows pass of a text search reads: enough
// that a word in one payment of fifty fills a page from them.
int recentWindow(const PageRequest &request)
{
    return std::max(2000, 40 * (sql::limitOf(request) + 1));
}

} // namespace

PaymentRepository::PaymentRepository(Database &db)
    : m_db(db)
{
}

StoreResult<UpsertOutcome> PaymentRepository::upsert(const QJsonObject &paymentIntent, qint64 observedAt)
{
    return sql::upsertOne(m_db, [&]() { return write(paymentIntent, observedAt); });
}

StoreResult<BatchResult> PaymentRepository::upsertMany(const QList<QJsonObject> &paymentIntents,
                                                       qint64 observedAt)
{
    return sql::upsertBatch(m_db, paymentIntents,
                            [&](const QJsonObject &json) { return write(json, observedAt); });
}

StoreResult<UpsertOutcome> PaymentRepository::write(const QJsonObject &json, qint64 observedAt)
{
    Payment payment;
    QString parseError;
    if (!stripe::StripeJson::parse(json, &payment, &parseError))
        return sql::invalidData(parseError);

    // Expanded objects first, so that refreshDerived() below finds them.
    if (const QJsonValue charge = json.value(u"latest_charge"_s); charge.isObject()) {
        const StoreResult<UpsertOutcome> written =
            ChargeRepository(m_db).upsert(charge.toObject(), observedAt);
        if (!written.ok())
            return written.error();
    }
    if (const QJsonValue customer = json.value(u"customer"_s); customer.isObject()) {
        const StoreResult<UpsertOutcome> written =
            CustomerRepository(m_db).upsert(customer.toObject(), observedAt);
        if (!written.ok())
            return written.error();
    }
    if (const QJsonValue method = json.value(u"payment_method"_s); method.isObject()) {
        const StoreResult<UpsertOutcome> written =
            PaymentMethodRepository(m_db).upsert(method.toObject(), observedAt);
        if (!written.ok())
            return written.error();
    }

    const QString status = json.value(u"status"_s).toString();
    const ObjectVersion version = ObjectVersion::ofPaymentIntent(
        status, observedAt, payment.amountReceived.minorUnits(), !payment.lastPaymentError.isEmpty());
    QVariantList values{
        sql::text(payment.id),
        sql::text(status),
        version.rank,
        version.progress,
        payment.amount.minorUnits(),
        payment.amountReceived.minorUnits(),
        payment.amountCapturable.minorUnits(),
        sql::text(payment.currency().code()),
        sql::seconds(payment.created),
        sql::text(payment.customerId),
        sql::text(payment.description),
        sql::text(payment.metadata.value(u"order_ref"_s)),
        sql::text(payment.metadata.value(u"kassa_till"_s)),
        sql::text(payment.metadata.value(u"kassa_cashier"_s)),
        sql::text(payment.paymentMethodId),
        sql::text(payment.latestChargeId),
        sql::text(json.value(u"capture_method"_s).toString()),
        sql::text(payment.lastPaymentError.code),
        sql::text(payment.lastPaymentError.declineCode),
        payment.livemode ? 1 : 0,
        observedAt,
        m_db.now(),
        sql::json(m_db, storedForm(json)),
    };
    if (m_db.isSqlite()) {
        static const DerivedUpsert upsert = upsertWithDerived();
        for (const qsizetype index : upsert.again)
            values << values.at(index);
        const StoreResult<qint64> changed = m_db.exec(upsert.sql, values);
        if (!changed.ok())
            return changed.error();
        if (changed.value() == 0)
            return UpsertOutcome::Stale;
        queueTextIndex();
        return UpsertOutcome::Applied;
    }
    static const QString sqlText = sql::versionedUpsert(u"payments"_s, WrittenColumns);
    const StoreResult<qint64> changed = m_db.exec(sqlText, values);
    if (!changed.ok())
        return changed.error();
    if (changed.value() == 0)
        return UpsertOutcome::Stale;
    queueTextIndex();
    if (const StoreError error = refreshDerived(DerivedBy::PaymentId, payment.id); error.isError())
        return error;
    return UpsertOutcome::Applied;
}

void PaymentRepository::queueTextIndex()
{
    if (!m_db.isSqlite() || !m_db.inTransaction())
        return;
    Database &db = m_db;
    // Cannot fail here: it only registers the work.
    [[maybe_unused]] const StoreError registered =
        m_db.beforeCommit(u"payments_fts"_s, [&db]() { return applyTextIndexQueue(db); });
}

const QStringList &PaymentRepository::textIndexQueueStatements()
{
    // The index holds the queued text for rows with `indexed` 1; it must hold the row's text now.
    // In rowid order: FTS5 writes its pending changes out whenever a rowid is not above the last one.
    // CROSS JOIN keeps the queue the outer loop: ordered by payments' rowid, SQLite would rather walk
    // all of payments (a page read per payment) than sort the few queued rows.
    static const QString same = u"p.description IS q.description AND p.customer_name IS q.customer_name AND "
                                "p.customer_email IS q.customer_email AND p.order_ref IS q.order_ref"_s;
    static const QStringList statements{
        u"INSERT INTO payments_fts (payments_fts, rowid, description, customer_name, customer_email, "
        "order_ref) SELECT 'delete', q.row_id, q.description, q.customer_name, q.customer_email, "
        "q.order_ref FROM payments_fts_queue q WHERE q.indexed = 1 AND NOT EXISTS (SELECT 1 FROM "
        "payments p WHERE p.row_id = q.row_id AND %1) ORDER BY q.row_id"_s.arg(same),
        u"INSERT INTO payments_fts (rowid, description, customer_name, customer_email, order_ref) "
        "SELECT p.row_id, p.description, p.customer_name, p.customer_email, p.order_ref FROM "
        "payments_fts_queue q CROSS JOIN payments p ON p.row_id = q.row_id WHERE q.indexed = 0 OR NOT (%1) "
        "ORDER BY q.row_id"_s.arg(same),
        u"DELETE FROM payments_fts_queue"_s,
    };
    return statements;
}

StoreError PaymentRepository::applyTextIndexQueue(Database &db)
{
    if (!db.isSqlite())
        return {};
    const StoreResult<QVariant> queue = db.queryValue(
        u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'payments_fts_queue'"_s);
    if (!queue.ok())
        return queue.error();
    if (queue.value().toLongLong() == 0)
        return {};
    for (const QString &statement : textIndexQueueStatements()) {
        if (const StoreResult<qint64> done = db.exec(statement); !done.ok())
            return done.error();
    }
    return {};
}

StoreError PaymentRepository::refreshDerived(DerivedBy by, const QString &value)
{
    QString column;
    switch (by) {
    case DerivedBy::PaymentId:
        column = u"id"_s;
        break;
    case DerivedBy::LatestChargeId:
        column = u"latest_charge_id"_s;
        break;
    case DerivedBy::CustomerId:
        column = u"customer_id"_s;
        break;
    case DerivedBy::PaymentMethodId:
        column = u"payment_method_id"_s;
        break;
    }
    if (value.isEmpty())
        return {};
    if (m_db.isPostgres()) {
        // Under READ COMMITTED an UPDATE that waits for another transaction's lock on the row still
        // computes its sub-selects from the snapshot it started with, which misses what that transaction
        // wrote to refunds, charges or customers: two tills refunding one payment at once lost a refund
        // from amount_refunded. Locking the rows in a statement of their own first makes the UPDATE
        // start after the other transaction committed, and see what it wrote.
        const StoreError locked = m_db.query(u"SELECT id FROM payments WHERE %1 = ? FOR UPDATE"_s.arg(column),
                                             {sql::text(value)}, [](const QSqlQuery &) { return true; });
        if (locked.isError())
            return locked;
    }
    // Built once per dialect and column (a statement of a kilobyte, looked up in the statement cache).
    static const QHash<QString, QString> statements = [] {
        QHash<QString, QString> built;
        for (const Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
            for (const QString &key :
                 {u"id"_s, u"latest_charge_id"_s, u"customer_id"_s, u"payment_method_id"_s})
                built.insert(QString::number(int(dialect)) + key, refreshStatement(dialect, key));
        }
        return built;
    }();
    const QString &sqlText = *statements.constFind(QString::number(int(m_db.dialect())) + column);
    const StoreResult<qint64> changed = m_db.exec(sqlText, {sql::text(value)});
    if (!changed.ok())
        return changed.error();
    if (changed.value() > 0)
        queueTextIndex();
    return {};
}

StoreResult<std::optional<PaymentRow>> PaymentRepository::find(const QString &id)
{
    return sql::firstRow<PaymentRow>(m_db, u"SELECT %1 FROM payments WHERE id = ?"_s.arg(SelectColumns),
                                     {sql::text(id)}, readRow);
}

StoreResult<std::optional<QJsonObject>> PaymentRepository::rawJson(const QString &id)
{
    StoreResult<std::optional<QJsonObject>> raw = sql::loadRaw(m_db, u"payments"_s, id);
    if (!raw.ok() || !raw.value())
        return raw;
    QJsonObject paymentIntent = *raw.value();
    if (const QJsonValue charge = paymentIntent.value(u"latest_charge"_s); charge.isString()) {
        const StoreResult<std::optional<QJsonObject>> held =
            ChargeRepository(m_db).rawJson(charge.toString());
        if (!held.ok())
            return held.error();
        if (held.value())
            paymentIntent.insert(u"latest_charge"_s, *held.value());
    }
    return std::optional<QJsonObject>(paymentIntent);
}

StoreResult<std::optional<Payment>> PaymentRepository::record(const QString &id)
{
    const StoreResult<std::optional<QJsonObject>> raw = rawJson(id);
    if (!raw.ok())
        return raw.error();
    if (!raw.value())
        return std::optional<Payment>();
    Payment payment;
    QString parseError;
    if (!stripe::StripeJson::parse(*raw.value(), &payment, &parseError))
        return sql::invalidData(parseError);
    return std::optional<Payment>(payment);
}

StoreResult<std::optional<ObjectVersion>> PaymentRepository::version(const QString &id)
{
    return sql::loadVersion(m_db, u"payments"_s, id);
}

StoreResult<bool> PaymentRepository::holdsNewerThan(const QString &id, const ObjectVersion &incoming)
{
    return sql::holdsNewerThan(m_db, u"payments"_s, id, incoming);
}

StoreError PaymentRepository::pageQuery(const PaymentFilter &filter, const PageRequest &request,
                                        QString *sqlText, QVariantList *params, const ResolvedText *resolved,
                                        bool walkAmount)
{
    sql::Where where;
    FilterBuilder builder(m_db, where);
    builder.setResolvedMatches(resolved);
    if (const StoreError error = builder.build(filter); error.isError())
        return error;
    const QString column = request.sort == SortKey::Amount ? u"amount"_s : u"created"_s;
    sql::addKeyset(where, column, request);
    *params = where.params;
    *sqlText = u"SELECT %1 FROM payments%2"_s.arg(SelectColumns,
                                                  walkAmount ? u" INDEXED BY payments_amount"_s : QString()) +
               where.sql() + sql::orderAndLimit(column, request, *params);
    return {};
}

StoreResult<QString> PaymentRepository::explain(const PaymentFilter &filter, const PageRequest &request)
{
    if (!m_db.isSqlite())
        return StoreError::make(StoreError::Kind::Query, u"explain() is for SQLite only"_s);
    QString sqlText;
    QVariantList params;
    if (const StoreError error = pageQuery(filter, request, &sqlText, &params); error.isError())
        return error;
    QStringList plan;
    const StoreError error =
        m_db.query(u"EXPLAIN QUERY PLAN "_s + sqlText, params, [&plan](const QSqlQuery &row) {
            plan << row.value(3).toString();
            return true;
        });
    if (error.isError())
        return error;
    return plan.join(u'\n');
}

StoreResult<Page<PaymentRow>> PaymentRepository::page(const PaymentFilter &filter, const PageRequest &request)
{
    // A text search that many payments match ("croissant") is slow through the text index: the index
    // gives every match, and each must be read and sorted before the first page is known. The newest
    // rows in the page's order usually hold a page of such matches, so look there first (a bounded
    // read along the sort index); only when they do not fill the page, ask the text index, which is
    // then fast because the word is rare. Both passes give the same rows: on SQLite the first pass
    // runs only for ASCII terms, which LIKE and the trigram index match alike.
    const QStringList terms = textTerms(filter);
    ResolvedText resolved;
    if (!terms.isEmpty()) {
        bool common = true;
        if (m_db.isSqlite()) {
            const StoreResult<bool> probed = probeText(filter, &resolved);
            if (!probed.ok())
                return probed.error();
            common = probed.value();
        }
        if (common && (m_db.isPostgres() || std::all_of(terms.cbegin(), terms.cend(), isAscii))) {
            QString recentSql;
            QVariantList recentParams;
            if (const StoreError error = recentPageQuery(filter, request, &recentSql, &recentParams);
                error.isError())
                return error;
            StoreResult<Page<PaymentRow>> recent = readPage(recentSql, recentParams, request);
            if (!recent.ok() || recent.value().hasMore())
                return recent;
        }
    }
    QString sqlText;
    QVariantList params;
    if (!terms.isEmpty() && m_db.isPostgres()) {
        // The newest rows held too few matches: they are rare. Left to itself the planner may still walk
        // the sort index and test every row (it cannot tell a rare substring from a common one); asking
        // for all matches first (through the trigram indexes) and sorting those is what is fast now.
        sql::Where where;
        FilterBuilder builder(m_db, where);
        if (const StoreError error = builder.build(filter); error.isError())
            return error;
        const QString column = request.sort == SortKey::Amount ? u"amount"_s : u"created"_s;
        sql::addKeyset(where, column, request);
        params = where.params;
        sqlText = u"WITH matches AS MATERIALIZED (SELECT %1 FROM payments%2) SELECT %1 FROM matches"_s.arg(
                      SelectColumns, where.sql()) +
                  sql::orderAndLimit(column, request, params);
        return readPage(sqlText, params, request);
    }
    bool walkAmount = false;
    if (m_db.isSqlite() && request.sort == SortKey::Amount && terms.isEmpty() && filter.id.isEmpty() &&
        !filter.isEmpty()) {
        const StoreResult<bool> walk = walksAmountIndex(filter, request);
        if (!walk.ok())
            return walk.error();
        walkAmount = walk.value();
    }
    if (const StoreError error = pageQuery(filter, request, &sqlText, &params, &resolved, walkAmount);
        error.isError())
        return error;
    return readPage(sqlText, params, request);
}

StoreResult<bool> PaymentRepository::walksAmountIndex(const PaymentFilter &filter, const PageRequest &request)
{
    // Sorted by amount with filters that an index narrows (a status and dates: payments_status), SQLite
    // reads every row of that range and sorts them: thousands of rows for a page of fifty when the
    // range is big (a common status over a week). Walking payments_amount and testing each row reads
    // about page × all ÷ matching rows instead. That is fewer when the matches outnumber
    // sqrt(page × all), which counting them up to that number tells (along the filter's index, which
    // for status and dates covers the count).
    const StoreResult<QVariant> all = m_db.queryValue(u"SELECT COALESCE(MAX(row_id), 0) FROM payments"_s);
    if (!all.ok())
        return all.error();
    const qint64 threshold =
        qint64(std::sqrt(double(sql::limitOf(request) + 1) * double(all.value().toLongLong())));
    sql::Where where;
    FilterBuilder builder(m_db, where);
    if (const StoreError error = builder.build(filter); error.isError())
        return error;
    QVariantList params = where.params;
    params << threshold;
    const StoreResult<QVariant> n = m_db.queryValue(
        u"SELECT COUNT(*) FROM (SELECT 1 FROM payments%1 LIMIT ?) AS found"_s.arg(where.sql()), params);
    if (!n.ok())
        return n.error();
    return n.value().toLongLong() >= threshold;
}

StoreResult<bool> PaymentRepository::probeText(const PaymentFilter &filter, ResolvedText *resolved)
{
    // SQLite: ask the text index for a few hundred matches, which it gives fast whether the words are
    // rare or common. Fewer than that are all of them: kept in `resolved`, so that the page or count
    // lists those rows instead of asking the index again (for a rare term that read is the whole cost
    // of the search). The customers a name or email resolves to likewise: their payments, up to as
    // many, counted along payments_customer. PostgreSQL has no such cheap probe (a bitmap scan builds
    // all of its bitmap first), so there the recent-rows pass is always the first try.
    if (!m_db.isSqlite())
        return true;
    sql::Where where;
    FilterBuilder builder(m_db, where);
    if (const StoreError error = builder.build(filter); error.isError())
        return error;
    if (builder.ftsMatches().isEmpty() && builder.customerQueries().isEmpty())
        return true; // no text index (or terms too short): the fallback scans, the window is cheaper
    constexpr qint64 CommonMatches = 400;
    bool common = true;
    for (const QString &match : builder.ftsMatches()) {
        QList<qint64> rows;
        const StoreError error =
            m_db.query(u"SELECT rowid FROM payments_fts WHERE payments_fts MATCH ? LIMIT ?"_s,
                       {match, CommonMatches}, [&rows](const QSqlQuery &row) {
                           rows.append(row.value(0).toLongLong());
                           return true;
                       });
        if (error.isError())
            return error;
        if (rows.size() < CommonMatches) {
            resolved->rows.insert(match, rows);
            common = false;
        }
    }
    constexpr qint64 CommonCustomers = 200;
    for (const auto &[customers, values] : builder.customerQueries()) {
        QStringList ids;
        QVariantList params = values;
        params << CommonCustomers;
        const StoreError error = m_db.query(customers + u" LIMIT ?"_s, params, [&ids](const QSqlQuery &row) {
            ids << row.value(0).toString();
            return true;
        });
        if (error.isError())
            return error;
        if (ids.size() >= CommonCustomers)
            continue; // many customers: many payments, the page query asks the customers itself
        resolved->customers.insert(resolvedKey(customers, values), ids);
        if (ids.isEmpty()) {
            common = false;
            continue;
        }
        // Their payments, up to CommonMatches, along the covering index payments_customer.
        QStringList marks;
        QVariantList customerParams;
        for (const QString &id : std::as_const(ids)) {
            marks << u"?"_s;
            customerParams << sql::text(id);
        }
        customerParams << CommonMatches;
        const StoreResult<QVariant> n = m_db.queryValue(
            u"SELECT COUNT(*) FROM (SELECT 1 FROM payments WHERE customer_id IN (%1) LIMIT ?) AS found"_s.arg(
                marks.join(u", "_s)),
            customerParams);
        if (!n.ok())
            return n.error();
        if (n.value().toLongLong() < CommonMatches)
            common = false;
    }
    return common;
}

StoreError PaymentRepository::recentPageQuery(const PaymentFilter &filter, const PageRequest &request,
                                              QString *sqlText, QVariantList *params)
{
    const QString column = request.sort == SortKey::Amount ? u"amount"_s : u"created"_s;
    // The window: the newest rows after the page key, read along the sort index. A derived table with
    // its own LIMIT, so that the filter applies to these rows only and is never pushed below it.
    sql::Where window;
    sql::addKeyset(window, column, request);
    QVariantList windowParams = window.params;
    const QString direction = request.order == Qt::AscendingOrder ? u"ASC"_s : u"DESC"_s;
    windowParams << qint64(recentWindow(request));
    const QString windowSql = u"SELECT %1 FROM payments%2 ORDER BY %3 %4, id %4 LIMIT ?"_s.arg(
        SelectColumns, window.sql(), column, direction);

    sql::Where where;
    FilterBuilder builder(m_db, where, true);
    if (const StoreError error = builder.build(filter); error.isError())
        return error;
    *params = windowParams;
    *params << where.params;
    *sqlText = u"SELECT %1 FROM (%2) AS payments"_s.arg(SelectColumns, windowSql) + where.sql() +
               sql::orderAndLimit(column, request, *params);
    return {};
}

StoreResult<Page<PaymentRow>> PaymentRepository::readPage(const QString &sqlText, const QVariantList &params,
                                                          const PageRequest &request)
{
    Page<PaymentRow> page;
    const StoreError error = m_db.query(sqlText, params, [&page](const QSqlQuery &row) {
        page.rows.append(readRow(row));
        return true;
    });
    if (error.isError())
        return error;
    if (page.rows.size() > sql::limitOf(request)) {
        page.rows.removeLast();
        const PaymentRow &last = page.rows.constLast();
        page.next =
            PageKey{request.sort == SortKey::Amount ? last.amount.minorUnits() : last.created, last.id};
    }
    return page;
}

StoreResult<qint64> PaymentRepository::count(const PaymentFilter &filter)
{
    ResolvedText resolved;
    if (!textTerms(filter).isEmpty()) {
        if (const StoreResult<bool> probed = probeText(filter, &resolved); !probed.ok())
            return probed.error();
    }
    sql::Where where;
    FilterBuilder builder(m_db, where);
    builder.setResolvedMatches(&resolved);
    if (const StoreError error = builder.build(filter); error.isError())
        return error;
    const StoreResult<QVariant> n =
        m_db.queryValue(u"SELECT COUNT(*) FROM payments"_s + where.sql(), where.params);
    if (!n.ok())
        return n.error();
    return n.value().toLongLong();
}

StoreResult<QStringList> PaymentRepository::cashiers(int limit)
{
    // Neither SQLite nor PostgreSQL skips through an index for DISTINCT: each step asks for the next name
    // after the last one, which the index answers at once.
    QStringList names;
    const StoreError error = m_db.query(
        u"WITH RECURSIVE names (name) AS ("
        "SELECT (SELECT MIN(cashier) FROM payments WHERE cashier > '') "
        "UNION ALL SELECT (SELECT MIN(cashier) FROM payments WHERE cashier > names.name) FROM names "
        "WHERE names.name IS NOT NULL) "
        "SELECT name FROM names WHERE name IS NOT NULL LIMIT ?"_s,
        {qint64(std::max(limit, 1))}, [&names](const QSqlQuery &row) {
            names << row.value(0).toString();
            return true;
        });
    if (error.isError())
        return error;
    return names;
}

StoreResult<BoundedCount> PaymentRepository::countUpTo(const PaymentFilter &filter, qint64 cap)
{
    cap = std::max<qint64>(cap, 1);
    ResolvedText resolved;
    if (!textTerms(filter).isEmpty()) {
        if (const StoreResult<bool> probed = probeText(filter, &resolved); !probed.ok())
            return probed.error();
    }
    sql::Where where;
    FilterBuilder builder(m_db, where);
    builder.setResolvedMatches(&resolved);
    if (const StoreError error = builder.build(filter); error.isError())
        return error;
    QString sqlText;
    QVariantList params;
    const bool oneCommonMatch = builder.ftsMatches().size() == 1 && where.clauses.size() == 1 &&
                                !builder.scannedTerms() &&
                                !resolved.rows.contains(builder.ftsMatches().constFirst());
    if (oneCommonMatch && where.params.size() > 1) {
        // The search box alone, with words the index matches ("croissant"): its condition is "an id,
        // a last4, an order ref or a customer id equal to the text, or the words in the index", so the
        // index's matches are a part of its rows. When they alone pass the cap, so does the condition,
        // and counting them in the index (a few milliseconds) spares the union, which first collects
        // every match of a common word (a tenth of a million payments: a tenth of a second).
        const StoreResult<QVariant> n = m_db.queryValue(
            u"SELECT COUNT(*) FROM (SELECT 1 FROM payments_fts WHERE payments_fts MATCH ? LIMIT ?) AS found"_s,
            {builder.ftsMatches().constFirst(), cap + 1});
        if (!n.ok())
            return n.error();
        if (n.value().toLongLong() > cap)
            return BoundedCount{cap, false};
    }
    if (oneCommonMatch && where.params.size() == 1) {
        // Nothing but one common text field: count in the text index itself, which stops at the cap.
        // (An IN (SELECT ... MATCH) condition would first collect every match.)
        sqlText =
            u"SELECT COUNT(*) FROM (SELECT 1 FROM payments_fts WHERE payments_fts MATCH ? LIMIT ?) AS found"_s;
        params = {builder.ftsMatches().constFirst(), cap + 1};
    } else {
        sqlText = u"SELECT COUNT(*) FROM (SELECT 1 FROM payments%1 LIMIT ?) AS found"_s.arg(where.sql());
        params = where.params;
        params << cap + 1;
    }
    const StoreResult<QVariant> n = m_db.queryValue(sqlText, params);
    if (!n.ok())
        return n.error();
    const qint64 found = n.value().toLongLong();
    return BoundedCount{std::min(found, cap), found <= cap};
}

} // namespace kassa::store
