#!/usr/bin/env bash
# scripts/new-rule adds a rule by touching the rule, its doc, its tests and one registry line, and
# nothing else; what it writes compiles and is listed by the registry; bad or taken ids are refused.
set -uo pipefail
src=${LOCKSTEP_SOURCE_DIR:?}
# shellcheck source=lib/assert.bash
source "$(dirname "$0")/lib/assert.bash"

tree=$tmp/tree
mkdir -p "$tree/scripts" "$tree/docs" "$tree/tests"
cp -r "$src/src" "$tree/src"
cp -r "$src/docs/rules" "$tree/docs/rules"
cp -r "$src/tests/rules" "$tree/tests/rules"
cp "$src/scripts/new-rule" "$tree/scripts/new-rule"
snapshot() { (cd "$tree" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum); }
snapshot >"$tmp/before"

expect 0 "new-rule ban-frobnicate" -- "$tree/scripts/new-rule" ban-frobnicate --severity error
contains "$tmp/out" "LOCKSTEP_RULE(BanFrobnicate)"
snapshot >"$tmp/after"

# What changed: exactly four new files and one modified one.
changed=$(diff <(awk '{print $2}' "$tmp/before") <(awk '{print $2}' "$tmp/after") | grep '^[<>]' | LC_ALL=C sort)
want=$(printf '%s\n' '> ./docs/rules/ban-frobnicate.md' '> ./src/rules/ban-frobnicate.cc' \
  '> ./tests/rules/ban-frobnicate/flags.sql' '> ./tests/rules/ban-frobnicate/silent.sql' | LC_ALL=C sort)
if [[ $changed != "$want" ]]; then
  echo "FAIL: files added or removed:"; echo "$changed" | sed 's/^/  | /'; fail=1
fi
modified=$(join -j 2 <(sort -k2 "$tmp/before") <(sort -k2 "$tmp/after") | awk '$2 != $3 {print $1}')
if [[ $modified != "./src/rules/all_rules.inc" ]]; then
  echo "FAIL: files modified: $modified (expected only ./src/rules/all_rules.inc)"; fail=1
fi
added_lines=$(diff "$src/src/rules/all_rules.inc" "$tree/src/rules/all_rules.inc" | grep -c '^[<>]')
[[ $added_lines == 1 ]] || { echo "FAIL: all_rules.inc changed by $added_lines lines, expected 1"; fail=1; }
# The list stays sorted, so the next scaffold inserts in the right place too.
grep '^LOCKSTEP_RULE(' "$tree/src/rules/all_rules.inc" | LC_ALL=C sort -c ||
  { echo "FAIL: all_rules.inc is not sorted"; fail=1; }
contains "$tree/src/rules/ban-frobnicate.cc" 'return "ban-frobnicate";'
contains "$tree/src/rules/ban-frobnicate.cc" 'Severity::kError'
contains "$tree/tests/rules/ban-frobnicate/flags.sql" '-- expect: ban-frobnicate'

# The scaffold compiles, and the registry declares and calls its factory.
cxx=${CXX:-c++}
flags=(-std=c++20 -fsyntax-only -Wall -Wextra -Werror -Wno-unused-parameter -I"$tree/src" -isystem /usr/include/postgresql)
expect 0 "the scaffolded rule compiles" -- "$cxx" "${flags[@]}" "$tree/src/rules/ban-frobnicate.cc"
expect 0 "the registry compiles with it" -- "$cxx" "${flags[@]}" "$tree/src/rules/registry.cc"
expect 0 "the registry preprocesses" -- "$cxx" -std=c++20 -E -P -I"$tree/src" -isystem /usr/include/postgresql "$tree/src/rules/registry.cc"
contains "$tmp/out" 'r.push_back(MakeBanFrobnicate());'

# Refusals leave the tree as it was.
snapshot >"$tmp/before"
expect 1 "an existing rule id" -- "$tree/scripts/new-rule" ban-drop-table
contains "$tmp/err" 'src/rules/ban-drop-table.cc exists already'
expect 2 "an id that is not kebab-case" -- "$tree/scripts/new-rule" Ban_Thing
contains "$tmp/err" "is not a rule id"
expect 2 "an unknown severity" -- "$tree/scripts/new-rule" ban-other --severity fatal
contains "$tmp/err" "--severity is error, warning or hint"
snapshot >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || { echo "FAIL: a refused scaffold changed the tree"; fail=1; }

exit $fail
