// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/reports/report.h"

#include <QLocale>
#include <QString>
#include <QStringList>

#include <memory>

class QPrinter;
class QTextDocument;

namespace kassa::gui {

// The printable summary of a report (the end-of-shift slip signed at the cash-up), as a QTextDocument
// for QPrinter: a print dialog's printer or a PDF file. The content is ReportSummary's (figures per
// currency, the breakdowns, the signature lines) under a heading with the shop, the till that printed
// it and who printed it. In test mode the title and the first line say TEST, so that a slip of test
// payments can never pass for a day's takings.
struct ReportPrint
{
    QString title;  // "End-of-shift summary", "Day report", ...
    QString shop;   // the shop's name
    QString till;   // the till that prints
    QString viewer; // who prints
    bool testMode = false;

    QString html(const reports::Report &report, const QLocale &locale) const;
    std::unique_ptr<QTextDocument> document(const reports::Report &report, const QLocale &locale) const;
    // Prints on `printer` as it is set up (a print dialog's choice, or PDF).
    void print(const reports::Report &report, const QLocale &locale, QPrinter *printer) const;
    // Writes a PDF file (QPrinter::PdfFormat). False with the reason in *errorMessage.
    bool writePdf(const reports::Report &report, const QLocale &locale, const QString &fileName,
                  QString *errorMessage = nullptr) const;
};

} // namespace kassa::gui
