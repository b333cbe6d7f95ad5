#!/usr/bin/env bash
# Run in a project root without PATH, plan, fix and lint find the project the same way
# (prisma/migrations below the current directory), as deploy, status and verify do.
set -uo pipefail
bin=${LOCKSTEP_BIN:?}
src=${LOCKSTEP_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # expect CODE DESCRIPTION -- CMD...
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got != "$want" ]]; then
    echo "FAIL: $what: exit $got, expected $want"
    sed 's/^/  | /' "$tmp/out" "$tmp/err"
    fail=1
  fi
}
contains() {  # contains FILE TEXT
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $(basename "$1") lacks: $2"
    sed 's/^/  | /' "$1"
    fail=1
  fi
}

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
