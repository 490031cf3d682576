// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/reports/report.h"

#include <QByteArray>
#include <QString>

namespace kassa::reports {

// A report as CSV (RFC 4180: CRLF line ends, fields with a comma, a quote or a line break in double
// quotes, quotes doubled; UTF-8 without a byte order mark), one table that a spreadsheet opens as it is:
//
//     section,key,detail,currency,sales,gross,refund_count,refunds,pending_refund_count,
//     pending_refunds,failed_refund_count,net,declined_count,canceled_count,average_sale
//
// Sections, in this order: period (key: from, detail: to, as ISO 8601 local times with their offset),
// time_zone (key: the IANA id), till_filter and cashier_filter (when the report has them), total (one
// per currency), method (key: method type, detail: card brand), cashier, till, hour or day (the
// timeline: key the bucket's local start; one row per currency with sales, or one row with 0 sales
// for an empty bucket), hour_of_day (key 00 to 23, hours with sales only). A field a section does not
// have is empty.
//
// Amounts are decimal strings in major units with a dot ("1234.50", "-3.00", "1200" for JPY), beside
// the uppercase currency code: exact, and never a floating-point number. Text that came from a till or
// a cashier name and starts with = + - @ gets a leading apostrophe, so that a spreadsheet shows it
// instead of running it as a formula.
class ReportCsv
{
public:
    static QByteArray toCsv(const Report &report);
    // Writes the CSV through QSaveFile: the file is replaced whole or not at all. On failure returns
    // false and says why in *errorMessage.
    static bool write(const Report &report, const QString &fileName, QString *errorMessage = nullptr);

    // One field, quoted when it needs to be.
    static QString field(const QString &text);
};

} // namespace kassa::reports
