// SPDX-License-Identifier: GPL-3.0-or-later
#include "storebench.h"

#include "services/store/migrations.h"
#include "services/store/storeingest.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;

namespace kassa::bench {

namespace {

// splitmix64: a cheap, well-mixed hash of (index, field), so that each field of each object is its own
// independent-looking draw and nothing has to be remembered.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

quint64 draw(qint64 index, quint64 field)
{
    return mix(quint64(index) * 0x100000001b3ULL ^ mix(field));
}

// Field numbers for draw().
enum Field : quint64 {
    FId = 1,
    FCharge,
    FStatus,
    FAmount,
    FCreated,
    FCustomer,
    FHasCustomer,
    FItems,
    FTill,
    FCashier,
    FBrand,
    FLast4,
    FRefund,
    FRefundPart,
    FMethod,
    FName,
    FDecline,
    FRefundId,
    FExpiry,
};

const char Base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// A Stripe-looking id: prefix, six characters that grow with time (Stripe's ids sort roughly by
// creation), then eighteen pseudo-random ones.
QString stripeId(const char *prefix, qint64 time, qint64 index, quint64 field)
{
    QString id = QString::fromLatin1(prefix);
    char chars[24];
    quint64 t = quint64(time);
    for (int k = 5; k >= 0; --k) {
        chars[k] = Base62[t % 62];
        t /= 62;
    }
    quint64 a = draw(index, field);
    quint64 b = draw(index, field + 1000);
    for (int k = 6; k < 24; ++k) {
        quint64 &source = k < 15 ? a : b;
        chars[k] = Base62[source % 62];
        source /= 62;
    }
    id += QLatin1StringView(chars, 24);
    return id;
}

const QStringList &firstNames()
{
    static const QStringList names{
        u"Jenny"_s, u"Max"_s,    u"Anna"_s,  u"Lukas"_s,  u"Sofia"_s,  u"Noah"_s,   u"Emma"_s,   u"Elias"_s,
        u"Mia"_s,   u"Paul"_s,   u"Lena"_s,  u"Felix"_s,  u"Clara"_s,  u"Jonas"_s,  u"Hannah"_s, u"Leon"_s,
        u"Marie"_s, u"Ben"_s,    u"Lea"_s,   u"Finn"_s,   u"Olivia"_s, u"Liam"_s,   u"Amelia"_s, u"Oliver"_s,
        u"Isla"_s,  u"Jack"_s,   u"Ava"_s,   u"Harry"_s,  u"Chloe"_s,  u"George"_s, u"Zoe"_s,    u"Oscar"_s,
        u"Ella"_s,  u"Samuel"_s, u"Grace"_s, u"Daniel"_s, u"Ruby"_s,   u"Mateo"_s,  u"Lucia"_s,  u"Hugo"_s,
        u"Ines"_s,  u"Theo"_s,   u"Nora"_s,  u"Arthur"_s, u"Alice"_s,  u"Louis"_s,  u"Julia"_s,  u"Victor"_s,
        u"Sara"_s,  u"Emil"_s,   u"Frida"_s, u"Anton"_s,  u"Greta"_s,  u"Karl"_s,   u"Ida"_s,    u"Oskar"_s,
        u"Yuki"_s,  u"Kenji"_s,  u"Priya"_s, u"Arjun"_s,
    };
    return names;
}

const QStringList &lastNames()
{
    static const QStringList names{
        u"Rosen"_s,   u"Mustermann"_s, u"Schmidt"_s,    u"Meyer"_s,    u"Weber"_s,    u"Wagner"_s,
        u"Becker"_s,  u"Hoffmann"_s,   u"Koch"_s,       u"Richter"_s,  u"Klein"_s,    u"Wolf"_s,
        u"Neumann"_s, u"Schwarz"_s,    u"Zimmermann"_s, u"Braun"_s,    u"Hartmann"_s, u"Lange"_s,
        u"Smith"_s,   u"Jones"_s,      u"Taylor"_s,     u"Brown"_s,    u"Williams"_s, u"Wilson"_s,
        u"Johnson"_s, u"Davies"_s,     u"Robinson"_s,   u"Wright"_s,   u"Thompson"_s, u"Evans"_s,
        u"Walker"_s,  u"White"_s,      u"Roberts"_s,    u"Green"_s,    u"Hall"_s,     u"Wood"_s,
        u"Garcia"_s,  u"Martinez"_s,   u"Lopez"_s,      u"Gonzalez"_s, u"Rossi"_s,    u"Russo"_s,
        u"Ferrari"_s, u"Esposito"_s,   u"Dubois"_s,     u"Lefebvre"_s, u"Moreau"_s,   u"Laurent"_s,
        u"Jansen"_s,  u"de Vries"_s,   u"Nowak"_s,      u"Kowalski"_s, u"Novak"_s,    u"Horvat"_s,
        u"Nielsen"_s, u"Hansen"_s,     u"Larsen"_s,     u"Tanaka"_s,   u"Sato"_s,     u"Patel"_s,
    };
    return names;
}

const QStringList &domains()
{
    static const QStringList names{u"gmail.com"_s,   u"outlook.com"_s, u"web.de"_s,    u"gmx.de"_s,
                                   u"yahoo.com"_s,   u"icloud.com"_s,  u"posteo.de"_s, u"proton.me"_s,
                                   u"t-online.de"_s, u"example.com"_s};
    return names;
}

const QStringList &cashiers()
{
    static const QStringList names{u"anna"_s,  u"ben"_s,   u"carla"_s, u"deniz"_s, u"emil"_s,  u"fatima"_s,
                                   u"georg"_s, u"hanna"_s, u"ivan"_s,  u"julia"_s, u"kemal"_s, u"lotte"_s};
    return names;
}

QJsonValue orNull(const QString &value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

QJsonObject nullAddress()
{
    return {{u"city"_s, QJsonValue::Null},        {u"country"_s, QJsonValue::Null},
            {u"line1"_s, QJsonValue::Null},       {u"line2"_s, QJsonValue::Null},
            {u"postal_code"_s, QJsonValue::Null}, {u"state"_s, QJsonValue::Null}};
}

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

QSqlDatabase adminConnection(QString *error)
{
    static const QString name = u"kassa.bench.admin"_s;
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name);
        if (db.isOpen())
            return db;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    if (!env("PGHOST").isEmpty())
        db.setHostName(env("PGHOST"));
    if (!env("PGPORT").isEmpty())
        db.setPort(env("PGPORT").toInt());
    if (!env("PGUSER").isEmpty())
        db.setUserName(env("PGUSER"));
    db.setDatabaseName(env("PGDATABASE").isEmpty() ? u"postgres"_s : env("PGDATABASE"));
    if (!db.open()) {
        *error = db.lastError().text();
        return QSqlDatabase();
    }
    return db;
}

} // namespace

// ---- Shop ----

Shop::Shop(qint64 payments, qint64 refunds, qint64 endTime)
    : m_payments(std::max<qint64>(payments, 1))
    , m_customers(std::max<qint64>(m_payments / 20, 50))
    , m_end(endTime)
    , m_start(endTime - 365 * 86'400)
{
    // 86 % of payments succeed (see payment()); pick the chance that gives about `refunds` refunds.
    const double succeeded = 0.86 * double(m_payments);
    m_refundPerMillion = quint64(std::min(1.0, double(refunds) / succeeded) * 1e6);
}

const QStringList &Shop::menu()
{
    static const QStringList items{
        u"Flat white"_s,      u"Cappuccino"_s,    u"Espresso"_s,          u"Oat latte"_s,
        u"Chai latte"_s,      u"Americano"_s,     u"Cortado"_s,           u"Hot chocolate"_s,
        u"Matcha latte"_s,    u"Iced coffee"_s,   u"Croissant"_s,         u"Pain au chocolat"_s,
        u"Banana bread"_s,    u"Cinnamon bun"_s,  u"Blueberry muffin"_s,  u"Bagel"_s,
        u"Sourdough loaf"_s,  u"Rye bread"_s,     u"Baguette"_s,          u"Pretzel"_s,
        u"Cheesecake"_s,      u"Carrot cake"_s,   u"Apple strudel"_s,     u"Brownie"_s,
        u"Macaron box"_s,     u"Avocado toast"_s, u"Club sandwich"_s,     u"Tomato soup"_s,
        u"Quiche Lorraine"_s, u"Caesar salad"_s,  u"Coffee beans 250g"_s, u"Espresso beans 1kg"_s,
        u"Gift card"_s,       u"Travel mug"_s,    u"Filter papers"_s,     u"Sparkling water"_s,
        u"Orange juice"_s,    u"Kombucha"_s,      u"Lemonade"_s,          u"Iced tea"_s,
    };
    return items;
}

Shop::Facts Shop::payment(qint64 i) const
{
    Facts f;
    // Spread evenly over the year, a little jitter so that seconds repeat now and then.
    const qint64 span = m_end - m_start;
    f.created = m_start + qint64((double(i) + 0.5) * double(span) / double(m_payments)) -
                qint64(draw(i, FCreated) % 40);
    f.id = stripeId("pi_", f.created, i, FId);

    const quint64 status = draw(i, FStatus) % 1000;
    bool hasCharge = true;
    if (status < 860)
        f.status = u"succeeded"_s;
    else if (status < 920)
        f.status = u"requires_payment_method"_s; // declined: a failed charge
    else if (status < 960) {
        f.status = u"canceled"_s;
        hasCharge = false;
    } else if (status < 975)
        f.status = u"requires_capture"_s;
    else if (status < 985) {
        f.status = u"processing"_s;
        hasCharge = false;
    } else {
        f.status = u"requires_action"_s;
        hasCharge = false;
    }

    // Mostly small café amounts, a tail of larger ones.
    const quint64 a = draw(i, FAmount);
    f.amount = (a % 100) < 85 ? qint64(180 + (a >> 8) % 2'400) : qint64(2'500 + (a >> 8) % 30'000);

    if (draw(i, FHasCustomer) % 100 < 60)
        f.customer = qint64(draw(i, FCustomer) % quint64(m_customers));

    const quint64 items = draw(i, FItems);
    const int count = 1 + int(items % 3);
    QStringList parts;
    for (int k = 0; k < count; ++k) {
        const QString &item = menu().at(qsizetype((items >> (4 + 8 * k)) % quint64(menu().size())));
        const int quantity = 1 + int((items >> (40 + 4 * k)) % 4 == 0 ? 1 : 0);
        parts << (quantity > 1 ? u"%1 x %2"_s.arg(quantity).arg(item) : item);
    }
    f.description = parts.join(u", "_s);
    f.orderRef = u"ORD-%1"_s.arg(i + 100'000, 8, 10, QLatin1Char('0'));
    f.till = u"till-%1"_s.arg(1 + draw(i, FTill) % 8);
    f.cashier = cashiers().at(qsizetype(draw(i, FCashier) % quint64(cashiers().size())));

    if (hasCharge) {
        f.chargeId = stripeId("ch_", f.created, i, FCharge);
        const quint64 brand = draw(i, FBrand) % 100;
        f.brand = brand < 55   ? u"visa"_s
                  : brand < 85 ? u"mastercard"_s
                  : brand < 95 ? u"amex"_s
                               : u"discover"_s;
        f.last4 = u"%1"_s.arg(draw(i, FLast4) % 10'000, 4, 10, QLatin1Char('0'));
    }
    if (f.status == u"succeeded"_s && draw(i, FRefund) % 1'000'000 < m_refundPerMillion)
        f.refunded = draw(i, FRefundPart) % 3 == 0 ? f.amount / 2 : f.amount;
    return f;
}

QString Shop::customerId(qint64 c) const
{
    return stripeId("cus_", m_start - 86'400 * 30 + c * 60, c, FId).left(18);
}

QString Shop::customerName(qint64 c) const
{
    const quint64 h = draw(c, FName);
    return firstNames().at(qsizetype(h % quint64(firstNames().size()))) + u' ' +
           lastNames().at(qsizetype((h >> 16) % quint64(lastNames().size())));
}

QString Shop::customerEmail(qint64 c) const
{
    const quint64 h = draw(c, FName);
    QString local = firstNames().at(qsizetype(h % quint64(firstNames().size()))) + u'.' +
                    lastNames().at(qsizetype((h >> 16) % quint64(lastNames().size())));
    local = local.toLower().remove(u' ');
    return u"%1%2@%3"_s.arg(local).arg(c).arg(domains().at(qsizetype((h >> 32) % quint64(domains().size()))));
}

QJsonObject Shop::customerJson(qint64 c) const
{
    const QString id = customerId(c);
    return {
        {u"id"_s, id},
        {u"object"_s, u"customer"_s},
        {u"address"_s, nullAddress()},
        {u"balance"_s, 0},
        {u"created"_s, m_start - 86'400 * 30 + c * 60},
        {u"currency"_s, u"eur"_s},
        {u"default_source"_s, QJsonValue::Null},
        {u"delinquent"_s, false},
        {u"description"_s, QJsonValue::Null},
        {u"discount"_s, QJsonValue::Null},
        {u"email"_s, customerEmail(c)},
        {u"invoice_prefix"_s, id.mid(4, 8).toUpper()},
        {u"invoice_settings"_s, QJsonObject{{u"custom_fields"_s, QJsonValue::Null},
                                            {u"default_payment_method"_s, QJsonValue::Null},
                                            {u"footer"_s, QJsonValue::Null},
                                            {u"rendering_options"_s, QJsonValue::Null}}},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject{}},
        {u"name"_s, customerName(c)},
        {u"next_invoice_sequence"_s, 1},
        {u"phone"_s, QJsonValue::Null},
        {u"preferred_locales"_s, QJsonArray{}},
        {u"shipping"_s, QJsonValue::Null},
        {u"tax_exempt"_s, u"none"_s},
        {u"test_clock"_s, QJsonValue::Null},
    };
}

QJsonObject Shop::paymentJson(qint64 i) const
{
    const Facts f = payment(i);
    const QString customer = f.customer >= 0 ? customerId(f.customer) : QString();
    const QString email = f.customer >= 0 ? customerEmail(f.customer) : QString();
    const QString name = f.customer >= 0 ? customerName(f.customer) : QString();
    const QString method = stripeId("pm_", f.created, i, FMethod);
    const bool declined = f.status == u"requires_payment_method"_s;
    const bool uncaptured = f.status == u"requires_capture"_s;
    const bool succeeded = f.status == u"succeeded"_s;
    const QString declineCode = draw(i, FDecline) % 2 ? u"insufficient_funds"_s : u"generic_decline"_s;

    QJsonValue charge = QJsonValue::Null;
    if (!f.chargeId.isEmpty()) {
        const quint64 expiry = draw(i, FExpiry);
        const QJsonObject card{
            {u"amount_authorized"_s, declined ? QJsonValue(QJsonValue::Null) : QJsonValue(f.amount)},
            {u"brand"_s, f.brand},
            {u"checks"_s, QJsonObject{{u"address_line1_check"_s, QJsonValue::Null},
                                      {u"address_postal_code_check"_s, QJsonValue::Null},
                                      {u"cvc_check"_s, u"pass"_s}}},
            {u"country"_s, u"DE"_s},
            {u"exp_month"_s, qint64(1 + expiry % 12)},
            {u"exp_year"_s, qint64(2027 + (expiry >> 8) % 5)},
            {u"fingerprint"_s, method.mid(3, 16)},
            {u"funding"_s, (expiry >> 16) % 4 == 0 ? u"debit"_s : u"credit"_s},
            {u"installments"_s, QJsonValue::Null},
            {u"last4"_s, f.last4},
            {u"mandate"_s, QJsonValue::Null},
            {u"network"_s, f.brand},
            {u"three_d_secure"_s, QJsonValue::Null},
            {u"wallet"_s, QJsonValue::Null},
        };
        charge = QJsonObject{
            {u"id"_s, f.chargeId},
            {u"object"_s, u"charge"_s},
            {u"amount"_s, f.amount},
            {u"amount_captured"_s, succeeded ? f.amount : 0},
            {u"amount_refunded"_s, f.refunded},
            {u"application"_s, QJsonValue::Null},
            {u"application_fee"_s, QJsonValue::Null},
            {u"application_fee_amount"_s, QJsonValue::Null},
            {u"balance_transaction"_s, succeeded ? QJsonValue(stripeId("txn_", f.created, i, FCharge + 50))
                                                 : QJsonValue(QJsonValue::Null)},
            {u"billing_details"_s, QJsonObject{{u"address"_s, nullAddress()},
                                               {u"email"_s, orNull(email)},
                                               {u"name"_s, orNull(name)},
                                               {u"phone"_s, QJsonValue::Null}}},
            {u"calculated_statement_descriptor"_s, u"KASSA CAFE"_s},
            {u"captured"_s, succeeded},
            {u"created"_s, f.created},
            {u"currency"_s, u"eur"_s},
            {u"customer"_s, orNull(customer)},
            {u"description"_s, f.description},
            {u"disputed"_s, false},
            {u"failure_balance_transaction"_s, QJsonValue::Null},
            {u"failure_code"_s, declined ? QJsonValue(u"card_declined"_s) : QJsonValue(QJsonValue::Null)},
            {u"failure_message"_s,
             declined ? QJsonValue(u"Your card was declined."_s) : QJsonValue(QJsonValue::Null)},
            {u"fraud_details"_s, QJsonObject{}},
            {u"livemode"_s, false},
            {u"metadata"_s, QJsonObject{}},
            {u"on_behalf_of"_s, QJsonValue::Null},
            {u"outcome"_s,
             QJsonObject{
                 {u"network_status"_s, declined ? u"declined_by_network"_s : u"approved_by_network"_s},
                 {u"reason"_s, declined ? QJsonValue(declineCode) : QJsonValue(QJsonValue::Null)},
                 {u"risk_level"_s, u"normal"_s},
                 {u"risk_score"_s, qint64(expiry % 60)},
                 {u"seller_message"_s,
                  declined ? u"The bank declined the payment."_s : u"Payment complete."_s},
                 {u"type"_s, declined ? u"issuer_declined"_s : u"authorized"_s}}},
            {u"paid"_s, !declined},
            {u"payment_intent"_s, f.id},
            {u"payment_method"_s, method},
            {u"payment_method_details"_s, QJsonObject{{u"card"_s, card}, {u"type"_s, u"card"_s}}},
            {u"receipt_email"_s, orNull(email)},
            {u"receipt_number"_s, QJsonValue::Null},
            {u"receipt_url"_s,
             succeeded ? QJsonValue(QString(u"https://pay.stripe.com/receipts/payment/"_s + f.chargeId))
                       : QJsonValue(QJsonValue::Null)},
            {u"refunded"_s, f.refunded > 0 && f.refunded == f.amount},
            {u"review"_s, QJsonValue::Null},
            {u"shipping"_s, QJsonValue::Null},
            {u"source_transfer"_s, QJsonValue::Null},
            {u"statement_descriptor"_s, QJsonValue::Null},
            {u"statement_descriptor_suffix"_s, QJsonValue::Null},
            {u"status"_s, declined ? u"failed"_s : u"succeeded"_s},
            {u"transfer_data"_s, QJsonValue::Null},
            {u"transfer_group"_s, QJsonValue::Null},
        };
    }

    QJsonValue lastError = QJsonValue::Null;
    if (declined) {
        lastError = QJsonObject{
            {u"type"_s, u"card_error"_s},     {u"code"_s, u"card_declined"_s},
            {u"decline_code"_s, declineCode}, {u"message"_s, u"Your card was declined."_s},
            {u"charge"_s, f.chargeId},
        };
    }
    const bool hasMethod = !f.chargeId.isEmpty() && !declined;
    return {
        {u"id"_s, f.id},
        {u"object"_s, u"payment_intent"_s},
        {u"amount"_s, f.amount},
        {u"amount_capturable"_s, uncaptured ? f.amount : 0},
        {u"amount_details"_s, QJsonObject{{u"tip"_s, QJsonObject{}}}},
        {u"amount_received"_s, succeeded ? f.amount : 0},
        {u"application"_s, QJsonValue::Null},
        {u"application_fee_amount"_s, QJsonValue::Null},
        {u"automatic_payment_methods"_s, QJsonValue::Null},
        {u"canceled_at"_s,
         f.status == u"canceled"_s ? QJsonValue(f.created + 600) : QJsonValue(QJsonValue::Null)},
        {u"cancellation_reason"_s,
         f.status == u"canceled"_s ? QJsonValue(u"abandoned"_s) : QJsonValue(QJsonValue::Null)},
        {u"capture_method"_s, uncaptured ? u"manual"_s : u"automatic"_s},
        {u"client_secret"_s, QString(f.id + u"_secret_"_s + method.mid(3, 20))},
        {u"confirmation_method"_s, u"automatic"_s},
        {u"created"_s, f.created},
        {u"currency"_s, u"eur"_s},
        {u"customer"_s, orNull(customer)},
        {u"description"_s, f.description},
        {u"last_payment_error"_s, lastError},
        {u"latest_charge"_s, charge},
        {u"livemode"_s, false},
        {u"metadata"_s, QJsonObject{{u"order_ref"_s, f.orderRef},
                                    {u"kassa_till"_s, f.till},
                                    {u"kassa_cashier"_s, f.cashier}}},
        {u"next_action"_s, QJsonValue::Null},
        {u"on_behalf_of"_s, QJsonValue::Null},
        {u"payment_method"_s, hasMethod ? QJsonValue(method) : QJsonValue(QJsonValue::Null)},
        {u"payment_method_configuration_details"_s, QJsonValue::Null},
        {u"payment_method_options"_s,
         QJsonObject{{u"card"_s, QJsonObject{{u"installments"_s, QJsonValue::Null},
                                             {u"mandate_options"_s, QJsonValue::Null},
                                             {u"network"_s, QJsonValue::Null},
                                             {u"request_three_d_secure"_s, u"automatic"_s}}}}},
        {u"payment_method_types"_s, QJsonArray{u"card"_s}},
        {u"processing"_s, QJsonValue::Null},
        {u"receipt_email"_s, orNull(email)},
        {u"review"_s, QJsonValue::Null},
        {u"setup_future_usage"_s, QJsonValue::Null},
        {u"shipping"_s, QJsonValue::Null},
        {u"source"_s, QJsonValue::Null},
        {u"statement_descriptor"_s, QJsonValue::Null},
        {u"statement_descriptor_suffix"_s, QJsonValue::Null},
        {u"status"_s, f.status},
        {u"transfer_data"_s, QJsonValue::Null},
        {u"transfer_group"_s, QJsonValue::Null},
    };
}

QJsonObject Shop::refundJson(qint64 i) const
{
    const Facts f = payment(i);
    const qint64 created = f.created + 3'600 + qint64(draw(i, FRefundId) % (86'400 * 7));
    return {
        {u"id"_s, stripeId("re_", created, i, FRefundId)},
        {u"object"_s, u"refund"_s},
        {u"amount"_s, f.refunded},
        {u"balance_transaction"_s, stripeId("txn_", created, i, FRefundId + 50)},
        {u"charge"_s, f.chargeId},
        {u"created"_s, created},
        {u"currency"_s, u"eur"_s},
        {u"destination_details"_s,
         QJsonObject{
             {u"card"_s, QJsonObject{{u"reference_status"_s, u"available"_s}, {u"type"_s, u"refund"_s}}},
             {u"type"_s, u"card"_s}}},
        {u"metadata"_s,
         QJsonObject{{u"requested_by"_s, f.cashier}, {u"approved_by"_s, cashiers().constFirst()}}},
        {u"payment_intent"_s, f.id},
        {u"reason"_s, u"requested_by_customer"_s},
        {u"receipt_number"_s, QJsonValue::Null},
        {u"source_transfer_reversal"_s, QJsonValue::Null},
        {u"status"_s, u"succeeded"_s},
        {u"transfer_reversal"_s, QJsonValue::Null},
    };
}

// ---- BenchStore ----

BenchStore::~BenchStore()
{
    m_db.reset();
    if (m_postgresName.isEmpty())
        return;
    QString error;
    QSqlDatabase admin = adminConnection(&error);
    if (!admin.isOpen())
        return;
    QSqlQuery drop(admin);
    if (!drop.exec(u"DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)"_s.arg(m_postgresName)))
        err() << "cannot drop the benchmark database " << m_postgresName << ": " << drop.lastError().text()
              << Qt::endl;
}

bool BenchStore::postgresConfigured()
{
    return !env("PGHOST").isEmpty() || !env("PGPORT").isEmpty() || !env("PGDATABASE").isEmpty();
}

std::unique_ptr<BenchStore> BenchStore::sqlite(const QString &path, QString *error)
{
    std::unique_ptr<BenchStore> store(new BenchStore);
    store->m_config = store::DatabaseConfig::sqlite(path);
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(store->m_config);
    if (!opened.ok()) {
        *error = opened.error().toString();
        return nullptr;
    }
    store->m_db = std::move(opened).value();
    if (const store::StoreError migrated = store::Migrations::migrate(*store->m_db); migrated.isError()) {
        *error = migrated.toString();
        return nullptr;
    }
    return store;
}

std::unique_ptr<BenchStore> BenchStore::postgres(const QString &tag, QString *error, const QString &keepName)
{
    QSqlDatabase admin = adminConnection(error);
    if (!admin.isOpen())
        return nullptr;
    std::unique_ptr<BenchStore> store(new BenchStore);
    const QString name = !keepName.isEmpty()
                             ? keepName
                             : u"kassa_bench_%1_%2"_s.arg(tag).arg(QRandomGenerator::global()->generate64(),
                                                                   16, 16, QLatin1Char('0'));
    QSqlQuery exists(admin);
    const bool found =
        exists.exec(u"SELECT 1 FROM pg_database WHERE datname = '%1'"_s.arg(name)) && exists.next();
    QSqlQuery create(admin);
    if (!found && !create.exec(u"CREATE DATABASE \"%1\""_s.arg(name))) {
        *error = u"CREATE DATABASE failed: "_s + create.lastError().text();
        return nullptr;
    }
    if (keepName.isEmpty())
        store->m_postgresName = name; // dropped at the end
    QString url = u"postgresql://"_s;
    if (!env("PGUSER").isEmpty())
        url += QString::fromLatin1(QUrl::toPercentEncoding(env("PGUSER"))) + u'@';
    url += QString::fromLatin1(QUrl::toPercentEncoding(env("PGHOST")));
    if (!env("PGPORT").isEmpty())
        url += u':' + env("PGPORT");
    url += u'/' + name + u"?application_name=kassa-bench"_s;
    const store::StoreResult<store::DatabaseConfig> config = store::DatabaseConfig::fromUrl(url);
    if (!config.ok()) {
        *error = config.error().toString();
        return nullptr; // the destructor drops the database
    }
    store->m_config = config.value();
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(store->m_config);
    if (!opened.ok()) {
        *error = opened.error().toString();
        return nullptr;
    }
    store->m_db = std::move(opened).value();
    if (const store::StoreError migrated = store::Migrations::migrate(*store->m_db); migrated.isError()) {
        *error = migrated.toString();
        return nullptr;
    }
    return store;
}

namespace {

constexpr int FillBatch = 1000;

// Writes `count` objects made by `make` through StoreIngest, FillBatch per transaction.
bool ingestAll(store::Database &db, qint64 count, qint64 now,
               const std::function<std::optional<QJsonObject>(qint64)> &make, const QString &what,
               qint64 *written, QString *error)
{
    store::StoreIngest ingest(db);
    QList<QJsonObject> batch;
    batch.reserve(FillBatch);
    qint64 next = 0;
    *written = 0;
    QElapsedTimer progress;
    progress.start();
    while (next < count) {
        batch.clear();
        while (next < count && batch.size() < FillBatch) {
            if (std::optional<QJsonObject> object = make(next++))
                batch.append(std::move(*object));
        }
        if (batch.isEmpty())
            continue;
        const store::StoreResult<store::BatchResult> result = ingest.upsertMany(batch, now);
        if (!result.ok()) {
            *error = u"ingest %1: %2"_s.arg(what, result.error().toString());
            return false;
        }
        if (result.value().applied != batch.size()) {
            *error = u"ingest %1: %2 of %3 applied (%4)"_s.arg(what)
                         .arg(result.value().applied)
                         .arg(batch.size())
                         .arg(result.value().rejections.join(u"; "_s));
            return false;
        }
        *written += batch.size();
        if (progress.elapsed() > 10'000) {
            err() << "    " << what << ": " << next << " of " << count << Qt::endl;
            progress.restart();
        }
    }
    return true;
}

} // namespace

bool fillShop(BenchStore &store, const Shop &shop, QString *error)
{
    store::Database &db = store.db();
    const qint64 now = shop.endTime() + 60;
    qint64 customers = 0;
    qint64 payments = 0;
    qint64 refunds = 0;
    QElapsedTimer timer;
    timer.start();
    if (!ingestAll(
            db, shop.customerCount(), now, [&](qint64 c) { return std::optional(shop.customerJson(c)); },
            u"customers"_s, &customers, error))
        return false;
    if (!ingestAll(
            db, shop.paymentCount(), now, [&](qint64 i) { return std::optional(shop.paymentJson(i)); },
            u"payments"_s, &payments, error))
        return false;
    if (!ingestAll(
            db, shop.paymentCount(), now,
            [&](qint64 i) -> std::optional<QJsonObject> {
                if (shop.payment(i).refunded == 0)
                    return std::nullopt;
                return shop.refundJson(i);
            },
            u"refunds"_s, &refunds, error))
        return false;
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    out() << "  filled: " << customers << " customers, " << payments << " payments (each with its charge), "
          << refunds << " refunds in " << QString::number(seconds, 'f', 1) << " s" << Qt::endl;
    report(u"store"_s, store.backend() + u".fill_payments_per_s"_s, double(payments) / seconds,
           u"payments/s"_s);
    if (store.config().dialect == store::Dialect::Postgres) {
        // What autovacuum would do a little later on a real server: statistics for the planner.
        if (const store::StoreError analyzed = db.execDirect(u"ANALYZE"_s); analyzed.isError()) {
            *error = u"ANALYZE: "_s + analyzed.toString();
            return false;
        }
    }
    return true;
}

} // namespace kassa::bench
