// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/receipts/receiptdata.h"

#include <QImage>
#include <QLocale>
#include <QString>

#include <memory>

class QPrinter;
class QTextDocument;
class QWidget;

namespace kassa::store {
class Database;
}

namespace kassa::gui {

// A receipt as a QTextDocument, sized for an 80 mm till roll: the shop's header, SALE or REFUND, date,
// till, cashier, amount, card (brand and last four digits), status, Stripe's id, Stripe's receipt page
// as a QR code, the footer. A test-mode receipt carries a boxed TEST MODE line at the top and TEST in
// its title, so that it is never mistaken for proof of a real payment.
//
// The same document is previewed on the Transactions page, printed (any printer: the roll's width at
// its true size, continued on further pages when the paper is shorter) and saved as a PDF of exactly
// one roll-sized page.
class ReceiptDocument
{
public:
    static constexpr qreal PaperWidthMm = 80;
    static constexpr qreal MarginMm = 4;

    // Fills `document` (its HTML and the QR code's image resource) with `data`.
    static void fill(QTextDocument *document, const receipts::ReceiptData &data,
                     const QLocale &locale = QLocale());
    static std::unique_ptr<QTextDocument> create(const receipts::ReceiptData &data,
                                                 const QLocale &locale = QLocale());
    static QString html(const receipts::ReceiptData &data, const QLocale &locale = QLocale());

    // Paints the receipt on `printer` (already set up: a dialog's choice, or a PDF file).
    static bool print(QPrinter *printer, const receipts::ReceiptData &data,
                      const QLocale &locale = QLocale());
    // The receipt as a picture of the roll at `dpi` (white, margins included): what the PDF shows.
    static QImage toImage(const receipts::ReceiptData &data, int dpi = 150,
                          const QLocale &locale = QLocale());
    // Writes a one-page PDF of the roll's width and the receipt's height. False with `error` set when
    // the file cannot be written.
    static bool savePdf(const QString &path, const receipts::ReceiptData &data, QString *error = nullptr,
                        const QLocale &locale = QLocale());
};

// For the pages (the Sale page's result screen, the Transactions page): the receipt of a payment from
// the store, through the print dialog. False when the store has no such payment, the cashier canceled
// or printing failed (then a message box says why).
bool printReceipt(QWidget *parent, store::Database &db, const QString &paymentIntentId);
// The same, saved as a PDF where the user picks (a file dialog). False when canceled or failed.
bool saveReceiptPdf(QWidget *parent, store::Database &db, const QString &paymentIntentId);
// The same for a receipt already built (a refund's, from the Transactions page).
bool printReceipt(QWidget *parent, const receipts::ReceiptData &data);
bool saveReceiptPdf(QWidget *parent, const receipts::ReceiptData &data);

} // namespace kassa::gui
