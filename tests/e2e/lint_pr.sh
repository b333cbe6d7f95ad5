#!/usr/bin/env bash
# scripts/ci/lint-pr.sh, the GitHub Action's work, on a scratch git repository: a base commit with
# a migration history and a pull-request commit adding a migration. `gh` is a stub on PATH that
# records its arguments and the comment body (the GitHub API is not reachable from the tests).
set -uo pipefail
src=${LOCKSTEP_SOURCE_DIR:?}
bin=${LOCKSTEP_BIN:?}
# shellcheck source=lib/assert.bash
source "$(dirname "$0")/lib/assert.bash"
script=$src/scripts/ci/lint-pr.sh
cases=$src/tests/e2e/markdown/risky/prisma/migrations

# The stub: one line per call in gh.log; a comment body read with -F body=@FILE is copied to
# body.N.md; listing comments prints $tmp/existing (the id of our earlier comment, if any).
mkdir -p "$tmp/stub"
cat >"$tmp/stub/gh" <<STUB
#!/usr/bin/env bash
n=\$(( \$(wc -l <"$tmp/gh.log" 2>/dev/null || echo 0) + 1 ))
echo "token=\${GH_TOKEN:-} \$*" >>"$tmp/gh.log"
for a in "\$@"; do [[ \$a == body=@* ]] && cp "\${a#body=@}" "$tmp/body.\$n.md"; done
if [[ " \$* " == *" --jq "* ]]; then cat "$tmp/existing" 2>/dev/null; fi
exit 0
STUB
chmod +x "$tmp/stub/gh"

repo=$tmp/repo
mkdir -p "$repo/prisma/migrations"
git -C "$repo" init -q -b main
cp -r "$cases/0_init" "$repo/prisma/migrations/"
echo "# app" >"$repo/README.md"
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@t.invalid commit -qm base
git -C "$repo" checkout -q -b pr
cp -r "$cases/20260301000000_score" "$repo/prisma/migrations/"
printf -- "-- edited\n" >>"$repo/prisma/migrations/0_init/migration.sql"  # modified, not added: not linted
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@t.invalid commit -qm "add score"

run() {  # run EXIT DESCRIPTION [VAR=value...]: the script in $repo with the stub first on PATH
  local want=$1 what=$2
  shift 2
  expect "$want" "$what" -- env -C "$repo" PATH="$tmp/stub:$PATH" LOCKSTEP_BIN="$bin" \
    LOCKSTEP_BASE_REF=main GITHUB_REPOSITORY=acme/app LOCKSTEP_PR_NUMBER=7 \
    GITHUB_TOKEN=s3cret-token GITHUB_STEP_SUMMARY="$tmp/summary.md" "$@" bash "$script"
}

# First push: errors (exit 1 under the default fail-on), annotations, a new comment.
run 1 "a pull request adding a blocking migration"
contains "$tmp/out" "linting 1 added migration(s): prisma/migrations/20260301000000_score"
contains "$tmp/out" "::error file=prisma/migrations/20260301000000_score/migration.sql,line=2,"
contains "$tmp/out" "commented on #7"
contains "$tmp/gh.log" "api --paginate repos/acme/app/issues/7/comments --jq"
contains "$tmp/gh.log" "api --silent -X POST repos/acme/app/issues/7/comments -F body=@"
contains "$tmp/gh.log" "token=s3cret-token "  # GITHUB_TOKEN reaches gh as GH_TOKEN
[[ -f $tmp/body.2.md ]] || { echo "FAIL: no comment body posted"; fail=1; }
# The comment is exactly what lint --format markdown prints for the added folder.
(cd "$repo" && "$bin" lint --all --format markdown prisma/migrations/20260301000000_score) >"$tmp/want.md"
cmp -s "$tmp/want.md" "$tmp/body.2.md" || { echo "FAIL: posted body differs:"; diff -u "$tmp/want.md" "$tmp/body.2.md"; fail=1; }
contains "$tmp/body.2.md" "<!-- lockstep -->"
if grep -q 0_init "$tmp/body.2.md"; then echo "FAIL: the modified 0_init was linted"; fail=1; fi
contains "$tmp/summary.md" "### lockstep lint: "
if grep -q s3cret-token "$tmp/out" "$tmp/err"; then echo "FAIL: the token was printed"; fail=1; fi

# Second push: our earlier comment (found by its marker) is updated in place.
rm -f "$tmp/gh.log"
echo 4242 >"$tmp/existing"
run 1 "the same pull request again"
contains "$tmp/gh.log" "api --silent -X PATCH repos/acme/app/issues/comments/4242 -F body=@"
if grep -q -- "-X POST" "$tmp/gh.log"; then echo "FAIL: a second comment was added"; fail=1; fi
contains "$tmp/out" "updated comment 4242 on #7"

# fail-on none: the same findings, a green check.
rm -f "$tmp/gh.log" "$tmp/existing"
run 0 "fail-on none" LOCKSTEP_FAIL_ON=none
contains "$tmp/out" "::error file="

# No pull-request number (e.g. a push build): annotations and the log only, gh is not called.
rm -f "$tmp/gh.log"
run 1 "without a pull request" LOCKSTEP_PR_NUMBER=
[[ ! -e $tmp/gh.log ]] || { echo "FAIL: gh was called without a pull request"; fail=1; }

# Nothing added: nothing linted, exit 0, no new comment.
run 0 "no migration added" LOCKSTEP_BASE_REF=pr
contains "$tmp/out" "no migration added under prisma/migrations since pr"
if grep -q -- "-X POST" "$tmp/gh.log"; then echo "FAIL: commented although nothing was added"; fail=1; fi
# ... but an earlier comment is updated, so that it no longer shows findings that are gone.
rm -f "$tmp/gh.log"
echo 4242 >"$tmp/existing"
run 0 "no migration added any more" LOCKSTEP_BASE_REF=pr
contains "$tmp/gh.log" "-X PATCH repos/acme/app/issues/comments/4242 -F body=@"
contains "$tmp/body.2.md" "### lockstep lint: no migration added"
rm -f "$tmp/existing"

# Bad settings: a clear message and exit 2.
run 2 "an unknown fail-on" LOCKSTEP_FAIL_ON=fatal
contains "$tmp/err" "fail-on is error, warning, hint or none, not 'fatal'"
run 2 "a base ref that is not there" LOCKSTEP_BASE_REF=origin/nope
contains "$tmp/err" "base ref 'origin/nope' is not in this clone"
# action.yml runs this script and hands it every setting it reads.
for wiring in 'scripts/ci/lint-pr.sh' 'LOCKSTEP_BIN:' 'LOCKSTEP_MIGRATIONS: ${{ inputs.migrations }}' \
  'LOCKSTEP_BASE_REF: ${{ inputs.base-ref }}' 'LOCKSTEP_FAIL_ON: ${{ inputs.fail-on }}' \
  'LOCKSTEP_PR_NUMBER:' 'GH_TOKEN: ${{ inputs.github-token }}' 'using: composite'; do
  contains "$src/action.yml" "$wiring"
done
exit $fail
