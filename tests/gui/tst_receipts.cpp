// SPDX-License-Identifier: GPL-3.0-or-later
// Receipts from a SQLite store: the data of a sale (header and footer from the settings, till name,
// cashier, amount, card brand and last four, status, Stripe id, receipt URL), of a refund (naming the
// sale), test mode marked TEST and live mode not, the defaults, never a full card number; the document
// (its QR code) and a PDF that is one.
#include "app/gui/receipts/receiptdocument.h"
#include "app/gui/widgets/qrcodewidget.h"

#include "storetestsupport.h"

#include "services/receipts/receiptdata.h"
#include "services/store/chargerepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/settingsrepository.h"
#include "services/store/tillrepository.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;
using namespace kassa::receipts;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

const QString ReceiptUrl = u"https://pay.stripe.com/receipts/payment/CAcQARoXChVhY2N0XzFLYXNzYQ"_s;
const QLocale English(QLocale::English, QLocale::UnitedStates);

// 13 to 19 digits in a row, spaces or dashes allowed between them: what a card number looks like.
bool hasCardNumber(const QString &text)
{
    static const QRegularExpression pan(u"(?:\\d[ -]?){13,19}"_s);
    return pan.match(text).hasMatch();
}

} // namespace

class TestReceipts : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void saleReceipt();
    void refundReceipt();
    void liveReceiptIsNotMarkedTest();
    void defaultsWithoutSettings();
    void unknownPayment();
    void neverAFullCardNumber();
    void documentHasTheQrCode();
    void pdfIsWritten();

private:
    void seed(bool livemode);

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestReceipts::init()
{
    m_fixture = std::make_unique<TestStore>();
    QString message;
    QCOMPARE(m_fixture->create(u"sqlite"_s, &message), TestStore::Status::Ready);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestReceipts::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

// pi_sale: $12.50 by Anna at the front counter, paid by Visa 4242 (charge ch_sale), $2.00 of it refunded
// by re_part (requested by the customer, approved by Max).
void TestReceipts::seed(bool livemode)
{
    QJsonObject payment = paymentIntent({.id = u"pi_sale"_s,
                                         .amount = 1250,
                                         .created = 1'764'150'000,
                                         .description = u"Flat white and croissant"_s,
                                         .orderRef = u"order-77"_s,
                                         .till = u"till-1"_s,
                                         .cashier = u"Anna"_s,
                                         .latestCharge = u"ch_sale"_s});
    payment.insert(u"livemode"_s, livemode);
    VERIFY_RESULT(PaymentRepository(*m_db).upsert(payment, 1'764'150'010));
    QJsonObject paid = charge({.id = u"ch_sale"_s,
                               .paymentIntent = u"pi_sale"_s,
                               .amount = 1250,
                               .amountRefunded = 200,
                               .created = 1'764'150'001});
    paid.insert(u"receipt_url"_s, ReceiptUrl);
    paid.insert(u"livemode"_s, livemode);
    VERIFY_RESULT(ChargeRepository(*m_db).upsert(paid, 1'764'150'010));
    QJsonObject back = refund({.id = u"re_part"_s,
                               .charge = u"ch_sale"_s,
                               .paymentIntent = u"pi_sale"_s,
                               .amount = 200,
                               .created = 1'764'160'000});
    back.insert(u"reason"_s, u"requested_by_customer"_s);
    back.insert(u"livemode"_s, livemode);
    back.insert(u"metadata"_s, QJsonObject{{u"requested_by"_s, u"Anna"_s}, {u"approved_by"_s, u"Max"_s}});
    VERIFY_RESULT(RefundRepository(*m_db).upsert(back, 1'764'160'010));
    VERIFY_STORE(TillRepository(*m_db).upsert(u"till-1"_s, u"Front counter"_s));
}

void TestReceipts::saleReceipt()
{
    seed(false);
    SettingsRepository settings(*m_db);
    VERIFY_STORE(settings.setValue(ReceiptBuilder::HeaderKey, u"Café Olga\nMain Street 1"_s, u"olga"_s));
    VERIFY_STORE(settings.setValue(ReceiptBuilder::FooterKey, u"Thank you!"_s, u"olga"_s));

    const StoreResult<std::optional<ReceiptData>> built = ReceiptBuilder(*m_db).forPayment(u"pi_sale"_s);
    VERIFY_RESULT(built);
    QVERIFY(built.value());
    const ReceiptData &data = *built.value();
    QCOMPARE(data.kind, ReceiptData::Kind::Sale);
    QCOMPARE(data.header, u"Café Olga\nMain Street 1"_s);
    QCOMPARE(data.footer, u"Thank you!"_s);
    QCOMPARE(data.till, u"Front counter"_s);
    QCOMPARE(data.cashier, u"Anna"_s);
    QCOMPARE(data.amount.minorUnits(), 1250);
    QCOMPARE(data.refunded.minorUnits(), 200);
    QCOMPARE(data.cardBrand, u"visa"_s);
    QCOMPARE(data.cardLast4, u"4242"_s);
    QCOMPARE(data.stripeId, u"pi_sale"_s);
    QCOMPARE(data.chargeId, u"ch_sale"_s);
    QCOMPARE(data.receiptUrl, ReceiptUrl);
    QVERIFY(data.testMode);
    QCOMPARE(data.paymentJson.value(u"id"_s).toString(), u"pi_sale"_s);
    QCOMPARE(data.chargeJson.value(u"id"_s).toString(), u"ch_sale"_s);

    const QStringList lines = data.textLines(English);
    QCOMPARE(lines.first(), u"TEST MODE: no money moved"_s);
    QVERIFY(lines.contains(u"Café Olga"_s));
    QVERIFY(lines.contains(u"Main Street 1"_s));
    QVERIFY(lines.contains(u"SALE (TEST)"_s));
    QVERIFY(lines.contains(u"Till: Front counter"_s));
    QVERIFY(lines.contains(u"Cashier: Anna"_s));
    QVERIFY(lines.contains(u"Amount: $12.50"_s));
    QVERIFY(lines.contains(u"Refunded so far: $2.00"_s));
    QVERIFY(lines.contains(u"Method: Visa\u00a0\u2022\u2022\u2022\u2022\u00a04242"_s));
    QVERIFY(lines.contains(u"Status: Approved, partially refunded"_s));
    QVERIFY(lines.contains(u"Stripe id: pi_sale"_s));
    QVERIFY(lines.contains(u"Receipt online: "_s + ReceiptUrl));
    QCOMPARE(lines.last(), u"Thank you!"_s);
    QVERIFY(lines.contains(
        u"Date: "_s + English.toString(QDateTime::fromSecsSinceEpoch(1'764'150'000), QLocale::ShortFormat)));

    const QString html = ReceiptDocument::html(data, English);
    QVERIFY(html.contains(u"TEST MODE"_s));
    QVERIFY(html.contains(u"SALE (TEST)"_s));
    QVERIFY(html.contains(u"Front counter"_s));
    QVERIFY(html.contains(u"$12.50"_s));
}

void TestReceipts::refundReceipt()
{
    seed(false);
    const StoreResult<std::optional<ReceiptData>> built = ReceiptBuilder(*m_db).forRefund(u"re_part"_s);
    VERIFY_RESULT(built);
    QVERIFY(built.value());
    const ReceiptData &data = *built.value();
    QCOMPARE(data.kind, ReceiptData::Kind::Refund);
    QCOMPARE(data.amount.minorUnits(), 200);
    QCOMPARE(data.stripeId, u"re_part"_s);
    QCOMPARE(data.originalPaymentId, u"pi_sale"_s);
    QCOMPARE(data.originalAmount.minorUnits(), 1250);
    QCOMPARE(data.originalCreated, 1'764'150'000);
    QCOMPARE(data.created, 1'764'160'000);
    QCOMPARE(data.cashier, u"Anna"_s); // who took the payment
    QCOMPARE(data.approvedBy, u"Max"_s);
    QCOMPARE(data.refundJson.value(u"id"_s).toString(), u"re_part"_s);
    QVERIFY(data.testMode);

    const QStringList lines = data.textLines(English);
    QVERIFY(lines.contains(u"REFUND (TEST)"_s));
    QVERIFY(lines.contains(u"Refunded: $2.00"_s));
    QVERIFY(lines.contains(u"Status: Refunded"_s));
    QVERIFY(lines.contains(u"Reason: Requested by the customer"_s));
    QVERIFY(lines.contains(u"Approved by: Max"_s));
    QVERIFY(lines.contains(u"Original sale: pi_sale of %1 ($12.50)"_s.arg(
        English.toString(QDateTime::fromSecsSinceEpoch(1'764'150'000), QLocale::ShortFormat))));
    const QString html = ReceiptDocument::html(data, English);
    QVERIFY(html.contains(u"Refund of the sale <b>pi_sale</b>"_s));
    QVERIFY(html.contains(u"REFUNDED"_s));
}

void TestReceipts::liveReceiptIsNotMarkedTest()
{
    seed(true);
    for (const bool refund : {false, true}) {
        const StoreResult<std::optional<ReceiptData>> built =
            refund ? ReceiptBuilder(*m_db).forRefund(u"re_part"_s)
                   : ReceiptBuilder(*m_db).forPayment(u"pi_sale"_s);
        VERIFY_RESULT(built);
        QVERIFY(built.value());
        QVERIFY(!built.value()->testMode);
        const QString text = built.value()->textLines(English).join(u'\n');
        QVERIFY2(!text.contains(u"TEST"_s), qPrintable(text));
        QVERIFY(!ReceiptDocument::html(*built.value(), English).contains(u"TEST"_s));
    }
}

void TestReceipts::defaultsWithoutSettings()
{
    seed(false);
    const StoreResult<std::optional<ReceiptData>> plain = ReceiptBuilder(*m_db).forPayment(u"pi_sale"_s);
    VERIFY_RESULT(plain);
    QCOMPARE(plain.value()->header, u"Kassa"_s);
    QVERIFY(plain.value()->footer.isEmpty());
    // The shop's name stands in for a header nobody wrote.
    VERIFY_STORE(SettingsRepository(*m_db).setValue(ReceiptBuilder::ShopNameKey, u"Olga's"_s, u"olga"_s));
    QCOMPARE(ReceiptBuilder(*m_db).forPayment(u"pi_sale"_s).value()->header, u"Olga's"_s);
}

void TestReceipts::unknownPayment()
{
    const StoreResult<std::optional<ReceiptData>> none = ReceiptBuilder(*m_db).forPayment(u"pi_missing"_s);
    VERIFY_RESULT(none);
    QVERIFY(!none.value());
    QVERIFY(!ReceiptBuilder(*m_db).forRefund(u"re_missing"_s).value());
}

void TestReceipts::neverAFullCardNumber()
{
    seed(false);
    const ReceiptData sale = *ReceiptBuilder(*m_db).forPayment(u"pi_sale"_s).value();
    const ReceiptData refund = *ReceiptBuilder(*m_db).forRefund(u"re_part"_s).value();
    for (const ReceiptData &data : {sale, refund}) {
        QVERIFY(!hasCardNumber(data.textLines(English).join(u'\n')));
        QVERIFY(!hasCardNumber(ReceiptDocument::html(data, English)));
    }
    // Whatever a stored object held, a receipt shows four digits.
    ReceiptData leaky = sale;
    leaky.cardLast4 = u"4242 4242 4242 4242"_s;
    QCOMPARE(leaky.methodText(), u"Visa\u00a0\u2022\u2022\u2022\u2022\u00a04242"_s);
    QVERIFY(!hasCardNumber(leaky.textLines(English).join(u'\n')));
    QVERIFY(!hasCardNumber(ReceiptDocument::html(leaky, English)));
}

void TestReceipts::documentHasTheQrCode()
{
    seed(false);
    const ReceiptData data = *ReceiptBuilder(*m_db).forPayment(u"pi_sale"_s).value();
    const std::unique_ptr<QTextDocument> document = ReceiptDocument::create(data, English);
    const QVariant qr = document->resource(QTextDocument::ImageResource, QUrl(u"kassa-receipt:qr"_s));
    QVERIFY(qr.canConvert<QImage>());
    QCOMPARE(qr.value<QImage>(), QrCodeWidget::toImage(ReceiptUrl, 8));
    QVERIFY(document->toPlainText().contains(u"Scan for this receipt online"_s));

    ReceiptData noUrl = data;
    noUrl.receiptUrl.clear();
    QVERIFY(!ReceiptDocument::html(noUrl, English).contains(u"<img"_s));
}

void TestReceipts::pdfIsWritten()
{
    seed(false);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const QString &id : {u"pi_sale"_s, u"re_part"_s}) {
        const ReceiptData data = id.startsWith(u"re_"_s) ? *ReceiptBuilder(*m_db).forRefund(id).value()
                                                         : *ReceiptBuilder(*m_db).forPayment(id).value();
        const QString path = dir.filePath(id + u".pdf"_s);
        QString error;
        QVERIFY2(ReceiptDocument::savePdf(path, data, &error, English), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("%PDF"));
        QVERIFY2(bytes.size() > 2000, QByteArray::number(bytes.size()).constData());
        // One page: the roll is as long as the receipt.
        QCOMPARE(bytes.count("/Type /Page\n") + bytes.count("/Type /Page "), 1);
    }
    QString error;
    QVERIFY(!ReceiptDocument::savePdf(dir.filePath(u"missing/folder/x.pdf"_s),
                                      *ReceiptBuilder(*m_db).forPayment(u"pi_sale"_s).value(), &error,
                                      English));
    QVERIFY(!error.isEmpty());
}

QTEST_MAIN(TestReceipts)
#include "tst_receipts.moc"
