#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>

#include <memory>

namespace kassa::stripe {

// Reads fields of a Stripe object tolerantly: unknown fields are ignored, missing or null optional
// fields give empty values, and a field of the wrong type records one clear error (with its path, e.g.
// "payment_intent.amount: expected an integer, got a string") instead of crashing or guessing.
class JsonReader
{
public:
    JsonReader(const QJsonObject &object, const QString &path);

    // A reader for a nested hash; it shares the error state with this one.
    JsonReader child(const QString &key) const;
    bool has(const QString &key) const;

    QString string(const QString &key) const;
    QString requiredString(const QString &key) const;
    qint64 integer(const QString &key) const;
    qint64 requiredInteger(const QString &key) const;
    bool boolean(const QString &key) const;
    QDateTime time(const QString &key) const; // Unix seconds to UTC; null when missing
    QJsonObject object(const QString &key) const;
    // An id field that may also come expanded into its object ("customer": "cus_1" or {...}).
    QString idOf(const QString &key) const;
    QMap<QString, QString> metadata(const QString &key = QStringLiteral("metadata")) const;

    bool ok() const { return m_error->isEmpty(); }
    QString error() const { return *m_error; }
    void fail(const QString &key, const QString &message) const;

private:
    JsonReader(const QJsonObject &object, const QString &path, std::shared_ptr<QString> error);
    QString where(const QString &key) const;

    QJsonObject m_object;
    QString m_path;
    std::shared_ptr<QString> m_error;
};

} // namespace kassa::stripe
