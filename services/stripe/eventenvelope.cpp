// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/stripe/eventenvelope.h"

#include "core/hexdigit.h"

#include <QStringDecoder>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

constexpr int MaxDepth = 512;

enum class Kind { Object, Array, String, Number, Literal };

// The members of an object that the envelope keeps: the event's own, then those of its "data".
enum class Role { Skip, Event, Data };

// Bytes that stand for themselves in a string: printable ASCII but the quote and the backslash.
constexpr auto PlainInString = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c)
        plain[size_t(c)] = c != '"' && c != '\\';
    return plain;
}();

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A string's contents between its quotes, already checked: escapes decoded, UTF-8 to UTF-16, as
// QJsonDocument decodes them. It drops a byte order mark at the start of a string without escapes (it
// keeps those as UTF-8 and QString::fromUtf8 drops it), and keeps every one in a string with escapes (it
// decodes those itself): so must this.
QString decode(const char *from, const char *to, bool escaped)
{
    if (!escaped)
        return QString::fromUtf8(from, to - from);
    QString out;
    out.reserve(to - from);
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
    const auto appendRun = [&out, &utf8](const char *runFrom, const char *runTo) {
        if (runTo > runFrom)
            out += utf8.decode(QByteArrayView(runFrom, runTo - runFrom));
    };
    const char *run = from;
    for (const char *at = from; at < to;) {
        if (*at != '\\') {
            ++at;
            continue;
        }
        appendRun(run, at);
        const char c = at[1];
        at += 2;
        switch (c) {
        case 'b':
            out += u'\b';
            break;
        case 'f':
            out += u'\f';
            break;
        case 'n':
            out += u'\n';
            break;
        case 'r':
            out += u'\r';
            break;
        case 't':
            out += u'\t';
            break;
        case 'u':
            // One UTF-16 unit per escape; a pair of them makes one character, as in QJsonDocument.
            out += QChar(char16_t(hexDigitValue(at[0]) << 12 | hexDigitValue(at[1]) << 8 |
                                  hexDigitValue(at[2]) << 4 | hexDigitValue(at[3])));
            at += 4;
            break;
        default: // '"', '\\', '/'
            out += QLatin1Char(c);
            break;
        }
        run = at;
    }
    appendRun(run, to);
    return out;
}

// QJsonValue::toInteger() of the number QJsonDocument makes of this text: the integer when it is one
// (written as one, or a double with an integral value in range), else 0.
qint64 integerOf(const char *from, const char *to)
{
    qint64 n = 0;
    if (const auto [end, error] = std::from_chars(from, to, n); error == std::errc() && end == to)
        return n;
    double d = 0;
    if (const auto [end, error] = std::from_chars(from, to, d); error != std::errc() || end != to)
        return 0;
    constexpr double Limit = 9223372036854775808.0; // 2^63
    if (!std::isfinite(d) || std::trunc(d) != d || d < -Limit || d >= Limit)
        return 0;
    return qint64(d);
}

class Scanner
{
public:
    Scanner(QByteArrayView json, EventEnvelope *envelope)
        : m_begin(json.data())
        , m_at(json.data())
        , m_end(json.data() + json.size())
        , m_envelope(envelope)
    {
    }

    bool document()
    {
        skipSpace();
        // An object or an array, as QJsonDocument reads it (RFC 8259 also allows a scalar).
        if (m_at == m_end || (*m_at != '{' && *m_at != '['))
            return fail(m_at == m_end ? "a value expected" : "an object or an array expected");
        Kind kind{};
        if (!value(0, Role::Event, &kind))
            return false;
        skipSpace();
        if (m_at != m_end)
            return fail("text after the JSON value");
        m_envelope->isObject = kind == Kind::Object;
        return true;
    }

    QString error() const { return u"%1 at offset %2"_s.arg(QLatin1StringView(m_error)).arg(m_errorAt); }

private:
    bool fail(const char *what)
    {
        m_error = what;
        m_errorAt = m_at - m_begin;
        return false;
    }

    void skipSpace()
    {
        while (m_at < m_end && isSpace(*m_at))
            ++m_at;
    }

    // Any value at m_at (no space before it); `role` is what an object there is to the envelope.
    bool value(int depth, Role role, Kind *kind)
    {
        if (m_at == m_end)
            return fail("a value expected");
        switch (*m_at) {
        case '{':
            *kind = Kind::Object;
            return object(depth + 1, role);
        case '[':
            *kind = Kind::Array;
            return array(depth + 1);
        case '"':
            *kind = Kind::String;
            return string(nullptr);
        case 't':
            *kind = Kind::Literal;
            return literal("true");
        case 'f':
            *kind = Kind::Literal;
            return literal("false");
        case 'n':
            *kind = Kind::Literal;
            return literal("null");
        default:
            *kind = Kind::Number;
            return number();
        }
    }

    bool literal(QByteArrayView word)
    {
        if (m_end - m_at < word.size() || QByteArrayView(m_at, word.size()) != word)
            return fail("not a JSON value");
        m_at += word.size();
        return true;
    }

    bool number()
    {
        const char *start = m_at;
        const auto digits = [this] {
            const char *from = m_at;
            while (m_at < m_end && isDigit(*m_at))
                ++m_at;
            return m_at > from;
        };
        if (m_at < m_end && *m_at == '-')
            ++m_at;
        if (m_at < m_end && *m_at == '0')
            ++m_at;
        else if (m_at == m_end || !isDigit(*m_at) || !digits())
            return fail("not a JSON value");
        if (m_at < m_end && *m_at == '.') {
            ++m_at;
            if (!digits())
                return fail("a digit expected after the decimal point");
        }
        bool exponent = false;
        if (m_at < m_end && (*m_at == 'e' || *m_at == 'E')) {
            exponent = true;
            ++m_at;
            if (m_at < m_end && (*m_at == '+' || *m_at == '-'))
                ++m_at;
            if (!digits())
                return fail("a digit expected in the exponent");
        }
        // QJsonDocument refuses a number a double cannot hold; only an exponent or a long number can be one.
        if (exponent || m_at - start > 300) {
            double d = 0;
            if (std::from_chars(start, m_at, d).ec == std::errc::result_out_of_range)
                return fail("a number beyond the range of a double");
        }
        return true;
    }

    // A string at m_at; `span` gets its contents (between the quotes) and whether it has escapes.
    struct Span
    {
        const char *from = nullptr;
        const char *to = nullptr;
        bool escaped = false;
    };

    bool string(Span *span)
    {
        ++m_at; // the opening quote
        const char *from = m_at;
        bool escaped = false;
        while (true) {
            // The common case first: printable ASCII.
            while (m_at < m_end && PlainInString[static_cast<unsigned char>(*m_at)])
                ++m_at;
            if (m_at == m_end)
                return fail("unterminated string");
            const auto c = static_cast<unsigned char>(*m_at);
            if (c == '"')
                break;
            if (c == '\\') {
                escaped = true;
                if (!escape())
                    return false;
                continue;
            }
            if (c < 0x20)
                return fail("a control character in a string");
            if (!utf8())
                return false;
        }
        if (span)
            *span = Span{from, m_at, escaped};
        ++m_at; // the closing quote
        return true;
    }

    bool escape()
    {
        if (m_end - m_at < 2)
            return fail("unterminated string");
        switch (m_at[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            m_at += 2;
            return true;
        case 'u':
            if (m_end - m_at < 6 || hexDigitValue(m_at[2]) < 0 || hexDigitValue(m_at[3]) < 0 ||
                hexDigitValue(m_at[4]) < 0 || hexDigitValue(m_at[5]) < 0)
                return fail("\\u without four hex digits");
            m_at += 6;
            return true;
        default:
            return fail("an unknown escape in a string");
        }
    }

    // One UTF-8 sequence of two to four bytes at m_at: no overlong form, no surrogate, at most U+10FFFF.
    bool utf8()
    {
        const auto *p = reinterpret_cast<const unsigned char *>(m_at);
        const auto available = m_end - m_at;
        const auto continuation = [p](int i) { return (p[i] & 0xC0) == 0x80; };
        int length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF; // the range of the second byte
        if (p[0] >= 0xC2 && p[0] <= 0xDF) {
            length = 2;
        } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
            length = 3;
            if (p[0] == 0xE0)
                low = 0xA0;
            else if (p[0] == 0xED)
                high = 0x9F;
        } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
            length = 4;
            if (p[0] == 0xF0)
                low = 0x90;
            else if (p[0] == 0xF4)
                high = 0x8F;
        } else {
            return fail("invalid UTF-8 in a string");
        }
        if (available < length || p[1] < low || p[1] > high)
            return fail("invalid UTF-8 in a string");
        for (int i = 2; i < length; ++i) {
            if (!continuation(i))
                return fail("invalid UTF-8 in a string");
        }
        m_at += length;
        return true;
    }

    bool array(int depth)
    {
        if (const After after = first(depth, ']'); after != After::More)
            return after == After::Closed;
        while (true) {
            Kind kind{};
            if (!value(depth, Role::Skip, &kind))
                return false;
            if (const After after = next(']', "unterminated array", "',' or ']' expected");
                after != After::More)
                return after == After::Closed;
        }
    }

    bool object(int depth, Role role)
    {
        if (const After after = first(depth, '}'); after != After::More)
            return after == After::Closed;
        while (true) {
            if (m_at == m_end || *m_at != '"')
                return fail("a key expected");
            Span key;
            if (!string(&key))
                return false;
            skipSpace();
            if (m_at == m_end || *m_at != ':')
                return fail("':' expected");
            ++m_at;
            skipSpace();
            if (!member(depth, role, key))
                return false;
            if (const After after = next('}', "unterminated object", "',' or '}' expected");
                after != After::More)
                return after == After::Closed;
        }
    }

    // Where an array or an object goes on: with an element or member (More), or it is closed, or wrong.
    enum class After { More, Closed, Failed };

    // At its opening bracket: empty, or an element or member follows.
    After first(int depth, char close)
    {
        if (depth > MaxDepth) {
            fail("nested too deep");
            return After::Failed;
        }
        ++m_at;
        skipSpace();
        if (m_at < m_end && *m_at == close) {
            ++m_at;
            return After::Closed;
        }
        return After::More;
    }

    // After an element or member: a comma and another, or the closing bracket.
    After next(char close, const char *unterminated, const char *expected)
    {
        skipSpace();
        if (m_at == m_end || (*m_at != close && *m_at != ',')) {
            fail(m_at == m_end ? unterminated : expected);
            return After::Failed;
        }
        if (*m_at++ == close)
            return After::Closed;
        skipSpace();
        return After::More;
    }

    // One member's value; the envelope keeps what it needs of it. A repeated key counts with its last
    // value, as in QJsonObject.
    bool member(int depth, Role role, const Span &keySpan)
    {
        if (role == Role::Skip)
            return skipValue(depth);
        const auto keyIs = [&keySpan](QLatin1StringView name) {
            if (keySpan.escaped)
                return decode(keySpan.from, keySpan.to, true) == name;
            return QLatin1StringView(keySpan.from, keySpan.to - keySpan.from) == name;
        };
        Kind kind{};
        if (role == Role::Data) {
            if (!keyIs("object"_L1))
                return skipValue(depth);
            if (!value(depth, Role::Skip, &kind))
                return false;
            m_dataObject = kind == Kind::Object;
            return true;
        }
        if (keyIs("data"_L1)) {
            m_dataObject = false;
            if (!value(depth, Role::Data, &kind))
                return false;
            m_envelope->hasDataObject = kind == Kind::Object && m_dataObject;
            return true;
        }
        QString object; // the event's "object", which must be "event"
        const bool isObjectKey = keyIs("object"_L1);
        QString *text = keyIs("id"_L1)     ? &m_envelope->id
                        : keyIs("type"_L1) ? &m_envelope->type
                        : isObjectKey      ? &object
                                           : nullptr;
        if (text) {
            text->clear();
            if (m_at < m_end && *m_at == '"') {
                Span span;
                if (!string(&span))
                    return false;
                *text = decode(span.from, span.to, span.escaped);
            } else if (!skipValue(depth)) {
                return false;
            }
            if (isObjectKey)
                m_envelope->isEvent = object == "event"_L1;
            return true;
        }
        const char *start = m_at;
        if (!value(depth, Role::Skip, &kind))
            return false;
        if (keyIs("created"_L1))
            m_envelope->created = kind == Kind::Number ? integerOf(start, m_at) : 0;
        return true;
    }

    bool skipValue(int depth)
    {
        Kind kind{};
        return value(depth, Role::Skip, &kind);
    }

    const char *m_begin;
    const char *m_at;
    const char *m_end;
    EventEnvelope *m_envelope;
    bool m_dataObject = false;
    const char *m_error = "";
    qsizetype m_errorAt = 0;
};

} // namespace

bool EventEnvelope::read(QByteArrayView json, EventEnvelope *envelope, QString *error)
{
    *envelope = EventEnvelope{};
    Scanner scanner(json, envelope);
    if (scanner.document())
        return true;
    *envelope = EventEnvelope{};
    if (error)
        *error = scanner.error();
    return false;
}

} // namespace kassa::stripe
