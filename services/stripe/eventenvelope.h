// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QString>

namespace kassa::stripe {

// What the webhook receiver needs of an event before it stores it: that the body is JSON, and the
// event's id, type and created, and whether it says it is an event and carries data.object. Read in one pass
// over the bytes, without building a document (QJsonDocument::fromJson cost the receiver's thread more than
// the signature check and the write together).
//
// The check is RFC 8259's grammar for an object or an array (QJsonDocument reads no other document), with
// UTF-8 checked as QJsonDocument checks it: whatever it accepts,
// QJsonDocument reads the same way later (when the event is applied), and the fields come out as
// QJsonObject gives them: a repeated key counts with its last value, escapes in keys and strings are
// decoded, `created` follows QJsonValue::toInteger (0 unless it is an integral number). It is stricter
// than QJsonDocument where that one is lenient (an unknown escape such as "\q", a control character in a
// string, "1." or "-"), and it refuses nesting deeper than 512 (QJsonDocument: 1024).
struct EventEnvelope
{
    QString id;
    QString type;
    qint64 created = 0;
    bool isObject = false;      // the body is a JSON object
    bool isEvent = false;       // "object": "event"
    bool hasDataObject = false; // "data": {"object": {...}}

    // Reads `json`; false when it is not one well-formed JSON value, with `error` saying where and why
    // (e.g. "unterminated string at offset 42").
    static bool read(QByteArrayView json, EventEnvelope *envelope, QString *error);
};

} // namespace kassa::stripe
