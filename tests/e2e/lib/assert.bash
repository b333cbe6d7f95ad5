# Sourced by the e2e scripts (tests/e2e/*.sh): a scratch folder $tmp removed on exit, and two
# checks that print what went wrong and set $fail instead of stopping at the first failure.
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
