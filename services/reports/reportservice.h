// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/reports/report.h"
#include "services/security/actinguser.h"
#include "services/store/storeresult.h"

#include <QString>
#include <QTimeZone>

namespace kassa::store {
class Database;
}

namespace kassa::reports {

// Day, shift and date-range reports computed from the local store with SQL aggregates: sums and counts
// grouped in the database, only the groups come back. Every query reads a range of an index on
// `created` (payments_status, payments_till, payments_cashier, refunds_created) plus primary-key lookups
// of the rows in that range; none reads a whole table, so the cost follows the period, not the store.
// With a million payments over a year (about 2,600 a day), a day's report took 20-60 ms and a month's
// about a second on a busy two-core machine, on SQLite and PostgreSQL alike: the GUI should run ranges
// longer than a day off its thread, with a Database opened there.
//
// What counts (see CurrencyTotals for each figure):
// - a sale is a succeeded payment created in the period, for its amount_received (a partial capture
//   counts for what was captured);
// - a refund counts in the period in which it was created (as a till's cash-up expects), whenever its
//   payment was made, and for the till, cashier, method and brand of that payment;
// - declined and canceled payments are counted, never summed.
//
// Money stays in minor units per currency; no two currencies are ever added. The timeline is bucketed
// by the local clock of the request's zone, so that the day the clocks go back has 25 hours and the
// day they go forward 23.
//
// The queries run one after another without a common snapshot: a payment written between them may
// show in one figure and not yet in another, which the next refresh settles.
class ReportService
{
public:
    // `viewer` is who asks: each report needs Permission::ViewReports (a StoreError of kind Refused
    // otherwise).
    ReportService(store::Database &db, const security::ActingUser &viewer);

    store::StoreResult<Report> report(const ReportRequest &request);
    // The report of `shift`, up to the store's clock while the shift is open.
    store::StoreResult<Report> shiftReport(const Shift &shift, const QTimeZone &zone);

    // The shifts that overlap [from, to), newest first, of one till or (empty) of every till.
    //
    // A shift is what a shop manager calls one: somebody's time at a till, as the audit log's log-ins
    // tell it. It starts when a user logs in at a till where somebody else (or nobody yet) was logged
    // in, and ends at the next log-in of another user at that till; logging back in after the till
    // locked continues the same shift. A shift nobody has taken over yet is open. Only log-ins of the
    // ShiftLookbackSeconds before `from` are read, so a shift older than that is not found.
    static constexpr qint64 ShiftLookbackSeconds = 7 * 86'400;
    store::StoreResult<QList<Shift>> shifts(qint64 from, qint64 to, const QString &till = {});

    // Writes `report` to `fileName` as ReportCsv does (whole or not at all), for a viewer with
    // Permission::Export as well (Refused otherwise; Io when the file cannot be written).
    store::StoreError exportCsv(const Report &report, const QString &fileName);

    // SQLite only (a diagnostic for tests and benchmarks): EXPLAIN QUERY PLAN of every query report()
    // runs, each plan line prefixed with the query's name ("sales: SEARCH p USING INDEX ...").
    store::StoreResult<QString> explain(const ReportRequest &request);

private:
    store::StoreError refusal(Permission permission = Permission::ViewReports) const;
    store::Database &m_db;
    security::ActingUser m_viewer;
};

} // namespace kassa::reports
