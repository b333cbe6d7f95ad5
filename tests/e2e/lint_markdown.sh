#!/usr/bin/env bash
# `lockstep lint --format markdown` against golden files, byte for byte: real lint runs of
# examples/community and of the case folders in tests/e2e/markdown/ (one blocking each of the
# ways the comment shows: rewrite, scan, a name with a `|`, findings, hints; and a clean folder).
#
# To regenerate the golden files after an intended change of the format, from the repository root:
#   LOCKSTEP_UPDATE_GOLDEN=1 LOCKSTEP_SOURCE_DIR=$PWD LOCKSTEP_BIN=build-check/lockstep \
#     bash tests/e2e/lint_markdown.sh
# then read the diff before committing it. CI never sets LOCKSTEP_UPDATE_GOLDEN: there a
# difference fails the test.
set -uo pipefail
src=${LOCKSTEP_SOURCE_DIR:?}
bin=${LOCKSTEP_BIN:?}
# shellcheck source=lib/assert.bash
source "$(dirname "$0")/lib/assert.bash"
golden=$src/tests/e2e/markdown/golden
cd "$src" || exit 1
# No database: lint every given migration even if the environment names one.
unset DATABASE_URL

check() {  # check NAME EXIT PATH...
  local name=$1 want=$2
  shift 2
  expect "$want" "lint --format markdown $*" -- "$bin" lint --format markdown --all "$@"
  if [[ ${LOCKSTEP_UPDATE_GOLDEN:-} == 1 ]]; then
    cp "$tmp/out" "$golden/$name.md"
    echo "updated $golden/$name.md"
  elif ! cmp -s "$golden/$name.md" "$tmp/out"; then
    echo "FAIL: $name: output differs from $golden/$name.md:"
    diff -u "$golden/$name.md" "$tmp/out" | sed 's/^/  | /'
    fail=1
  fi
}

mkdir -p "$golden"
check community 1 examples/community
check risky 1 tests/e2e/markdown/risky
check clean 0 tests/e2e/markdown/clean/migrations
exit $fail
