// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How PaymentRepository turns a PaymentFilter into the WHERE clauses of its page, count and probe
// queries: FilterBuilder, the text terms a filter searches for, and what probeText() resolved ahead of
// the query. Internal to services/store: use PaymentRepository.

#include "services/store/paymentfilter.h"
#include "services/store/storeerror.h"
#include "services/store/storeresult.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>
#include <utility>

namespace kassa::store {

class Database;

namespace sql {
struct Where;
} // namespace sql

// What PaymentRepository::probeText() read in full (SQLite): the rows of rare FTS5 MATCH expressions,
// and the ids of the customers a rare name or email term finds. The page or count query then lists
// them, rather than asking the index or scanning the customers a second time.
struct ResolvedText
{
    QHash<QString, QList<qint64>> rows;    // by MATCH expression
    QHash<QString, QStringList> customers; // by resolvedKey()
};

namespace detail {

// The key of a customer look-up in ResolvedText::customers: its SQL and values.
QString resolvedKey(const QString &customersSql, const QVariantList &values);

// Builds the WHERE clauses of a filter. SQLite uses the FTS5 index when the schema has it.
class FilterBuilder
{
public:
    // `scanText`: match text terms with LIKE/ILIKE on the row, never through the text index (for the
    // recent-rows pass of page()).
    FilterBuilder(Database &db, sql::Where &where, bool scanText = false)
        : m_db(db)
        , m_where(where)
        , m_scanText(scanText)
    {
    }

    StoreError build(const PaymentFilter &filter);

    // SQLite: the rows of FTS5 MATCH expressions that the caller has read in full already (see
    // PaymentRepository::probeText()). The conditions then list those rows rather than asking the
    // index a second time, which costs as much as the first for a rare term.
    void setResolvedMatches(const ResolvedText *resolved) { m_resolved = resolved; }

private:
    bool throughCustomers(const QStringList &terms) const;
    void addCustomerTerms(const QString &customerColumn, const QString &paymentColumn,
                          const QStringList &terms);
    StoreResult<bool> useFts();
    StoreError addTerms(const QStringList &columns, const QStringList &terms);
    StoreError termsCondition(const QStringList &columns, const QStringList &terms, QString *clause,
                              QVariantList *params);
    StoreError addQuickSearch(const QString &text);

public:
    // The FTS5 MATCH expressions the filter uses (SQLite), one per searched field.
    const QStringList &ftsMatches() const { return m_ftsMatches; }
    // Some text term is matched with LIKE (too short for the trigram index, or no index).
    bool scannedTerms() const { return m_scannedTerms; }
    // The customer look-ups (SELECT c.id FROM customers c WHERE ...) with their values, one per field
    // resolved through the customers.
    const QList<std::pair<QString, QVariantList>> &customerQueries() const { return m_customerQueries; }

private:
    Database &m_db;
    sql::Where &m_where;
    bool m_scanText = false;
    QStringList m_ftsMatches;
    bool m_scannedTerms = false;
    QList<std::pair<QString, QVariantList>> m_customerQueries;
    const ResolvedText *m_resolved = nullptr;
    std::optional<bool> m_fts;
};

// The text terms a filter searches for (words of the search box, description and name, the email).
QStringList textTerms(const PaymentFilter &filter);

} // namespace detail

} // namespace kassa::store
