#include "sim/resources/checkoutsessions.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/customers.h"
#include "sim/resources/paymentintents.h"
#include "sim/resources/paymentmethods.h"
#include "sim/resources/setupintents.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

constexpr qint64 DefaultLifetime = 24 * 3600;
constexpr qint64 MinimumLifetime = 30 * 60;
const auto LineItemType = u"item"_s;
const auto SessionField = u"checkout_session"_s;

} // namespace

CheckoutSessions::CheckoutSessions(SimContext &context, Customers &customers, PaymentIntents &paymentIntents,
                                   SetupIntents &setupIntents, PaymentMethods &paymentMethods)
    : m_context(context)
    , m_customers(customers)
    , m_paymentIntents(paymentIntents)
    , m_setupIntents(setupIntents)
    , m_paymentMethods(paymentMethods)
{
    m_context.setJobHandler(u"checkout.expire"_s, [this](const QString &id) {
        const QJsonObject session = m_context.store.get(id, u"checkout.session");
        if (session.value(u"status"_s).toString() == u"open"_s)
            expireSession(session);
    });
}

void CheckoutSessions::registerRoutes(Router &router)
{
    router.add(u"POST"_s, u"/v1/checkout/sessions"_s, [this](const ApiCall &c) { return create(c); });
    router.add(u"GET"_s, u"/v1/checkout/sessions"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/checkout/sessions/{session}"_s,
               [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/checkout/sessions/{session}/expire"_s,
               [this](const ApiCall &c) { return expire(c); });
    router.add(u"GET"_s, u"/v1/checkout/sessions/{session}/line_items"_s,
               [this](const ApiCall &c) { return lineItemsRoute(c); });
}

ApiReply CheckoutSessions::create(const ApiCall &call)
{
    const QString mode = call.string(u"mode"_s);
    if (mode != u"payment"_s && mode != u"setup"_s)
        return ApiReply::invalidRequest(u"The simulator supports Checkout in payment and setup mode only."_s,
                                        u"mode"_s);
    const QString customerId = call.string(u"customer"_s);
    if (!customerId.isEmpty() && m_customers.find(customerId).isEmpty())
        return ApiReply::noSuchParam(u"customer", customerId, u"customer"_s);
    if (auto error = api::checkMetadata(call.params.value(u"metadata"_s)))
        return *error;
    const qint64 now = m_context.now();
    qint64 expiresAt = now + DefaultLifetime;
    if (call.has(u"expires_at"_s)) {
        expiresAt = call.params.value(u"expires_at"_s).toInteger();
        if (expiresAt < now + MinimumLifetime || expiresAt > now + DefaultLifetime)
            return ApiReply::invalidRequest(
                u"The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation."_s,
                u"expires_at"_s);
    }

    const QString id = m_context.newId(u"cs_test", 58);
    QString currency = call.string(u"currency"_s);
    qint64 total = 0;
    QList<QJsonObject> items;
    const QJsonArray lineItems = call.params.value(u"line_items"_s).toArray();
    if (mode == u"payment"_s) {
        if (lineItems.isEmpty())
            return ApiReply::invalidRequest(u"line_items is required in payment mode."_s, u"line_items"_s,
                                            u"parameter_missing"_s);
        for (qsizetype i = 0; i < lineItems.size(); ++i) {
            const QJsonObject item = lineItems.at(i).toObject();
            const QString param = u"line_items[%1]"_s.arg(i);
            if (item.contains(u"price"_s))
                return ApiReply::invalidRequest(
                    u"No such price: '%1'"_s.arg(item.value(u"price"_s).toString()), param + u"[price]"_s,
                    u"resource_missing"_s);
            const QJsonObject priceData = item.value(u"price_data"_s).toObject();
            if (priceData.isEmpty())
                return ApiReply::invalidRequest(
                    u"You must specify either `price` or `price_data` in each line item."_s, param,
                    u"parameter_missing"_s);
            const QString itemCurrency = priceData.value(u"currency"_s).toString();
            if (!currency.isEmpty() && itemCurrency != currency)
                return ApiReply::invalidRequest(u"All line items must use the same currency."_s,
                                                param + u"[price_data][currency]"_s);
            currency = itemCurrency;
            const qint64 unitAmount = priceData.value(u"unit_amount"_s).toInteger();
            const qint64 quantity = item.value(u"quantity"_s).toInteger(1);
            if (quantity < 1)
                return ApiReply::invalidRequest(u"Quantity must be at least 1."_s, param + u"[quantity]"_s);
            if (unitAmount < 0 || unitAmount > 99'999'999 || quantity > 999'999)
                return ApiReply::invalidRequest(u"The line item amount is out of range."_s,
                                                param + u"[price_data][unit_amount]"_s);
            const qint64 amount = unitAmount * quantity;
            total += amount;
            const QString name = priceData.value(u"product_data"_s).toObject().value(u"name"_s).toString();
            items.append(QJsonObject{
                {u"id"_s, m_context.newId(u"li")},
                {u"object"_s, LineItemType},
                {u"amount_discount"_s, 0},
                {u"amount_subtotal"_s, amount},
                {u"amount_tax"_s, 0},
                {u"amount_total"_s, amount},
                {u"currency"_s, itemCurrency},
                {u"description"_s, name},
                {u"price"_s, QJsonObject{{u"id"_s, m_context.newId(u"price")},
                                         {u"object"_s, u"price"_s},
                                         {u"currency"_s, itemCurrency},
                                         {u"unit_amount"_s, unitAmount},
                                         {u"type"_s, u"one_time"_s},
                                         {u"product"_s, m_context.newId(u"prod", 14)}}},
                {u"quantity"_s, quantity},
                {SessionField, id},
            });
        }
        if (auto error = api::checkAmount(currency, total, u"line_items"_s))
            return *error;
    } else if (!lineItems.isEmpty()) {
        return ApiReply::invalidRequest(u"line_items cannot be used in setup mode."_s, u"line_items"_s);
    }

    QJsonObject session{
        {u"id"_s, id},
        {u"object"_s, u"checkout.session"_s},
        {u"after_expiration"_s, QJsonValue::Null},
        {u"allow_promotion_codes"_s, QJsonValue::Null},
        {u"amount_subtotal"_s, mode == u"payment"_s ? QJsonValue(total) : QJsonValue()},
        {u"amount_total"_s, mode == u"payment"_s ? QJsonValue(total) : QJsonValue()},
        {u"cancel_url"_s, QJsonValue::Null},
        {u"client_reference_id"_s, QJsonValue::Null},
        {u"client_secret"_s, QJsonValue::Null},
        {u"created"_s, now},
        {u"currency"_s, currency.isEmpty() ? QJsonValue() : QJsonValue(currency)},
        {u"customer"_s, customerId.isEmpty() ? QJsonValue() : QJsonValue(customerId)},
        {u"customer_details"_s, QJsonValue::Null},
        {u"customer_email"_s, QJsonValue::Null},
        {u"expires_at"_s, expiresAt},
        {u"livemode"_s, false},
        {u"locale"_s, QJsonValue::Null},
        {u"metadata"_s, QJsonObject()},
        {u"mode"_s, mode},
        {u"payment_intent"_s, QJsonValue::Null},
        {u"payment_method_types"_s, call.params.value(u"payment_method_types"_s).toArray().isEmpty()
                                        ? QJsonArray{u"card"_s}
                                        : call.params.value(u"payment_method_types"_s).toArray()},
        {u"payment_status"_s, mode == u"payment"_s ? u"unpaid"_s : u"no_payment_required"_s},
        {u"setup_intent"_s, QJsonValue::Null},
        {u"status"_s, u"open"_s},
        {u"success_url"_s, QJsonValue::Null},
        {u"ui_mode"_s, u"hosted"_s},
        {u"url"_s, QString(m_context.baseUrl() + u"/_sim/checkout/"_s + id)},
    };
    api::copyParams(
        session, call,
        {u"cancel_url"_s, u"success_url"_s, u"client_reference_id"_s, u"customer_email"_s, u"locale"_s});
    api::updateMetadata(session, call);
    // Kept for pay(): the PaymentIntent is made when the customer pays, as Stripe does.
    session.insert(u"payment_intent_data"_s, call.params.value(u"payment_intent_data"_s).toObject());
    if (mode == u"setup"_s) {
        QJsonObject seti = m_setupIntents.newIntent(customerId, QJsonArray{u"card"_s});
        seti.insert(u"metadata"_s,
                    call.params.value(u"setup_intent_data"_s).toObject().value(u"metadata"_s).toObject());
        m_context.store.insert(seti);
        m_context.emitEvent(u"setup_intent.created"_s, seti);
        session.insert(u"setup_intent"_s, seti.value(u"id"_s));
    }
    for (const QJsonObject &item : std::as_const(items))
        m_context.store.insert(item);
    QJsonObject stored = session;
    m_context.store.insert(stored);
    m_context.schedule(expiresAt, u"checkout.expire"_s, id);
    session.remove(u"payment_intent_data"_s);
    return api::object(m_context, call, session);
}

ApiReply CheckoutSessions::retrieve(const ApiCall &call)
{
    QJsonObject session = m_context.store.get(call.arg(), u"checkout.session");
    if (session.isEmpty())
        return ApiReply::noSuch(u"checkout.session", call.arg(), u"session"_s);
    session.remove(u"payment_intent_data"_s);
    return api::object(m_context, call, session);
}

ApiReply CheckoutSessions::list(const ApiCall &call)
{
    const QString pi = call.string(u"payment_intent"_s);
    const QString customer = call.string(u"customer"_s);
    const QString status = call.string(u"status"_s);
    return api::list(
        m_context, call, u"checkout.session"_s, u"/v1/checkout/sessions"_s,
        [=](const QJsonObject &s) {
            if (!pi.isEmpty() && s.value(u"payment_intent"_s).toString() != pi)
                return false;
            if (!status.isEmpty() && s.value(u"status"_s).toString() != status)
                return false;
            return customer.isEmpty() || s.value(u"customer"_s).toString() == customer;
        },
        [](const QJsonObject &s) {
            QJsonObject shown = s;
            shown.remove(u"payment_intent_data"_s);
            return shown;
        });
}

void CheckoutSessions::expireSession(QJsonObject session)
{
    const QString piId = session.value(u"payment_intent"_s).toString();
    QJsonObject pi = m_context.store.get(piId, u"payment_intent");
    if (!pi.isEmpty() && pi.value(u"status"_s).toString() != u"succeeded"_s &&
        pi.value(u"status"_s).toString() != u"canceled"_s) {
        pi.insert(u"status"_s, u"canceled"_s);
        pi.insert(u"canceled_at"_s, m_context.now());
        pi.insert(u"cancellation_reason"_s, u"abandoned"_s);
        pi.insert(u"next_action"_s, QJsonValue::Null);
        m_context.store.update(pi);
        m_context.emitEvent(u"payment_intent.canceled"_s, pi);
    }
    session.insert(u"status"_s, u"expired"_s);
    session.insert(u"url"_s, QJsonValue::Null);
    m_context.store.update(session);
    session.remove(u"payment_intent_data"_s);
    m_context.emitEvent(u"checkout.session.expired"_s, session);
}

ApiReply CheckoutSessions::expire(const ApiCall &call)
{
    const QJsonObject session = m_context.store.get(call.arg(), u"checkout.session");
    if (session.isEmpty())
        return ApiReply::noSuch(u"checkout.session", call.arg(), u"session"_s);
    if (session.value(u"status"_s).toString() != u"open"_s)
        return ApiReply::invalidRequest(u"Only Checkout Sessions with a status in [\"open\"] can be expired. "
                                        u"This session has a status of "
                                        "\"%1\"."_s.arg(session.value(u"status"_s).toString()),
                                        QString(), u"checkout_session_unexpected_state"_s);
    expireSession(session);
    QJsonObject shown = m_context.store.get(call.arg());
    shown.remove(u"payment_intent_data"_s);
    return api::object(m_context, call, shown);
}

QList<QJsonObject> CheckoutSessions::lineItems(const QString &sessionId) const
{
    QList<QJsonObject> items;
    m_context.store.forEachNewestFirst(LineItemType, [&](const QJsonObject &item) {
        if (item.value(SessionField).toString() == sessionId) {
            QJsonObject shown = item;
            shown.remove(SessionField);
            items.prepend(shown);
        }
        return true;
    });
    return items;
}

ApiReply CheckoutSessions::lineItemsRoute(const ApiCall &call)
{
    if (m_context.store.get(call.arg(), u"checkout.session").isEmpty())
        return ApiReply::noSuch(u"checkout.session", call.arg(), u"session"_s);
    QJsonArray data;
    const QList<QJsonObject> items = lineItems(call.arg());
    for (const QJsonObject &item : items)
        data.append(item);
    return ApiReply::ok(QJsonObject{{u"object"_s, u"list"_s},
                                    {u"data"_s, data},
                                    {u"has_more"_s, false},
                                    {u"url"_s, u"/v1/checkout/sessions/%1/line_items"_s.arg(call.arg())}});
}

void CheckoutSessions::complete(QJsonObject session)
{
    session.insert(u"status"_s, u"complete"_s);
    if (session.value(u"mode"_s).toString() == u"payment"_s)
        session.insert(u"payment_status"_s, u"paid"_s);
    session.insert(u"url"_s, QJsonValue::Null);
    m_context.store.update(session);
    session.remove(u"payment_intent_data"_s);
    m_context.emitEvent(u"checkout.session.completed"_s, session);
}

ApiReply CheckoutSessions::pay(const QString &sessionId, const TestCard &card, const QString &email)
{
    QJsonObject session = m_context.store.get(sessionId, u"checkout.session");
    if (session.isEmpty())
        return ApiReply::noSuch(u"checkout.session", sessionId, u"session"_s);
    if (session.value(u"status"_s).toString() != u"open"_s)
        return ApiReply::invalidRequest(
            u"This Checkout Session is %1."_s.arg(session.value(u"status"_s).toString()));
    if (!email.isEmpty())
        session.insert(u"customer_details"_s, QJsonObject{{u"email"_s, email},
                                                          {u"name"_s, QJsonValue::Null},
                                                          {u"phone"_s, QJsonValue::Null},
                                                          {u"address"_s, QJsonValue::Null},
                                                          {u"tax_exempt"_s, u"none"_s},
                                                          {u"tax_ids"_s, QJsonArray()}});
    const QJsonObject pm = m_paymentMethods.createFromCard(card, false);
    if (session.value(u"mode"_s).toString() == u"setup"_s) {
        m_context.store.update(session);
        const ApiReply result = m_setupIntents.confirmWith(
            m_context.store.get(session.value(u"setup_intent"_s).toString()), pm, false);
        if (result.status == 200 && result.body.value(u"status"_s).toString() == u"succeeded"_s)
            complete(m_context.store.get(sessionId));
        return result;
    }
    QJsonObject pi = m_context.store.get(session.value(u"payment_intent"_s).toString(), u"payment_intent");
    if (pi.isEmpty()) {
        const QJsonObject data = session.value(u"payment_intent_data"_s).toObject();
        pi = m_paymentIntents.newIntent(session.value(u"amount_total"_s).toInteger(),
                                        session.value(u"currency"_s).toString(), QJsonArray{u"card"_s});
        pi.insert(u"customer"_s, session.value(u"customer"_s));
        for (const QString &field : {u"capture_method"_s, u"description"_s, u"receipt_email"_s}) {
            if (data.contains(field))
                pi.insert(field, data.value(field));
        }
        pi.insert(u"metadata"_s, data.value(u"metadata"_s).toObject());
        m_context.store.insert(pi);
        m_context.emitEvent(u"payment_intent.created"_s, pi);
        session.insert(u"payment_intent"_s, pi.value(u"id"_s));
    }
    m_context.store.update(session);
    PaymentIntents::ConfirmOptions options;
    options.returnUrl = session.value(u"url"_s).toString();
    const ApiReply result = m_paymentIntents.confirmWith(pi, pm, options);
    if (result.status == 200) {
        const QString status = result.body.value(u"status"_s).toString();
        if (status == u"succeeded"_s || status == u"requires_capture"_s)
            complete(m_context.store.get(sessionId));
    }
    return result;
}

void CheckoutSessions::intentSucceeded(const QString &intentId)
{
    const bool setup = intentId.startsWith(u"seti_"_s);
    QJsonObject match;
    m_context.store.forEachNewestFirst(u"checkout.session"_s, [&](const QJsonObject &session) {
        if (session.value(setup ? u"setup_intent"_s : u"payment_intent"_s).toString() == intentId) {
            match = session;
            return false;
        }
        return true;
    });
    if (!match.isEmpty() && match.value(u"status"_s).toString() == u"open"_s)
        complete(match);
}

} // namespace kassa::sim
