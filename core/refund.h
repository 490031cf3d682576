// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "core/refundreason.h"
#include "core/refundstatus.h"

#include <QDateTime>
#include <QMap>
#include <QString>

namespace kassa {

// A refund of (part of) a charge. A plain value. The till's approval trail travels in metadata
// (requested_by, approved_by).
struct Refund
{
    QString id; // re_...
    Money amount;
    QString chargeId;        // ch_...
    QString paymentIntentId; // pi_..., empty if none
    RefundStatus status = RefundStatus::Unknown;
    RefundReason reason = RefundReason::None;
    QString failureReason; // lost_or_stolen_card, expired_or_canceled_card, ...; empty unless failed
    QMap<QString, QString> metadata;
    QDateTime created; // UTC

    Currency currency() const { return amount.currency(); }

    friend bool operator==(const Refund &, const Refund &) = default;
};

} // namespace kassa
