#pragma once

#include "sim/apireply.h"
#include "sim/objectstore.h"
#include "sim/router.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace kassa::sim {

class SimContext;

// Helpers that every resource uses: lists, expansion, metadata, amounts.
namespace api {

// `created` (and similar) filters: an integer for equality, or {gt, gte, lt, lte}.
bool matchesRange(const QJsonValue &filter, qint64 value);

// A list endpoint: limit, starting_after, ending_before, created[...], expand[]=data.x.
ApiReply list(SimContext &context, const ApiCall &call, const QString &objectType, const QString &url,
              const std::function<bool(const QJsonObject &)> &filter = {},
              const std::function<QJsonObject(const QJsonObject &)> &present = {});

// Expands the paths in `expand` (e.g. "latest_charge", "data.customer", "latest_charge.customer") on an
// object. Returns an error reply for a path that cannot be expanded.
std::optional<ApiReply> expand(const SimContext &context, QJsonObject &object, const QJsonArray &paths);

// Reply with a single object, expanded as the call asks.
ApiReply object(const SimContext &context, const ApiCall &call, const QJsonObject &object);

// Applies Stripe's metadata update rules: keys merge, "" deletes a key, metadata="" clears all.
// Returns an error reply for more than 50 keys, keys over 40 or values over 500 characters.
std::optional<ApiReply> updateMetadata(QJsonObject &object, const ApiCall &call);
std::optional<ApiReply> checkMetadata(const QJsonValue &metadata);

// Checks currency (supported, lower case) and amount (minimum charge and Stripe's maximum).
std::optional<ApiReply> checkAmount(const QString &currency, qint64 amount,
                                    const QString &param = QStringLiteral("amount"));
// "$12.50" style text for error messages.
QString formatAmount(qint64 amount, const QString &currency);

// Copies the named keys of the call's params into the object where present; records the previous
// values in `previous` (for an event's previous_attributes).
void copyParams(QJsonObject &object, const ApiCall &call, const QStringList &names,
                QJsonObject *previous = nullptr);

} // namespace api
} // namespace kassa::sim
