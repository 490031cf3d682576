// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/outbox.h"

#include "services/stripe/stripejson.h"

#include "services/store/database.h"
#include "services/store/outboxrepository.h"
#include "services/store/storeingest.h"
#include "services/store/transaction.h"
#include "services/stripe/resources/paymentintents.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/synclogging.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QUrl>

#include <memory>

using namespace Qt::StringLiterals;

namespace kassa::sync {

namespace {

// No final answer: the request may or may not have been applied; send it again with the same key.
bool isUnknownOutcome(const stripe::StripeError &error)
{
    switch (error.kind) {
    case stripe::StripeError::Kind::Connection:
    case stripe::StripeError::Kind::Canceled:
    case stripe::StripeError::Kind::RateLimit:
    case stripe::StripeError::Kind::Api:
        return true;
    case stripe::StripeError::Kind::Idempotency:
        return error.httpStatus == 409; // a concurrent request with the same key is still running
    default:
        return error.httpStatus == 409 || error.httpStatus == 0 || error.httpStatus >= 500;
    }
}

QByteArray errorBody(const stripe::StripeError &error)
{
    QJsonObject object{
        {u"type"_s, error.type},       {u"code"_s, error.code},   {u"decline_code"_s, error.declineCode},
        {u"message"_s, error.message}, {u"param"_s, error.param}, {u"request_id"_s, error.requestId}};
    if (!error.paymentIntentId.isEmpty())
        object.insert(u"payment_intent"_s, error.paymentIntentId);
    return QJsonDocument(QJsonObject{{u"error"_s, object}}).toJson(QJsonDocument::Compact);
}

stripe::StripeRequest::Method methodFromName(const QString &name)
{
    if (name == u"GET"_s)
        return stripe::StripeRequest::Method::Get;
    if (name == u"DELETE"_s)
        return stripe::StripeRequest::Method::Delete;
    return stripe::StripeRequest::Method::Post;
}

} // namespace

QString OutboxResult::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Done:
        return u"done"_s;
    case Outcome::Failed:
        return u"failed"_s;
    case Outcome::Unknown:
        return u"unknown"_s;
    case Outcome::Earlier:
        return u"earlier"_s;
    case Outcome::StoreError:
        break;
    }
    return u"store_error"_s;
}

struct Outbox::Recovery
{
    RecoveryCallback done;
    RecoveryReport report;
    int inFlight = 0;
    int releasedThisRound = 0;
};

Outbox::Outbox(store::Database &db, stripe::StripeClient &client, QObject *parent)
    : Outbox(db, client, Options(), parent)
{
}

Outbox::Outbox(store::Database &db, stripe::StripeClient &client, const Options &options, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_client(client)
    , m_options(options)
{
    if (m_options.owner.isEmpty())
        m_options.owner =
            QHostInfo::localHostName() + u':' + QString::number(QCoreApplication::applicationPid());
}

Outbox::~Outbox() = default;

stripe::StripeParams Outbox::decodeForm(const QByteArray &form)
{
    stripe::StripeParams params;
    if (form.isEmpty())
        return params;
    for (const QByteArray &pair : form.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray key = eq < 0 ? pair : pair.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        params.add(QUrl::fromPercentEncoding(key), QUrl::fromPercentEncoding(value));
    }
    return params;
}

stripe::StripeRequest Outbox::requestFor(const store::OutboxEntry &entry)
{
    stripe::StripeRequest request;
    request.method = methodFromName(entry.method);
    request.path = entry.path;
    request.params = decodeForm(entry.params);
    request.idempotencyKey = entry.idempotencyKey;
    return request;
}

void Outbox::submit(const QString &op, const stripe::StripeRequest &request, const QString &orderRef,
                    const Callback &done)
{
    store::OutboxEntry row;
    row.op = op;
    row.method = stripe::StripeRequest::methodName(request.method);
    row.path = request.path;
    row.params = request.params.encode();
    row.idempotencyKey =
        request.idempotencyKey.isEmpty() ? stripe::StripeClient::newIdempotencyKey() : request.idempotencyKey;
    row.orderRef = orderRef;
    row.exclusive = !orderRef.isEmpty() && op == QLatin1StringView(OpCreatePayment);

    auto fail = [&done](const QString &why, const store::OutboxEntry &entry = {}) {
        OutboxResult result;
        result.outcome = OutboxResult::Outcome::StoreError;
        result.entry = entry;
        result.error = why;
        done(result);
    };

    store::OutboxRepository outbox(m_db);
    const store::StoreResult<store::OutboxInsert> inserted = outbox.insertPending(row);
    if (!inserted.ok())
        return fail(inserted.error().toString());
    const store::OutboxEntry &entry = inserted.value().entry;
    if (!inserted.value().inserted && entry.idempotencyKey != row.idempotencyKey) {
        // The order's earlier attempt: show it, do not charge again.
        OutboxResult result;
        result.outcome = OutboxResult::Outcome::Earlier;
        result.entry = entry;
        qCInfo(lcSync) << "order" << orderRef << "already has attempt" << entry.idempotencyKey << "in state"
                       << store::outboxStateName(entry.state);
        done(result);
        return;
    }
    if (entry.method != row.method || entry.path != row.path || entry.params != row.params) {
        // The key was used for another request. Stripe refuses this too, but only while it keeps the
        // key (24 hours); refused here, a reused key can never become a second charge.
        OutboxResult result;
        result.outcome = OutboxResult::Outcome::Failed;
        result.entry = entry;
        result.response.error.kind = stripe::StripeError::Kind::Idempotency;
        result.response.error.message =
            u"The idempotency key %1 was first used for another request (%2 %3); use a new key for a "
            "different request."_s.arg(row.idempotencyKey, entry.method, entry.path);
        result.error = result.response.error.message;
        done(result);
        return;
    }
    if (entry.isFinished()) { // the same request, finished before: its recorded answer, as Stripe replays it
        OutboxResult result;
        result.outcome = entry.state == store::OutboxState::Done ? OutboxResult::Outcome::Done
                                                                 : OutboxResult::Outcome::Failed;
        result.entry = entry;
        result.response.httpStatus = entry.responseStatus;
        result.response.idempotencyKey = entry.idempotencyKey;
        result.response.idempotentReplayed = true;
        if (result.outcome == OutboxResult::Outcome::Done)
            result.response.json = QJsonDocument::fromJson(entry.responseBody).object();
        else
            result.response.error =
                stripe::StripeError::fromResponse(entry.responseStatus, entry.responseBody, QString());
        done(result);
        return;
    }
    const store::StoreResult<std::optional<store::OutboxEntry>> claimed =
        outbox.claimOne(entry.id, m_options.owner, m_options.staleAfterSeconds);
    if (!claimed.ok())
        return fail(claimed.error().toString(), entry);
    if (!claimed.value()) { // another sender holds it: its outcome is unknown to us for now
        OutboxResult result;
        result.outcome = OutboxResult::Outcome::Unknown;
        result.entry = entry;
        result.error = u"being sent by another sender"_s;
        done(result);
        return;
    }
    send(*claimed.value(), done);
}

void Outbox::send(const store::OutboxEntry &entry, const Callback &done)
{
    QPointer<Outbox> self(this);
    m_client.send(requestFor(entry), this, [self, entry, done](const stripe::StripeResponse &response) {
        if (Outbox *outbox = self.data())
            done(outbox->record(entry, response));
    });
}

void Outbox::lookUpThenSend(const store::OutboxEntry &entry, const Callback &done)
{
    QString ref = entry.orderRef;
    ref.replace(u"\\"_s, u"\\\\"_s).replace(u"'"_s, u"\\'"_s);
    const QString query = u"metadata['order_ref']:'"_s + ref + u'\'';
    QPointer<Outbox> self(this);
    m_client.send(stripe::PaymentIntents::search(query, 10), this,
                  [self, entry, done](const stripe::StripeResponse &response) {
                      Outbox *outbox = self.data();
                      if (!outbox)
                          return;
                      if (!response.ok()) { // no answer: the row goes back to pending, as for a send
                          done(outbox->record(entry, response));
                          return;
                      }
                      // A payment of this order that was not declined: the earlier send was applied.
                      for (const QJsonValue &item : response.json.value(u"data"_s).toArray()) {
                          const QJsonObject pi = item.toObject();
                          const QString status = pi.value(u"status"_s).toString();
                          if (status == u"requires_payment_method"_s || status == u"canceled"_s)
                              continue;
                          stripe::StripeResponse found = response;
                          found.json = pi;
                          OutboxResult result = outbox->record(entry, found);
                          result.foundByLookup = true;
                          qCInfo(lcSync)
                              << "outbox: row" << entry.id << "is older than Stripe keeps keys; found"
                              << pi.value(u"id"_s).toString() << "for order" << entry.orderRef;
                          done(result);
                          return;
                      }
                      outbox->send(entry, done);
                  });
}

store::StoreError Outbox::writeAnswer(qint64 rowId, int status, const QByteArray &body,
                                      const QString &objectId, const QJsonObject &object)
{
    store::Transaction transaction(m_db);
    if (!transaction.isActive())
        return transaction.error();
    const store::StoreResult<bool> completed =
        store::OutboxRepository(m_db).complete(rowId, status, body, objectId);
    if (!completed.ok())
        return completed.error();
    if (!object.isEmpty()) {
        // In a savepoint: an object the store cannot write must not keep the answer from being recorded
        // (on PostgreSQL a failed statement would doom the whole transaction). A lock conflict is not
        // that: it fails the transaction, which the caller tries again.
        store::StoreError busy;
        const store::StoreError written =
            m_db.savepoint(u"kassa_outbox_object"_s, [&]() -> store::StoreError {
                const store::StoreResult<store::UpsertOutcome> upserted =
                    store::StoreIngest(m_db).upsert(object, m_db.now());
                return upserted.ok() ? store::StoreError{} : upserted.error();
            });
        if (written.kind == store::StoreError::Kind::Busy)
            return written;
        if (written.isError())
            qCWarning(lcSync) << "outbox: cannot store" << objectId << written.toString();
    }
    return transaction.commit();
}

OutboxResult Outbox::record(const store::OutboxEntry &entry, const stripe::StripeResponse &response)
{
    OutboxResult result;
    result.entry = entry;
    result.response = response;
    store::OutboxRepository outbox(m_db);

    if (!response.ok() && isUnknownOutcome(response.error)) {
        result.outcome = OutboxResult::Outcome::Unknown;
        result.error = response.error.toString();
        const store::StoreResult<bool> released = outbox.release(entry.id, result.error);
        if (!released.ok())
            qCWarning(lcSync) << "outbox: cannot release row" << entry.id << released.error().toString();
        result.entry.state = store::OutboxState::Pending;
        return result;
    }

    // A final answer: record it and write the object it carries, in one transaction.
    const QJsonObject object = response.ok() ? response.json : response.error.paymentIntent;
    const QString objectId =
        response.ok() ? response.json.value(u"id"_s).toString() : response.error.paymentIntentId;
    const int status = response.httpStatus != 0 ? response.httpStatus : (response.ok() ? 200 : 400);
    const QByteArray body = response.ok()
                                ? QJsonDocument(stripe::StripeJson::withoutClientSecret(response.json))
                                      .toJson(QJsonDocument::Compact)
                                : errorBody(response.error);
    // A deadlock or lock timeout with another till (Kind::Busy) undoes the whole transaction: try it
    // again, a few times, before giving the answer up to recover().
    store::StoreError error;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        error = writeAnswer(entry.id, status, body, objectId, object);
        if (error.kind != store::StoreError::Kind::Busy)
            break;
        qCInfo(lcSync) << "outbox: recording row" << entry.id << "met another writer, attempt" << attempt
                       << ':' << error.toString();
    }
    if (error.isError()) {
        // The answer is lost locally; the row stays claimed and recover() asks again (Stripe replays).
        result.outcome = OutboxResult::Outcome::StoreError;
        result.error = error.toString();
        qCWarning(lcSync) << "outbox: cannot record the answer of row" << entry.id << result.error;
        return result;
    }
    result.outcome = response.ok() ? OutboxResult::Outcome::Done : OutboxResult::Outcome::Failed;
    result.entry.state = response.ok() ? store::OutboxState::Done : store::OutboxState::Failed;
    result.entry.responseStatus = status;
    result.entry.responseBody = body;
    result.entry.objectId = objectId;
    if (!response.ok())
        result.error = response.error.toString();
    return result;
}

void Outbox::recover(const RecoveryCallback &done)
{
    auto recovery = std::make_shared<Recovery>();
    recovery->done = done;
    recoverRound(recovery);
}

void Outbox::recoverRound(const std::shared_ptr<Recovery> &recovery)
{
    RecoveryReport &report = recovery->report;
    auto finish = [this, recovery] {
        store::OutboxRepository outbox(m_db);
        const auto pending = outbox.countInState(store::OutboxState::Pending);
        const auto sending = outbox.countInState(store::OutboxState::Sending);
        recovery->report.stillPending = int(pending.valueOr(0) + sending.valueOr(0));
        recovery->done(recovery->report);
    };
    if (report.rounds >= m_options.maxRounds)
        return finish();
    ++report.rounds;
    recovery->releasedThisRound = 0;

    store::OutboxRepository outbox(m_db);
    const store::StoreResult<QList<store::OutboxEntry>> claimed =
        outbox.claim(m_options.owner, m_options.batchSize, m_options.staleAfterSeconds);
    if (!claimed.ok()) {
        report.storeError = claimed.error().toString();
        return finish();
    }
    if (claimed.value().isEmpty())
        return finish();
    qCInfo(lcSync) << "recover: round" << report.rounds << "sends" << claimed.value().size() << "rows again";
    recovery->inFlight = int(claimed.value().size());
    report.claimed += recovery->inFlight;
    QPointer<Outbox> self(this);
    for (const store::OutboxEntry &entry : claimed.value()) {
        const bool keyMayBeGone = entry.op == QLatin1StringView(OpCreatePayment) &&
                                  !entry.orderRef.isEmpty() &&
                                  m_db.now() - entry.createdAt > m_options.keyLifetimeSeconds;
        const auto sender = keyMayBeGone ? &Outbox::lookUpThenSend : &Outbox::send;
        (this->*sender)(entry, [self, recovery](const OutboxResult &result) {
            RecoveryReport &r = recovery->report;
            r.rows.append(result);
            if (result.outcome == OutboxResult::Outcome::Done)
                ++r.done;
            else if (result.outcome == OutboxResult::Outcome::Failed)
                ++r.failed;
            else
                ++recovery->releasedThisRound;
            if (--recovery->inFlight != 0)
                return;
            if (Outbox *recovering = self.data())
                recovering->recoverRound(recovery);
        });
    }
}

} // namespace kassa::sync
