#pragma once

#include "services/stripe/httptransport.h"

#include <QByteArray>
#include <QString>

namespace kassa::stripe {

// Reads one HTTP/1.x answer from the bytes of a connection, as they come: the status line, headers
// (interim 1xx answers skipped), and a body framed by Content-Length, chunked transfer coding, or the
// server's close. A body larger than the limit is refused: from its Content-Length before a byte of it
// is read, else as soon as it grows past the limit; the answer then completes with tooLarge set.
class DirectTransportParser
{
public:
    enum class Status { NeedMore, Complete, Failed };

    // Ready for the next answer.
    void reset(qint64 maxBodyBytes);
    Status feed(QByteArray bytes);
    // The server closed the connection: completes a body that runs until the close.
    Status atEndOfStream();

    // After Complete: the answer (the parser keeps nothing of it).
    HttpResult takeResult();
    // After Complete: whether the connection may carry another request (HTTP/1.1 without
    // "Connection: close", HTTP/1.0 with "Connection: keep-alive", a framed body, no stray bytes after it).
    bool keepAlive() const;
    // After Failed: what was wrong, for an error message.
    const QString &errorString() const { return m_error; }

private:
    enum class Phase {
        StatusLine,
        Headers,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Complete,
        Failed,
    };

    Status parse();
    bool takeLine(QByteArrayView *line);
    bool parseStatusLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line);
    bool endOfHead();
    Status fail(const QString &message);

    Phase m_phase = Phase::StatusLine;
    QByteArray m_buffer;
    qsizetype m_pos = 0;       // parsed up to here in m_buffer
    qsizetype m_headBytes = 0; // of the head, or of a chunk-size line and the trailers
    qint64 m_remaining = 0;    // of a Content-Length body or of a chunk
    qint64 m_maxBodyBytes = 0;
    HttpResult m_result;
    QString m_error;
    bool m_keepAlive = true;
};

} // namespace kassa::stripe
