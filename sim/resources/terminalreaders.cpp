#include "sim/resources/terminalreaders.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/paymentintents.h"
#include "sim/resources/paymentmethods.h"
#include "sim/resources/setupintents.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

TerminalReaders::TerminalReaders(SimContext &context, PaymentIntents &paymentIntents,
                                 SetupIntents &setupIntents, PaymentMethods &paymentMethods)
    : m_context(context)
    , m_paymentIntents(paymentIntents)
    , m_setupIntents(setupIntents)
    , m_paymentMethods(paymentMethods)
{
}

void TerminalReaders::registerRoutes(Router &router)
{
    router.add(u"GET"_s, u"/v1/terminal/readers"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/terminal/readers/{reader}"_s,
               [this](const ApiCall &c) { return retrieve(c); });
    router.add(u"POST"_s, u"/v1/terminal/readers/{reader}/process_payment_intent"_s,
               [this](const ApiCall &c) { return processPaymentIntent(c); });
    router.add(u"POST"_s, u"/v1/terminal/readers/{reader}/process_setup_intent"_s,
               [this](const ApiCall &c) { return processSetupIntent(c); });
    router.add(u"POST"_s, u"/v1/terminal/readers/{reader}/cancel_action"_s,
               [this](const ApiCall &c) { return cancelAction(c); });
    router.add(u"POST"_s, u"/v1/test_helpers/terminal/readers/{reader}/present_payment_method"_s,
               [this](const ApiCall &c) { return presentPaymentMethod(c); });
}

QString TerminalReaders::addReader(const QString &label)
{
    const QJsonObject reader{
        {u"id"_s, m_context.newId(u"tmr")},
        {u"object"_s, u"terminal.reader"_s},
        {u"action"_s, QJsonValue::Null},
        {u"device_sw_version"_s, u"2.26.3.0"_s},
        {u"device_type"_s, u"simulated_wisepos_e"_s},
        {u"ip_address"_s, u"0.0.0.0"_s},
        {u"label"_s, label},
        {u"last_seen_at"_s, m_context.now() * 1000},
        {u"livemode"_s, false},
        {u"location"_s, m_context.newId(u"tml", 14)},
        {u"metadata"_s, QJsonObject()},
        {u"serial_number"_s, QString(u"SIMULATOR-"_s + m_context.randomToken(8).toUpper())},
        {u"status"_s, u"online"_s},
        {u"created"_s, m_context.now()},
    };
    m_context.store.insert(reader);
    m_context.markDirty();
    return reader.value(u"id"_s).toString();
}

void TerminalReaders::ensureReader()
{
    if (m_context.store.count(u"terminal.reader"_s) == 0)
        addReader(u"Simulated reader"_s);
}

ApiReply TerminalReaders::list(const ApiCall &call)
{
    const QString status = call.string(u"status"_s);
    const QString deviceType = call.string(u"device_type"_s);
    const QString location = call.string(u"location"_s);
    return api::list(m_context, call, u"terminal.reader"_s, u"/v1/terminal/readers"_s,
                     [=](const QJsonObject &r) {
                         if (!status.isEmpty() && r.value(u"status"_s).toString() != status)
                             return false;
                         if (!deviceType.isEmpty() && r.value(u"device_type"_s).toString() != deviceType)
                             return false;
                         return location.isEmpty() || r.value(u"location"_s).toString() == location;
                     });
}

ApiReply TerminalReaders::retrieve(const ApiCall &call)
{
    const QJsonObject reader = m_context.store.get(call.arg(), u"terminal.reader");
    if (reader.isEmpty())
        return ApiReply::noSuch(u"terminal.reader", call.arg(), u"reader"_s);
    return api::object(m_context, call, reader);
}

QJsonObject TerminalReaders::idleReader(const QString &id, ApiReply *error) const
{
    const QJsonObject reader = m_context.store.get(id, u"terminal.reader");
    if (reader.isEmpty()) {
        *error = ApiReply::noSuch(u"terminal.reader", id, u"reader"_s);
        return {};
    }
    if (reader.value(u"action"_s).toObject().value(u"status"_s).toString() == u"in_progress"_s) {
        *error = ApiReply::invalidRequest(
            u"Reader is currently busy processing another request. Please reference the integration guide at "
            "https://stripe.com/docs/terminal/payments/"
            "collect-payment?terminal-sdk-platform=server-driven#handle-errors "
            "for details on how to handle this error."_s,
            QString(), u"terminal_reader_busy"_s);
        return {};
    }
    return reader;
}

ApiReply TerminalReaders::processPaymentIntent(const ApiCall &call)
{
    ApiReply error;
    QJsonObject reader = idleReader(call.arg(), &error);
    if (reader.isEmpty())
        return error;
    const QString piId = call.string(u"payment_intent"_s);
    const QJsonObject pi = m_context.store.get(piId, u"payment_intent");
    if (pi.isEmpty())
        return ApiReply::noSuchParam(u"payment_intent", piId, u"payment_intent"_s);
    const QString status = pi.value(u"status"_s).toString();
    if (status != u"requires_payment_method"_s && status != u"requires_confirmation"_s)
        return ApiReply::unexpectedState(
            u"This PaymentIntent has a status of %1 and cannot be processed by a reader."_s.arg(status),
            u"payment_intent_unexpected_state"_s);
    if (!pi.value(u"payment_method_types"_s).toArray().contains(QJsonValue(u"card_present"_s)))
        return ApiReply::invalidRequest(
            u"The PaymentIntent must include card_present in its payment_method_types to be processed by a reader."_s,
            u"payment_intent"_s);
    reader.insert(u"action"_s,
                  QJsonObject{{u"type"_s, u"process_payment_intent"_s},
                              {u"status"_s, u"in_progress"_s},
                              {u"failure_code"_s, QJsonValue::Null},
                              {u"failure_message"_s, QJsonValue::Null},
                              {u"process_payment_intent"_s, QJsonObject{{u"payment_intent"_s, piId}}}});
    m_context.store.update(reader);
    m_context.markDirty();
    return api::object(m_context, call, reader);
}

ApiReply TerminalReaders::processSetupIntent(const ApiCall &call)
{
    ApiReply error;
    QJsonObject reader = idleReader(call.arg(), &error);
    if (reader.isEmpty())
        return error;
    const QString setiId = call.string(u"setup_intent"_s);
    const QJsonObject seti = m_context.store.get(setiId, u"setup_intent");
    if (seti.isEmpty())
        return ApiReply::noSuchParam(u"setup_intent", setiId, u"setup_intent"_s);
    if (seti.value(u"status"_s).toString() != u"requires_payment_method"_s)
        return ApiReply::unexpectedState(
            u"This SetupIntent has a status of %1 and cannot be processed by a reader."_s.arg(
                seti.value(u"status"_s).toString()),
            u"setup_intent_unexpected_state"_s);
    reader.insert(u"action"_s,
                  QJsonObject{{u"type"_s, u"process_setup_intent"_s},
                              {u"status"_s, u"in_progress"_s},
                              {u"failure_code"_s, QJsonValue::Null},
                              {u"failure_message"_s, QJsonValue::Null},
                              {u"process_setup_intent"_s, QJsonObject{{u"setup_intent"_s, setiId}}}});
    m_context.store.update(reader);
    m_context.markDirty();
    return api::object(m_context, call, reader);
}

QJsonObject TerminalReaders::finishAction(QJsonObject reader, bool succeeded, const QString &failureCode,
                                          const QString &failureMessage)
{
    QJsonObject action = reader.value(u"action"_s).toObject();
    action.insert(u"status"_s, succeeded ? u"succeeded"_s : u"failed"_s);
    action.insert(u"failure_code"_s, failureCode.isEmpty() ? QJsonValue() : QJsonValue(failureCode));
    action.insert(u"failure_message"_s, failureMessage.isEmpty() ? QJsonValue() : QJsonValue(failureMessage));
    reader.insert(u"action"_s, action);
    reader.insert(u"last_seen_at"_s, m_context.now() * 1000);
    m_context.store.update(reader);
    m_context.emitEvent(
        succeeded ? u"terminal.reader.action_succeeded"_s : u"terminal.reader.action_failed"_s, reader);
    return reader;
}

ApiReply TerminalReaders::cancelAction(const ApiCall &call)
{
    const QJsonObject reader = m_context.store.get(call.arg(), u"terminal.reader");
    if (reader.isEmpty())
        return ApiReply::noSuch(u"terminal.reader", call.arg(), u"reader"_s);
    if (reader.value(u"action"_s).toObject().value(u"status"_s).toString() != u"in_progress"_s)
        return ApiReply::invalidRequest(u"This reader has no action in progress to cancel."_s, QString(),
                                        u"terminal_reader_action_unexpected_state"_s);
    return api::object(
        m_context, call,
        finishAction(reader, false, u"canceled"_s, u"The action was canceled by the integration."_s));
}

ApiReply TerminalReaders::presentPaymentMethod(const ApiCall &call)
{
    const QJsonObject reader = m_context.store.get(call.arg(), u"terminal.reader");
    if (reader.isEmpty())
        return ApiReply::noSuch(u"terminal.reader", call.arg(), u"reader"_s);
    const QJsonObject action = reader.value(u"action"_s).toObject();
    if (action.value(u"status"_s).toString() != u"in_progress"_s)
        return ApiReply::invalidRequest(
            u"This reader has no action in progress; call process_payment_intent or process_setup_intent first."_s,
            QString(), u"terminal_reader_action_unexpected_state"_s);
    const QString number = call.params.value(u"card_present"_s).toObject().value(u"number"_s).toString();
    std::optional<TestCard> card =
        m_context.testCards.byNumber(number.isEmpty() ? u"4242424242424242"_s : number);
    if (!card)
        return ApiReply::invalidRequest(u"The card number %1 is not a supported test card."_s.arg(
                                            number.size() > 4 ? u"ending in "_s + number.right(4) : number),
                                        u"card_present[number]"_s, u"invalid_number"_s);
    const QJsonObject cardPresent = m_paymentMethods.createFromCard(*card, true);

    if (action.value(u"type"_s).toString() == u"process_payment_intent"_s) {
        const QString piId =
            action.value(u"process_payment_intent"_s).toObject().value(u"payment_intent"_s).toString();
        QJsonObject pi = m_context.store.get(piId, u"payment_intent");
        PaymentIntents::ConfirmOptions options;
        options.forcedDeclineCode =
            TestCards::terminalDeclineCodeForAmount(pi.value(u"amount"_s).toInteger());
        const ApiReply result = m_paymentIntents.confirmWith(pi, cardPresent, options);
        if (result.status == 200)
            return api::object(m_context, call, finishAction(reader, true, {}, {}));
        const QJsonObject error = result.body.value(u"error"_s).toObject();
        return api::object(m_context, call,
                           finishAction(reader, false, error.value(u"code"_s).toString(),
                                        error.value(u"message"_s).toString()));
    }

    // process_setup_intent: the reader reads a card_present method; the saved one is a generated card.
    const QString setiId =
        action.value(u"process_setup_intent"_s).toObject().value(u"setup_intent"_s).toString();
    QJsonObject generated = m_paymentMethods.createFromCard(*card, false);
    QJsonObject generatedCard = generated.value(u"card"_s).toObject();
    generatedCard.insert(u"generated_from"_s,
                         QJsonObject{{u"charge"_s, QJsonValue::Null},
                                     {u"payment_method_details"_s,
                                      QJsonObject{{u"card_present"_s, cardPresent.value(u"card_present"_s)},
                                                  {u"type"_s, u"card_present"_s}}},
                                     {u"setup_attempt"_s, m_context.newId(u"setatt")}});
    generated.insert(u"card"_s, generatedCard);
    m_context.store.update(generated);
    const ApiReply result = m_setupIntents.confirmWith(m_context.store.get(setiId), generated, true);
    if (result.status == 200)
        return api::object(m_context, call, finishAction(reader, true, {}, {}));
    const QJsonObject error = result.body.value(u"error"_s).toObject();
    return api::object(
        m_context, call,
        finishAction(reader, false, error.value(u"code"_s).toString(), error.value(u"message"_s).toString()));
}

} // namespace kassa::sim
