#include "app/cli/cliformatter.h"

#include "core/money.h"

#include <QDateTime>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

QString cardOf(const QJsonObject &details)
{
    const QString type = details.value(u"type"_s).toString();
    const QJsonObject card = details.value(type).toObject();
    if (card.contains(u"last4"_s))
        return card.value(u"brand"_s).toString() + u" •••• "_s + card.value(u"last4"_s).toString();
    return type;
}

QString join(const QStringList &parts)
{
    QStringList kept;
    for (const QString &part : parts) {
        if (!part.isEmpty())
            kept.append(part);
    }
    return kept.join(u"  "_s);
}

} // namespace

QString CliFormatter::amount(qint64 minorUnits, const QString &currency)
{
    const std::optional<Currency> c = Currency::fromCode(currency);
    if (!c)
        return QString::number(minorUnits) + u' ' + currency;
    // Locale-independent, for logs and scripts alike: "12.50 USD", "1200 JPY".
    return Money(minorUnits, *c).toDecimalString() + u' ' + c->upperCode();
}

QString CliFormatter::time(qint64 unixSeconds)
{
    return QDateTime::fromSecsSinceEpoch(unixSeconds).toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

QString CliFormatter::line(const QJsonObject &o)
{
    const QString type = o.value(u"object"_s).toString();
    const QString id = o.value(u"id"_s).toString();
    const QString currency = o.value(u"currency"_s).toString();
    if (type == u"payment_intent"_s) {
        const QJsonObject charge = o.value(u"latest_charge"_s).toObject();
        QString next;
        const QJsonObject action = o.value(u"next_action"_s).toObject();
        if (!action.isEmpty())
            next = u"authenticate: "_s +
                   action.value(u"redirect_to_url"_s).toObject().value(u"url"_s).toString();
        const QString error = o.value(u"last_payment_error"_s).toObject().value(u"message"_s).toString();
        return join(
            {id, time(o.value(u"created"_s).toInteger()), o.value(u"status"_s).toString(),
             amount(o.value(u"amount"_s).toInteger(), currency),
             charge.isEmpty() ? QString() : cardOf(charge.value(u"payment_method_details"_s).toObject()),
             o.value(u"description"_s).toString(), error.isEmpty() ? QString() : u"last error: "_s + error,
             next});
    }
    if (type == u"charge"_s)
        return join({id, o.value(u"status"_s).toString(), amount(o.value(u"amount"_s).toInteger(), currency),
                     cardOf(o.value(u"payment_method_details"_s).toObject()),
                     u"refunded "_s + amount(o.value(u"amount_refunded"_s).toInteger(), currency),
                     o.value(u"receipt_url"_s).toString()});
    if (type == u"refund"_s)
        return join({id, time(o.value(u"created"_s).toInteger()), o.value(u"status"_s).toString(),
                     amount(o.value(u"amount"_s).toInteger(), currency),
                     o.value(u"payment_intent"_s).toString(), o.value(u"reason"_s).toString(),
                     o.value(u"failure_reason"_s).toString()});
    if (type == u"customer"_s) {
        if (o.value(u"deleted"_s).toBool())
            return join({id, u"deleted"_s});
        const QString defaultPm =
            o.value(u"invoice_settings"_s).toObject().value(u"default_payment_method"_s).toString();
        return join({id, o.value(u"name"_s).toString(), o.value(u"email"_s).toString(),
                     defaultPm.isEmpty() ? QString() : u"default "_s + defaultPm});
    }
    if (type == u"payment_method"_s) {
        const QString pmType = o.value(u"type"_s).toString();
        const QJsonObject details = o.value(pmType).toObject();
        QString what = pmType;
        if (details.contains(u"last4"_s))
            what = details.value(u"brand"_s).toString() + u" •••• "_s + details.value(u"last4"_s).toString() +
                   u"  exp "_s +
                   QString::number(details.value(u"exp_month"_s).toInt()).rightJustified(2, u'0') + u'/' +
                   QString::number(details.value(u"exp_year"_s).toInt());
        else if (details.contains(u"payer_email"_s))
            what = pmType + u' ' + details.value(u"payer_email"_s).toString();
        else if (details.contains(u"email"_s))
            what = pmType + u' ' + details.value(u"email"_s).toString();
        return join({id, what, o.value(u"customer"_s).toString()});
    }
    if (type == u"event"_s)
        return join({id, time(o.value(u"created"_s).toInteger()), o.value(u"type"_s).toString(),
                     o.value(u"data"_s).toObject().value(u"object"_s).toObject().value(u"id"_s).toString()});
    if (type == u"terminal.reader"_s) {
        const QJsonObject action = o.value(u"action"_s).toObject();
        return join({id, o.value(u"label"_s).toString(), o.value(u"status"_s).toString(),
                     action.isEmpty() ? QString()
                                      : u"action: "_s + action.value(u"type"_s).toString() + u' ' +
                                            action.value(u"status"_s).toString() + u' ' +
                                            action.value(u"failure_message"_s).toString()});
    }
    if (type == u"checkout.session"_s)
        return join({id, o.value(u"mode"_s).toString(), o.value(u"status"_s).toString(),
                     o.value(u"amount_total"_s).isDouble()
                         ? amount(o.value(u"amount_total"_s).toInteger(), currency)
                         : QString(),
                     o.value(u"url"_s).toString()});
    if (type == u"webhook_endpoint"_s)
        return join({id, o.value(u"url"_s).toString(), o.value(u"status"_s).toString(),
                     o.value(u"secret"_s).toString()});
    if (type == u"balance"_s) {
        QStringList parts{u"balance"_s};
        const QJsonArray available = o.value(u"available"_s).toArray();
        for (const QJsonValue &entry : available)
            parts.append(u"available "_s +
                         amount(entry[u"amount"_s].toInteger(), entry[u"currency"_s].toString()));
        return join(parts);
    }
    return join({id, type});
}

} // namespace kassa::cli
