// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/params/formdecoder.h"

#include "core/hexdigit.h"

#include <QVarLengthArray>

#include <optional>

using namespace Qt::StringLiterals;

namespace kassa::sim {

namespace {

struct Segment
{
    QStringView name;
    bool append = false; // `[]`
};

using Segments = QVarLengthArray<Segment, 8>;

bool isContinuation(uchar b)
{
    return (b & 0xC0) == 0x80;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(QByteArrayView bytes)
{
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const auto b = static_cast<uchar>(bytes[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        uchar lo = 0x80;
        uchar hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            extra = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            extra = 2;
            if (b == 0xE0)
                lo = 0xA0;
            else if (b == 0xED)
                hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            extra = 3;
            if (b == 0xF0)
                lo = 0x90;
            else if (b == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (i + extra >= n)
            return false;
        const auto second = static_cast<uchar>(bytes[i + 1]);
        if (second < lo || second > hi)
            return false;
        for (int k = 2; k <= extra; ++k) {
            if (!isContinuation(static_cast<uchar>(bytes[i + k])))
                return false;
        }
        i += extra + 1;
    }
    return true;
}

enum class TextError { None, BadEscape, BadUtf8 };

// Percent-decodes `raw` (with `+` as a space) and converts it from UTF-8.
TextError decodeText(QByteArrayView raw, QString *out)
{
    bool plain = true;
    for (const char c : raw) {
        if (c == '%' || c == '+' || static_cast<uchar>(c) >= 0x80) {
            plain = false;
            break;
        }
    }
    if (plain) {
        *out = QString::fromLatin1(raw);
        return TextError::None;
    }
    QByteArray bytes;
    bytes.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '+') {
            bytes.append(' ');
        } else if (c == '%') {
            if (i + 2 >= raw.size())
                return TextError::BadEscape;
            const int high = hexDigitValue(raw[i + 1]);
            const int low = hexDigitValue(raw[i + 2]);
            if (high < 0 || low < 0)
                return TextError::BadEscape;
            bytes.append(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            bytes.append(c);
        }
    }
    if (!isValidUtf8(bytes))
        return TextError::BadUtf8;
    *out = QString::fromUtf8(bytes);
    return TextError::None;
}

// Splits `name[a][b][]` into segments; returns false with *kind set when the key is malformed.
bool splitKey(QStringView key, Segments *segments, FormDecoder::ErrorKind *kind)
{
    const qsizetype open = key.indexOf(u'[');
    const QStringView name = open < 0 ? key : key.left(open);
    if (name.contains(u']')) {
        *kind = FormDecoder::ErrorKind::MalformedBrackets;
        return false;
    }
    if (name.isEmpty()) {
        *kind = FormDecoder::ErrorKind::EmptyName;
        return false;
    }
    segments->append(Segment{name, false});
    qsizetype pos = open < 0 ? key.size() : open;
    while (pos < key.size()) {
        if (key[pos] != u'[') {
            *kind = FormDecoder::ErrorKind::MalformedBrackets;
            return false;
        }
        const qsizetype close = key.indexOf(u']', pos + 1);
        if (close < 0) {
            *kind = FormDecoder::ErrorKind::MalformedBrackets;
            return false;
        }
        const QStringView inner = key.sliced(pos + 1, close - pos - 1);
        if (inner.contains(u'[')) {
            *kind = FormDecoder::ErrorKind::MalformedBrackets;
            return false;
        }
        segments->append(Segment{inner, inner.isEmpty()});
        pos = close + 1;
    }
    if (segments->size() - 1 > FormDecoder::maxDepth) {
        *kind = FormDecoder::ErrorKind::TooDeep;
        return false;
    }
    return true;
}

// `name[a][b]` from the first `count` segments.
QString bracketed(const Segments &segments, qsizetype count)
{
    QString out = segments[0].name.toString();
    for (qsizetype i = 1; i < count; ++i)
        out += u'[' + segments[i].name + u']';
    return out;
}

// Whether `node` already has the named path `rest` (Rack's rule for reusing the last `[]` element).
bool containsPath(const FormNode &node, const Segment *rest, qsizetype count)
{
    const FormNode *current = &node;
    for (qsizetype i = 0; i < count; ++i) {
        if (rest[i].append || !current->isMap())
            return false;
        current = current->child(rest[i].name);
        if (!current)
            return false;
    }
    return true;
}

struct InsertError
{
    FormDecoder::ErrorKind kind;
    qsizetype prefix; // how many segments name the offending parameter
};

std::optional<InsertError> insert(FormNode &root, const Segments &segments, QString value)
{
    using Kind = FormDecoder::ErrorKind;
    FormNode *node = &root;
    const qsizetype n = segments.size();
    for (qsizetype i = 0; i < n; ++i) {
        const Segment &segment = segments[i];
        const bool last = i == n - 1;
        if (node->isValue())
            return InsertError{Kind::ValueObjectConflict, i};
        if (segment.append) {
            if (node->childStyle() == FormNode::ChildStyle::Named)
                return InsertError{Kind::MixedArrayStyles, i};
            if (last) {
                node->appendChild(FormNode(std::move(value)));
                return std::nullopt;
            }
            FormNode *previous = node->lastChild();
            if (previous && previous->isMap() && !containsPath(*previous, segments.data() + i + 1, n - i - 1))
                node = previous;
            else
                node = &node->appendChild(FormNode());
            continue;
        }
        if (i > 0 && node->childStyle() == FormNode::ChildStyle::Appended)
            return InsertError{Kind::MixedArrayStyles, i};
        FormNode *child = node->findChild(segment.name);
        if (last) {
            if (!child) {
                node->addChild(segment.name.toString(), FormNode(std::move(value)));
            } else if (child->isMap()) {
                return InsertError{Kind::ValueObjectConflict, i + 1};
            } else {
                child->setValue(std::move(value)); // a repeated key: the last value wins
            }
            return std::nullopt;
        }
        if (child && child->isValue())
            return InsertError{Kind::ValueObjectConflict, i + 1};
        node = child ? child : &node->addChild(segment.name.toString(), FormNode());
    }
    return std::nullopt;
}

QString describe(FormDecoder::ErrorKind kind, const QString &param)
{
    using Kind = FormDecoder::ErrorKind;
    switch (kind) {
    case Kind::BadPercentEscape:
        return u"Invalid percent-encoding in parameter '"_s + param + u"'"_s;
    case Kind::InvalidUtf8:
        return u"Parameter '"_s + param + u"' is not valid UTF-8"_s;
    case Kind::MalformedBrackets:
        return u"Invalid parameter name '"_s + param + u"': unbalanced or misplaced brackets"_s;
    case Kind::EmptyName:
        return u"Invalid parameter name '"_s + param + u"': the name is empty"_s;
    case Kind::ValueObjectConflict:
        return u"Invalid hash: '"_s + param + u"' is given both as a value and with nested keys"_s;
    case Kind::MixedArrayStyles:
        return u"Invalid array: '"_s + param + u"' mixes appended ([]) and indexed or named elements"_s;
    case Kind::TooDeep:
        return u"Parameter '"_s + param + u"' is nested more than "_s +
               QString::number(FormDecoder::maxDepth) + u" levels deep"_s;
    case Kind::TooManyParameters:
        return u"Too many parameters: at most "_s + QString::number(FormDecoder::maxParameters) +
               u" are accepted"_s;
    }
    return {};
}

} // namespace

FormDecoder::Result FormDecoder::decode(QByteArrayView input)
{
    Result result;
    auto fail = [&result](ErrorKind kind, QString param) {
        QString message = describe(kind, param);
        result.errors.append(Error{kind, std::move(param), std::move(message)});
    };

    int count = 0;
    qsizetype start = 0;
    while (start <= input.size()) {
        qsizetype end = input.indexOf('&', start);
        if (end < 0)
            end = input.size();
        const QByteArrayView pair = input.sliced(start, end - start);
        start = end + 1;
        if (pair.isEmpty())
            continue;
        if (++count > maxParameters) {
            fail(ErrorKind::TooManyParameters, QString());
            break;
        }

        const qsizetype eq = pair.indexOf('=');
        const QByteArrayView rawKey = eq < 0 ? pair : pair.first(eq);
        const QByteArrayView rawValue = eq < 0 ? QByteArrayView() : pair.sliced(eq + 1);

        QString key;
        if (const TextError e = decodeText(rawKey, &key); e != TextError::None) {
            fail(e == TextError::BadEscape ? ErrorKind::BadPercentEscape : ErrorKind::InvalidUtf8,
                 QString::fromUtf8(rawKey));
            continue;
        }
        QString value;
        if (const TextError e = decodeText(rawValue, &value); e != TextError::None) {
            fail(e == TextError::BadEscape ? ErrorKind::BadPercentEscape : ErrorKind::InvalidUtf8, key);
            continue;
        }

        Segments segments;
        ErrorKind kind{};
        if (!splitKey(key, &segments, &kind)) {
            fail(kind, key);
            continue;
        }
        if (const auto error = insert(result.root, segments, std::move(value)))
            fail(error->kind, bracketed(segments, error->prefix));
    }
    return result;
}

} // namespace kassa::sim
