// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/customers/savedmethodservice.h"

#include "services/customers/methodsetup.h"
#include "services/security/auditlog.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/paymentmethods.h"
#include "services/stripe/stripeclient.h"

#include <QHash>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace kassa::customers {

Q_LOGGING_CATEGORY(lcCustomers, "kassa.customers")

namespace {

bool looksLike(const QString &id, QStringView prefix)
{
    return id.startsWith(prefix) && id.size() > prefix.size();
}

} // namespace

SavedMethodService::SavedMethodService(store::Database &db, stripe::StripeClient &client,
                                       sync::Outbox &outbox, security::AuditLog &audit,
                                       const Options &options, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_client(client)
    , m_outbox(outbox)
    , m_audit(audit)
    , m_options(options)
{
}

SavedMethodService::~SavedMethodService() = default;

QString SavedMethodService::refusal(const security::ActingUser &actor) const
{
    if (m_options.singleOperator && !actor.isValid())
        return {};
    const security::SecurityError refused = security::require(actor, Permission::ManageSavedMethods);
    return refused.isError() ? refused.message : QString();
}

QList<SavedMethodService::TestToken> SavedMethodService::testTokens()
{
    return {
        {u"pm_card_visa"_s, tr("Visa 4242")},
        {u"pm_card_mastercard"_s, tr("Mastercard 4444")},
        {u"pm_card_amex"_s, tr("American Express 0005")},
        {u"pm_card_visa_debit"_s, tr("Visa debit 5556")},
        {u"pm_card_authenticationRequired"_s, tr("Visa 3184 (asks for 3-D Secure when charged)")},
        {u"pm_card_visa_chargeDeclined"_s, tr("Visa 0002 (declined when charged)")},
    };
}

bool SavedMethodService::isTestToken(const QString &paymentMethod)
{
    // Stripe's test tokens all start so; real ids are pm_ and random letters, never "card_".
    return paymentMethod.startsWith(u"pm_card_"_s) || paymentMethod.startsWith(u"tok_"_s);
}

QString SavedMethodService::auditAction(const QString &op)
{
    static const QHash<QString, QString> Actions{
        {QString::fromLatin1(sync::Outbox::OpAttachPaymentMethod), u"method.attach"_s},
        {QString::fromLatin1(sync::Outbox::OpDetachPaymentMethod), u"method.detach"_s},
        {QString::fromLatin1(sync::Outbox::OpSetDefaultPaymentMethod), u"method.set_default"_s},
        {QString::fromLatin1(OpCreateSetupSession), u"method.setup_checkout"_s},
        {QString::fromLatin1(OpExpireSetupSession), u"method.setup_checkout_expire"_s},
        {QString::fromLatin1(OpCreateSetupIntent), u"method.setup_reader"_s},
        {QString::fromLatin1(OpCancelSetupIntent), u"method.setup_reader_cancel"_s},
    };
    return Actions.value(op, u"outbox."_s + op);
}

QJsonObject SavedMethodService::auditDetails(const sync::OutboxResult &result)
{
    const QJsonObject object = result.response.json;
    QJsonObject details{{u"outcome"_s, sync::OutboxResult::outcomeName(result.outcome)},
                        {u"idempotency_key"_s, result.entry.idempotencyKey}};
    for (const QString &field : {u"status"_s, u"customer"_s, u"type"_s, u"setup_intent"_s}) {
        const QJsonValue value = object.value(field);
        if (value.isString() || value.isDouble())
            details.insert(field, value);
    }
    // The request says whose method and which one, also when Stripe refused it.
    const stripe::StripeParams params = sync::Outbox::decodeForm(result.entry.params);
    if (!params.value(u"customer"_s).isEmpty())
        details.insert(u"customer"_s, params.value(u"customer"_s));
    const QString defaultMethod = params.value(u"invoice_settings[default_payment_method]"_s);
    if (!defaultMethod.isEmpty())
        details.insert(u"default_payment_method"_s, defaultMethod);
    if (result.response.error.isError()) {
        details.insert(u"error_code"_s, result.response.error.code);
        details.insert(u"decline_code"_s, result.response.error.declineCode);
    } else if (!result.error.isEmpty()) {
        details.insert(u"error"_s, result.error);
    }
    return details;
}

SavedMethodOutcome SavedMethodService::refused(const QString &message) const
{
    SavedMethodOutcome outcome;
    outcome.kind = SavedMethodOutcome::Kind::Refused;
    outcome.message = message;
    return outcome;
}

void SavedMethodService::audit(const security::ActingUser &actor, const QString &action,
                               const QStringList &ids, const QJsonObject &details)
{
    // What it records has happened already: a log that does not take it is worth a warning, not a
    // different answer to the till.
    if (const store::StoreError error = m_audit.record(actor, action, ids, details); error.isError())
        qCWarning(lcCustomers) << "the audit log did not take" << action << error.toString();
}

void SavedMethodService::submit(const security::ActingUser &actor, const QString &op,
                                const stripe::StripeRequest &request, const Callback &done)
{
    m_outbox.submit(op, request, {}, [this, actor, op, done](const sync::OutboxResult &result) {
        QStringList ids;
        const QString id = result.response.json.value(u"id"_s).toString(result.entry.objectId);
        if (!id.isEmpty())
            ids << id;
        audit(actor, auditAction(op), ids, auditDetails(result));
        SavedMethodOutcome outcome;
        outcome.sent = true;
        outcome.result = result;
        switch (result.outcome) {
        case sync::OutboxResult::Outcome::Done:
            outcome.kind = SavedMethodOutcome::Kind::Done;
            outcome.object = result.response.json;
            break;
        case sync::OutboxResult::Outcome::Failed:
            outcome.kind = SavedMethodOutcome::Kind::Failed;
            outcome.message =
                result.response.error.message.isEmpty() ? result.error : result.response.error.message;
            break;
        case sync::OutboxResult::Outcome::Unknown:
        case sync::OutboxResult::Outcome::Earlier:
            outcome.kind = SavedMethodOutcome::Kind::Unknown;
            outcome.message = tr("Stripe did not answer (%1). The change is kept and sent again later; "
                                 "check the customer's methods in a minute.")
                                  .arg(result.error);
            break;
        case sync::OutboxResult::Outcome::StoreError:
            outcome.kind = SavedMethodOutcome::Kind::Refused;
            outcome.message = tr("The local store failed: %1").arg(result.error);
            break;
        }
        done(outcome);
    });
}

void SavedMethodService::attach(const security::ActingUser &actor, const QString &customerId,
                                const QString &paymentMethod, const Callback &done,
                                const QString &idempotencyKey)
{
    if (const QString why = refusal(actor); !why.isEmpty())
        return done(refused(why));
    if (!looksLike(customerId, u"cus_"))
        return done(refused(tr("Choose a customer first.")));
    if (!looksLike(paymentMethod, u"pm_") && !looksLike(paymentMethod, u"tok_"))
        return done(refused(tr("\"%1\" is not a payment method.").arg(paymentMethod)));
    if (isTestToken(paymentMethod) && !m_options.testMode)
        return done(refused(tr("Test cards can only be saved with a test key.")));
    submit(actor, QString::fromLatin1(sync::Outbox::OpAttachPaymentMethod),
           stripe::PaymentMethods::attach(paymentMethod, customerId, idempotencyKey), done);
}

void SavedMethodService::detach(const security::ActingUser &actor, const QString &paymentMethodId,
                                const Callback &done, const QString &idempotencyKey)
{
    if (const QString why = refusal(actor); !why.isEmpty())
        return done(refused(why));
    if (!looksLike(paymentMethodId, u"pm_"))
        return done(refused(tr("Choose a saved payment method first.")));
    submit(actor, QString::fromLatin1(sync::Outbox::OpDetachPaymentMethod),
           stripe::PaymentMethods::detach(paymentMethodId, idempotencyKey), done);
}

void SavedMethodService::setDefault(const security::ActingUser &actor, const QString &customerId,
                                    const QString &paymentMethodId, const Callback &done,
                                    const QString &idempotencyKey)
{
    if (const QString why = refusal(actor); !why.isEmpty())
        return done(refused(why));
    if (!looksLike(customerId, u"cus_") || !looksLike(paymentMethodId, u"pm_"))
        return done(refused(tr("Choose a customer and one of their saved methods first.")));
    submit(actor, QString::fromLatin1(sync::Outbox::OpSetDefaultPaymentMethod),
           stripe::Customers::setDefaultPaymentMethod(customerId, paymentMethodId, idempotencyKey), done);
}

std::unique_ptr<MethodSetup> SavedMethodService::startCheckout(const security::ActingUser &actor,
                                                               const QString &customerId, QString *refusal)
{
    QString why = this->refusal(actor);
    if (why.isEmpty() && !looksLike(customerId, u"cus_"))
        why = tr("Choose a customer first.");
    if (why.isEmpty() && m_options.checkoutSuccessUrl.isEmpty())
        why = tr("Saving a card by QR code needs the shop's return address (KASSA_CHECKOUT_SUCCESS_URL).");
    if (!why.isEmpty()) {
        if (refusal)
            *refusal = why;
        return nullptr;
    }
    return std::unique_ptr<MethodSetup>(
        new MethodSetup(*this, MethodSetup::Kind::Checkout, actor, customerId, {}));
}

std::unique_ptr<MethodSetup> SavedMethodService::startReader(const security::ActingUser &actor,
                                                             const QString &customerId,
                                                             const QString &readerId, QString *refusal)
{
    QString why = this->refusal(actor);
    if (why.isEmpty() && !looksLike(customerId, u"cus_"))
        why = tr("Choose a customer first.");
    if (why.isEmpty() && readerId.isEmpty())
        why = tr("Choose a card reader first.");
    if (!why.isEmpty()) {
        if (refusal)
            *refusal = why;
        return nullptr;
    }
    return std::unique_ptr<MethodSetup>(
        new MethodSetup(*this, MethodSetup::Kind::Reader, actor, customerId, readerId));
}

} // namespace kassa::customers
