#pragma once

#include "sim/router.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace kassa::sim {

class SimContext;

// Stripe's search query language, as far as the simulator's searchable resources need it:
// clauses `field:value`, `field~"sub"`, `field>N` (also <, >=, <=), `-field:value`, `metadata['key']:'v'`,
// `field:null`, joined by AND or by OR (not mixed, at most 10 clauses).
class SearchQuery
{
public:
    static SearchQuery parse(QStringView text, const QStringList &allowedFields);

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    bool matches(const QJsonObject &object) const;

    // GET .../search: query, limit, page; returns a search_result.
    static ApiReply run(SimContext &context, const ApiCall &call, const QString &objectType,
                        const QString &url, const QStringList &allowedFields);

private:
    struct Clause
    {
        QString field;       // "status", "metadata", "payment_method_details.card.last4"
        QString metadataKey; // for metadata['key']
        QString op;          // ":", "~", ">", "<", ">=", "<="
        QString value;
        bool isNull = false;
        bool negated = false;
        bool numeric = false;
    };

    bool clauseMatches(const Clause &clause, const QJsonObject &object) const;

    QList<Clause> m_clauses;
    bool m_any = false; // OR
    QString m_error;
};

} // namespace kassa::sim
