#include "sim/resources/refunds.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/paymentmethods.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

Refunds::Refunds(SimContext &context, PaymentMethods &paymentMethods)
    : m_context(context)
    , m_paymentMethods(paymentMethods)
{
    m_context.setJobHandler(u"refund.settle"_s, [this](const QString &id) { settle(id); });
    m_context.setJobHandler(u"refund.fail"_s, [this](const QString &id) { fail(id); });
}

void Refunds::registerRoutes(Router &router)
{
    router.add(u"POST"_s, u"/v1/refunds"_s, [this](const ApiCall &c) { return create(c); });
    router.add(u"GET"_s, u"/v1/refunds"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/refunds/{refund}"_s, [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/refunds/{refund}"_s, [this](const ApiCall &c) { return update(c); });
    router.add(u"POST"_s, u"/v1/refunds/{refund}/cancel"_s, [this](const ApiCall &c) { return cancel(c); });
}

ApiReply Refunds::create(const ApiCall &call)
{
    const QString chargeId = call.string(u"charge"_s);
    const QString piId = call.string(u"payment_intent"_s);
    if (chargeId.isEmpty() && piId.isEmpty())
        return ApiReply::invalidRequest(u"One of the following params should be provided for this request: "
                                        "payment_intent or charge."_s,
                                        QString(), u"parameter_missing"_s);
    QJsonObject charge;
    if (!piId.isEmpty()) {
        const QJsonObject pi = m_context.store.get(piId, u"payment_intent");
        if (pi.isEmpty())
            return ApiReply::noSuchParam(u"payment_intent", piId, u"payment_intent"_s);
        if (pi.value(u"status"_s).toString() == u"requires_capture"_s)
            return ApiReply::invalidRequest(
                u"This PaymentIntent has not been captured; cancel it instead of refunding it."_s,
                u"payment_intent"_s, u"charge_not_refundable"_s);
        if (pi.value(u"status"_s).toString() != u"succeeded"_s)
            return ApiReply::invalidRequest(
                u"This PaymentIntent (%1) does not have a successful charge to refund."_s.arg(piId),
                u"payment_intent"_s);
        charge = m_context.store.get(pi.value(u"latest_charge"_s).toString(), u"charge");
        if (!chargeId.isEmpty() && chargeId != charge.value(u"id"_s).toString())
            return ApiReply::invalidRequest(
                u"The charge %1 does not belong to the PaymentIntent %2."_s.arg(chargeId, piId), u"charge"_s);
    } else {
        charge = m_context.store.get(chargeId, u"charge");
        if (charge.isEmpty())
            return ApiReply::noSuchParam(u"charge", chargeId, u"charge"_s);
    }
    if (charge.value(u"status"_s).toString() != u"succeeded"_s || !charge.value(u"captured"_s).toBool())
        return ApiReply::invalidRequest(
            u"Charge %1 cannot be refunded: it has not succeeded and been captured."_s.arg(
                charge.value(u"id"_s).toString()),
            u"charge"_s, u"charge_not_refundable"_s);
    const QString currency = charge.value(u"currency"_s).toString();
    const qint64 remaining =
        charge.value(u"amount_captured"_s).toInteger() - charge.value(u"amount_refunded"_s).toInteger();
    if (remaining <= 0)
        return ApiReply::invalidRequest(
            u"Charge %1 has already been refunded."_s.arg(charge.value(u"id"_s).toString()), QString(),
            u"charge_already_refunded"_s);
    const qint64 amount = call.has(u"amount"_s) ? call.params.value(u"amount"_s).toInteger() : remaining;
    if (amount < 1)
        return ApiReply::invalidRequest(u"Refund amount must be a positive integer."_s, u"amount"_s);
    if (amount > remaining)
        return ApiReply::invalidRequest(
            u"Refund amount (%1) is greater than unrefunded amount on charge (%2)"_s.arg(
                api::formatAmount(amount, currency), api::formatAmount(remaining, currency)),
            u"amount"_s, u"amount_too_large"_s);
    if (auto error = api::checkMetadata(call.params.value(u"metadata"_s)))
        return *error;

    const std::optional<TestCard> card =
        m_paymentMethods.cardOf(m_context.store.get(charge.value(u"payment_method"_s).toString()));
    const TestCard::RefundBehaviour behaviour = card ? card->refund : TestCard::RefundBehaviour::Succeed;
    const bool pending = behaviour == TestCard::RefundBehaviour::PendingThenSucceed;
    QJsonObject refund{
        {u"id"_s, m_context.newId(u"re")},
        {u"object"_s, u"refund"_s},
        {u"amount"_s, amount},
        {u"balance_transaction"_s, m_context.newId(u"txn")},
        {u"charge"_s, charge.value(u"id"_s)},
        {u"created"_s, m_context.now()},
        {u"currency"_s, currency},
        {u"destination_details"_s,
         QJsonObject{{u"card"_s, QJsonObject{{u"reference"_s, QJsonValue::Null},
                                             {u"reference_status"_s, u"pending"_s},
                                             {u"reference_type"_s, u"acquirer_reference_number"_s},
                                             {u"type"_s, u"refund"_s}}},
                     {u"type"_s, u"card"_s}}},
        {u"metadata"_s, QJsonObject()},
        {u"payment_intent"_s, charge.value(u"payment_intent"_s)},
        {u"reason"_s, call.has(u"reason"_s) ? QJsonValue(call.string(u"reason"_s)) : QJsonValue()},
        {u"receipt_number"_s, QJsonValue::Null},
        {u"source_transfer_reversal"_s, QJsonValue::Null},
        {u"status"_s, pending ? u"pending"_s : u"succeeded"_s},
        {u"transfer_reversal"_s, QJsonValue::Null},
    };
    api::updateMetadata(refund, call);
    m_context.store.insert(refund);

    const QJsonObject chargeBefore{{u"amount_refunded"_s, charge.value(u"amount_refunded"_s)},
                                   {u"refunded"_s, charge.value(u"refunded"_s)}};
    const qint64 refunded = charge.value(u"amount_refunded"_s).toInteger() + amount;
    charge.insert(u"amount_refunded"_s, refunded);
    charge.insert(u"refunded"_s, refunded == charge.value(u"amount_captured"_s).toInteger());
    m_context.store.update(charge);
    m_context.emitEvent(u"refund.created"_s, refund);
    m_context.emitEvent(u"charge.refunded"_s, charge, chargeBefore);
    if (pending)
        m_context.schedule(m_context.now() + TransitionDelaySeconds, u"refund.settle"_s,
                           refund.value(u"id"_s).toString());
    else if (behaviour == TestCard::RefundBehaviour::SucceedThenFail)
        m_context.schedule(m_context.now() + TransitionDelaySeconds, u"refund.fail"_s,
                           refund.value(u"id"_s).toString());
    return api::object(m_context, call, refund);
}

void Refunds::settle(const QString &refundId)
{
    QJsonObject refund = m_context.store.get(refundId, u"refund");
    if (refund.value(u"status"_s).toString() != u"pending"_s)
        return;
    refund.insert(u"status"_s, u"succeeded"_s);
    m_context.store.update(refund);
    const QJsonObject previous{{u"status"_s, u"pending"_s}};
    m_context.emitEvent(u"refund.updated"_s, refund, previous);
    m_context.emitEvent(u"charge.refund.updated"_s, refund, previous);
}

void Refunds::fail(const QString &refundId)
{
    QJsonObject refund = m_context.store.get(refundId, u"refund");
    if (refund.value(u"status"_s).toString() != u"succeeded"_s)
        return;
    refund.insert(u"status"_s, u"failed"_s);
    refund.insert(u"failure_reason"_s, u"expired_or_canceled_card"_s);
    refund.insert(u"failure_balance_transaction"_s, m_context.newId(u"txn"));
    m_context.store.update(refund);
    QJsonObject charge = m_context.store.get(refund.value(u"charge"_s).toString(), u"charge");
    const qint64 refunded =
        charge.value(u"amount_refunded"_s).toInteger() - refund.value(u"amount"_s).toInteger();
    charge.insert(u"amount_refunded"_s, qMax<qint64>(0, refunded));
    charge.insert(u"refunded"_s, false);
    m_context.store.update(charge);
    const QJsonObject previous{{u"status"_s, u"succeeded"_s}, {u"failure_reason"_s, QJsonValue::Null}};
    m_context.emitEvent(u"refund.updated"_s, refund, previous);
    m_context.emitEvent(u"refund.failed"_s, refund, previous);
    m_context.emitEvent(u"charge.refund.updated"_s, refund, previous);
}

ApiReply Refunds::retrieve(const ApiCall &call)
{
    const QJsonObject refund = m_context.store.get(call.arg(), u"refund");
    if (refund.isEmpty())
        return ApiReply::noSuch(u"refund", call.arg(), u"refund"_s);
    return api::object(m_context, call, refund);
}

ApiReply Refunds::update(const ApiCall &call)
{
    QJsonObject refund = m_context.store.get(call.arg(), u"refund");
    if (refund.isEmpty())
        return ApiReply::noSuch(u"refund", call.arg(), u"refund"_s);
    const QJsonObject before = refund.value(u"metadata"_s).toObject();
    if (auto error = api::updateMetadata(refund, call))
        return *error;
    m_context.store.update(refund);
    if (before != refund.value(u"metadata"_s).toObject())
        m_context.emitEvent(u"refund.updated"_s, refund, QJsonObject{{u"metadata"_s, before}});
    return api::object(m_context, call, refund);
}

ApiReply Refunds::list(const ApiCall &call)
{
    const QString charge = call.string(u"charge"_s);
    const QString pi = call.string(u"payment_intent"_s);
    return api::list(m_context, call, u"refund"_s, u"/v1/refunds"_s, [=](const QJsonObject &refund) {
        if (!charge.isEmpty() && refund.value(u"charge"_s).toString() != charge)
            return false;
        return pi.isEmpty() || refund.value(u"payment_intent"_s).toString() == pi;
    });
}

ApiReply Refunds::cancel(const ApiCall &call)
{
    QJsonObject refund = m_context.store.get(call.arg(), u"refund");
    if (refund.isEmpty())
        return ApiReply::noSuch(u"refund", call.arg(), u"refund"_s);
    const QString status = refund.value(u"status"_s).toString();
    if (status != u"requires_action"_s)
        return ApiReply::invalidRequest(
            u"Refund %1 cannot be canceled because it has a status of %2. Only refunds with a status of "
            "requires_action can be canceled."_s.arg(call.arg(), status),
            QString(), u"refund_unexpected_state"_s);
    refund.insert(u"status"_s, u"canceled"_s);
    m_context.store.update(refund);
    m_context.emitEvent(u"refund.updated"_s, refund, QJsonObject{{u"status"_s, status}});
    return api::object(m_context, call, refund);
}

} // namespace kassa::sim
