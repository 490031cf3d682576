#include "services/stripe/directtransportparser.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace kassa::stripe {

namespace {

constexpr qsizetype MaxHeadBytes = 64 * 1024; // status line and headers; a chunk-size line; trailers
constexpr qsizetype MaxChunkDigits = 15;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A short, printable excerpt of what the server sent, for an error message.
QString excerpt(QByteArrayView bytes)
{
    QString text;
    for (const char c : bytes.first(std::min<qsizetype>(bytes.size(), 40)))
        text += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : u'?';
    return text;
}

bool parseDecimal(QByteArrayView text, qint64 *value)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    qint64 result = 0;
    for (const char c : text) {
        if (!isDigit(c))
            return false;
        result = result * 10 + (c - '0');
    }
    *value = result;
    return true;
}

bool parseHex(QByteArrayView text, qint64 *value)
{
    if (text.isEmpty() || text.size() > MaxChunkDigits)
        return false;
    qint64 result = 0;
    for (const char c : text) {
        int digit = 0;
        if (isDigit(c))
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return false;
        result = result * 16 + digit;
    }
    *value = result;
    return true;
}

// Calls f for every comma-separated token of a header value, trimmed.
template<typename F>
void forEachToken(QByteArrayView value, F &&f)
{
    while (!value.isEmpty()) {
        const qsizetype comma = value.indexOf(',');
        f(value.first(comma < 0 ? value.size() : comma).trimmed());
        if (comma < 0)
            break;
        value = value.sliced(comma + 1);
    }
}

} // namespace

void DirectTransportParser::reset(qint64 maxBodyBytes)
{
    m_phase = Phase::StatusLine;
    m_buffer.clear();
    m_pos = 0;
    m_headBytes = 0;
    m_remaining = 0;
    m_maxBodyBytes = maxBodyBytes;
    m_result = HttpResult();
    m_error.clear();
    m_keepAlive = true;
}

DirectTransportParser::Status DirectTransportParser::feed(QByteArray bytes)
{
    if (m_phase == Phase::Complete || m_phase == Phase::Failed)
        return m_phase == Phase::Complete ? Status::Complete : Status::Failed;
    if (m_buffer.isEmpty())
        m_buffer = std::move(bytes);
    else
        m_buffer.append(bytes);
    const Status status = parse();
    if (status == Status::NeedMore && m_pos > 0) {
        // Drop what is parsed already (from the front, which costs Qt no copy).
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    return status;
}

DirectTransportParser::Status DirectTransportParser::atEndOfStream()
{
    if (m_phase == Phase::UntilClose) {
        m_keepAlive = false;
        m_phase = Phase::Complete;
        return Status::Complete;
    }
    if (m_phase == Phase::Complete)
        return Status::Complete;
    return m_phase == Phase::Failed ? Status::Failed : Status::NeedMore;
}

HttpResult DirectTransportParser::takeResult()
{
    HttpResult result = std::move(m_result);
    m_result = HttpResult();
    return result;
}

bool DirectTransportParser::keepAlive() const
{
    return m_phase == Phase::Complete && m_keepAlive && m_pos == m_buffer.size();
}

DirectTransportParser::Status DirectTransportParser::fail(const QString &message)
{
    m_phase = Phase::Failed;
    m_error = message;
    m_keepAlive = false;
    return Status::Failed;
}

bool DirectTransportParser::takeLine(QByteArrayView *line)
{
    const qsizetype newline = m_buffer.indexOf('\n', m_pos);
    if (newline < 0) {
        if (m_buffer.size() - m_pos + m_headBytes > MaxHeadBytes)
            fail(u"the server's answer has a header larger than 64 KiB"_s);
        return false;
    }
    qsizetype end = newline;
    if (end > m_pos && m_buffer.at(end - 1) == '\r')
        --end;
    *line = QByteArrayView(m_buffer.constData() + m_pos, end - m_pos);
    m_headBytes += newline + 1 - m_pos;
    m_pos = newline + 1;
    if (m_headBytes > MaxHeadBytes) {
        fail(u"the server's answer has a header larger than 64 KiB"_s);
        return false;
    }
    return true;
}

DirectTransportParser::Status DirectTransportParser::parse()
{
    QByteArrayView line;
    for (;;) {
        switch (m_phase) {
        case Phase::StatusLine:
            if (!takeLine(&line))
                return m_phase == Phase::Failed ? Status::Failed : Status::NeedMore;
            if (line.isEmpty())
                continue; // a stray line break before the answer
            if (!parseStatusLine(line))
                return Status::Failed;
            m_phase = Phase::Headers;
            continue;
        case Phase::Headers:
            if (!takeLine(&line))
                return m_phase == Phase::Failed ? Status::Failed : Status::NeedMore;
            if (!(line.isEmpty() ? endOfHead() : parseHeaderLine(line)))
                return Status::Failed;
            continue;
        case Phase::FixedBody: {
            const qsizetype available = m_buffer.size() - m_pos;
            if (available < m_remaining)
                return Status::NeedMore;
            if (m_pos == 0 && available == m_remaining) {
                m_result.body = std::move(m_buffer); // the usual case: no copy
                m_buffer = QByteArray();
            } else {
                m_result.body = m_buffer.mid(m_pos, m_remaining);
                m_pos += m_remaining;
            }
            m_remaining = 0;
            m_phase = Phase::Complete;
            continue;
        }
        case Phase::ChunkSize: {
            if (!takeLine(&line))
                return m_phase == Phase::Failed ? Status::Failed : Status::NeedMore;
            const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
            qint64 size = 0;
            if (!parseHex((semicolon < 0 ? line : line.first(semicolon)).trimmed(), &size))
                return fail(u"the server's chunked answer has a bad chunk size: \"%1\""_s.arg(excerpt(line)));
            m_headBytes = 0;
            if (size == 0) {
                m_phase = Phase::Trailers;
            } else if (m_result.body.size() + size > m_maxBodyBytes) {
                m_result.tooLarge = true;
                m_keepAlive = false;
                m_phase = Phase::Complete;
            } else {
                m_remaining = size;
                m_phase = Phase::ChunkData;
            }
            continue;
        }
        case Phase::ChunkData: {
            const qint64 take = std::min<qint64>(m_remaining, m_buffer.size() - m_pos);
            if (take == 0)
                return Status::NeedMore;
            m_result.body.append(m_buffer.constData() + m_pos, take);
            m_pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_phase = Phase::ChunkDataEnd;
            continue;
        }
        case Phase::ChunkDataEnd:
            if (!takeLine(&line))
                return m_phase == Phase::Failed ? Status::Failed : Status::NeedMore;
            if (!line.isEmpty())
                return fail(u"the server's chunked answer has no line break after a chunk"_s);
            m_phase = Phase::ChunkSize;
            continue;
        case Phase::Trailers:
            if (!takeLine(&line))
                return m_phase == Phase::Failed ? Status::Failed : Status::NeedMore;
            if (line.isEmpty())
                m_phase = Phase::Complete; // trailer fields themselves are ignored
            continue;
        case Phase::UntilClose: {
            const qsizetype available = m_buffer.size() - m_pos;
            if (m_result.body.size() + available > m_maxBodyBytes) {
                m_result.tooLarge = true;
                m_keepAlive = false;
                m_phase = Phase::Complete;
                continue;
            }
            m_result.body.append(m_buffer.constData() + m_pos, available);
            m_pos = m_buffer.size();
            return Status::NeedMore;
        }
        case Phase::Complete:
            return Status::Complete;
        case Phase::Failed:
            return Status::Failed;
        }
    }
}

bool DirectTransportParser::parseStatusLine(QByteArrayView line)
{
    // "HTTP/1.1 200 OK", "HTTP/1.0 404", "HTTP/1.1 402 Payment Required"
    const bool ok = line.size() >= 12 && line.startsWith("HTTP/1.") && isDigit(line.at(7)) &&
                    line.at(8) == ' ' && isDigit(line.at(9)) && isDigit(line.at(10)) &&
                    isDigit(line.at(11)) && (line.size() == 12 || line.at(12) == ' ') && line.at(9) != '0';
    if (!ok) {
        fail(u"the server's answer is not HTTP/1.1: \"%1\""_s.arg(excerpt(line)));
        return false;
    }
    m_result.status = (line.at(9) - '0') * 100 + (line.at(10) - '0') * 10 + (line.at(11) - '0');
    // HTTP/1.0 closes after each answer unless it says otherwise.
    m_keepAlive = line.at(7) != '0';
    return true;
}

bool DirectTransportParser::parseHeaderLine(QByteArrayView line)
{
    if (line.front() == ' ' || line.front() == '\t') {
        // An obsolete folded continuation of the previous header.
        if (m_result.headers.isEmpty()) {
            fail(u"the server's answer starts its headers with a continuation line"_s);
            return false;
        }
        m_result.headers.last().second.append(' ').append(line.trimmed());
        return true;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail(u"the server's answer has a malformed header: \"%1\""_s.arg(excerpt(line)));
        return false;
    }
    m_result.headers.emplaceBack(line.first(colon).trimmed().toByteArray(),
                                 line.sliced(colon + 1).trimmed().toByteArray());
    return true;
}

bool DirectTransportParser::endOfHead()
{
    const int status = m_result.status;
    if (status < 200) {
        if (status == 101) {
            fail(u"the server switched protocols unasked"_s);
            return false;
        }
        // 100 Continue and other interim answers: the real one follows.
        m_result.headers.clear();
        m_result.status = 0;
        m_headBytes = 0;
        m_phase = Phase::StatusLine;
        return true;
    }
    qint64 length = -1;
    bool badLength = false;
    bool encoded = false;
    bool chunked = false;
    bool closeAsked = false;
    bool keepAliveAsked = false;
    for (const auto &[name, value] : std::as_const(m_result.headers)) {
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            qint64 parsed = 0;
            if (!parseDecimal(value, &parsed) || (length >= 0 && parsed != length))
                badLength = true;
            length = parsed;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            encoded = true;
            forEachToken(value, [&chunked](QByteArrayView token) {
                chunked = token.compare("chunked", Qt::CaseInsensitive) == 0; // the last coding counts
            });
        } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
            forEachToken(value, [&closeAsked, &keepAliveAsked](QByteArrayView token) {
                if (token.compare("close", Qt::CaseInsensitive) == 0)
                    closeAsked = true;
                else if (token.compare("keep-alive", Qt::CaseInsensitive) == 0)
                    keepAliveAsked = true;
            });
        }
    }
    // HTTP/1.1 keeps the connection unless told to close it; HTTP/1.0 closes it unless told to keep it.
    if (closeAsked)
        m_keepAlive = false;
    else if (keepAliveAsked)
        m_keepAlive = true;

    // The body starts at the front of the buffer from here on.
    m_buffer.remove(0, m_pos);
    m_pos = 0;
    m_headBytes = 0;
    if (status == 204 || status == 304) {
        m_phase = Phase::Complete;
    } else if (encoded) {
        // Transfer-Encoding wins over Content-Length. Kassa asks for no compression: anything but chunked
        // is read until the server closes.
        m_phase = chunked ? Phase::ChunkSize : Phase::UntilClose;
        if (!chunked)
            m_keepAlive = false;
    } else if (badLength) {
        fail(u"the server's answer has an invalid Content-Length"_s);
        return false;
    } else if (length > m_maxBodyBytes) {
        // Refused before a byte of the body is read; the rest of it makes the connection useless.
        m_result.tooLarge = true;
        m_keepAlive = false;
        m_phase = Phase::Complete;
    } else if (length >= 0) {
        m_remaining = length;
        if (length > m_buffer.size())
            m_buffer.reserve(length);
        m_phase = Phase::FixedBody;
    } else {
        m_keepAlive = false;
        m_phase = Phase::UntilClose;
    }
    return true;
}

} // namespace kassa::stripe
