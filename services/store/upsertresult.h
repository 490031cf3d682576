// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace kassa::store {

// What an upsert did with one Stripe object.
enum class UpsertOutcome {
    Applied, // inserted, or it superseded what the store held (see ObjectVersion)
    Stale,   // the store holds a newer state; nothing was written
    Ignored, // an object type the store does not keep (StoreIngest only)
};

// What a batch upsert did. An object that cannot be read (a field of the wrong type, a missing id) is
// rejected alone and named in `rejections`; the rest of the batch is written. An SQL error fails the
// whole batch instead, and nothing of it is written.
struct BatchResult
{
    int applied = 0;
    int stale = 0;
    int ignored = 0;
    int rejected = 0;
    QStringList rejections; // "payment_intent.amount: expected an integer, got a string"

    void count(UpsertOutcome outcome)
    {
        switch (outcome) {
        case UpsertOutcome::Applied:
            ++applied;
            break;
        case UpsertOutcome::Stale:
            ++stale;
            break;
        case UpsertOutcome::Ignored:
            ++ignored;
            break;
        }
    }
    void reject(const QString &why)
    {
        ++rejected;
        rejections.append(why);
    }
    int total() const { return applied + stale + ignored + rejected; }
};

} // namespace kassa::store
