// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/paymentquery.h"

#include "services/store/database.h"
#include "services/store/migrations.h"
#include "services/store/sqlsupport.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::store::detail {

namespace {

// The columns text search looks in.
const QStringList TextColumns{u"description"_s, u"customer_name"_s, u"customer_email"_s, u"order_ref"_s};

// FTS5 trigram phrases need three characters; shorter terms are matched by scanning.
constexpr int TrigramLength = 3;

} // namespace

QString resolvedKey(const QString &customersSql, const QVariantList &values)
{
    QStringList parts{customersSql};
    for (const QVariant &value : values)
        parts << value.toString();
    return parts.join(QChar(0x1f));
}

StoreError FilterBuilder::build(const PaymentFilter &filter)
{
    if (!filter.id.isEmpty()) {
        const QVariant id = sql::text(filter.id);
        // Scalar subqueries rather than IN (...): each is computed once and the OR stays a union of
        // index lookups on PostgreSQL too (an IN subquery inside an OR makes it scan the table).
        m_where.add(
            u"(id = ? OR latest_charge_id = ? OR id = (SELECT payment_intent_id FROM charges WHERE id "
            "= ? LIMIT 1) OR id = (SELECT payment_intent_id FROM refunds WHERE id = ? LIMIT 1))"_s,
            {id, id, id, id});
    }
    if (!filter.cardLast4.isEmpty())
        m_where.add(u"card_last4 = ?"_s, {sql::text(filter.cardLast4)});
    if (!filter.email.trimmed().isEmpty()) {
        const QStringList terms{filter.email.trimmed()};
        if (throughCustomers(terms))
            addCustomerTerms(u"email"_s, u"customer_email"_s, terms);
        else if (const StoreError error = addTerms({u"customer_email"_s}, terms); error.isError())
            return error;
    }
    if (!filter.customerName.trimmed().isEmpty()) {
        const QStringList terms = sql::searchTerms(filter.customerName);
        if (throughCustomers(terms))
            addCustomerTerms(u"name"_s, u"customer_name"_s, terms);
        else if (const StoreError error = addTerms({u"customer_name"_s}, terms); error.isError())
            return error;
    }
    if (!filter.description.trimmed().isEmpty()) {
        if (const StoreError error = addTerms({u"description"_s}, sql::searchTerms(filter.description));
            error.isError())
            return error;
    }
    if (filter.amount)
        m_where.add(u"amount = ?"_s, {*filter.amount});
    if (filter.amountMin)
        m_where.add(u"amount >= ?"_s, {*filter.amountMin});
    if (filter.amountMax)
        m_where.add(u"amount <= ?"_s, {*filter.amountMax});
    if (!filter.currency.isEmpty())
        m_where.add(u"currency = ?"_s, {sql::text(filter.currency.toLower())});
    if (!filter.statuses.isEmpty()) {
        QStringList marks;
        QVariantList values;
        for (const QString &status : filter.statuses) {
            marks << u"?"_s;
            values << sql::text(status);
        }
        m_where.add(u"status IN (%1)"_s.arg(marks.join(u", "_s)), values);
    }
    if (filter.createdFrom)
        m_where.add(u"created >= ?"_s, {*filter.createdFrom});
    if (filter.createdTo)
        m_where.add(u"created < ?"_s, {*filter.createdTo});
    if (!filter.till.isEmpty())
        m_where.add(u"till = ?"_s, {sql::text(filter.till)});
    if (!filter.cashier.isEmpty())
        m_where.add(u"cashier = ?"_s, {sql::text(filter.cashier)});
    if (!filter.orderRef.isEmpty())
        m_where.add(u"order_ref = ?"_s, {sql::text(filter.orderRef)});
    if (!filter.customerId.isEmpty())
        m_where.add(u"customer_id = ?"_s, {sql::text(filter.customerId)});
    if (!filter.text.trimmed().isEmpty())
        return addQuickSearch(filter.text.trimmed());
    return {};
}

// Find the customers first and then their payments along payments_customer, rather than asking
// the payments' trigram index, whose lists for the trigrams of an email ("gma", "com", "000") hold
// most of the payments. 50,000 customers for a million payments: the customers' index (SQLite: a
// scan of its covering index; PostgreSQL: its trigram index) beats reading those lists, and does not
// grow with the payments. The same rows: payments.customer_email and customer_name are copies of the
// customer's (kept in step in the transaction that writes either, and '' without a customer row),
// and the payment's own column is tested again. SQLite: ASCII terms only, as LIKE folds ASCII case
// only and the trigram index all of Unicode; PostgreSQL's ILIKE is the same operator either way.
bool FilterBuilder::throughCustomers(const QStringList &terms) const
{
    if (m_scanText || terms.isEmpty())
        return false;
    return m_db.isPostgres() || std::all_of(terms.cbegin(), terms.cend(), [](const QString &term) {
               return std::all_of(term.cbegin(), term.cend(), [](QChar c) { return c.unicode() < 0x80; });
           });
}

void FilterBuilder::addCustomerTerms(const QString &customerColumn, const QString &paymentColumn,
                                     const QStringList &terms)
{
    QStringList inner;
    QStringList outer;
    QVariantList innerParams;
    QVariantList outerParams;
    const QString like = sql::likeOperator(m_db.dialect());
    for (const QString &term : terms) {
        inner << u"c.%1 %2 ? ESCAPE '\\'"_s.arg(customerColumn, like);
        innerParams << sql::containsPattern(term);
        outer << u"%1 %2 ? ESCAPE '\\'"_s.arg(paymentColumn, like);
        outerParams << sql::containsPattern(term);
    }
    const QString customers = u"SELECT c.id FROM customers c WHERE "_s + inner.join(u" AND "_s);
    m_customerQueries.emplaceBack(customers, innerParams);
    const QString key = resolvedKey(customers, innerParams);
    if (m_resolved && m_resolved->customers.contains(key)) {
        const QStringList ids = m_resolved->customers.value(key);
        QStringList marks;
        QVariantList params;
        for (const QString &id : ids) {
            marks << u"?"_s;
            params << sql::text(id);
        }
        m_where.add(ids.isEmpty()
                        ? u"0 = 1"_s
                        : u"(customer_id IN (%1) AND %2)"_s.arg(marks.join(u", "_s), outer.join(u" AND "_s)),
                    ids.isEmpty() ? QVariantList() : params + outerParams);
        return;
    }
    m_where.add(u"(customer_id IN (%1) AND %2)"_s.arg(customers, outer.join(u" AND "_s)),
                innerParams + outerParams);
}

StoreResult<bool> FilterBuilder::useFts()
{
    if (!m_db.isSqlite() || m_scanText)
        return false;
    if (!m_fts)
        m_fts = Migrations::hasIndexedTextSearch(m_db).valueOr(false);
    return *m_fts;
}

// Every term must be in one of `columns`. Appends to m_where.
StoreError FilterBuilder::addTerms(const QStringList &columns, const QStringList &terms)
{
    QString clause;
    QVariantList params;
    if (const StoreError error = termsCondition(columns, terms, &clause, &params); error.isError())
        return error;
    if (!clause.isEmpty())
        m_where.add(clause, params);
    return {};
}

StoreError FilterBuilder::termsCondition(const QStringList &columns, const QStringList &terms,
                                         QString *clause, QVariantList *params)
{
    const StoreResult<bool> fts = useFts();
    if (!fts.ok())
        return fts.error();
    QStringList parts;
    QStringList phrases;
    for (const QString &term : terms) {
        if (fts.value() && term.size() >= TrigramLength) {
            // FTS5: a column filter per phrase ("customer_name : \"jen\""), or none for every column.
            const QString phrase = sql::ftsPhrase(term);
            phrases << (columns.size() == 1 ? columns.first() + u" : "_s + phrase : phrase);
            continue;
        }
        m_scannedTerms = true;
        QStringList anyColumn;
        for (const QString &column : columns) {
            anyColumn << u"%1 %2 ? ESCAPE '\\'"_s.arg(column, sql::likeOperator(m_db.dialect()));
            *params << sql::containsPattern(term);
        }
        parts << u'(' + anyColumn.join(u" OR "_s) + u')';
    }
    if (!phrases.isEmpty()) {
        const QString expression = phrases.join(u" AND "_s);
        m_ftsMatches << expression;
        if (m_resolved && m_resolved->rows.contains(expression)) {
            // Integers the index gave, written into the statement. row_id counts from 1, so -1 names
            // no row: an empty list that keeps an OR of the search box a union of index lookups (a
            // constant false term or IN () makes SQLite scan the table).
            const QList<qint64> rows = m_resolved->rows.value(expression);
            QStringList ids;
            ids.reserve(rows.size());
            for (const qint64 row : rows)
                ids << QString::number(row);
            parts.prepend(u"row_id IN (%1)"_s.arg(rows.isEmpty() ? u"-1"_s : ids.join(u", "_s)));
        } else {
            parts.prepend(u"row_id IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH ?)"_s);
            params->prepend(expression);
        }
    }
    *clause = parts.isEmpty() ? QString() : u'(' + parts.join(u" AND "_s) + u')';
    return {};
}

StoreError FilterBuilder::addQuickSearch(const QString &text)
{
    const QVariant exact = sql::text(text);
    QString words;
    QVariantList wordParams;
    if (const StoreError error = termsCondition(TextColumns, sql::searchTerms(text), &words, &wordParams);
        error.isError())
        return error;
    QVariantList params{exact, exact, exact, exact, exact, exact};
    params << wordParams;
    m_where.add(u"(id = ? OR latest_charge_id = ? OR customer_id = ? OR card_last4 = ? OR order_ref = ? "
                "OR id = (SELECT payment_intent_id FROM refunds WHERE id = ? LIMIT 1) OR %1)"_s.arg(words),
                params);
    return {};
}

QStringList textTerms(const PaymentFilter &filter)
{
    QStringList terms;
    terms << sql::searchTerms(filter.text) << sql::searchTerms(filter.description)
          << sql::searchTerms(filter.customerName);
    if (!filter.email.trimmed().isEmpty())
        terms << filter.email.trimmed();
    return terms;
}
} // namespace kassa::store::detail
