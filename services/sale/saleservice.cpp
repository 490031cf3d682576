// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/sale/saleservice.h"

#include "services/sale/salelogging.h"
#include "services/store/database.h"
#include "services/store/outboxrepository.h"
#include "services/sync/outbox.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::sale {

namespace {

// The order as its first request wrote it: amount, currency, words and customer.
SaleOrder orderFromRow(const store::OutboxEntry &row)
{
    const stripe::StripeParams params = sync::Outbox::decodeForm(row.params);
    const bool session = row.path.startsWith(u"/v1/checkout/sessions"_s);
    const QString amount = params.value(session ? u"line_items[0][price_data][unit_amount]"_s : u"amount"_s);
    const QString currency = params.value(session ? u"line_items[0][price_data][currency]"_s : u"currency"_s);
    SaleOrder order;
    if (const std::optional<Currency> parsed = Currency::fromCode(currency))
        order.amount = Money(amount.toLongLong(), *parsed);
    order.description = session ? params.value(u"line_items[0][price_data][product_data][name]"_s)
                                : params.value(u"description"_s);
    order.customerId = params.value(u"customer"_s);
    return order;
}

} // namespace

SaleService::SaleService(store::Database &db, stripe::StripeClient &client, sync::Outbox &outbox,
                         const SaleOptions &options, QObject *parent)
    : QObject(parent)
{
    m_environment.db = &db;
    m_environment.client = &client;
    m_environment.outbox = &outbox;
    m_environment.options = options;
}

SaleService::~SaleService() = default;

QString SaleService::newOrderRef(const QString &tillId)
{
    static const QRegularExpression Unsafe(u"[^A-Za-z0-9_-]"_s);
    QString till = tillId;
    till.remove(Unsafe);
    if (till.isEmpty())
        till = u"till"_s;
    const QString when = QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss"_s);
    const quint32 random = QRandomGenerator::system()->generate();
    return till.left(40) + u'-' + when + u'-' + QString::number(random, 16).rightJustified(8, u'0');
}

std::unique_ptr<Sale> SaleService::start(const SaleContext &context, const SaleOrder &order, QString *refusal)
{
    QString why = saleRefusal(m_environment.options, context, SaleAction::Start);
    if (why.isEmpty() && (!order.amount.isValid() || order.amount.minorUnits() <= 0))
        why = tr("Enter an amount above zero.");
    if (!why.isEmpty()) {
        if (refusal)
            *refusal = why;
        return nullptr;
    }
    return open(context, order, newOrderRef(context.tillId));
}

std::unique_ptr<Sale> SaleService::open(const SaleContext &context, const SaleOrder &order,
                                        const QString &orderRef)
{
    return std::make_unique<Sale>(m_environment, context, order, orderRef);
}

std::unique_ptr<Sale> SaleService::resume(const SaleContext &context, const QString &orderRef, QString *error)
{
    store::OutboxRepository outbox(*m_environment.db);
    const auto rows = outbox.findByOrderRef(orderRef);
    if (!rows.ok()) {
        if (error)
            *error = rows.error().toString();
        return nullptr;
    }
    const QList<store::OutboxEntry> &list = rows.value();
    auto first = std::find_if(list.crbegin(), list.crend(), [](const store::OutboxEntry &row) {
        return row.op == QLatin1StringView(sync::Outbox::OpCreatePayment);
    });
    if (first == list.crend()) {
        if (error)
            *error = tr("No payment was started for order %1.").arg(orderRef);
        return nullptr;
    }
    std::unique_ptr<Sale> sale = open(context, orderFromRow(*first), orderRef);
    sale->restore(list);
    return sale;
}

QStringList SaleService::unfinishedOrders(QString *error) const
{
    store::OutboxRepository outbox(*m_environment.db);
    const auto rows = outbox.listUnfinished();
    if (!rows.ok()) {
        if (error)
            *error = rows.error().toString();
        return {};
    }
    QStringList orders;
    for (const store::OutboxEntry &row : rows.value()) {
        if (!row.orderRef.isEmpty() && !orders.contains(row.orderRef))
            orders.append(row.orderRef);
    }
    return orders;
}

QStringList SaleService::interruptedOrders(QString *error, qint64 withinSeconds) const
{
    QStringList orders = unfinishedOrders(error);
    if (error && !error->isEmpty())
        return orders;
    store::Database &db = *m_environment.db;
    const qint64 since = db.now() - withinSeconds;
    // The orders whose sale ended where the cashier saw it: Sale::audit() names the order ref first.
    QSet<QString> ended;
    store::StoreError failure = db.query(
        u"SELECT object_ids FROM audit_log WHERE at >= ? AND action IN ('sale.approved', 'sale.declined', "
        "'sale.canceled', 'sale.expired', 'sale.failed')"_s,
        {since}, [&ended](const QSqlQuery &row) {
            const QJsonArray ids = QJsonDocument::fromJson(row.value(0).toString().toUtf8()).array();
            if (!ids.isEmpty())
                ended.insert(ids.first().toString());
            return true;
        });
    if (!failure.isError()) {
        failure = db.query(u"SELECT order_ref FROM outbox WHERE exclusive = 1 AND state = 'done' AND op = ? "
                           "AND order_ref <> '' AND created_at >= ? ORDER BY id"_s,
                           {QString::fromLatin1(sync::Outbox::OpCreatePayment), since},
                           [&orders, &ended](const QSqlQuery &row) {
                               const QString orderRef = row.value(0).toString();
                               if (!ended.contains(orderRef) && !orders.contains(orderRef))
                                   orders.append(orderRef);
                               return true;
                           });
    }
    if (failure.isError() && error)
        *error = failure.toString();
    return orders;
}

} // namespace kassa::sale
