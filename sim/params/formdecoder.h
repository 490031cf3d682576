// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sim/params/formnode.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace kassa::sim {

// Decodes an application/x-www-form-urlencoded body or a URL query string (without the `?`) into a
// FormNode tree, with the bracket syntax Stripe uses:
//
//   a=1                     {a: "1"}
//   metadata[order]=42      {metadata: {order: "42"}}
//   a[b][c]=x               {a: {b: {c: "x"}}}
//   expand[]=x&expand[]=y   {expand: {0: "x", 1: "y"}} (appended)
//   expand[0]=x&expand[1]=y {expand: {0: "x", 1: "y"}} (named)
//   line_items[0][quantity]=1&line_items[0][price]=p
//   metadata=               {metadata: ""} (an empty value: "unset")
//
// Keys and values are percent-decoded (`+` is a space) and must be UTF-8. Brackets are parsed after
// decoding, so `metadata%5Border%5D=42` is the same as `metadata[order]=42`. A repeated plain key
// keeps the last value. `a[][b]=1&a[][c]=2` builds one element {b, c}, and a second `a[][b]` starts a
// new one (the rule Rack applies). Malformed pairs are reported and left out; the rest is decoded.
class FormDecoder
{
public:
    enum class ErrorKind {
        BadPercentEscape,    // `%` not followed by two hex digits
        InvalidUtf8,         // decoded bytes are not UTF-8
        MalformedBrackets,   // `a[b`, `a]`, `a[b]c`, `a[b[c]]`
        EmptyName,           // `=x`, `[a]=x`
        ValueObjectConflict, // `a=1&a[b]=2`: a is both a value and an object
        MixedArrayStyles,    // `a[]=1&a[0]=2` (or `a[]` with any named key)
        TooDeep,             // more than maxDepth bracket levels
        TooManyParameters,   // more than maxParameters pairs; the rest is ignored
    };

    struct Error
    {
        ErrorKind kind;
        QString param; // the parameter as written (decoded when possible), e.g. "metadata[order]"
        QString message;
    };

    struct Result
    {
        FormNode root;
        QList<Error> errors;
        bool ok() const { return errors.isEmpty(); }
    };

    static constexpr int maxDepth = 32;
    static constexpr int maxParameters = 10000;

    static Result decode(QByteArrayView input);
};

} // namespace kassa::sim
