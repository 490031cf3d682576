#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <type_traits>
#include <utility>

namespace kassa::net {

// The request line and header fields of one HTTP/1.1 request, read in place by parseRequestHead(): the
// views point into the text parsed and live as long as it. Shared by HttpServer and the webhook
// receiver, so that both servers accept and refuse the same heads.
struct HttpRequestHead
{
    QByteArrayView method;
    QByteArrayView path;  // the target up to '?', percent-encoded as sent
    QByteArrayView query; // after '?', without it; empty when there is none
    bool http10 = false;
    // HTTP/1.0 keeps the connection only with "Connection: keep-alive", HTTP/1.1 unless "Connection: close".
    bool keepAlive = true;
    bool expectContinue = false; // "Expect: 100-continue"
    qint64 contentLength = 0;    // 0 without the header
    // 0 when the head is acceptable; else the status to refuse it with and the text for the client. The
    // size limits (431, 413) stay with the servers, which know theirs.
    int status = 0;
    const char *error = nullptr;

    bool ok() const { return status == 0; }
};

// Called for every header line, in arrival order, with the name as sent and the value, both trimmed.
using HttpHeaderVisitor = void (*)(void *context, QByteArrayView name, QByteArrayView value);

// Parses `head`: the request line and the header lines, each ending in "\n" (a "\r" before it is dropped),
// without the blank line that ends them. Exactly "METHOD TARGET HTTP/1.x"; "name: value" header lines;
// of repeated Connection, Content-Length and Expect headers the first counts. Refuses with 400 a
// malformed request line (an empty target too), header line or Content-Length and with 411 any
// Transfer-Encoding with a value (a body framed two ways is how requests are smuggled). Allocates
// nothing.
HttpRequestHead parseRequestHead(QByteArrayView head, HttpHeaderVisitor visit = nullptr,
                                 void *context = nullptr);

// The same, with a callable taking (QByteArrayView name, QByteArrayView value) for each header.
template<typename Visit>
HttpRequestHead parseRequestHead(QByteArrayView head, Visit &&visit)
{
    using Callable = std::remove_reference_t<Visit>;
    return parseRequestHead(
        head,
        [](void *context, QByteArrayView name, QByteArrayView value) {
            (*static_cast<Callable *>(context))(name, value);
        },
        const_cast<void *>(static_cast<const void *>(&visit)));
}

// Whether a comma-separated header value holds `token`, compared without case.
bool headerHasToken(QByteArrayView value, QByteArrayView token);

// The reason phrase of a status line ("Not Found"), "Status" for codes Kassa does not send.
const char *reasonPhrase(int status);

} // namespace kassa::net
