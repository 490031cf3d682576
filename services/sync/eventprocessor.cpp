// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/eventprocessor.h"

#include "services/store/chargerepository.h"
#include "services/store/customerrepository.h"
#include "services/store/database.h"
#include "services/store/eventrepository.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/paymentrepository.h"
#include "services/store/refundrepository.h"
#include "services/store/storeingest.h"
#include "services/store/transaction.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/synclogging.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace kassa::sync {

EventProcessor::EventProcessor(store::Database &db, stripe::StripeClient *client, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_client(client)
{
}

EventProcessor::~EventProcessor() = default;

QString EventProcessor::retrievePath(const QString &objectType, const QString &id)
{
    if (id.isEmpty())
        return {};
    if (objectType == u"payment_intent"_s)
        return stripe::StripeRequest::resourcePath(u"/v1/payment_intents"_s, id);
    if (objectType == u"charge"_s)
        return stripe::StripeRequest::resourcePath(u"/v1/charges"_s, id);
    if (objectType == u"refund"_s)
        return stripe::StripeRequest::resourcePath(u"/v1/refunds"_s, id);
    if (objectType == u"customer"_s)
        return stripe::StripeRequest::resourcePath(u"/v1/customers"_s, id);
    if (objectType == u"payment_method"_s)
        return stripe::StripeRequest::resourcePath(u"/v1/payment_methods"_s, id);
    return {};
}

namespace {

// When the store's state of the object was observed; none when it holds none.
std::optional<qint64> heldObservedAt(store::Database &db, const QString &objectType, const QString &id)
{
    store::StoreResult<std::optional<store::ObjectVersion>> held = std::optional<store::ObjectVersion>();
    if (objectType == u"payment_intent"_s)
        held = store::PaymentRepository(db).version(id);
    else if (objectType == u"charge"_s)
        held = store::ChargeRepository(db).version(id);
    else if (objectType == u"refund"_s)
        held = store::RefundRepository(db).version(id);
    else if (objectType == u"customer"_s)
        held = store::CustomerRepository(db).version(id);
    else if (objectType == u"payment_method"_s)
        held = store::PaymentMethodRepository(db).version(id);
    if (!held.ok() || !held.value())
        return std::nullopt;
    return held.value()->observedAt;
}

} // namespace

EventProcessor::Result EventProcessor::process(const QJsonObject &event)
{
    Result result;
    const QString eventId = event.value(u"id"_s).toString();
    const QString type = event.value(u"type"_s).toString();
    const qint64 created = event.value(u"created"_s).toInteger();
    const QJsonObject object = event.value(u"data"_s).toObject().value(u"object"_s).toObject();
    if (eventId.isEmpty() || event.value(u"object"_s).toString() != u"event"_s) {
        result.error = u"not a Stripe event"_s;
        return result;
    }

    store::Transaction transaction(m_db);
    if (!transaction.isActive()) {
        result.error = transaction.error().toString();
        return result;
    }
    store::EventRepository events(m_db);
    const store::StoreResult<bool> fresh = events.markProcessed(eventId, type, created);
    if (!fresh.ok()) {
        result.error = fresh.error().toString();
        return result;
    }
    bool needsRefetch = false;
    if (!fresh.value()) {
        result.duplicate = true;
    } else if (!object.isEmpty()) {
        // `created` has one-second resolution: an event no newer than the state the store holds cannot be
        // ordered against it. It is applied by the store's rule, and the object is fetched again to be sure.
        const std::optional<qint64> held =
            heldObservedAt(m_db, object.value(u"object"_s).toString(), object.value(u"id"_s).toString());
        needsRefetch = held && *held >= created;
        store::StoreIngest ingest(m_db);
        // In a savepoint: an object the store cannot read is fetched again instead of failing the event.
        const store::StoreError applyError = m_db.savepoint(u"apply_event"_s, [&]() -> store::StoreError {
            const store::StoreResult<store::UpsertOutcome> upserted = ingest.upsert(object, created);
            if (!upserted.ok())
                return upserted.error();
            result.outcome = upserted.value();
            return {};
        });
        if (applyError.isError()) {
            if (applyError.kind != store::StoreError::Kind::InvalidData) {
                result.error = applyError.toString();
                return result;
            }
            qCInfo(lcSync) << "event" << eventId
                           << "carries an object the store cannot read:" << applyError.toString()
                           << "- fetching it again";
            needsRefetch = true;
        } else if (result.outcome == store::UpsertOutcome::Stale) {
            // Older than what the store holds: ask Stripe what is true now.
            needsRefetch = true;
        }
    }
    (void)events.removeFromInbox(eventId);
    const store::StoreError committed = transaction.commit();
    if (committed.isError()) {
        result.error = committed.toString();
        return result;
    }
    result.ok = true;
    if (needsRefetch) {
        const QString objectType = object.value(u"object"_s).toString();
        const QString id = object.value(u"id"_s).toString();
        if (m_client && !retrievePath(objectType, id).isEmpty()) {
            refetch(objectType, id);
            result.refetching = true;
        }
    }
    if (fresh.value())
        emit eventApplied(eventId, type);
    return result;
}

EventProcessor::Result EventProcessor::applyObject(const QJsonObject &object, qint64 observedAt)
{
    Result result;
    store::StoreIngest ingest(m_db);
    const store::StoreResult<store::UpsertOutcome> upserted =
        ingest.upsert(object, observedAt > 0 ? observedAt : m_db.now());
    if (!upserted.ok()) {
        result.error = upserted.error().toString();
        return result;
    }
    result.ok = true;
    result.outcome = upserted.value();
    return result;
}

bool EventProcessor::sink(const QJsonObject &event, const QByteArray &rawBody, QString *error)
{
    Q_UNUSED(rawBody);
    const Result result = process(event);
    if (!result.ok && error)
        *error = result.error;
    return result.ok;
}

void EventProcessor::refetch(const QString &objectType, const QString &id)
{
    if (const auto found = m_refetching.find(id); found != m_refetching.end()) {
        found->second = true; // fetch once more when this one is back: it may have left before the change
        return;
    }
    m_refetching.emplace(id, false);
    QPointer<EventProcessor> self(this);
    m_client->send(stripe::StripeRequest::get(retrievePath(objectType, id)), this,
                   [self, objectType, id](const stripe::StripeResponse &response) {
                       if (EventProcessor *processor = self.data())
                           processor->onRefetched(objectType, id, response);
                   });
}

void EventProcessor::onRefetched(const QString &objectType, const QString &id,
                                 const stripe::StripeResponse &response)
{
    bool ok = false;
    if (response.ok()) {
        const Result applied = applyObject(response.json);
        ok = applied.ok;
        if (!ok)
            qCWarning(lcSync) << "cannot store re-fetched" << id << applied.error;
    } else {
        qCWarning(lcSync) << "cannot re-fetch" << id << response.error.toString();
    }
    bool again = false;
    if (const auto found = m_refetching.find(id); found != m_refetching.end()) {
        again = found->second;
        m_refetching.erase(found);
    }
    if (again) {
        refetch(objectType, id);
        emit refetched(id, ok);
        return;
    }
    const bool nowIdle = m_refetching.empty();
    emit refetched(id, ok);
    if (nowIdle)
        emit idle();
}

} // namespace kassa::sync
