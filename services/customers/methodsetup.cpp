// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/customers/methodsetup.h"

#include "services/customers/savedmethodservice.h"
#include "services/store/database.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/resources/paymentmethods.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/stripe/stripeclient.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace kassa::customers {

Q_DECLARE_LOGGING_CATEGORY(lcCustomers)

namespace {

QString idOf(const QJsonValue &value)
{
    return value.isObject() ? value.toObject().value(u"id"_s).toString() : value.toString();
}

stripe::StripeRequest retrieveSetupIntent(const QString &id)
{
    stripe::StripeParams params;
    params.expand(u"payment_method"_s);
    return stripe::StripeRequest::get(stripe::StripeRequest::resourcePath(u"/v1/setup_intents"_s, id),
                                      params);
}

} // namespace

MethodSetup::MethodSetup(SavedMethodService &service, Kind kind, const security::ActingUser &actor,
                         const QString &customerId, const QString &readerId)
    : m_service(service)
    , m_kind(kind)
    , m_actor(actor)
    , m_customerId(customerId)
    , m_readerId(readerId)
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &MethodSetup::poll);
}

MethodSetup::~MethodSetup() = default;

void MethodSetup::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (isFinished())
        stopPolling();
    emit changed();
}

void MethodSetup::fail(const QString &message)
{
    m_message = message;
    setState(State::Failed);
}

void MethodSetup::startPolling()
{
    if (!m_pollTimer.isActive() && m_pollDelayMs == 0)
        m_pollDelayMs = std::max(m_service.options().pollInitialMs, 1);
    m_pollTimer.start(m_pollDelayMs);
    m_pollDelayMs = std::min(std::max(m_service.options().pollMaxMs, 1), m_pollDelayMs * 3 / 2 + 1);
}

void MethodSetup::stopPolling()
{
    m_pollTimer.stop();
    m_pollDelayMs = 0;
}

void MethodSetup::start()
{
    if (m_state != State::Starting || !m_sessionId.isEmpty() || !m_setupIntentId.isEmpty())
        return;
    const auto onMade = guarded(&MethodSetup::onMade);
    QMap<QString, QString> metadata{{u"kassa_customer"_s, m_customerId}};
    if (!m_actor.till.isEmpty())
        metadata.insert(u"kassa_till"_s, m_actor.till);
    if (!m_actor.name.isEmpty())
        metadata.insert(u"kassa_user"_s, m_actor.name);
    if (m_kind == Kind::Checkout) {
        stripe::StripeRequest request = stripe::CheckoutSessions::createSetup(
            m_customerId, QString(), m_service.options().checkoutSuccessUrl);
        if (m_service.options().checkoutLifetimeSeconds > 0)
            request.params.add(u"expires_at"_s, QDateTime::currentSecsSinceEpoch() +
                                                    m_service.options().checkoutLifetimeSeconds);
        request.params.addMap(u"setup_intent_data[metadata]"_s, metadata);
        m_service.submit(m_actor, QString::fromLatin1(SavedMethodService::OpCreateSetupSession), request,
                         onMade);
        return;
    }
    // The reader reads a card_present method; Stripe saves the reusable card it generates from it.
    stripe::StripeParams params;
    params.add(u"customer"_s, m_customerId);
    params.addList(u"payment_method_types"_s, {u"card_present"_s});
    params.addMap(u"metadata"_s, metadata);
    m_service.submit(m_actor, QString::fromLatin1(SavedMethodService::OpCreateSetupIntent),
                     stripe::StripeRequest::post(u"/v1/setup_intents"_s, params), onMade);
}

void MethodSetup::onMade(const SavedMethodOutcome &outcome)
{
    if (!outcome.ok())
        return fail(outcome.message);
    if (m_kind == Kind::Checkout)
        return onSession(outcome.object);
    m_setupIntentId = outcome.object.value(u"id"_s).toString();
    if (m_cancelRequested)
        return cancelOnReader();
    processOnReader();
}

void MethodSetup::cancel()
{
    if (isFinished() || m_state == State::Canceling)
        return;
    m_cancelRequested = true;
    if (m_kind == Kind::Checkout) {
        if (!m_sessionId.isEmpty())
            expireSession();
        return; // no session yet: onSession() expires it as soon as it is made
    }
    if (!m_setupIntentId.isEmpty())
        cancelOnReader();
}

void MethodSetup::poll()
{
    stripe::StripeClient &client = m_service.client();
    if (m_kind == Kind::Checkout) {
        client.send(stripe::CheckoutSessions::retrieve(m_sessionId), this,
                    [this](const stripe::StripeResponse &response) {
                        if (isFinished() || m_state == State::Canceling)
                            return;
                        if (response.ok())
                            return onSession(response.json);
                        if (response.error.httpStatus == 404)
                            return fail(response.error.message);
                        startPolling(); // a hiccup: ask again later
                    });
        return;
    }
    client.send(stripe::TerminalReaders::retrieve(m_readerId), this,
                [this](const stripe::StripeResponse &response) {
                    if (isFinished() || m_state == State::Canceling)
                        return;
                    if (response.ok())
                        return onReader(response.json);
                    if (response.error.httpStatus == 404)
                        return fail(tr("The reader was not found: %1").arg(response.error.message));
                    startPolling();
                });
}

void MethodSetup::onSession(const QJsonObject &session)
{
    m_sessionId = session.value(u"id"_s).toString();
    const QString status = session.value(u"status"_s).toString();
    if (status == u"complete"_s) {
        stopPolling();
        m_setupIntentId = idOf(session.value(u"setup_intent"_s));
        return readSetupIntent();
    }
    if (status == u"expired"_s) {
        if (m_cancelRequested) {
            m_message = tr("The QR code was withdrawn; no card was saved.");
            return setState(State::Canceled);
        }
        return fail(tr("The QR code expired before a card was saved."));
    }
    if (m_cancelRequested)
        return expireSession();
    m_url = QUrl(session.value(u"url"_s).toString());
    setState(State::WaitingForCustomer);
    startPolling();
}

void MethodSetup::expireSession()
{
    stopPolling();
    setState(State::Canceling);
    m_service.submit(m_actor, QString::fromLatin1(SavedMethodService::OpExpireSetupSession),
                     stripe::CheckoutSessions::expire(m_sessionId), guarded(&MethodSetup::onExpired));
}

void MethodSetup::onExpired(const SavedMethodOutcome &outcome)
{
    if (outcome.ok())
        return onSession(outcome.object);
    // Refused: most often the customer has just saved the card. The session says.
    m_service.client().send(stripe::CheckoutSessions::retrieve(m_sessionId), this,
                            [this](const stripe::StripeResponse &response) {
                                if (!response.ok())
                                    return fail(response.error.message);
                                onSession(response.json);
                            });
}

void MethodSetup::processOnReader()
{
    // Straight to the reader, not through the outbox (as a sale's process_payment_intent): sent again
    // later it would ask a customer who has long gone for a card. The reader itself says whether it
    // got the request.
    m_service.client().send(stripe::TerminalReaders::processSetupIntent(m_readerId, m_setupIntentId), this,
                            [this](const stripe::StripeResponse &response) {
                                if (isFinished())
                                    return;
                                using ErrorKind = stripe::StripeError::Kind;
                                const ErrorKind kind = response.error.kind;
                                if (response.ok() || kind == ErrorKind::Connection ||
                                    kind == ErrorKind::Api || kind == ErrorKind::RateLimit) {
                                    setState(State::WaitingForReader);
                                    return startPolling();
                                }
                                if (response.error.code == u"terminal_reader_busy"_s)
                                    return fail(tr("The reader is busy with something else. Wait until it "
                                                   "is free, or cancel what it shows, then try again."));
                                if (response.error.code == u"terminal_reader_offline"_s)
                                    return fail(tr("The reader is offline. Check that it is switched on "
                                                   "and connected, then try again."));
                                fail(response.error.message);
                            });
}

void MethodSetup::onReader(const QJsonObject &reader)
{
    const QJsonObject action = reader.value(u"action"_s).toObject();
    const QString actionIntent =
        action.value(u"process_setup_intent"_s).toObject().value(u"setup_intent"_s).toString();
    if (action.isEmpty() || actionIntent != m_setupIntentId)
        return readSetupIntent(); // no longer on the reader: the SetupIntent says what became of it
    const QString status = action.value(u"status"_s).toString();
    if (status == u"in_progress"_s) {
        setState(State::WaitingForReader);
        return startPolling();
    }
    stopPolling();
    if (status == u"failed"_s) {
        const QString why = action.value(u"failure_message"_s).toString();
        return fail(why.isEmpty() ? tr("The reader could not read the card.") : why);
    }
    readSetupIntent();
}

void MethodSetup::readSetupIntent()
{
    if (m_setupIntentId.isEmpty())
        return fail(tr("Stripe did not say which card was saved."));
    m_service.client().send(retrieveSetupIntent(m_setupIntentId), this,
                            [this](const stripe::StripeResponse &r) {
                                if (isFinished())
                                    return;
                                if (!r.ok())
                                    return fail(r.error.message);
                                onSetupIntent(r.json);
                            });
}

void MethodSetup::onSetupIntent(const QJsonObject &seti)
{
    const QString status = seti.value(u"status"_s).toString();
    if (status == u"succeeded"_s) {
        const QJsonValue pm = seti.value(u"payment_method"_s);
        if (pm.isObject())
            return savePaymentMethod(pm.toObject());
        return fail(tr("Stripe did not say which card was saved."));
    }
    if (status == u"canceled"_s || m_cancelRequested) {
        m_message = tr("Canceled; no card was saved.");
        return setState(State::Canceled);
    }
    const QString error = seti.value(u"last_setup_error"_s).toObject().value(u"message"_s).toString();
    if (!error.isEmpty())
        return fail(error);
    if (m_kind == Kind::Reader && m_state == State::WaitingForReader)
        return fail(tr("The reader stopped; no card was saved."));
    startPolling();
}

void MethodSetup::savePaymentMethod(const QJsonObject &pm)
{
    // A card read on a reader is card_present; what Stripe keeps for later is the card it generated
    // from it (latest_attempt.payment_method_details.card_present.generated_card).
    QString id = pm.value(u"id"_s).toString();
    if (pm.value(u"type"_s).toString() == u"card_present"_s) {
        const QString generated =
            pm.value(u"card_present"_s).toObject().value(u"generated_card"_s).toString();
        if (!generated.isEmpty())
            id = generated;
    }
    const auto finish = [this](const QJsonObject &saved) {
        store::Database &db = m_service.database();
        const store::StoreResult<store::UpsertOutcome> written =
            store::StoreIngest(db).upsert(saved, db.now());
        if (!written.ok())
            qCWarning(lcCustomers) << "cannot store" << saved.value(u"id"_s).toString()
                                   << written.error().toString();
        m_paymentMethod = saved;
        const QJsonObject card = saved.value(u"card"_s).toObject();
        m_service.audit(m_actor, u"method.add"_s, {saved.value(u"id"_s).toString(), m_setupIntentId},
                        QJsonObject{{u"customer"_s, m_customerId},
                                    {u"via"_s, m_kind == Kind::Checkout ? u"checkout"_s : u"reader"_s},
                                    {u"type"_s, saved.value(u"type"_s).toString()},
                                    {u"brand"_s, card.value(u"brand"_s).toString()},
                                    {u"last4"_s, card.value(u"last4"_s).toString()}});
        setState(State::Saved);
    };
    if (id == pm.value(u"id"_s).toString())
        return finish(pm);
    m_service.client().send(stripe::PaymentMethods::retrieve(id), this,
                            [this, finish](const stripe::StripeResponse &response) {
                                if (!response.ok())
                                    return fail(response.error.message);
                                finish(response.json);
                            });
}

void MethodSetup::cancelOnReader()
{
    stopPolling();
    setState(State::Canceling);
    m_service.client().send(
        stripe::TerminalReaders::cancelAction(m_readerId), this,
        [this](const stripe::StripeResponse &response) {
            if (!response.ok()) // most often: the card was tapped first
                qCInfo(lcCustomers) << "reader cancel refused" << response.error.toString();
            // The SetupIntent decides: a card saved first stays saved; an open one is canceled now.
            m_service.client().send(
                retrieveSetupIntent(m_setupIntentId), this, [this](const stripe::StripeResponse &r) {
                    if (r.ok() && r.json.value(u"status"_s).toString() == u"succeeded"_s)
                        return onSetupIntent(r.json);
                    m_service.submit(m_actor, QString::fromLatin1(SavedMethodService::OpCancelSetupIntent),
                                     stripe::StripeRequest::post(stripe::StripeRequest::resourcePath(
                                         u"/v1/setup_intents"_s, m_setupIntentId, u"/cancel"_s)),
                                     guarded(&MethodSetup::onSetupIntentCanceled));
                });
        });
}

void MethodSetup::onSetupIntentCanceled(const SavedMethodOutcome &)
{
    m_message = tr("Canceled; no card was saved.");
    setState(State::Canceled);
}

std::function<void(const SavedMethodOutcome &)>
MethodSetup::guarded(void (MethodSetup::*member)(const SavedMethodOutcome &))
{
    // Outbox callbacks are not tied to an object, unlike the client's: this one reaches `member` only
    // while the setup lives (the dialog that made it may be gone).
    return [self = QPointer<MethodSetup>(this), member](const SavedMethodOutcome &outcome) {
        MethodSetup *setup = self.data();
        if (setup)
            (setup->*member)(outcome);
    };
}

} // namespace kassa::customers
