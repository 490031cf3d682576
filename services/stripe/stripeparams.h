#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <utility>

namespace kassa::stripe {

// Request parameters in Stripe's form encoding: nested hashes as `metadata[order_ref]=42`, arrays
// indexed as `expand[0]=latest_charge`, booleans as true/false, amounts as integers. Keeps the order
// in which they were added.
class StripeParams
{
public:
    StripeParams &add(const QString &key, const QString &value);
    // Replaces the value of key, or adds it.
    StripeParams &set(const QString &key, const QString &value);
    StripeParams &add(const QString &key, const char *value) { return add(key, QString::fromUtf8(value)); }
    StripeParams &add(const QString &key, qint64 value);
    StripeParams &add(const QString &key, int value) { return add(key, qint64(value)); }
    StripeParams &add(const QString &key, bool value);
    // Adds key only when value is not empty.
    StripeParams &addIfSet(const QString &key, const QString &value);
    // key[0]=a&key[1]=b
    StripeParams &addList(const QString &key, const QStringList &values);
    // key[name]=value for each entry (metadata).
    StripeParams &addMap(const QString &key, const QMap<QString, QString> &values);
    StripeParams &expand(const QString &path);

    bool isEmpty() const { return m_items.isEmpty(); }
    const QList<std::pair<QString, QString>> &items() const { return m_items; }
    QString value(const QString &key) const;
    // application/x-www-form-urlencoded, UTF-8, every reserved character percent-encoded.
    QByteArray encode() const;

private:
    QList<std::pair<QString, QString>> m_items;
    int m_expandCount = 0;
};

} // namespace kassa::stripe
