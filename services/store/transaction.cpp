// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/transaction.h"

#include "services/store/database.h"

using namespace Qt::StringLiterals;

namespace kassa::store {

Transaction::Transaction(Database &db)
    : m_db(db)
{
    m_error = m_db.beginTransaction();
    m_active = !m_error.isError();
}

Transaction::~Transaction()
{
    if (m_active)
        m_db.rollbackTransaction();
}

StoreError Transaction::commit()
{
    if (!m_active) {
        return m_error.isError()
                   ? m_error
                   : StoreError::make(StoreError::Kind::Transaction,
                                      u"the transaction was already committed or rolled back"_s);
    }
    m_active = false;
    return m_db.commitTransaction();
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    m_db.rollbackTransaction();
}

StoreError Transaction::run(Database &db, const std::function<StoreError()> &work)
{
    if (db.inTransaction())
        return work();
    Transaction transaction(db);
    if (!transaction.isActive())
        return transaction.error();
    if (const StoreError error = work(); error.isError()) {
        transaction.rollback();
        return error;
    }
    return transaction.commit();
}

} // namespace kassa::store
