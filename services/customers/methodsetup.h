// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/actinguser.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace kassa::customers {

class SavedMethodService;
struct SavedMethodOutcome;

// One new card being saved for a customer, away from the till's keyboard:
//
// - Checkout: a setup-mode Checkout Session (through the outbox) whose page the customer opens from a QR
//   code; polled until it is complete (the SetupIntent's payment method is read into the store) or
//   expired. cancel() expires it, unless the customer saved the card first.
// - Reader (Stripe Terminal, server-driven): a card_present SetupIntent (through the outbox) handed to
//   the reader with process_setup_intent; the reader is polled until the tap succeeds or fails.
//   cancel() stops the reader's action and cancels the SetupIntent, unless the tap won the race.
//
// Made by SavedMethodService::startCheckout() / startReader(), which checked the permission; the
// service must outlive it. Emits changed() on every state change; finished once Saved, Failed or
// Canceled.
class MethodSetup : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Checkout, Reader };
    enum class State {
        Starting,           // the session or SetupIntent is being made
        WaitingForCustomer, // the QR code is up (url())
        WaitingForReader,   // the reader asks for a card
        Canceling,
        Saved,    // paymentMethod() is the saved card, in the store
        Failed,   // message() says why
        Canceled, // nothing saved
    };
    Q_ENUM(State)

    ~MethodSetup() override;

    Kind kind() const { return m_kind; }
    State state() const { return m_state; }
    bool isFinished() const
    {
        return m_state == State::Saved || m_state == State::Failed || m_state == State::Canceled;
    }
    QString customerId() const { return m_customerId; }
    // The Checkout page's address (the QR code's text) while WaitingForCustomer.
    QUrl url() const { return m_url; }
    QString sessionId() const { return m_sessionId; }
    QString setupIntentId() const { return m_setupIntentId; }
    QString readerId() const { return m_readerId; }
    QJsonObject paymentMethod() const { return m_paymentMethod; }
    // For Failed and Canceled: what happened, for the till.
    QString message() const { return m_message; }

    void start();
    // Stops waiting: the session is expired / the reader's action canceled. A card saved first stays.
    void cancel();

signals:
    void changed();

private:
    friend class SavedMethodService;
    MethodSetup(SavedMethodService &service, Kind kind, const security::ActingUser &actor,
                const QString &customerId, const QString &readerId);

    void setState(State state);
    void fail(const QString &message);
    void startPolling();
    void stopPolling();
    void poll();
    void onSession(const QJsonObject &session);
    void onSetupIntent(const QJsonObject &seti);
    void onReader(const QJsonObject &reader);
    void processOnReader();
    void readSetupIntent();
    void savePaymentMethod(const QJsonObject &pm);
    void expireSession();
    void cancelOnReader();
    void onMade(const SavedMethodOutcome &outcome);
    void onExpired(const SavedMethodOutcome &outcome);
    void onSetupIntentCanceled(const SavedMethodOutcome &outcome);
    std::function<void(const SavedMethodOutcome &)>
    guarded(void (MethodSetup::*member)(const SavedMethodOutcome &));

    SavedMethodService &m_service;
    Kind m_kind;
    security::ActingUser m_actor;
    QString m_customerId;
    QString m_readerId;
    State m_state = State::Starting;
    QUrl m_url;
    QString m_sessionId;
    QString m_setupIntentId;
    QJsonObject m_paymentMethod;
    QString m_message;
    QTimer m_pollTimer;
    int m_pollDelayMs = 0;
    bool m_cancelRequested = false;
};

} // namespace kassa::customers
