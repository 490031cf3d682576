// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace kassa::store {

// The life of an outbox row:
//
//   pending ──claim──▶ sending ──complete (2xx)──────────▶ done
//      ▲                  │    ──complete (other answer)──▶ failed
//      └────release───────┘    ──abandon──────────────────▶ failed
//
// pending: written and committed, not being sent, or sent without a final answer (connection lost,
// 5xx, 409, 429): send it (again) with the same idempotency key. sending: a sender has claimed it.
// done: Stripe answered 2xx. failed: Stripe gave a final error answer (a decline, an invalid request),
// or the row was given up; money did not move through it, and a new attempt needs a new key.
enum class OutboxState {
    Pending,
    Sending,
    Done,
    Failed,
};

QString outboxStateName(OutboxState state); // "pending", "sending", "done", "failed"
std::optional<OutboxState> outboxStateFromName(const QString &name);

// One call to Stripe that moves money or changes a saved card, written before it is sent.
struct OutboxEntry
{
    qint64 id = 0;
    QString op;     // what it is for the till: "create_payment", "refund", "capture", ... (pos/ names them)
    QString method; // "POST"
    QString path;   // "/v1/payment_intents"
    QByteArray params;      // the form-encoded body, sent byte for byte on every attempt
    QString idempotencyKey; // sent as Idempotency-Key on every attempt; unique in the outbox
    QString orderRef;       // the till's order, or empty
    // At most one pending, sending or done exclusive row per orderRef (a unique index says so): set it
    // for the call that takes an order's payment.
    bool exclusive = false;
    OutboxState state = OutboxState::Pending;
    int attempts = 0;       // claims so far
    QString lastError;      // why the last attempt got no final answer
    int responseStatus = 0; // the final answer's HTTP status; 0 before
    QByteArray responseBody;
    QString objectId;  // the id of the object Stripe answered with (pi_..., re_...)
    QString claimedBy; // the sender holding it while sending
    qint64 claimedAt = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool isFinished() const { return state == OutboxState::Done || state == OutboxState::Failed; }

    friend bool operator==(const OutboxEntry &, const OutboxEntry &) = default;
};

} // namespace kassa::store
