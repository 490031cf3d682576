#include "sim/resources/paymentintents.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/charges.h"
#include "sim/resources/customers.h"
#include "sim/resources/paymentmethods.h"
#include "sim/resources/searchquery.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

const QStringList ConfirmableStatuses{u"requires_payment_method"_s, u"requires_confirmation"_s,
                                      u"requires_action"_s};
const QStringList CancelableStatuses{u"requires_payment_method"_s, u"requires_capture"_s,
                                     u"requires_confirmation"_s, u"requires_action"_s, u"processing"_s};

QString statusList(const QStringList &statuses)
{
    return statuses.join(u", ");
}

} // namespace

PaymentIntents::PaymentIntents(SimContext &context, PaymentMethods &paymentMethods, Charges &charges,
                               Customers &customers)
    : m_context(context)
    , m_paymentMethods(paymentMethods)
    , m_charges(charges)
    , m_customers(customers)
{
}

void PaymentIntents::registerRoutes(Router &router)
{
    router.add(u"POST"_s, u"/v1/payment_intents"_s, [this](const ApiCall &c) { return create(c); });
    router.add(u"GET"_s, u"/v1/payment_intents"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/payment_intents/search"_s, [this](const ApiCall &c) { return search(c); });
    router.add(u"GET"_s, u"/v1/payment_intents/{intent}"_s, [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/payment_intents/{intent}"_s, [this](const ApiCall &c) { return update(c); });
    router.add(u"POST"_s, u"/v1/payment_intents/{intent}/confirm"_s,
               [this](const ApiCall &c) { return confirm(c); });
    router.add(u"POST"_s, u"/v1/payment_intents/{intent}/capture"_s,
               [this](const ApiCall &c) { return capture(c); });
    router.add(u"POST"_s, u"/v1/payment_intents/{intent}/cancel"_s,
               [this](const ApiCall &c) { return cancel(c); });
}

QJsonObject PaymentIntents::newIntent(qint64 amount, const QString &currency,
                                      const QJsonArray &paymentMethodTypes)
{
    const QString id = m_context.newId(u"pi");
    const bool automatic = paymentMethodTypes.isEmpty();
    return QJsonObject{
        {u"id"_s, id},
        {u"object"_s, u"payment_intent"_s},
        {u"amount"_s, amount},
        {u"amount_capturable"_s, 0},
        {u"amount_details"_s, QJsonObject{{u"tip"_s, QJsonObject()}}},
        {u"amount_received"_s, 0},
        {u"application"_s, QJsonValue::Null},
        {u"application_fee_amount"_s, QJsonValue::Null},
        {u"automatic_payment_methods"_s,
         automatic ? QJsonValue(QJsonObject{{u"allow_redirects"_s, u"always"_s}, {u"enabled"_s, true}})
                   : QJsonValue()},
        {u"canceled_at"_s, QJsonValue::Null},
        {u"cancellation_reason"_s, QJsonValue::Null},
        {u"capture_method"_s, u"automatic"_s},
        {u"client_secret"_s, QString(id + u"_secret_"_s + m_context.randomToken(25))},
        {u"confirmation_method"_s, u"automatic"_s},
        {u"created"_s, m_context.now()},
        {u"currency"_s, currency},
        {u"customer"_s, QJsonValue::Null},
        {u"description"_s, QJsonValue::Null},
        {u"last_payment_error"_s, QJsonValue::Null},
        {u"latest_charge"_s, QJsonValue::Null},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject()},
        {u"next_action"_s, QJsonValue::Null},
        {u"on_behalf_of"_s, QJsonValue::Null},
        {u"payment_method"_s, QJsonValue::Null},
        {u"payment_method_configuration_details"_s, QJsonValue::Null},
        {u"payment_method_options"_s, QJsonObject()},
        {u"payment_method_types"_s, automatic ? QJsonArray{u"card"_s} : paymentMethodTypes},
        {u"processing"_s, QJsonValue::Null},
        {u"receipt_email"_s, QJsonValue::Null},
        {u"review"_s, QJsonValue::Null},
        {u"setup_future_usage"_s, QJsonValue::Null},
        {u"shipping"_s, QJsonValue::Null},
        {u"source"_s, QJsonValue::Null},
        {u"statement_descriptor"_s, QJsonValue::Null},
        {u"statement_descriptor_suffix"_s, QJsonValue::Null},
        {u"status"_s, u"requires_payment_method"_s},
        {u"transfer_data"_s, QJsonValue::Null},
        {u"transfer_group"_s, QJsonValue::Null},
    };
}

QJsonObject PaymentIntents::paymentMethodFor(const QJsonObject &paymentIntent, const QString &idOrToken,
                                             ApiReply *error)
{
    QJsonObject pm = m_paymentMethods.resolve(idOrToken, u"payment_method"_s, error);
    if (pm.isEmpty())
        return pm;
    const QString owner = pm.value(u"customer"_s).toString();
    const QString customer = paymentIntent.value(u"customer"_s).toString();
    if (!owner.isEmpty() && customer.isEmpty()) {
        *error = ApiReply::invalidRequest(
            u"The provided PaymentMethod was previously attached to a Customer. To use a PaymentMethod that "
            u"has been "
            "attached to a Customer, please also provide the Customer ID (%1)."_s.arg(owner),
            u"payment_method"_s);
        return {};
    }
    if (!owner.isEmpty() && owner != customer) {
        *error = ApiReply::invalidRequest(
            u"The provided PaymentMethod belongs to a different Customer (%1) than this PaymentIntent (%2)."_s
                .arg(owner, customer),
            u"payment_method"_s);
        return {};
    }
    const QString type = pm.value(u"type"_s).toString();
    const QJsonArray types = paymentIntent.value(u"payment_method_types"_s).toArray();
    if (!types.contains(QJsonValue(type))) {
        QStringList allowed;
        for (const QJsonValue &allowedType : types)
            allowed.append(allowedType.toString());
        *error = ApiReply::invalidRequest(
            u"The PaymentMethod provided (%1) is not allowed for this PaymentIntent. Please attach a "
            u"PaymentMethod of "
            "one of the following types: %2. Alternatively update the allowed payment_method_types for this "
            "PaymentIntent to include \"%1\"."_s.arg(type, allowed.join(u", ")),
            u"payment_method"_s, u"payment_intent_incompatible_payment_method"_s);
        return {};
    }
    return pm;
}

ApiReply PaymentIntents::confirmWith(QJsonObject pi, const QJsonObject &pm, const ConfirmOptions &options)
{
    const std::optional<TestCard> card = m_paymentMethods.cardOf(pm);
    pi.insert(u"payment_method"_s, pm.value(u"id"_s));
    pi.insert(u"last_payment_error"_s, QJsonValue::Null);
    pi.insert(u"next_action"_s, QJsonValue::Null);
    const bool cardPresent = pm.value(u"type"_s).toString() == u"card_present"_s;

    if (card && card->outcome == TestCard::Outcome::RequireAuthentication && !options.authenticated &&
        !cardPresent) {
        if (options.errorOnRequiresAction) {
            Charges::Outcome outcome{false, u"authentication_required"_s, u"authentication_required"_s,
                                     false};
            const QJsonObject charge = m_charges.create(pi, pm, outcome);
            pi.insert(u"latest_charge"_s, charge.value(u"id"_s));
            pi.insert(u"status"_s, u"requires_payment_method"_s);
            pi.insert(u"payment_method"_s, QJsonValue::Null);
            const QString message = u"Your card was declined. This transaction requires authentication."_s;
            pi.insert(u"last_payment_error"_s, QJsonObject{{u"type"_s, u"card_error"_s},
                                                           {u"code"_s, u"authentication_required"_s},
                                                           {u"decline_code"_s, u"authentication_required"_s},
                                                           {u"message"_s, message},
                                                           {u"charge"_s, charge.value(u"id"_s)},
                                                           {u"payment_method"_s, pm}});
            m_context.store.update(pi);
            m_context.emitEvent(u"charge.failed"_s, charge);
            m_context.emitEvent(u"payment_intent.payment_failed"_s, pi);
            return ApiReply::error(402, u"card_error"_s, message, u"authentication_required"_s)
                .withErrorField(u"decline_code"_s, u"authentication_required"_s)
                .withErrorField(u"charge"_s, charge.value(u"id"_s))
                .withErrorField(u"payment_intent"_s, pi)
                .withErrorField(u"payment_method"_s, pm);
        }
        const QString url = m_context.baseUrl() + u"/_sim/3ds/"_s + pi.value(u"id"_s).toString();
        pi.insert(u"status"_s, u"requires_action"_s);
        pi.insert(u"next_action"_s,
                  QJsonObject{{u"type"_s, u"redirect_to_url"_s},
                              {u"redirect_to_url"_s,
                               QJsonObject{{u"return_url"_s, options.returnUrl.isEmpty()
                                                                 ? QJsonValue()
                                                                 : QJsonValue(options.returnUrl)},
                                           {u"url"_s, url}}}});
        m_context.store.update(pi);
        m_context.emitEvent(u"payment_intent.requires_action"_s, pi);
        return ApiReply::ok(pi);
    }

    Charges::Outcome outcome;
    outcome.threeDSecureAuthenticated = options.authenticated;
    if (!options.forcedDeclineCode.isEmpty()) {
        outcome.succeeded = false;
        outcome.errorCode = u"card_declined"_s;
        outcome.declineCode = options.forcedDeclineCode;
    } else if (card && card->outcome == TestCard::Outcome::Decline) {
        outcome.succeeded = false;
        outcome.errorCode = card->errorCode;
        outcome.declineCode = card->declineCode;
    }
    const QJsonObject charge = m_charges.create(pi, pm, outcome);
    pi.insert(u"latest_charge"_s, charge.value(u"id"_s));

    if (!outcome.succeeded) {
        const QString message = TestCards::declineMessage(outcome.errorCode, outcome.declineCode);
        pi.insert(u"status"_s, u"requires_payment_method"_s);
        pi.insert(u"payment_method"_s, QJsonValue::Null);
        QJsonObject lastError{{u"type"_s, u"card_error"_s},
                              {u"code"_s, outcome.errorCode},
                              {u"message"_s, message},
                              {u"charge"_s, charge.value(u"id"_s)},
                              {u"payment_method"_s, pm},
                              {u"doc_url"_s, QString(u"https://stripe.com/docs/error-codes/"_s +
                                                     QString(outcome.errorCode).replace(u'_', u'-'))}};
        if (outcome.errorCode == u"card_declined"_s)
            lastError.insert(u"decline_code"_s, outcome.declineCode);
        pi.insert(u"last_payment_error"_s, lastError);
        m_context.store.update(pi);
        m_context.emitEvent(u"charge.failed"_s, charge);
        m_context.emitEvent(u"payment_intent.payment_failed"_s, pi);
        ApiReply reply = ApiReply::error(402, u"card_error"_s, message, outcome.errorCode);
        if (outcome.errorCode == u"card_declined"_s)
            reply.withErrorField(u"decline_code"_s, outcome.declineCode);
        reply.withErrorField(u"charge"_s, charge.value(u"id"_s))
            .withErrorField(u"payment_intent"_s, pi)
            .withErrorField(u"payment_method"_s, pm);
        return reply;
    }

    const qint64 amount = pi.value(u"amount"_s).toInteger();
    if (pi.value(u"capture_method"_s).toString() == u"manual"_s) {
        pi.insert(u"status"_s, u"requires_capture"_s);
        pi.insert(u"amount_capturable"_s, amount);
        m_context.store.update(pi);
        m_context.emitEvent(u"charge.succeeded"_s, charge);
        m_context.emitEvent(u"payment_intent.amount_capturable_updated"_s, pi,
                            QJsonObject{{u"amount_capturable"_s, 0}});
    } else {
        pi.insert(u"status"_s, u"succeeded"_s);
        pi.insert(u"amount_received"_s, amount);
        m_context.store.update(pi);
        m_context.emitEvent(u"charge.succeeded"_s, charge);
        m_context.emitEvent(u"payment_intent.succeeded"_s, pi);
    }
    return ApiReply::ok(pi);
}

ApiReply PaymentIntents::completeAuthentication(const QString &paymentIntentId, bool success)
{
    QJsonObject pi = m_context.store.get(paymentIntentId, u"payment_intent");
    if (pi.isEmpty())
        return ApiReply::noSuch(u"payment_intent", paymentIntentId, u"intent"_s);
    if (pi.value(u"status"_s).toString() != u"requires_action"_s)
        return ApiReply::unexpectedState(
            u"This PaymentIntent is not waiting for authentication; its status is %1."_s.arg(
                pi.value(u"status"_s).toString()),
            u"payment_intent_unexpected_state"_s);
    const QJsonObject pm = m_context.store.get(pi.value(u"payment_method"_s).toString());
    if (success)
        return confirmWith(pi, pm, ConfirmOptions{QString(), false, true, QString()});
    const QString message =
        u"The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new "
        "PaymentMethod to attempt to fulfill this PaymentIntent again."_s;
    pi.insert(u"status"_s, u"requires_payment_method"_s);
    pi.insert(u"next_action"_s, QJsonValue::Null);
    pi.insert(u"payment_method"_s, QJsonValue::Null);
    pi.insert(u"last_payment_error"_s, QJsonObject{{u"type"_s, u"invalid_request_error"_s},
                                                   {u"code"_s, u"payment_intent_authentication_failure"_s},
                                                   {u"message"_s, message},
                                                   {u"payment_method"_s, pm}});
    m_context.store.update(pi);
    m_context.emitEvent(u"payment_intent.payment_failed"_s, pi);
    return ApiReply::ok(pi);
}

ApiReply PaymentIntents::reply(const ApiCall &call, const ApiReply &result)
{
    if (result.status != 200)
        return result;
    return api::object(m_context, call, result.body);
}

ApiReply PaymentIntents::create(const ApiCall &call)
{
    const QString currency = call.string(u"currency"_s);
    const qint64 amount = call.params.value(u"amount"_s).toInteger();
    if (auto error = api::checkAmount(currency, amount))
        return *error;
    if (auto error = api::checkMetadata(call.params.value(u"metadata"_s)))
        return *error;
    const QString customerId = call.string(u"customer"_s);
    if (!customerId.isEmpty() && m_customers.find(customerId).isEmpty())
        return ApiReply::noSuchParam(u"customer", customerId, u"customer"_s);
    if (call.has(u"automatic_payment_methods"_s) && call.has(u"payment_method_types"_s))
        return ApiReply::invalidRequest(
            u"You may only specify one of these parameters: automatic_payment_methods, payment_method_types."_s,
            u"automatic_payment_methods"_s, u"parameters_exclusive"_s);
    const bool confirmNow = call.params.value(u"confirm"_s).toBool();
    if (!confirmNow && (call.has(u"return_url"_s) || call.has(u"error_on_requires_action"_s)))
        return ApiReply::invalidRequest(
            u"%1 can only be used with confirm=true."_s.arg(
                call.has(u"return_url"_s) ? u"return_url"_s : u"error_on_requires_action"_s),
            call.has(u"return_url"_s) ? u"return_url"_s : u"error_on_requires_action"_s);

    QJsonObject pi = newIntent(amount, currency, call.params.value(u"payment_method_types"_s).toArray());
    api::copyParams(pi, call,
                    {u"customer"_s, u"description"_s, u"receipt_email"_s, u"capture_method"_s,
                     u"confirmation_method"_s, u"setup_future_usage"_s, u"statement_descriptor"_s,
                     u"statement_descriptor_suffix"_s, u"shipping"_s, u"transfer_group"_s,
                     u"payment_method_options"_s});
    api::updateMetadata(pi, call);
    QJsonObject pm;
    if (call.has(u"payment_method"_s)) {
        ApiReply error;
        pm = paymentMethodFor(pi, call.string(u"payment_method"_s), &error);
        if (pm.isEmpty())
            return error;
        pi.insert(u"payment_method"_s, pm.value(u"id"_s));
        pi.insert(u"status"_s, u"requires_confirmation"_s);
    }
    if (confirmNow && pm.isEmpty())
        return ApiReply::invalidRequest(u"You cannot confirm this PaymentIntent because it's missing a "
                                        u"payment method. You can either update the "
                                        "PaymentIntent with a payment method and then confirm it again, or "
                                        "confirm it again directly with a "
                                        "payment method."_s,
                                        u"payment_method"_s, u"payment_intent_unexpected_state"_s);
    m_context.store.insert(pi);
    m_context.emitEvent(u"payment_intent.created"_s, pi);
    if (!confirmNow)
        return api::object(m_context, call, pi);
    return reply(call, confirmWith(pi, pm,
                                   ConfirmOptions{call.string(u"return_url"_s),
                                                  call.params.value(u"error_on_requires_action"_s).toBool(),
                                                  false, QString()}));
}

ApiReply PaymentIntents::retrieve(const ApiCall &call)
{
    const QJsonObject pi = m_context.store.get(call.arg(), u"payment_intent");
    if (pi.isEmpty())
        return ApiReply::noSuch(u"payment_intent", call.arg(), u"intent"_s);
    return api::object(m_context, call, pi);
}

ApiReply PaymentIntents::update(const ApiCall &call)
{
    QJsonObject pi = m_context.store.get(call.arg(), u"payment_intent");
    if (pi.isEmpty())
        return ApiReply::noSuch(u"payment_intent", call.arg(), u"intent"_s);
    const QString status = pi.value(u"status"_s).toString();
    for (const QString &field :
         {u"amount"_s, u"currency"_s, u"payment_method"_s, u"payment_method_types"_s}) {
        if (call.has(field) && !ConfirmableStatuses.contains(status))
            return ApiReply::unexpectedState(
                u"This PaymentIntent's %1 could not be updated because it has a status of %2. You may only "
                u"update the "
                "%1 of a PaymentIntent with one of the following statuses: %3."_s.arg(
                    field, status, statusList(ConfirmableStatuses)),
                u"payment_intent_unexpected_state"_s);
    }
    const QString currency =
        call.has(u"currency"_s) ? call.string(u"currency"_s) : pi.value(u"currency"_s).toString();
    const qint64 amount = call.has(u"amount"_s) ? call.params.value(u"amount"_s).toInteger()
                                                : pi.value(u"amount"_s).toInteger();
    if (call.has(u"amount"_s) || call.has(u"currency"_s)) {
        if (auto error = api::checkAmount(currency, amount))
            return *error;
    }
    const QString customerId = call.string(u"customer"_s);
    if (!customerId.isEmpty() && m_customers.find(customerId).isEmpty())
        return ApiReply::noSuchParam(u"customer", customerId, u"customer"_s);
    if (auto error = api::updateMetadata(pi, call))
        return *error;
    api::copyParams(pi, call,
                    {u"amount"_s, u"currency"_s, u"customer"_s, u"description"_s, u"receipt_email"_s,
                     u"capture_method"_s, u"setup_future_usage"_s, u"statement_descriptor"_s,
                     u"statement_descriptor_suffix"_s, u"shipping"_s, u"payment_method_types"_s,
                     u"transfer_group"_s});
    if (call.has(u"payment_method"_s)) {
        ApiReply error;
        const QJsonObject pm = paymentMethodFor(pi, call.string(u"payment_method"_s), &error);
        if (pm.isEmpty())
            return error;
        pi.insert(u"payment_method"_s, pm.value(u"id"_s));
        pi.insert(u"next_action"_s, QJsonValue::Null);
        pi.insert(u"status"_s, u"requires_confirmation"_s);
    }
    m_context.store.update(pi);
    return api::object(m_context, call, pi);
}

ApiReply PaymentIntents::confirm(const ApiCall &call)
{
    QJsonObject pi = m_context.store.get(call.arg(), u"payment_intent");
    if (pi.isEmpty())
        return ApiReply::noSuch(u"payment_intent", call.arg(), u"intent"_s);
    const QString status = pi.value(u"status"_s).toString();
    if (!ConfirmableStatuses.contains(status))
        return ApiReply::unexpectedState(u"You cannot confirm this PaymentIntent because it has a status of "
                                         u"%1. Only a PaymentIntent with "
                                         "one of the following statuses may be confirmed: %2."_s.arg(
                                             status, statusList(ConfirmableStatuses)),
                                         u"payment_intent_unexpected_state"_s)
            .withErrorField(u"payment_intent"_s, pi);
    if (auto error = api::updateMetadata(pi, call))
        return *error;
    api::copyParams(pi, call,
                    {u"receipt_email"_s, u"capture_method"_s, u"setup_future_usage"_s, u"shipping"_s});
    QJsonObject pm;
    ApiReply error;
    if (call.has(u"payment_method"_s))
        pm = paymentMethodFor(pi, call.string(u"payment_method"_s), &error);
    else if (!pi.value(u"payment_method"_s).toString().isEmpty())
        pm = m_context.store.get(pi.value(u"payment_method"_s).toString());
    else
        error = ApiReply::invalidRequest(u"You cannot confirm this PaymentIntent because it's missing a "
                                         u"payment method. You can either update the "
                                         "PaymentIntent with a payment method and then confirm it again, or "
                                         "confirm it again directly with a "
                                         "payment method."_s,
                                         u"payment_method"_s, u"payment_intent_unexpected_state"_s);
    if (pm.isEmpty())
        return error;
    if (pm.value(u"type"_s).toString() == u"card_present"_s)
        return ApiReply::invalidRequest(u"card_present PaymentMethods are confirmed by a reader: use "
                                        "/v1/terminal/readers/{reader}/process_payment_intent."_s,
                                        u"payment_method"_s);
    return reply(call, confirmWith(pi, pm,
                                   ConfirmOptions{call.string(u"return_url"_s),
                                                  call.params.value(u"error_on_requires_action"_s).toBool(),
                                                  false, QString()}));
}

ApiReply PaymentIntents::capture(const ApiCall &call)
{
    QJsonObject pi = m_context.store.get(call.arg(), u"payment_intent");
    if (pi.isEmpty())
        return ApiReply::noSuch(u"payment_intent", call.arg(), u"intent"_s);
    const QString status = pi.value(u"status"_s).toString();
    if (status != u"requires_capture"_s)
        return ApiReply::unexpectedState(
                   u"This PaymentIntent could not be captured because it has a status of %1. Only a "
                   u"PaymentIntent "
                   "with one of the following statuses may be captured: requires_capture."_s.arg(status),
                   u"payment_intent_unexpected_state"_s)
            .withErrorField(u"payment_intent"_s, pi);
    const qint64 capturable = pi.value(u"amount_capturable"_s).toInteger();
    const qint64 toCapture =
        call.has(u"amount_to_capture"_s) ? call.params.value(u"amount_to_capture"_s).toInteger() : capturable;
    if (toCapture > capturable)
        return ApiReply::invalidRequest(
            u"The amount to capture (%1) must be less than or equal to the amount capturable (%2)."_s.arg(
                api::formatAmount(toCapture, pi.value(u"currency"_s).toString()),
                api::formatAmount(capturable, pi.value(u"currency"_s).toString())),
            u"amount_to_capture"_s, u"amount_too_large"_s);
    if (toCapture < 1)
        return ApiReply::invalidRequest(u"The amount to capture must be a positive integer."_s,
                                        u"amount_to_capture"_s);
    if (auto error = api::updateMetadata(pi, call))
        return *error;
    QJsonObject charge = m_context.store.get(pi.value(u"latest_charge"_s).toString());
    const QJsonObject chargeBefore = charge;
    charge.insert(u"captured"_s, true);
    charge.insert(u"amount_captured"_s, toCapture);
    charge.insert(u"balance_transaction"_s, m_context.newId(u"txn"));
    m_context.store.update(charge);
    pi.insert(u"status"_s, u"succeeded"_s);
    pi.insert(u"amount_capturable"_s, 0);
    pi.insert(u"amount_received"_s, toCapture);
    m_context.store.update(pi);
    m_context.emitEvent(u"charge.captured"_s, charge,
                        QJsonObject{{u"captured"_s, false},
                                    {u"amount_captured"_s, 0},
                                    {u"balance_transaction"_s, QJsonValue::Null}});
    m_context.emitEvent(u"payment_intent.succeeded"_s, pi);
    return api::object(m_context, call, pi);
}

ApiReply PaymentIntents::cancel(const ApiCall &call)
{
    QJsonObject pi = m_context.store.get(call.arg(), u"payment_intent");
    if (pi.isEmpty())
        return ApiReply::noSuch(u"payment_intent", call.arg(), u"intent"_s);
    const QString status = pi.value(u"status"_s).toString();
    if (!CancelableStatuses.contains(status))
        return ApiReply::unexpectedState(u"You cannot cancel this PaymentIntent because it has a status of "
                                         u"%1. Only a PaymentIntent with "
                                         "one of the following statuses may be canceled: %2."_s.arg(
                                             status, statusList(CancelableStatuses)),
                                         u"payment_intent_unexpected_state"_s)
            .withErrorField(u"payment_intent"_s, pi);
    if (status == u"requires_capture"_s) {
        QJsonObject charge = m_context.store.get(pi.value(u"latest_charge"_s).toString());
        charge.insert(u"refunded"_s, true);
        charge.insert(u"amount_refunded"_s, charge.value(u"amount"_s));
        m_context.store.update(charge);
        m_context.emitEvent(u"charge.refunded"_s, charge,
                            QJsonObject{{u"refunded"_s, false}, {u"amount_refunded"_s, 0}});
    }
    pi.insert(u"status"_s, u"canceled"_s);
    pi.insert(u"amount_capturable"_s, 0);
    pi.insert(u"next_action"_s, QJsonValue::Null);
    pi.insert(u"canceled_at"_s, m_context.now());
    pi.insert(u"cancellation_reason"_s, call.has(u"cancellation_reason"_s)
                                            ? QJsonValue(call.string(u"cancellation_reason"_s))
                                            : QJsonValue());
    m_context.store.update(pi);
    m_context.emitEvent(u"payment_intent.canceled"_s, pi);
    return api::object(m_context, call, pi);
}

ApiReply PaymentIntents::list(const ApiCall &call)
{
    const QString customer = call.string(u"customer"_s);
    return api::list(m_context, call, u"payment_intent"_s, u"/v1/payment_intents"_s,
                     [customer](const QJsonObject &pi) {
                         return customer.isEmpty() || pi.value(u"customer"_s).toString() == customer;
                     });
}

ApiReply PaymentIntents::search(const ApiCall &call)
{
    return SearchQuery::run(m_context, call, u"payment_intent"_s, u"/v1/payment_intents/search"_s,
                            {u"amount"_s, u"created"_s, u"currency"_s, u"customer"_s, u"metadata"_s,
                             u"status"_s, u"description"_s});
}

} // namespace kassa::sim
