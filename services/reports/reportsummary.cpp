// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/reports/reportsummary.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::reports {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("kassa::reports::ReportSummary", text);
}

// The summary as label/value pairs, grouped under headings: what both renderers print.
struct Entry
{
    QString label;
    QString value;
};

struct Block
{
    QString heading;
    QList<Entry> entries;
};

QString localTime(qint64 seconds, const QTimeZone &zone, const QLocale &locale)
{
    return locale.toString(QDateTime::fromSecsSinceEpoch(seconds, zone), QLocale::ShortFormat);
}

QString counted(const QString &label, qint64 count, const QLocale &locale)
{
    return u"%1 (%2)"_s.arg(label, locale.toString(count));
}

QString lineLabel(const ReportLine &line, const QString &unknown)
{
    QString label = line.key.isEmpty() ? unknown : line.key;
    if (!line.brand.isEmpty())
        label += u' ' + line.brand;
    return label;
}

// "Card reader Visa" for card_present/visa: a method as the person at the till calls it.
QString methodLabel(const ReportLine &line, const QString &unknown)
{
    QString label = line.key == u"card"_s           ? tr("Card online")
                    : line.key == u"card_present"_s ? tr("Card reader")
                    : line.key.isEmpty()            ? unknown
                                                    : line.key;
    if (!line.brand.isEmpty()) {
        QString brand = line.brand == u"amex"_s ? u"Amex"_s : line.brand;
        brand[0] = brand.at(0).toUpper();
        label += u' ' + brand;
    }
    return label;
}

QList<Block> blocks(const Report &report, const QLocale &locale)
{
    QList<Block> result;
    for (const CurrencyTotals &totals : report.totals) {
        Block block{totals.currency.upperCode(), {}};
        block.entries.append({counted(tr("Sales"), totals.salesCount, locale), totals.gross.format(locale)});
        block.entries.append(
            {counted(tr("Refunds"), totals.refundCount, locale), totals.refunded.format(locale)});
        block.entries.append({tr("Net"), totals.net.format(locale)});
        block.entries.append({tr("Average sale"), totals.averageSale.format(locale)});
        if (totals.pendingRefundCount > 0)
            block.entries.append({counted(tr("Pending refunds"), totals.pendingRefundCount, locale),
                                  totals.pendingRefunds.format(locale)});
        if (totals.failedRefundCount > 0)
            block.entries.append({tr("Failed refunds"), locale.toString(totals.failedRefundCount)});
        block.entries.append({tr("Declined"), locale.toString(totals.declinedCount)});
        block.entries.append({tr("Canceled"), locale.toString(totals.canceledCount)});
        result.append(block);
    }
    // One block per currency: the lines of different currencies are never listed as one.
    const bool severalCurrencies = report.totals.size() > 1;
    const auto breakdown = [&](const QString &heading, const QList<ReportLine> &lines, const QString &unknown,
                               bool methods) {
        for (const CurrencyTotals &totals : report.totals) {
            Block block{severalCurrencies ? u"%1, %2"_s.arg(heading, totals.currency.upperCode()) : heading,
                        {}};
            for (const ReportLine &line : lines) {
                if (line.currency != totals.currency)
                    continue;
                const QString label = methods ? methodLabel(line, unknown) : lineLabel(line, unknown);
                block.entries.append({counted(label, line.salesCount, locale), line.net.format(locale)});
            }
            if (!block.entries.isEmpty())
                result.append(block);
        }
    };
    breakdown(tr("Net by method"), report.byMethod, tr("unknown"), true);
    if (report.request.cashier.isEmpty())
        breakdown(tr("Net by cashier"), report.byCashier, tr("no cashier"), false);
    if (report.request.till.isEmpty())
        breakdown(tr("Net by till"), report.byTill, tr("no till"), false);
    return result;
}

QStringList headerLines(const Report &report, const QLocale &locale)
{
    const ReportRequest &request = report.request;
    QStringList lines;
    if (!request.till.isEmpty())
        lines << tr("Till: %1").arg(request.till);
    if (!request.cashier.isEmpty())
        lines << tr("Cashier: %1").arg(request.cashier);
    lines << tr("From: %1").arg(localTime(request.from, request.timeZone, locale));
    lines << tr("To: %1").arg(localTime(request.to, request.timeZone, locale));
    lines << tr("Printed: %1").arg(localTime(report.generatedAt, request.timeZone, locale));
    return lines;
}

} // namespace

QString ReportSummary::plainText(const Report &report, const QLocale &locale, const QString &title, int width)
{
    QStringList out;
    out << title << QString(width, u'=');
    out << headerLines(report, locale);
    if (report.isEmpty())
        out << QString() << tr("No sales and no refunds in this period.");
    for (const Block &block : blocks(report, locale)) {
        out << QString() << block.heading;
        for (const Entry &entry : block.entries) {
            const int room = std::max(1, width - int(entry.value.size()) - 1);
            out << entry.label.leftJustified(room, u' ', true) + u' ' + entry.value;
        }
    }
    out << QString() << tr("Counted by:") << QString() << tr("Signature:") << QString();
    return out.join(u'\n');
}

QString ReportSummary::html(const Report &report, const QLocale &locale, const QString &title,
                            const QStringList &heading)
{
    QString html = u"<html><body><h1>"_s + title.toHtmlEscaped() + u"</h1>\n<p>"_s;
    QStringList header = heading + headerLines(report, locale);
    for (QString &line : header)
        line = line.toHtmlEscaped();
    html += header.join(u"<br>"_s);
    html += u"</p>\n"_s;
    if (report.isEmpty())
        html += u"<p>"_s + tr("No sales and no refunds in this period.").toHtmlEscaped() + u"</p>\n"_s;
    for (const Block &block : blocks(report, locale)) {
        html += u"<h2>"_s + block.heading.toHtmlEscaped() + u"</h2>\n<table width=\"100%\">\n"_s;
        for (const Entry &entry : block.entries) {
            html += u"<tr><td>"_s + entry.label.toHtmlEscaped() + u"</td><td align=\"right\">"_s +
                    entry.value.toHtmlEscaped() + u"</td></tr>\n"_s;
        }
        html += u"</table>\n"_s;
    }
    html += u"<p>"_s + tr("Counted by:").toHtmlEscaped() + u" ____________________</p>\n<p>"_s +
            tr("Signature:").toHtmlEscaped() + u" ____________________</p>\n</body></html>\n"_s;
    return html;
}

} // namespace kassa::reports
