// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/refunds/refundrequestservice.h"

#include "services/security/auditlog.h"
#include "services/security/settingsservice.h"
#include "services/store/database.h"
#include "services/store/outboxrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/transaction.h"
#include "services/stripe/resources/refunds.h"
#include "services/stripe/stripeerror.h"
#include "services/sync/outbox.h"

#include <QJsonObject>
#include <QLocale>
#include <QPointer>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace kassa::refunds {

using security::ActingUser;
using security::SecurityError;
using security::SecurityResult;
using store::RefundRequestRow;
using store::StoreError;
using store::StoreResult;

namespace {

QString newRequestId()
{
    static const char Alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    QString id = u"rr_"_s;
    for (int i = 0; i < 24; ++i)
        id += QLatin1Char(Alphabet[QRandomGenerator::system()->bounded(int(sizeof(Alphabet) - 1))]);
    return id;
}

QString money(const Money &amount)
{
    return amount.format(QLocale());
}

SecurityError storeFailed(const StoreError &error)
{
    return SecurityError::fromStore(error);
}

SecurityError invalid(const QString &message)
{
    return SecurityError::make(SecurityError::Kind::Invalid, message);
}

// Why a request cannot be decided any more, naming who did.
QString alreadyDecided(const RefundRequestRow &row)
{
    if (row.decidedBy.isEmpty())
        return u"refund request %1 is %2, not pending"_s.arg(row.id, row.state);
    if (row.state == QLatin1StringView(RefundRequestRow::Rejected))
        return u"refund request %1 was already rejected by %2"_s.arg(row.id, row.decidedBy);
    if (row.state == QLatin1StringView(RefundRequestRow::Approved))
        return u"refund request %1 was already approved by %2"_s.arg(row.id, row.decidedBy);
    return u"refund request %1 was already approved by %2; its refund %3"_s.arg(row.id, row.decidedBy,
                                                                                row.state);
}

QJsonObject describe(const RefundRequestRow &row)
{
    return QJsonObject{{u"payment_intent"_s, row.paymentIntentId},
                       {u"amount"_s, row.amount.minorUnits()},
                       {u"currency"_s, row.amount.currency().code().toLower()},
                       {u"reason"_s, row.reason},
                       {u"state"_s, row.state}};
}

} // namespace

RefundRequestService::RefundRequestService(store::Database &db, sync::Outbox &outbox,
                                           security::AuditLog &audit, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_outbox(outbox)
    , m_audit(audit)
{
}

QString RefundRequestService::idempotencyKeyFor(const QString &requestId)
{
    return u"kassa-refund-"_s + requestId;
}

RefundRequestOutcome RefundRequestService::refused(const SecurityError &error) const
{
    RefundRequestOutcome outcome;
    outcome.kind = RefundRequestOutcome::Kind::Refused;
    outcome.error = error;
    outcome.message = error.message;
    return outcome;
}

SecurityResult<Money> RefundRequestService::refundableAmount(const ActingUser &actor,
                                                             const QString &paymentIntentId)
{
    if (SecurityError error = security::require(actor, Permission::RequestRefunds); error.isError())
        return error;
    const StoreResult<std::optional<store::PaymentRow>> payment =
        store::PaymentRepository(m_db).find(paymentIntentId);
    if (!payment.ok())
        return storeFailed(payment.error());
    if (!payment.value())
        return SecurityError::make(
            SecurityError::Kind::NotFound,
            u"payment %1 is not in this till's store; sync first"_s.arg(paymentIntentId));
    const store::PaymentRow &row = *payment.value();
    if (row.status != u"succeeded"_s)
        return invalid(u"payment %1 is %2, not succeeded: there is nothing to refund"_s.arg(paymentIntentId,
                                                                                            row.status));
    const StoreResult<qint64> open = store::RefundRequestRepository(m_db).openAmount(paymentIntentId);
    if (!open.ok())
        return storeFailed(open.error());
    const qint64 left = row.amountReceived.minorUnits() - row.amountRefunded.minorUnits() - open.value();
    return Money(std::max<qint64>(0, left), row.amountReceived.currency());
}

SecurityResult<std::optional<Money>> RefundRequestService::threshold()
{
    const SecurityResult<QString> value =
        security::SettingsService(m_db, m_audit).value(QString::fromLatin1(ThresholdSetting));
    if (!value.ok())
        return value.error();
    const QString text = value.value().trimmed();
    if (text.isEmpty() || text == u"none"_s)
        return std::optional<Money>();
    const QStringList parts = text.split(u' ', Qt::SkipEmptyParts);
    bool ok = false;
    const qint64 minor = parts.value(0).toLongLong(&ok);
    const std::optional<Currency> currency = Currency::fromCode(parts.value(1));
    if (!ok || minor < 0 || !currency || parts.size() != 2)
        return invalid(
            u"the refund approval threshold setting \"%1\" is not \"<minor units> <currency>\""_s.arg(text));
    return std::optional<Money>(Money(minor, *currency));
}

SecurityError RefundRequestService::setThreshold(const ActingUser &actor,
                                                 const std::optional<Money> &threshold)
{
    if (threshold && (threshold->isNegative() || !threshold->currency().isValid()))
        return invalid(u"a refund approval threshold is an amount of zero or more in a currency"_s);
    // SettingsService checks ManageSettings and audits the change with its old and new value.
    return security::SettingsService(m_db, m_audit)
        .setValue(actor, QString::fromLatin1(ThresholdSetting),
                  threshold
                      ? u"%1 %2"_s.arg(threshold->minorUnits()).arg(threshold->currency().code().toLower())
                      : u"none"_s);
}

void RefundRequestService::request(const ActingUser &actor, const NewRequest &input, const Callback &done)
{
    const SecurityResult<Money> left = refundableAmount(actor, input.paymentIntentId);
    if (!left.ok())
        return done(refused(left.error()));
    const Money amount = input.amount ? Money(*input.amount, left.value().currency()) : left.value();
    if (!amount.isPositive())
        return done(
            refused(invalid(input.amount ? u"a refund is an amount above zero"_s
                                         : u"nothing is left to refund of %1"_s.arg(input.paymentIntentId))));
    if (amount.minorUnits() > left.value().minorUnits())
        return done(refused(invalid(u"%1 is more than the %2 left to refund of %3"_s.arg(
            money(amount), money(left.value()), input.paymentIntentId))));
    if (input.reason == RefundReason::Unknown || input.reason == RefundReason::ExpiredUncapturedCharge)
        return done(
            refused(invalid(u"a refund's reason is duplicate, fraudulent, requested_by_customer or none"_s)));
    if (input.note.size() > 500)
        return done(refused(invalid(u"the note is longer than 500 characters"_s)));

    // Who decides: a role that may refund directly decides for itself; the owner's threshold lets small
    // cashier refunds pass; everything else waits for a manager.
    QString decidedBy;
    if (kassa::allows(actor.role, Permission::RefundDirectly)) {
        decidedBy = actor.name;
    } else {
        const SecurityResult<std::optional<Money>> limit = threshold();
        if (!limit.ok())
            return done(refused(limit.error()));
        if (limit.value() && limit.value()->currency() == amount.currency() &&
            amount.minorUnits() <= limit.value()->minorUnits())
            decidedBy = u"threshold"_s;
    }

    RefundRequestRow row;
    row.id = newRequestId();
    row.paymentIntentId = input.paymentIntentId;
    row.amount = amount;
    row.reason = toStripe(input.reason);
    row.note = input.note.trimmed();
    row.requestedBy = actor.name;
    row.requestedAt = m_db.now();
    row.till = actor.till;
    if (!decidedBy.isEmpty()) {
        row.state = QString::fromLatin1(RefundRequestRow::Approved);
        row.decidedBy = decidedBy;
        row.decidedAt = row.requestedAt;
        row.idempotencyKey = idempotencyKeyFor(row.id);
    }
    const StoreError written = store::Transaction::run(m_db, [&]() -> StoreError {
        if (StoreError failed = store::RefundRequestRepository(m_db).insert(row); failed.isError())
            return failed;
        QJsonObject details = describe(row);
        if (!row.note.isEmpty())
            details.insert(u"note"_s, row.note);
        if (StoreError failed =
                m_audit.record(actor, u"refund.request"_s, {row.id, row.paymentIntentId}, details);
            failed.isError())
            return failed;
        if (decidedBy.isEmpty())
            return {};
        return m_audit.record(actor, u"refund.approve"_s, {row.id, row.paymentIntentId},
                              {{u"approved_by"_s, decidedBy}});
    });
    if (written.isError())
        return done(refused(storeFailed(written)));
    if (const StoreResult<std::optional<RefundRequestRow>> stored =
            store::RefundRequestRepository(m_db).find(row.id);
        stored.ok() && stored.value())
        row = *stored.value();
    emit requestChanged(row.id);
    if (decidedBy.isEmpty()) {
        RefundRequestOutcome outcome;
        outcome.kind = RefundRequestOutcome::Kind::Pending;
        outcome.request = row;
        outcome.message =
            u"refund of %1 requested (%2); a manager must approve it"_s.arg(money(amount), row.id);
        return done(outcome);
    }
    send(row, done);
}

void RefundRequestService::approve(const ActingUser &actor, const QString &requestId, const Callback &done)
{
    if (SecurityError error = security::require(actor, Permission::DecideRefunds); error.isError())
        return done(refused(error));
    std::optional<RefundRequestRow> decided;
    SecurityError problem;
    const StoreError written = store::Transaction::run(m_db, [&]() -> StoreError {
        store::RefundRequestRepository requests(m_db);
        const StoreResult<std::optional<RefundRequestRow>> found = requests.find(requestId);
        if (!found.ok())
            return found.error();
        if (!found.value()) {
            problem =
                SecurityError::make(SecurityError::Kind::NotFound, u"no refund request %1"_s.arg(requestId));
            return {};
        }
        const StoreResult<bool> changed =
            requests.decide(requestId, QString::fromLatin1(RefundRequestRow::Approved), actor.name,
                            m_db.now(), QString(), idempotencyKeyFor(requestId));
        if (!changed.ok())
            return changed.error();
        const StoreResult<std::optional<RefundRequestRow>> now = requests.find(requestId);
        if (!now.ok())
            return now.error();
        if (!changed.value() || !now.value()) {
            const RefundRequestRow &row = now.value() ? *now.value() : *found.value();
            problem = invalid(alreadyDecided(row));
            return {};
        }
        decided = *now.value();
        return m_audit.record(actor, u"refund.approve"_s, {requestId, decided->paymentIntentId},
                              {{u"requested_by"_s, decided->requestedBy},
                               {u"amount"_s, decided->amount.minorUnits()},
                               {u"currency"_s, decided->amount.currency().code().toLower()}});
    });
    if (written.isError())
        return done(refused(storeFailed(written)));
    if (problem.isError() || !decided)
        return done(refused(problem));
    emit requestChanged(requestId);
    send(*decided, done);
}

RefundRequestOutcome RefundRequestService::reject(const ActingUser &actor, const QString &requestId,
                                                  const QString &reason)
{
    if (SecurityError error = security::require(actor, Permission::DecideRefunds); error.isError())
        return refused(error);
    if (reason.trimmed().isEmpty())
        return refused(invalid(u"say why the refund is rejected: the cashier sees the reason"_s));
    RefundRequestOutcome outcome;
    SecurityError problem;
    const StoreError written = store::Transaction::run(m_db, [&]() -> StoreError {
        store::RefundRequestRepository requests(m_db);
        const StoreResult<bool> changed =
            requests.decide(requestId, QString::fromLatin1(RefundRequestRow::Rejected), actor.name,
                            m_db.now(), reason.trimmed(), QString());
        if (!changed.ok())
            return changed.error();
        const StoreResult<std::optional<RefundRequestRow>> now = requests.find(requestId);
        if (!now.ok())
            return now.error();
        if (!now.value()) {
            problem =
                SecurityError::make(SecurityError::Kind::NotFound, u"no refund request %1"_s.arg(requestId));
            return {};
        }
        if (!changed.value()) {
            const RefundRequestRow &row = *now.value();
            problem = invalid(alreadyDecided(row));
            return {};
        }
        outcome.request = *now.value();
        return m_audit.record(
            actor, u"refund.reject"_s, {requestId, outcome.request.paymentIntentId},
            {{u"reason"_s, reason.trimmed()}, {u"requested_by"_s, outcome.request.requestedBy}});
    });
    if (written.isError())
        return refused(storeFailed(written));
    if (problem.isError())
        return refused(problem);
    emit requestChanged(requestId);
    outcome.kind = RefundRequestOutcome::Kind::Rejected;
    outcome.message = u"refund request %1 rejected"_s.arg(requestId);
    return outcome;
}

void RefundRequestService::send(const RefundRequestRow &row, const Callback &done)
{
    stripe::Refunds::CreateParams params;
    params.paymentIntentId = row.paymentIntentId;
    params.amount = row.amount.minorUnits();
    params.reason = fromStripe<RefundReason>(row.reason);
    params.metadata.insert(u"kassa_request"_s, row.id);
    params.metadata.insert(u"requested_by"_s, row.requestedBy);
    params.metadata.insert(u"approved_by"_s, row.decidedBy);
    if (!row.till.isEmpty())
        params.metadata.insert(u"kassa_till"_s, row.till);
    const QPointer<RefundRequestService> self(this);
    m_outbox.submit(QString::fromLatin1(sync::Outbox::OpCreateRefund),
                    stripe::Refunds::create(params, row.idempotencyKey), QString(),
                    [self, row, done](const sync::OutboxResult &result) {
                        RefundRequestService *service = self.data();
                        if (!service)
                            return;
                        done(service->afterSend(row, result));
                    });
}

RefundRequestOutcome RefundRequestService::afterSend(const RefundRequestRow &row,
                                                     const sync::OutboxResult &result)
{
    RefundRequestOutcome outcome;
    outcome.request = row;
    switch (result.outcome) {
    case sync::OutboxResult::Outcome::Done:
        outcome.kind = RefundRequestOutcome::Kind::Sent;
        break;
    case sync::OutboxResult::Outcome::Failed: {
        outcome.kind = RefundRequestOutcome::Kind::Failed;
        const StoreError failed = store::Transaction::run(m_db, [&]() -> StoreError {
            const StoreResult<bool> changed =
                store::RefundRequestRepository(m_db).failApproved(row.id, result.error);
            if (!changed.ok())
                return changed.error();
            if (!changed.value())
                return {};
            return m_audit.record(ActingUser{}, u"refund.failed"_s, {row.id, row.paymentIntentId},
                                  {{u"error"_s, result.error}});
        });
        if (failed.isError())
            outcome.message = u"; the request could not be marked failed: "_s + failed.toString();
        break;
    }
    default:
        outcome.kind = RefundRequestOutcome::Kind::Unknown;
        break;
    }
    // The store now holds what Stripe answered; the request row followed the refund in that transaction.
    if (const StoreResult<std::optional<RefundRequestRow>> now =
            store::RefundRequestRepository(m_db).find(row.id);
        now.ok() && now.value())
        outcome.request = *now.value();
    if (outcome.kind == RefundRequestOutcome::Kind::Sent) {
        // The refund's result, as the request now shows it (Stripe may still be working on it).
        if (const StoreError error = m_audit.record(
                ActingUser{}, u"refund.result"_s, {row.id, outcome.request.refundId},
                {{u"state"_s, outcome.request.state}, {u"approved_by"_s, outcome.request.decidedBy}});
            error.isError())
            qWarning("refund request %s: not in the audit log: %s", qPrintable(row.id),
                     qPrintable(error.toString()));
    }
    const QString amount = money(row.amount);
    switch (outcome.kind) {
    case RefundRequestOutcome::Kind::Sent:
        outcome.message =
            outcome.request.state == QLatin1StringView(RefundRequestRow::Succeeded)
                ? u"refunded %1 (%2)"_s.arg(amount, outcome.request.refundId)
                : u"refund of %1 is %2 at Stripe (%3)"_s.arg(
                      amount,
                      outcome.request.state == QLatin1StringView(RefundRequestRow::Failed) ? u"failed"_s
                                                                                           : u"pending"_s,
                      outcome.request.refundId);
        break;
    case RefundRequestOutcome::Kind::Failed:
        outcome.message =
            u"Stripe refused the refund of %1: %2"_s.arg(amount, result.error) + outcome.message;
        break;
    default:
        outcome.message =
            u"refund of %1 approved; Stripe's answer did not arrive (%2). It is sent again with "
            "the same key by `recover` and cannot be made twice"_s.arg(amount, result.error);
        break;
    }
    emit requestChanged(row.id);
    return outcome;
}

SecurityResult<QList<RefundRequestRow>> RefundRequestService::pending(const ActingUser &actor)
{
    if (SecurityError error = security::require(actor, Permission::RequestRefunds); error.isError())
        return error;
    const StoreResult<QList<RefundRequestRow>> rows =
        store::RefundRequestRepository(m_db).list({QString::fromLatin1(RefundRequestRow::Pending)});
    if (!rows.ok())
        return storeFailed(rows.error());
    return rows.value();
}

SecurityResult<QList<RefundRequestRow>> RefundRequestService::history(const ActingUser &actor, int limit)
{
    if (SecurityError error = security::require(actor, Permission::RequestRefunds); error.isError())
        return error;
    const StoreResult<QList<RefundRequestRow>> rows = store::RefundRequestRepository(m_db).list({}, limit);
    if (!rows.ok())
        return storeFailed(rows.error());
    return rows.value();
}

SecurityResult<std::optional<RefundRequestRow>> RefundRequestService::find(const ActingUser &actor,
                                                                           const QString &requestId)
{
    if (SecurityError error = security::require(actor, Permission::RequestRefunds); error.isError())
        return error;
    const StoreResult<std::optional<RefundRequestRow>> row =
        store::RefundRequestRepository(m_db).find(requestId);
    if (!row.ok())
        return storeFailed(row.error());
    return row.value();
}

void RefundRequestService::resume(const std::function<void(int sent)> &done)
{
    const StoreResult<QList<RefundRequestRow>> approved =
        store::RefundRequestRepository(m_db).list({QString::fromLatin1(RefundRequestRow::Approved)});
    QList<RefundRequestRow> toSend;
    if (approved.ok()) {
        for (const RefundRequestRow &row : approved.value()) {
            if (!row.refundId.isEmpty())
                continue;
            const StoreResult<std::optional<store::OutboxEntry>> entry =
                store::OutboxRepository(m_db).findByKey(row.idempotencyKey);
            if (!entry.ok())
                continue;
            if (!entry.value()) {
                toSend << row;
            } else if (entry.value()->state == store::OutboxState::Failed) {
                sync::OutboxResult failed;
                failed.outcome = sync::OutboxResult::Outcome::Failed;
                failed.error = stripe::StripeError::fromResponse(entry.value()->responseStatus,
                                                                 entry.value()->responseBody, QString())
                                   .message;
                afterSend(row, failed);
            }
        }
    }
    if (toSend.isEmpty())
        return done(0);
    auto remaining = std::make_shared<int>(int(toSend.size()));
    const int count = int(toSend.size());
    for (const RefundRequestRow &row : std::as_const(toSend)) {
        send(row, [remaining, count, done](const RefundRequestOutcome &) {
            if (--*remaining == 0)
                done(count);
        });
    }
}

} // namespace kassa::refunds
