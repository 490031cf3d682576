#include "sim/demoseeder.h"

#include "sim/simresources.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

const QStringList FirstNames{u"Amelia"_s, u"Ben"_s,    u"Chloé"_s, u"Daniel"_s, u"Emma"_s,
                             u"Felix"_s,  u"Grace"_s,  u"Hugo"_s,  u"Isla"_s,   u"Jonas"_s,
                             u"Kira"_s,   u"Liam"_s,   u"Mia"_s,   u"Noah"_s,   u"Olivia"_s,
                             u"Paul"_s,   u"Quinn"_s,  u"Rosa"_s,  u"Sofia"_s,  u"Theo"_s,
                             u"Uma"_s,    u"Victor"_s, u"Wen"_s,   u"Yusuf"_s,  u"Zoë"_s};
const QStringList LastNames{u"Andersen"_s, u"Becker"_s,  u"Costa"_s,   u"Dubois"_s,   u"Eriksen"_s,
                            u"Fischer"_s,  u"García"_s,  u"Hansen"_s,  u"Ibrahim"_s,  u"Jensen"_s,
                            u"Kowalski"_s, u"Lambert"_s, u"Müller"_s,  u"Nakamura"_s, u"O'Brien"_s,
                            u"Petrov"_s,   u"Rossi"_s,   u"Schmidt"_s, u"Tanaka"_s,   u"Weber"_s};
const QStringList Cashiers{u"alex"_s, u"morgan"_s, u"sam"_s};
const QStringList Items{u"Espresso"_s,       u"Flat white"_s,   u"Croissant"_s,   u"Sourdough loaf"_s,
                        u"Gift card"_s,      u"Coffee beans"_s, u"Ceramic mug"_s, u"Lunch menu"_s,
                        u"Catering order"_s, u"Cake"_s};

} // namespace

DemoSeeder::DemoSeeder(SimResources &resources)
    : m_resources(resources)
{
}

QString DemoSeeder::pick(const QStringList &options)
{
    return options.at(int(m_resources.context.random().bounded(int(options.size()))));
}

qint64 DemoSeeder::amountFor(const QString &currency)
{
    QRandomGenerator &random = m_resources.context.random();
    // Most sales are small; a few are large. In major units times 100, rounded to 5 cents.
    const quint32 roll = random.bounded(100);
    qint64 cents = 0;
    if (roll < 60)
        cents = 350 + qint64(random.bounded(2150));
    else if (roll < 90)
        cents = 2500 + qint64(random.bounded(9500));
    else
        cents = 12000 + qint64(random.bounded(48000));
    cents -= cents % 5;
    if (currency == u"jpy"_s)
        return qMax<qint64>(100, cents * 150 / 100 / 10 * 10); // yen have no minor unit
    return cents;
}

void DemoSeeder::makeCustomers(int count, qint64 start)
{
    SimContext &context = m_resources.context;
    const QStringList cardTokens{u"pm_card_visa"_s, u"pm_card_mastercard"_s, u"pm_card_amex"_s,
                                 u"pm_card_visa_debit"_s};
    for (int i = 0; i < count; ++i) {
        const qint64 when = start + qint64(i) * 600;
        context.setFixedNow(when);
        const QString first = FirstNames.at(i % FirstNames.size());
        const QString last = LastNames.at((i * 7 + i / FirstNames.size()) % LastNames.size());
        const QString email = (first + u'.' + last).toLower().remove(u'\'') + u"@example.com"_s;
        QJsonObject customer = QJsonObject{
            {u"id"_s, context.newId(u"cus", 14)},
            {u"object"_s, u"customer"_s},
            {u"address"_s, QJsonValue::Null},
            {u"balance"_s, 0},
            {u"created"_s, when},
            {u"currency"_s, u"usd"_s},
            {u"default_source"_s, QJsonValue::Null},
            {u"delinquent"_s, false},
            {u"description"_s, QJsonValue::Null},
            {u"discount"_s, QJsonValue::Null},
            {u"email"_s, email},
            {u"invoice_prefix"_s, context.randomToken(8).toUpper()},
            {u"invoice_settings"_s, QJsonObject{{u"custom_fields"_s, QJsonValue::Null},
                                                {u"default_payment_method"_s, QJsonValue::Null},
                                                {u"footer"_s, QJsonValue::Null},
                                                {u"rendering_options"_s, QJsonValue::Null}}},
            {u"livemode"_s, false},
            {u"metadata"_s, QJsonObject{{u"loyalty_tier"_s, i % 5 == 0 ? u"gold"_s : u"standard"_s}}},
            {u"name"_s, QString(first + u' ' + last)},
            {u"next_invoice_sequence"_s, 1},
            {u"phone"_s, u"+1555010%1"_s.arg(i % 10000, 4, 10, QChar(u'0'))},
            {u"preferred_locales"_s, QJsonArray()},
            {u"shipping"_s, QJsonValue::Null},
            {u"tax_exempt"_s, u"none"_s},
            {u"test_clock"_s, QJsonValue::Null},
        };
        context.store.insert(customer);
        context.emitEvent(u"customer.created"_s, customer);
        const QString id = customer.value(u"id"_s).toString();
        QString defaultPm;
        const int cards = 1 + int(context.random().bounded(2));
        for (int c = 0; c < cards; ++c) {
            const ApiReply attached = m_resources.paymentMethods.attach(
                cardTokens.at((i + c) % cardTokens.size()), id, u"payment_method"_s, true);
            if (defaultPm.isEmpty())
                defaultPm = attached.body.value(u"id"_s).toString();
        }
        if (i % 6 == 3) {
            const QJsonObject wallet =
                m_resources.paymentMethods.createWallet(i % 12 == 3 ? u"paypal"_s : u"link"_s, email, when);
            m_resources.paymentMethods.attach(wallet.value(u"id"_s).toString(), id, u"payment_method"_s,
                                              true);
        }
        QJsonObject settings = customer.value(u"invoice_settings"_s).toObject();
        settings.insert(u"default_payment_method"_s, defaultPm);
        customer.insert(u"invoice_settings"_s, settings);
        context.store.update(customer);
        m_customers.append(Customer{id, defaultPm});
    }
}

void DemoSeeder::makePayment(qint64 when, int orderNumber)
{
    SimContext &context = m_resources.context;
    QRandomGenerator &random = context.random();
    context.setFixedNow(when);
    const quint32 currencyRoll = random.bounded(100);
    const QString currency = currencyRoll < 88   ? u"usd"_s
                             : currencyRoll < 94 ? u"eur"_s
                             : currencyRoll < 98 ? u"gbp"_s
                                                 : u"jpy"_s;
    const quint32 channel = random.bounded(100);
    const bool reader = channel < 55;
    const bool savedCard = !reader && channel < 80 && !m_customers.isEmpty() && currency == u"usd"_s;
    const quint32 outcome = random.bounded(1000);

    QJsonObject pi = m_resources.paymentIntents.newIntent(amountFor(currency), currency,
                                                          QJsonArray{reader ? u"card_present"_s : u"card"_s});
    pi.insert(u"description"_s, u"Order #%1 · %2"_s.arg(orderNumber).arg(pick(Items)));
    pi.insert(u"metadata"_s, QJsonObject{{u"order_ref"_s, u"ORD-%1"_s.arg(orderNumber)},
                                         {u"kassa_till"_s, reader ? u"till-1"_s : u"till-2"_s},
                                         {u"kassa_cashier"_s, pick(Cashiers)}});
    QJsonObject pm;
    if (savedCard) {
        const Customer &customer = m_customers.at(int(random.bounded(int(m_customers.size()))));
        pi.insert(u"customer"_s, customer.id);
        pm = context.store.get(customer.paymentMethod);
    }
    m_resources.context.store.insert(pi);
    context.emitEvent(u"payment_intent.created"_s, pi);

    if (outcome < 10) {
        // Abandoned at the till: canceled before a card was presented.
        pi.insert(u"status"_s, u"canceled"_s);
        pi.insert(u"canceled_at"_s, when + 40);
        pi.insert(u"cancellation_reason"_s, u"abandoned"_s);
        context.store.update(pi);
        context.emitEvent(u"payment_intent.canceled"_s, pi);
        return;
    }
    if (pm.isEmpty()) {
        QString token =
            pick({u"pm_card_visa"_s, u"pm_card_visa"_s, u"pm_card_mastercard"_s, u"pm_card_mastercard"_s,
                  u"pm_card_amex"_s, u"pm_card_visa_debit"_s, u"pm_card_discover"_s});
        if (outcome < 40)
            token = u"pm_card_visa_chargeDeclined"_s;
        else if (outcome < 60)
            token = u"pm_card_visa_chargeDeclinedInsufficientFunds"_s;
        pm = m_resources.paymentMethods.createFromCard(*context.testCards.byToken(token), reader);
    }
    const ApiReply result = m_resources.paymentIntents.confirmWith(pi, pm, {});
    if (result.status == 200 && outcome >= 960)
        m_refundsDue.append({when + 3600 * (1 + qint64(random.bounded(72))), pi.value(u"id"_s).toString()});
}

void DemoSeeder::makeRefund(const QString &paymentIntentId, qint64 when, bool partial)
{
    SimContext &context = m_resources.context;
    context.setFixedNow(when);
    const QJsonObject pi = context.store.get(paymentIntentId);
    const qint64 amount = pi.value(u"amount"_s).toInteger();
    ApiCall call;
    call.method = u"POST"_s;
    call.pathTemplate = u"/v1/refunds"_s;
    call.params = QJsonObject{{u"payment_intent"_s, paymentIntentId},
                              {u"reason"_s, partial ? u"requested_by_customer"_s
                                                    : pick({u"requested_by_customer"_s, u"duplicate"_s})},
                              {u"metadata"_s, QJsonObject{{u"kassa_requested_by"_s, pick(Cashiers)},
                                                          {u"kassa_approved_by"_s, u"morgan"_s}}}};
    if (partial && amount >= 200)
        call.params.insert(u"amount"_s, amount / 2 - (amount / 2) % 5);
    const auto match = m_resources.router.match(u"POST", u"/v1/refunds");
    match->route->handler(call);
}

void DemoSeeder::seed(int payments)
{
    SimContext &context = m_resources.context;
    const qint64 now = context.now();
    const qint64 start = now - qint64(HistoryDays) * 24 * 3600;
    context.setEventHorizon(now - 30 * 24 * 3600);
    makeCustomers(qBound(8, payments / 25, 200), start - 3600 * 24 * 7);

    // Shop hours 08:00-20:00 (UTC), spread over the history; sorted so that lists stay newest first.
    QList<qint64> times;
    times.reserve(payments);
    for (int i = 0; i < payments; ++i) {
        const qint64 day = qint64(context.random().bounded(HistoryDays));
        const qint64 second = 8 * 3600 + qint64(context.random().bounded(12 * 3600));
        const qint64 when = start + day * 24 * 3600 + second;
        times.append(qMin(when, now - 60));
    }
    std::sort(times.begin(), times.end());
    int order = 10000;
    for (const qint64 when : std::as_const(times)) {
        // Refunds fall between later sales, in time order.
        std::sort(m_refundsDue.begin(), m_refundsDue.end());
        while (!m_refundsDue.isEmpty() && m_refundsDue.first().first <= when) {
            const auto due = m_refundsDue.takeFirst();
            makeRefund(due.second, due.first, context.random().bounded(2) == 0);
        }
        makePayment(when, ++order);
    }
    for (const auto &due : std::as_const(m_refundsDue)) {
        if (due.first < now)
            makeRefund(due.second, due.first, false);
    }
    QJsonObject reader;
    context.store.forEachNewestFirst(u"terminal.reader"_s, [&](const QJsonObject &r) {
        reader = r;
        return false;
    });
    reader.insert(u"label"_s, u"Front counter (simulated)"_s);
    context.store.update(reader);
    context.setFixedNow(std::nullopt);
    context.setEventHorizon(0);
    context.markDirty();
}

} // namespace kassa::sim
