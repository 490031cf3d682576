// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/transactiondetailpane.h"

#include "app/gui/receipts/receiptdocument.h"
#include "core/cardbrand.h"
#include "services/store/chargerepository.h"
#include "services/store/eventrepository.h"
#include "services/store/refundrepository.h"

#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTextDocumentFragment>

#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QString row(const QString &label, const QString &value)
{
    if (value.isEmpty())
        return {};
    return u"<tr><td style=\"color:palette(placeholder-text); padding-right:8px\">%1</td><td>%2</td></tr>"_s
        .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
}

QString table(const QString &rows)
{
    return u"<table cellspacing=\"0\" cellpadding=\"1\">"_s + rows + u"</table>"_s;
}

QLabel *richLabel(QWidget *parent, const QString &objectName, const QString &accessibleName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setAccessibleName(accessibleName);
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    return label;
}

QGroupBox *section(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(8, 6, 8, 8);
    layout->addWidget(content);
    return box;
}

QString plain(const QLabel *label)
{
    return QTextDocumentFragment::fromHtml(label->text()).toPlainText();
}

// "Requested by the customer" for Stripe's requested_by_customer; an unknown text as it is.
QString words(const QString &stripeText)
{
    if (stripeText.isEmpty())
        return {};
    QString text = stripeText;
    text.replace(u'_', u' ');
    text[0] = text[0].toUpper();
    return text;
}

} // namespace

TransactionDetailPane::TransactionDetailPane(store::Database &db, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
    , m_placeholder(new QLabel(u"Select a payment to see its charge, refunds, events and receipt."_s, this))
    , m_content(new QWidget)
    , m_title(new QLabel(m_content))
    , m_summary(richLabel(m_content, u"detailSummary"_s, u"Payment summary"_s))
    , m_charge(richLabel(m_content, u"detailCharge"_s, u"Charge"_s))
    , m_refunds(richLabel(m_content, u"detailRefunds"_s, u"Refunds"_s))
    , m_events(richLabel(m_content, u"detailEvents"_s, u"Event timeline"_s))
    , m_receiptChoice(new QComboBox(m_content))
    , m_preview(new QTextBrowser(m_content))
    , m_print(new QPushButton(u"Print receipt…"_s, m_content))
    , m_pdf(new QPushButton(u"Save PDF…"_s, m_content))
    , m_copyId(new QPushButton(u"Copy id"_s, m_content))
    , m_dashboard(new QPushButton(u"Open in Stripe"_s, m_content))
{
    setObjectName(u"transactionDetail"_s);
    setAccessibleName(u"Payment details"_s);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_placeholder->setObjectName(u"detailPlaceholder"_s);
    m_placeholder->setWordWrap(true);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setMargin(24);
    outer->addWidget(m_placeholder, 1);

    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(u"detailScroll"_s);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    outer->addWidget(scroll, 1);

    auto *layout = new QVBoxLayout(m_content);
    layout->setContentsMargins(8, 4, 8, 8);
    m_title->setObjectName(u"detailTitle"_s);
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    layout->addWidget(m_title);

    // The actions, two a row so that the pane stays narrow; every button at least 36 px high.
    m_print->setObjectName(u"detailPrint"_s);
    m_print->setAccessibleName(u"Print the receipt"_s);
    m_pdf->setObjectName(u"detailPdf"_s);
    m_pdf->setAccessibleName(u"Save the receipt as a PDF"_s);
    m_copyId->setObjectName(u"detailCopyId"_s);
    m_copyId->setAccessibleName(u"Copy the payment id"_s);
    m_dashboard->setObjectName(u"detailDashboard"_s);
    m_dashboard->setAccessibleName(u"Open the payment in the Stripe Dashboard"_s);
    auto *actions = new QGridLayout;
    actions->addWidget(m_print, 0, 0);
    actions->addWidget(m_pdf, 0, 1);
    actions->addWidget(m_copyId, 1, 0);
    actions->addWidget(m_dashboard, 1, 1);
    for (QPushButton *button : {m_print, m_pdf, m_copyId, m_dashboard})
        button->setMinimumHeight(36);
    layout->addLayout(actions);

    layout->addWidget(section(u"Payment"_s, m_summary, m_content));
    layout->addWidget(section(u"Charge"_s, m_charge, m_content));
    layout->addWidget(section(u"Refunds"_s, m_refunds, m_content));
    layout->addWidget(section(u"Events"_s, m_events, m_content));

    auto *receiptBox = new QWidget(m_content);
    auto *receiptLayout = new QVBoxLayout(receiptBox);
    receiptLayout->setContentsMargins(0, 0, 0, 0);
    m_receiptChoice->setObjectName(u"detailReceiptChoice"_s);
    m_receiptChoice->setAccessibleName(u"Which receipt"_s);
    receiptLayout->addWidget(m_receiptChoice);
    m_preview->setObjectName(u"detailReceiptPreview"_s);
    m_preview->setAccessibleName(u"Receipt preview"_s);
    m_preview->setOpenLinks(false);
    // The receipt is paper: dark on white whatever the palette.
    m_preview->setStyleSheet(u"QTextBrowser { background: white; color: black; }"_s);
    m_preview->setMinimumHeight(420);
    m_preview->document()->setDocumentMargin(12);
    receiptLayout->addWidget(m_preview);
    layout->addWidget(section(u"Receipt"_s, receiptBox, m_content));
    layout->addStretch(1);
    scroll->setWidget(m_content);

    setTabOrder(m_print, m_pdf);
    setTabOrder(m_pdf, m_copyId);
    setTabOrder(m_copyId, m_dashboard);
    setTabOrder(m_dashboard, m_receiptChoice);
    setTabOrder(m_receiptChoice, m_preview);

    connect(m_receiptChoice, &QComboBox::currentIndexChanged, this, [this] { showReceipt(); });
    connect(m_print, &QPushButton::clicked, this, [this] {
        if (m_receipt)
            printReceipt(this, *m_receipt);
    });
    connect(m_pdf, &QPushButton::clicked, this, [this] {
        if (m_receipt)
            saveReceiptPdf(this, *m_receipt);
    });
    connect(m_copyId, &QPushButton::clicked, this, [this] {
        if (!m_paymentId.isEmpty())
            QGuiApplication::clipboard()->setText(m_paymentId);
    });
    connect(m_dashboard, &QPushButton::clicked, this, [this] {
        if (!m_paymentId.isEmpty())
            QDesktopServices::openUrl(dashboardUrl(m_paymentId, m_testMode));
    });
    showPayment({});
}

QUrl TransactionDetailPane::dashboardUrl(const QString &paymentIntentId, bool testMode)
{
    return QUrl(u"https://dashboard.stripe.com%1/payments/%2"_s.arg(testMode ? u"/test"_s : QString(),
                                                                    paymentIntentId));
}

void TransactionDetailPane::setLocale(const QLocale &locale)
{
    m_locale = locale;
    load();
}

void TransactionDetailPane::showPayment(const QString &paymentIntentId)
{
    if (paymentIntentId == m_paymentId && !paymentIntentId.isEmpty())
        return;
    m_paymentId = paymentIntentId;
    load();
}

void TransactionDetailPane::refresh()
{
    load();
}

QString TransactionDetailPane::summaryText() const
{
    return plain(m_summary);
}

QString TransactionDetailPane::chargeText() const
{
    return plain(m_charge);
}

void TransactionDetailPane::setActionsEnabled(bool enabled)
{
    for (QPushButton *button : {m_print, m_pdf, m_copyId, m_dashboard})
        button->setEnabled(enabled);
}

void TransactionDetailPane::load()
{
    m_refundLines.clear();
    m_eventLines.clear();
    m_refundIds.clear();
    m_receipt.reset();
    const bool shown = !m_paymentId.isEmpty();
    m_placeholder->setVisible(!shown);
    findChild<QScrollArea *>(u"detailScroll"_s)->setVisible(shown);
    if (!shown)
        return;

    receipts::ReceiptBuilder builder(m_db);
    const store::StoreResult<std::optional<receipts::ReceiptData>> sale = builder.forPayment(m_paymentId);
    if (!sale.ok() || !sale.value()) {
        const QString message = sale.ok() ? u"The payment %1 is not in the store."_s.arg(m_paymentId)
                                          : u"Cannot read the payment: "_s + sale.error().toString();
        m_title->setText(message);
        for (QLabel *label : {m_summary, m_charge, m_refunds, m_events})
            label->clear();
        m_preview->clear();
        setActionsEnabled(false);
        if (!sale.ok())
            emit errorOccurred(message);
        return;
    }
    const receipts::ReceiptData &info = *sale.value();
    const store::PaymentRow &payment = info.payment;
    setActionsEnabled(true);
    m_dashboard->setToolTip(dashboardUrl(m_paymentId, m_testMode).toString());
    m_copyId->setToolTip(m_paymentId);

    m_title->setText(u"%1 · %2"_s.arg(info.amount.format(m_locale), info.statusText));
    const QString created =
        m_locale.toString(QDateTime::fromSecsSinceEpoch(payment.created), QLocale::LongFormat);
    QString customer = payment.customerName;
    if (!payment.customerEmail.isEmpty())
        customer =
            customer.isEmpty() ? payment.customerEmail : u"%1 <%2>"_s.arg(customer, payment.customerEmail);
    m_summary->setText(table(
        row(u"Id"_s, payment.id) + row(u"Date"_s, created) +
        row(u"Amount"_s, payment.amount.format(m_locale)) +
        row(u"Received"_s,
            payment.amountReceived.isPositive() ? payment.amountReceived.format(m_locale) : QString()) +
        row(u"Refunded"_s,
            payment.amountRefunded.isPositive() ? payment.amountRefunded.format(m_locale) : QString()) +
        row(u"Status"_s, u"%1 (%2)"_s.arg(info.statusText, payment.status)) +
        row(u"Method"_s, info.methodText()) + row(u"Customer"_s, customer) +
        row(u"Description"_s, payment.description) + row(u"Order"_s, payment.orderRef) +
        row(u"Till"_s, info.till) + row(u"Cashier"_s, payment.cashier) +
        row(u"Capture"_s, payment.captureMethod) + row(u"Mode"_s, payment.livemode ? u"Live"_s : u"Test"_s)));

    m_charge->setText(info.chargeJson.isEmpty() ? u"No charge yet."_s : describeCharge(info.chargeJson));

    // Refunds of this payment, oldest first.
    const store::StoreResult<QList<store::RefundRow>> refunds =
        store::RefundRepository(m_db).forPayment(m_paymentId);
    QStringList objectIds{m_paymentId};
    if (refunds.ok()) {
        QList<store::RefundRow> rows = refunds.value();
        std::sort(rows.begin(), rows.end(),
                  [](const store::RefundRow &a, const store::RefundRow &b) { return a.created < b.created; });
        for (const store::RefundRow &refund : std::as_const(rows)) {
            QString line = u"%1  %2  %3  %4"_s.arg(
                m_locale.toString(QDateTime::fromSecsSinceEpoch(refund.created), QLocale::ShortFormat),
                refund.amount.format(m_locale), words(refund.status), refund.id);
            if (!refund.reason.isEmpty())
                line += u" · "_s + words(refund.reason);
            if (!refund.failureReason.isEmpty())
                line += u" · failed: "_s + words(refund.failureReason);
            if (!refund.approvedBy.isEmpty())
                line += u" · approved by "_s + refund.approvedBy;
            m_refundLines << line;
            m_refundIds << refund.id;
            objectIds << refund.id;
        }
    } else {
        m_refundLines << u"Cannot read the refunds: "_s + refunds.error().toString();
    }
    m_refunds->setText(m_refundLines.isEmpty()
                           ? u"None."_s
                           : m_refundLines.join(u"\n"_s).toHtmlEscaped().replace(u'\n', u"<br>"_s));

    // The timeline: what Stripe told the store about the payment, its charges and its refunds.
    const store::StoreResult<QList<store::ChargeRow>> charges =
        store::ChargeRepository(m_db).forPayment(m_paymentId);
    if (charges.ok()) {
        for (const store::ChargeRow &charge : charges.value())
            objectIds << charge.id;
    }
    if (!payment.latestChargeId.isEmpty())
        objectIds << payment.latestChargeId;
    const store::StoreResult<QList<store::ProcessedEvent>> events =
        store::EventRepository(m_db).forObjects(objectIds);
    if (events.ok()) {
        for (const store::ProcessedEvent &event : events.value())
            m_eventLines << u"%1  %2"_s.arg(
                m_locale.toString(QDateTime::fromSecsSinceEpoch(event.created), QLocale::ShortFormat),
                event.type);
    }
    if (!events.ok())
        m_events->setText(u"Cannot read the events: "_s + events.error().toString());
    else if (m_eventLines.isEmpty())
        m_events->setText(u"No Stripe events recorded for this payment: the till read it from Stripe's lists "
                          "(a backfill or a refetch), not from an event."_s);
    else
        m_events->setText(m_eventLines.join(u"\n"_s).toHtmlEscaped().replace(u'\n', u"<br>"_s));

    // Receipts: the sale's, then one per refund.
    const QSignalBlocker blocker(m_receiptChoice);
    const QString previous = m_receiptChoice->currentData().toString();
    m_receiptChoice->clear();
    m_receiptChoice->addItem(u"Sale receipt"_s, m_paymentId);
    for (const QString &id : std::as_const(m_refundIds))
        m_receiptChoice->addItem(u"Refund receipt %1"_s.arg(id), id);
    m_receiptChoice->setCurrentIndex(std::max(0, m_receiptChoice->findData(previous)));
    m_receiptChoice->setVisible(m_receiptChoice->count() > 1);
    m_receipt = info;
    showReceipt();
}

void TransactionDetailPane::showReceipt()
{
    const QString id = m_receiptChoice->currentData().toString();
    if (id.startsWith(u"re_"_s) || (!id.isEmpty() && id != m_paymentId)) {
        const store::StoreResult<std::optional<receipts::ReceiptData>> refund =
            receipts::ReceiptBuilder(m_db).forRefund(id);
        if (refund.ok() && refund.value())
            m_receipt = *refund.value();
    } else if (m_receipt && m_receipt->kind != receipts::ReceiptData::Kind::Sale) {
        const store::StoreResult<std::optional<receipts::ReceiptData>> sale =
            receipts::ReceiptBuilder(m_db).forPayment(m_paymentId);
        if (sale.ok() && sale.value())
            m_receipt = *sale.value();
    }
    if (!m_receipt) {
        m_preview->clear();
        return;
    }
    ReceiptDocument::fill(m_preview->document(), *m_receipt, m_locale);
}

QString TransactionDetailPane::describeCharge(const QJsonObject &charge) const
{
    const QJsonObject details = charge.value(u"payment_method_details"_s).toObject();
    const QString type = details.value(u"type"_s).toString();
    const QJsonObject card = details.value(type.isEmpty() ? u"card"_s : type).toObject();
    const QJsonObject outcome = charge.value(u"outcome"_s).toObject();
    QString cardText;
    if (!card.isEmpty()) {
        const QString brand = displayName(fromStripe<CardBrand>(card.value(u"brand"_s).toString()));
        // Brand and the last four digits only: Stripe sends no more, and the pane shows no more.
        cardText = u"%1 •••• %2"_s.arg(brand, card.value(u"last4"_s).toString().right(4));
        const int month = card.value(u"exp_month"_s).toInt();
        const int year = card.value(u"exp_year"_s).toInt();
        if (month > 0 && year > 0)
            cardText += u", expires %1/%2"_s.arg(month, 2, 10, QLatin1Char('0')).arg(year);
        if (const QString funding = card.value(u"funding"_s).toString(); !funding.isEmpty())
            cardText += u", "_s + funding;
    }
    QString secure;
    const QJsonObject threeDs = card.value(u"three_d_secure"_s).toObject();
    if (!threeDs.isEmpty()) {
        secure = words(threeDs.value(u"result"_s).toString());
        if (const QString version = threeDs.value(u"version"_s).toString(); !version.isEmpty())
            secure += u" (3DS %1)"_s.arg(version);
        if (secure.isEmpty())
            secure = u"Yes"_s;
    }
    QString risk = words(outcome.value(u"risk_level"_s).toString());
    if (outcome.contains(u"risk_score"_s))
        risk += u" (score %1)"_s.arg(outcome.value(u"risk_score"_s).toInt());
    QString failure = charge.value(u"failure_message"_s).toString();
    if (failure.isEmpty())
        failure = words(charge.value(u"failure_code"_s).toString());
    return table(row(u"Id"_s, charge.value(u"id"_s).toString()) +
                 row(u"Status"_s, words(charge.value(u"status"_s).toString())) +
                 row(u"Outcome"_s, words(outcome.value(u"type"_s).toString())) +
                 row(u"Network"_s, words(outcome.value(u"network_status"_s).toString())) +
                 row(u"Message"_s, outcome.value(u"seller_message"_s).toString()) + row(u"Risk"_s, risk) +
                 row(u"Card"_s, cardText) + row(u"Type"_s, words(type)) + row(u"3-D Secure"_s, secure) +
                 row(u"Failure"_s, failure));
}

} // namespace kassa::gui
