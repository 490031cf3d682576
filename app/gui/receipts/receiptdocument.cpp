// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/receipts/receiptdocument.h"

#include "app/gui/widgets/qrcodewidget.h"

#include <QAbstractTextDocumentLayout>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMessageBox>
#include <QPageLayout>
#include <QPainter>
#include <QPrintDialog>
#include <QPrinter>
#include <QScreen>
#include <QStandardPaths>
#include <QTextDocument>
#include <QUrl>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr qreal MmPerInch = 25.4;

// A QTextDocument lays out in pixels of the screen it would be shown on: its fonts' point sizes become
// pixels at the screen's logical DPI (96 on most desktops and offscreen). Paper sizes convert at the same
// rate, so that a 9 pt line stays 9 pt on paper whatever the screen.
qreal documentDpi()
{
    const QScreen *screen = QGuiApplication::primaryScreen();
    return screen ? screen->logicalDotsPerInchY() : 96.0;
}

qreal mmToDocument(qreal mm)
{
    return mm / MmPerInch * documentDpi();
}

QString qrResourceUrl()
{
    return u"kassa-receipt:qr"_s;
}

QString escapedLines(const QString &text)
{
    return text.toHtmlEscaped().replace(u'\n', u"<br>"_s);
}

QString row(const QString &label, const QString &value, bool strong = false)
{
    const QString shown = strong ? u"<b>%1</b>"_s.arg(value) : value;
    return u"<tr><td style=\"color:#444\">%1</td><td align=\"right\">%2</td></tr>"_s.arg(
        label.toHtmlEscaped(), shown);
}

QString reasonText(const QString &reason)
{
    if (reason == u"requested_by_customer"_s)
        return u"Requested by the customer"_s;
    if (reason == u"duplicate"_s)
        return u"Duplicate payment"_s;
    if (reason == u"fraudulent"_s)
        return u"Fraudulent"_s;
    return reason;
}

// The document laid out at the roll's printable width.
std::unique_ptr<QTextDocument> laidOut(const receipts::ReceiptData &data, const QLocale &locale)
{
    std::unique_ptr<QTextDocument> document = ReceiptDocument::create(data, locale);
    document->setDocumentMargin(0);
    document->setTextWidth(mmToDocument(ReceiptDocument::PaperWidthMm - 2 * ReceiptDocument::MarginMm));
    return document;
}

} // namespace

QString ReceiptDocument::html(const receipts::ReceiptData &data, const QLocale &locale)
{
    using receipts::ReceiptData;
    const auto date = [&locale](qint64 seconds) {
        return locale.toString(QDateTime::fromSecsSinceEpoch(seconds), QLocale::ShortFormat).toHtmlEscaped();
    };
    QString html = u"<html><body style=\"font-family:sans-serif; font-size:9pt; color:#000\">"_s;
    if (data.testMode) {
        html += u"<table width=\"100%\" border=\"2\" cellspacing=\"0\" cellpadding=\"4\" "
                "style=\"border-color:#000; border-style:solid\"><tr><td align=\"center\">"
                "<span style=\"font-size:14pt; font-weight:bold\">TEST MODE</span><br>"
                "No money moved. Not a proof of payment.</td></tr></table>"_s;
    }
    html += u"<p align=\"center\" style=\"font-size:13pt; font-weight:bold; margin-top:8px\">%1</p>"_s.arg(
        escapedLines(data.header));
    html += u"<p align=\"center\" style=\"font-size:11pt; font-weight:bold\">%1</p>"_s.arg(
        data.title().toHtmlEscaped());

    html += u"<table width=\"100%\" cellspacing=\"0\" cellpadding=\"1\">"_s;
    html += row(u"Date"_s, date(data.created));
    if (!data.till.isEmpty())
        html += row(u"Till"_s, data.till.toHtmlEscaped());
    if (!data.cashier.isEmpty())
        html += row(u"Cashier"_s, data.cashier.toHtmlEscaped());
    if (data.kind == ReceiptData::Kind::Refund && !data.approvedBy.isEmpty())
        html += row(u"Approved by"_s, data.approvedBy.toHtmlEscaped());
    if (!data.description.isEmpty())
        html += row(u"Item"_s, data.description.toHtmlEscaped());
    if (!data.orderRef.isEmpty())
        html += row(u"Order"_s, data.orderRef.toHtmlEscaped());
    html += u"</table><hr>"_s;

    html += u"<table width=\"100%\" cellspacing=\"0\" cellpadding=\"1\">"_s;
    html += u"<tr><td style=\"font-size:12pt; font-weight:bold\">%1</td>"
            "<td align=\"right\" style=\"font-size:12pt; font-weight:bold\">%2</td></tr>"_s.arg(
                data.kind == ReceiptData::Kind::Refund ? u"REFUNDED"_s : u"TOTAL"_s,
                data.amount.format(locale).toHtmlEscaped());
    if (data.kind == ReceiptData::Kind::Sale && data.refunded.isPositive())
        html += row(u"Refunded"_s, data.refunded.format(locale).toHtmlEscaped());
    if (const QString method = data.methodText(); !method.isEmpty())
        html += row(u"Paid with"_s, method.toHtmlEscaped());
    html += row(u"Status"_s, data.statusText.toHtmlEscaped(), true);
    html += u"</table>"_s;

    if (data.kind == ReceiptData::Kind::Refund) {
        html += u"<hr><p>Refund of the sale <b>%1</b> of %2, %3.</p>"_s.arg(
            data.originalPaymentId.toHtmlEscaped(), date(data.originalCreated),
            data.originalAmount.format(locale).toHtmlEscaped());
        if (!data.refundReason.isEmpty())
            html += u"<p>Reason: %1</p>"_s.arg(reasonText(data.refundReason).toHtmlEscaped());
    }

    html += u"<hr><p style=\"font-size:7pt; color:#444\">Stripe: %1</p>"_s.arg(data.stripeId.toHtmlEscaped());
    if (!data.receiptUrl.isEmpty() && !QrCodeWidget::encode(data.receiptUrl).isNull()) {
        const int side = int(mmToDocument(30));
        html += u"<p align=\"center\"><img src=\"%1\" width=\"%2\" height=\"%2\"><br>"
                "<span style=\"font-size:7pt\">Scan for this receipt online</span></p>"_s.arg(qrResourceUrl())
                    .arg(side);
    }
    if (!data.footer.isEmpty())
        html += u"<p align=\"center\">%1</p>"_s.arg(escapedLines(data.footer));
    if (data.testMode)
        html += u"<p align=\"center\" style=\"font-weight:bold\">*** TEST MODE ***</p>"_s;
    html += u"</body></html>"_s;
    return html;
}

void ReceiptDocument::fill(QTextDocument *document, const receipts::ReceiptData &data, const QLocale &locale)
{
    if (!data.receiptUrl.isEmpty()) {
        // Eight pixels a module: the PDF embeds the picture as it is and scales it without smoothing
        // into the 30 mm the HTML gives it, so the modules stay sharp on paper.
        const QImage qr = QrCodeWidget::toImage(data.receiptUrl, 8);
        if (!qr.isNull())
            document->addResource(QTextDocument::ImageResource, QUrl(qrResourceUrl()), QVariant(qr));
    }
    document->setHtml(html(data, locale));
}

std::unique_ptr<QTextDocument> ReceiptDocument::create(const receipts::ReceiptData &data,
                                                       const QLocale &locale)
{
    auto document = std::make_unique<QTextDocument>();
    fill(document.get(), data, locale);
    return document;
}

bool ReceiptDocument::print(QPrinter *printer, const receipts::ReceiptData &data, const QLocale &locale)
{
    const std::unique_ptr<QTextDocument> document = laidOut(data, locale);
    QPainter painter;
    if (!painter.begin(printer))
        return false;
    // Document units to device pixels at the true size, narrowed only if the paper is narrower than the
    // roll. A page shorter than the receipt continues on the next one.
    const QRectF page = printer->pageLayout().paintRectPixels(printer->resolution());
    const qreal scale = std::min(printer->resolution() / documentDpi(),
                                 page.width() / std::max<qreal>(document->textWidth(), 1));
    const qreal pageHeight = page.height() / scale;
    const qreal total = document->size().height();
    for (qreal top = 0; top < total; top += pageHeight) {
        if (top > 0 && !printer->newPage())
            return false;
        painter.save();
        painter.scale(scale, scale);
        painter.translate(0, -top);
        document->drawContents(&painter, QRectF(0, top, document->textWidth(), pageHeight));
        painter.restore();
    }
    return painter.end();
}

QImage ReceiptDocument::toImage(const receipts::ReceiptData &data, int dpi, const QLocale &locale)
{
    const std::unique_ptr<QTextDocument> document = laidOut(data, locale);
    const qreal scale = std::max(dpi, 24) / documentDpi();
    const qreal margin = mmToDocument(MarginMm);
    const QSizeF size(mmToDocument(PaperWidthMm), document->size().height() + 2 * margin);
    QImage image((size * scale).toSize(), QImage::Format_RGB32);
    image.setDotsPerMeterX(int(std::lround(dpi / MmPerInch * 1000)));
    image.setDotsPerMeterY(image.dotsPerMeterX());
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.scale(scale, scale);
    painter.translate(margin, margin);
    document->drawContents(&painter);
    return image;
}

bool ReceiptDocument::savePdf(const QString &path, const receipts::ReceiptData &data, QString *error,
                              const QLocale &locale)
{
    // One page exactly as long as the receipt: what a till roll would print.
    const std::unique_ptr<QTextDocument> document = laidOut(data, locale);
    const qreal heightMm = document->size().height() / documentDpi() * MmPerInch + 2 * MarginMm + 1;
    QPrinter printer(QPrinter::HighResolution);
    printer.setOutputFormat(QPrinter::PdfFormat);
    printer.setOutputFileName(path);
    printer.setCreator(u"Kassa"_s);
    printer.setDocName(u"Receipt %1"_s.arg(data.stripeId));
    const QPageSize size(QSizeF(PaperWidthMm, std::ceil(heightMm)), QPageSize::Millimeter, u"Receipt"_s,
                         QPageSize::ExactMatch);
    printer.setPageLayout(QPageLayout(size, QPageLayout::Portrait,
                                      QMarginsF(MarginMm, MarginMm, MarginMm, MarginMm),
                                      QPageLayout::Millimeter));
    if (!print(&printer, data, locale) || !QFileInfo(path).isFile() || QFileInfo(path).size() == 0) {
        if (error)
            *error = u"Cannot write %1."_s.arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

namespace {

std::optional<receipts::ReceiptData> loadReceipt(QWidget *parent, store::Database &db,
                                                 const QString &paymentIntentId)
{
    const store::StoreResult<std::optional<receipts::ReceiptData>> data =
        receipts::ReceiptBuilder(db).forPayment(paymentIntentId);
    if (!data.ok()) {
        QMessageBox::warning(parent, u"Receipt"_s, u"Cannot read the payment: "_s + data.error().toString());
        return std::nullopt;
    }
    if (!data.value()) {
        QMessageBox::warning(parent, u"Receipt"_s,
                             u"The payment %1 is not in this till's store yet."_s.arg(paymentIntentId));
        return std::nullopt;
    }
    return data.value();
}

} // namespace

bool printReceipt(QWidget *parent, store::Database &db, const QString &paymentIntentId)
{
    const std::optional<receipts::ReceiptData> data = loadReceipt(parent, db, paymentIntentId);
    return data && printReceipt(parent, *data);
}

bool saveReceiptPdf(QWidget *parent, store::Database &db, const QString &paymentIntentId)
{
    const std::optional<receipts::ReceiptData> data = loadReceipt(parent, db, paymentIntentId);
    return data && saveReceiptPdf(parent, *data);
}

bool printReceipt(QWidget *parent, const receipts::ReceiptData &data)
{
    QPrinter printer(QPrinter::HighResolution);
    printer.setDocName(u"Receipt %1"_s.arg(data.stripeId));
    QPrintDialog dialog(&printer, parent);
    dialog.setWindowTitle(u"Print receipt"_s);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    if (!ReceiptDocument::print(&printer, data)) {
        QMessageBox::warning(parent, u"Receipt"_s, u"The printer did not take the receipt."_s);
        return false;
    }
    return true;
}

bool saveReceiptPdf(QWidget *parent, const receipts::ReceiptData &data)
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty())
        folder = QDir::homePath();
    const QString path = QFileDialog::getSaveFileName(
        parent, u"Save receipt as PDF"_s, QDir(folder).filePath(u"receipt-%1.pdf"_s.arg(data.stripeId)),
        u"PDF (*.pdf)"_s);
    if (path.isEmpty())
        return false;
    QString error;
    if (!ReceiptDocument::savePdf(path, data, &error)) {
        QMessageBox::warning(parent, u"Receipt"_s, error);
        return false;
    }
    return true;
}

} // namespace kassa::gui
