#include "services/stripe/stripeparams.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

StripeParams &StripeParams::add(const QString &key, const QString &value)
{
    m_items.append({key, value});
    return *this;
}

StripeParams &StripeParams::set(const QString &key, const QString &value)
{
    for (auto &[name, existing] : m_items) {
        if (name == key) {
            existing = value;
            return *this;
        }
    }
    return add(key, value);
}

StripeParams &StripeParams::add(const QString &key, qint64 value)
{
    return add(key, QString::number(value));
}

StripeParams &StripeParams::add(const QString &key, bool value)
{
    return add(key, value ? u"true"_s : u"false"_s);
}

StripeParams &StripeParams::addIfSet(const QString &key, const QString &value)
{
    if (!value.isEmpty())
        add(key, value);
    return *this;
}

StripeParams &StripeParams::addList(const QString &key, const QStringList &values)
{
    for (qsizetype i = 0; i < values.size(); ++i)
        add(key + u'[' + QString::number(i) + u']', values.at(i));
    return *this;
}

StripeParams &StripeParams::addMap(const QString &key, const QMap<QString, QString> &values)
{
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        add(key + u'[' + it.key() + u']', it.value());
    return *this;
}

StripeParams &StripeParams::expand(const QString &path)
{
    return add(u"expand["_s + QString::number(m_expandCount++) + u']', path);
}

QString StripeParams::value(const QString &key) const
{
    for (const auto &[name, value] : m_items) {
        if (name == key)
            return value;
    }
    return {};
}

QByteArray StripeParams::encode() const
{
    QByteArray out;
    for (const auto &[key, value] : m_items) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

} // namespace kassa::stripe
