#include "sim/resources/paymentmethods.h"

#include "sim/resources/apisupport.h"
#include "sim/simcontext.h"

#include <QDate>
#include <QDateTime>

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

QJsonObject emptyBillingDetails()
{
    return QJsonObject{{u"address"_s, QJsonObject{{u"city"_s, QJsonValue::Null},
                                                  {u"country"_s, QJsonValue::Null},
                                                  {u"line1"_s, QJsonValue::Null},
                                                  {u"line2"_s, QJsonValue::Null},
                                                  {u"postal_code"_s, QJsonValue::Null},
                                                  {u"state"_s, QJsonValue::Null}}},
                       {u"email"_s, QJsonValue::Null},
                       {u"name"_s, QJsonValue::Null},
                       {u"phone"_s, QJsonValue::Null},
                       {u"tax_id"_s, QJsonValue::Null}};
}

} // namespace

PaymentMethods::PaymentMethods(SimContext &context)
    : m_context(context)
{
}

void PaymentMethods::registerRoutes(Router &router)
{
    router.add(u"POST"_s, u"/v1/payment_methods"_s, [this](const ApiCall &c) { return create(c); });
    router.add(u"GET"_s, u"/v1/payment_methods"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/payment_methods/{payment_method}"_s,
               [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/payment_methods/{payment_method}"_s,
               [this](const ApiCall &c) { return update(c); });
    router.add(u"POST"_s, u"/v1/payment_methods/{payment_method}/attach"_s,
               [this](const ApiCall &c) { return attachRoute(c); });
    router.add(u"POST"_s, u"/v1/payment_methods/{payment_method}/detach"_s,
               [this](const ApiCall &c) { return detach(c); });
}

QJsonObject PaymentMethods::createFromCard(const TestCard &card, bool cardPresent)
{
    const QDate today = QDateTime::fromSecsSinceEpoch(m_context.now()).date();
    const int expMonth = int(m_context.random().bounded(1, 13));
    const int expYear = today.year() + 1 + int(m_context.random().bounded(5));
    QJsonObject cardJson = card.cardJson(expMonth, expYear);
    QJsonObject pm{
        {u"id"_s, m_context.newId(u"pm")},
        {u"object"_s, u"payment_method"_s},
        {u"allow_redisplay"_s, u"unspecified"_s},
        {u"billing_details"_s, emptyBillingDetails()},
        {u"created"_s, m_context.now()},
        {u"customer"_s, QJsonValue::Null},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject()},
    };
    if (cardPresent) {
        cardJson.remove(u"checks"_s);
        cardJson.remove(u"three_d_secure_usage"_s);
        cardJson.remove(u"display_brand"_s);
        cardJson.insert(u"cardholder_name"_s, QJsonValue::Null);
        cardJson.insert(u"read_method"_s, u"contactless_emv"_s);
        cardJson.insert(u"preferred_locales"_s, QJsonArray{u"en"_s});
        pm.insert(u"type"_s, u"card_present"_s);
        pm.insert(u"card_present"_s, cardJson);
    } else {
        pm.insert(u"type"_s, u"card"_s);
        pm.insert(u"card"_s, cardJson);
    }
    m_context.store.insert(pm);
    return pm;
}

QJsonObject PaymentMethods::createWallet(const QString &type, const QString &email, qint64 created)
{
    QJsonObject billing = emptyBillingDetails();
    billing.insert(u"email"_s, email);
    QJsonObject pm{
        {u"id"_s, m_context.newId(u"pm")},
        {u"object"_s, u"payment_method"_s},
        {u"allow_redisplay"_s, u"always"_s},
        {u"billing_details"_s, billing},
        {u"created"_s, created},
        {u"customer"_s, QJsonValue::Null},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject()},
        {u"type"_s, type},
    };
    if (type == u"paypal"_s)
        pm.insert(u"paypal"_s, QJsonObject{{u"country"_s, u"US"_s},
                                           {u"payer_email"_s, email},
                                           {u"payer_id"_s, m_context.randomToken(13).toUpper()}});
    else
        pm.insert(type, QJsonObject{{u"email"_s, email}});
    m_context.store.insert(pm);
    return pm;
}

std::optional<TestCard> PaymentMethods::cardOf(const QJsonObject &paymentMethod) const
{
    const QString type = paymentMethod.value(u"type"_s).toString();
    const QJsonObject card = paymentMethod.value(type).toObject();
    return m_context.testCards.byFingerprint(card.value(u"fingerprint"_s).toString());
}

QJsonObject PaymentMethods::resolve(const QString &idOrToken, const QString &param, ApiReply *error)
{
    if (std::optional<TestCard> card = m_context.testCards.byToken(idOrToken))
        return createFromCard(*card, false);
    const QJsonObject pm = m_context.store.get(idOrToken, u"payment_method");
    if (pm.isEmpty())
        *error = ApiReply::noSuchParam(u"PaymentMethod", idOrToken, param);
    return pm;
}

ApiReply PaymentMethods::create(const ApiCall &call)
{
    const QString type = call.string(u"type"_s);
    if (type != u"card"_s)
        return ApiReply::invalidRequest(
            u"The simulator creates payment methods of type card from test tokens (card[token]=tok_visa) or "
            "uses pm_card_* tokens directly; type %1 is not available here."_s.arg(type),
            u"type"_s);
    const QJsonObject card = call.params.value(u"card"_s).toObject();
    if (card.contains(u"number"_s))
        return ApiReply::error(
            402, u"card_error"_s,
            u"Sending credit card numbers directly to the Stripe API is generally unsafe. We suggest you use "
            u"test "
            "tokens that map to the test card you are using, see https://stripe.com/docs/testing."_s,
            u"card_declined"_s, u"card[number]"_s);
    const QString token = card.value(u"token"_s).toString();
    if (token.isEmpty())
        return ApiReply::invalidRequest(u"Missing required param: card[token]."_s, u"card[token]"_s,
                                        u"parameter_missing"_s);
    QString suffix = token.startsWith(u"tok_"_s) ? token.mid(4) : QString();
    std::optional<TestCard> testCard = m_context.testCards.byToken(QString(u"pm_card_"_s + suffix));
    if (!testCard)
        testCard = m_context.testCards.byToken(QString(u"pm_card_visa_"_s + suffix));
    if (!testCard)
        return ApiReply::invalidRequest(u"No such token: '%1'"_s.arg(token), u"card[token]"_s,
                                        u"resource_missing"_s);
    QJsonObject pm = createFromCard(*testCard, false);
    if (call.has(u"billing_details"_s)) {
        QJsonObject billing = pm.value(u"billing_details"_s).toObject();
        const QJsonObject given = call.params.value(u"billing_details"_s).toObject();
        for (auto it = given.begin(); it != given.end(); ++it)
            billing.insert(it.key(), it.value());
        pm.insert(u"billing_details"_s, billing);
    }
    if (auto error = api::updateMetadata(pm, call)) {
        m_context.store.remove(pm.value(u"id"_s).toString());
        return *error;
    }
    m_context.store.update(pm);
    return api::object(m_context, call, pm);
}

ApiReply PaymentMethods::retrieve(const ApiCall &call)
{
    const QJsonObject pm = m_context.store.get(call.arg(), u"payment_method");
    if (pm.isEmpty())
        return ApiReply::noSuch(u"PaymentMethod", call.arg(), u"payment_method"_s);
    return api::object(m_context, call, pm);
}

ApiReply PaymentMethods::update(const ApiCall &call)
{
    QJsonObject pm = m_context.store.get(call.arg(), u"payment_method");
    if (pm.isEmpty())
        return ApiReply::noSuch(u"PaymentMethod", call.arg(), u"payment_method"_s);
    QJsonObject previous;
    if (call.has(u"billing_details"_s)) {
        QJsonObject billing = pm.value(u"billing_details"_s).toObject();
        previous.insert(u"billing_details"_s, billing);
        const QJsonObject given = call.params.value(u"billing_details"_s).toObject();
        for (auto it = given.begin(); it != given.end(); ++it)
            billing.insert(it.key(), it->isString() && it->toString().isEmpty() ? QJsonValue() : it.value());
        pm.insert(u"billing_details"_s, billing);
    }
    const QJsonObject cardUpdate = call.params.value(u"card"_s).toObject();
    if (!cardUpdate.isEmpty()) {
        if (pm.value(u"type"_s).toString() != u"card"_s)
            return ApiReply::invalidRequest(
                u"You can only update the card details of a card PaymentMethod."_s, u"card"_s);
        QJsonObject card = pm.value(u"card"_s).toObject();
        previous.insert(u"card"_s, card);
        for (const QString &field : {u"exp_month"_s, u"exp_year"_s}) {
            if (cardUpdate.contains(field))
                card.insert(field, cardUpdate.value(field).toInteger());
        }
        pm.insert(u"card"_s, card);
    }
    const QJsonObject metadataBefore = pm.value(u"metadata"_s).toObject();
    if (auto error = api::updateMetadata(pm, call))
        return *error;
    if (metadataBefore != pm.value(u"metadata"_s).toObject())
        previous.insert(u"metadata"_s, metadataBefore);
    m_context.store.update(pm);
    if (!previous.isEmpty())
        m_context.emitEvent(u"payment_method.updated"_s, pm, previous);
    return api::object(m_context, call, pm);
}

ApiReply PaymentMethods::attach(const QString &idOrToken, const QString &customerId, const QString &param,
                                bool emitEvent)
{
    const QJsonObject customer = m_context.store.get(customerId, u"customer");
    if (customer.isEmpty() || customer.value(u"deleted"_s).toBool())
        return ApiReply::noSuchParam(u"customer", customerId, u"customer"_s);
    ApiReply error;
    QJsonObject pm = resolve(idOrToken, param, &error);
    if (pm.isEmpty())
        return error;
    const QString current = pm.value(u"customer"_s).toString();
    if (current == customerId)
        return ApiReply::ok(pm);
    if (!current.isEmpty())
        return ApiReply::invalidRequest(
            u"The payment method you provided has already been attached to a customer."_s, QString(),
            u"payment_method_already_attached"_s);
    pm.insert(u"customer"_s, customerId);
    m_context.store.update(pm);
    if (emitEvent)
        m_context.emitEvent(u"payment_method.attached"_s, pm, QJsonObject{{u"customer"_s, QJsonValue::Null}});
    return ApiReply::ok(pm);
}

ApiReply PaymentMethods::attachRoute(const ApiCall &call)
{
    if (!m_context.testCards.byToken(call.arg()) &&
        m_context.store.get(call.arg(), u"payment_method").isEmpty())
        return ApiReply::noSuch(u"PaymentMethod", call.arg(), u"payment_method"_s);
    const ApiReply reply = attach(call.arg(), call.string(u"customer"_s), u"payment_method"_s, true);
    if (reply.status != 200)
        return reply;
    return api::object(m_context, call, reply.body);
}

QJsonObject PaymentMethods::detachObject(QJsonObject pm, bool emitEvent)
{
    const QString customerId = pm.value(u"customer"_s).toString();
    pm.insert(u"customer"_s, QJsonValue::Null);
    m_context.store.update(pm);
    QJsonObject customer = m_context.store.get(customerId, u"customer");
    QJsonObject settings = customer.value(u"invoice_settings"_s).toObject();
    if (!customer.isEmpty() &&
        settings.value(u"default_payment_method"_s).toString() == pm.value(u"id"_s).toString()) {
        const QJsonObject previousSettings = settings;
        settings.insert(u"default_payment_method"_s, QJsonValue::Null);
        customer.insert(u"invoice_settings"_s, settings);
        m_context.store.update(customer);
        if (emitEvent && !customer.value(u"deleted"_s).toBool())
            m_context.emitEvent(u"customer.updated"_s, customer,
                                QJsonObject{{u"invoice_settings"_s, previousSettings}});
    }
    if (emitEvent)
        m_context.emitEvent(u"payment_method.detached"_s, pm, QJsonObject{{u"customer"_s, customerId}});
    return pm;
}

ApiReply PaymentMethods::detach(const ApiCall &call)
{
    const QJsonObject pm = m_context.store.get(call.arg(), u"payment_method");
    if (pm.isEmpty())
        return ApiReply::noSuch(u"PaymentMethod", call.arg(), u"payment_method"_s);
    if (pm.value(u"customer"_s).toString().isEmpty())
        return ApiReply::invalidRequest(
            u"The payment method you provided is not attached to a customer so detachment is impossible."_s);
    return api::object(m_context, call, detachObject(pm, true));
}

void PaymentMethods::detachAllOf(const QString &customerId, bool emitEvents)
{
    QList<QJsonObject> attached;
    m_context.store.forEachNewestFirst(u"payment_method"_s, [&](const QJsonObject &pm) {
        if (pm.value(u"customer"_s).toString() == customerId)
            attached.append(pm);
        return true;
    });
    for (const QJsonObject &pm : std::as_const(attached))
        detachObject(pm, emitEvents);
}

ApiReply PaymentMethods::listFor(const ApiCall &call, const QString &customerId, const QString &url)
{
    const QString type = call.string(u"type"_s);
    return api::list(m_context, call, u"payment_method"_s, url, [customerId, type](const QJsonObject &pm) {
        if (!customerId.isEmpty() && pm.value(u"customer"_s).toString() != customerId)
            return false;
        return type.isEmpty() || pm.value(u"type"_s).toString() == type;
    });
}

ApiReply PaymentMethods::list(const ApiCall &call)
{
    const QString customerId = call.string(u"customer"_s);
    if (!customerId.isEmpty()) {
        const QJsonObject customer = m_context.store.get(customerId, u"customer");
        if (customer.isEmpty() || customer.value(u"deleted"_s).toBool())
            return ApiReply::noSuchParam(u"customer", customerId, u"customer"_s);
    }
    return listFor(call, customerId, u"/v1/payment_methods"_s);
}

} // namespace kassa::sim
