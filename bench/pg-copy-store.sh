#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fills the PostgreSQL database that `bench_store --pg-only --pg-keep` reuses from a SQLite store that
# bench_store filled (`--keep DIR`), with COPY: minutes instead of the hour and more that writing a
# million payments through StoreIngest takes on two cores. The rows are the same ones (the same shop,
# same ids, same JSON); only the way in differs. The bench then measures the queries, not the fill.
#
#   bench/pg-copy-store.sh SQLITE_FILE PAYMENTS REFUNDS [KASSA_CLI]
#
# Uses the PG* variables (PGHOST, PGPORT, PGUSER) like bench_store. Drops and remakes the database
# kassa_bench_store_PAYMENTS_REFUNDS; KASSA_CLI (default build/release/bin/kassa-cli) makes its schema.
# The secondary indexes are built after the rows are in, then VACUUM ANALYZE.
set -euo pipefail

if [ $# -lt 3 ]; then
    sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
source_file=$1
payments=$2
refunds=$3
kassa_cli=${4:-build/release/bin/kassa-cli}
database="kassa_bench_store_${payments}_${refunds}"
tables=(customers payment_methods payments charges refunds)

[ -r "$source_file" ] || { echo "pg-copy-store: cannot read $source_file" >&2; exit 1; }
[ -x "$kassa_cli" ] || { echo "pg-copy-store: no kassa-cli at $kassa_cli" >&2; exit 1; }
rows=$(sqlite3 "$source_file" "SELECT COUNT(*) FROM payments")
if [ "$rows" != "$payments" ]; then
    echo "pg-copy-store: $source_file holds $rows payments, not $payments" >&2
    exit 1
fi

psql_admin() { psql -X -v ON_ERROR_STOP=1 -At -d postgres "$@"; }
psql_bench() { psql -X -v ON_ERROR_STOP=1 -At -d "$database" "$@"; }

echo "pg-copy-store: $(date -u +%T) making $database"
psql_admin -c "DROP DATABASE IF EXISTS \"$database\"" -c "CREATE DATABASE \"$database\"" >/dev/null
# Opening the store migrates it to this build's schema.
url="postgresql://${PGUSER:-$USER}@${PGHOST:-localhost}:${PGPORT:-5432}/$database"
case ${PGHOST:-} in /*) url="postgresql://${PGUSER:-$USER}@localhost:${PGPORT:-5432}/$database?host=$PGHOST" ;; esac
"$kassa_cli" --database "$url" payments list --limit 1 >/dev/null

in_list=$(printf "'%s'," "${tables[@]}")
in_list=${in_list%,}
indexes=$(psql_bench -c "SELECT indexdef || ';' FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ($in_list) AND indexname NOT LIKE '%_pkey'")
for index in $(psql_bench -c "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ($in_list) AND indexname NOT LIKE '%_pkey'"); do
    psql_bench -c "DROP INDEX \"$index\"" >/dev/null
done

for table in "${tables[@]}"; do
    columns=$(psql_bench -c "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$table'")
    echo "pg-copy-store: $(date -u +%T) copying $table"
    # Every column is NOT NULL: '' must stay '', so NULL is spelled \N, which SQLite never writes here.
    sqlite3 -csv "$source_file" "SELECT $columns FROM $table" |
        psql_bench -c "\\copy $table ($columns) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
done

echo "pg-copy-store: $(date -u +%T) building the indexes"
printf 'SET maintenance_work_mem = %s;\n%s\n' "'1GB'" "$indexes" | psql_bench >/dev/null
psql_bench -c "VACUUM ANALYZE" >/dev/null
psql_bench -c "INSERT INTO sync_state (key, value, updated_at) VALUES ('bench.filled', 'yes', 0)" >/dev/null
echo "pg-copy-store: $(date -u +%T) done: bench_store --pg-only --pg-keep --payments $payments --refunds $refunds"
