// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/objectversion.h"

using namespace Qt::StringLiterals;

namespace kassa::store {

bool ObjectVersion::supersedes(const ObjectVersion &held) const
{
    if (held.isFinal())
        return isFinal() && status == held.status && observedAt >= held.observedAt;
    if (isFinal())
        return true;
    if (observedAt != held.observedAt)
        return observedAt > held.observedAt;
    if (rank != held.rank)
        return rank > held.rank;
    return progress >= held.progress;
}

QString ObjectVersion::sqlCondition(const QString &table)
{
    const QString held = table + u'.';
    return u"(CASE WHEN %1status_rank >= %2 THEN "
           "(excluded.status_rank >= %2 AND excluded.status = %1status AND excluded.observed_at >= "
           "%1observed_at) "
           "WHEN excluded.status_rank >= %2 THEN 1 = 1 "
           "WHEN excluded.observed_at <> %1observed_at THEN excluded.observed_at > %1observed_at "
           "WHEN excluded.status_rank <> %1status_rank THEN excluded.status_rank > %1status_rank "
           "ELSE excluded.progress >= %1progress END)"_s.arg(held)
               .arg(FinalRank);
}

int ObjectVersion::statusRank(PaymentIntentStatus status)
{
    switch (status) {
    case PaymentIntentStatus::Unknown:
        return 0;
    case PaymentIntentStatus::RequiresPaymentMethod:
        return 10;
    case PaymentIntentStatus::RequiresConfirmation:
        return 20;
    case PaymentIntentStatus::RequiresAction:
        return 30;
    case PaymentIntentStatus::Processing:
        return 40;
    case PaymentIntentStatus::RequiresCapture:
        return 50;
    case PaymentIntentStatus::Canceled:
    case PaymentIntentStatus::Succeeded:
        return FinalRank;
    }
    return 0;
}

int ObjectVersion::statusRank(ChargeStatus status)
{
    switch (status) {
    case ChargeStatus::Unknown:
        return 0;
    case ChargeStatus::Pending:
        return 10;
    case ChargeStatus::Succeeded:
        return 20;
    case ChargeStatus::Failed:
        return FinalRank;
    }
    return 0;
}

int ObjectVersion::statusRank(RefundStatus status)
{
    switch (status) {
    case RefundStatus::Unknown:
        return 0;
    case RefundStatus::Pending:
    case RefundStatus::RequiresAction:
        return 10;
    case RefundStatus::Succeeded:
        return 20;
    case RefundStatus::Failed:
    case RefundStatus::Canceled:
        return FinalRank;
    }
    return 0;
}

ObjectVersion ObjectVersion::ofPaymentIntent(const QString &status, qint64 observedAt, qint64 amountReceived,
                                             bool hasPaymentError)
{
    const PaymentIntentStatus value = fromStripe<PaymentIntentStatus>(status);
    const int rank = value == PaymentIntentStatus::RequiresPaymentMethod && hasPaymentError
                         ? FailedAttemptRank
                         : statusRank(value);
    return {status, rank, observedAt, amountReceived};
}

ObjectVersion ObjectVersion::ofCharge(const QString &status, qint64 observedAt, qint64 amountCaptured,
                                      qint64 amountRefunded)
{
    return {status, statusRank(fromStripe<ChargeStatus>(status)), observedAt,
            amountCaptured + amountRefunded};
}

ObjectVersion ObjectVersion::ofRefund(const QString &status, qint64 observedAt)
{
    return {status, statusRank(fromStripe<RefundStatus>(status)), observedAt, 0};
}

ObjectVersion ObjectVersion::ofCustomer(bool deleted, qint64 observedAt)
{
    return deleted ? ObjectVersion{u"deleted"_s, FinalRank, observedAt, 0}
                   : ObjectVersion{u"active"_s, 0, observedAt, 0};
}

ObjectVersion ObjectVersion::ofPaymentMethod(qint64 observedAt)
{
    return {u""_s, 0, observedAt, 0};
}

} // namespace kassa::store
