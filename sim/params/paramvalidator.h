// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sim/params/formnode.h"
#include "sim/params/schemanode.h"
#include "sim/params/validationresult.h"

#include <QJsonValue>
#include <QStringView>
#include <QVarLengthArray>

#include <optional>
#include <vector>

namespace kassa::sim {

// Walks a FormNode tree against the pre-parsed schema nodes of one endpoint and converts the values
// to their types. Internal to ParamSchema; one instance per validation (it keeps the current
// parameter path and the error).
class ParamValidator
{
public:
    explicit ParamValidator(const std::vector<SchemaNode> &nodes);

    ValidationResult validate(int root, const FormNode &tree);

private:
    bool check(int schema, const FormNode &node, QJsonValue *out, bool inFreeMap);
    bool checkScalar(const SchemaNode &schema, const QString &value, QJsonValue *out);
    bool checkObject(const SchemaNode &schema, const FormNode &node, QJsonValue *out);
    bool checkArray(const SchemaNode &schema, const FormNode &node, QJsonValue *out);
    bool checkAnyOf(const SchemaNode &schema, const FormNode &node, QJsonValue *out, bool inFreeMap);
    bool shapeMismatch(const SchemaNode &schema);

    bool fail(QString code, QString message);
    QString param() const;

    const std::vector<SchemaNode> &m_nodes;
    QVarLengthArray<QStringView, 16> m_path;
    std::optional<ParamError> m_error;
};

} // namespace kassa::sim
