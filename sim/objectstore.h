#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace kassa::sim {

// Every Stripe object of the simulator, by id, with the creation order of each object type so that
// lists come newest first and cursors (starting_after / ending_before) cost O(page), not O(table).
class ObjectStore
{
public:
    struct ListQuery
    {
        QString type;
        int limit = 10;
        QString startingAfter;
        QString endingBefore;
        std::function<bool(const QJsonObject &)> filter;
    };
    struct ListResult
    {
        QList<QJsonObject> data;
        bool hasMore = false;
        bool cursorFound = true;
    };

    bool contains(const QString &id) const { return m_objects.contains(id); }
    QJsonObject get(const QString &id) const { return m_objects.value(id); }
    // The object with that id if it is of that Stripe object type ("payment_intent", ...), else empty.
    QJsonObject get(const QString &id, QStringView objectType) const;
    void insert(const QJsonObject &object);
    void update(const QJsonObject &object);
    // Takes an object out entirely (undoing a creation that failed half-way); O(objects of its type).
    void remove(const QString &id);
    qsizetype count(const QString &type) const { return m_order.value(type).size(); }
    qsizetype size() const { return m_objects.size(); }

    ListResult list(const ListQuery &query) const;
    // Visits the objects of a type, newest first, until the visitor returns false.
    void forEachNewestFirst(const QString &type, const std::function<bool(const QJsonObject &)> &visit) const;

    QJsonObject toJson() const;
    bool fromJson(const QJsonObject &json, QString *error);
    void clear();

private:
    QHash<QString, QJsonObject> m_objects;
    QHash<QString, QList<QString>> m_order; // type -> ids, oldest first
    QHash<QString, qsizetype> m_position;   // id -> index in its type's order
};

} // namespace kassa::sim
