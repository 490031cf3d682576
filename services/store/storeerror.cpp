// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/storeerror.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

// SQLite's primary result codes (the low byte of an extended code).
enum SqliteCode {
    SqliteError = 1,
    SqlitePerm = 3,
    SqliteBusy = 5,
    SqliteLocked = 6,
    SqliteReadOnly = 8,
    SqliteIoErr = 10,
    SqliteCorrupt = 11,
    SqliteFull = 13,
    SqliteCantOpen = 14,
    SqliteConstraint = 19,
    SqliteNotADb = 26,
};

StoreError::Kind sqliteCodeKind(int code)
{
    switch (code & 0xff) {
    case SqliteBusy:
    case SqliteLocked:
        return StoreError::Kind::Busy;
    case SqliteFull:
        return StoreError::Kind::Full;
    case SqliteIoErr:
        return StoreError::Kind::Io;
    case SqliteConstraint:
        return StoreError::Kind::Constraint;
    case SqliteCorrupt:
    case SqliteNotADb:
        return StoreError::Kind::Corrupt;
    case SqliteReadOnly:
    case SqlitePerm:
        return StoreError::Kind::ReadOnly;
    case SqliteCantOpen:
        return StoreError::Kind::Open;
    default:
        return StoreError::Kind::Query;
    }
}

StoreError::Kind sqliteKind(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    if (!ok) {
        // Errors the driver makes itself ("Parameter count mismatch") carry no code.
        return error.type() == QSqlError::ConnectionError ? StoreError::Kind::Open : StoreError::Kind::Query;
    }
    return sqliteCodeKind(code);
}

StoreError::Kind postgresKind(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    if (state.isEmpty()) {
        // No SQLSTATE: the driver could not talk to the server at all.
        return error.type() == QSqlError::ConnectionError || error.type() == QSqlError::StatementError
                   ? StoreError::Kind::Connection
                   : StoreError::Kind::Query;
    }
    if (state == u"55P03" || state == u"40P01" || state == u"40001" || state == u"57014")
        return StoreError::Kind::Busy; // lock timeout, deadlock, serialization failure, statement timeout
    if (state.startsWith(u"53"))
        return StoreError::Kind::Full; // disk_full, out_of_memory, too_many_connections...
    if (state.startsWith(u"23"))
        return StoreError::Kind::Constraint;
    if (state.startsWith(u"08") || state == u"57P01" || state == u"57P02" || state == u"57P03")
        return StoreError::Kind::Connection;
    if (state == u"25P02")
        return StoreError::Kind::Transaction; // in_failed_sql_transaction
    if (state == u"25006" || state == u"42501")
        return StoreError::Kind::ReadOnly; // read_only_sql_transaction, insufficient_privilege
    if (state.startsWith(u"58"))
        return StoreError::Kind::Io;
    if (state == u"XX001" || state == u"XX002")
        return StoreError::Kind::Corrupt;
    if (state == u"3D000" || state == u"28000" || state == u"28P01")
        return StoreError::Kind::Open; // no such database, authentication failed
    return StoreError::Kind::Query;
}

QString explain(StoreError::Kind kind, Dialect dialect)
{
    switch (kind) {
    case StoreError::Kind::Busy:
        return dialect == Dialect::Sqlite
                   ? u"the database is locked by another connection (another till or program is writing); "
                     "nothing was changed, try again"_s
                   : u"another connection holds a lock Kassa needs; nothing was changed, try again"_s;
    case StoreError::Kind::Full:
        return u"the disk (or the database's size limit) is full; nothing of this change was saved"_s;
    case StoreError::Kind::Io:
        return u"the operating system reported an I/O error"_s;
    case StoreError::Kind::Constraint:
        return u"a constraint of the database refused the change"_s;
    case StoreError::Kind::Corrupt:
        return u"the file is not a Kassa database, or it is damaged"_s;
    case StoreError::Kind::ReadOnly:
        return u"the database refuses writes"_s;
    case StoreError::Kind::Connection:
        return u"the connection to the database server is broken"_s;
    case StoreError::Kind::Open:
        return u"the database cannot be opened"_s;
    case StoreError::Kind::Transaction:
        return u"the transaction has already failed"_s;
    default:
        return u"the database refused the statement"_s;
    }
}

} // namespace

QString StoreError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return u"none"_s;
    case Kind::InvalidConfig:
        return u"invalid configuration"_s;
    case Kind::Open:
        return u"cannot open"_s;
    case Kind::Connection:
        return u"connection lost"_s;
    case Kind::Busy:
        return u"busy"_s;
    case Kind::Full:
        return u"full"_s;
    case Kind::Io:
        return u"I/O error"_s;
    case Kind::Constraint:
        return u"constraint"_s;
    case Kind::Corrupt:
        return u"corrupt"_s;
    case Kind::ReadOnly:
        return u"read-only"_s;
    case Kind::Transaction:
        return u"transaction"_s;
    case Kind::Schema:
        return u"schema"_s;
    case Kind::InvalidData:
        return u"invalid data"_s;
    case Kind::Thread:
        return u"wrong thread"_s;
    case Kind::Refused:
        return u"refused"_s;
    case Kind::Query:
        return u"query"_s;
    }
    return u"unknown"_s;
}

QString StoreError::toString() const
{
    if (!isError())
        return u"no error"_s;
    QString text = kindName(kind) + u": "_s + message;
    if (!driverMessage.isEmpty() || !nativeCode.isEmpty()) {
        text += u" ["_s;
        if (!nativeCode.isEmpty())
            text += nativeCode + (driverMessage.isEmpty() ? QString() : u": "_s);
        text += driverMessage + u']';
    }
    return text;
}

StoreError StoreError::make(Kind kind, const QString &message)
{
    StoreError error;
    error.kind = kind;
    error.message = message;
    return error;
}

StoreError StoreError::fromSql(const QSqlError &error, Dialect dialect, const QString &context)
{
    StoreError result;
    result.kind = dialect == Dialect::Sqlite ? sqliteKind(error) : postgresKind(error);
    result.nativeCode = error.nativeErrorCode();
    result.driverMessage = error.databaseText().trimmed();
    if (result.driverMessage.isEmpty())
        result.driverMessage = error.driverText().trimmed();
    result.message =
        context.isEmpty() ? explain(result.kind, dialect) : context + u": "_s + explain(result.kind, dialect);
    return result;
}

StoreError StoreError::fromSqlite(int code, const QString &sqliteMessage, const QString &context)
{
    StoreError result;
    result.kind = sqliteCodeKind(code);
    result.nativeCode = QString::number(code);
    result.driverMessage = sqliteMessage.trimmed();
    result.message = context.isEmpty() ? explain(result.kind, Dialect::Sqlite)
                                       : context + u": "_s + explain(result.kind, Dialect::Sqlite);
    return result;
}

} // namespace kassa::store
