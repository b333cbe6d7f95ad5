#!/usr/bin/env bash
# lockstep deploy/status/resolve without a database: dry run of the seed and its exit codes for
# bad input. (Database behaviour is tested in tests/deploy/ against real PostgreSQL.)
set -uo pipefail
bin=${LOCKSTEP_BIN:?}
src=${LOCKSTEP_SOURCE_DIR:?}
seed="$src/examples/community/prisma/migrations"
# shellcheck source=lib/assert.bash
source "$(dirname "$0")/lib/assert.bash"

unset DATABASE_URL
cd "$tmp"

expect 0 "dry run of the seed" -- "$bin" deploy "$seed" --dry-run
contains "$tmp/out" 'SELECT pg_catalog.pg_try_advisory_lock(72707369);'
contains "$tmp/out" "BEGIN; SET LOCAL lock_timeout = '100ms'; SET LOCAL statement_timeout = DEFAULT;"
contains "$tmp/out" 'CREATE TABLE "Member" ('
contains "$tmp/out" "'0_init', NULL, NULL, now(), 1); COMMIT;"

mkdir -p "$tmp/split/1_split"
printf 'CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n' >"$tmp/split/1_split/migration.sql"
expect 0 "dry run of a split migration" -- "$bin" deploy "$tmp/split" --dry-run --lock-timeout 2s
contains "$tmp/out" '-- step 2/2: outside a transaction'
contains "$tmp/out" "SET lock_timeout = '2000ms'; SET statement_timeout = 0;"
contains "$tmp/out" '"_lockstep_progress"'

expect 9 "missing directory" -- "$bin" deploy "$tmp/nope" --dry-run
contains "$tmp/err" 'no such migrations directory'
expect 9 "default directory missing" -- "$bin" deploy --dry-run
mkdir -p "$tmp/empty"
expect 10 "empty directory" -- "$bin" deploy "$tmp/empty" --dry-run
mkdir -p "$tmp/nosql/1_a" "$tmp/nosql/2_b"
echo 'SELECT 1;' >"$tmp/nosql/1_a/migration.sql"
expect 11 "folder without migration.sql" -- "$bin" deploy "$tmp/nosql" --dry-run
contains "$tmp/err" '2_b: error: migration folder without migration.sql'
mkdir -p "$tmp/bad/1_bad"
printf 'CREATE TABLE ok (id int);\nALTER TABEL ok ADD x int;\n' >"$tmp/bad/1_bad/migration.sql"
expect 2 "syntax error" -- "$bin" deploy "$tmp/bad" --dry-run
contains "$tmp/out" '1_bad/migration.sql:2:7: error: syntax error at or near "TABEL"'
expect 2 "no database" -- "$bin" deploy "$seed"
contains "$tmp/err" 'DATABASE_URL'
expect 2 "bad duration" -- "$bin" deploy "$seed" --lock-timeout soon
expect 2 "zero lock timeout" -- "$bin" deploy "$seed" --lock-timeout 0
expect 2 "resolve needs a mode" -- "$bin" resolve "$seed" --database postgresql://x@127.0.0.1:1/x
expect 2 "malformed URL" -- "$bin" status "$seed" --database 'mysql://x'
expect 4 "unreachable server" -- "$bin" status "$seed" --database 'postgresql://u:secret-pw@127.0.0.1:1/db'
if grep -q secret-pw "$tmp/out" "$tmp/err"; then echo "FAIL: password printed"; fail=1; fi
expect 2 "zero backfill batch time" -- "$bin" deploy "$seed" --backfill-batch-time 0
expect 2 "bad backfill pause" -- "$bin" deploy "$seed" --backfill-pause later
expect 0 "help" -- "$bin" deploy --help
contains "$tmp/out" '--lock-timeout'
contains "$tmp/out" '--backfill-batch-time'

exit $fail
