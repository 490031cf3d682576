#include "sim/resources/charges.h"

#include "sim/resources/apisupport.h"
#include "sim/resources/searchquery.h"
#include "sim/simcontext.h"

using namespace Qt::StringLiterals;

namespace kassa::sim {

Charges::Charges(SimContext &context)
    : m_context(context)
{
}

void Charges::registerRoutes(Router &router)
{
    router.add(u"GET"_s, u"/v1/charges"_s, [this](const ApiCall &c) { return list(c); });
    router.add(u"GET"_s, u"/v1/charges/search"_s, [this](const ApiCall &c) { return search(c); });
    router.add(u"GET"_s, u"/v1/charges/{charge}"_s, [this](const ApiCall &c) { return retrieve(c); });
}

QJsonObject Charges::create(const QJsonObject &paymentIntent, const QJsonObject &paymentMethod,
                            const Outcome &outcome)
{
    const QString id = m_context.newId(u"ch");
    const qint64 amount = paymentIntent.value(u"amount"_s).toInteger();
    const QString type = paymentMethod.value(u"type"_s).toString();
    const bool capture = paymentIntent.value(u"capture_method"_s).toString() != u"manual"_s;
    QJsonObject details = paymentMethod.value(type).toObject();
    details.remove(u"generated_from"_s);
    details.remove(u"display_brand"_s);
    if (type == u"card"_s || type == u"card_present"_s) {
        details.insert(u"network"_s, details.value(u"brand"_s));
        details.insert(u"amount_authorized"_s, outcome.succeeded ? QJsonValue(amount) : QJsonValue());
        details.insert(u"authorization_code"_s, outcome.succeeded ? QJsonValue(u"123456"_s) : QJsonValue());
    }
    if (type == u"card"_s) {
        details.insert(u"three_d_secure"_s,
                       outcome.threeDSecureAuthenticated
                           ? QJsonValue(QJsonObject{{u"authentication_flow"_s, u"challenge"_s},
                                                    {u"result"_s, u"authenticated"_s},
                                                    {u"version"_s, u"2.2.0"_s}})
                           : QJsonValue());
    }
    if (type == u"card_present"_s) {
        details.insert(
            u"receipt"_s,
            QJsonObject{{u"application_preferred_name"_s, details.value(u"brand"_s).toString().toUpper()},
                        {u"authorization_response_code"_s, outcome.succeeded ? u"3030"_s : u"3035"_s},
                        {u"cardholder_verification_method"_s, u"approval"_s}});
    }
    const QString sellerMessage = outcome.succeeded
                                      ? u"Payment complete."_s
                                      : u"The bank did not return any further details with this decline."_s;
    QJsonObject charge{
        {u"id"_s, id},
        {u"object"_s, u"charge"_s},
        {u"amount"_s, amount},
        {u"amount_captured"_s, outcome.succeeded && capture ? amount : 0},
        {u"amount_refunded"_s, 0},
        {u"application"_s, QJsonValue::Null},
        {u"application_fee"_s, QJsonValue::Null},
        {u"application_fee_amount"_s, QJsonValue::Null},
        {u"balance_transaction"_s,
         outcome.succeeded && capture ? QJsonValue(m_context.newId(u"txn")) : QJsonValue()},
        {u"billing_details"_s, paymentMethod.value(u"billing_details"_s)},
        {u"calculated_statement_descriptor"_s, u"KASSA DEMO"_s},
        {u"captured"_s, outcome.succeeded && capture},
        {u"created"_s, m_context.now()},
        {u"currency"_s, paymentIntent.value(u"currency"_s)},
        {u"customer"_s, paymentIntent.value(u"customer"_s)},
        {u"description"_s, paymentIntent.value(u"description"_s)},
        {u"disputed"_s, false},
        {u"failure_balance_transaction"_s, QJsonValue::Null},
        {u"failure_code"_s, outcome.succeeded ? QJsonValue() : QJsonValue(outcome.errorCode)},
        {u"failure_message"_s,
         outcome.succeeded ? QJsonValue()
                           : QJsonValue(TestCards::declineMessage(outcome.errorCode, outcome.declineCode))},
        {u"fraud_details"_s, QJsonObject()},
        {u"livemode"_s, false},
        {u"metadata"_s, paymentIntent.value(u"metadata"_s)},
        {u"on_behalf_of"_s, QJsonValue::Null},
        {u"outcome"_s,
         QJsonObject{
             {u"network_status"_s, outcome.succeeded ? u"approved_by_network"_s : u"declined_by_network"_s},
             {u"reason"_s, outcome.succeeded ? QJsonValue() : QJsonValue(outcome.declineCode)},
             {u"risk_level"_s, u"normal"_s},
             {u"risk_score"_s, 20},
             {u"seller_message"_s, sellerMessage},
             {u"type"_s, outcome.succeeded ? u"authorized"_s : u"issuer_declined"_s},
         }},
        {u"paid"_s, outcome.succeeded},
        {u"payment_intent"_s, paymentIntent.value(u"id"_s)},
        {u"payment_method"_s, paymentMethod.value(u"id"_s)},
        {u"payment_method_details"_s, QJsonObject{{type, details}, {u"type"_s, type}}},
        {u"receipt_email"_s, paymentIntent.value(u"receipt_email"_s)},
        {u"receipt_number"_s, QJsonValue::Null},
        {u"receipt_url"_s, QString(m_context.baseUrl() + u"/_sim/receipts/"_s + id)},
        {u"refunded"_s, false},
        {u"review"_s, QJsonValue::Null},
        {u"shipping"_s, QJsonValue::Null},
        {u"source_transfer"_s, QJsonValue::Null},
        {u"statement_descriptor"_s, QJsonValue::Null},
        {u"statement_descriptor_suffix"_s, QJsonValue::Null},
        {u"status"_s, outcome.succeeded ? u"succeeded"_s : u"failed"_s},
        {u"transfer_data"_s, QJsonValue::Null},
        {u"transfer_group"_s, QJsonValue::Null},
    };
    m_context.store.insert(charge);
    return charge;
}

ApiReply Charges::retrieve(const ApiCall &call)
{
    const QJsonObject charge = m_context.store.get(call.arg(), u"charge");
    if (charge.isEmpty())
        return ApiReply::noSuch(u"charge", call.arg(), u"id"_s);
    return api::object(m_context, call, charge);
}

ApiReply Charges::list(const ApiCall &call)
{
    const QString customer = call.string(u"customer"_s);
    const QString paymentIntent = call.string(u"payment_intent"_s);
    return api::list(m_context, call, u"charge"_s, u"/v1/charges"_s, [=](const QJsonObject &charge) {
        if (!customer.isEmpty() && charge.value(u"customer"_s).toString() != customer)
            return false;
        return paymentIntent.isEmpty() || charge.value(u"payment_intent"_s).toString() == paymentIntent;
    });
}

ApiReply Charges::search(const ApiCall &call)
{
    return SearchQuery::run(m_context, call, u"charge"_s, u"/v1/charges/search"_s,
                            {u"amount"_s, u"created"_s, u"currency"_s, u"customer"_s, u"disputed"_s,
                             u"metadata"_s, u"payment_intent"_s, u"payment_method_details.card.last4"_s,
                             u"payment_method_details.card.brand"_s, u"refunded"_s, u"status"_s});
}

} // namespace kassa::sim
