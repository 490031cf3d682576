// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringView>

#include <vector>

namespace kassa::sim {

// One node of a decoded form body or query string, before any schema is applied.
//
// A node is either a value (a string, possibly empty) or a map of named children kept in the order
// they first appeared. `a=1&b[c]=2` decodes to a root map {a: "1", b: {c: "2"}}. Arrays are maps too:
// `expand[]=x&expand[]=y` gives expand the children "0" and "1" (appended, synthetic keys), and
// `expand[0]=x&expand[1]=y` gives it the children "0" and "1" (named); which style a map was built
// with is kept so the decoder can reject a mix of both.
class FormNode
{
public:
    enum class Kind { Map, Value };
    enum class ChildStyle { None, Named, Appended };

    FormNode() = default; // an empty map
    explicit FormNode(QString value);

    Kind kind() const { return m_kind; }
    bool isMap() const { return m_kind == Kind::Map; }
    bool isValue() const { return m_kind == Kind::Value; }

    // The name of this node in its parent ("" for the root); for `[]` children "0", "1", ...
    const QString &key() const { return m_key; }
    // The value of a value node; empty for a map.
    const QString &value() const { return m_value; }

    const std::vector<FormNode> &children() const { return m_children; }
    const FormNode *child(QStringView key) const;
    ChildStyle childStyle() const { return m_childStyle; }

    // Building, used by FormDecoder. Adding a child keeps references to this node valid but may
    // invalidate references to earlier children.
    FormNode *findChild(QStringView key);
    FormNode *lastChild() { return m_children.empty() ? nullptr : &m_children.back(); }
    FormNode &addChild(QString key, FormNode node);
    FormNode &appendChild(FormNode node);
    void setValue(QString value);

    // Values as strings and maps as objects (appended arrays too, with keys "0", "1", ...);
    // for tests and logs.
    QJsonValue toJson() const;

    friend bool operator==(const FormNode &a, const FormNode &b);

private:
    QString m_key;
    QString m_value;
    std::vector<FormNode> m_children;
    Kind m_kind = Kind::Map;
    ChildStyle m_childStyle = ChildStyle::None;
};

} // namespace kassa::sim
