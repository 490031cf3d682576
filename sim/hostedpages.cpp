#include "sim/hostedpages.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/checkoutsessions.h"
#include "sim/resources/paymentintents.h"
#include "sim/resources/setupintents.h"
#include "sim/simcontext.h"

#include <QDateTime>
#include <QTimeZone>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

const QString Style = uR"(<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1f36}
h1{font-size:1.3rem}.amount{font-size:2rem;font-weight:600;margin:.5rem 0 1rem}
button{display:block;width:100%;padding:.8rem;margin:.4rem 0;font-size:1rem;border:1px solid #cfd7df;
border-radius:6px;background:#fff;text-align:left;cursor:pointer}button.primary{background:#635bff;color:#fff}
.notice{padding:.7rem;border-radius:6px;background:#fde8e8;color:#8a1c1c}.ok{background:#e6f6ec;color:#1b5e20}
.muted{color:#697386;font-size:.85rem}table{width:100%;border-collapse:collapse}td{padding:.3rem 0}
td:last-child{text-align:right}input{width:100%;padding:.6rem;font-size:1rem;box-sizing:border-box}
</style>)"_s;

HttpResponse html(int status, const QString &title, const QString &body)
{
    HttpResponse response;
    response.status = status;
    response.headers.emplaceBack("Content-Type", "text/html; charset=utf-8");
    response.headers.emplaceBack("Cache-Control", "no-store");
    response.body =
        (u"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width,initial-scale=1\"><title>"_s +
         title.toHtmlEscaped() + u"</title>"_s + Style + u"</head><body>"_s + body + u"</body></html>"_s)
            .toUtf8();
    return response;
}

HttpResponse redirect(const QString &location)
{
    HttpResponse response;
    response.status = 303;
    response.headers.emplaceBack("Location", location.toUtf8());
    return response;
}

// "$29.00 USD": what a customer reads (Stripe's error messages write the code in lower case).
QString pageAmount(qint64 amount, const QString &currency)
{
    QString text = api::formatAmount(amount, currency);
    text.chop(currency.size());
    return QString(text + currency.toUpper()).toHtmlEscaped();
}

QString formValue(const HttpRequest &request, const QString &name)
{
    QString body = QString::fromUtf8(request.body);
    body.replace(u'+', u' ');
    return QUrlQuery(body).queryItemValue(name, QUrl::FullyDecoded);
}

} // namespace

HostedPages::HostedPages(SimContext &context, CheckoutSessions &checkout, PaymentIntents &paymentIntents,
                         SetupIntents &setupIntents)
    : m_context(context)
    , m_checkout(checkout)
    , m_paymentIntents(paymentIntents)
    , m_setupIntents(setupIntents)
{
}

bool HostedPages::handle(const HttpRequest &request, HttpResponse &response)
{
    const QStringList parts = QString::fromUtf8(request.path).split(u'/', Qt::SkipEmptyParts);
    if (parts.size() < 3 || parts.at(0) != u"_sim"_s)
        return false;
    const QString kind = parts.at(1);
    const QString id = parts.at(2);
    const bool get = request.method == "GET";
    const bool post = request.method == "POST";
    if (kind == u"checkout"_s && parts.size() == 3 && get)
        response = checkoutPage(id, {});
    else if (kind == u"checkout"_s && parts.size() == 4 && parts.at(3) == u"pay"_s && post)
        response = checkoutPay(id, request);
    else if (kind == u"3ds"_s && parts.size() == 3 && get)
        response = challengePage(id);
    else if (kind == u"3ds"_s && parts.size() == 3 && post)
        response = challengeResult(id, request);
    else if (kind == u"receipts"_s && parts.size() == 3 && get)
        response = receiptPage(id);
    else
        return false;
    return true;
}

HttpResponse HostedPages::checkoutPage(const QString &sessionId, const QString &notice)
{
    const QJsonObject session = m_context.store.get(sessionId, u"checkout.session");
    if (session.isEmpty())
        return html(404, u"Not found"_s, u"<h1>This checkout page does not exist.</h1>"_s);
    const QString status = session.value(u"status"_s).toString();
    if (status != u"open"_s) {
        const QString text = status == u"complete"_s ? u"Thank you! This checkout is complete."_s
                                                     : u"This checkout page has expired."_s;
        return html(200, u"Checkout"_s,
                    u"<h1>%1</h1><p class=\"notice %2\">%1</p>"_s.arg(
                        text, status == u"complete"_s ? u"ok"_s : QString()));
    }
    const bool setup = session.value(u"mode"_s).toString() == u"setup"_s;
    QString body = u"<h1>%1</h1>"_s.arg(setup ? u"Save a card"_s : u"Pay Kassa Demo Shop"_s);
    if (!setup) {
        body += u"<div class=\"amount\">%1</div><table>"_s.arg(pageAmount(
            session.value(u"amount_total"_s).toInteger(), session.value(u"currency"_s).toString()));
        const QList<QJsonObject> items = m_checkout.lineItems(sessionId);
        for (const QJsonObject &item : items)
            body += u"<tr><td>%1 × %2</td><td>%3</td></tr>"_s.arg(item.value(u"quantity"_s).toInteger())
                        .arg(item.value(u"description"_s).toString().toHtmlEscaped(),
                             pageAmount(item.value(u"amount_total"_s).toInteger(),
                                        item.value(u"currency"_s).toString()));
        body += u"</table>"_s;
    }
    if (!notice.isEmpty())
        body += u"<p class=\"notice\">%1</p>"_s.arg(notice.toHtmlEscaped());
    body += u"<form method=\"post\" action=\"/_sim/checkout/%1/pay\"><p class=\"muted\">Test mode: pick a "
            u"test card."
            "</p>"_s.arg(sessionId);
    const std::pair<QString, QString> cards[] = {
        {u"4242424242424242"_s, u"Visa •••• 4242 (succeeds)"_s},
        {u"4000000000000002"_s, u"Visa •••• 0002 (declined)"_s},
        {u"4000002760003184"_s, u"Visa •••• 3184 (3-D Secure)"_s},
        {u"4000000000009995"_s, u"Visa •••• 9995 (insufficient funds)"_s},
        {u"5555555555554444"_s, u"Mastercard •••• 4444 (succeeds)"_s},
    };
    for (const auto &[number, label] : cards)
        body += u"<button name=\"card\" value=\"%1\">%2</button>"_s.arg(number, label.toHtmlEscaped());
    body +=
        u"<p class=\"muted\">Or another test card number:</p><input name=\"number\" inputmode=\"numeric\" "
        "autocomplete=\"off\"><button class=\"primary\" name=\"card\" value=\"\">%1</button></form>"_s.arg(
            setup ? u"Save card"_s : u"Pay"_s);
    return html(200, u"Checkout"_s, body);
}

HttpResponse HostedPages::checkoutPay(const QString &sessionId, const HttpRequest &request)
{
    QString number = formValue(request, u"card"_s);
    if (number.isEmpty())
        number = formValue(request, u"number"_s);
    const std::optional<TestCard> card = m_context.testCards.byNumber(number);
    if (!card)
        return checkoutPage(sessionId, u"Your card number is not a supported test card number."_s);
    const ApiReply result = m_checkout.pay(sessionId, *card, formValue(request, u"email"_s));
    if (result.status == 200) {
        const QJsonObject next = result.body.value(u"next_action"_s).toObject();
        if (!next.isEmpty())
            return redirect(next.value(u"redirect_to_url"_s).toObject().value(u"url"_s).toString());
        return checkoutPage(sessionId, {});
    }
    return checkoutPage(sessionId, result.body.value(u"error"_s).toObject().value(u"message"_s).toString());
}

HttpResponse HostedPages::challengePage(const QString &intentId)
{
    const QJsonObject intent = m_context.store.get(intentId);
    const QString type = intent.value(u"object"_s).toString();
    if (type != u"payment_intent"_s && type != u"setup_intent"_s)
        return html(404, u"Not found"_s, u"<h1>This authentication page does not exist.</h1>"_s);
    if (intent.value(u"status"_s).toString() != u"requires_action"_s)
        return html(200, u"3D Secure"_s,
                    u"<h1>Nothing to authenticate</h1><p>This payment is %1.</p>"_s.arg(
                        intent.value(u"status"_s).toString().replace(u'_', u' ')));
    QString body = u"<h1>3D Secure 2 test page</h1>"_s;
    if (type == u"payment_intent"_s)
        body += u"<div class=\"amount\">%1</div>"_s.arg(
            pageAmount(intent.value(u"amount"_s).toInteger(), intent.value(u"currency"_s).toString()));
    body += u"<p>Your bank asks you to confirm this %1.</p><form method=\"post\">"
            "<button class=\"primary\" name=\"result\" value=\"succeed\">Complete authentication</button>"
            "<button name=\"result\" value=\"fail\">Fail authentication</button></form>"_s.arg(
                type == u"payment_intent"_s ? u"payment"_s : u"card"_s);
    return html(200, u"3D Secure"_s, body);
}

HttpResponse HostedPages::challengeResult(const QString &intentId, const HttpRequest &request)
{
    const QString result = formValue(request, u"result"_s);
    if (result != u"succeed"_s && result != u"fail"_s)
        return html(400, u"3D Secure"_s, u"<h1>Choose complete or fail.</h1>"_s);
    const bool success = result == u"succeed"_s;
    const QString returnUrl = m_context.store.get(intentId)
                                  .value(u"next_action"_s)
                                  .toObject()
                                  .value(u"redirect_to_url"_s)
                                  .toObject()
                                  .value(u"return_url"_s)
                                  .toString();
    const ApiReply reply = intentId.startsWith(u"seti_"_s)
                               ? m_setupIntents.completeAuthentication(intentId, success)
                               : m_paymentIntents.completeAuthentication(intentId, success);
    if (reply.status == 404)
        return html(404, u"Not found"_s, u"<h1>This authentication page does not exist.</h1>"_s);
    const QString status = reply.body.value(u"status"_s).toString();
    if (reply.status == 200 && (status == u"succeeded"_s || status == u"requires_capture"_s))
        m_checkout.intentSucceeded(intentId);
    QString message;
    if (reply.status != 200)
        message = reply.body.value(u"error"_s).toObject().value(u"message"_s).toString();
    else if (success && (status == u"succeeded"_s || status == u"requires_capture"_s))
        message = u"Authentication complete. You can return to the shop."_s;
    else
        message = u"Authentication failed. The payment was not made."_s;
    QString body = u"<h1>3D Secure</h1><p class=\"notice %1\">%2</p>"_s.arg(
        reply.status == 200 && success ? u"ok"_s : QString(), message.toHtmlEscaped());
    if (!returnUrl.isEmpty())
        body += u"<p><a href=\"%1\">Return to the merchant</a></p>"_s.arg(returnUrl.toHtmlEscaped());
    return html(reply.status == 200 ? 200 : 400, u"3D Secure"_s, body);
}

HttpResponse HostedPages::receiptPage(const QString &chargeId)
{
    const QJsonObject charge = m_context.store.get(chargeId, u"charge");
    if (charge.isEmpty())
        return html(404, u"Not found"_s, u"<h1>This receipt does not exist.</h1>"_s);
    const QString currency = charge.value(u"currency"_s).toString();
    const QJsonObject details = charge.value(u"payment_method_details"_s).toObject();
    const QJsonObject card = details.value(details.value(u"type"_s).toString()).toObject();
    const QDateTime created = QDateTime::fromSecsSinceEpoch(charge.value(u"created"_s).toInteger(), Qt::UTC);
    QString body = u"<h1>Receipt from Kassa Demo Shop</h1><div class=\"amount\">%1</div><table>"_s.arg(
        pageAmount(charge.value(u"amount"_s).toInteger(), currency));
    body += u"<tr><td>Date</td><td>%1 UTC</td></tr>"_s.arg(created.toString(u"yyyy-MM-dd HH:mm"_s));
    if (!card.isEmpty())
        body += u"<tr><td>Payment method</td><td>%1 •••• %2</td></tr>"_s.arg(
            card.value(u"brand"_s).toString().toHtmlEscaped(),
            card.value(u"last4"_s).toString().toHtmlEscaped());
    body +=
        u"<tr><td>Status</td><td>%1</td></tr>"_s.arg(charge.value(u"status"_s).toString().toHtmlEscaped());
    const qint64 refunded = charge.value(u"amount_refunded"_s).toInteger();
    if (refunded > 0)
        body += u"<tr><td>Refunded</td><td>%1</td></tr>"_s.arg(pageAmount(refunded, currency));
    body += u"</table><p class=\"muted\">%1</p>"_s.arg(chargeId.toHtmlEscaped());
    return html(200, u"Receipt"_s, body);
}

} // namespace kassa::sim
