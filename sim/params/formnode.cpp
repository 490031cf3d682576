// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/params/formnode.h"

#include <QJsonObject>

namespace kassa::sim {

FormNode::FormNode(QString value)
    : m_value(std::move(value))
    , m_kind(Kind::Value)
{
}

const FormNode *FormNode::child(QStringView key) const
{
    for (const FormNode &c : m_children) {
        if (c.m_key == key)
            return &c;
    }
    return nullptr;
}

FormNode *FormNode::findChild(QStringView key)
{
    for (FormNode &c : m_children) {
        if (c.m_key == key)
            return &c;
    }
    return nullptr;
}

FormNode &FormNode::addChild(QString key, FormNode node)
{
    m_kind = Kind::Map;
    m_value.clear();
    m_childStyle = ChildStyle::Named;
    node.m_key = std::move(key);
    m_children.push_back(std::move(node));
    return m_children.back();
}

FormNode &FormNode::appendChild(FormNode node)
{
    m_kind = Kind::Map;
    m_value.clear();
    m_childStyle = ChildStyle::Appended;
    node.m_key = QString::number(m_children.size());
    m_children.push_back(std::move(node));
    return m_children.back();
}

void FormNode::setValue(QString value)
{
    m_kind = Kind::Value;
    m_value = std::move(value);
    m_children.clear();
    m_childStyle = ChildStyle::None;
}

QJsonValue FormNode::toJson() const
{
    if (m_kind == Kind::Value)
        return m_value;
    QJsonObject object;
    for (const FormNode &c : m_children)
        object.insert(c.m_key, c.toJson());
    return object;
}

bool operator==(const FormNode &a, const FormNode &b)
{
    return a.m_kind == b.m_kind && a.m_key == b.m_key && a.m_value == b.m_value &&
           a.m_childStyle == b.m_childStyle && a.m_children == b.m_children;
}

} // namespace kassa::sim
