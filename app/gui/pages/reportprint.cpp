// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/reportprint.h"

#include "services/reports/reportsummary.h"

#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPrinter>
#include <QTextDocument>

using namespace Qt::StringLiterals;

namespace kassa::gui {

QString ReportPrint::html(const reports::Report &report, const QLocale &locale) const
{
    QStringList heading;
    if (testMode)
        heading << u"TEST MODE: test payments, no real money moved."_s;
    if (!shop.isEmpty())
        heading << u"Shop: %1"_s.arg(shop);
    if (!till.isEmpty())
        heading << u"Printed at till: %1"_s.arg(till);
    if (!viewer.isEmpty())
        heading << u"Printed by: %1"_s.arg(viewer);
    const QString fullTitle = testMode ? u"TEST – "_s + title : title;
    return reports::ReportSummary::html(report, locale, fullTitle, heading);
}

std::unique_ptr<QTextDocument> ReportPrint::document(const reports::Report &report,
                                                     const QLocale &locale) const
{
    auto document = std::make_unique<QTextDocument>();
    document->setDocumentMargin(0);
    document->setHtml(html(report, locale));
    return document;
}

void ReportPrint::print(const reports::Report &report, const QLocale &locale, QPrinter *printer) const
{
    printer->setDocName(title);
    document(report, locale)->print(printer);
}

bool ReportPrint::writePdf(const reports::Report &report, const QLocale &locale, const QString &fileName,
                           QString *errorMessage) const
{
    QPrinter printer(QPrinter::HighResolution);
    printer.setOutputFormat(QPrinter::PdfFormat);
    printer.setOutputFileName(fileName);
    printer.setPageSize(QPageSize(QPageSize::A4));
    printer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout::Millimeter);
    printer.setCreator(u"Kassa"_s);
    print(report, locale, &printer);
    // QPrinter says nothing when it cannot write: look at the file.
    const QFileInfo written(fileName);
    if (!written.exists() || written.size() == 0) {
        if (errorMessage)
            *errorMessage = u"Could not write %1."_s.arg(QFileInfo(fileName).absoluteFilePath());
        return false;
    }
    return true;
}

} // namespace kassa::gui
