// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sale/sale.h"

#include "services/security/auditlog.h"

#include "services/sale/salelogging.h"
#include "services/store/database.h"
#include "services/store/outboxrepository.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/outbox.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace kassa::sale {

namespace {

// A non-exclusive outbox row: the order's live PaymentIntent confirmed again with another card.
constexpr auto OpConfirmPayment = "confirm_payment";

const QStringList ChargeExpand{u"latest_charge"_s};

// The JSON an outbox row finished with: the answer just received, or the one recorded earlier.
QJsonObject answerOf(const sync::OutboxResult &result)
{
    if (!result.response.json.isEmpty())
        return result.response.json;
    return QJsonDocument::fromJson(result.entry.responseBody).object();
}

stripe::StripeError errorOf(const sync::OutboxResult &result)
{
    if (result.response.error.isError())
        return result.response.error;
    return stripe::StripeError::fromResponse(result.entry.responseStatus, result.entry.responseBody, {});
}

} // namespace

Sale::Sale(const Environment &environment, const SaleContext &context, const SaleOrder &order,
           const QString &orderRef, QObject *parent)
    : QObject(parent)
    , m_db(*environment.db)
    , m_client(*environment.client)
    , m_outbox(*environment.outbox)
    , m_options(environment.options)
    , m_context(context)
    , m_order(order)
    , m_orderRef(orderRef)
{
    m_result.amount = order.amount;
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &Sale::pollOnce);
    m_recheckTimer.setSingleShot(true);
    connect(&m_recheckTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Unknown)
            recoverAttempt();
    });
}

Sale::~Sale() = default;

bool Sale::isBusy() const
{
    switch (m_state) {
    case State::Starting:
    case State::WaitingForReader:
    case State::WaitingForAuthentication:
    case State::WaitingForCustomer:
    case State::Checking:
    case State::Canceling:
        return true;
    default:
        return false;
    }
}

bool Sale::isFinal() const
{
    return m_state == State::Approved || m_state == State::Canceled || m_state == State::Expired;
}

bool Sale::canPay() const
{
    return m_state == State::Ready || m_state == State::Declined || m_state == State::Failed;
}

bool Sale::canCancel() const
{
    return m_state == State::WaitingForReader || m_state == State::WaitingForAuthentication ||
           m_state == State::WaitingForCustomer || canPay();
}

QString Sale::stateName(State state)
{
    switch (state) {
    case State::Ready:
        return u"ready"_s;
    case State::Starting:
        return u"starting"_s;
    case State::WaitingForReader:
        return u"waiting_for_reader"_s;
    case State::WaitingForAuthentication:
        return u"waiting_for_authentication"_s;
    case State::WaitingForCustomer:
        return u"waiting_for_customer"_s;
    case State::Checking:
        return u"checking"_s;
    case State::Canceling:
        return u"canceling"_s;
    case State::Approved:
        return u"approved"_s;
    case State::Declined:
        return u"declined"_s;
    case State::Unknown:
        return u"unknown"_s;
    case State::Canceled:
        return u"canceled"_s;
    case State::Expired:
        return u"expired"_s;
    case State::Failed:
        break;
    }
    return u"failed"_s;
}

QString Sale::methodName(Method method)
{
    switch (method) {
    case Method::None:
        return u"none"_s;
    case Method::SavedCard:
        return u"saved_card"_s;
    case Method::Reader:
        return u"reader"_s;
    case Method::Checkout:
        return u"checkout"_s;
    case Method::TestCard:
        break;
    }
    return u"test_card"_s;
}

// --- Entry points ---------------------------------------------------------------------------------------

QString saleRefusal(const SaleOptions &options, const SaleContext &context, SaleAction action)
{
    if (const security::SecurityError refused = security::require(context.user, Permission::TakePayments);
        refused.isError())
        return refused.message;
    return options.authorize ? options.authorize(context, action) : QString();
}

bool Sale::admit(SaleAction action, Method method)
{
    if (const QString why = saleRefusal(m_options, m_context, action); !why.isEmpty()) {
        refuse(why);
        return false;
    }
    if (!canPay()) {
        if (m_state == State::Unknown)
            refuse(tr("It is not known yet whether the last attempt charged the customer. Check it first."));
        else if (isFinal())
            refuse(tr("This sale is finished."));
        else
            refuse(tr("This sale is already waiting for a payment."));
        return false;
    }
    const bool cardFamily = method == Method::SavedCard || method == Method::TestCard;
    const bool fits = m_attempt == Attempt::None || (m_attempt == Attempt::CardIntent && cardFamily) ||
                      (m_attempt == Attempt::ReaderIntent && method == Method::Reader);
    if (!fits) {
        refuse(tr("This sale already has a payment of another kind open. Cancel the sale and start a new "
                  "one to pay another way."));
        return false;
    }
    m_refusal.clear();
    m_cancelRequested = false;
    m_cancelSent = false;
    m_readerChecked = false;
    return true;
}

void Sale::refuse(const QString &why)
{
    m_refusal = why;
    qCInfo(lcSale) << "sale" << m_orderRef << "refused:" << why;
}

bool Sale::payWithSavedCard(const QString &paymentMethodId)
{
    if (paymentMethodId.isEmpty() || m_order.customerId.isEmpty()) {
        refuse(tr("Choose the customer and one of their saved cards."));
        return false;
    }
    if (!admit(SaleAction::PayWithSavedCard, Method::SavedCard))
        return false;
    startCardPayment(Method::SavedCard, paymentMethodId);
    return true;
}

bool Sale::payWithTestCard(const QString &testPaymentMethod)
{
    if (m_client.isLiveMode()) {
        refuse(tr("Test cards work only with a test key."));
        return false;
    }
    if (!testPaymentMethod.startsWith(u"pm_"_s)) {
        refuse(tr("Choose a test card."));
        return false;
    }
    if (!admit(SaleAction::PayWithTestCard, Method::TestCard))
        return false;
    startCardPayment(Method::TestCard, testPaymentMethod);
    return true;
}

bool Sale::payWithReader(const QString &readerId)
{
    if (readerId.isEmpty()) {
        refuse(tr("Choose a card reader."));
        return false;
    }
    if (!admit(SaleAction::PayWithReader, Method::Reader))
        return false;
    m_readerId = readerId;
    startReaderPayment();
    return true;
}

bool Sale::payWithCheckout()
{
    if (!admit(SaleAction::PayWithCheckout, Method::Checkout))
        return false;
    startCheckoutPayment();
    return true;
}

bool Sale::cancel()
{
    if (const QString why = saleRefusal(m_options, m_context, SaleAction::Cancel); !why.isEmpty()) {
        refuse(why);
        return false;
    }
    m_cancelSent = false;
    switch (m_state) {
    case State::WaitingForReader:
        cancelOnReader();
        return true;
    case State::WaitingForAuthentication:
        cancelPaymentIntent();
        return true;
    case State::WaitingForCustomer:
        expireSession();
        return true;
    case State::Ready:
    case State::Declined:
    case State::Failed:
        // Whatever is still open at Stripe for this order is closed, so that it cannot be paid later.
        if (m_attempt == Attempt::Session && !m_sessionId.isEmpty())
            expireSession();
        else if (m_attempt != Attempt::None && !m_paymentIntentId.isEmpty())
            cancelPaymentIntent();
        else
            finish(SaleResult::canceled());
        return true;
    case State::Unknown:
        refuse(tr("It is not known yet whether the customer was charged. Check it before canceling."));
        return false;
    case State::Approved:
    case State::Canceled:
    case State::Expired:
        refuse(tr("This sale is finished."));
        return false;
    default:
        refuse(tr("Wait for the answer that is on its way, then cancel."));
        return false;
    }
}

bool Sale::recover()
{
    if (const QString why = saleRefusal(m_options, m_context, SaleAction::Recover); !why.isEmpty()) {
        refuse(why);
        return false;
    }
    if (m_state != State::Unknown) {
        refuse(tr("There is nothing to check."));
        return false;
    }
    m_refusal.clear();
    recoverAttempt();
    return true;
}

// --- State ----------------------------------------------------------------------------------------------

void Sale::setState(State state)
{
    if (state != m_state)
        qCDebug(lcSale) << "sale" << m_orderRef << stateName(m_state) << "->" << stateName(state);
    m_state = state;
    emit stateChanged(state);
}

// Each outcome of a sale goes into the audit log as the cashier's: amount, method, brand, last4 and
// Stripe's codes, never a card number.
void Sale::audit() const
{
    if (m_result.outcome == SaleResult::Outcome::None)
        return;
    QStringList objects{m_orderRef};
    if (!m_result.paymentIntentId.isEmpty())
        objects << m_result.paymentIntentId;
    QJsonObject details{{u"amount"_s, m_result.amount.minorUnits()},
                        {u"currency"_s, m_result.amount.currency().code().toLower()},
                        {u"method"_s, methodName(m_method)}};
    for (const auto &[key, value] :
         {std::pair{u"brand"_s, m_result.brand}, std::pair{u"last4"_s, m_result.last4},
          std::pair{u"error_code"_s, m_result.errorCode},
          std::pair{u"decline_code"_s, m_result.declineCode}}) {
        if (!value.isEmpty())
            details.insert(key, value);
    }
    security::AuditLog log(m_db, m_context.tillId);
    if (const store::StoreError error = log.record(
            m_context.user, u"sale."_s + SaleResult::outcomeName(m_result.outcome), objects, details);
        error.isError())
        qCWarning(lcSale) << "sale" << m_orderRef << "not in the audit log:" << error.toString();
}

void Sale::setActionUrl(const QUrl &url)
{
    if (url == m_actionUrl)
        return;
    m_actionUrl = url;
    emit actionUrlChanged(url);
}

void Sale::finish(const SaleResult &result)
{
    stopPolling();
    m_result = result;
    if (!m_result.amount.isValid())
        m_result.amount = m_order.amount;
    if (m_result.paymentIntentId.isEmpty())
        m_result.paymentIntentId = m_paymentIntentId;
    setActionUrl({});
    qCInfo(lcSale) << "sale" << m_orderRef << SaleResult::outcomeName(m_result.outcome)
                   << m_result.paymentIntentId << m_result.errorCode << m_result.declineCode;
    audit();
    switch (result.outcome) {
    case SaleResult::Outcome::Approved:
        return setState(State::Approved);
    case SaleResult::Outcome::Declined:
        return setState(State::Declined);
    case SaleResult::Outcome::Unknown:
        if (m_options.unknownRecheckMs > 0)
            m_recheckTimer.start(m_options.unknownRecheckMs);
        return setState(State::Unknown);
    case SaleResult::Outcome::Canceled:
        return setState(State::Canceled);
    case SaleResult::Outcome::Expired:
        return setState(State::Expired);
    case SaleResult::Outcome::None:
        return setState(State::Ready);
    case SaleResult::Outcome::Failed:
        break;
    }
    setState(State::Failed);
}

QMap<QString, QString> Sale::metadata() const
{
    QMap<QString, QString> out{{u"order_ref"_s, m_orderRef}};
    if (!m_context.tillId.isEmpty())
        out.insert(u"kassa_till"_s, m_context.tillId);
    if (!m_context.cashier.isEmpty())
        out.insert(u"kassa_cashier"_s, m_context.cashier);
    return out;
}

// --- Polling --------------------------------------------------------------------------------------------

void Sale::startPolling(Poll what)
{
    if (m_poll != what) {
        m_poll = what;
        m_pollDelayMs = std::max(m_options.pollInitialMs, 1);
    }
    schedulePoll();
}

void Sale::stopPolling()
{
    m_pollTimer.stop();
    m_poll = Poll::None;
}

void Sale::schedulePoll()
{
    m_pollTimer.start(m_pollDelayMs);
    m_pollDelayMs = std::min(std::max(m_options.pollMaxMs, 1), m_pollDelayMs * 3 / 2 + 1);
}

void Sale::pollOnce()
{
    const quint64 phase = m_phase;
    switch (m_poll) {
    case Poll::None:
        return;
    case Poll::Row: {
        store::OutboxRepository rows(m_db);
        const auto row = rows.find(m_watchedRow);
        if (!row.ok() || !row.value()) {
            qCWarning(lcSale) << "sale" << m_orderRef << "cannot read outbox row" << m_watchedRow;
            return finish(SaleResult::unknown(u"outbox row unreadable"_s));
        }
        return onRow(*row.value());
    }
    case Poll::PaymentIntent:
        return retrievePaymentIntent(phase);
    case Poll::Reader:
        return pollReader(phase);
    case Poll::Session:
        return retrieveSession(phase);
    }
}

// --- Card payments and the outbox -----------------------------------------------------------------------

void Sale::startCardPayment(Method method, const QString &paymentMethodId)
{
    m_method = method;
    setState(State::Starting);
    if (m_attempt == Attempt::CardIntent && !m_paymentIntentId.isEmpty()) {
        // The order's PaymentIntent is still open (a failed 3-D Secure check): confirm it with this card
        // rather than making a second one that the outbox would refuse.
        stripe::StripeRequest request =
            stripe::PaymentIntents::confirm(m_paymentIntentId, paymentMethodId, m_options.returnUrl);
        request.params.expand(u"latest_charge"_s);
        submit(QString::fromLatin1(OpConfirmPayment), request);
        return;
    }
    stripe::PaymentIntents::CreateParams params;
    params.amount = m_order.amount;
    params.customerId = m_order.customerId;
    params.paymentMethodId = paymentMethodId;
    params.confirm = true;
    params.description = m_order.description;
    params.metadata = metadata();
    params.returnUrl = m_options.returnUrl;
    params.expand = ChargeExpand;
    submit(QString::fromLatin1(sync::Outbox::OpCreatePayment), stripe::PaymentIntents::create(params));
}

void Sale::submit(const QString &op, const stripe::StripeRequest &request)
{
    stripe::StripeRequest keyed = request;
    if (keyed.idempotencyKey.isEmpty())
        keyed.idempotencyKey = stripe::StripeClient::newIdempotencyKey();
    m_pendingKey = keyed.idempotencyKey;
    const quint64 phase = nextPhase();
    QPointer<Sale> self(this);
    m_outbox.submit(op, keyed, m_orderRef, [self, phase](const sync::OutboxResult &result) {
        Sale *sale = self.data();
        if (sale && sale->m_phase == phase)
            sale->onSubmitted(result);
    });
}

void Sale::onSubmitted(const sync::OutboxResult &result)
{
    using Outcome = sync::OutboxResult::Outcome;
    const QString op = result.entry.op;
    const bool canceling = op == QLatin1StringView(sync::Outbox::OpCancelPayment);
    switch (result.outcome) {
    case Outcome::Done: {
        const QJsonObject object = answerOf(result);
        const QString type = object.value(u"object"_s).toString();
        if (type == u"checkout.session"_s) {
            m_attempt = Attempt::Session;
            return onSession(object);
        }
        if (op == QLatin1StringView(sync::Outbox::OpCreatePayment)) {
            const QJsonArray types = object.value(u"payment_method_types"_s).toArray();
            m_attempt = types.contains(u"card_present"_s) ? Attempt::ReaderIntent : Attempt::CardIntent;
        }
        return onPaymentIntent(object, false);
    }
    case Outcome::Failed: {
        if (canceling) // already succeeded or canceled, most likely: the PaymentIntent says which
            return retrievePaymentIntent(m_phase);
        const stripe::StripeError error = errorOf(result);
        if (!error.paymentIntentId.isEmpty() && m_paymentIntentId.isEmpty() &&
            op != QLatin1StringView(sync::Outbox::OpCreatePayment))
            m_paymentIntentId = error.paymentIntentId;
        if (!error.paymentIntent.isEmpty())
            ingest(error.paymentIntent);
        // A failed create frees the order for a new attempt; a failed confirm leaves the same
        // PaymentIntent open for the next card.
        return finish(SaleResult::fromError(error));
    }
    case Outcome::Unknown:
        qCWarning(lcSale) << "sale" << m_orderRef << "no answer for" << op << result.error;
        return finish(SaleResult::unknown(result.error));
    case Outcome::Earlier:
        qCInfo(lcSale) << "sale" << m_orderRef << "follows its earlier attempt"
                       << result.entry.idempotencyKey;
        return adopt(result.entry);
    case Outcome::StoreError:
        if (result.response.httpStatus != 0 || result.response.ok()) {
            // Sent, but the answer could not be written down: only Stripe knows; ask it again.
            return finish(SaleResult::unknown(result.error));
        }
        return finish(SaleResult::failed(tr("The till's database refused the payment; nothing was sent."),
                                         tr("Tell a manager; try again when the database is back."),
                                         result.error));
    }
}

void Sale::followObject(const QString &objectId)
{
    nextPhase();
    setState(State::Checking);
    if (objectId.startsWith(u"cs_"_s)) {
        m_sessionId = objectId;
        return retrieveSession(m_phase);
    }
    m_paymentIntentId = objectId;
    retrievePaymentIntent(m_phase);
}

void Sale::retrievePaymentIntent(quint64 phase)
{
    if (m_paymentIntentId.isEmpty())
        return finish(SaleResult::failed(tr("The payment could not be found."), tr("Start the sale again.")));
    m_client.send(stripe::PaymentIntents::retrieve(m_paymentIntentId, ChargeExpand), this,
                  [this, phase](const stripe::StripeResponse &response) {
                      if (phase != m_phase)
                          return;
                      if (response.ok())
                          return onPaymentIntent(response.json, true);
                      qCInfo(lcSale) << "sale" << m_orderRef << "cannot read" << m_paymentIntentId
                                     << response.error.toString();
                      if (m_poll != Poll::None && response.error.httpStatus != 404)
                          return schedulePoll(); // still waiting for the customer: keep asking
                      finish(SaleResult::unknown(response.error.toString()));
                  });
}

void Sale::onPaymentIntent(const QJsonObject &pi, bool fromPoll)
{
    if (fromPoll)
        ingest(pi);
    m_paymentIntentId = pi.value(u"id"_s).toString();
    m_result.paymentIntentId = m_paymentIntentId;
    const QString status = pi.value(u"status"_s).toString();
    const bool hasError = !pi.value(u"last_payment_error"_s).toObject().isEmpty();

    if (status == u"succeeded"_s || status == u"requires_capture"_s)
        return finish(SaleResult::approved(pi));
    if (status == u"canceled"_s)
        return finish(SaleResult::canceled());
    if (status == u"processing"_s) { // the card network has it: wait for the outcome, canceled or not
        if (m_state != State::Canceling)
            setState(State::Checking);
        return startPolling(Poll::PaymentIntent);
    }
    if (m_cancelRequested) {
        if (!m_cancelSent)
            return cancelPaymentIntent();
        return finish(
            SaleResult::failed(tr("The payment could not be canceled."), tr("Try to cancel again.")));
    }
    if (status == u"requires_action"_s) {
        const QString url = pi.value(u"next_action"_s)
                                .toObject()
                                .value(u"redirect_to_url"_s)
                                .toObject()
                                .value(u"url"_s)
                                .toString();
        if (url.isEmpty()) {
            // Without a return_url Stripe asks for its mobile SDK, which a till cannot show. The
            // PaymentIntent stays open for another card.
            return finish(SaleResult::failed(tr("The bank asks for a check that this till cannot show."),
                                             tr("Use another card, or the QR code."),
                                             u"authentication_required"_s));
        }
        setActionUrl(QUrl(url));
        if (m_state != State::WaitingForAuthentication)
            setState(State::WaitingForAuthentication);
        return startPolling(Poll::PaymentIntent);
    }
    if (m_attempt == Attempt::ReaderIntent)
        return onReaderIntentWaiting(pi);
    if (status == u"requires_payment_method"_s && hasError)
        return finish(SaleResult::declined(pi));
    // Open and untouched (a restored sale whose card was never sent): ready for a card.
    stopPolling();
    setState(State::Ready);
}

void Sale::cancelPaymentIntent()
{
    m_cancelRequested = true;
    m_cancelSent = true;
    stopPolling();
    setState(State::Canceling);
    submit(QString::fromLatin1(sync::Outbox::OpCancelPayment),
           stripe::PaymentIntents::cancel(m_paymentIntentId, u"abandoned"_s));
}

void Sale::ingest(const QJsonObject &object)
{
    store::StoreIngest ingest(m_db);
    const auto written = ingest.upsert(object, m_db.now());
    if (!written.ok())
        qCWarning(lcSale) << "sale" << m_orderRef << "cannot store" << object.value(u"id"_s).toString()
                          << written.error().toString();
}

} // namespace kassa::sale
