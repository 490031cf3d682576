// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace kassa::store {

// The SQL dialect of a Database. Repositories write one statement for both where the two agree and
// branch on the dialect where they do not (FTS5 against pg_trgm, MAX against GREATEST, ...).
enum class Dialect {
    Sqlite,   // SQLite 3.35 or later (RETURNING, upserts, FTS5 with the trigram tokenizer from 3.34)
    Postgres, // PostgreSQL 13 or later
};

} // namespace kassa::store
