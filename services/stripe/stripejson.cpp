#include "services/stripe/stripejson.h"

#include "services/stripe/jsonreader.h"

#include <QJsonArray>

#include <charconv>
#include <cmath>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

bool checkObject(const JsonReader &reader, const QJsonObject &json, QStringView expected)
{
    const QString object = json.value(u"object"_s).toString();
    if (!object.isEmpty() && object != expected)
        reader.fail(u"object"_s, u"expected \"%1\", got \"%2\""_s.arg(expected, object));
    return reader.ok();
}

Currency currencyOf(const JsonReader &reader)
{
    const QString code = reader.requiredString(u"currency"_s);
    if (!reader.ok())
        return {};
    const std::optional<Currency> currency = Currency::fromCode(code);
    if (!currency) {
        reader.fail(u"currency"_s, u"unknown currency \"%1\""_s.arg(code));
        return {};
    }
    return *currency;
}

// The compact writer writes UTF-16 (a QString) or UTF-8 (a QByteArray) through these: ASCII that needs
// no conversion, and text as it is in a QString.
void appendAscii(QString &out, const char *begin, const char *end)
{
    out.append(QLatin1StringView(begin, end - begin));
}

void appendAscii(QByteArray &out, const char *begin, const char *end)
{
    out.append(begin, end - begin);
}

void appendText(QString &out, QStringView text)
{
    out.append(text);
}

void appendText(QByteArray &out, QStringView text)
{
    // Stripe's JSON is nearly all ASCII: copied as it is, with a conversion only for a run that is not.
    const qsizetype at = out.size();
    out.resize(at + text.size());
    char *to = out.data() + at;
    for (const QChar c : text) {
        if (c.unicode() >= 0x80) {
            out.truncate(at);
            out.append(text.toUtf8());
            return;
        }
        *to++ = char(c.unicode());
    }
}

template<typename Out, size_t N>
void appendAscii(Out &out, const char (&literal)[N])
{
    appendAscii(out, literal, literal + N - 1);
}

template<typename Out>
void appendJson(Out &out, const QJsonValue &value);

template<typename Out>
void appendJsonString(Out &out, const QString &text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    appendAscii(out, "\"");
    qsizetype plain = 0; // start of the run of characters that need no escape
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c >= 0x20 && c != u'"' && c != u'\\')
            continue;
        appendText(out, QStringView(text).mid(plain, i - plain));
        plain = i + 1;
        switch (c) {
        case u'"':
            appendAscii(out, "\\\"");
            break;
        case u'\\':
            appendAscii(out, "\\\\");
            break;
        case u'\b':
            appendAscii(out, "\\b");
            break;
        case u'\f':
            appendAscii(out, "\\f");
            break;
        case u'\n':
            appendAscii(out, "\\n");
            break;
        case u'\r':
            appendAscii(out, "\\r");
            break;
        case u'\t':
            appendAscii(out, "\\t");
            break;
        default: {
            const char escape[] = {'\\', 'u', '0', '0', Hex[(c >> 4) & 0xf], Hex[c & 0xf]};
            appendAscii(out, escape, escape + sizeof escape);
        }
        }
    }
    appendText(out, QStringView(text).mid(plain));
    appendAscii(out, "\"");
}

template<typename Out>
void appendJsonNumber(Out &out, const QJsonValue &value)
{
    char digits[32];
    const double d = value.toDouble();
    if (!std::isfinite(d)) {
        appendAscii(out, "null"); // as Qt writes them: JSON has no infinities
        return;
    }
    // Qt keeps integers as integers (Stripe's amounts and timestamps); toInteger() says whether this one is.
    const qint64 integer = value.toInteger();
    const std::to_chars_result r = double(integer) == d
                                       ? std::to_chars(digits, digits + sizeof digits, integer)
                                       : std::to_chars(digits, digits + sizeof digits, d);
    appendAscii(out, digits, r.ptr);
}

template<typename Out>
void appendJsonObject(Out &out, const QJsonObject &object)
{
    appendAscii(out, "{");
    bool first = true;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!first)
            appendAscii(out, ",");
        first = false;
        appendJsonString(out, it.key());
        appendAscii(out, ":");
        appendJson(out, it.value());
    }
    appendAscii(out, "}");
}

template<typename Out>
void appendJson(Out &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Object:
        appendJsonObject(out, value.toObject());
        break;
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        appendAscii(out, "[");
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                appendAscii(out, ",");
            appendJson(out, array.at(i));
        }
        appendAscii(out, "]");
        break;
    }
    case QJsonValue::String:
        appendJsonString(out, value.toString());
        break;
    case QJsonValue::Double:
        appendJsonNumber(out, value);
        break;
    case QJsonValue::Bool:
        if (value.toBool())
            appendAscii(out, "true");
        else
            appendAscii(out, "false");
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        appendAscii(out, "null");
        break;
    }
}

bool finish(const JsonReader &reader, QString *error)
{
    if (!reader.ok() && error)
        *error = reader.error();
    return reader.ok();
}

} // namespace

bool StripeJson::parse(const QJsonObject &json, Payment *out, QString *error)
{
    const JsonReader r(json, u"payment_intent"_s);
    if (!checkObject(r, json, u"payment_intent"))
        return finish(r, error);
    Payment p;
    p.id = r.requiredString(u"id"_s);
    const Currency currency = currencyOf(r);
    p.amount = Money(r.requiredInteger(u"amount"_s), currency);
    p.amountReceived = Money(r.integer(u"amount_received"_s), currency);
    p.amountCapturable = Money(r.integer(u"amount_capturable"_s), currency);
    p.status = fromStripe<PaymentIntentStatus>(r.requiredString(u"status"_s));
    p.captureMethod = fromStripe<CaptureMethod>(r.string(u"capture_method"_s));
    p.customerId = r.idOf(u"customer"_s);
    p.paymentMethodId = r.idOf(u"payment_method"_s);
    p.latestChargeId = r.idOf(u"latest_charge"_s);
    if (p.latestChargeId.isEmpty() && r.has(u"charges"_s)) {
        // API versions before 2022-11-15: a list of charges, newest first.
        const QJsonValue data = r.object(u"charges"_s).value(u"data"_s);
        if (!data.isUndefined() && !data.isArray())
            r.fail(u"charges.data"_s, u"expected a list"_s);
        const QJsonArray charges = data.toArray();
        if (!charges.isEmpty())
            p.latestChargeId = charges.first().toObject().value(u"id"_s).toString();
    }
    p.description = r.string(u"description"_s);
    p.metadata = r.metadata();
    p.created = r.time(u"created"_s);
    p.canceledAt = r.time(u"canceled_at"_s);
    p.cancellationReason = r.string(u"cancellation_reason"_s);
    const JsonReader lastError = r.child(u"last_payment_error"_s);
    p.lastPaymentError.type = lastError.string(u"type"_s);
    p.lastPaymentError.code = lastError.string(u"code"_s);
    p.lastPaymentError.declineCode = lastError.string(u"decline_code"_s);
    p.lastPaymentError.message = lastError.string(u"message"_s);
    p.livemode = r.boolean(u"livemode"_s);
    if (r.ok())
        *out = p;
    return finish(r, error);
}

bool StripeJson::parse(const QJsonObject &json, Charge *out, QString *error)
{
    const JsonReader r(json, u"charge"_s);
    if (!checkObject(r, json, u"charge"))
        return finish(r, error);
    Charge c;
    c.id = r.requiredString(u"id"_s);
    const Currency currency = currencyOf(r);
    c.amount = Money(r.requiredInteger(u"amount"_s), currency);
    c.amountCaptured = Money(r.integer(u"amount_captured"_s), currency);
    c.amountRefunded = Money(r.integer(u"amount_refunded"_s), currency);
    c.paymentIntentId = r.idOf(u"payment_intent"_s);
    c.customerId = r.idOf(u"customer"_s);
    c.paymentMethodId = r.idOf(u"payment_method"_s);
    c.refunded = r.boolean(u"refunded"_s);
    c.captured = r.boolean(u"captured"_s);
    c.paid = r.boolean(u"paid"_s);
    c.disputed = r.boolean(u"disputed"_s);
    c.status = fromStripe<ChargeStatus>(r.string(u"status"_s));
    c.failureCode = r.string(u"failure_code"_s);
    c.failureMessage = r.string(u"failure_message"_s);
    const JsonReader outcome = r.child(u"outcome"_s);
    c.outcome.type = outcome.string(u"type"_s);
    c.outcome.networkStatus = outcome.string(u"network_status"_s);
    c.outcome.sellerMessage = outcome.string(u"seller_message"_s);
    c.outcome.reason = outcome.string(u"reason"_s);
    c.outcome.riskLevel = outcome.string(u"risk_level"_s);
    const QString receipt = r.string(u"receipt_url"_s);
    c.receiptUrl = receipt.isEmpty() ? QUrl() : QUrl(receipt);
    const JsonReader details = r.child(u"payment_method_details"_s);
    const QString type = details.string(u"type"_s);
    c.paymentMethodDetails.type = fromStripe<PaymentMethodType>(type);
    if (!type.isEmpty() && details.has(type)) {
        const JsonReader method = details.child(type);
        c.paymentMethodDetails.brand = fromStripe<CardBrand>(method.string(u"brand"_s));
        c.paymentMethodDetails.last4 = method.string(u"last4"_s);
        c.paymentMethodDetails.expMonth = int(method.integer(u"exp_month"_s));
        c.paymentMethodDetails.expYear = int(method.integer(u"exp_year"_s));
        c.paymentMethodDetails.walletType = method.child(u"wallet"_s).string(u"type"_s);
        c.paymentMethodDetails.readMethod = method.string(u"read_method"_s);
    }
    c.created = r.time(u"created"_s);
    c.livemode = r.boolean(u"livemode"_s);
    if (r.ok())
        *out = c;
    return finish(r, error);
}

bool StripeJson::parse(const QJsonObject &json, Refund *out, QString *error)
{
    const JsonReader r(json, u"refund"_s);
    if (!checkObject(r, json, u"refund"))
        return finish(r, error);
    Refund f;
    f.id = r.requiredString(u"id"_s);
    f.amount = Money(r.requiredInteger(u"amount"_s), currencyOf(r));
    f.chargeId = r.idOf(u"charge"_s);
    f.paymentIntentId = r.idOf(u"payment_intent"_s);
    f.status = fromStripe<RefundStatus>(r.string(u"status"_s));
    const QString reason = r.string(u"reason"_s);
    f.reason = reason.isEmpty() ? RefundReason::None : fromStripe<RefundReason>(reason);
    f.failureReason = r.string(u"failure_reason"_s);
    f.metadata = r.metadata();
    f.created = r.time(u"created"_s);
    if (r.ok())
        *out = f;
    return finish(r, error);
}

bool StripeJson::parse(const QJsonObject &json, PaymentMethod *out, QString *error)
{
    const JsonReader r(json, u"payment_method"_s);
    if (!checkObject(r, json, u"payment_method"))
        return finish(r, error);
    PaymentMethod m;
    m.id = r.requiredString(u"id"_s);
    const QString type = r.requiredString(u"type"_s);
    m.type = fromStripe<PaymentMethodType>(type);
    m.customerId = r.idOf(u"customer"_s);
    m.metadata = r.metadata();
    m.created = r.time(u"created"_s);
    m.livemode = r.boolean(u"livemode"_s);
    const JsonReader billing = r.child(u"billing_details"_s);
    m.billingDetails.name = billing.string(u"name"_s);
    m.billingDetails.email = billing.string(u"email"_s);
    m.billingDetails.phone = billing.string(u"phone"_s);
    if (type == u"card"_s) {
        const JsonReader card = r.child(u"card"_s);
        m.card.brand = fromStripe<CardBrand>(card.string(u"brand"_s));
        m.card.displayBrand = fromStripe<CardBrand>(card.string(u"display_brand"_s));
        m.card.last4 = card.string(u"last4"_s);
        m.card.expMonth = int(card.integer(u"exp_month"_s));
        m.card.expYear = int(card.integer(u"exp_year"_s));
        m.card.funding = card.string(u"funding"_s);
        m.card.country = card.string(u"country"_s);
        m.card.walletType = card.child(u"wallet"_s).string(u"type"_s);
    } else if (type == u"card_present"_s || type == u"interac_present"_s) {
        const JsonReader card = r.child(type);
        m.cardPresent.brand = fromStripe<CardBrand>(card.string(u"brand"_s));
        m.cardPresent.last4 = card.string(u"last4"_s);
        m.cardPresent.expMonth = int(card.integer(u"exp_month"_s));
        m.cardPresent.expYear = int(card.integer(u"exp_year"_s));
        m.cardPresent.readMethod = card.string(u"read_method"_s);
    } else if (type == u"paypal"_s) {
        m.paypal.payerEmail = r.child(u"paypal"_s).string(u"payer_email"_s);
    } else if (type == u"link"_s) {
        m.link.email = r.child(u"link"_s).string(u"email"_s);
    } else if (r.has(type)) {
        const JsonReader bank = r.child(type);
        m.bankAccount.bankName = bank.string(u"bank_name"_s);
        m.bankAccount.last4 = bank.string(u"last4"_s);
    }
    if (r.ok())
        *out = m;
    return finish(r, error);
}

bool StripeJson::parse(const QJsonObject &json, Customer *out, QString *error)
{
    const JsonReader r(json, u"customer"_s);
    if (!checkObject(r, json, u"customer"))
        return finish(r, error);
    Customer c;
    c.id = r.requiredString(u"id"_s);
    c.deleted = r.boolean(u"deleted"_s);
    c.name = r.string(u"name"_s);
    c.email = r.string(u"email"_s);
    c.phone = r.string(u"phone"_s);
    c.description = r.string(u"description"_s);
    c.defaultPaymentMethodId = r.child(u"invoice_settings"_s).idOf(u"default_payment_method"_s);
    c.metadata = r.metadata();
    c.created = r.time(u"created"_s);
    c.livemode = r.boolean(u"livemode"_s);
    if (r.ok())
        *out = c;
    return finish(r, error);
}

QJsonObject StripeJson::withoutClientSecret(QJsonObject object)
{
    object.remove(u"client_secret"_s);
    return object;
}

QByteArray StripeJson::blankClientSecrets(QByteArray json)
{
    QByteArray out;
    blankClientSecrets(json, &out);
    return out;
}

void StripeJson::blankClientSecrets(QByteArrayView json, QByteArray *out)
{
    static constexpr QByteArrayView Key = "\"client_secret\"";
    const auto isSpace = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    out->resize(0); // keeps its capacity
    qsizetype copied = 0;
    for (qsizetype at = json.indexOf(Key); at >= 0; at = json.indexOf(Key, at + Key.size())) {
        qsizetype i = at + Key.size();
        while (i < json.size() && isSpace(json.at(i)))
            ++i;
        if (i >= json.size() || json.at(i) != ':')
            continue;
        ++i;
        while (i < json.size() && isSpace(json.at(i)))
            ++i;
        if (i >= json.size() || json.at(i) != '"')
            continue;
        // A client secret has no escapes ("pi_..._secret_..."); stop at a backslash to stay safe.
        qsizetype end = i + 1;
        while (end < json.size() && json.at(end) != '"' && json.at(end) != '\\')
            ++end;
        if (end < json.size() && json.at(end) == '"') {
            out->append(json.sliced(copied, i + 1 - copied));
            copied = end;
        }
    }
    out->append(json.sliced(copied));
}

QString StripeJson::compact(const QJsonObject &object)
{
    QString out;
    out.reserve(4096); // a PaymentIntent or a charge is 1.5-3 KB; one allocation for most objects
    appendJsonObject(out, object);
    return out;
}

QByteArray StripeJson::compactUtf8(const QJsonObject &object)
{
    QByteArray out;
    out.reserve(4096);
    appendJsonObject(out, object);
    return out;
}

} // namespace kassa::stripe
