#include "net/httprequesthead.h"

namespace kassa::net {

namespace {

bool isNamed(QByteArrayView name, QByteArrayView lowerCase)
{
    return name.compare(lowerCase, Qt::CaseInsensitive) == 0;
}

HttpRequestHead refused(HttpRequestHead head, int status, const char *error)
{
    head.status = status;
    head.error = error;
    return head;
}

} // namespace

HttpRequestHead parseRequestHead(QByteArrayView text, HttpHeaderVisitor visit, void *context)
{
    HttpRequestHead head;
    const qsizetype firstEnd = text.indexOf('\n');
    const QByteArrayView requestLine = (firstEnd < 0 ? text : text.first(firstEnd)).trimmed();
    // Exactly "METHOD TARGET HTTP/1.x", single spaces.
    const qsizetype space1 = requestLine.indexOf(' ');
    const qsizetype space2 = space1 < 0 ? -1 : requestLine.indexOf(' ', space1 + 1);
    if (space1 <= 0 || space2 < space1 + 2 || requestLine.indexOf(' ', space2 + 1) >= 0 ||
        !requestLine.sliced(space2 + 1).startsWith("HTTP/1."))
        return refused(head, 400, "malformed request line");
    head.method = requestLine.first(space1);
    const QByteArrayView target = requestLine.sliced(space1 + 1, space2 - space1 - 1);
    const qsizetype question = target.indexOf('?');
    head.path = question < 0 ? target : target.first(question);
    head.query = question < 0 ? QByteArrayView() : target.sliced(question + 1);
    head.http10 = requestLine.sliced(space2 + 1) == "HTTP/1.0";

    QByteArrayView connection, length, expect;
    bool haveConnection = false, haveLength = false, haveExpect = false;
    bool transferEncoding = false;
    QByteArrayView rest = firstEnd < 0 ? QByteArrayView() : text.sliced(firstEnd + 1);
    while (!rest.isEmpty()) {
        const qsizetype end = rest.indexOf('\n');
        const QByteArrayView line = (end < 0 ? rest : rest.first(end)).trimmed();
        rest = end < 0 ? QByteArrayView() : rest.sliced(end + 1);
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refused(head, 400, "malformed header line");
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (visit)
            visit(context, name, value);
        if (!haveConnection && isNamed(name, "connection")) {
            haveConnection = true;
            connection = value;
        } else if (!haveLength && isNamed(name, "content-length")) {
            haveLength = true;
            length = value;
        } else if (!haveExpect && isNamed(name, "expect")) {
            haveExpect = true;
            expect = value;
        } else if (isNamed(name, "transfer-encoding")) {
            transferEncoding = transferEncoding || !value.isEmpty();
        }
    }
    head.keepAlive =
        head.http10 ? headerHasToken(connection, "keep-alive") : !headerHasToken(connection, "close");
    head.expectContinue = headerHasToken(expect, "100-continue");
    if (transferEncoding)
        return refused(head, 411, "chunked request bodies are not supported; send Content-Length");
    if (!length.isEmpty()) {
        bool ok = false;
        head.contentLength = length.toLongLong(&ok);
        if (!ok || head.contentLength < 0)
            return refused(head, 400, "invalid Content-Length");
    }
    return head;
}

bool headerHasToken(QByteArrayView value, QByteArrayView token)
{
    while (!value.isEmpty()) {
        const qsizetype comma = value.indexOf(',');
        if ((comma < 0 ? value : value.first(comma)).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        if (comma < 0)
            break;
        value = value.sliced(comma + 1);
    }
    return false;
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace kassa::net
