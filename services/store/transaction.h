// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/storeerror.h"

#include <functional>

namespace kassa::store {

class Database;

// A transaction on one Database, RAII style: BEGIN in the constructor (BEGIN IMMEDIATE on SQLite, which
// takes the write lock at once and waits up to the busy timeout for it), COMMIT in commit(), ROLLBACK in
// rollback() or in the destructor when neither ran.
//
//     Transaction transaction(db);
//     if (!transaction.isActive())
//         return transaction.error();            // Busy, Thread, or a nested transaction
//     ... statements ...
//     return transaction.commit();               // the first failed statement's error, rolled back
//
// Transactions do not nest: a second Transaction on a Database that has one open is not active and its
// error() says so. Code that may run inside or outside a caller's transaction uses run().
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();

    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    // True from a successful BEGIN until commit() or rollback().
    bool isActive() const { return m_active; }
    // Why BEGIN failed.
    const StoreError &error() const { return m_error; }

    // Commits. When a statement of the transaction failed, or COMMIT itself fails, rolls back and
    // returns the error: then nothing of the transaction was saved.
    StoreError commit();
    void rollback();

    // Runs `work` in the caller's open transaction when there is one (its failure dooms that
    // transaction, which the caller then commits or rolls back), else in a transaction of its own that
    // commits when `work` succeeds.
    static StoreError run(Database &db, const std::function<StoreError()> &work);

private:
    Database &m_db;
    bool m_active = false;
    StoreError m_error;
};

} // namespace kassa::store
