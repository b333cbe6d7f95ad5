#!/usr/bin/env bash
# Run in a project root without PATH, plan, fix and lint find the project the same way
# (prisma/migrations below the current directory), as deploy, status and verify do.
set -uo pipefail
bin=${LOCKSTEP_BIN:?}
src=${LOCKSTEP_SOURCE_DIR:?}
# shellcheck source=lib/assert.bash
source "$(dirname "$0")/lib/assert.bash"

unset DATABASE_URL
cp -r "$src/examples/community" "$tmp/project"
cd "$tmp/project"

expect 0 "plan without PATH" -- "$bin" plan
contains "$tmp/out" 'CREATE INDEX "Member_totalPoints_idx" ON "Member"("totalPoints" DESC)'
expect 0 "fix --dry-run without PATH" -- "$bin" fix --dry-run
contains "$tmp/out" 'no PATH given: 20260123015816_add_v2_tables is the last pending migration of'
contains "$tmp/out" 'CREATE INDEX CONCURRENTLY "Member_totalPoints_idx"'
expect 1 "lint without PATH" -- "$bin" lint --format gcc
contains "$tmp/out" 'require-concurrent-index-creation'

mkdir "$tmp/empty"
cd "$tmp/empty"
expect 2 "plan outside a project" -- "$bin" plan
contains "$tmp/err" 'no migrations found'
expect 2 "fix outside a project" -- "$bin" fix --dry-run
contains "$tmp/err" 'no migrations found'

exit $fail
