#!/usr/bin/env bash
# `make demo` at a small size: scripts/demo runs lockstep verify on the seed example with the
# embedded server and prints the three runs side by side and where the chart is.
set -euo pipefail
: "${LOCKSTEP_BIN:?}" "${LOCKSTEP_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
LOCKSTEP_DEMO_ROWS=5000 LOCKSTEP_DEMO_DURATION=2 LOCKSTEP_DEMO_CHART=$tmp/demo.svg \
  "$LOCKSTEP_SOURCE_DIR/scripts/demo" "$LOCKSTEP_BIN" >"$tmp/out" 2>"$tmp/err" || status=$?
cat "$tmp/out"
fail() { echo "demo_small: $*" >&2; tail -20 "$tmp/err" >&2; exit 1; }
[[ $status -eq 0 ]] || fail "scripts/demo exited with $status"
# The plan (issue 2): the one index on the live Member table takes ShareLock on it, and each
# foreign key takes ShareRowExclusiveLock on the referenced live table too.
plan=$(sed -n '/^== lockstep plan/,/^== lockstep verify/p' "$tmp/out")
grep -A1 -q 'CREATE INDEX "Member_totalPoints_idx"' <<<"$plan" || fail "the plan lacks the Member index"
grep -A1 'CREATE INDEX "Member_totalPoints_idx"' <<<"$plan" | grep -q 'ShareLock on public.Member (existing)' ||
  fail "the plan does not show ShareLock on the existing Member table"
[[ $(grep -c 'ShareRowExclusiveLock on public.Member (existing)' <<<"$plan") -eq 4 ]] ||
  fail "the plan does not show the 4 foreign keys to Member locking it"
grep -q 'ShareRowExclusiveLock on public.Resource (created in this migration)' <<<"$plan" ||
  fail "the plan does not show the foreign key to Resource locking it"
grep -Eq '^ +baseline +naive +lockstep$' "$tmp/out" || fail "no side-by-side header"
grep -q 'pending: 20260123015816_add_v2_tables' "$tmp/out" || fail "the seed migration is not the pending one"
grep -q 'lockstep fix: 18 migration(s)' "$tmp/out" || fail "fix did not produce the seed's 18 folders"
grep -Eq '^  migration +none +applied +applied$' "$tmp/out" || fail "a migration run did not apply"
grep -q '^  public.Member$' "$tmp/out" || fail "no per-table section for Member"
for row in 'longest stall' 'blocked for writes' 'blocked for reads'; do
  grep -Eq "^    $row +[0-9.]+ m?s +[0-9.]+ m?s +[0-9.]+ m?s$" "$tmp/out" || fail "no '$row' row"
done
grep -q 'schemas after the two runs: identical' "$tmp/out" || fail "the two runs ended with different schemas"
grep -q "^  chart: $tmp/demo.svg$" "$tmp/out" || fail "the chart's path is not printed"
head -c 4 "$tmp/demo.svg" | grep -q '<svg' || fail "the chart is not an SVG"
grep -q 'Member_totalPoints_idx' "$tmp/demo.svg" || fail "the chart does not mark the Member index build"
echo "demo_small: ok"
