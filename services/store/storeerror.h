// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/dialect.h"

#include <QString>

class QSqlError;

namespace kassa::store {

// Why a store operation failed: a kind the caller can act on, a message for the log and the user, and
// the driver's own text and code. Never carries a bound value or a password.
//
// Functions that return a StoreError return one of kind None on success; check isError().
struct [[nodiscard]] StoreError
{
    enum class Kind {
        None,
        InvalidConfig, // a database URL or setting Kassa cannot use
        Open,          // the database cannot be opened or reached
        Connection,    // the connection to the server broke (PostgreSQL); reopen the Database
        Busy,          // locked by another connection for longer than the busy timeout; try again later
        Full,          // the disk, or the database's size limit, is full; nothing of the change was saved
        Io,            // the operating system reported an I/O error
        Constraint,    // a uniqueness, foreign-key or check constraint refused the change
        Corrupt,       // the file is not a database, or a damaged one
        ReadOnly,      // the file, the directory or the server refuses writes
        Transaction,   // a transaction misused: nested, missing, or already failed
        Schema,        // the schema is newer than this build, or a migration step failed
        InvalidData,   // a Stripe object the store cannot read (its message names the field)
        Thread,        // the Database was used from a thread other than the one that opened it
        Refused, // the acting user's role may not do this (core/permissions); nothing was read or written
        Query,   // any other SQL error
    };

    Kind kind = Kind::None;
    QString message;       // what the store was doing and what went wrong
    QString driverMessage; // the driver's text, e.g. "database or disk is full"
    QString nativeCode;    // SQLite's (extended) result code, or PostgreSQL's SQLSTATE

    bool isError() const { return kind != Kind::None; }
    // "busy: writing a payment: the database is locked by another connection [sqlite 5: database is locked]"
    QString toString() const;

    static QString kindName(Kind kind);
    static StoreError make(Kind kind, const QString &message);
    // Classifies a driver error: SQLITE_BUSY/LOCKED and PostgreSQL lock timeouts, deadlocks and
    // serialization failures are Busy; SQLITE_FULL and SQLSTATE class 53 are Full; and so on.
    // `context` says what the store was doing ("writing a payment").
    static StoreError fromSql(const QSqlError &error, Dialect dialect, const QString &context);
    // The same for a result code of SQLite's C API (statements the store runs on the handle itself).
    static StoreError fromSqlite(int code, const QString &sqliteMessage, const QString &context);
};

} // namespace kassa::store
