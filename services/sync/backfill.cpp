// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sync/backfill.h"

#include "services/store/database.h"
#include "services/store/storeingest.h"
#include "services/store/syncstaterepository.h"
#include "services/store/transaction.h"
#include "services/stripe/stripecall.h"
#include "services/stripe/stripeclient.h"
#include "services/sync/synclogging.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace kassa::sync {

QStringList Backfill::resources()
{
    return {u"payment_intents"_s, u"refunds"_s, u"customers"_s};
}

QString Backfill::cursorKey(const QString &resource)
{
    return u"backfill."_s + resource + u".cursor"_s;
}

QString Backfill::completeKey(const QString &resource)
{
    return u"backfill."_s + resource + u".complete"_s;
}

QString Backfill::doneKey(const QString &resource)
{
    return u"backfill."_s + resource + u".done"_s;
}

Backfill::Backfill(store::Database &db, stripe::StripeClient &client, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_client(client)
    , m_resources(resources())
{
}

Backfill::~Backfill()
{
    if (m_call)
        m_call->cancel();
}

bool Backfill::reset(QString *error)
{
    store::SyncStateRepository state(m_db);
    for (const QString &resource : std::as_const(m_resources)) {
        for (const QString &key : {cursorKey(resource), completeKey(resource), doneKey(resource)}) {
            const store::StoreResult<bool> removed = state.remove(key);
            if (!removed.ok()) {
                if (error)
                    *error = removed.error().toString();
                return false;
            }
        }
    }
    return true;
}

void Backfill::start()
{
    if (m_running)
        return;
    store::SyncStateRepository state(m_db);
    bool allComplete = true;
    for (const QString &resource : std::as_const(m_resources))
        allComplete =
            allComplete && state.integer(completeKey(resource)).valueOr(std::nullopt).value_or(0) == 1;
    QString error;
    if (allComplete && !reset(&error)) {
        emit finished(false, error);
        return;
    }
    m_done = 0;
    for (const QString &resource : std::as_const(m_resources))
        m_done += state.integer(doneKey(resource)).valueOr(std::nullopt).value_or(0);
    m_running = true;
    m_canceled = false;
    m_stage = 0;
    nextPage();
}

void Backfill::cancel()
{
    if (!m_running)
        return;
    m_canceled = true;
    if (m_call)
        m_call->cancel();
    else
        finish(false, u"canceled"_s);
}

void Backfill::nextPage()
{
    if (m_canceled)
        return finish(false, u"canceled"_s);
    store::SyncStateRepository state(m_db);
    while (m_stage < m_resources.size() &&
           state.integer(completeKey(m_resources.at(m_stage))).valueOr(std::nullopt).value_or(0) == 1)
        ++m_stage;
    if (m_stage >= m_resources.size())
        return finish(true, {});
    const QString resource = m_resources.at(m_stage);
    const std::optional<QString> cursor = state.value(cursorKey(resource)).valueOr(std::nullopt);
    stripe::StripeParams params;
    params.add(u"limit"_s, 100);
    if (cursor && !cursor->isEmpty())
        params.add(u"starting_after"_s, *cursor);
    if (resource == u"payment_intents"_s)
        params.expand(u"data.latest_charge"_s);
    QPointer<Backfill> self(this);
    m_call = m_client.send(stripe::StripeRequest::get(u"/v1/"_s + resource, params), this,
                           [self](const stripe::StripeResponse &response) {
                               if (Backfill *backfill = self.data())
                                   backfill->onListAnswer(response);
                           });
}

void Backfill::onPage(const QJsonObject &list)
{
    QList<QJsonObject> objects;
    QList<QJsonObject> expanded;
    const QJsonArray data = list.value(u"data"_s).toArray();
    for (const QJsonValue &item : data) {
        const QJsonObject object = item.toObject();
        objects.append(object);
        const QJsonValue charge = object.value(u"latest_charge"_s);
        if (charge.isObject())
            expanded.append(charge.toObject());
    }
    objects.append(expanded);
    const QString lastId = data.isEmpty() ? QString() : data.last().toObject().value(u"id"_s).toString();
    const bool hasMore = list.value(u"has_more"_s).toBool() && !lastId.isEmpty();
    if (m_resources.at(m_stage) == u"customers"_s && !data.isEmpty()) {
        QList<QJsonObject> customers;
        for (const QJsonValue &item : data)
            customers.append(item.toObject());
        // Each customer's payment methods are written with the customers' page.
        m_pageHasMore = hasMore;
        fetchPaymentMethods(customers, 0, objects);
        return;
    }
    writePage(objects, lastId, hasMore);
}

void Backfill::fetchPaymentMethods(const QList<QJsonObject> &customers, int index,
                                   QList<QJsonObject> collected)
{
    if (m_canceled)
        return finish(false, u"canceled"_s);
    if (index >= customers.size()) {
        const QString lastId = customers.last().value(u"id"_s).toString();
        writePage(collected, lastId, m_pageHasMore);
        return;
    }
    const QString customerId = customers.at(index).value(u"id"_s).toString();
    stripe::StripeParams params;
    params.add(u"limit"_s, 100);
    QPointer<Backfill> self(this);
    m_call =
        m_client.send(stripe::StripeRequest::get(stripe::StripeRequest::resourcePath(
                                                     u"/v1/customers"_s, customerId, u"/payment_methods"_s),
                                                 params),
                      this, [self, customers, index, collected](const stripe::StripeResponse &response) {
                          if (Backfill *backfill = self.data())
                              backfill->onMethodsAnswer(customers, index, collected, response);
                      });
}

void Backfill::onListAnswer(const stripe::StripeResponse &response)
{
    m_call = nullptr;
    if (!response.ok())
        return finish(false, response.error.toString());
    onPage(response.json);
}

void Backfill::onMethodsAnswer(const QList<QJsonObject> &customers, int index, QList<QJsonObject> collected,
                               const stripe::StripeResponse &response)
{
    m_call = nullptr;
    if (!response.ok())
        return finish(false, response.error.toString());
    for (const QJsonValue &item : response.json.value(u"data"_s).toArray())
        collected.append(item.toObject());
    fetchPaymentMethods(customers, index + 1, std::move(collected));
}

void Backfill::writePage(const QList<QJsonObject> &objects, const QString &lastId, bool hasMore)
{
    const QString resource = m_resources.at(m_stage);
    store::SyncStateRepository state(m_db);
    const qint64 doneBefore = state.integer(doneKey(resource)).valueOr(std::nullopt).value_or(0);
    qint64 written = 0;
    const store::StoreError error = store::Transaction::run(m_db, [&]() -> store::StoreError {
        if (!objects.isEmpty()) {
            store::StoreIngest ingest(m_db);
            const store::StoreResult<store::BatchResult> batch = ingest.upsertMany(objects, m_db.now());
            if (!batch.ok())
                return batch.error();
            for (const QString &why : batch.value().rejections)
                qCWarning(lcSync) << "backfill: rejected" << why;
            written = batch.value().total();
        }
        if (!lastId.isEmpty()) {
            if (const store::StoreError e = state.setValue(cursorKey(resource), lastId); e.isError())
                return e;
        }
        if (const store::StoreError e = state.setInteger(doneKey(resource), doneBefore + written);
            e.isError())
            return e;
        if (!hasMore || objects.isEmpty())
            return state.setInteger(completeKey(resource), 1);
        return {};
    });
    if (error.isError())
        return finish(false, error.toString());
    m_done += written;
    emit progress(resource, m_done, m_done + (hasMore && !objects.isEmpty() ? 100 : 0));
    nextPage();
}

void Backfill::finish(bool ok, const QString &error)
{
    if (!m_running)
        return;
    m_running = false;
    m_call = nullptr;
    if (!ok)
        qCInfo(lcSync) << "backfill stopped:" << error;
    emit finished(ok, error);
}

} // namespace kassa::sync
