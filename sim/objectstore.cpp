#include "sim/objectstore.h"

#include <QJsonArray>

namespace kassa::sim {

QJsonObject ObjectStore::get(const QString &id, QStringView objectType) const
{
    const auto it = m_objects.constFind(id);
    if (it == m_objects.cend() || it->value(QLatin1StringView("object")).toString() != objectType)
        return {};
    return *it;
}

void ObjectStore::insert(const QJsonObject &object)
{
    const QString id = object.value(QLatin1StringView("id")).toString();
    const QString type = object.value(QLatin1StringView("object")).toString();
    Q_ASSERT(!id.isEmpty() && !type.isEmpty());
    if (m_objects.contains(id)) {
        m_objects.insert(id, object);
        return;
    }
    m_objects.insert(id, object);
    QList<QString> &order = m_order[type];
    m_position.insert(id, order.size());
    order.append(id);
}

void ObjectStore::update(const QJsonObject &object)
{
    const QString id = object.value(QLatin1StringView("id")).toString();
    Q_ASSERT(m_objects.contains(id));
    m_objects.insert(id, object);
}

void ObjectStore::remove(const QString &id)
{
    const auto it = m_objects.constFind(id);
    if (it == m_objects.cend())
        return;
    QList<QString> &order = m_order[it->value(QLatin1StringView("object")).toString()];
    const qsizetype position = m_position.value(id);
    order.removeAt(position);
    for (qsizetype i = position; i < order.size(); ++i)
        m_position[order.at(i)] = i;
    m_position.remove(id);
    m_objects.remove(id);
}

ObjectStore::ListResult ObjectStore::list(const ListQuery &query) const
{
    ListResult result;
    const auto orderIt = m_order.constFind(query.type);
    if (orderIt == m_order.cend())
        return result;
    const QList<QString> &order = *orderIt;
    const int limit = qBound(1, query.limit, 100);

    if (!query.endingBefore.isEmpty()) {
        // The page of objects newer than the cursor, closest to it, still returned newest first.
        const auto pos = m_position.constFind(query.endingBefore);
        if (pos == m_position.cend() || order.value(*pos) != query.endingBefore) {
            result.cursorFound = false;
            return result;
        }
        QList<QJsonObject> ascending;
        for (qsizetype i = *pos + 1; i < order.size(); ++i) {
            const QJsonObject &object = m_objects[order.at(i)];
            if (query.filter && !query.filter(object))
                continue;
            if (ascending.size() == limit) {
                result.hasMore = true;
                break;
            }
            ascending.append(object);
        }
        result.data.reserve(ascending.size());
        for (qsizetype i = ascending.size() - 1; i >= 0; --i)
            result.data.append(ascending.at(i));
        return result;
    }

    qsizetype start = order.size() - 1;
    if (!query.startingAfter.isEmpty()) {
        const auto pos = m_position.constFind(query.startingAfter);
        if (pos == m_position.cend() || order.value(*pos) != query.startingAfter) {
            result.cursorFound = false;
            return result;
        }
        start = *pos - 1;
    }
    for (qsizetype i = start; i >= 0; --i) {
        const QJsonObject &object = m_objects[order.at(i)];
        if (query.filter && !query.filter(object))
            continue;
        if (result.data.size() == limit) {
            result.hasMore = true;
            break;
        }
        result.data.append(object);
    }
    return result;
}

void ObjectStore::forEachNewestFirst(const QString &type,
                                     const std::function<bool(const QJsonObject &)> &visit) const
{
    const QList<QString> order = m_order.value(type);
    for (qsizetype i = order.size() - 1; i >= 0; --i) {
        if (!visit(m_objects[order.at(i)]))
            return;
    }
}

QJsonObject ObjectStore::toJson() const
{
    QJsonObject types;
    for (auto it = m_order.cbegin(); it != m_order.cend(); ++it) {
        QJsonArray objects;
        for (const QString &id : *it)
            objects.append(m_objects.value(id));
        types.insert(it.key(), objects);
    }
    return types;
}

bool ObjectStore::fromJson(const QJsonObject &json, QString *error)
{
    // Loaded aside and taken over only when all of it loads: a broken file changes nothing.
    ObjectStore loaded;
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!it->isArray()) {
            *error = QStringLiteral("objects of type %1 are not a list").arg(it.key());
            return false;
        }
        const QJsonArray objects = it->toArray();
        for (const QJsonValue &value : objects) {
            const QJsonObject object = value.toObject();
            if (object.value(QLatin1StringView("id")).toString().isEmpty() ||
                object.value(QLatin1StringView("object")).toString() != it.key()) {
                *error = QStringLiteral("an object of type %1 has no id or the wrong type").arg(it.key());
                return false;
            }
            loaded.insert(object);
        }
    }
    *this = std::move(loaded);
    return true;
}

void ObjectStore::clear()
{
    m_objects.clear();
    m_order.clear();
    m_position.clear();
}

} // namespace kassa::sim
