// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/reports/reportcsv.h"

#include <QSaveFile>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace kassa::reports {

namespace {

constexpr int ColumnCount = 15;

enum Column {
    Section,
    Key,
    Detail,
    CurrencyCode,
    Sales,
    Gross,
    RefundCount,
    Refunds,
    PendingRefundCount,
    PendingRefunds,
    FailedRefundCount,
    Net,
    DeclinedCount,
    CanceledCount,
    AverageSale,
};

// Names people typed (tills, cashiers): neutralise what a spreadsheet would take for a formula.
QString userText(const QString &text)
{
    if (!text.isEmpty() && QStringView(u"=+-@").contains(text.front()))
        return u'\'' + text;
    return text;
}

QString isoLocal(qint64 seconds, const QTimeZone &zone)
{
    return QDateTime::fromSecsSinceEpoch(seconds, zone).toString(Qt::ISODate);
}

QStringList blank(const QString &section)
{
    QStringList row(ColumnCount, QString());
    row[Section] = section;
    return row;
}

class Writer
{
public:
    void add(const QStringList &row) { m_rows.append(row); }

    QByteArray bytes() const
    {
        QString text;
        for (const QStringList &fields : m_rows) {
            QStringList quoted;
            quoted.reserve(fields.size());
            for (const QString &value : fields)
                quoted.append(ReportCsv::field(value));
            text += quoted.join(u',') + u"\r\n"_s;
        }
        return text.toUtf8();
    }

private:
    QList<QStringList> m_rows;
};

void putLine(QStringList &row, const ReportLine &line)
{
    row[CurrencyCode] = line.currency.upperCode();
    row[Sales] = QString::number(line.salesCount);
    row[Gross] = line.gross.toDecimalString();
    row[RefundCount] = QString::number(line.refundCount);
    row[Refunds] = line.refunded.toDecimalString();
    row[Net] = line.net.toDecimalString();
}

} // namespace

QString ReportCsv::field(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    return u'"' + QString(text).replace(u"\""_s, u"\"\""_s) + u'"';
}

QByteArray ReportCsv::toCsv(const Report &report)
{
    const ReportRequest &request = report.request;
    Writer out;
    out.add({u"section"_s, u"key"_s, u"detail"_s, u"currency"_s, u"sales"_s, u"gross"_s, u"refund_count"_s,
             u"refunds"_s, u"pending_refund_count"_s, u"pending_refunds"_s, u"failed_refund_count"_s,
             u"net"_s, u"declined_count"_s, u"canceled_count"_s, u"average_sale"_s});

    QStringList period = blank(u"period"_s);
    period[Key] = isoLocal(request.from, request.timeZone);
    period[Detail] = isoLocal(request.to, request.timeZone);
    out.add(period);
    QStringList zone = blank(u"time_zone"_s);
    zone[Key] = QString::fromUtf8(request.timeZone.id());
    out.add(zone);
    if (!request.till.isEmpty()) {
        QStringList row = blank(u"till_filter"_s);
        row[Key] = userText(request.till);
        out.add(row);
    }
    if (!request.cashier.isEmpty()) {
        QStringList row = blank(u"cashier_filter"_s);
        row[Key] = userText(request.cashier);
        out.add(row);
    }

    for (const CurrencyTotals &totals : report.totals) {
        QStringList row = blank(u"total"_s);
        row[CurrencyCode] = totals.currency.upperCode();
        row[Sales] = QString::number(totals.salesCount);
        row[Gross] = totals.gross.toDecimalString();
        row[RefundCount] = QString::number(totals.refundCount);
        row[Refunds] = totals.refunded.toDecimalString();
        row[PendingRefundCount] = QString::number(totals.pendingRefundCount);
        row[PendingRefunds] = totals.pendingRefunds.toDecimalString();
        row[FailedRefundCount] = QString::number(totals.failedRefundCount);
        row[Net] = totals.net.toDecimalString();
        row[DeclinedCount] = QString::number(totals.declinedCount);
        row[CanceledCount] = QString::number(totals.canceledCount);
        row[AverageSale] = totals.averageSale.toDecimalString();
        out.add(row);
    }
    for (const ReportLine &line : report.byMethod) {
        QStringList row = blank(u"method"_s);
        row[Key] = line.key;
        row[Detail] = line.brand;
        putLine(row, line);
        out.add(row);
    }
    for (const ReportLine &line : report.byCashier) {
        QStringList row = blank(u"cashier"_s);
        row[Key] = userText(line.key);
        putLine(row, line);
        out.add(row);
    }
    for (const ReportLine &line : report.byTill) {
        QStringList row = blank(u"till"_s);
        row[Key] = userText(line.key);
        putLine(row, line);
        out.add(row);
    }
    const QString bucketSection = report.bucketSize == BucketSize::Day ? u"day"_s : u"hour"_s;
    for (const TimeBucket &bucket : report.timeline) {
        const QString start = bucket.localStart.toString(Qt::ISODate);
        if (bucket.sales.isEmpty()) {
            QStringList row = blank(bucketSection);
            row[Key] = start;
            row[Sales] = u"0"_s;
            out.add(row);
        }
        for (const SalesAmount &sales : bucket.sales) {
            QStringList row = blank(bucketSection);
            row[Key] = start;
            row[CurrencyCode] = sales.gross.currency().upperCode();
            row[Sales] = QString::number(sales.count);
            row[Gross] = sales.gross.toDecimalString();
            out.add(row);
        }
    }
    for (const HourOfDay &hour : report.hoursOfDay) {
        for (const SalesAmount &sales : hour.sales) {
            QStringList row = blank(u"hour_of_day"_s);
            row[Key] = u"%1"_s.arg(hour.hour, 2, 10, QLatin1Char('0'));
            row[CurrencyCode] = sales.gross.currency().upperCode();
            row[Sales] = QString::number(sales.count);
            row[Gross] = sales.gross.toDecimalString();
            out.add(row);
        }
    }
    return out.bytes();
}

bool ReportCsv::write(const Report &report, const QString &fileName, QString *errorMessage)
{
    QSaveFile file(fileName);
    const QByteArray bytes = toCsv(report);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (errorMessage)
            *errorMessage = file.errorString();
        return false;
    }
    return true;
}

} // namespace kassa::reports
