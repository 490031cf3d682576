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

#include <QJsonDocument>
#include <QPointer>

#include <vector>

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

std::optional<qint64> observedAt(const store::StoreResult<std::optional<store::ObjectVersion>> &held)
{
    if (!held.ok() || !held.value())
        return std::nullopt;
    return held.value()->observedAt;
}

// When the store's state of the object was observed; none when it holds none.
std::optional<qint64> heldObservedAt(store::Database &db, const QString &objectType, const QString &id)
{
    // One return per type: a StoreResult assigned in branches trips GCC 12's -Wmaybe-uninitialized.
    if (objectType == u"payment_intent"_s)
        return observedAt(store::PaymentRepository(db).version(id));
    if (objectType == u"charge"_s)
        return observedAt(store::ChargeRepository(db).version(id));
    if (objectType == u"refund"_s)
        return observedAt(store::RefundRepository(db).version(id));
    if (objectType == u"customer"_s)
        return observedAt(store::CustomerRepository(db).version(id));
    if (objectType == u"payment_method"_s)
        return observedAt(store::PaymentMethodRepository(db).version(id));
    return std::nullopt;
}

} // namespace

store::StoreError EventProcessor::applyInTransaction(const QJsonObject &event, Result *result,
                                                     Applied *applied)
{
    const QString eventId = event.value(u"id"_s).toString();
    const QString type = event.value(u"type"_s).toString();
    const qint64 created = event.value(u"created"_s).toInteger();
    const QJsonObject object = event.value(u"data"_s).toObject().value(u"object"_s).toObject();
    store::EventRepository events(m_db);
    const store::StoreResult<bool> fresh =
        events.markProcessed(eventId, type, created, object.value(u"id"_s).toString());
    if (!fresh.ok())
        return fresh.error();
    applied->fresh = fresh.value();
    if (!fresh.value()) {
        result->duplicate = true;
    } else if (!object.isEmpty()) {
        // `created` has one-second resolution: an event no newer than the state the store holds cannot be
        // ordered against it. It is applied by the store's rule, and the object is fetched again to be sure.
        const std::optional<qint64> held =
            heldObservedAt(m_db, object.value(u"object"_s).toString(), object.value(u"id"_s).toString());
        applied->needsRefetch = held && *held >= created;
        store::StoreIngest ingest(m_db);
        // In a savepoint: an object the store cannot read is fetched again instead of failing the event.
        const store::StoreError applyError = m_db.savepoint(u"apply_event"_s, [&]() -> store::StoreError {
            const store::StoreResult<store::UpsertOutcome> upserted = ingest.upsert(object, created);
            if (!upserted.ok())
                return upserted.error();
            result->outcome = upserted.value();
            return {};
        });
        if (applyError.isError()) {
            if (applyError.kind != store::StoreError::Kind::InvalidData)
                return applyError;
            qCInfo(lcSync) << "event" << eventId
                           << "carries an object the store cannot read:" << applyError.toString()
                           << "- fetching it again";
            applied->needsRefetch = true;
        } else if (result->outcome == store::UpsertOutcome::Stale) {
            // Older than what the store holds: ask Stripe what is true now.
            applied->needsRefetch = true;
        }
    }
    (void)events.removeFromInbox(eventId, created);
    return {};
}

void EventProcessor::afterCommit(const QJsonObject &event, Result *result, const Applied &applied)
{
    result->ok = true;
    if (applied.needsRefetch) {
        const QJsonObject object = event.value(u"data"_s).toObject().value(u"object"_s).toObject();
        const QString objectType = object.value(u"object"_s).toString();
        const QString id = object.value(u"id"_s).toString();
        if (m_client && !retrievePath(objectType, id).isEmpty()) {
            refetch(objectType, id);
            result->refetching = true;
        }
    }
    if (applied.fresh)
        emit eventApplied(event.value(u"id"_s).toString(), event.value(u"type"_s).toString());
}

namespace {

bool isEvent(const QJsonObject &event)
{
    return !event.value(u"id"_s).toString().isEmpty() && event.value(u"object"_s).toString() == u"event"_s;
}

} // namespace

EventProcessor::Result EventProcessor::process(const QJsonObject &event)
{
    Result result;
    if (!isEvent(event)) {
        result.error = u"not a Stripe event"_s;
        return result;
    }
    store::Transaction transaction(m_db);
    if (!transaction.isActive()) {
        result.error = transaction.error().toString();
        return result;
    }
    Applied applied;
    if (const store::StoreError error = applyInTransaction(event, &result, &applied); error.isError()) {
        result.error = error.toString();
        return result;
    }
    const store::StoreError committed = transaction.commit();
    if (committed.isError()) {
        result.error = committed.toString();
        return result;
    }
    afterCommit(event, &result, applied);
    return result;
}

QList<EventProcessor::Result> EventProcessor::processBatch(const QList<QJsonObject> &events)
{
    QList<Result> results(events.size());
    if (events.isEmpty())
        return results;
    store::Transaction transaction(m_db);
    if (!transaction.isActive()) {
        for (Result &result : results)
            result.error = transaction.error().toString();
        return results;
    }
    std::vector<Applied> applied(size_t(events.size()));
    for (qsizetype i = 0; i < events.size(); ++i) {
        Result &result = results[i];
        if (!isEvent(events.at(i))) {
            result.error = u"not a Stripe event"_s;
            continue;
        }
        // Each event in a savepoint of its own: one that fails leaves the others of the batch intact.
        const store::StoreError error = m_db.savepoint(u"process_event"_s, [&]() -> store::StoreError {
            return applyInTransaction(events.at(i), &result, &applied[size_t(i)]);
        });
        if (error.isError()) {
            result = Result{};
            result.error = error.toString();
        }
    }
    const store::StoreError committed = transaction.commit();
    for (qsizetype i = 0; i < events.size(); ++i) {
        Result &result = results[i];
        if (!result.error.isEmpty())
            continue;
        if (committed.isError()) {
            result = Result{};
            result.error = committed.toString();
            continue;
        }
        afterCommit(events.at(i), &result, applied[size_t(i)]);
    }
    return results;
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

QList<QString> EventProcessor::enqueue(const QList<QJsonObject> &events, const QList<QByteArray> &payloads,
                                       const QString &source)
{
    QList<QString> errors(events.size());
    if (events.isEmpty())
        return errors;
    store::Transaction transaction(m_db);
    if (!transaction.isActive()) {
        errors.fill(transaction.error().toString());
        return errors;
    }
    store::EventRepository inbox(m_db);
    const qint64 now = m_db.now();
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject &event = events.at(i);
        if (!isEvent(event)) {
            errors[i] = u"not a Stripe event"_s;
            continue;
        }
        store::InboxEvent queued;
        queued.id = event.value(u"id"_s).toString();
        queued.type = event.value(u"type"_s).toString();
        queued.created = event.value(u"created"_s).toInteger();
        queued.source = source;
        queued.payload = payloads.value(i);
        queued.receivedAt = now;
        // False (already queued or applied) is as good as stored: the delivery needs no repeat.
        const store::StoreResult<bool> stored = inbox.enqueue(queued);
        if (!stored.ok())
            errors[i] = stored.error().toString();
    }
    const store::StoreError committed = transaction.commit();
    if (committed.isError()) {
        for (QString &error : errors) {
            if (error.isNull())
                error = committed.toString();
        }
    }
    return errors;
}

store::StoreResult<int> EventProcessor::applyInbox(int limit)
{
    store::EventRepository inbox(m_db);
    const store::StoreResult<QList<store::InboxEvent>> queued = inbox.inbox(limit);
    if (!queued.ok())
        return queued.error();
    QList<QJsonObject> events;
    events.reserve(queued.value().size());
    for (const store::InboxEvent &event : queued.value()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(event.payload, &parseError);
        if (!document.isObject() || !isEvent(document.object())) {
            // Cannot happen for what the receiver verified; never let one bad row block the inbox.
            qCWarning(lcSync).noquote()
                << "dropping inbox event" << event.id
                << (document.isObject() ? u"that is not a Stripe event"_s
                                        : u"that is not JSON: "_s + parseError.errorString());
            (void)inbox.removeFromInbox(event.id, event.created);
            continue;
        }
        events.append(document.object());
    }
    const QList<Result> results = processBatch(events);
    int applied = 0;
    for (qsizetype i = 0; i < results.size(); ++i) {
        if (results.at(i).ok) {
            ++applied;
        } else {
            // Stays in the inbox and is tried again; the first error says why.
            return store::StoreError::make(store::StoreError::Kind::Query,
                                           u"applying %1 from the inbox: %2"_s.arg(
                                               events.at(i).value(u"id"_s).toString(), results.at(i).error));
        }
    }
    return applied;
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
