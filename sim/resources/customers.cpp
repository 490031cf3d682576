#include "sim/resources/customers.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/paymentmethods.h"
#include "sim/resources/searchquery.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

Customers::Customers(SimContext &context, PaymentMethods &paymentMethods)
    : m_context(context)
    , m_paymentMethods(paymentMethods)
{
}

void Customers::registerRoutes(Router &router)
{
    router.add(u"POST"_s, u"/v1/customers"_s, [this](const ApiCall &c) { return create(c); });
    router.add(u"GET"_s, u"/v1/customers"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/customers/search"_s, [this](const ApiCall &c) { return search(c); });
    router.add(u"GET"_s, u"/v1/customers/{customer}"_s, [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/customers/{customer}"_s, [this](const ApiCall &c) { return update(c); });
    router.add(u"DELETE"_s, u"/v1/customers/{customer}"_s, [this](const ApiCall &c) { return remove(c); });
    router.add(u"GET"_s, u"/v1/customers/{customer}/payment_methods"_s,
               [this](const ApiCall &c) { return paymentMethods(c); });
}

QJsonObject Customers::find(const QString &id) const
{
    const QJsonObject customer = m_context.store.get(id, u"customer");
    return customer.value(u"deleted"_s).toBool() ? QJsonObject() : customer;
}

std::optional<ApiReply> Customers::applyCommon(QJsonObject &customer, const ApiCall &call,
                                               QJsonObject *previous)
{
    api::copyParams(customer, call,
                    {u"name"_s, u"email"_s, u"phone"_s, u"description"_s, u"preferred_locales"_s}, previous);
    const QJsonObject before = customer.value(u"metadata"_s).toObject();
    if (auto error = api::updateMetadata(customer, call))
        return error;
    if (previous && before != customer.value(u"metadata"_s).toObject())
        previous->insert(u"metadata"_s, before);
    if (call.has(u"address"_s)) {
        const QJsonValue address = call.params.value(u"address"_s);
        customer.insert(u"address"_s, address.isObject() ? address : QJsonValue::Null);
    }
    const QJsonObject settings = call.params.value(u"invoice_settings"_s).toObject();
    if (settings.contains(u"default_payment_method"_s)) {
        const QString pmId = settings.value(u"default_payment_method"_s).toString();
        QJsonObject invoiceSettings = customer.value(u"invoice_settings"_s).toObject();
        if (pmId.isEmpty()) {
            invoiceSettings.insert(u"default_payment_method"_s, QJsonValue::Null);
        } else {
            const QJsonObject pm = m_context.store.get(pmId, u"payment_method");
            if (pm.isEmpty())
                return ApiReply::noSuchParam(u"PaymentMethod", pmId,
                                             u"invoice_settings[default_payment_method]"_s);
            if (pm.value(u"customer"_s).toString() != customer.value(u"id"_s).toString())
                return ApiReply::invalidRequest(
                    u"The customer does not have a payment method with the ID %1. The payment method must be "
                    "attached to the customer."_s.arg(pmId),
                    u"invoice_settings[default_payment_method]"_s, u"resource_missing"_s);
            invoiceSettings.insert(u"default_payment_method"_s, pmId);
        }
        if (previous)
            previous->insert(u"invoice_settings"_s, customer.value(u"invoice_settings"_s));
        customer.insert(u"invoice_settings"_s, invoiceSettings);
    }
    return std::nullopt;
}

ApiReply Customers::create(const ApiCall &call)
{
    QJsonObject customer{
        {u"id"_s, m_context.newId(u"cus", 14)},
        {u"object"_s, u"customer"_s},
        {u"address"_s, QJsonValue::Null},
        {u"balance"_s, 0},
        {u"created"_s, m_context.now()},
        {u"currency"_s, QJsonValue::Null},
        {u"default_source"_s, QJsonValue::Null},
        {u"delinquent"_s, false},
        {u"description"_s, QJsonValue::Null},
        {u"discount"_s, QJsonValue::Null},
        {u"email"_s, QJsonValue::Null},
        {u"invoice_prefix"_s, m_context.randomToken(8).toUpper()},
        {u"invoice_settings"_s, QJsonObject{{u"custom_fields"_s, QJsonValue::Null},
                                            {u"default_payment_method"_s, QJsonValue::Null},
                                            {u"footer"_s, QJsonValue::Null},
                                            {u"rendering_options"_s, QJsonValue::Null}}},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject()},
        {u"name"_s, QJsonValue::Null},
        {u"next_invoice_sequence"_s, 1},
        {u"phone"_s, QJsonValue::Null},
        {u"preferred_locales"_s, QJsonArray()},
        {u"shipping"_s, QJsonValue::Null},
        {u"tax_exempt"_s, u"none"_s},
        {u"test_clock"_s, QJsonValue::Null},
    };
    if (auto error = api::checkMetadata(call.params.value(u"metadata"_s)))
        return *error;
    const QString id = customer.value(u"id"_s).toString();
    // A payment_method given at creation is attached first, so that it can be the default.
    m_context.store.insert(customer);
    QString attachedPm;
    if (call.has(u"payment_method"_s)) {
        const ApiReply attached =
            m_paymentMethods.attach(call.string(u"payment_method"_s), id, u"payment_method"_s, false);
        if (attached.status != 200) {
            m_context.store.remove(id);
            return attached;
        }
        attachedPm = attached.body.value(u"id"_s).toString();
    }
    if (auto error = applyCommon(customer, call, nullptr)) {
        if (!attachedPm.isEmpty())
            m_paymentMethods.detachAllOf(id, false);
        m_context.store.remove(id);
        return *error;
    }
    m_context.store.update(customer);
    m_context.emitEvent(u"customer.created"_s, customer);
    if (!attachedPm.isEmpty())
        m_context.emitEvent(u"payment_method.attached"_s, m_context.store.get(attachedPm));
    return api::object(m_context, call, customer);
}

ApiReply Customers::retrieve(const ApiCall &call)
{
    const QJsonObject customer = m_context.store.get(call.arg(), u"customer");
    if (customer.isEmpty())
        return ApiReply::noSuch(u"customer", call.arg(), u"customer"_s);
    if (customer.value(u"deleted"_s).toBool())
        return ApiReply::ok(
            QJsonObject{{u"id"_s, call.arg()}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}});
    return api::object(m_context, call, customer);
}

ApiReply Customers::update(const ApiCall &call)
{
    QJsonObject customer = find(call.arg());
    if (customer.isEmpty())
        return ApiReply::noSuch(u"customer", call.arg(), u"customer"_s);
    QJsonObject previous;
    if (auto error = applyCommon(customer, call, &previous))
        return *error;
    m_context.store.update(customer);
    if (!previous.isEmpty())
        m_context.emitEvent(u"customer.updated"_s, customer, previous);
    return api::object(m_context, call, customer);
}

ApiReply Customers::remove(const ApiCall &call)
{
    QJsonObject customer = find(call.arg());
    if (customer.isEmpty())
        return ApiReply::noSuch(u"customer", call.arg(), u"customer"_s);
    // Stripe detaches the customer's payment methods when the customer is deleted.
    m_paymentMethods.detachAllOf(customer.value(u"id"_s).toString(), true);
    const QJsonObject snapshot = customer;
    customer.insert(u"deleted"_s, true);
    m_context.store.update(customer);
    m_context.emitEvent(u"customer.deleted"_s, snapshot);
    return ApiReply::ok(
        QJsonObject{{u"id"_s, call.arg()}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}});
}

ApiReply Customers::list(const ApiCall &call)
{
    const QString email = call.string(u"email"_s);
    return api::list(m_context, call, u"customer"_s, u"/v1/customers"_s,
                     [email](const QJsonObject &customer) {
                         return email.isEmpty() || customer.value(u"email"_s).toString() == email;
                     });
}

ApiReply Customers::search(const ApiCall &call)
{
    return SearchQuery::run(m_context, call, u"customer"_s, u"/v1/customers/search"_s,
                            {u"created"_s, u"email"_s, u"metadata"_s, u"name"_s, u"phone"_s});
}

ApiReply Customers::paymentMethods(const ApiCall &call)
{
    if (find(call.arg()).isEmpty())
        return ApiReply::noSuch(u"customer", call.arg(), u"customer"_s);
    return m_paymentMethods.listFor(call, call.arg(), u"/v1/customers/%1/payment_methods"_s.arg(call.arg()));
}

} // namespace kassa::sim
