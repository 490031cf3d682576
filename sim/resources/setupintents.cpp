#include "sim/resources/setupintents.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/customers.h"
#include "sim/resources/paymentmethods.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {
const QStringList Confirmable{u"requires_payment_method"_s, u"requires_confirmation"_s, u"requires_action"_s};
}

SetupIntents::SetupIntents(SimContext &context, PaymentMethods &paymentMethods, Customers &customers)
    : m_context(context)
    , m_paymentMethods(paymentMethods)
    , m_customers(customers)
{
}

void SetupIntents::registerRoutes(Router &router)
{
    router.add(u"POST"_s, u"/v1/setup_intents"_s, [this](const ApiCall &c) { return create(c); });
    router.add(u"GET"_s, u"/v1/setup_intents"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/setup_intents/{intent}"_s, [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/setup_intents/{intent}"_s, [this](const ApiCall &c) { return update(c); });
    router.add(u"POST"_s, u"/v1/setup_intents/{intent}/confirm"_s,
               [this](const ApiCall &c) { return confirm(c); });
    router.add(u"POST"_s, u"/v1/setup_intents/{intent}/cancel"_s,
               [this](const ApiCall &c) { return cancel(c); });
}

QJsonObject SetupIntents::newIntent(const QString &customerId, const QJsonArray &paymentMethodTypes)
{
    const QString id = m_context.newId(u"seti");
    return QJsonObject{
        {u"id"_s, id},
        {u"object"_s, u"setup_intent"_s},
        {u"application"_s, QJsonValue::Null},
        {u"automatic_payment_methods"_s, QJsonValue::Null},
        {u"cancellation_reason"_s, QJsonValue::Null},
        {u"client_secret"_s, QString(id + u"_secret_"_s + m_context.randomToken(25))},
        {u"created"_s, m_context.now()},
        {u"customer"_s, customerId.isEmpty() ? QJsonValue() : QJsonValue(customerId)},
        {u"description"_s, QJsonValue::Null},
        {u"flow_directions"_s, QJsonValue::Null},
        {u"last_setup_error"_s, QJsonValue::Null},
        {u"latest_attempt"_s, QJsonValue::Null},
        {u"livemode"_s, false},
        {u"mandate"_s, QJsonValue::Null},
        {u"metadata"_s, QJsonObject()},
        {u"next_action"_s, QJsonValue::Null},
        {u"on_behalf_of"_s, QJsonValue::Null},
        {u"payment_method"_s, QJsonValue::Null},
        {u"payment_method_options"_s, QJsonObject()},
        {u"payment_method_types"_s,
         paymentMethodTypes.isEmpty() ? QJsonArray{u"card"_s} : paymentMethodTypes},
        {u"single_use_mandate"_s, QJsonValue::Null},
        {u"status"_s, u"requires_payment_method"_s},
        {u"usage"_s, u"off_session"_s},
    };
}

ApiReply SetupIntents::confirmWith(QJsonObject seti, const QJsonObject &pm, bool authenticated)
{
    const std::optional<TestCard> card = m_paymentMethods.cardOf(pm);
    seti.insert(u"payment_method"_s, pm.value(u"id"_s));
    seti.insert(u"last_setup_error"_s, QJsonValue::Null);
    seti.insert(u"next_action"_s, QJsonValue::Null);
    if (card && card->outcome == TestCard::Outcome::RequireAuthentication && !authenticated) {
        seti.insert(u"status"_s, u"requires_action"_s);
        seti.insert(u"next_action"_s,
                    QJsonObject{{u"type"_s, u"redirect_to_url"_s},
                                {u"redirect_to_url"_s,
                                 QJsonObject{{u"return_url"_s, QJsonValue::Null},
                                             {u"url"_s, QString(m_context.baseUrl() + u"/_sim/3ds/"_s +
                                                                seti.value(u"id"_s).toString())}}}});
        m_context.store.update(seti);
        m_context.emitEvent(u"setup_intent.requires_action"_s, seti);
        return ApiReply::ok(seti);
    }
    if (card && card->outcome == TestCard::Outcome::Decline) {
        const QString message = TestCards::declineMessage(card->errorCode, card->declineCode);
        seti.insert(u"status"_s, u"requires_payment_method"_s);
        seti.insert(u"payment_method"_s, QJsonValue::Null);
        seti.insert(u"last_setup_error"_s, QJsonObject{{u"type"_s, u"card_error"_s},
                                                       {u"code"_s, card->errorCode},
                                                       {u"decline_code"_s, card->declineCode},
                                                       {u"message"_s, message},
                                                       {u"payment_method"_s, pm}});
        m_context.store.update(seti);
        m_context.emitEvent(u"setup_intent.setup_failed"_s, seti);
        return ApiReply::error(402, u"card_error"_s, message, card->errorCode)
            .withErrorField(u"decline_code"_s, card->declineCode)
            .withErrorField(u"setup_intent"_s, seti);
    }
    const QString customerId = seti.value(u"customer"_s).toString();
    if (!customerId.isEmpty() && pm.value(u"customer"_s).toString() != customerId) {
        const ApiReply attached =
            m_paymentMethods.attach(pm.value(u"id"_s).toString(), customerId, u"payment_method"_s, true);
        if (attached.status != 200)
            return attached;
    }
    seti.insert(u"status"_s, u"succeeded"_s);
    m_context.store.update(seti);
    m_context.emitEvent(u"setup_intent.succeeded"_s, seti);
    return ApiReply::ok(seti);
}

ApiReply SetupIntents::completeAuthentication(const QString &setupIntentId, bool success)
{
    QJsonObject seti = m_context.store.get(setupIntentId, u"setup_intent");
    if (seti.isEmpty())
        return ApiReply::noSuch(u"setup_intent", setupIntentId, u"intent"_s);
    if (seti.value(u"status"_s).toString() != u"requires_action"_s)
        return ApiReply::unexpectedState(u"This SetupIntent is not waiting for authentication."_s,
                                         u"setup_intent_unexpected_state"_s);
    const QJsonObject pm = m_context.store.get(seti.value(u"payment_method"_s).toString());
    if (success)
        return confirmWith(seti, pm, true);
    seti.insert(u"status"_s, u"requires_payment_method"_s);
    seti.insert(u"next_action"_s, QJsonValue::Null);
    seti.insert(u"payment_method"_s, QJsonValue::Null);
    seti.insert(
        u"last_setup_error"_s,
        QJsonObject{{u"type"_s, u"invalid_request_error"_s},
                    {u"code"_s, u"setup_intent_authentication_failure"_s},
                    {u"message"_s, u"The latest attempt to set up the payment method has failed because "
                                   "authentication failed."_s},
                    {u"payment_method"_s, pm}});
    m_context.store.update(seti);
    m_context.emitEvent(u"setup_intent.setup_failed"_s, seti);
    return ApiReply::ok(seti);
}

ApiReply SetupIntents::create(const ApiCall &call)
{
    const QString customerId = call.string(u"customer"_s);
    if (!customerId.isEmpty() && m_customers.find(customerId).isEmpty())
        return ApiReply::noSuchParam(u"customer", customerId, u"customer"_s);
    if (auto error = api::checkMetadata(call.params.value(u"metadata"_s)))
        return *error;
    QJsonObject seti = newIntent(customerId, call.params.value(u"payment_method_types"_s).toArray());
    api::copyParams(seti, call, {u"description"_s, u"usage"_s});
    api::updateMetadata(seti, call);
    QJsonObject pm;
    if (call.has(u"payment_method"_s)) {
        ApiReply error;
        pm = m_paymentMethods.resolve(call.string(u"payment_method"_s), u"payment_method"_s, &error);
        if (pm.isEmpty())
            return error;
        seti.insert(u"payment_method"_s, pm.value(u"id"_s));
        seti.insert(u"status"_s, u"requires_confirmation"_s);
    }
    const bool confirmNow = call.params.value(u"confirm"_s).toBool();
    if (confirmNow && pm.isEmpty())
        return ApiReply::invalidRequest(
            u"You cannot confirm this SetupIntent because it's missing a payment method."_s,
            u"payment_method"_s, u"setup_intent_unexpected_state"_s);
    m_context.store.insert(seti);
    m_context.emitEvent(u"setup_intent.created"_s, seti);
    const ApiReply result = confirmNow ? confirmWith(seti, pm, false) : ApiReply::ok(seti);
    return result.status == 200 ? api::object(m_context, call, result.body) : result;
}

ApiReply SetupIntents::retrieve(const ApiCall &call)
{
    const QJsonObject seti = m_context.store.get(call.arg(), u"setup_intent");
    if (seti.isEmpty())
        return ApiReply::noSuch(u"setup_intent", call.arg(), u"intent"_s);
    return api::object(m_context, call, seti);
}

ApiReply SetupIntents::update(const ApiCall &call)
{
    QJsonObject seti = m_context.store.get(call.arg(), u"setup_intent");
    if (seti.isEmpty())
        return ApiReply::noSuch(u"setup_intent", call.arg(), u"intent"_s);
    if (auto error = api::updateMetadata(seti, call))
        return *error;
    api::copyParams(seti, call, {u"description"_s});
    m_context.store.update(seti);
    return api::object(m_context, call, seti);
}

ApiReply SetupIntents::list(const ApiCall &call)
{
    const QString customer = call.string(u"customer"_s);
    return api::list(m_context, call, u"setup_intent"_s, u"/v1/setup_intents"_s,
                     [customer](const QJsonObject &s) {
                         return customer.isEmpty() || s.value(u"customer"_s).toString() == customer;
                     });
}

ApiReply SetupIntents::confirm(const ApiCall &call)
{
    QJsonObject seti = m_context.store.get(call.arg(), u"setup_intent");
    if (seti.isEmpty())
        return ApiReply::noSuch(u"setup_intent", call.arg(), u"intent"_s);
    const QString status = seti.value(u"status"_s).toString();
    if (!Confirmable.contains(status))
        return ApiReply::unexpectedState(
            u"You cannot confirm this SetupIntent because it has a status of %1."_s.arg(status),
            u"setup_intent_unexpected_state"_s);
    ApiReply error;
    QJsonObject pm;
    if (call.has(u"payment_method"_s))
        pm = m_paymentMethods.resolve(call.string(u"payment_method"_s), u"payment_method"_s, &error);
    else
        pm = m_context.store.get(seti.value(u"payment_method"_s).toString(), u"payment_method");
    if (pm.isEmpty())
        return call.has(u"payment_method"_s)
                   ? error
                   : ApiReply::invalidRequest(
                         u"You cannot confirm this SetupIntent because it's missing a payment method."_s,
                         u"payment_method"_s, u"setup_intent_unexpected_state"_s);
    const ApiReply result = confirmWith(seti, pm, false);
    return result.status == 200 ? api::object(m_context, call, result.body) : result;
}

ApiReply SetupIntents::cancel(const ApiCall &call)
{
    QJsonObject seti = m_context.store.get(call.arg(), u"setup_intent");
    if (seti.isEmpty())
        return ApiReply::noSuch(u"setup_intent", call.arg(), u"intent"_s);
    const QString status = seti.value(u"status"_s).toString();
    if (!Confirmable.contains(status))
        return ApiReply::unexpectedState(
            u"You cannot cancel this SetupIntent because it has a status of %1."_s.arg(status),
            u"setup_intent_unexpected_state"_s);
    seti.insert(u"status"_s, u"canceled"_s);
    seti.insert(u"cancellation_reason"_s, call.has(u"cancellation_reason"_s)
                                              ? QJsonValue(call.string(u"cancellation_reason"_s))
                                              : QJsonValue());
    m_context.store.update(seti);
    m_context.emitEvent(u"setup_intent.canceled"_s, seti);
    return api::object(m_context, call, seti);
}

} // namespace kassa::sim
