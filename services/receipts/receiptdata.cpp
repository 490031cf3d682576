// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/receipts/receiptdata.h"

#include "core/cardbrand.h"
#include "services/store/paymentrepository.h"
#include "services/store/settingsrepository.h"
#include "services/store/tillrepository.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace kassa::receipts {

namespace {

// The last four digits of whatever was stored, never more: a receipt is handed to strangers.
QString lastFour(const QString &text)
{
    QString digits;
    for (const QChar c : text) {
        if (c.isDigit())
            digits.append(c);
    }
    return digits.right(4);
}

QString saleStatusText(const store::PaymentRow &payment)
{
    switch (payment.statusValue()) {
    case PaymentIntentStatus::Succeeded:
        if (payment.amountRefunded.isPositive() &&
            payment.amountRefunded.minorUnits() >= payment.amountReceived.minorUnits())
            return u"Approved, refunded"_s;
        if (payment.amountRefunded.isPositive())
            return u"Approved, partially refunded"_s;
        return u"Approved"_s;
    case PaymentIntentStatus::RequiresCapture:
        return u"Authorized, not captured"_s;
    case PaymentIntentStatus::Processing:
        return u"Processing"_s;
    case PaymentIntentStatus::RequiresAction:
        return u"Waiting for the customer"_s;
    case PaymentIntentStatus::RequiresConfirmation:
        return u"Incomplete"_s;
    case PaymentIntentStatus::RequiresPaymentMethod:
        return payment.errorCode.isEmpty() && payment.declineCode.isEmpty()
                   ? u"Incomplete"_s
                   : u"Declined: nothing was charged"_s;
    case PaymentIntentStatus::Canceled:
        return u"Canceled: nothing was charged"_s;
    case PaymentIntentStatus::Unknown:
        break;
    }
    return payment.status;
}

QString refundStatusText(const QString &status)
{
    if (status == u"succeeded"_s)
        return u"Refunded"_s;
    if (status == u"pending"_s || status == u"requires_action"_s)
        return u"Refund pending"_s;
    if (status == u"failed"_s)
        return u"Refund failed: nothing was given back"_s;
    if (status == u"canceled"_s)
        return u"Refund canceled"_s;
    return status;
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

QString dateText(qint64 seconds, const QLocale &locale)
{
    return locale.toString(QDateTime::fromSecsSinceEpoch(seconds), QLocale::ShortFormat);
}

} // namespace

QString ReceiptData::methodText() const
{
    const QString brand = cardBrand.isEmpty() ? QString() : displayName(fromStripe<CardBrand>(cardBrand));
    const QString last4 = lastFour(cardLast4);
    if (last4.isEmpty())
        return brand.isEmpty() ? methodType : brand;
    // U+2022 bullets and no-break spaces, as the Transactions page shows a card.
    const QString digits = u"\u2022\u2022\u2022\u2022\u00a0"_s + last4;
    return brand.isEmpty() ? digits : QString(brand + QChar(0x00a0) + digits);
}

QString ReceiptData::title() const
{
    const QString base = kind == Kind::Refund ? u"REFUND"_s : u"SALE"_s;
    return testMode ? QString(base + u" (TEST)"_s) : base;
}

QStringList ReceiptData::textLines(const QLocale &locale) const
{
    QStringList lines;
    if (testMode)
        lines << u"TEST MODE: no money moved"_s;
    lines << header.split(u'\n');
    lines << title();
    lines << u"Date: "_s + dateText(created, locale);
    if (!till.isEmpty())
        lines << u"Till: "_s + till;
    if (!cashier.isEmpty())
        lines << u"Cashier: "_s + cashier;
    if (kind == Kind::Refund && !approvedBy.isEmpty())
        lines << u"Approved by: "_s + approvedBy;
    if (!description.isEmpty())
        lines << u"Item: "_s + description;
    if (!orderRef.isEmpty())
        lines << u"Order: "_s + orderRef;
    lines << (kind == Kind::Refund ? u"Refunded: "_s : u"Amount: "_s) + amount.format(locale);
    if (kind == Kind::Sale && refunded.isPositive())
        lines << u"Refunded so far: "_s + refunded.format(locale);
    if (const QString method = methodText(); !method.isEmpty())
        lines << u"Method: "_s + method;
    lines << u"Status: "_s + statusText;
    if (kind == Kind::Refund) {
        lines << u"Original sale: %1 of %2 (%3)"_s.arg(originalPaymentId, dateText(originalCreated, locale),
                                                       originalAmount.format(locale));
        if (!refundReason.isEmpty())
            lines << u"Reason: "_s + reasonText(refundReason);
    }
    lines << u"Stripe id: "_s + stripeId;
    if (!receiptUrl.isEmpty())
        lines << u"Receipt online: "_s + receiptUrl;
    if (!footer.isEmpty())
        lines << footer.split(u'\n');
    return lines;
}

ReceiptBuilder::ReceiptBuilder(store::Database &db)
    : m_db(db)
{
}

store::StoreResult<std::optional<ReceiptData>> ReceiptBuilder::forPayment(const QString &paymentIntentId)
{
    store::PaymentRepository payments(m_db);
    const store::StoreResult<std::optional<store::PaymentRow>> found = payments.find(paymentIntentId);
    if (!found.ok())
        return found.error();
    if (!found.value())
        return std::optional<ReceiptData>();
    ReceiptData data;
    data.kind = ReceiptData::Kind::Sale;
    data.payment = *found.value();
    const store::StoreResult<std::optional<QJsonObject>> raw = payments.rawJson(paymentIntentId);
    if (!raw.ok())
        return raw.error();
    data.paymentJson = raw.value().value_or(QJsonObject());
    if (const store::StoreError error = fillCommon(&data); error.isError())
        return error;
    data.created = data.payment.created;
    data.amount = data.payment.statusValue() == PaymentIntentStatus::Succeeded &&
                          data.payment.amountReceived.isPositive()
                      ? data.payment.amountReceived
                      : data.payment.amount;
    data.refunded = data.payment.amountRefunded;
    data.status = data.payment.status;
    data.statusText = saleStatusText(data.payment);
    data.stripeId = data.payment.id;
    data.testMode = !data.payment.livemode;
    return std::optional<ReceiptData>(std::move(data));
}

store::StoreResult<std::optional<ReceiptData>> ReceiptBuilder::forRefund(const QString &refundId)
{
    store::RefundRepository refunds(m_db);
    const store::StoreResult<std::optional<store::RefundRow>> found = refunds.find(refundId);
    if (!found.ok())
        return found.error();
    if (!found.value())
        return std::optional<ReceiptData>();
    const store::RefundRow refund = *found.value();
    const store::StoreResult<std::optional<QJsonObject>> raw = refunds.rawJson(refundId);
    if (!raw.ok())
        return raw.error();

    ReceiptData data;
    if (!refund.paymentIntentId.isEmpty()) {
        const store::StoreResult<std::optional<ReceiptData>> sale = forPayment(refund.paymentIntentId);
        if (!sale.ok())
            return sale.error();
        if (sale.value())
            data = *sale.value();
    }
    if (data.header.isEmpty()) {
        // The store holds the refund but not its payment (yet): a receipt of the refund alone.
        if (const store::StoreError error = fillCommon(&data); error.isError())
            return error;
    }
    data.kind = ReceiptData::Kind::Refund;
    data.refund = refund;
    data.refundJson = raw.value().value_or(QJsonObject());
    data.originalPaymentId = data.payment.id.isEmpty() ? refund.paymentIntentId : data.payment.id;
    data.originalCreated = data.payment.created;
    data.originalAmount = data.amount;
    data.created = refund.created;
    data.amount = refund.amount;
    data.refunded = {};
    data.status = refund.status;
    data.statusText = refundStatusText(refund.status);
    data.stripeId = refund.id;
    data.refundReason = refund.reason;
    if (data.refundJson.contains(u"livemode"_s))
        data.testMode = !data.refundJson.value(u"livemode"_s).toBool();
    else if (data.payment.id.isEmpty())
        data.testMode = true; // nothing says live: say TEST rather than pass a test refund off as real
    data.approvedBy = refund.approvedBy;
    return std::optional<ReceiptData>(std::move(data));
}

store::StoreError ReceiptBuilder::fillCommon(ReceiptData *data)
{
    store::SettingsRepository settings(m_db);
    const auto read = [&settings](const QString &key, QString *out) -> store::StoreError {
        const store::StoreResult<std::optional<store::Setting>> found = settings.find(key);
        if (!found.ok())
            return found.error();
        *out = found.value() ? found.value()->value.trimmed() : QString();
        return {};
    };
    QString shopName;
    if (const store::StoreError error = read(HeaderKey, &data->header); error.isError())
        return error;
    if (const store::StoreError error = read(FooterKey, &data->footer); error.isError())
        return error;
    if (const store::StoreError error = read(ShopNameKey, &shopName); error.isError())
        return error;
    if (data->header.isEmpty())
        data->header = shopName.isEmpty() ? u"Kassa"_s : shopName;

    const store::PaymentRow &payment = data->payment;
    data->cashier = payment.cashier;
    data->description = payment.description;
    data->orderRef = payment.orderRef;
    data->till = payment.till;
    if (!payment.till.isEmpty()) {
        const store::StoreResult<std::optional<store::Till>> till =
            store::TillRepository(m_db).find(payment.till);
        if (!till.ok())
            return till.error();
        if (till.value() && !till.value()->name.isEmpty())
            data->till = till.value()->name;
    }
    data->cardBrand = payment.cardBrand;
    data->cardLast4 = lastFour(payment.cardLast4);

    // The latest charge: the card as charged, and Stripe's receipt page.
    data->chargeId = payment.latestChargeId;
    if (!payment.latestChargeId.isEmpty()) {
        store::ChargeRepository charges(m_db);
        const store::StoreResult<std::optional<store::ChargeRow>> charge =
            charges.find(payment.latestChargeId);
        if (!charge.ok())
            return charge.error();
        data->charge = charge.value();
        const store::StoreResult<std::optional<QJsonObject>> raw = charges.rawJson(payment.latestChargeId);
        if (!raw.ok())
            return raw.error();
        data->chargeJson = raw.value().value_or(QJsonObject());
    }
    if (data->chargeJson.isEmpty() && data->paymentJson.value(u"latest_charge"_s).isObject())
        data->chargeJson = data->paymentJson.value(u"latest_charge"_s).toObject();
    if (data->charge) {
        if (!data->charge->cardBrand.isEmpty())
            data->cardBrand = data->charge->cardBrand;
        if (!data->charge->cardLast4.isEmpty())
            data->cardLast4 = lastFour(data->charge->cardLast4);
        data->methodType = data->charge->paymentMethodType;
    }
    data->receiptUrl = data->chargeJson.value(u"receipt_url"_s).toString();
    if (data->methodType.isEmpty())
        data->methodType =
            data->chargeJson.value(u"payment_method_details"_s).toObject().value(u"type"_s).toString();
    return {};
}

} // namespace kassa::receipts
