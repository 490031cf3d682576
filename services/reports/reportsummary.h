// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/reports/report.h"

#include <QLocale>
#include <QString>
#include <QStringList>

namespace kassa::reports {

// The printable summary of a report (the end-of-shift slip a cashier signs at the cash-up): the
// period, the till and cashier, per currency the sales, refunds, net, pending and failed refunds,
// declines and cancellations, then the breakdowns by method, cashier and till. Amounts in `locale`'s
// conventions (Money::format), times in the report's zone.
//
// html() is for QTextDocument (and from there QPrinter or a PDF) on the GUI side; plainText() is the
// same content for a receipt printer or a log, in columns of `width` characters.
class ReportSummary
{
public:
    static QString plainText(const Report &report, const QLocale &locale, const QString &title,
                             int width = 42);
    // `heading`: lines printed first under the title, before the period (the shop, the till that
    // printed, who printed, a TEST MODE warning).
    static QString html(const Report &report, const QLocale &locale, const QString &title,
                        const QStringList &heading = {});
};

} // namespace kassa::reports
