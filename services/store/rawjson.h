// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeresult.h"

#include <QByteArray>
#include <QJsonObject>
#include <QVariant>

namespace kassa::store {

// How the SQLite store keeps the raw JSON of each Stripe object: compact UTF-8 JSON compressed as one
// zstd frame with a dictionary trained on the simulator's Stripe objects (services/store/jsondictionary/,
// made by scripts/make-json-dictionary.sh). A PaymentIntent is about 1.2 KB of JSON and a charge 1.7 KB;
// their frames are a fifth of that, so a backfill writes a fifth of the pages and the tables stay small
// enough for the page cache.
//
// Each frame carries a checksum of its JSON, so that a damaged row is an error and not different JSON,
// and names its dictionary by id, so that rows written with an earlier dictionary stay readable when a
// later one is added. Rows that earlier builds wrote hold the JSON as text; unpack() reads both.
// PostgreSQL keeps text (its TOAST compresses large values itself). Outside Kassa a frame reads with
// `zstd -d -D kassa-json-<id>.zdict`.
//
// Thread-safe: each thread compresses and decompresses with its own zstd contexts.
namespace rawjson {

// The object as one zstd frame of its compact JSON (what StripeJson::compact() writes, in UTF-8).
QByteArray pack(const QJsonObject &object);
// The same for JSON text that is already compact UTF-8.
QByteArray packText(QByteArrayView json);

// A raw column's value back as the object: a zstd frame (a QByteArray) or JSON text (a QString). An
// InvalidData error for a frame that does not decompress, names a dictionary this build does not have, or
// does not hold a JSON object. `what` names the row in the message ("payment pi_123").
StoreResult<QJsonObject> unpack(const QVariant &stored, const QString &what);

// The id of the dictionary pack() writes with (in every frame it writes).
quint32 dictionaryId();

} // namespace rawjson
} // namespace kassa::store
