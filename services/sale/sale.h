// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/sale/salecontext.h"
#include "services/sale/saleresult.h"
#include "services/store/outboxentry.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

namespace kassa::store {
class Database;
}
namespace kassa::stripe {
class StripeClient;
struct StripeRequest;
struct StripeResponse;
} // namespace kassa::stripe
namespace kassa::sync {
class Outbox;
struct OutboxResult;
} // namespace kassa::sync

namespace kassa::sale {

// One sale at the till, from the amount to approved, declined or canceled: a state machine that takes
// the order's payment exactly once.
//
// The sale's order ref (made when it starts, kept in every request's metadata) makes its payment
// attempt exclusive in the outbox: a second click, a second Enter, a second Sale for the same order or
// a restart in the middle all meet the first attempt (Outbox's Earlier) and follow it instead of
// charging again. A lost answer leaves the outbox row pending and the sale Unknown until recover()
// sends the same request again with the same idempotency key.
//
// One order ref holds one live payment object (a PaymentIntent or a Checkout Session). After a plain
// card decline the attempt is over and any method may be tried; after a declined reader tap or a failed
// 3-D Secure check the same PaymentIntent is tried again (on a reader, or with another card). To switch
// between a reader, a card and a QR code once such an object exists, cancel the sale and start another.
//
// Asynchronous, in the thread of the Database, the StripeClient and the Outbox; never waits.
class Sale : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Ready,                    // nothing sent yet, or a declined/failed attempt that may be retried
        Starting,                 // the attempt is being written and sent
        WaitingForReader,         // the reader shows the amount and waits for a card
        WaitingForAuthentication, // 3-D Secure: actionUrl() is the bank's page (QR code or link)
        WaitingForCustomer,       // Checkout: actionUrl() is the payment page (QR code)
        Checking,                 // an earlier attempt or an unclear answer is being looked up
        Canceling,
        Approved,
        Declined,
        Unknown, // no answer: recover() sends the same request again
        Canceled,
        Expired,
        Failed,
    };
    Q_ENUM(State)

    enum class Method { None, SavedCard, Reader, Checkout, TestCard };
    Q_ENUM(Method)

    // What the sale needs; SaleService makes sales and passes its own.
    struct Environment
    {
        store::Database *db = nullptr;
        stripe::StripeClient *client = nullptr;
        sync::Outbox *outbox = nullptr;
        SaleOptions options;
    };

    Sale(const Environment &environment, const SaleContext &context, const SaleOrder &order,
         const QString &orderRef, QObject *parent = nullptr);
    ~Sale() override;

    const QString &orderRef() const { return m_orderRef; }
    const SaleContext &context() const { return m_context; }
    const SaleOrder &order() const { return m_order; }
    State state() const { return m_state; }
    Method method() const { return m_method; }
    const SaleResult &result() const { return m_result; }
    // The 3-D Secure page or the Checkout page while one is waiting; empty otherwise.
    QUrl actionUrl() const { return m_actionUrl; }
    QString paymentIntentId() const { return m_paymentIntentId; }
    QString checkoutSessionId() const { return m_sessionId; }
    QString readerId() const { return m_readerId; }
    // Why the last pay, cancel or recover call was refused, in words.
    QString lastRefusal() const { return m_refusal; }

    bool isBusy() const;  // an answer or a customer is awaited
    bool isFinal() const; // approved, canceled or expired: nothing more to do
    bool canPay() const;  // a pay call would be accepted now
    bool canCancel() const;

    static QString stateName(State state);
    static QString methodName(Method method);

    // Each starts the payment and returns true, or returns false with lastRefusal() when the sale is
    // not in a state to take it (busy, finished, unknown) or the context may not do it.
    bool payWithSavedCard(const QString &paymentMethodId);
    bool payWithTestCard(const QString &testPaymentMethod); // pm_card_visa, ...; test mode only
    bool payWithReader(const QString &readerId);
    bool payWithCheckout();
    // Reader: cancels the reader's action, then the PaymentIntent. 3-D Secure: cancels the
    // PaymentIntent. Checkout: expires the session. A payment that succeeded meanwhile stays approved.
    bool cancel();
    // Unknown: sends the unanswered request again with its idempotency key (Stripe replays the first
    // answer), or looks the attempt up again when nothing is pending.
    bool recover();

    // SaleService::resume: takes up the order's outbox rows (newest first) after a restart.
    void restore(const QList<store::OutboxEntry> &rows);

signals:
    void stateChanged(kassa::sale::Sale::State state);
    void actionUrlChanged(const QUrl &url);

private:
    enum class Poll { None, Row, PaymentIntent, Reader, Session };
    enum class Attempt { None, CardIntent, ReaderIntent, Session }; // what the live exclusive row holds

    bool admit(SaleAction action, Method method);
    void refuse(const QString &why);
    void setState(State state);
    void setActionUrl(const QUrl &url);
    void finish(const SaleResult &result);
    void audit() const;
    void startPolling(Poll what);
    void stopPolling();
    void schedulePoll();
    void pollOnce();
    quint64 nextPhase() { return ++m_phase; }
    QMap<QString, QString> metadata() const;

    // Card and common (sale.cpp)
    void startCardPayment(Method method, const QString &paymentMethodId);
    void submit(const QString &op, const stripe::StripeRequest &request);
    void onSubmitted(const sync::OutboxResult &result);
    void adopt(const store::OutboxEntry &entry);
    void watchRow(qint64 rowId);
    static Attempt attemptOf(const store::OutboxEntry &entry);
    void onRow(const store::OutboxEntry &entry);
    void followObject(const QString &objectId);
    void retrievePaymentIntent(quint64 phase);
    void onPaymentIntent(const QJsonObject &pi, bool fromPoll);
    void cancelPaymentIntent();
    void ingest(const QJsonObject &object);
    void recoverAttempt();

    // Reader (salereader.cpp)
    void startReaderPayment();
    void processOnReader();
    void pollReader(quint64 phase);
    void onReader(const QJsonObject &reader);
    void onReaderIntentWaiting(const QJsonObject &pi);
    void cancelOnReader();
    SaleResult readerError(const stripe::StripeResponse &response) const;

    // Checkout (salecheckout.cpp)
    void startCheckoutPayment();
    void retrieveSession(quint64 phase);
    void onSession(const QJsonObject &session);
    void expireSession();

    store::Database &m_db;
    stripe::StripeClient &m_client;
    sync::Outbox &m_outbox;
    SaleOptions m_options;
    SaleContext m_context;
    SaleOrder m_order;
    QString m_orderRef;

    State m_state = State::Ready;
    Method m_method = Method::None;
    Attempt m_attempt = Attempt::None;
    SaleResult m_result;
    QUrl m_actionUrl;
    QString m_refusal;
    QString m_paymentIntentId;
    QString m_sessionId;
    QString m_readerId;
    QString m_pendingKey;    // idempotency key of the outbox row last submitted: what recover() re-sends
    qint64 m_watchedRow = 0; // an earlier attempt's row being watched
    qint64 m_watchUntilMs = 0;

    QTimer m_pollTimer;
    QTimer m_recheckTimer; // Unknown: the next automatic recover
    Poll m_poll = Poll::None;
    int m_pollDelayMs = 0;
    quint64 m_phase = 0;            // answers of an earlier phase are ignored
    bool m_cancelRequested = false; // the cashier asked to cancel: never approve less than what happened
    bool m_cancelSent = false;      // the PaymentIntent's cancel (or the session's expire) was sent
    bool m_readerChecked = false;   // the reader was asked whether the payment is still on it
};

} // namespace kassa::sale
